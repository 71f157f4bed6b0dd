"""`Panel`: controls, plots and a status line bound to the training engine.

The flow of one slider move::

    widget.value ─► Panel._on_change ─► compose() ─► (Dataset, TrainConfig)
                ─► engine.train (a cache hit once the slider's values are precomputed)
                ─► each plot part updates its artists ─► one draw_idle ─► status line

Moves are coalesced: inside a running kernel a move only records the newest setting and
schedules one refresh a few milliseconds later, so a fast drag never builds a backlog.
Errors never escape a callback: they are shown in the panel and the last good picture
stays.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import html
import json
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt

from tunelab import plots
from tunelab.datasets import Dataset, load_dataset
from tunelab.training import TrainConfig, TrainResult
from tunelab.training import engine as default_engine
from tunelab.training.engine import SWEEP_AXES
from tunelab.widgets.controls import CONFIG_FIELDS, DATA_FIELDS, Control

SETTINGS_VERSION = 1
COALESCE_SECONDS = 0.01
OPTIMIZER_NAMES = {
    "sgd": "SGD",
    "momentum": "SGD with momentum",
    "nesterov": "Nesterov momentum",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
}
DEFAULT_DATA = {
    "dataset": "moons",
    "n_samples": 400,
    "noise": None,
    "val_fraction": 0.5,
    "data_seed": 0,
    "imbalance": None,
    "features": None,
    "train_size": None,
}

_STYLE = """
<style>
.tunelab-status { font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px;
  padding: 4px 8px; border-radius: 4px; background: #f2f2f2; color: #222; }
.tunelab-status.warn { background: #fff1d6; color: #7a4b00; border: 1px solid #e0a030; }
.tunelab-status.error { background: #fde2e1; color: #8a1c14; border: 1px solid #d0453a; }
.tunelab-status.busy { background: #e8eefc; color: #1d3f8a; }
</style>
"""


def _kernel_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop of the running Jupyter kernel, or None outside a kernel.

    Only a kernel delivers widget messages through its loop; other running loops (a test
    runner's, a browser driver's) must not make moves wait for a refresh that they never
    schedule the same way.
    """
    try:
        from ipykernel.kernelbase import Kernel
    except ImportError:
        return None
    if not Kernel.initialized():
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def widget_backend_active() -> bool:
    """Whether figures are live ipympl widgets (``%matplotlib widget``)."""
    return "ipympl" in matplotlib.get_backend() or matplotlib.get_backend() == "widget"


# ----------------------------------------------------------------------------------------
# Views: how each kind of plot part is built on an Axes and fed a result.


class _View:
    """Adapts a plot part to the panel: build once, then ``show(panel)`` on every move."""

    def __init__(self, part):
        self.part = part

    def show(self, panel: Panel) -> None:
        self.part._set(panel.result)

    def show_epoch(self, panel: Panel, epoch: int) -> None:
        """Scrub to an epoch of the current run (no retraining)."""


class _BoundaryView(_View):
    def __init__(self, ax, panel):
        super().__init__(
            plots.DecisionBoundary(
                ax,
                panel.data,
                None,
                show_misclassified=panel.show_misclassified,
                threshold=panel.decision_threshold(),
            )
        )
        self._data = panel.data

    def show(self, panel):
        if panel.data is not self._data:
            self.part.set_data(panel.data, draw=False)
            self._data = panel.data
        self.part.set_threshold(panel.decision_threshold(), draw=False)
        self.part._set(panel.result)

    def show_epoch(self, panel, epoch):
        self.part._set(panel.result, epoch)


class _CurveView(_View):
    def show_epoch(self, panel, epoch):
        self.part.set_cursor(epoch)

    def show(self, panel):
        self.part._set(panel.result)
        self.part.set_cursor(None)


class _WeightsView(_View):
    def show_epoch(self, panel, epoch):
        self.part._set(panel.result, epoch)


class _ScheduleView(_View):
    def show(self, panel):
        result = panel.result
        steps = max(result.config.epochs * result.steps_per_epoch, 2)
        self.part._set(result.config.schedule, result.config.learning_rate, steps)


class _SurfaceView(_View):
    def show_epoch(self, panel, epoch):
        self.part._set(panel.result, epoch)


class _NeuronView(_View):
    def show_epoch(self, panel, epoch):
        self.part._set(panel.result, epoch)


class _SweepView(_View):
    def show(self, panel):
        if panel.sweep_results:
            self.part._set(panel.sweep_results)
        field = panel.sweep_axis()[0] if panel.sweep_axis() else None
        if field:
            self.part._set_current(getattr(panel.config, field))


def _make_view(kind: str, ax, panel: Panel) -> _View:
    if kind == "boundary":
        return _BoundaryView(ax, panel)
    if kind == "loss":
        return _CurveView(plots.LossCurves(ax, None))
    if kind == "loss_log":
        return _CurveView(plots.LossCurves(ax, None, log_y=True))
    if kind == "accuracy":
        return _CurveView(plots.AccuracyCurves(ax, None))
    if kind == "weights":
        return _WeightsView(plots.WeightHistogram(ax, None, symlog=True))
    if kind == "schedule":
        return _ScheduleView(plots.ScheduleCurve(ax, None))
    if kind == "surface":
        return _SurfaceView(plots.LossSurface(ax, panel.data))
    if kind == "neurons":
        return _NeuronView(plots.NeuronThumbnails(ax, None))
    if kind == "sweep":
        axis = panel.sweep_axis()
        if axis is None:
            raise ValueError("A 'sweep' plot needs a slider over l1, l2, dropout, … to sweep.")
        return _SweepView(plots.SweepCurve(ax, [], axis[0]))
    raise ValueError(
        f"Unknown plot kind. Expected one of {', '.join(PLOT_KINDS)}. Received: {kind!r}"
    )


PLOT_KINDS = (
    "boundary",
    "loss",
    "loss_log",
    "accuracy",
    "weights",
    "schedule",
    "surface",
    "sweep",
    "neurons",
)


# ----------------------------------------------------------------------------------------


class Panel:
    """A live lesson panel: controls that retrain, plots that follow, a status line.

    Args:
        data: a dict of dataset settings (``dataset``, ``n_samples``, ``noise``,
            ``val_fraction``, ``data_seed``, ``imbalance``, ``features``, ``train_size``)
            or a `Dataset`.
        config: the starting `TrainConfig`.
        controls: the `Control` knobs, in display order. Their starting values are read
            from ``config`` and ``data``.
        plots: plot kinds, left to right: ``"boundary"``, ``"loss"``, ``"loss_log"``,
            ``"accuracy"``, ``"weights"``, ``"schedule"``, ``"surface"``, ``"sweep"``.
        title: a heading shown above the controls.
        hidden: fields whose controls are not shown (teacher mode).
        locked: fields whose controls are shown but cannot be moved (teacher mode).
        precompute: train every value of the sweep slider ahead, so dragging it is
            instant (the first sweepable slider unless ``sweep_field`` names another).
        engine: what trains (anything with ``train`` and ``sweep`` like
            `tunelab.training`); tests inject a failing one.

    Example:
        >>> panel = Panel({"dataset": "moons"}, TrainConfig(hidden=(16, 16)),
        ...               [Control("l2", log_values(1e-5, 0.1, zero=True), "L2 strength λ")])
    """

    registry: ClassVar[dict[str, type[Panel]]] = {}
    #: Mark misclassified points with ✕ on the decision boundary.
    show_misclassified: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Panel.registry[cls.__name__] = cls

    def __init__(
        self,
        data: dict | Dataset | None = None,
        config: TrainConfig | None = None,
        controls: Sequence[Control] = (),
        plots: Sequence[str] = ("boundary", "loss"),
        *,
        title: str = "",
        hidden: Sequence[str] = (),
        locked: Sequence[str] = (),
        precompute: bool = True,
        sweep_field: str | None = None,
        engine: Any = None,
        figsize: tuple[float, float] | None = None,
    ):
        self.engine = engine or default_engine
        self.base_config = config or TrainConfig()
        if not isinstance(self.base_config, TrainConfig):
            raise TypeError(
                f"Expected `config` to be a TrainConfig. Received: {type(config).__name__}"
            )
        self._fixed_dataset = data if isinstance(data, Dataset) else None
        self.base_data = dict(DEFAULT_DATA)
        if isinstance(data, dict):
            unknown = set(data) - set(DEFAULT_DATA)
            if unknown:
                raise ValueError(
                    f"Unknown data settings {sorted(unknown)}. Allowed: {sorted(DEFAULT_DATA)}"
                )
            self.base_data.update(data)
        elif data is not None and self._fixed_dataset is None:
            raise TypeError(
                f"Expected `data` to be a dict of dataset settings or a Dataset. "
                f"Received: {type(data).__name__}"
            )
        self.controls = {c.field: c for c in controls}
        if len(self.controls) != len(controls):
            raise ValueError("Expected each control to drive a different field.")
        for name in (*hidden, *locked):
            if name not in self.controls:
                raise ValueError(
                    f"Cannot hide or lock {name!r}: the panel's controls are "
                    f"{sorted(self.controls)}"
                )
        self.hidden, self.locked = tuple(hidden), tuple(locked)
        self.title = title
        self.precompute = precompute
        self._sweep_field = sweep_field or next(
            (c.field for c in controls if c.kind == "slider" and c.field in SWEEP_AXES), None
        )
        self.values = {
            field: self._initial_value(control) for field, control in self.controls.items()
        }
        self._start_values = dict(self.values)
        self._good_values = dict(self.values)
        self._datasets: dict[tuple, Dataset] = {}
        self.result: TrainResult | None = None
        self.sweep_results: list[TrainResult] | None = None
        self.trainings = 0
        self.last_latency_ms: float | None = None
        self._pending: str | None = None
        self._scheduled = False
        self._syncing = False

        self.data, self.config = self._resolve(self.values)
        self._build_widgets()
        self._build_figure(tuple(plots), figsize)
        self._refresh(changed=None)

    # ------------------------------------------------------------------ settings model

    def _initial_value(self, control: Control) -> Any:
        field = control.field
        if field in CONFIG_FIELDS:
            value = getattr(self.base_config, field)
        elif field in DATA_FIELDS:
            value = self.base_data.get(field)
            if field == "dataset" and self._fixed_dataset is not None:
                value = self._fixed_dataset.name
        else:
            value = self.initial_custom_value(field)
        return control.choices[control.index_of(value)]

    def initial_custom_value(self, field: str) -> Any:
        """Starting value of a control that is neither a config nor a data field."""
        raise ValueError(
            f"Control {field!r} drives neither a TrainConfig field nor a data setting; "
            "a Panel subclass must interpret it (override compose and initial_custom_value)."
        )

    def compose(self, values: dict[str, Any]) -> tuple[dict, TrainConfig]:
        """Turn control values into (data settings, TrainConfig). Subclasses extend it."""
        config_changes = {k: v for k, v in values.items() if k in CONFIG_FIELDS}
        data = dict(self.base_data)
        data.update({k: v for k, v in values.items() if k in DATA_FIELDS})
        return data, dataclasses.replace(self.base_config, **config_changes)

    def sweep_axis(self) -> tuple[str, list] | None:
        """The config field precomputed for every position of the sweep slider."""
        if self._sweep_field is None:
            return None
        return self._sweep_field, list(self.controls[self._sweep_field].choices)

    def dataset_for(self, settings: dict) -> Dataset:
        """The `Dataset` for data settings from `compose`, loaded once and then reused.

        Subclasses that change the data itself (augmented copies, say) override this and
        call ``super().dataset_for(...)`` for the untouched set.
        """
        if self._fixed_dataset is not None:
            return self._fixed_dataset
        key = tuple(sorted((k, repr(v)) for k, v in settings.items()))
        if key not in self._datasets:
            data = load_dataset(
                settings["dataset"],
                n_samples=settings["n_samples"],
                noise=settings["noise"],
                val_fraction=settings["val_fraction"],
                seed=settings["data_seed"],
                imbalance=settings["imbalance"],
                features=settings["features"],
            )
            if settings["train_size"] is not None:
                data = data.with_train_size(min(settings["train_size"], len(data.y_train)))
            self._datasets[key] = data
        return self._datasets[key]

    def _resolve(self, values: dict) -> tuple[Dataset, TrainConfig]:
        settings, config = self.compose(values)
        return self.dataset_for(settings), config

    # ------------------------------------------------------------------ widgets

    def _build_widgets(self) -> None:
        self.widgets: dict[str, widgets.ValueWidget] = {}
        for field, control in self.controls.items():
            widget = control.build(self.values[field])
            widget.disabled = field in self.locked
            if field in self.hidden:
                widget.layout.display = "none"
            widget.observe(lambda change, f=field: self._on_change(f, change), names="value")
            self.widgets[field] = widget
        self.status = widgets.HTML(layout=widgets.Layout(min_height="28px"))
        self.epoch_slider = widgets.IntSlider(
            description="Epoch",
            min=0,
            max=1,
            value=1,
            continuous_update=True,
            style={"description_width": "60px"},
            layout=widgets.Layout(width="380px"),
        )
        self.play = widgets.Play(min=0, max=1, value=1, interval=120, description="Play")
        widgets.jslink((self.play, "value"), (self.epoch_slider, "value"))
        self.epoch_slider.observe(self._on_epoch, names="value")
        self.reset_button = widgets.Button(
            description="Reset", icon="undo", tooltip="Back to the starting settings"
        )
        self.reset_button.on_click(lambda _: self.reset())
        self.settings_text = widgets.Text(
            description="Settings",
            disabled=False,
            layout=widgets.Layout(width="520px"),
            style={"description_width": "60px"},
        )

    def _build_figure(self, kinds: tuple[str, ...], figsize) -> None:
        for kind in kinds:
            if kind not in PLOT_KINDS:
                raise ValueError(
                    f"Unknown plot kind. Expected one of {', '.join(PLOT_KINDS)}. "
                    f"Received: {kind!r}"
                )
        size = figsize or (3.6 * len(kinds) + 0.4, 3.3)
        # ipympl shows every figure made while interactive mode is on; the panel shows
        # its figure inside its own layout, so make it with interactive mode off.
        with plt.ioff():
            self.figure, axes = plots.new_figure(1, len(kinds), figsize=size, squeeze=False)
        self.views = [_make_view(kind, ax, self) for kind, ax in zip(kinds, axes[0], strict=True)]
        self.plot_kinds = kinds
        canvas = self.figure.canvas
        if isinstance(canvas, widgets.DOMWidget):
            self.canvas_widget = canvas
        else:
            self.canvas_widget = widgets.Output()
        rows = []
        if self.title:
            rows.append(widgets.HTML(f"<b>{html.escape(self.title)}</b>"))
        rows.append(widgets.HTML(_STYLE))
        rows.append(self.controls_box())
        rows.append(self.canvas_widget)
        rows.append(self.status)
        rows.append(widgets.HBox(self.timeline_widgets()))
        rows.append(self.settings_text)
        self.layout = widgets.VBox(rows)

    def controls_box(self) -> widgets.Box:
        """How the controls are laid out (one per row; subclasses may use a grid)."""
        return widgets.VBox(list(self.widgets.values()))

    def timeline_widgets(self) -> list[widgets.Widget]:
        """The row under the status line: Play, the epoch slider and Reset."""
        return [self.play, self.epoch_slider, self.reset_button]

    def _ipython_display_(self):
        from IPython.display import display

        if not isinstance(self.canvas_widget, widgets.DOMWidget):
            with self.canvas_widget:
                display(self.figure)
        display(self.layout)

    # ------------------------------------------------------------------ events

    def _on_change(self, field: str, change: dict) -> None:
        if self._syncing:
            return
        self.values[field] = change["new"]
        self._request(field)

    def _request(self, changed: str) -> None:
        loop = _kernel_loop()
        if loop is None:
            self._refresh(changed)
            return
        # In a kernel: keep only the newest move; one refresh runs after the burst.
        self._pending = changed if self._pending in (None, changed) else "*"
        if not self._scheduled:
            self._scheduled = True
            loop.call_later(COALESCE_SECONDS, self._flush)

    def _flush(self) -> None:
        changed, self._pending, self._scheduled = self._pending, None, False
        if changed is not None:
            self._refresh(changed)

    def set(self, **values: Any) -> TrainResult | None:
        """Move controls from code and refresh at once.

        Example:
            >>> panel.set(dropout=0.5)
            >>> panel.status_text
        """
        for field, value in values.items():
            if field not in self.controls:
                raise ValueError(
                    f"Unknown control {field!r}. This panel's controls: {sorted(self.controls)}"
                )
            control = self.controls[field]
            self.values[field] = control.choices[control.index_of(value)]
        self._sync_widgets()
        self._refresh("*" if len(values) != 1 else next(iter(values)), from_code=True)
        return self.result

    def reset(self) -> None:
        """Back to the starting settings."""
        self.values = dict(self._start_values)
        self._sync_widgets()
        self._refresh("*", from_code=True)

    def _sync_widgets(self) -> None:
        self._syncing = True
        try:
            for field, widget in self.widgets.items():
                widget.index = self.controls[field].index_of(self.values[field])
        finally:
            self._syncing = False

    def _refresh(self, changed: str | None, *, from_code: bool = False) -> None:
        start = time.perf_counter()
        try:
            data, config = self._resolve(self.values)
            axis = self.sweep_axis()
            if self.precompute and axis is not None and changed != axis[0]:
                self._precompute(data, config, axis)
            result = self.engine.train(data, config)
            self.trainings += 1
        except Exception as exc:  # shown in the panel; the last good picture stays
            self._restore_good_values()
            self._set_status(f"{type(exc).__name__}: {exc}", "error")
            return
        except KeyboardInterrupt:
            # The kernel's interrupt button: keep the last good picture and stay usable.
            self._restore_good_values()
            self._set_status(
                "Interrupted: the last picture is kept. Move a control to go on.", "warn"
            )
            if from_code:
                raise
            return
        self.data, self.config, self.result = data, config, result
        self._good_values = dict(self.values)
        self._draw()
        self.last_latency_ms = 1000 * (time.perf_counter() - start)
        self._set_status(*self.describe(result))

    def _restore_good_values(self) -> None:
        self.values = dict(self._good_values)
        self._sync_widgets()

    def _precompute(self, data: Dataset, config: TrainConfig, axis: tuple[str, list]) -> None:
        field, choices = axis
        configs = [dataclasses.replace(config, **{field: v}) for v in choices]
        cached = getattr(self.engine, "is_cached", None)
        missing = len(configs) if cached is None else sum(not cached(data, c) for c in configs)
        if missing:
            self._set_status(f"training {missing} settings…", "busy")
        self.sweep_results = self.engine.sweep(data, config, **{field: choices})

    def _draw(self) -> None:
        with plots.held_draws(self.figure):
            for view in self.views:
                view.show(self)
        self._sync_timeline()
        self.figure.canvas.draw_idle()
        self.settings_text.value = self.settings

    def _sync_timeline(self) -> None:
        last = max(self.result.epochs_run, 1)
        self._syncing = True
        try:
            for w in (self.play, self.epoch_slider):
                w.max = last
                w.value = last
            step = max(1, last // max(1, self.config.snapshots))
            self.play.step = step
            self.epoch_slider.step = 1
        finally:
            self._syncing = False

    def _on_epoch(self, change: dict) -> None:
        if self._syncing or self.result is None:
            return
        self.show_epoch(change["new"])

    def show_epoch(self, epoch: int) -> None:
        """Scrub through the current run: surfaces and cursors at ``epoch``, no training."""
        try:
            with plots.held_draws(self.figure):
                for view in self.views:
                    view.show_epoch(self, int(epoch))
            self.figure.canvas.draw_idle()
        except Exception as exc:
            self._set_status(f"{type(exc).__name__}: {exc}", "error")

    def decision_threshold(self) -> float | None:
        """The threshold the boundary plot draws as a dashed line; None draws none."""
        return None

    # ------------------------------------------------------------------ status

    def describe(self, result: TrainResult) -> tuple[str, str]:
        """The status line for a result, and its style (``""`` or ``"warn"``)."""
        config = result.config
        if result.diverged_at is not None:
            name = OPTIMIZER_NAMES[config.optimizer]
            return (
                f"Diverged at epoch {result.diverged_at}: the learning rate "
                f"{config.learning_rate:g} is too high for {name}. Lower it.",
                "warn",
            )
        ms = 1000 * result.seconds
        parts = [f"{result.epochs_run} epochs in {ms:.0f} ms"]
        # A cached result keeps its note: its time includes compiling whenever it is shown.
        if result.compiled:
            parts[0] += " (first run of this network shape, compiling included)"
        if result.task != "regression":
            parts.append(f"val acc {result.final('val_acc'):.2f}")
        else:
            parts.append(f"val loss {result.final('val_loss'):.3f}")
        parts.append(f"gap {result.gap:+.2f}")
        if result.stopped_at is not None:
            parts.append(f"early stop at {result.stopped_at} (best {result.best_epoch})")
        return " · ".join(parts), ""

    def _set_status(self, text: str, style: str = "") -> None:
        if not widget_backend_active():
            text += (
                " — figures are static: run `%matplotlib widget` in a cell above, "
                "then re-run this one."
            )
            style = style or "warn"
        self.status_text = text
        self.status.value = f'<div class="tunelab-status {style}">{html.escape(text)}</div>'

    # ------------------------------------------------------------------ sharing

    @property
    def settings(self) -> str:
        """A short URL-safe string of every control position; `from_settings` restores it."""
        payload = {
            "v": SETTINGS_VERSION,
            "panel": type(self).__name__,
            "values": {f: self.controls[f].index_of(v) for f, v in self.values.items()},
        }
        if self.hidden:
            payload["hidden"] = list(self.hidden)
        if self.locked:
            payload["locked"] = list(self.locked)
        raw = json.dumps(payload, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @staticmethod
    def decode_settings(settings: str) -> dict:
        """Parse a settings string (base64 JSON; never evaluated or unpickled)."""
        if not isinstance(settings, str):
            raise TypeError(
                f"Expected `settings` to be a string. Received: {type(settings).__name__}"
            )
        try:
            raw = base64.urlsafe_b64decode(settings + "=" * (-len(settings) % 4))
            payload = json.loads(raw.decode())
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValueError(
                f"Expected `settings` to be a string from `panel.settings`: {exc}"
            ) from None
        if not isinstance(payload, dict) or payload.get("v") != SETTINGS_VERSION:
            raise ValueError("Expected `settings` from this version of tunelab.")
        values = payload.get("values")
        if not isinstance(values, dict) or not all(
            isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
            for k, v in values.items()
        ):
            raise ValueError("Expected `settings` to hold control positions as integers.")
        for key in ("hidden", "locked"):
            if not all(isinstance(x, str) for x in payload.get(key, [])):
                raise ValueError(f"Expected `{key}` in settings to be a list of names.")
        return payload

    def apply_settings(self, settings: str) -> None:
        """Move every control to the positions a settings string records."""
        payload = self.decode_settings(settings)
        values = {}
        for field, index in payload["values"].items():
            if field not in self.controls:
                raise ValueError(f"Settings name a control this panel lacks: {field!r}")
            choices = self.controls[field].choices
            if not 0 <= index < len(choices):
                raise ValueError(f"Settings position {index} is out of range for {field!r}")
            values[field] = choices[index]
        self.values.update(values)
        self._sync_widgets()
        self._refresh("*", from_code=True)

    @classmethod
    def from_settings(cls, settings: str, **kwargs: Any) -> Panel:
        """Rebuild a ready-made panel exactly as `settings` recorded it.

        Example:
            >>> shared = DropoutPanel().settings
            >>> DropoutPanel.from_settings(shared)
        """
        payload = cls.decode_settings(settings)
        target = Panel.registry.get(payload.get("panel"))
        if cls is Panel:
            if target is None:
                raise ValueError(f"Unknown panel in settings: {payload.get('panel')!r}")
            cls = target
        elif target is not cls:
            raise ValueError(f"These settings are for {payload.get('panel')}, not {cls.__name__}.")
        kwargs.setdefault("hidden", payload.get("hidden", ()))
        kwargs.setdefault("locked", payload.get("locked", ()))
        panel = cls(**kwargs)
        panel.apply_settings(settings)
        return panel


Callback = Callable[[Panel], None]
