"""`RegressionFit`: a 1-D regression's data and the network's prediction curve."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from tunelab.datasets import Dataset
from tunelab.plots.base import CLASS_COLORS, Part, View, finite_xy, own_axes

if TYPE_CHECKING:
    from tunelab.training.result import TrainResult


def is_regression_1d(data: Dataset) -> bool:
    """Whether ``data`` is a regression on one raw input (like 'poly'), drawn as x → y."""
    return data.task == "regression" and data.points_train.shape[1] == 1


def check_dataset(data: object) -> Dataset:
    """``data`` if it is a `Dataset`; a TypeError saying what is expected otherwise."""
    if not isinstance(data, Dataset):
        raise TypeError(
            "Expected `data` to be a tunelab Dataset, e.g. tl.load_dataset('moons'). "
            f"Received: {type(data).__name__}"
        )
    return data


class RegressionFit(Part):
    """A 1-D regression: the data as points and the network's prediction as a curve.

    Training points are solid, validation points hollow; the curve is the prediction on
    the result's grid of inputs (the raw x, whatever features the network was fed).

    Args:
        ax: the Axes to draw on, or None for a new figure.
        data: a regression `Dataset` with one raw input, such as ``tl.load_dataset("poly")``.
        result: a `TrainResult` to show now, or None for the data alone.
        legend: show a small legend explaining the markers.
        show_misclassified: accepted so a panel can build every boundary slot the same
            way; a regression has no misclassified points, so only False is allowed.

    Attributes:
        ax, figure: where it is drawn.
        line: the prediction curve.
        train_points, val_points: scatter collections of the data.
        data, result, epoch: what is shown now.

    Example:
        >>> fit = RegressionFit(None, tl.load_dataset("poly"), result)
        >>> fit.update(View(result=result, epoch=10))  # the curve after 10 epochs
    """

    def __init__(
        self,
        ax: Axes | None,
        data: Dataset,
        result: TrainResult | None = None,
        *,
        legend: bool = True,
        show_misclassified: bool = False,
    ):
        if show_misclassified:
            raise ValueError(
                "Expected `show_misclassified=False` for a regression: it has no classes to "
                f"get wrong. Received: show_misclassified={show_misclassified!r}"
            )
        check_dataset(data)
        self.ax = ax = own_axes(ax, (4, 4))
        self.data: Dataset | None = None
        self.result: TrainResult | None = None
        self.epoch: int | None = None
        (self.line,) = ax.plot([], [], color=CLASS_COLORS[0], lw=2.2, zorder=3)
        self.train_points = ax.scatter(
            np.empty(0), np.empty(0), s=18, linewidths=0.6, edgecolors="white", zorder=4
        )
        self.val_points = ax.scatter(
            np.empty(0), np.empty(0), s=18, facecolors="none", linewidths=1.2, zorder=4
        )
        self.train_points.set_facecolor(CLASS_COLORS[1])
        self.val_points.set_edgecolor(CLASS_COLORS[1])
        self.set_data(data, draw=False)
        if legend:
            handles = [
                Line2D([], [], ls="", marker="o", color="0.35", mec="white", label="training"),
                Line2D([], [], ls="", marker="o", mfc="none", mec="0.35", label="validation"),
            ]
            ax.legend(handles=handles, loc="upper right", fontsize="x-small", framealpha=0.8)
        self.update(View(result=result), draw=False)

    @classmethod
    def from_view(cls, ax: Axes | None, view: View, **options: Any) -> RegressionFit:
        """Build on ``ax`` with ``view.data`` and show ``view``.

        Options: ``legend``, ``show_misclassified`` (False only).

        Example:
            >>> fit = RegressionFit.from_view(None, View(result=res, data=poly))
            >>> fit.line.get_ydata()[:3]
        """
        if view.data is None:
            raise ValueError("Expected `view.data`: RegressionFit draws the data it shows.")
        part = cls(ax, view.data, **options)
        part.update(view, draw=False)
        return part

    def set_data(self, data: Dataset, *, draw: bool = True) -> None:
        """Show another regression dataset, keeping the artists (the curve is emptied).

        Example:
            >>> fit.set_data(tl.load_dataset("poly", noise=0.5))
            >>> fit.update(tl.train(fit.data, cfg))
        """
        check_dataset(data)
        if not is_regression_1d(data):
            raise ValueError(
                "RegressionFit shows a regression on one input, such as 'poly'; "
                f"{data.name!r} is a {data.task} set with {data.points_train.shape[1]} raw "
                "inputs. Use DecisionBoundary for 2-D points (boundary_part_for(data) picks "
                "the part)."
            )
        self.data = data
        x_train, x_val = data.points_train[:, 0], data.points_val[:, 0]
        self.train_points.set_offsets(np.column_stack([x_train, data.y_train]).astype(float))
        self.val_points.set_offsets(np.column_stack([x_val, data.y_val]).astype(float))
        lo = float(min(x_train.min(), x_val.min()))
        hi = float(max(x_train.max(), x_val.max()))
        pad = 0.05 * (hi - lo)
        y = np.concatenate([data.y_train, data.y_val])
        ylo, yhi = float(y.min()), float(y.max())
        ypad = 0.15 * (yhi - ylo) or 1.0
        self.ylim = (ylo - ypad, yhi + ypad)
        ax = self.ax
        ax.set_xlim(lo - pad, hi + pad)
        ax.set_ylim(*self.ylim)
        ax.set_aspect("auto")
        ax.set_xlabel("input x")
        ax.set_ylabel("target y")
        # Later data must not let anything rescale the fixed frame.
        ax.set_autoscale_on(False)
        self.line.set_data([], [])
        self.result = None
        if draw:
            self.draw()

    def _show(self, view: View) -> None:
        if view.data is not None and view.data is not self.data:
            self.set_data(view.data, draw=False)
        result, epoch = view.result, view.epoch
        self.result, self.epoch = result, epoch
        if result is None:
            self.line.set_data([], [])
            return
        surface = result.surface if epoch is None else result.surface_at(epoch)
        if surface is None or result.grid_points is None or result.task != "regression":
            raise ValueError(
                "Expected a regression result trained on one raw input (such as 'poly'); "
                f"this one is a {result.task} result without a 1-D prediction curve."
            )
        x, y = finite_xy(result.grid_points[:, 0], np.asarray(surface, np.float64))
        lo, hi = self.ylim
        # Far off-screen values draw the same as clipped ones but stay cheap to render.
        span = hi - lo
        self.line.set_data(x, np.clip(y, lo - 10 * span, hi + 10 * span))
