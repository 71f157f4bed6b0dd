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


def test_posterior_slice_draws_the_model_its_trials_and_the_next_trial():
    from tunelab.plots.search import PosteriorSlice

    x = np.geomspace(1e-4, 1.0, 41)
    mean, std = np.linspace(0.6, 0.3, 41), np.full(41, 0.05)
    ei = search.expected_improvement(mean, std, 0.32)
    fig, axes = plt.subplots(2, 1)
    part = PosteriorSlice(
        axes, x, mean, std, ei, trials=([1e-3, 0.1], [0.5, 0.32]), next_value=0.5,
        truth=(x[::10], mean[::10]),
    )  # fmt: skip
    np.testing.assert_allclose(part.mean_line.get_ydata(), mean)
    np.testing.assert_allclose(part.ei_line.get_ydata(), ei)
    band = part.band.get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(mean.min() - 0.1) and band.max() == pytest.approx(0.7)
    np.testing.assert_allclose(part.trial_points.get_offsets(), [[1e-3, 0.5], [0.1, 0.32]])
    assert part.best_line.get_ydata()[0] == 0.32
    assert [line.get_xdata()[0] for line in part.next_lines] == [0.5, 0.5]
    assert part.truth_line is not None and part.ax.get_title() == "after 2 trials"
    assert part.ax.get_xscale() == "log" and part.ei_ax.get_xscale() == "log"
    labels = part.ax.get_legend_handles_labels()[1]
    assert "mean" in labels and "±2σ" in labels and "next trial" in labels
    shown = children(part.ax)
    part.update(View())
    assert children(part.ax) == shown
    bare = PosteriorSlice(None, np.linspace(-1, 1, 5), np.zeros(5), np.ones(5), np.ones(5),
                          trials=([0.0], [0.0]))  # fmt: skip
    assert bare.next_lines == [] and bare.truth_line is None and bare.ax.get_xscale() == "linear"


def test_posterior_slice_refuses_curves_that_do_not_match():
    from tunelab.plots.search import PosteriorSlice

    x, ones = np.linspace(0, 1, 5), np.ones(5)
    trials = ([0.5], [0.2])
    with pytest.raises(ValueError, match="`std`"):
        PosteriorSlice(None, x, ones, ones[:4], ones, trials=trials)
    with pytest.raises(ValueError, match="increasing"):
        PosteriorSlice(None, x[::-1], ones, ones, ones, trials=trials)
    with pytest.raises(ValueError, match="no negative"):
        PosteriorSlice(None, x, ones, -ones, ones, trials=trials)
    with pytest.raises(ValueError, match="`mean`"):
        PosteriorSlice(None, x, ones * np.nan, ones, ones, trials=trials)
    with pytest.raises(ValueError, match="trials"):
        PosteriorSlice(None, x, ones, ones, ones, trials=([0.5, 0.6], [0.2]))
    with pytest.raises(TypeError, match="two matplotlib Axes"):
        PosteriorSlice([plt.subplots()[1]], x, ones, ones, ones, trials=trials)


def test_fold_map_draws_one_row_per_fold_with_its_validation_points():
    from tunelab.plots.search import FoldMap

    poly = tl.load_dataset("poly", n_samples=23)
    folds = search.Folds.of(poly, k=4, seed=0)
    fold_map = FoldMap(None, folds)
    _, _, points = folds.pooled()
    for f in range(4):
        val, train = fold_map.val_points[f].get_offsets(), fold_map.train_points[f].get_offsets()
        assert len(val) == np.sum(folds.fold_of == f) and len(val) + len(train) == 23
        np.testing.assert_allclose(np.asarray(val)[:, 1], f)
        np.testing.assert_allclose(np.asarray(val)[:, 0], points[folds.fold_of == f, 0])
    labels = [t.get_text() for t in fold_map.ax.get_yticklabels()]
    assert labels == ["fold 1", "fold 2", "fold 3", "fold 4"]
    assert fold_map.ax.get_xlabel() == "input x"
    moons = FoldMap(None, search.Folds.of(tl.load_dataset("moons", n_samples=20), k=2))
    assert moons.ax.get_xlabel() == "example"  # 2-D points: placed by their pooled index
    with pytest.raises(TypeError, match="Folds"):
        FoldMap(None, folds.fold_of)
    with pytest.raises(ValueError, match="`x`"):
        FoldMap(None, folds, x=np.arange(5))


def test_cross_validation_curve_draws_each_fold_and_the_mean():
    from tunelab.plots.search import CrossValidationCurve

    values = [1e-4, 1e-3, 1e-2, 1e-1]
    losses = np.array([[0.3, 0.2, 0.25, 0.4], [0.32, 0.24, 0.2, 0.5], [0.28, 0.21, 0.22, 0.45]])
    curve = CrossValidationCurve(None, values, losses)
    assert len(curve.fold_lines) == 3
    np.testing.assert_allclose(curve.fold_lines[1].get_ydata(), losses[1])
    mean_line = curve.mean_bars.lines[0]
    np.testing.assert_allclose(mean_line.get_ydata(), losses.mean(axis=0))
    np.testing.assert_allclose(curve.best_point.get_offsets(), [[1e-3, losses.mean(axis=0)[1]]])
    assert curve.ax.get_xscale() == "log"
    with pytest.raises(ValueError, match="one row per fold"):
        CrossValidationCurve(None, values, losses[:, :3])
    with pytest.raises(ValueError, match="`values`"):
        CrossValidationCurve(None, [[1e-3]], losses)
