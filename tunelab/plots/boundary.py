"""`DecisionBoundary`: a classifier's probability over the input plane, with the data."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from tunelab.datasets import Dataset
from tunelab.plots.base import (
    CLASS_COLORS,
    MARK_COLOR,
    PROBABILITY_CMAP,
    Part,
    View,
    check_threshold,
    class_colors,
    mix_with_white,
    own_axes,
    snapshot_index,
    weights_shown,
)
from tunelab.plots.regression import RegressionFit, check_dataset, is_regression_1d
from tunelab.training.network import forward

if TYPE_CHECKING:
    from tunelab.training.result import TrainResult

# Three-class backgrounds: the class colours mixed by their probabilities.
_BACKGROUND_RGB = np.array([mix_with_white(c, 0.35) for c in CLASS_COLORS])


def _no_plane(data: Dataset) -> ValueError:
    return ValueError(
        f"DecisionBoundary needs 2-D points (or the 1-D 'poly' set); {data.name!r} has "
        f"{data.points_train.shape[1]} input features, so there is no plane to colour. "
        "Use LossCurves or AccuracyCurves for it instead."
    )


def boundary_part_for(data: Dataset) -> type[Part]:
    """The part that shows a model over ``data``'s inputs: `RegressionFit` or `DecisionBoundary`.

    Args:
        data: a `Dataset` with 2-D points (classification) or one raw input (regression).

    Returns:
        `RegressionFit` for a 1-D regression such as 'poly', `DecisionBoundary` for 2-D
        points.

    Example:
        >>> part_class = boundary_part_for(data)
        >>> part = part_class.from_view(ax, View(result=res, data=data))
    """
    check_dataset(data)
    if is_regression_1d(data):
        return RegressionFit
    if data.extent is None:
        raise _no_plane(data)
    return DecisionBoundary


def level_lines(
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


class DecisionBoundary(Part):
    """The model's predicted probability over the input plane, with the data on top.

    The background is ``P(class 1)`` (orange = class 0, purple = class 1, pale near 0.5)
    or, for three classes, the class colours mixed by their probabilities. Training points
    are solid, validation points hollow. A 1-D regression is drawn by `RegressionFit`;
    `boundary_part_for` picks between the two.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        data: the `Dataset` with 2-D points the result was trained on.
        result: a `TrainResult` to show now, or None for the data alone.
        show_misclassified: mark wrongly classified points with a black ✕.
        legend: show a small legend explaining the markers.
        threshold: None, or a decision threshold t in (0, 1) to show first: draw the line
            where ``P(class 1) = t`` (dashed) and call a point class 1 when its
            probability is above t, for the ✕ marks too. Two-class results only. Later
            views bring their own ``threshold``.

    Attributes:
        ax, figure: where it is drawn.
        image: the probability image (hidden without a result).
        threshold_line: the dashed ``P(class 1) = threshold`` line (empty without one).
        train_points, val_points: scatter collections of the data.
        wrong_points: scatter of misclassified points (empty unless asked for).
        data, result, epoch, threshold: what is shown now.

    Example:
        >>> boundary = DecisionBoundary(None, data, result, show_misclassified=True)
        >>> boundary.update(View(result=result, epoch=50))  # the surface after epoch 50
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
        check_dataset(data)
        threshold = check_threshold(threshold)
        self.ax = ax = own_axes(ax, (4, 4))
        self.show_misclassified = bool(show_misclassified)
        self.data: Dataset | None = None
        self.result: TrainResult | None = None
        self.epoch: int | None = None
        self.threshold: float | None = None
        self._shown: tuple | None = None  # what the image shows, to skip repeated views
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
        self.update(View(result=result, threshold=threshold), draw=False)

    @classmethod
    def from_view(cls, ax: Axes | None, view: View, **options: Any) -> Part:
        """Build on ``ax`` with ``view.data`` and show ``view``.

        Options: ``show_misclassified``, ``legend``, ``threshold`` (the view's threshold
        is what is drawn).

        Example:
            >>> part = DecisionBoundary.from_view(ax, View(data=data), show_misclassified=True)
            >>> part.update(View(result=res, threshold=0.3), draw=False)
        """
        if view.data is None:
            raise ValueError("Expected `view.data`: DecisionBoundary draws the data it shows.")
        part = cls(ax, view.data, **options)
        part.update(view, draw=False)
        return part

    def set_data(self, data: Dataset, *, draw: bool = True) -> None:
        """Show another dataset (e.g. after a noise slider moved), keeping the artists.

        The probability image is hidden until the next result is shown.

        Args:
            data: a `Dataset` with 2-D points.
            draw: request a redraw.

        Example:
            >>> boundary.set_data(tl.load_dataset("moons", noise=0.4))
            >>> boundary.update(tl.train(boundary.data, cfg))
        """
        check_dataset(data)
        if is_regression_1d(data):
            raise ValueError(
                f"{data.name!r} is a regression on one input: draw it with RegressionFit "
                "(boundary_part_for(data) picks the part)."
            )
        if data.extent is None:
            raise _no_plane(data)
        self.data = data
        self.train_points.set_offsets(np.asarray(data.points_train, np.float64))
        self.val_points.set_offsets(np.asarray(data.points_val, np.float64))
        self.train_points.set_facecolor(class_colors(data.y_train))
        self.val_points.set_edgecolor(class_colors(data.y_val))
        x0, x1, y0, y1 = data.extent
        ax = self.ax
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("input x₁")
        ax.set_ylabel("input x₂")
        # Later data must not let anything rescale the fixed frame.
        ax.set_autoscale_on(False)
        self.image.set_visible(False)
        self.wrong_points.set_offsets(np.empty((0, 2)))
        self.threshold_line.set_segments([])
        self.result, self._shown = None, None
        if draw:
            self.draw()

    def _show(self, view: View) -> None:
        if view.data is not None and view.data is not self.data:
            self.set_data(view.data, draw=False)
        result, epoch, threshold = view.result, view.epoch, view.threshold
        at = None if result is None or epoch is None else snapshot_index(result, epoch)
        shown = (id(result), at, threshold)
        self.result, self.epoch, self.threshold = result, epoch, threshold
        if result is not None and shown == self._shown:
            return  # the same picture: nothing to change
        self._shown = shown if result is not None else None
        self.threshold_line.set_segments([])
        if result is None:
            self.image.set_visible(False)
            self.wrong_points.set_offsets(np.empty((0, 2)))
            return
        surface = result.surface if epoch is None else result.surface_at(epoch)
        if surface is None or result.grid_shape is None or result.task == "regression":
            raise ValueError(
                "Expected a classification result trained on 2-D points, which has a "
                "decision surface; this one has none (a regression, or tabular data such as "
                "breast_cancer)."
            )
        surface = np.asarray(surface, np.float64)
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
            if threshold is not None:
                self.threshold_line.set_segments(
                    level_lines(result.grid_points, probs, (rows, cols), threshold)
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
            self.wrong_points.set_offsets(self._misclassified(result, epoch, threshold))

    def _misclassified(
        self, result: TrainResult, epoch: int | None, threshold: float | None
    ) -> np.ndarray:
        data = self.data
        weights = weights_shown(result, epoch)
        t = 0.5 if threshold is None else threshold
        wrong = []
        for x, y, points in (
            (data.x_train, data.y_train, data.points_train),
            (data.x_val, data.y_val, data.points_val),
        ):
            if x.shape[1] != weights[0].shape[0]:
                return np.empty((0, 2))  # the result belongs to other features
            z = forward(weights, result.config.activation, x)
            # Compare logits, not probabilities: the same answer without exp overflow.
            predicted = (z[:, 0] > math.log(t / (1 - t))) if z.shape[1] == 1 else np.argmax(z, 1)
            wrong.append(points[predicted.astype(int) != y.astype(int)])
        return np.concatenate(wrong).astype(np.float64)
