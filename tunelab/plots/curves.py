"""`LossCurves` and `AccuracyCurves`: training and validation per epoch, and their gap."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection

from tunelab.plots.base import (
    MARK_COLOR,
    TRAIN_COLOR,
    VAL_COLOR,
    Part,
    View,
    finite_xy,
    format_value,
    own_axes,
)

if TYPE_CHECKING:
    from tunelab.training.result import TrainResult


# "Nice" tops of a linear loss axis within each decade: a new run moves the axis only when
# its curves leave the frame or fill less than half of it, so most moves keep the frame
# (and a panel can blit them) and the axis still follows the run shown.
_NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def _nice_above(value: float) -> float:
    """The smallest `_NICE_STEPS` multiple of a power of ten at or above ``value`` > 0."""
    scale = 10.0 ** math.floor(math.log10(value))
    return next(
        float(f"{step * scale:.6g}") for step in _NICE_STEPS if step * scale >= value * (1 - 1e-12)
    )


def steady_limits(
    current: tuple[float, float], low: float, high: float, *, log: bool = False
) -> tuple[float, float]:
    """Axis limits showing ``[low, high]`` that stay put while the data moves a little.

    The current limits are kept while the data fits inside them and fills at least half
    of them (a decade's worth on a log axis); otherwise: from 0 (or a power of ten below
    ``low`` on a log axis) to a rounded value above ``high``.

    Example:
        >>> steady_limits((0.0, 1.0), 0.05, 0.7)
        (0.0, 1.0)
        >>> steady_limits((0.0, 1.0), 0.05, 1.3)
        (0.0, 1.5)
    """
    lo, hi = current
    if log:
        if 0 < lo <= low and high <= hi and high * 10 > hi and low < lo * 10:
            return lo, hi
        return 10.0 ** math.floor(math.log10(low)), 10.0 ** math.ceil(math.log10(high) + 1e-12)
    bottom = 0.0 if low >= 0 else -_nice_above(-low * 1.05)
    if lo == bottom and high <= hi and (high - bottom) * 2 >= hi - bottom:
        return lo, hi
    top = _nice_above(high * 1.05) if high > 0 else 1.0
    return bottom, top if top > bottom else bottom + 1.0


class _CurvePair(Part):
    """Training and validation curves of one metric, the gap between them and markers."""

    train_key = "train_loss"
    val_key = "val_loss"
    legend_loc = "upper right"

    def __init__(self, ax: Axes | None, result: TrainResult | None = None, *, log_y: bool = False):
        self.ax = ax = own_axes(ax, (6, 3.2))
        self.log_y = bool(log_y)
        if self.log_y:
            ax.set_yscale("log")
        self.result: TrainResult | None = None
        self._drawn = False  # whether the lines show `self.result` yet
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
        self.update(View(result=result), draw=False)

    def _ylabel(self, result: TrainResult) -> str:
        raise NotImplementedError

    def _gap(self, train: float, val: float) -> float:
        return val - train

    def _show(self, view: View) -> None:
        # The lines only change with the result; scrubbing through epochs moves the cursor.
        if view.result is not self.result or not self._drawn:
            self._show_result(view.result)
        self._move_cursor(view.epoch)

    def set_cursor(self, epoch: float | None, *, draw: bool = True) -> None:
        """Move the vertical cursor line to ``epoch`` (None hides it), e.g. for a timeline.

        Example:
            >>> curves.set_cursor(120)
            >>> curves.set_cursor(None)
        """
        self._move_cursor(epoch)
        if draw:
            self.draw()

    def _move_cursor(self, epoch: float | None) -> None:
        if epoch is None or not math.isfinite(epoch):
            self.cursor.set_visible(False)
        else:
            self.cursor.set_xdata([epoch, epoch])
            self.cursor.set_visible(True)

    def _clear(self, message: str = "") -> None:
        for line in (self.train_line, self.val_line):
            line.set_data([], [])
        self.gap_fill.set_verts([])
        self.gap_text.set_text("")
        self.marker_line.set_visible(False)
        self.marker_text.set_visible(False)
        self.message.set_text(message)
        self.message.set_visible(bool(message))

    def _show_result(self, result: TrainResult | None) -> None:
        self.result, self._drawn = result, True
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
            x, y = finite_xy(x[: len(y)], y, self.log_y)
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
        gap = f"gap {format_value(self._gap(lo[-1], hi[-1]))}" if len(x) else ""
        self.gap_text.set_text(gap)
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
        ys = [np.asarray(line.get_ydata(), np.float64) for line in (self.train_line, self.val_line)]
        low, high = (float(f(np.concatenate(ys))) for f in (np.min, np.max))
        ax.set_ylim(*steady_limits(ax.get_ylim(), low, high, log=self.log_y))


class LossCurves(_CurvePair):
    """Training and validation data loss per epoch, with the gap between them shaded.

    A dotted line marks where training diverged or, with early stopping, the best epoch;
    a cursor line follows ``view.epoch`` (a timeline slider). The loss shown is the data
    loss (the penalty of L1/L2 is excluded), so runs with different regularization
    compare fairly.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        result: a `TrainResult` to show now, or None.
        log_y: logarithmic loss axis (also a `from_view` option).

    Attributes:
        ax, figure: where it is drawn.
        train_line, val_line: the two curves (x = epoch 1, 2, …).
        gap_fill: the shaded area between them (a PolyCollection).
        gap_text: "gap 0.07": validation minus training loss after the last epoch.
        marker_line, marker_text: divergence or early-stopping marker (hidden if neither).
        cursor: the vertical line at ``view.epoch`` (hidden when it is None).
        result: the result shown now.

    Example:
        >>> curves = LossCurves(None, result, log_y=True)
        >>> curves.update(View(result=result, epoch=100))  # the cursor at epoch 100
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
