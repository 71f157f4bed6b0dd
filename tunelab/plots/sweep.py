"""`SweepCurve`: final training and validation values against one swept hyperparameter."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes

from tunelab.plots.base import MARK_COLOR, TRAIN_COLOR, VAL_COLOR, Part, View, finite_xy, own_axes

if TYPE_CHECKING:
    from tunelab.training.result import TrainResult

PARAM_LABELS = {
    "l1": "L1 strength λ₁",
    "l2": "L2 strength λ₂",
    "dropout": "dropout rate p",
    "learning_rate": "learning rate α",
    "weight_decay": "weight decay (per step, × α)",
    "seed": "seed",
}


def _same_runs(a: Sequence[TrainResult], b: Sequence[TrainResult]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


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


class SweepCurve(Part):
    """Final training and validation loss against one swept hyperparameter.

    Results sharing a value (e.g. several seeds) are averaged. Runs that diverged are left
    out of the lines and marked with a ✕ along the top. The x axis is logarithmic when the
    values span a decade or more (symmetric-log when one of them is 0). ``update(view)``
    redraws the lines when ``view.sweep`` brings other runs (None keeps them) and moves the
    marker to ``view.result``'s value of the swept field.

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
        self.ax = ax = own_axes(ax, (5, 3.2))
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
        ax.set_xlabel(PARAM_LABELS.get(param, param))
        kind = "loss" if metric == "loss" else "accuracy"
        ax.set_ylabel(f"final {kind}" + (" (data loss)" if metric == "loss" else ""))
        handles = [self.train_line, self.val_line] + ([self.best_line] if show_best else [])
        ax.legend(handles=handles, fontsize="small")
        self.current: float | None = None
        self.results: tuple[TrainResult, ...] = ()
        self._show_results(tuple(results))
        self._place_current(current)

    @classmethod
    def from_view(cls, ax: Axes | None, view: View, **options: Any) -> SweepCurve:
        """Build on ``ax`` for ``view.sweep_field`` and show ``view``.

        Options: ``metric``, ``show_best``.

        Example:
            >>> curve = SweepCurve.from_view(ax, View(sweep=runs, sweep_field="l2"))
            >>> curve.update(View(result=runs[1], sweep=runs, sweep_field="l2"))
        """
        if view.sweep_field is None:
            raise ValueError(
                "Expected `view.sweep_field`, the TrainConfig field the sweep varies (such as "
                "'l2'): a SweepCurve plots against it."
            )
        part = cls(ax, view.sweep or (), view.sweep_field, **options)
        part.update(view, draw=False)
        return part

    def _show(self, view: View) -> None:
        field_changed = view.sweep_field is not None and view.sweep_field != self.param
        if field_changed:
            self.param = view.sweep_field
            self.ax.set_xlabel(PARAM_LABELS.get(self.param, self.param))
        sweep = view.sweep
        if sweep is not None and (field_changed or not _same_runs(sweep, self.results)):
            self._show_results(sweep)
        elif field_changed:
            self._show_results(self.results)
        current = None
        if view.result is not None:
            try:
                current = float(getattr(view.result.config, self.param))
            except (AttributeError, TypeError) as error:
                raise ValueError(
                    "Expected `sweep_field` to be a numeric TrainConfig field such as 'l2'. "
                    f"Received: sweep_field={self.param!r}"
                ) from error
        self._place_current(current)

    def set_current(self, value: float | None, *, draw: bool = True) -> None:
        """Move the vertical marker to the slider's ``value`` (None hides it).

        Example:
            >>> curve.set_current(1e-3)
            >>> curve.set_current(None)
        """
        self._place_current(value)
        if draw:
            self.draw()

    def _place_current(self, value: float | None) -> None:
        self.current = value
        ok = value is not None and math.isfinite(value)
        if ok and self.scale[0] == "log" and value <= 0:
            ok = False  # a log axis has no place for 0
        if ok:
            self.current_line.set_xdata([value, value])
        self.current_line.set_visible(ok)

    def _show_results(self, results: Sequence[TrainResult]) -> None:
        self.results = tuple(results)
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
            line.set_data(*finite_xy(values, column))
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
