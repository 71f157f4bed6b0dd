"""`ScheduleCurve`: the learning rate at every optimizer step under a schedule."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes

from tunelab.plots.base import TRAIN_COLOR, Part, View, finite_xy, own_axes

if TYPE_CHECKING:
    from tunelab.training.schedules import Schedule


class ScheduleCurve(Part):
    """The learning rate at every optimizer step under a schedule.

    ``update(view)`` shows the schedule of ``view.result.config`` over the run's steps
    (``config.epochs × result.steps_per_epoch``); `set_schedule` shows any schedule.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        schedule: a schedule from ``tunelab.training.schedules``, or None (constant).
        learning_rate: the starting rate α the schedule scales.
        steps: how many optimizer steps to show (epochs × steps per epoch).

    Attributes:
        ax, figure: where it is drawn.
        line: the learning-rate curve.
        end_text: the rate at the last step.
        schedule, learning_rate, steps: what is shown now.

    Example:
        >>> curve = ScheduleCurve(None, ExponentialDecay(decay_steps=100), 0.1, 300)
        >>> curve.update(result)  # the schedule that result was trained with
    """

    max_points = 4000  # more points than pixels only costs time

    def __init__(
        self,
        ax: Axes | None,
        schedule: Schedule | None = None,
        learning_rate: float = 0.03,
        steps: int = 300,
    ):
        self.ax = ax = own_axes(ax, (5, 3))
        (self.line,) = ax.plot([], [], color=TRAIN_COLOR, lw=2)
        self.end_text = ax.text(
            0.98, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize="small"
        )
        ax.set_xlabel("optimizer step (one mini-batch update)")
        ax.set_ylabel("learning rate α")
        self.schedule = schedule
        self.learning_rate = float(learning_rate)
        self.steps = steps
        self.set_schedule(schedule, learning_rate, steps, draw=False)

    def _show(self, view: View) -> None:
        result = view.result
        if result is None:
            self.line.set_data([], [])
            self.end_text.set_text("")
            return
        config = result.config
        steps = max(int(config.epochs) * int(result.steps_per_epoch), 1)
        self.set_schedule(config.schedule, config.learning_rate, steps, draw=False)

    def set_schedule(
        self,
        schedule: Schedule | None,
        learning_rate: float | None = None,
        steps: int | None = None,
        *,
        draw: bool = True,
    ) -> None:
        """Show another schedule; a None rate or step count keeps the current one.

        Args:
            schedule: a schedule, or None for a constant rate.
            learning_rate: the starting rate α.
            steps: how many optimizer steps to show.
            draw: request a redraw.

        Example:
            >>> curve.set_schedule(CosineDecay(decay_steps=300), learning_rate=0.1, steps=300)
            >>> curve.line.get_ydata()[-1]
        """
        steps = self.steps if steps is None else steps
        learning_rate = self.learning_rate if learning_rate is None else learning_rate
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
        step, values = finite_xy(step, values)
        self.line.set_data(step, values)
        top = float(values.max()) if len(values) else lr
        self.ax.set_xlim(0, max(self.steps - 1, 1))
        self.ax.set_ylim(0, (top or lr) * 1.1)
        self.end_text.set_text(f"last step: α = {values[-1]:.3g}" if len(values) else "")
        if draw:
            self.draw()
