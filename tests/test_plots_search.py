"""tunelab.plots.search: a landscape's map with a search's trials, best-so-far curves."""

from __future__ import annotations

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tunelab as tl  # noqa: E402
from tunelab import search  # noqa: E402
from tunelab.plots import BestSoFar, LandscapeMap, View  # noqa: E402


def synthetic(row_loss, col_noise=0.0, seed=0) -> search.Landscape:
    """A landscape whose loss depends on the row value, plus a little noise along columns."""
    row_loss = np.asarray(row_loss, dtype=np.float64)
    n = len(row_loss)
    rows, cols = np.geomspace(1e-4, 1.0, n), np.geomspace(1e-6, 1e-3, n)
    noise = np.random.default_rng(seed).normal(0.0, col_noise, size=(n, n))
    return search.Landscape(("learning_rate", "l2"), rows, cols, row_loss[:, None] + noise, ())


NARROW_BAND = [0.68, 0.66, 0.62, 0.57, 0.53, 0.49, 0.46, 0.42, 0.31, 0.22, 0.21, 0.26, 0.36,
               0.40, 0.69]  # fmt: skip


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def land():
    return synthetic(NARROW_BAND, col_noise=0.003)


def children(ax) -> list[int]:
    return [id(artist) for artist in ax.get_children()]


def test_plots_draw_the_landscape_trials_and_curves():
    land = synthetic(NARROW_BAND)
    fig, (ax1, ax2) = plt.subplots(1, 2)
    mesh = LandscapeMap(ax1, land).mesh
    assert mesh.get_array().size == land.loss.size
    assert ax1.get_xscale() == "log" and ax1.get_yscale() == "log"
    points = LandscapeMap(ax1, land, colorbar=False).show_trials(search.grid_search(land))
    assert len(points.get_offsets()) == 9
    lines = BestSoFar(
        ax2,
        {
            "grid": [search.grid_search(land)],
            "random": [search.random_search(land, 9, s) for s in (0, 1)],
        },
    ).mean_lines
    assert set(lines) == {"grid", "random"} and len(lines["random"].get_xdata()) == 9
    plt.close(fig)
    zero = search.Landscape(("learning_rate", "l2"), np.array([0.1, 1]), np.array([0, 1e-3]),
                            np.zeros((2, 2)), ())  # fmt: skip
    with pytest.raises(ValueError, match="positive"):
        LandscapeMap(plt.subplots()[1], zero)


def test_landscape_map_moves_the_same_marks_for_another_search(land):
    land_map = LandscapeMap(None, land)
    grid = search.grid_search(land, 9)
    assert land_map.show_trials(grid) is land_map.trial_points
    grid_marker = land_map.trial_points.get_paths()[0].vertices.copy()
    shown = children(land_map.ax)
    randoms = search.random_search(land, 9, seed=0)
    land_map.show_trials(randoms)
    assert children(land_map.ax) == shown, "a second search adds no artist"
    cells = np.column_stack([land.cols[randoms.trials[:, 1]], land.rows[randoms.trials[:, 0]]])
    np.testing.assert_allclose(land_map.trial_points.get_offsets(), cells)
    i, j = randoms.best_index
    np.testing.assert_allclose(land_map.best_point.get_offsets(), [[land.cols[j], land.rows[i]]])
    assert land_map.trial_points.get_paths()[0].vertices.shape != grid_marker.shape  # ■ → ●
    assert [t.get_text() for t in land_map.trial_numbers] == [str(k) for k in range(1, 10)]
    assert land_map.trial_numbers[0].xy == tuple(cells[0])
    assert land_map.ax.get_title().startswith("random: best")
    land_map.show_trials(search.grid_search(land, 4), numbers=False)
    assert children(land_map.ax) == shown, "a smaller search hides labels, adds nothing"
    assert len(land_map.trial_points.get_offsets()) == 4
    assert not any(t.get_visible() for t in land_map.trial_numbers)
    land_map.show_trials(search.grid_search(land, 4))
    assert [t.get_visible() for t in land_map.trial_numbers] == [True] * 4 + [False] * 5


def test_landscape_map_refuses_what_it_cannot_show(land):
    with pytest.raises(TypeError, match="Landscape"):
        LandscapeMap(None, land.loss)
    land_map = LandscapeMap(None, land, colorbar=False)
    assert land_map.colorbar is None
    with pytest.raises(TypeError, match="SearchRun"):
        land_map.show_trials(land.loss)
    other = synthetic(NARROW_BAND[:9])
    with pytest.raises(ValueError, match="landscape this map shows"):
        land_map.show_trials(search.grid_search(other, 9))


def test_landscape_map_rings_the_setting_of_the_view_in_place(land):
    data = tl.load_dataset("moons", n_samples=60, seed=0)
    plain = tl.train(data, tl.TrainConfig(hidden=(4,), epochs=20))
    penalised = tl.train(data, tl.TrainConfig(hidden=(4,), epochs=20, l2=1e-4))
    land_map = LandscapeMap.from_view(None, View(result=penalised), landscape=land)
    rate = penalised.config.learning_rate
    np.testing.assert_allclose(land_map.current_point.get_offsets(), [[1e-4, rate]])
    shown = children(land_map.ax)
    land_map.update(View(result=plain))  # λ = 0 has no place on a log axis
    assert len(land_map.current_point.get_offsets()) == 0
    land_map.update(penalised)
    assert len(land_map.current_point.get_offsets()) == 1
    land_map.update(None)
    assert len(land_map.current_point.get_offsets()) == 0
    assert children(land_map.ax) == shown


def test_best_so_far_moves_its_lines_in_place(land):
    grid = search.grid_search(land, 9)
    first = [search.random_search(land, 9, seed=s) for s in range(3)]
    curves = BestSoFar(None, {"grid": [grid], "random": first})
    assert len(curves.run_lines["random"]) == 3 and curves.run_lines["grid"] == []
    shown = children(curves.ax)
    others = [search.random_search(land, 9, seed=s) for s in (10, 11, 12)]
    lines = curves.show_runs({"grid": [grid], "random": others})
    assert children(curves.ax) == shown, "other runs of the same searches add no artist"
    assert lines["random"] is curves.mean_lines["random"]
    mean = np.mean([run.best_so_far for run in others], axis=0)
    np.testing.assert_allclose(lines["random"].get_ydata(), mean)
    np.testing.assert_allclose(curves.run_lines["random"][1].get_ydata(), others[1].best_so_far)
    np.testing.assert_allclose(lines["grid"].get_ydata(), grid.best_so_far)
    curves.update(View())  # a View holds no search: nothing moves
    assert children(curves.ax) == shown
    np.testing.assert_allclose(lines["random"].get_ydata(), mean)
    curves.show_runs({"grid": [grid], "random": others[:2]})
    assert children(curves.ax) == shown
    assert [line.get_visible() for line in curves.run_lines["random"]] == [True, True, False]
    labels = [text.get_text() for text in curves.legend.get_texts()]
    assert labels == ["grid", "random (mean of 2)"]


def test_best_so_far_refuses_runs_it_cannot_average(land):
    with pytest.raises(TypeError, match="runs"):
        BestSoFar(None, [search.grid_search(land)])
    with pytest.raises(TypeError, match="SearchRun"):
        BestSoFar(None, {"grid": [land]})
    with pytest.raises(ValueError, match="same budget"):
        BestSoFar(None, {"random": [search.random_search(land, 9), search.random_search(land, 4)]})


def test_search_and_its_plots_import_without_tensorflow():
    code = "import sys, tunelab.search, tunelab.plots.search; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
