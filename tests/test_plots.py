"""Tests for tunelab.plots: parts are built once and updated in place, never with NaN.

Real training runs (few epochs, module-scoped fixtures) feed the plots, so the tests also
check that the parts read `TrainResult`s the way the engine writes them. Where a case needs
data the engine never writes (a NaN weight, a NaN on a path), it is a real result with that
field replaced (`dataclasses.replace`).
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import Collection  # noqa: E402
from matplotlib.image import AxesImage  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from tunelab.datasets import DATASET_NAMES, load_dataset  # noqa: E402
from tunelab.plots import (  # noqa: E402
    AccuracyCurves,
    DecisionBoundary,
    FigureDrawer,
    LossCurves,
    LossSurface,
    NeuronThumbnails,
    Part,
    RegressionFit,
    ScheduleCurve,
    SmallMultiples,
    SweepCurve,
    View,
    WeightHistogram,
    boundary_part_for,
    new_figure,
    show_datasets,
)
from tunelab.plots.base import SteadyLayout  # noqa: E402
from tunelab.plots.curves import steady_limits  # noqa: E402
from tunelab.training import TrainConfig, sweep, train  # noqa: E402
from tunelab.training.schedules import ExponentialDecay, StepDecay  # noqa: E402

EPOCHS = 40


# ----------------------------------------------------------------------------------------
# Fixtures: each distinct network shape compiles once (~2 s), so results are shared.


@pytest.fixture(scope="module")
def moons():
    return load_dataset("moons", n_samples=200)


@pytest.fixture(scope="module")
def base_config():
    return TrainConfig(hidden=(8,), epochs=EPOCHS, snapshots=8, grid_size=30)


@pytest.fixture(scope="module")
def moons_runs(moons, base_config):
    # Three settings trained together in one compiled call.
    return sweep(moons, base_config, l2=[0.0, 1e-3, 3e-2])


@pytest.fixture(scope="module")
def early(moons, base_config):
    return train(moons, dataclasses.replace(base_config, patience=2, learning_rate=0.3))


@pytest.fixture(scope="module")
def diverged(moons, base_config):
    result = train(moons, dataclasses.replace(base_config, optimizer="sgd", learning_rate=50))
    assert result.diverged_at is not None
    return result


@pytest.fixture(scope="module")
def spiral3():
    return load_dataset("spiral3", n_samples=200)


@pytest.fixture(scope="module")
def spiral3_runs(spiral3, base_config):
    return sweep(spiral3, base_config, l2=[0.0, 1e-2])


@pytest.fixture(scope="module")
def poly():
    return load_dataset("poly", n_samples=200)


@pytest.fixture(scope="module")
def poly_runs(poly):
    cfg = TrainConfig(hidden=(), optimizer="sgd", learning_rate=0.1, epochs=EPOCHS, grid_size=30)
    return sweep(poly, cfg, learning_rate=[0.1, 0.6])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# ----------------------------------------------------------------------------------------
# Helpers


def artist_counts(ax) -> tuple[int, ...]:
    return (
        len(ax.get_children()),
        len(ax.images),
        len(ax.lines),
        len(ax.collections),
        len(ax.patches),
        len(ax.texts),
    )


def assert_all_finite(ax) -> None:
    """No artist on ``ax`` holds NaN or infinity in its data."""
    for artist in ax.get_children():
        if isinstance(artist, Line2D):
            data = np.asarray(artist.get_xydata(), np.float64)
        elif isinstance(artist, AxesImage):
            data = np.asarray(artist.get_array(), np.float64)
        elif isinstance(artist, Collection):
            paths = [p.vertices for p in artist.get_paths()]
            data = np.concatenate(
                [np.asarray(artist.get_offsets()).ravel()] + [p.ravel() for p in paths]
            )
        elif isinstance(artist, Rectangle):
            data = np.array(
                [artist.get_x(), artist.get_y(), artist.get_width(), artist.get_height()]
            )
        elif isinstance(artist, Text):
            data = np.asarray(artist.get_position(), np.float64)
        else:
            continue
        assert np.all(np.isfinite(data)), f"non-finite data in {artist!r}"


def check_in_place(part, update, ax=None) -> None:
    """``update()`` adds no artist to the axes and creates no figure."""
    ax = ax if ax is not None else part.ax
    before, figures = artist_counts(ax), len(plt.get_fignums())
    update()
    assert artist_counts(ax) == before
    assert len(plt.get_fignums()) == figures
    assert_all_finite(ax)


# ----------------------------------------------------------------------------------------
# new_figure


def test_new_figure_uses_constrained_layout():
    n = len(plt.get_fignums())
    fig, axes = new_figure(1, 2)
    assert len(plt.get_fignums()) == n + 1
    assert len(axes) == 2 and fig.get_layout_engine() is not None
    assert tuple(fig.get_size_inches()) == pytest.approx((8, 3.2))


def test_the_layout_is_worked_out_again_only_when_the_frame_changed(moons, moons_runs):
    fig, axes = new_figure(1, 2)
    engine = fig.get_layout_engine()
    assert isinstance(engine, SteadyLayout) and fig.get_constrained_layout()
    parts = [DecisionBoundary(axes[0], moons, moons_runs[0]), LossCurves(axes[1], moons_runs[0])]
    fig.canvas.draw()
    first = engine.layouts
    positions = [ax.get_position().bounds for ax in axes]
    for epoch in (0, 10, 25):  # the image and the cursor move; the frame stays
        for part in parts:
            part.update(View(result=moons_runs[1], epoch=epoch), draw=False)
        fig.canvas.draw()
    assert engine.layouts == first
    assert [ax.get_position().bounds for ax in axes] == positions
    axes[1].set_ylim(0, 50)  # new limits, new tick labels: lay out again
    fig.canvas.draw()
    assert engine.layouts == first + 1
    axes[0].set_title("two\nlines")
    fig.canvas.draw()
    assert engine.layouts == first + 2
    fig.set_size_inches(9, 3.5)
    fig.canvas.draw()
    assert engine.layouts == first + 3
    engine.set(wspace=0.1)
    fig.canvas.draw()
    assert engine.layouts == first + 4
    fig.canvas.draw()
    assert engine.layouts == first + 4


def test_a_kept_layout_draws_the_same_pixels_as_a_fresh_one(moons, moons_runs):
    fig, axes = new_figure(1, 2)
    parts = [DecisionBoundary(axes[0], moons, moons_runs[0]), LossCurves(axes[1], moons_runs[0])]
    for _ in range(3):  # constrained layout settles over its first passes
        fig.canvas.draw()
    for part in parts:
        part.update(View(result=moons_runs[1], epoch=5), draw=False)
    fig.canvas.draw()
    kept = np.asarray(fig.canvas.buffer_rgba()).copy()
    fig.get_layout_engine().set(wspace=0.06)  # same spaces, but the engine lays out anew
    fig.canvas.draw()
    np.testing.assert_array_equal(kept, np.asarray(fig.canvas.buffer_rgba()))


def pixels(fig) -> np.ndarray:
    """What the canvas holds now (Agg's buffer), as an array."""
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def assert_same_but_legends(fig, blitted: np.ndarray, full: np.ndarray) -> None:
    """Pixel for pixel the same, except for rounding (two levels of 255) inside legends,
    which a blit composites from an image of the legend drawn once."""
    differ = np.abs(blitted.astype(int) - full.astype(int)).max(axis=-1)
    assert differ.max() <= 2
    inside = np.zeros(differ.shape, bool)
    height = differ.shape[0]
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is not None:
            box = legend.get_window_extent()
            rows = slice(max(int(height - box.y1) - 2, 0), int(height - box.y0) + 2)
            inside[rows, max(int(box.x0) - 2, 0) : int(box.x1) + 2] = True
    assert not (differ[~inside] > 0).any()


def test_a_blitted_frame_is_the_frame_a_full_draw_gives(moons, moons_runs):
    fig, axes = new_figure(1, 2)
    parts = [
        DecisionBoundary(axes[0], moons, moons_runs[1], show_misclassified=True),
        LossCurves(axes[1], moons_runs[1]),
    ]
    axes[1].grid(True)  # grid lines lie over the data: that axis is redrawn with it
    drawer = FigureDrawer(fig, parts, blit=True)
    for _ in range(3):  # constrained layout settles over its first passes
        fig.canvas.draw()
    assert drawer.draw() == "full"  # the first draw keeps the background
    draws = count_draws(fig)
    for epoch in (0, 10, 25):  # the frame stays: the image, the points, the cursor change
        view = View(result=moons_runs[1], epoch=epoch)
        for part in parts:
            part.update(view, draw=False)
        assert drawer.draw() == "blit"
        assert not draws  # no full draw
        blitted = pixels(fig)
        fig.canvas.draw()
        draws.clear()
        assert_same_but_legends(fig, blitted, pixels(fig))
    assert drawer.blits == 3 and drawer.full_draws == 1
    # Every artist is drawn again by a full draw: none is left animated.
    assert not any(a.get_animated() for ax in axes for a in ax.get_children())


def test_the_drawer_draws_whole_when_the_frame_changed(moons, moons_runs):
    fig, axes = new_figure(1, 2)
    parts = [DecisionBoundary(axes[0], moons, moons_runs[0]), LossCurves(axes[1], moons_runs[0])]
    drawer = FigureDrawer(fig, parts, blit=True)
    assert drawer.draw() == "full"  # nothing drawn yet: no background to blit onto
    parts[0].update(View(result=moons_runs[0], epoch=3), draw=False)
    assert drawer.draw() == "blit"
    parts[1].ax.set_ylim(0, 50)  # the frame moved: its ticks must be drawn again
    draws = count_draws(fig)
    assert drawer.draw() == "full" and len(draws) == 1
    assert drawer.draw() == "blit"
    fig.set_size_inches(9, 3.5)  # a new size: a new background
    assert drawer.draw() == "full"
    axes[0].plot([0, 1], [0, 1])  # a new artist in a part's Axes
    assert drawer.draw() == "full"
    assert drawer.draw() == "blit"
    others = FigureDrawer(fig, [*parts, SimpleNamespace(ax=axes[0])], blit=True)
    assert not others.blittable and others.draw() == "full"  # a kind that is not a Part
    assert FigureDrawer(fig, parts, blit=False).draw() == "full"


def test_loss_axis_limits_hold_still_while_the_curves_fit():
    assert steady_limits((0.0, 1.0), 0.05, 0.7) == (0.0, 1.0)
    assert steady_limits((0.0, 1.0), 0.05, 0.3) == (0.0, 0.4)  # less than half: shrink
    assert steady_limits((0.0, 1.0), 0.05, 1.3) == (0.0, 1.5)  # out of the frame: grow
    assert steady_limits((0.01, 1.0), 0.02, 0.5, log=True) == (0.01, 1.0)
    assert steady_limits((0.01, 1.0), 0.002, 0.5, log=True) == (0.001, 1.0)
    low, high = steady_limits((0.0, 1.0), -0.2, 0.5)
    assert low <= -0.2 and high >= 0.5


def test_loss_curves_show_every_run_inside_their_frame(moons_runs):
    curves = LossCurves(None, moons_runs[0])
    for run in (*moons_runs, *moons_runs[::-1]):
        curves.update(run, draw=False)
        low, high = curves.ax.get_ylim()
        for key in ("train_loss", "val_loss"):
            values = np.asarray(run.history[key])
            assert low <= np.nanmin(values) and np.nanmax(values) <= high


# ----------------------------------------------------------------------------------------
# DecisionBoundary


def test_decision_boundary_updates_image_in_place(moons, moons_runs):
    _, ax = new_figure()
    part = DecisionBoundary(ax, moons, moons_runs[0], show_misclassified=True)
    first = np.array(part.image.get_array())
    assert first.shape == moons_runs[0].grid_shape
    assert part.image.get_visible() and not part.ax.lines  # no regression curve here
    assert len(part.train_points.get_offsets()) == len(moons.y_train)
    assert len(part.val_points.get_offsets()) == len(moons.y_val)

    check_in_place(part, lambda: part.update(moons_runs[2]))
    second = np.array(part.image.get_array())
    assert not np.allclose(first, second)
    np.testing.assert_allclose(second.ravel(), moons_runs[2].surface, rtol=1e-6)

    result = moons_runs[2]
    expected = sum(
        int(np.sum((result.predict(x) > 0.5) != y.astype(bool)))
        for x, y in ((moons.x_train, moons.y_train), (moons.x_val, moons.y_val))
    )
    assert len(part.wrong_points.get_offsets()) == expected


@pytest.mark.parametrize("threshold", [0.1, 0.5, 0.9])
def test_decision_boundary_threshold_line_and_marks(moons, moons_runs, threshold):
    result = moons_runs[2]
    part = DecisionBoundary(None, moons, result, show_misclassified=True, threshold=threshold)
    segments = part.threshold_line.get_segments()
    assert segments, "a trained moons net crosses every threshold somewhere in the plane"
    # The line is where the plotted (bilinear) surface crosses the threshold: the
    # probability on each side of it, half a grid cell away, straddles the threshold.
    points = np.concatenate(segments).astype(np.float32)
    probs = result.predict(moons.featurize(points)).ravel()
    assert abs(float(np.median(probs)) - threshold) < 0.1
    expected = sum(
        int(np.sum((result.predict(x).ravel() > threshold) != y.astype(bool)))
        for x, y in ((moons.x_train, moons.y_train), (moons.x_val, moons.y_val))
    )
    assert len(part.wrong_points.get_offsets()) == expected

    before = [s.copy() for s in segments]
    other = 0.5 if threshold != 0.5 else 0.2
    check_in_place(part, lambda: part.update(View(result=result, threshold=other)))
    assert part.threshold == other
    after = part.threshold_line.get_segments()
    assert len(after) != len(before) or any(
        a.shape != b.shape or not np.allclose(a, b) for a, b in zip(after, before, strict=True)
    )
    part.update(result)  # a bare result is View(result=result): no threshold line
    assert not part.threshold_line.get_segments()


@pytest.mark.parametrize("bad", [0, 1, -0.5, 1.5, "0.5", True, float("nan")])
def test_decision_boundary_rejects_bad_threshold(moons, bad):
    with pytest.raises((TypeError, ValueError), match="threshold"):
        DecisionBoundary(None, moons, threshold=bad)
    part = DecisionBoundary.from_view(None, View(data=moons, threshold=0.3))
    with pytest.raises((TypeError, ValueError), match="threshold"):
        part.update(View(data=moons, threshold=bad))
    assert part.threshold == 0.3  # a refused value changes nothing


def test_decision_boundary_epoch_uses_snapshot(moons, moons_runs):
    result = moons_runs[0]
    part = DecisionBoundary(None, moons, result)
    check_in_place(part, lambda: part.update(View(result=result, epoch=0)))
    np.testing.assert_allclose(part.image.get_array().ravel(), result.surface_at(0))
    assert not part.wrong_points.get_offsets().size  # not asked for


def test_decision_boundary_multiclass_blends_colours(spiral3, spiral3_runs):
    part = DecisionBoundary(None, spiral3, spiral3_runs[0], show_misclassified=True)
    rgb = np.array(part.image.get_array())
    assert rgb.shape == (*spiral3_runs[0].grid_shape, 3)
    assert rgb.min() >= 0 and rgb.max() <= 1
    check_in_place(part, lambda: part.update(spiral3_runs[1]))
    assert not np.allclose(rgb, part.image.get_array())


def test_regression_fit_draws_prediction_line(poly, poly_runs):
    part = RegressionFit(None, poly, poly_runs[0])
    assert part.line.get_visible() and not part.ax.images
    assert len(part.train_points.get_offsets()) == len(poly.y_train)
    first = np.array(part.line.get_ydata())
    np.testing.assert_allclose(first, poly_runs[0].surface, rtol=1e-6)
    check_in_place(part, lambda: part.update(poly_runs[1]))
    assert not np.allclose(first, part.line.get_ydata())
    check_in_place(part, lambda: part.update(View(result=poly_runs[1], epoch=0)))
    np.testing.assert_allclose(part.line.get_ydata(), poly_runs[1].surface_at(0), rtol=1e-6)
    part.update(None)
    assert len(part.line.get_xdata()) == 0


def test_boundary_part_for_picks_the_part_for_the_data(moons, spiral3, poly):
    assert boundary_part_for(moons) is DecisionBoundary
    assert boundary_part_for(spiral3) is DecisionBoundary
    assert boundary_part_for(poly) is RegressionFit
    with pytest.raises(ValueError, match="2-D points"):
        boundary_part_for(load_dataset("breast_cancer", n_samples=100))
    with pytest.raises(TypeError, match="Dataset"):
        boundary_part_for("moons")


def test_boundary_parts_refuse_each_others_data(moons, poly, moons_runs):
    with pytest.raises(ValueError, match="RegressionFit"):
        DecisionBoundary(None, poly)
    with pytest.raises(ValueError, match="RegressionFit"):
        DecisionBoundary(None, moons).set_data(poly)
    with pytest.raises(ValueError, match="DecisionBoundary"):
        RegressionFit(None, moons)
    with pytest.raises(ValueError, match="regression"):
        RegressionFit(None, poly).update(moons_runs[0])
    with pytest.raises(ValueError, match="show_misclassified"):
        RegressionFit(None, poly, show_misclassified=True)


def test_decision_boundary_rejects_tabular_data():
    with pytest.raises(ValueError, match="2-D points"):
        DecisionBoundary(None, load_dataset("breast_cancer", n_samples=100))


def test_decision_boundary_follows_the_views_data(moons, moons_runs):
    other = load_dataset("moons", n_samples=120, noise=0.1, seed=3)
    part = DecisionBoundary.from_view(None, View(result=moons_runs[0], data=moons))
    check_in_place(part, lambda: part.update(View(data=other)))
    assert part.data is other and not part.image.get_visible()
    np.testing.assert_allclose(part.train_points.get_offsets(), other.points_train)
    part.update(moons_runs[0])  # data=None keeps the data shown
    assert part.data is other and part.image.get_visible()


# ----------------------------------------------------------------------------------------
# LossCurves and AccuracyCurves


def test_loss_curves_update_in_place(moons_runs):
    a, b = moons_runs[0], moons_runs[2]
    part = LossCurves(None, a)
    np.testing.assert_array_equal(part.train_line.get_xdata(), np.arange(1, EPOCHS + 1))
    np.testing.assert_allclose(part.val_line.get_ydata(), a.history["val_loss"])
    assert part.ax.get_xlim() == (0, EPOCHS)
    assert part.gap_text.get_text() == f"gap {a.gap:.2f}"
    (verts,) = [p.vertices for p in part.gap_fill.get_paths()]
    assert len(verts) >= 2 * EPOCHS
    assert not part.marker_line.get_visible() and not part.cursor.get_visible()

    check_in_place(part, lambda: part.update(b))
    np.testing.assert_allclose(part.train_line.get_ydata(), b.history["train_loss"])
    low, high = part.ax.get_ylim()
    assert low <= b.history["train_loss"].min() and high >= b.history["val_loss"].max()

    check_in_place(part, lambda: part.set_cursor(12))
    assert part.cursor.get_visible() and list(part.cursor.get_xdata()) == [12, 12]
    part.set_cursor(None)
    assert not part.cursor.get_visible()
    lines = np.array(part.val_line.get_ydata())
    check_in_place(part, lambda: part.update(View(result=b, epoch=7)))
    assert part.cursor.get_visible() and list(part.cursor.get_xdata()) == [7, 7]
    np.testing.assert_array_equal(part.val_line.get_ydata(), lines)
    part.update(b)  # epoch None: the end of the run, no cursor
    assert not part.cursor.get_visible()


def test_curves_show_divergence_without_nan(moons_runs, diverged):
    for cls in (LossCurves, AccuracyCurves):
        part = cls(None, moons_runs[0])
        check_in_place(part, lambda p=part: p.update(diverged))
        assert part.marker_line.get_visible()
        assert part.marker_text.get_text() == "diverged"
        assert list(part.marker_line.get_xdata()) == [diverged.diverged_at] * 2
        part.update(moons_runs[1])
        assert not part.marker_line.get_visible()


def test_loss_curves_mark_early_stopping(early):
    part = LossCurves(None, early, log_y=True)
    assert part.ax.get_yscale() == "log"
    assert part.marker_line.get_visible()
    assert list(part.marker_line.get_xdata()) == [early.best_epoch] * 2
    assert part.marker_text.get_text().startswith(f"best epoch {early.best_epoch}")


def test_loss_curves_empty_without_result(moons_runs):
    part = LossCurves(None)
    assert len(part.train_line.get_xdata()) == 0 and part.gap_text.get_text() == ""
    part.update(moons_runs[0])
    check_in_place(part, lambda: part.update(None))
    assert len(part.val_line.get_xdata()) == 0


def test_accuracy_curves(moons_runs, poly_runs):
    part = AccuracyCurves(None, moons_runs[0])
    assert part.ax.get_ylim() == (0.0, 1.02)
    check_in_place(part, lambda: part.update(moons_runs[2]))
    np.testing.assert_allclose(part.val_line.get_ydata(), moons_runs[2].history["val_acc"])
    check_in_place(part, lambda: part.update(poly_runs[0]))
    assert part.message.get_visible() and "regression" in part.message.get_text()
    assert len(part.train_line.get_xdata()) == 0
    part.update(moons_runs[0])
    assert not part.message.get_visible()


# ----------------------------------------------------------------------------------------
# WeightHistogram and ScheduleCurve


def test_weight_histogram_counts_every_kernel_weight(moons_runs):
    a, b = moons_runs[0], moons_runs[2]
    n_kernel = sum(w.size for w in a.weights[0::2])
    part = WeightHistogram(None, a)
    heights = [p.get_height() for p in part.bars.patches]
    assert sum(heights) == part.counts.sum() == n_kernel
    check_in_place(part, lambda: part.update(b))
    assert [p.get_height() for p in part.bars.patches] != heights
    assert part.counts.sum() == n_kernel
    small = int(np.sum(np.abs(np.concatenate([w.ravel() for w in b.weights[0::2]])) < 1e-3))
    assert part.small_text.get_text().startswith(f"|w| < 1e-3: {small} of {n_kernel} (")


def test_weight_histogram_widens_bins_when_needed(moons_runs):
    # The engine never writes a NaN weight; a real result with its weights replaced does.
    tiny = dataclasses.replace(moons_runs[0], weights=(np.array([[0.1, -0.2]]), np.zeros(2)))
    big = dataclasses.replace(moons_runs[0], weights=(np.array([[5.0, -0.2, np.nan]]), np.zeros(3)))
    part = WeightHistogram(None, tiny, symlog=True, bins=21)
    assert part.ax.get_xscale() == "symlog" and len(part.bars.patches) == 21
    check_in_place(part, lambda: part.update(big))
    assert part.edges[0] < -5 and part.edges[-1] > 5
    assert part.counts.sum() == 2  # the NaN is left out
    lefts = [p.get_x() for p in part.bars.patches]
    np.testing.assert_allclose(lefts, part.edges[:-1])


def test_schedule_curve():
    part = ScheduleCurve(None, None, 0.05, 200)
    np.testing.assert_allclose(part.line.get_ydata(), 0.05)
    schedule = ExponentialDecay(decay_steps=50, decay_rate=0.5)
    check_in_place(part, lambda: part.set_schedule(schedule, 0.1, 300))
    np.testing.assert_allclose(part.line.get_ydata(), schedule.values(300, 0.1), rtol=1e-6)
    assert part.ax.get_xlim() == (0, 299)
    part.set_schedule(StepDecay(step_size=100, factor=0.5))  # keeps α = 0.1 and 300 steps
    assert part.line.get_ydata()[-1] == pytest.approx(0.025)


def test_schedule_curve_reads_the_results_config(moons, base_config):
    schedule = StepDecay(step_size=10, factor=0.5)
    result = train(moons, dataclasses.replace(base_config, schedule=schedule, batch_size=50))
    steps = result.config.epochs * result.steps_per_epoch
    assert result.steps_per_epoch == 2
    part = ScheduleCurve.from_view(None, View(result=result))
    np.testing.assert_allclose(part.line.get_ydata(), schedule.values(steps, 0.03), rtol=1e-6)
    assert part.steps == steps and part.ax.get_xlim() == (0, steps - 1)
    check_in_place(part, lambda: part.update(None))
    assert len(part.line.get_xdata()) == 0


def test_neuron_thumbnails_tile_each_first_layer_unit(moons_runs, poly_runs):
    result = moons_runs[0]
    part = NeuronThumbnails(None, result, max_units=4)
    assert part.tiles == (2, 2) and part.image.get_visible()
    w1, b1 = result.weights[0], result.weights[1]
    units = np.maximum(result.grid_inputs @ w1 + b1, 0)[:, :4]  # relu, the config's default
    low, high = units.min(axis=0), units.max(axis=0)
    expected = (units - low) / np.where(high > low, high - low, 1.0)  # a dead unit is all 0
    assert np.ptp(expected, axis=0).max() == pytest.approx(1.0)  # some unit is alive
    g, tile, mosaic = result.grid_shape[0], result.grid_shape[0] + 2, part.image.get_array()
    for i, (row, col) in enumerate([(1, 0), (1, 1), (0, 0), (0, 1)]):  # first at top left
        shown = np.asarray(mosaic)[row * tile : row * tile + g, col * tile : col * tile + g]
        np.testing.assert_allclose(shown.ravel(), expected[:, i], atol=1e-5)
    check_in_place(part, lambda: part.update(poly_runs[0]))  # a linear model: no hidden layer
    assert not part.image.get_visible() and part.message.get_text() == "no hidden layer to show"


# ----------------------------------------------------------------------------------------
# LossSurface


def test_loss_surface_matches_engine_loss_and_path(poly, poly_runs):
    part = LossSurface(None, poly)
    for result in poly_runs:
        w, b = result.path[-1]
        assert float(part.loss_at(w, b)) == pytest.approx(result.final("train_loss"), rel=1e-4)
    check_in_place(part, lambda: part.update(poly_runs[0]))
    np.testing.assert_allclose(part.path_line.get_xydata(), poly_runs[0].path, rtol=1e-6)
    np.testing.assert_allclose(part.start_point.get_xydata()[0], poly_runs[0].path[0])
    np.testing.assert_allclose(part.end_point.get_xydata()[0], poly_runs[0].path[-1])
    check_in_place(part, lambda: part.update(View(result=poly_runs[1], epoch=5)))
    assert len(part.path_line.get_xdata()) == 5 * poly_runs[1].steps_per_epoch + 1


def test_loss_surface_rejects_models_with_more_parameters(moons, moons_runs, poly):
    with pytest.raises(ValueError, match="one input feature"):
        LossSurface(None, moons)
    part = LossSurface(None, poly)
    with pytest.raises(ValueError, match="linear model"):
        part.update(moons_runs[0])


def test_loss_surface_generic_function(poly_runs):
    part = LossSurface(None, loss_fn=lambda w, b: (w - 1) ** 2 + 3 * b**2 + 0.1, w_range=(-2, 3))
    assert part.ax.get_xlim() == (-2, 3)
    np.testing.assert_allclose(part.min_point.get_xydata()[0], (1, 0), atol=0.05)
    path = np.array([[0.0, 1.0], [0.5, 0.5], [np.nan, 0.0]])
    fake = dataclasses.replace(poly_runs[0], path=path)  # a path the engine never writes
    check_in_place(part, lambda: part.update(fake))
    assert len(part.path_line.get_xdata()) == 2


# ----------------------------------------------------------------------------------------
# SweepCurve


def test_sweep_curve_marker_and_update(moons_runs, diverged):
    part = SweepCurve(None, moons_runs[1:], "l2", current=1e-3)
    assert part.ax.get_xscale() == "log"
    np.testing.assert_allclose(part.train_line.get_xdata(), [1e-3, 3e-2])
    np.testing.assert_allclose(
        part.val_line.get_ydata(), [r.final("val_loss") for r in moons_runs[1:]]
    )
    assert list(part.current_line.get_xdata()) == [1e-3, 1e-3]
    check_in_place(part, lambda: part.set_current(3e-2))
    assert list(part.current_line.get_xdata()) == [3e-2, 3e-2]

    # 0 joins the values: a symlog axis keeps it visible at the left.
    check_in_place(part, lambda: part.update(View(sweep=[*moons_runs, diverged])))
    assert part.ax.get_xscale() == "symlog"
    np.testing.assert_allclose(part.train_line.get_xdata(), [0, 1e-3, 3e-2])
    best = [r.history["val_loss"].min() for r in moons_runs]
    assert part.best_line.get_ydata()[1:] == pytest.approx(best[1:])
    assert len(part.diverged_points.get_offsets()) == 1  # diverged run has l2 = 0
    part.set_current(None)
    assert not part.current_line.get_visible()


def test_sweep_curve_from_view_marks_the_results_value(moons_runs):
    with pytest.raises(ValueError, match="sweep_field"):
        SweepCurve.from_view(None, View(sweep=moons_runs))
    view = View(result=moons_runs[1], sweep=moons_runs, sweep_field="l2")
    part = SweepCurve.from_view(None, view)
    np.testing.assert_allclose(part.train_line.get_xdata(), [0, 1e-3, 3e-2])
    assert list(part.current_line.get_xdata()) == [1e-3, 1e-3]
    ydata = part.val_line.get_ydata()
    check_in_place(part, lambda: part.update(dataclasses.replace(view, result=moons_runs[2])))
    assert list(part.current_line.get_xdata()) == [3e-2, 3e-2]
    assert part.val_line.get_ydata() is ydata  # the same sweep: the lines are not redone
    part.update(View(sweep=moons_runs[1:]))
    np.testing.assert_allclose(part.train_line.get_xdata(), [1e-3, 3e-2])
    assert not part.current_line.get_visible()


# ----------------------------------------------------------------------------------------
# SmallMultiples and show_datasets


def test_small_multiples(moons, moons_runs):
    titles = [f"λ₂ = {r.config.l2:g}" for r in moons_runs]
    row = SmallMultiples(None, moons, moons_runs, titles)
    assert len(row.parts) == len(row.figure.axes) == 3
    assert [ax.get_title() for ax in row.axes] == titles
    first = [np.array(p.image.get_array()) for p in row.parts]
    counts = [artist_counts(ax) for ax in row.axes]
    figures = len(plt.get_fignums())
    row.update(moons_runs[::-1], titles=["a", "b", "c"], epoch=10)
    assert [artist_counts(ax) for ax in row.axes] == counts
    assert len(plt.get_fignums()) == figures
    assert not np.allclose(first[0], row.parts[0].image.get_array())
    assert row.axes[2].get_title() == "c"
    with pytest.raises(ValueError, match="one result per panel"):
        row.update(moons_runs[:2])


def test_small_multiples_of_a_regression(poly, poly_runs):
    row = SmallMultiples(None, poly, poly_runs)
    assert all(isinstance(p, RegressionFit) for p in row.parts)
    first = np.array(row.parts[0].line.get_ydata())
    row.update(poly_runs[::-1], epoch=0)
    np.testing.assert_allclose(row.parts[0].line.get_ydata(), poly_runs[1].surface_at(0))
    assert not np.allclose(first, row.parts[0].line.get_ydata())


def test_show_datasets_one_axes_per_dataset():
    fig = show_datasets(n_samples=120)
    assert len(fig.axes) == len(DATASET_NAMES)
    assert [ax.get_title().split()[0] for ax in fig.axes] == list(DATASET_NAMES)
    assert len(show_datasets(["moons", "poly"]).axes) == 2


# ----------------------------------------------------------------------------------------
# Whole-module properties


def test_every_part_takes_a_diverged_result(moons, moons_runs, diverged):
    parts = [
        DecisionBoundary(None, moons, moons_runs[0], show_misclassified=True),
        LossCurves(None, moons_runs[0], log_y=True),
        AccuracyCurves(None, moons_runs[0]),
        WeightHistogram(None, moons_runs[0]),
    ]
    for part in parts:
        check_in_place(part, lambda p=part: p.update(diverged))


def count_draws(fig) -> list[int]:
    """A list that grows by one each time the figure is drawn (matplotlib's draw_event)."""
    draws: list[int] = []
    fig.canvas.mpl_connect("draw_event", lambda event: draws.append(1))
    return draws


def test_updates_change_artists_in_place_and_draw_once(moons, moons_runs, early):
    fig, axes = new_figure(1, 4)
    parts = [
        DecisionBoundary(axes[0], moons, moons_runs[0], show_misclassified=True),
        LossCurves(axes[1], moons_runs[0]),
        WeightHistogram(axes[2], moons_runs[0]),
        SweepCurve(axes[3], moons_runs, "l2"),
    ]
    fig.canvas.draw()
    draws = count_draws(fig)
    image, image_data = parts[0].image, parts[0].image.get_array()
    view = View(result=early, data=moons, sweep=moons_runs, sweep_field="l2")
    for part in parts:
        children = [id(a) for a in part.ax.get_children()]
        part.update(view, draw=False)
        assert [id(a) for a in part.ax.get_children()] == children, type(part).__name__
        assert_all_finite(part.ax)
    assert not draws  # draw=False: the panel draws once for all parts
    assert parts[0].image is image and parts[0].image.get_array() is not image_data
    np.testing.assert_allclose(parts[0].image.get_array().ravel(), early.surface, rtol=1e-6)
    shown = parts[0].image.get_array()
    parts[0].update(view, draw=False)  # the same picture again: nothing is recomputed
    assert parts[0].image.get_array() is shown
    for part in parts:
        part.update(view)
    assert len(draws) == len(parts)


def test_draw_false_defers_every_part_draw_without_marking_the_figure(moons_runs):
    fig, axes = new_figure(1, 2)
    parts = [LossCurves(axes[0]), WeightHistogram(axes[1])]
    draws = count_draws(fig)
    for part in parts:
        part.update(moons_runs[0], draw=False)
    assert not draws
    assert not [name for name in vars(fig) if "tunelab" in name]
    parts[0].update(moons_runs[1])
    assert len(draws) == 1


# ----------------------------------------------------------------------------------------
# The View protocol


def test_view_of_and_its_checks(moons, moons_runs):
    view = View(result=moons_runs[0], epoch=3)
    assert View.of(view) is view
    assert View.of(moons_runs[0]) == View(result=moons_runs[0])
    assert View.of(None) == View()
    with pytest.raises(TypeError, match="TrainResult"):
        View.of(SimpleNamespace(weights=[]))  # only real results are drawn
    with pytest.raises(TypeError, match="result"):
        View(result="run")
    with pytest.raises(TypeError, match="data"):
        View(data="moons")
    with pytest.raises(ValueError, match="epoch"):
        View(epoch=-1)
    with pytest.raises(TypeError, match="sweep"):
        View(sweep=[moons_runs[0], "run"])
    assert View(sweep=list(moons_runs)).sweep == tuple(moons_runs)
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.epoch = 5


def test_every_part_class_builds_from_a_view_and_follows_its_epoch(
    moons, moons_runs, poly, poly_runs
):
    run, line = moons_runs[0], poly_runs[0]
    cases = [
        (DecisionBoundary, run, moons, {"show_misclassified": True}, lambda p: p.image.get_array()),
        (RegressionFit, line, poly, {}, lambda p: p.line.get_ydata()),
        (LossCurves, run, moons, {"log_y": True}, lambda p: p.cursor.get_visible()),
        (AccuracyCurves, run, moons, {}, lambda p: p.cursor.get_visible()),
        (WeightHistogram, run, moons, {"symlog": True}, lambda p: p.counts),
        (NeuronThumbnails, run, moons, {}, lambda p: p.image.get_array()),
        (LossSurface, line, poly, {}, lambda p: p.path_line.get_xdata()),
    ]
    for cls, result, data, options, state in cases:
        part = cls.from_view(None, View(result=result, data=data), **options)
        assert isinstance(part, Part) and part.figure is part.ax.figure
        end = np.array(state(part))
        check_in_place(part, lambda p=part, r=result, d=data: p.update(View(r, d, epoch=0)))
        start = np.array(state(part))
        assert start.shape != end.shape or not np.allclose(start, end), cls.__name__
        part.update(View(result=result, data=data))
        np.testing.assert_allclose(np.array(state(part)), end, err_msg=cls.__name__)


def test_plots_import_without_tensorflow():
    code = "import sys, tunelab.plots; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
