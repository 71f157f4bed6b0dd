"""Plot parts for the lessons: built once, then updated in place from a `TrainResult`.

Every part follows the same pattern (like scikit-learn's ``*Display`` objects): the
constructor draws on the Axes it is given (or on a new figure from `new_figure`) and keeps
its artists as attributes; ``update(result)`` only changes those artists' data
(``set_data``, ``set_array``, ``set_offsets``, ``set_verts``, ``set_text``) and asks the
canvas for a redraw. Nothing is cleared or re-created, so a slider can drive a plot at
interactive speed in Jupyter with the ipympl backend.

No NaN or infinity ever reaches an artist: histories, surfaces and paths are filtered with
``np.isfinite`` first, and an empty history just shows empty lines.

The parts only read results: they import numpy and matplotlib, never TensorFlow
themselves, so they stay usable with results loaded from elsewhere.

Example:
    >>> curves = LossCurves(ax, result)
    >>> curves.update(other_result)  # moves the lines, adds no artist
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import LinearSegmentedColormap, LogNorm, to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from tunelab.datasets import DATASET_NAMES, Dataset, load_dataset

if TYPE_CHECKING:  # the training package imports TensorFlow; plots only read results
    from tunelab.training.result import TrainResult
    from tunelab.training.schedules import Schedule

__all__ = [
    "CLASS_COLORS",
    "PROBABILITY_CMAP",
    "AccuracyCurves",
    "DecisionBoundary",
    "LossCurves",
    "LossSurface",
    "NeuronThumbnails",
    "ScheduleCurve",
    "SmallMultiples",
    "SweepCurve",
    "WeightHistogram",
    "new_figure",
    "show_datasets",
]

# Orange / purple from ColorBrewer's PuOr (TensorFlow Playground's orange/blue idea, but
# safe for red-green colour blindness), and Dark2's green for the third class.
CLASS_COLORS: tuple[str, ...] = ("#e66101", "#5e3c99", "#1b9e77")
# Okabe-Ito blue / vermillion for training / validation curves, told apart by dash too.
TRAIN_COLOR = "#0072b2"
VAL_COLOR = "#d55e00"
MARK_COLOR = "#222222"
SMALL_WEIGHT = 1e-3  # the same threshold as the engine's "small_weights" metric


def _mix(color: str, white: float) -> tuple[float, float, float]:
    """``color`` blended with ``white`` parts of white: pale backgrounds keep points visible."""
    rgb = np.asarray(to_rgb(color))
    return tuple(float(v) for v in rgb + (1.0 - rgb) * white)


# Pale near p = 0.5 with a white seam and a quick hue flip, so the decision boundary reads
# as a line even though there is no contour (contours cannot be updated in place).
PROBABILITY_CMAP = LinearSegmentedColormap.from_list(
    "tunelab_probability",
    [
        (0.0, _mix(CLASS_COLORS[0], 0.25)),
        (0.46, _mix(CLASS_COLORS[0], 0.75)),
        (0.5, (1.0, 1.0, 1.0)),
        (0.54, _mix(CLASS_COLORS[1], 0.75)),
        (1.0, _mix(CLASS_COLORS[1], 0.25)),
    ],
)
_BACKGROUND_RGB = np.array([_mix(c, 0.35) for c in CLASS_COLORS])

_PARAM_LABELS = {
    "l1": "L1 strength λ₁",
    "l2": "L2 strength λ₂",
    "dropout": "dropout rate p",
    "learning_rate": "learning rate α",
    "weight_decay": "weight decay (per step, × α)",
    "seed": "seed",
}


def new_figure(
    nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (8, 3.2), **kwargs: Any
) -> tuple[Figure, Any]:
    """A figure for a lesson: constrained layout, and no ipympl header or footer.

    Args:
        nrows, ncols: grid of axes, as for ``plt.subplots``.
        figsize: width and height in inches.
        **kwargs: passed on to ``plt.subplots`` (e.g. ``sharex=True``).

    Returns:
        ``(fig, ax)`` exactly as ``plt.subplots`` returns them.

    Example:
        >>> fig, (ax1, ax2) = new_figure(1, 2)
        >>> LossCurves(ax1, result); AccuracyCurves(ax2, result)
    """
    kwargs.setdefault("layout", "constrained")
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, **kwargs)
    if kwargs["layout"] == "constrained":
        # Room between side-by-side plots, so a colorbar's label and the next plot's
        # axis label never touch.
        fig.get_layout_engine().set(wspace=0.06)
    canvas = fig.canvas
    # ipympl's "Figure 1" header and coordinate footer are clutter in a lesson; other
    # backends lack these attributes, so only set the ones that exist.
    # ipympl 0.10 keeps a PNG "data URL" of any draw made before the browser has set the
    # figure up, stored without its data: prefix; the browser then fails to load it and
    # the figure stays blank. The browser asks for a fresh image once it is ready anyway.
    if hasattr(canvas, "syncing_data_url"):
        canvas.syncing_data_url = False
    for name, value in (
        ("header_visible", False),
        ("footer_visible", False),
        ("toolbar_position", "right"),
    ):
        if hasattr(canvas, name):
            setattr(canvas, name, value)
    return fig, axes


def _own_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is None:
        return new_figure(figsize=figsize)[1]
    if not isinstance(ax, Axes):
        raise TypeError(
            f"Expected `ax` to be a matplotlib Axes or None. Received: {type(ax).__name__}"
        )
    return ax


def _fmt(value: float) -> str:
    """Two decimals, or two significant digits for small numbers (a gap of 0.003)."""
    if not math.isfinite(value):
        return "–"
    if value != 0 and abs(value) < 0.01:
        return f"{value:.2g}"
    return f"{value:.2f}"


def _finite_xy(x: np.ndarray, y: np.ndarray, positive: bool = False):
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    keep = np.isfinite(x) & np.isfinite(y)
    if positive:  # log axes cannot show zero or negative values
        keep &= y > 0
    return x[keep], y[keep]


def _snapshot_index(result: TrainResult, epoch: int) -> int:
    """The recorded weights at or before ``epoch``, as ``TrainResult.surface_at`` picks."""
    return max(int(np.searchsorted(result.snapshot_epochs, epoch, side="right")) - 1, 0)


def _kernels(result: TrainResult, epoch: int | None) -> list[np.ndarray]:
    weights = result.weights if epoch is None else result.weights_at(_snapshot_index(result, epoch))
    return list(weights[0::2])


class _Part:
    """Shared plumbing: the Axes, its figure and a cheap redraw request."""

    ax: Axes

    @property
    def figure(self) -> Figure:
        return self.ax.figure

    def _draw(self) -> None:
        if not getattr(self.figure, "_tunelab_draws_held", False):
            self.figure.canvas.draw_idle()


@contextlib.contextmanager
def held_draws(figure: Figure):
    """Parts updated inside this block skip their own redraw; the caller draws once.

    Example:
        >>> with held_draws(fig):
        ...     boundary.update(result); curves.update(result)
        >>> fig.canvas.draw_idle()
    """
    previous = getattr(figure, "_tunelab_draws_held", False)
    figure._tunelab_draws_held = True
    try:
        yield figure
    finally:
        figure._tunelab_draws_held = previous


# ----------------------------------------------------------------------------------------
# Decision boundary


class DecisionBoundary(_Part):
    """The model's predicted probability over the input plane, with the data on top.

    For the 2-D sets the background is ``P(class 1)`` (orange = class 0, purple =
    class 1, pale near 0.5) or, for three classes, the class colours mixed by their
    probabilities. Training points are solid, validation points hollow. For ``"poly"``
    (1-D regression) the part shows the data and the prediction curve instead.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        data: the `Dataset` the result was trained on (2-D points or poly).
        result: a `TrainResult` to show now, or None for the data alone.
        show_misclassified: mark wrongly classified points with a black ✕.
        legend: show a small legend explaining the markers.
        threshold: None, or a decision threshold t in (0, 1): draw the line where
            ``P(class 1) = t`` (dashed) and call a point class 1 when its probability is
            above t, for the ✕ marks too. Two-class results only.

    Attributes:
        ax, figure: where it is drawn.
        image: the probability image (hidden for regression).
        line: the regression prediction curve (hidden for classification).
        threshold_line: the dashed ``P(class 1) = threshold`` line (empty without a threshold).
        train_points, val_points: scatter collections of the data.
        wrong_points: scatter of misclassified points (empty unless asked for).

    Example:
        >>> boundary = DecisionBoundary(None, data, result, show_misclassified=True)
        >>> boundary.update(result, epoch=50)  # the surface as it was after epoch 50
    """

    def __init__(
        self,
        ax: Axes | None,
        data: Dataset,
        result: TrainResult | None = None,
        *,
        show_misclassified: bool = False,
        legend: bool = True,
        threshold: float | None = None,
    ):
        self.ax = ax = _own_axes(ax, (4, 4))
        self.show_misclassified = bool(show_misclassified)
        self.threshold = _check_threshold(threshold)
        self.data: Dataset | None = None
        self.image = ax.imshow(
            np.full((2, 2), 0.5),
            cmap=PROBABILITY_CMAP,
            vmin=0.0,
            vmax=1.0,
            origin="lower",
            extent=(0, 1, 0, 1),
            interpolation="bilinear",
            zorder=0,
            visible=False,
        )
        (self.line,) = ax.plot([], [], color=CLASS_COLORS[0], lw=2.2, zorder=3, visible=False)
        self.train_points = ax.scatter(
            np.empty(0), np.empty(0), s=18, linewidths=0.6, edgecolors="white", zorder=4
        )
        self.val_points = ax.scatter(
            np.empty(0), np.empty(0), s=18, facecolors="none", linewidths=1.2, zorder=4
        )
        self.wrong_points = ax.scatter(
            np.empty(0), np.empty(0), s=30, marker="x", color=MARK_COLOR, linewidths=1.3, zorder=5
        )
        self.threshold_line = LineCollection(
            [], colors=MARK_COLOR, linewidths=1.4, linestyles="--", zorder=3
        )
        ax.add_collection(self.threshold_line, autolim=False)
        self.set_data(data, draw=False)
        if legend:
            handles = [
                Line2D([], [], ls="", marker="o", color="0.35", mec="white", label="training"),
                Line2D([], [], ls="", marker="o", mfc="none", mec="0.35", label="validation"),
            ]
            if self.show_misclassified:
                handles.append(
                    Line2D([], [], ls="", marker="x", color=MARK_COLOR, label="misclassified")
                )
            ax.legend(handles=handles, loc="upper right", fontsize="x-small", framealpha=0.8)
        self._set(result)

    def set_data(self, data: Dataset, *, draw: bool = True) -> None:
        """Show another dataset (e.g. after a noise slider moved), keeping the artists.

        Args:
            data: a 2-D or poly `Dataset`.
            draw: request a redraw.

        Example:
            >>> boundary.set_data(tl.load_dataset("moons", noise=0.4))
            >>> boundary.update(tl.train(boundary.data, cfg))
        """
        if not isinstance(data, Dataset):
            raise TypeError(
                "Expected `data` to be a tunelab Dataset, e.g. tl.load_dataset('moons'). "
                f"Received: {type(data).__name__}"
            )
        regression = data.task == "regression" and data.points_train.shape[1] == 1
        if data.extent is None and not regression:
            raise ValueError(
                f"DecisionBoundary needs 2-D points (or the 1-D 'poly' set); {data.name!r} has "
                f"{data.points_train.shape[1]} input features, so there is no plane to colour. "
                "Use LossCurves or AccuracyCurves for it instead."
            )
        self.data = data
        self.regression = regression
        ax = self.ax
        if regression:
            self._set_points(data.points_train[:, 0], data.y_train, data.points_val[:, 0])
            lo = float(min(data.points_train.min(), data.points_val.min()))
            hi = float(max(data.points_train.max(), data.points_val.max()))
            pad = 0.05 * (hi - lo)
            y = np.concatenate([data.y_train, data.y_val])
            ylo, yhi = float(y.min()), float(y.max())
            ypad = 0.15 * (yhi - ylo) or 1.0
            self._ylim = (ylo - ypad, yhi + ypad)
            ax.set_xlim(lo - pad, hi + pad)
            ax.set_ylim(*self._ylim)
            ax.set_aspect("auto")
            ax.set_xlabel("input x")
            ax.set_ylabel("target y")
        else:
            colors = self._class_colors(data.y_train)
            self._set_points(data.points_train[:, 0], data.points_train[:, 1], None)
            self.val_points.set_offsets(np.asarray(data.points_val, np.float64))
            self.train_points.set_facecolor(colors)
            self.val_points.set_edgecolor(self._class_colors(data.y_val))
            x0, x1, y0, y1 = data.extent
            ax.set_xlim(x0, x1)
            ax.set_ylim(y0, y1)
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlabel("input x₁")
            ax.set_ylabel("input x₂")
        # Later set_data calls must not let anything rescale the fixed frame.
        ax.set_autoscale_on(False)
        self.image.set_visible(False)
        self.line.set_visible(False)
        self.wrong_points.set_offsets(np.empty((0, 2)))
        self.threshold_line.set_segments([])
        if draw:
            self._draw()

    def _set_points(self, x: np.ndarray, y: np.ndarray, x_val: np.ndarray | None) -> None:
        self.train_points.set_offsets(np.column_stack([x, y]).astype(np.float64))
        if x_val is not None:  # regression: one colour, validation hollow
            self.val_points.set_offsets(
                np.column_stack([x_val, self.data.y_val]).astype(np.float64)
            )
            self.train_points.set_facecolor(CLASS_COLORS[1])
            self.val_points.set_edgecolor(CLASS_COLORS[1])

    @staticmethod
    def _class_colors(y: np.ndarray) -> np.ndarray:
        rgba = np.array([to_rgba(c) for c in CLASS_COLORS])
        return rgba[np.clip(np.asarray(y).astype(int), 0, len(CLASS_COLORS) - 1)]

    def update(self, result: TrainResult | None, epoch: int | None = None) -> None:
        """Show another result, or the same one at an earlier epoch.

        Args:
            result: a `TrainResult` trained on this part's data, or None for data only.
            epoch: show the surface recorded at (or just before) this epoch; None for the
                final weights.

        Example:
            >>> boundary.update(result)
            >>> boundary.update(result, epoch=0)  # the untrained network
        """
        self._set(result, epoch)
        self._draw()

    def set_threshold(self, threshold: float | None, *, draw: bool = True) -> None:
        """Move the decision threshold (None removes the line); the next update uses it.

        Args:
            threshold: None, or t in (0, 1): class 1 means ``P(class 1) > t``.
            draw: request a redraw.

        Example:
            >>> boundary.set_threshold(0.2)
            >>> boundary.update(result)  # the dashed line now sits where P(class 1) = 0.2
        """
        self.threshold = _check_threshold(threshold)
        if draw:
            self._draw()

    def _set(self, result: TrainResult | None, epoch: int | None = None) -> None:
        self.threshold_line.set_segments([])
        if result is None:
            self.image.set_visible(False)
            self.line.set_visible(False)
            self.wrong_points.set_offsets(np.empty((0, 2)))
            return
        surface = result.surface if epoch is None else result.surface_at(epoch)
        if surface is None or result.grid_points is None:
            raise ValueError(
                "Expected a result trained on 2-D points or poly, which has a decision "
                "surface; this result has none (tabular data such as breast_cancer)."
            )
        surface = np.asarray(surface, np.float64)
        if self.regression:
            x, y = _finite_xy(result.grid_points[:, 0], surface)
            lo, hi = self._ylim
            # Far off-screen values draw the same as clipped ones but stay cheap to render.
            span = hi - lo
            self.line.set_data(x, np.clip(y, lo - 10 * span, hi + 10 * span))
            self.line.set_visible(True)
            return
        if result.grid_shape is None:
            raise ValueError("Expected a result with a 2-D grid (grid_shape); it has none.")
        rows, cols = result.grid_shape
        if surface.ndim == 2:  # multiclass: mix the class colours by probability
            probs = np.nan_to_num(surface, nan=1.0 / surface.shape[1])
            probs = np.clip(probs, 0.0, 1.0)
            probs /= np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)
            k = min(probs.shape[1], len(_BACKGROUND_RGB))
            rgb = np.clip(probs[:, :k] @ _BACKGROUND_RGB[:k], 0.0, 1.0)
            self.image.set_data(rgb.reshape(rows, cols, 3))
        else:
            probs = np.clip(np.nan_to_num(surface, nan=0.5), 0.0, 1.0)
            self.image.set_data(probs.reshape(rows, cols))
            if self.threshold is not None:
                self.threshold_line.set_segments(
                    _level_lines(result.grid_points, probs, (rows, cols), self.threshold)
                )
        # Pixel centres sit on the grid points, so the image reaches half a cell past them.
        gx, gy = result.grid_points[:, 0], result.grid_points[:, 1]
        dx = (float(gx.max()) - float(gx.min())) / max(cols - 1, 1)
        dy = (float(gy.max()) - float(gy.min())) / max(rows - 1, 1)
        extent = (
            float(gx.min()) - dx / 2,
            float(gx.max()) + dx / 2,
            float(gy.min()) - dy / 2,
            float(gy.max()) + dy / 2,
        )
        if tuple(self.image.get_extent()) != extent:
            self.image.set_extent(extent)
        self.image.set_visible(True)
        if self.show_misclassified:
            self.wrong_points.set_offsets(self._misclassified(result, epoch))

    def _misclassified(self, result: TrainResult, epoch: int | None) -> np.ndarray:
        from tunelab.training.result import unpack_forward  # TensorFlow is loaded by now

        data = self.data
        if epoch is None:
            weights = result.weights
        else:
            weights = result.weights_at(_snapshot_index(result, epoch))
        wrong = []
        for x, y, points in (
            (data.x_train, data.y_train, data.points_train),
            (data.x_val, data.y_val, data.points_val),
        ):
            if x.shape[1] != weights[0].shape[0]:
                return np.empty((0, 2))  # the result belongs to other features
            z = unpack_forward(weights, result.config.activation, x)
            # Compare logits, not probabilities: the same answer without exp overflow.
            t = 0.5 if self.threshold is None else self.threshold
            predicted = (z[:, 0] > math.log(t / (1 - t))) if z.shape[1] == 1 else np.argmax(z, 1)
            wrong.append(points[predicted.astype(int) != y.astype(int)])
        return np.concatenate(wrong).astype(np.float64)


def _check_threshold(threshold: float | None) -> float | None:
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number):
        raise TypeError(
            f"Expected `threshold` to be None or a number in (0, 1). Received: {threshold!r}"
        )
    if not 0 < float(threshold) < 1:
        raise ValueError(f"Expected `threshold` in (0, 1). Received: threshold={threshold}")
    return float(threshold)


def _level_lines(
    grid_points: np.ndarray, probs: np.ndarray, shape: tuple[int, int], level: float
) -> list[np.ndarray]:
    """The polylines where the gridded probability crosses ``level`` (marching squares)."""
    import contourpy  # matplotlib's own contouring library

    rows, cols = shape
    x = np.asarray(grid_points[:, 0], np.float64).reshape(rows, cols)
    y = np.asarray(grid_points[:, 1], np.float64).reshape(rows, cols)
    z = np.asarray(probs, np.float64).reshape(rows, cols)
    generator = contourpy.contour_generator(x, y, z, line_type="Separate")
    return [line for line in generator.lines(level) if len(line) > 1]


# ----------------------------------------------------------------------------------------
# Training curves


class _CurvePair(_Part):
    """Training and validation curves of one metric, the gap between them and markers."""

    train_key = "train_loss"
    val_key = "val_loss"
    legend_loc = "upper right"

    def __init__(self, ax: Axes | None, result: TrainResult | None = None, *, log_y: bool = False):
        self.ax = ax = _own_axes(ax, (6, 3.2))
        self.log_y = bool(log_y)
        if self.log_y:
            ax.set_yscale("log")
        (self.train_line,) = ax.plot([], [], color=TRAIN_COLOR, lw=1.8, label="training")
        (self.val_line,) = ax.plot([], [], color=VAL_COLOR, lw=1.8, ls="--", label="validation")
        self.gap_fill = PolyCollection(
            [], facecolors=VAL_COLOR, alpha=0.15, edgecolors="none", label="gap", zorder=1
        )
        # autolim=False: the fill lies between the lines, which already set the limits.
        ax.add_collection(self.gap_fill, autolim=False)
        self.gap_text = ax.text(
            1.0, 1.01, "", transform=ax.transAxes, ha="right", va="bottom", color=VAL_COLOR
        )
        self.marker_line = ax.axvline(1, color=MARK_COLOR, lw=1.0, ls=":", visible=False)
        self.marker_text = ax.text(
            1,
            0.97,
            "",
            transform=ax.get_xaxis_transform(),
            rotation=90,
            ha="right",
            va="top",
            fontsize="small",
            color=MARK_COLOR,
            visible=False,
        )
        self.cursor = ax.axvline(1, color="0.45", lw=1.2, visible=False)
        self.message = ax.text(
            0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", visible=False
        )
        ax.set_xlabel("epoch")
        ax.legend(handles=[self.train_line, self.val_line, self.gap_fill], loc=self.legend_loc)
        self._set(result)

    def _ylabel(self, result: TrainResult) -> str:
        raise NotImplementedError

    def _gap(self, train: float, val: float) -> float:
        return val - train

    def update(self, result: TrainResult | None) -> None:
        """Show another result's history (None empties the plot).

        Args:
            result: a `TrainResult`, or None.

        Example:
            >>> curves.update(tl.train(data, cfg))
            >>> curves.gap_text.get_text()  # 'gap 0.07'
        """
        self._set(result)
        self._draw()

    def set_cursor(self, epoch: float | None) -> None:
        """Move the vertical cursor line to ``epoch`` (None hides it), e.g. for a timeline.

        Example:
            >>> curves.set_cursor(120)
            >>> curves.set_cursor(None)
        """
        if epoch is None or not math.isfinite(epoch):
            self.cursor.set_visible(False)
        else:
            self.cursor.set_xdata([epoch, epoch])
            self.cursor.set_visible(True)
        self._draw()

    def _clear(self, message: str = "") -> None:
        for line in (self.train_line, self.val_line):
            line.set_data([], [])
        self.gap_fill.set_verts([])
        self.gap_text.set_text("")
        self.marker_line.set_visible(False)
        self.marker_text.set_visible(False)
        self.message.set_text(message)
        self.message.set_visible(bool(message))

    def _set(self, result: TrainResult | None) -> None:
        if result is None:
            self._clear()
            return
        if self.train_key not in result.history:
            self._clear(self._missing_message(result))
            return
        self.message.set_visible(False)
        train = np.asarray(result.history[self.train_key], np.float64)
        val = np.asarray(result.history[self.val_key], np.float64)
        epochs = np.arange(1, max(len(train), len(val)) + 1, dtype=np.float64)
        for line, x, y in ((self.train_line, epochs, train), (self.val_line, epochs, val)):
            x, y = _finite_xy(x[: len(y)], y, self.log_y)
            line.set_data(x, y)
            # A run that diverged after one epoch has a single point: a line alone is invisible.
            line.set_marker("o" if len(x) == 1 else "None")
        n = min(len(train), len(val))
        both = np.isfinite(train[:n]) & np.isfinite(val[:n])
        if self.log_y:
            both &= (train[:n] > 0) & (val[:n] > 0)
        x, lo, hi = epochs[:n][both], train[:n][both], val[:n][both]
        if len(x) >= 2:
            verts = np.concatenate([np.column_stack([x, lo]), np.column_stack([x, hi])[::-1]])
            self.gap_fill.set_verts([verts])
        else:
            self.gap_fill.set_verts([])
        self.gap_text.set_text(f"gap {_fmt(self._gap(lo[-1], hi[-1]))}" if len(x) else "")
        self.ax.set_ylabel(self._ylabel(result))
        self._set_marker(result)
        self._rescale(result)

    def _missing_message(self, result: TrainResult) -> str:
        return f"no {self.train_key} in this result"

    def _set_marker(self, result: TrainResult) -> None:
        if result.diverged_at is not None:
            x, text = result.diverged_at, "diverged"
        elif result.config.patience and result.best_epoch is not None:
            x, text = result.best_epoch, f"best epoch {result.best_epoch}"
            if result.stopped_at is not None:
                text += f" (stopped at {result.stopped_at})"
        else:
            self.marker_line.set_visible(False)
            self.marker_text.set_visible(False)
            return
        self.marker_line.set_xdata([x, x])
        self.marker_text.set_x(x)
        self.marker_text.set_text(text)
        self.marker_line.set_visible(True)
        self.marker_text.set_visible(True)

    def _rescale(self, result: TrainResult) -> None:
        ax = self.ax
        ax.set_xlim(0, max(result.config.epochs, 1))
        if not (len(self.train_line.get_xdata()) or len(self.val_line.get_xdata())):
            ax.set_ylim(*((0.1, 1.0) if self.log_y else (0.0, 1.0)))
            return
        ax.relim(visible_only=True)
        ax.set_autoscaley_on(True)
        ax.autoscale_view(scalex=False)


class LossCurves(_CurvePair):
    """Training and validation data loss per epoch, with the gap between them shaded.

    A dotted line marks where training diverged or, with early stopping, the best epoch;
    a cursor line can follow a timeline slider. The loss shown is the data loss (the
    penalty of L1/L2 is excluded), so runs with different regularization compare fairly.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        result: a `TrainResult` to show now, or None.
        log_y: logarithmic loss axis.

    Attributes:
        ax, figure: where it is drawn.
        train_line, val_line: the two curves (x = epoch 1, 2, …).
        gap_fill: the shaded area between them (a PolyCollection).
        gap_text: "gap 0.07": validation minus training loss after the last epoch.
        marker_line, marker_text: divergence or early-stopping marker (hidden if neither).
        cursor: the vertical line moved by `set_cursor`.

    Example:
        >>> curves = LossCurves(None, result, log_y=True)
        >>> curves.set_cursor(100)
    """

    def _ylabel(self, result: TrainResult) -> str:
        kind = "mean squared error" if result.task == "regression" else "cross-entropy"
        return f"data loss ({kind})"


class AccuracyCurves(_CurvePair):
    """Training and validation accuracy per epoch (classification only).

    For a regression result the curves are emptied and a short message explains why.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        result: a `TrainResult` to show now, or None.

    Attributes:
        Those of `LossCurves`; ``gap_text`` is training minus validation accuracy, and
        ``message`` holds the note shown for regression.

    Example:
        >>> acc = AccuracyCurves(None, result)
        >>> acc.update(other_result)
    """

    train_key = "train_acc"
    val_key = "val_acc"
    legend_loc = "lower right"

    def __init__(self, ax: Axes | None, result: TrainResult | None = None):
        super().__init__(ax, result, log_y=False)

    def _ylabel(self, result: TrainResult) -> str:
        return "accuracy (fraction correct)"

    def _gap(self, train: float, val: float) -> float:
        return train - val

    def _missing_message(self, result: TrainResult) -> str:
        return "Accuracy is not defined for regression:\nsee the loss curves instead."

    def _rescale(self, result: TrainResult) -> None:
        self.ax.set_xlim(0, max(result.config.epochs, 1))
        self.ax.set_ylim(0.0, 1.02)


# ----------------------------------------------------------------------------------------
# Weights and schedules


class WeightHistogram(_Part):
    """Histogram of every kernel weight (biases excluded, as L1/L2 exclude them).

    The bins are fixed so that successive results compare bar for bar; they only widen
    (to the next power of two) when a weight falls outside them. A text counts the weights
    that L1 has driven to (almost) zero.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        result: a `TrainResult` to show now, or None.
        symlog: symmetric-log x axis (linear within ±1e-3), to see tiny weights.
        bins: number of bins (odd, so one bin is centred on zero).

    Attributes:
        ax, figure: where it is drawn.
        bars: the BarContainer; ``bars.patches`` are updated in place.
        small_text: "|w| < 1e-3: 37 of 290 (13 %)".
        counts, edges: the current counts and bin edges.

    Example:
        >>> hist = WeightHistogram(None, result, symlog=True)
        >>> hist.update(result_with_l1)
    """

    def __init__(
        self,
        ax: Axes | None,
        result: TrainResult | None = None,
        *,
        symlog: bool = False,
        bins: int = 41,
    ):
        if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 3:
            raise ValueError(f"Expected `bins` to be an integer >= 3. Received: bins={bins!r}")
        self.ax = ax = _own_axes(ax, (5, 3.2))
        self.symlog = bool(symlog)
        self.n_bins = int(bins) | 1  # odd: a bin centred on zero
        if self.symlog:
            ax.set_xscale("symlog", linthresh=SMALL_WEIGHT, linscale=0.5)
        self.limit = 0.5
        self.edges = self._make_edges(self.limit)
        self.counts = np.zeros(self.n_bins, dtype=np.int64)
        self.bars = ax.bar(
            self.edges[:-1],
            np.zeros(self.n_bins),
            width=np.diff(self.edges),
            align="edge",
            color=CLASS_COLORS[1],
            alpha=0.75,
            edgecolor="white",
            linewidth=0.5,
        )
        self.small_text = ax.text(0.02, 0.95, "", transform=ax.transAxes, ha="left", va="top")
        ax.set_xlabel("kernel weight value w")
        ax.set_ylabel("number of weights")
        ax.set_xlim(-self.limit, self.limit)
        self._set(result)

    def _make_edges(self, limit: float) -> np.ndarray:
        if not self.symlog:
            return np.linspace(-limit, limit, self.n_bins + 1)
        # Even widths on screen: space the edges evenly in the axis's own symlog coordinate.
        scale = self.ax.xaxis.get_transform()
        ends = scale.transform(np.array([[-limit], [limit]])).ravel()
        inner = np.linspace(ends[0], ends[1], self.n_bins + 1)
        edges = scale.inverted().transform(inner[:, None]).ravel()
        edges[0], edges[-1] = -limit, limit
        return edges

    def update(self, result: TrainResult | None, epoch: int | None = None) -> None:
        """Show another result's kernel weights (None empties the bars).

        Args:
            result: a `TrainResult`, or None.
            epoch: use the weights recorded at (or just before) this epoch.

        Example:
            >>> hist.update(result)
            >>> hist.counts.sum()  # the number of kernel weights
        """
        self._set(result, epoch)
        self._draw()

    def _set(self, result: TrainResult | None, epoch: int | None = None) -> None:
        if result is None:
            w = np.empty(0)
        else:
            w = np.concatenate([np.ravel(k) for k in _kernels(result, epoch)] or [np.empty(0)])
        w = w[np.isfinite(w)].astype(np.float64)
        largest = float(np.abs(w).max()) if len(w) else 0.0
        if largest >= self.limit:
            self.limit = float(2.0 ** math.ceil(math.log2(largest * 1.0001)))
            self.edges = self._make_edges(self.limit)
            for patch, left, width in zip(
                self.bars.patches, self.edges[:-1], np.diff(self.edges), strict=True
            ):
                patch.set_x(left)
                patch.set_width(width)
            self.ax.set_xlim(-self.limit, self.limit)
        self.counts, _ = np.histogram(w, bins=self.edges)
        for patch, count in zip(self.bars.patches, self.counts, strict=True):
            patch.set_height(count)
        self.ax.set_ylim(0, max(int(self.counts.max()), 1) * 1.1)
        if len(w):
            small = int(np.count_nonzero(np.abs(w) < SMALL_WEIGHT))
            self.small_text.set_text(
                f"|w| < 1e-3: {small} of {len(w)} ({100 * small / len(w):.0f} %)"
            )
        else:
            self.small_text.set_text("")


class ScheduleCurve(_Part):
    """The learning rate at every optimizer step under a schedule.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        schedule: a schedule from ``tunelab.training.schedules``, or None (constant).
        learning_rate: the starting rate α the schedule scales.
        steps: how many optimizer steps to show (epochs × steps per epoch).

    Attributes:
        ax, figure: where it is drawn.
        line: the learning-rate curve.
        end_text: the rate at the last step.

    Example:
        >>> curve = ScheduleCurve(None, ExponentialDecay(decay_steps=100), 0.1, 300)
        >>> curve.update(None, 0.05)  # constant 0.05, same number of steps
    """

    max_points = 4000  # more points than pixels only costs time

    def __init__(
        self,
        ax: Axes | None,
        schedule: Schedule | None = None,
        learning_rate: float = 0.03,
        steps: int = 300,
    ):
        self.ax = ax = _own_axes(ax, (5, 3))
        (self.line,) = ax.plot([], [], color=TRAIN_COLOR, lw=2)
        self.end_text = ax.text(
            0.98, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize="small"
        )
        ax.set_xlabel("optimizer step (one mini-batch update)")
        ax.set_ylabel("learning rate α")
        self.schedule = schedule
        self.learning_rate = learning_rate
        self.steps = steps
        self._set(schedule, learning_rate, steps)

    def update(
        self,
        schedule: Schedule | None,
        learning_rate: float | None = None,
        steps: int | None = None,
    ) -> None:
        """Show another schedule; a None rate or step count keeps the current one.

        Args:
            schedule: a schedule, or None for a constant rate.
            learning_rate: the starting rate α.
            steps: how many optimizer steps to show.

        Example:
            >>> curve.update(CosineDecay(decay_steps=300), learning_rate=0.1, steps=300)
            >>> curve.line.get_ydata()[-1]
        """
        self._set(
            schedule,
            self.learning_rate if learning_rate is None else learning_rate,
            self.steps if steps is None else steps,
        )
        self._draw()

    def _set(self, schedule: Schedule | None, learning_rate: float, steps: int) -> None:
        if isinstance(steps, bool) or not isinstance(steps, int | np.integer) or steps < 1:
            raise ValueError(f"Expected `steps` to be an integer >= 1. Received: steps={steps!r}")
        lr = float(learning_rate)
        if not math.isfinite(lr) or lr <= 0:
            raise ValueError(
                f"Expected `learning_rate` to be a positive number. Received: {learning_rate!r}"
            )
        self.schedule, self.learning_rate, self.steps = schedule, lr, int(steps)
        if schedule is None:
            values = np.full(self.steps, lr)
        else:
            values = np.asarray(schedule.values(self.steps, lr), np.float64)
        step = np.arange(self.steps, dtype=np.float64)
        if self.steps > self.max_points:
            keep = np.unique(np.linspace(0, self.steps - 1, self.max_points).astype(int))
            step, values = step[keep], values[keep]
        step, values = _finite_xy(step, values)
        self.line.set_data(step, values)
        top = float(values.max()) if len(values) else lr
        self.ax.set_xlim(0, max(self.steps - 1, 1))
        self.ax.set_ylim(0, (top or lr) * 1.1)
        self.end_text.set_text(f"last step: α = {values[-1]:.3g}" if len(values) else "")


# ----------------------------------------------------------------------------------------
# Loss landscape of a two-parameter model


class LossSurface(_Part):
    """The loss over the two parameters (w, b) of ``y ≈ w·x + b``, and the optimizer's path.

    The surface is computed once in numpy: the mean squared error over the training set,
    exactly the engine's data loss for a linear model on 'poly' (``hidden=()``, one input
    feature). Any other two-parameter loss can be drawn with ``loss_fn``.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        data: a regression `Dataset` with one input feature (None when ``loss_fn`` is given).
        loss_fn: instead of the data's MSE, a vectorized ``f(W, B) -> loss`` over arrays.
        w_range, b_range: the (low, high) window; by default around the least-squares
            minimum and wide enough for the initial weights.
        resolution: grid points per side.
        levels: number of filled contour levels (log-spaced).

    Attributes:
        ax, figure: where it is drawn.
        contours: the filled contours (drawn once, never updated).
        min_point: the grid's lowest loss.
        path_line: the optimizer's path, one marker per step.
        start_point, end_point: the first and last point of the path.

    Example:
        >>> surface = LossSurface(None, tl.load_dataset("poly"))
        >>> surface.update(tl.train(data, TrainConfig(hidden=(), optimizer="sgd")))
    """

    def __init__(
        self,
        ax: Axes | None,
        data: Dataset | None = None,
        *,
        loss_fn: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
        w_range: tuple[float, float] | None = None,
        b_range: tuple[float, float] | None = None,
        resolution: int = 121,
        levels: int = 20,
    ):
        if loss_fn is None:
            self._check_data(data)
            x = data.x_train[:, 0].astype(np.float64)
            y = data.y_train.astype(np.float64)
            # The MSE is a quadratic in (w, b); its five moments make the grid cheap.
            self._moments = (
                np.mean(x * x),
                np.mean(x),
                np.mean(x * y),
                np.mean(y),
                np.mean(y * y),
            )
            xx, xm, xy, ym, _ = self._moments
            var = xx - xm * xm
            w_star = (xy - xm * ym) / var if var > 0 else 0.0
            b_star = ym - w_star * xm
            loss_fn = self._mse
            # Glorot-uniform starts |w| up to √3 ≈ 1.7 for one input and one output.
            w_range = w_range or (min(w_star - 1.5, -2.0), max(w_star + 1.5, 2.0))
            b_range = b_range or (min(b_star - 1.5, -1.5), max(b_star + 1.5, 1.5))
        else:
            self._moments = None
            w_range = w_range or (-2.0, 2.0)
            b_range = b_range or (-2.0, 2.0)
        self.loss_fn = loss_fn
        self.w_range = (float(w_range[0]), float(w_range[1]))
        self.b_range = (float(b_range[0]), float(b_range[1]))
        self.ax = ax = _own_axes(ax, (4.5, 4))
        w = np.linspace(*self.w_range, resolution)
        b = np.linspace(*self.b_range, resolution)
        grid_w, grid_b = np.meshgrid(w, b)
        loss = np.asarray(loss_fn(grid_w, grid_b), np.float64)
        finite = loss[np.isfinite(loss)]
        if not len(finite):
            raise ValueError("Expected `loss_fn` to give finite values on the (w, b) window.")
        self.loss = loss = np.where(np.isfinite(loss), loss, finite.max())
        # Log-spaced levels: the bowl's floor and its walls differ by orders of magnitude.
        low = max(float(finite.min()), 1e-12)
        high = max(float(finite.max()), low * 1.001)
        self.contours = ax.contourf(
            grid_w,
            grid_b,
            np.clip(loss, low, high),
            levels=np.geomspace(low, high, levels),
            norm=LogNorm(low, high),
            cmap="viridis",
            zorder=0,
        )
        i = np.unravel_index(np.argmin(loss), loss.shape)
        (self.min_point,) = ax.plot(
            grid_w[i], grid_b[i], ls="", marker="+", ms=12, mew=2, color="white", zorder=2
        )
        (self.path_line,) = ax.plot(
            [], [], color="white", lw=1.2, marker="o", ms=2.5, alpha=0.9, zorder=3
        )
        (self.start_point,) = ax.plot(
            [], [], ls="", marker="o", ms=8, mfc="white", mec="black", zorder=4, label="start"
        )
        (self.end_point,) = ax.plot(
            [], [], ls="", marker="*", ms=13, mfc=CLASS_COLORS[0], mec="black", zorder=4
        )
        self.end_point.set_label("end")
        ax.set_xlim(*self.w_range)
        ax.set_ylim(*self.b_range)
        ax.set_autoscale_on(False)
        ax.set_xlabel("weight w")
        ax.set_ylabel("bias b")
        ax.legend(handles=[self.start_point, self.end_point], loc="upper right", fontsize="small")
        cbar = self.figure.colorbar(
            self.contours, ax=ax, ticks=self.contours.levels[::4], format="%.2g"
        )
        cbar.minorticks_off()
        cbar.set_label("training loss (MSE)")
        self.colorbar = cbar

    @staticmethod
    def _check_data(data: Dataset | None) -> None:
        if not isinstance(data, Dataset):
            raise TypeError(
                "Expected `data` to be a tunelab Dataset such as tl.load_dataset('poly'), or "
                f"a `loss_fn`. Received: data of type {type(data).__name__}"
            )
        if data.task != "regression" or data.x_train.shape[1] != 1:
            raise ValueError(
                "LossSurface draws the loss of y ≈ w·x + b, which needs a regression set with "
                f"one input feature (e.g. 'poly' with features=('x',)). Received: {data.name!r} "
                f"({data.task}) with {data.x_train.shape[1]} features. Pass `loss_fn` for "
                "another two-parameter loss."
            )

    def _mse(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        xx, xm, xy, ym, yy = self._moments
        return w * w * xx + 2 * w * b * xm + b * b - 2 * w * xy - 2 * b * ym + yy

    def loss_at(self, w: float | np.ndarray, b: float | np.ndarray) -> np.ndarray:
        """The surface's loss at parameters ``(w, b)`` (exact, not read off the grid).

        Example:
            >>> w, b = result.path[-1]
            >>> surface.loss_at(w, b)  # == result.history["train_loss"][-1]
        """
        return self.loss_fn(np.asarray(w, np.float64), np.asarray(b, np.float64))

    def update(self, result: TrainResult | None, epoch: int | None = None) -> None:
        """Draw a linear model's path through (w, b), one point per optimizer step.

        Args:
            result: a `TrainResult` of a linear model (``hidden=()``), or None to clear.
            epoch: show the path only up to the end of this epoch (for a timeline).

        Example:
            >>> surface.update(result)
            >>> surface.update(result, epoch=10)
        """
        self._set(result, epoch)
        self._draw()

    def _set(self, result: TrainResult | None, epoch: int | None = None) -> None:
        if result is None:
            path = np.empty((0, 2))
        else:
            if result.path is None or np.ndim(result.path) != 2 or result.path.shape[1] != 2:
                raise ValueError(
                    "Expected a result of a linear model with one input (hidden=() on 'poly'), "
                    "which records its path [w, b] after every step. This result has no such "
                    "path."
                )
            path = np.asarray(result.path, np.float64)
            if epoch is not None:
                path = path[: max(int(epoch), 0) * result.steps_per_epoch + 1]
        path = path[np.isfinite(path).all(axis=1)]
        self.path_line.set_data(path[:, 0], path[:, 1])
        self.start_point.set_data(path[:1, 0], path[:1, 1])
        self.end_point.set_data(path[-1:, 0], path[-1:, 1])


# ----------------------------------------------------------------------------------------
# Sweeps


def _x_scale(values: np.ndarray) -> tuple[str, dict]:
    """Log for values spanning a decade or more; symlog when 0 is among them."""
    positive = values[values > 0]
    if len(positive) < 2 or np.any(values < 0):
        return "linear", {}
    wide = positive.max() / positive.min() >= 10
    if not wide:
        return "linear", {}
    if np.any(values == 0):
        # Linear below the smallest positive value: 0 sits one short step left of it.
        return "symlog", {"linthresh": float(positive.min()), "linscale": 0.5}
    return "log", {}


class SweepCurve(_Part):
    """Final training and validation loss against one swept hyperparameter.

    Results sharing a value (e.g. several seeds) are averaged. Runs that diverged are left
    out of the lines and marked with a ✕ along the top. The x axis is logarithmic when the
    values span a decade or more (symmetric-log when one of them is 0).

    Args:
        ax: the Axes to draw on, or None for a new figure.
        results: `TrainResult`s, e.g. from ``tl.sweep(data, cfg, l2=[...])``.
        param: the swept `TrainConfig` field, e.g. ``"l2"``.
        current: the slider's value, marked by a vertical line (None hides it).
        metric: ``"loss"`` or ``"acc"``.
        show_best: also plot the best validation value reached during training.

    Attributes:
        ax, figure: where it is drawn.
        train_line, val_line, best_line: the curves (x = the parameter's values).
        diverged_points: ✕ marks for diverged runs.
        current_line: the vertical marker moved by `set_current`.

    Example:
        >>> curve = SweepCurve(None, tl.sweep(data, cfg, l2=[0, 1e-4, 1e-3, 1e-2]), "l2")
        >>> curve.set_current(1e-3)
    """

    def __init__(
        self,
        ax: Axes | None,
        results: Sequence[TrainResult],
        param: str,
        *,
        current: float | None = None,
        metric: str = "loss",
        show_best: bool = True,
    ):
        if metric not in ("loss", "acc"):
            raise ValueError(f"Expected `metric` to be 'loss' or 'acc'. Received: {metric!r}")
        self.ax = ax = _own_axes(ax, (5, 3.2))
        self.param = param
        self.metric = metric
        self.scale: tuple[str, dict] = ("linear", {})
        self.values = np.empty(0)
        (self.train_line,) = ax.plot([], [], color=TRAIN_COLOR, marker="o", ms=4, label="training")
        (self.val_line,) = ax.plot(
            [], [], color=VAL_COLOR, ls="--", marker="s", ms=4, label="validation (final)"
        )
        (self.best_line,) = ax.plot(
            [],
            [],
            color=VAL_COLOR,
            ls=":",
            marker="^",
            ms=4,
            alpha=0.7,
            label="validation (best epoch)",
            visible=show_best,
        )
        self.diverged_points = ax.scatter(
            np.empty(0),
            np.empty(0),
            marker="x",
            s=40,
            color=MARK_COLOR,
            transform=ax.get_xaxis_transform(),  # y in axes units: pinned near the top
            label="diverged",
            clip_on=False,
        )
        self.current_line = ax.axvline(1, color="0.45", lw=1.5, visible=False)
        ax.set_xlabel(_PARAM_LABELS.get(param, param))
        kind = "loss" if metric == "loss" else "accuracy"
        ax.set_ylabel(f"final {kind}" + (" (data loss)" if metric == "loss" else ""))
        handles = [self.train_line, self.val_line] + ([self.best_line] if show_best else [])
        ax.legend(handles=handles, fontsize="small")
        self.current: float | None = None
        self._set(results)
        self._set_current(current)

    def update(self, results: Sequence[TrainResult]) -> None:
        """Show another sweep of the same parameter.

        Example:
            >>> curve.update(tl.sweep(data, cfg, l2=[0, 1e-3, 1e-2]))
            >>> curve.val_line.get_ydata()
        """
        self._set(results)
        self._set_current(self.current)
        self._draw()

    def set_current(self, value: float | None) -> None:
        """Move the vertical marker to the slider's ``value`` (None hides it).

        Example:
            >>> curve.set_current(1e-3)
            >>> curve.set_current(None)
        """
        self._set_current(value)
        self._draw()

    def _set_current(self, value: float | None) -> None:
        self.current = value
        ok = value is not None and math.isfinite(value)
        if ok and self.scale[0] == "log" and value <= 0:
            ok = False  # a log axis has no place for 0
        if ok:
            self.current_line.set_xdata([value, value])
        self.current_line.set_visible(ok)

    def _set(self, results: Sequence[TrainResult]) -> None:
        groups: dict[float, list[TrainResult]] = {}
        for result in results:
            try:
                value = float(getattr(result.config, self.param))
            except (AttributeError, TypeError) as error:
                raise ValueError(
                    f"Expected `param` to be a numeric TrainConfig field such as 'l2'. "
                    f"Received: param={self.param!r}"
                ) from error
            groups.setdefault(value, []).append(result)
        values = np.array(sorted(groups), dtype=np.float64)
        better = np.nanmin if self.metric == "loss" else np.nanmax
        rows = []
        for value in values:
            healthy = [r for r in groups[value] if r.diverged_at is None]
            stats = []
            for key, reduce in (
                (f"train_{self.metric}", None),
                (f"val_{self.metric}", None),
                (f"val_{self.metric}", better),
            ):
                per_run = []
                for r in healthy:
                    h = np.asarray(r.history.get(key, np.empty(0)), np.float64)
                    h = h[np.isfinite(h)]
                    if len(h):
                        per_run.append(float(reduce(h)) if reduce else float(h[-1]))
                stats.append(np.mean(per_run) if per_run else np.nan)
            rows.append(stats)
        table = np.array(rows, dtype=np.float64).reshape(len(values), 3)
        for line, column in zip(
            (self.train_line, self.val_line, self.best_line), table.T, strict=True
        ):
            line.set_data(*_finite_xy(values, column))
        diverged = [v for v in values if any(r.diverged_at is not None for r in groups[v])]
        self.diverged_points.set_offsets(
            np.column_stack([np.array(diverged, np.float64), np.full(len(diverged), 0.95)])
        )
        self.values = values
        self._rescale(values)

    def _rescale(self, values: np.ndarray) -> None:
        ax = self.ax
        scale = _x_scale(values)
        if scale != self.scale:
            # Fresh data limits first, or a switch to log sees the old (possibly 0) ones.
            ax.relim(visible_only=True)
            ax.set_xscale(scale[0], **scale[1])
            self.scale = scale
        if len(values):
            lo, hi = float(values.min()), float(values.max())
            if scale[0] == "log":
                ax.set_xlim(lo / 1.5, hi * 1.5)
            elif scale[0] == "symlog":
                ax.set_xlim(-0.3 * scale[1]["linthresh"], hi * 1.5)
            else:
                pad = 0.05 * (hi - lo) or max(abs(lo) * 0.1, 0.5)
                ax.set_xlim(lo - pad, hi + pad)
        if any(len(line.get_xdata()) for line in (self.train_line, self.val_line)):
            ax.relim(visible_only=True)
            ax.set_autoscaley_on(True)
            ax.autoscale_view(scalex=False)
        else:
            ax.set_ylim(0, 1)


# ----------------------------------------------------------------------------------------
# Several boundaries side by side, and the datasets overview


class SmallMultiples(_Part):
    """A row of `DecisionBoundary` parts, e.g. one per regularization strength.

    Args:
        fig_or_axes: a Figure (a row of axes is added to it), a sequence of Axes (one per
            result), or None for a new figure.
        data: the `Dataset` all results were trained on.
        results: one `TrainResult` per panel.
        titles: one title per panel (e.g. "λ₂ = 1e-3"), or None.
        show_misclassified: mark misclassified points in every panel.

    Attributes:
        figure, axes: where it is drawn; ``ax`` is the first panel.
        parts: the `DecisionBoundary` of each panel.

    Example:
        >>> row = SmallMultiples(None, data, results, [f"λ₂ = {v:g}" for v in l2s])
        >>> row.update(other_results)
    """

    def __init__(
        self,
        fig_or_axes: Figure | Sequence[Axes] | None,
        data: Dataset,
        results: Sequence[TrainResult | None],
        titles: Sequence[str] | None = None,
        *,
        show_misclassified: bool = False,
    ):
        n = len(results)
        if n < 1:
            raise ValueError("Expected at least one result for SmallMultiples.")
        if fig_or_axes is None:
            _, axes = new_figure(1, n, figsize=(2.6 * n, 2.9), squeeze=False)
            axes = list(axes[0])
        elif isinstance(fig_or_axes, Figure):
            axes = list(fig_or_axes.subplots(1, n, squeeze=False)[0])
        else:
            axes = list(fig_or_axes)
        if len(axes) != n:
            raise ValueError(f"Expected one Axes per result. Received {len(axes)} for {n} results.")
        self.axes = axes
        self.ax = axes[0]
        self.parts = [
            DecisionBoundary(
                ax, data, result, show_misclassified=show_misclassified, legend=(i == 0)
            )
            for i, (ax, result) in enumerate(zip(axes, results, strict=True))
        ]
        for ax in axes:
            # Small panels read better without tick labels; the frame is the same for all.
            ax.tick_params(labelbottom=False, labelleft=False, length=0)
            ax.set_xlabel("")
            ax.set_ylabel("")
        self._set_titles(titles)

    def _set_titles(self, titles: Sequence[str] | None) -> None:
        if titles is None:
            return
        if len(titles) != len(self.parts):
            raise ValueError(
                f"Expected one title per panel ({len(self.parts)}). Received {len(titles)}."
            )
        for ax, title in zip(self.axes, titles, strict=True):
            ax.set_title(str(title), fontsize="medium")

    def update(
        self,
        results: Sequence[TrainResult | None],
        titles: Sequence[str] | None = None,
        epoch: int | None = None,
    ) -> None:
        """Show new results in every panel, with one redraw for the whole row.

        Args:
            results: one `TrainResult` per panel.
            titles: new titles, or None to keep them.
            epoch: show each surface as recorded at this epoch.

        Example:
            >>> row.update(results, epoch=100)
            >>> row.parts[0].image.get_array().shape
        """
        if len(results) != len(self.parts):
            raise ValueError(
                f"Expected one result per panel ({len(self.parts)}). Received {len(results)}."
            )
        for part, result in zip(self.parts, results, strict=True):
            part._set(result, epoch)
        self._set_titles(titles)
        self._draw()


def show_datasets(
    names: Sequence[str] | None = None, n_samples: int = 300, seed: int = 0
) -> Figure:
    """Every dataset at a glance, each in a small scatter plot coloured by class.

    2-D sets show their two inputs; poly shows x against the target y; breast_cancer shows
    its first two (standardized) features.

    Args:
        names: datasets to show; None for all of `tunelab.datasets.DATASET_NAMES`.
        n_samples: examples per dataset (at most 569 are used for breast_cancer).
        seed: the data seed.

    Returns:
        The Figure, with one Axes per dataset.

    Example:
        >>> fig = show_datasets()
        >>> fig = show_datasets(["moons", "spiral3"], n_samples=500)
    """
    names = list(DATASET_NAMES if names is None else names)
    if not names:
        raise ValueError("Expected at least one dataset name.")
    ncols = min(4, len(names))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = new_figure(nrows, ncols, figsize=(2.6 * ncols, 2.6 * nrows), squeeze=False)
    flat = list(axes.ravel())
    for ax, name in zip(flat, names, strict=False):
        n = min(n_samples, 569) if name == "breast_cancer" else n_samples
        data = load_dataset(name, n_samples=n, seed=seed)
        y = np.concatenate([data.y_train, data.y_val])
        if data.task == "regression":
            x = np.concatenate([data.points_train[:, 0], data.points_val[:, 0]])
            ax.scatter(x, y, s=8, color=CLASS_COLORS[1], linewidths=0)
            ax.set_xlabel("input x")
            ax.set_ylabel("target y")
        else:
            source = ("x_train", "x_val") if data.extent is None else ("points_train", "points_val")
            points = np.concatenate([getattr(data, s)[:, :2] for s in source])
            colors = DecisionBoundary._class_colors(y)
            ax.scatter(points[:, 0], points[:, 1], s=8, c=colors, linewidths=0)
            if data.extent is None:
                ax.set_xlabel(f"{data.feature_names[0]} (standardized)", fontsize="small")
                ax.set_ylabel(f"{data.feature_names[1]} (standardized)", fontsize="small")
            else:
                ax.set_xlim(data.extent[0], data.extent[1])
                ax.set_ylim(data.extent[2], data.extent[3])
                ax.set_aspect("equal", adjustable="box")
        ax.set_title(f"{name} ({data.task})", fontsize="medium")
        ax.tick_params(labelsize="x-small")
    for ax in flat[len(names) :]:
        fig.delaxes(ax)  # one Axes per dataset, no empty frames
    return fig


# ----------------------------------------------------------------------------------------
# Per-neuron thumbnails


class NeuronThumbnails(_Part):
    """What each unit of the first hidden layer responds to, over the input plane.

    Like TensorFlow Playground's neuron tiles: every unit's activation on the decision
    grid, scaled to its own range, tiled into one image (so an update is one
    ``set_array``). Shows up to ``max_units`` units.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        result: a `TrainResult` of a network with a hidden layer on 2-D data.
        max_units: how many units to show (the first ones).

    Attributes:
        image: the tiled image; ``tiles`` is the (rows, cols) layout.

    Example:
        >>> thumbs = NeuronThumbnails(ax, result)
        >>> thumbs.update(result, epoch=10)
    """

    def __init__(self, ax: Axes | None, result: TrainResult | None = None, *, max_units: int = 16):
        self.ax = ax = _own_axes(ax, (3, 3))
        self.max_units = int(max_units)
        self.image = ax.imshow(
            np.full((2, 2), 0.5), cmap="PuOr", vmin=0.0, vmax=1.0, origin="lower"
        )
        self.tiles = (1, 1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("first-layer units", fontsize="small")
        self.message = ax.text(
            0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize="small"
        )
        self._set(result)

    def update(self, result: TrainResult | None, epoch: int | None = None) -> None:
        """Show the units of ``result`` (at ``epoch`` if given)."""
        self._set(result, epoch)
        self._draw()

    def _set(self, result: TrainResult | None, epoch: int | None = None) -> None:
        if (
            result is None
            or result.grid_shape is None
            or len(result.weights) < 4
            or result.grid_inputs is None
        ):
            self.image.set_visible(False)
            self.message.set_text("" if result is None else "no hidden layer to show")
            return
        weights = (
            result.weights if epoch is None else result.weights_at(_snapshot_index(result, epoch))
        )
        from tunelab.training.result import NUMPY_ACTIVATIONS

        act = NUMPY_ACTIVATIONS[result.config.activation]
        h = act(result.grid_inputs @ weights[0] + weights[1])[:, : self.max_units]
        g = result.grid_shape[0]
        units = h.shape[1]
        cols = int(math.ceil(math.sqrt(units)))
        rows = int(math.ceil(units / cols))
        tile = g + 2  # a two-pixel white gutter between tiles
        mosaic = np.full((rows * tile, cols * tile), np.nan)
        low, high = h.min(axis=0), h.max(axis=0)
        span = np.where(high - low > 1e-9, high - low, 1.0)
        scaled = (h - low) / span
        for unit in range(units):
            r, c = divmod(unit, cols)
            r = rows - 1 - r  # first unit at the top left
            mosaic[r * tile : r * tile + g, c * tile : c * tile + g] = scaled[:, unit].reshape(g, g)
        mosaic = np.where(np.isfinite(mosaic), mosaic, 0.5)
        self.image.set_data(mosaic)
        self.image.set_extent((0, cols * tile, 0, rows * tile))
        self.image.set_visible(True)
        self.tiles = (rows, cols)
        self.message.set_text("")
