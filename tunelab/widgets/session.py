"""`Session`: from control values to a trained `TrainResult` and what to show of it.

The flow of one move::

    Controls ─► Session.request(field)          (coalesced inside a Jupyter kernel)
             ─► compose(values) ─► (data settings, TrainConfig)      (public hook)
             ─► dataset_for(settings) ─► Dataset                     (memoised)
             ─► engine.sweep over sweep_axis(...) ─► engine.train     (cache hits once swept)
             ─► every listener gets a `View` ─► status line from describe(result)

A subclass customises the public hooks (`compose`, `dataset_for`, `sweep_axis`,
`describe`, `threshold`); it never needs to touch the refresh itself. Errors never
escape a move: the status says what went wrong, the controls go back to the last good
values and the last good picture stays.
"""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from tunelab.datasets import Dataset, load_dataset
from tunelab.plots import View
from tunelab.training import TrainConfig, TrainResult
from tunelab.training import engine as default_engine
from tunelab.training.engine import SWEEP_AXES
from tunelab.widgets.controls import CONFIG_FIELDS, DATA_FIELDS, Controls

# Moves that follow a refresh closely (a drag) wait this long, so that every value message
# already queued in the kernel is read first and only the newest one is trained and drawn;
# a move after a pause of `IDLE_SECONDS` refreshes as soon as its message is handled.
COALESCE_SECONDS = 0.01
IDLE_SECONDS = 0.1
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


def kernel_loop() -> asyncio.AbstractEventLoop | None:
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


class Session:
    """Turns control values into a `(Dataset, TrainConfig)` and then a `TrainResult`.

    Args:
        data: a dict of dataset settings (``dataset``, ``n_samples``, ``noise``,
            ``val_fraction``, ``data_seed``, ``imbalance``, ``features``, ``train_size``)
            or a `Dataset`.
        config: the starting `TrainConfig`.
        controls: the `Controls` it follows. Controls without a starting value take it
            from ``config`` and ``data``.
        precompute: train every value of the sweep slider ahead (one `sweep` call), so
            dragging it reads the cache.
        sweep_field: the slider to precompute (default: the first slider over a
            sweepable field: l1, l2, dropout, learning_rate, weight_decay, seed).
        engine: what trains (anything with ``train``, ``sweep`` and optionally
            ``is_cached``, like `tunelab.training.engine`).
        event_loop: the loop that coalesces moves; default: the running Jupyter
            kernel's, and outside a kernel every move refreshes at once.
        show_first: on a widget move, draw the chosen position before precomputing its
            slider's other positions (default: when the engine can compile ahead, with
            ``warm_up``, so that the chosen position never waits for a compiler).

    Example:
        >>> controls = Controls(l2=Control([0.0, 1e-4, 1e-3], "L2 strength λ"))
        >>> session = Session({"dataset": "moons"}, TrainConfig(hidden=(16, 16)), controls)
        >>> session.result.final("val_loss")
    """

    def __init__(
        self,
        data: Mapping[str, Any] | Dataset | None = None,
        config: TrainConfig | None = None,
        controls: Controls | None = None,
        *,
        precompute: bool = True,
        sweep_field: str | None = None,
        engine: Any = None,
        event_loop: asyncio.AbstractEventLoop | None = None,
        show_first: bool | None = None,
    ):
        self.engine = engine or default_engine
        self.base_config = TrainConfig() if config is None else config
        if not isinstance(self.base_config, TrainConfig):
            raise TypeError(
                f"Expected `config` to be a TrainConfig. Received: {type(config).__name__}"
            )
        self.fixed_dataset = data if isinstance(data, Dataset) else None
        self.base_data = dict(DEFAULT_DATA)
        if isinstance(data, Mapping):
            unknown = set(data) - set(DEFAULT_DATA)
            if unknown:
                raise ValueError(
                    f"Unknown data settings {sorted(unknown)}. Allowed: {sorted(DEFAULT_DATA)}"
                )
            self.base_data.update(data)
        elif data is not None and self.fixed_dataset is None:
            raise TypeError(
                f"Expected `data` to be a dict of dataset settings or a Dataset. "
                f"Received: {type(data).__name__}"
            )
        self.controls = Controls() if controls is None else controls
        if sweep_field is not None and sweep_field not in self.controls:
            raise ValueError(
                f"Expected `sweep_field` to be one of the controls {sorted(self.controls)}. "
                f"Received: {sweep_field!r}"
            )
        self.precompute = precompute
        self.sweep_field = sweep_field or next(
            (
                f
                for f, c in self.controls.items()
                if c.kind == "slider" and f in SWEEP_AXES and f in CONFIG_FIELDS
            ),
            None,
        )
        self.event_loop = event_loop
        self.show_first = hasattr(self.engine, "warm_up") if show_first is None else show_first
        self._warmed = False
        self.controls.start({f: self._initial_value(f) for f in self.controls.missing()})
        self.start_values = self.controls.values
        self._good_values = self.controls.values
        self._datasets: dict[tuple, Dataset] = {}
        self._listeners: list[Callable[[View], None]] = []
        self._status_listeners: list[Callable[[str, str], None]] = []
        self.result: TrainResult | None = None
        self.sweep_results: list[TrainResult] | None = None
        self._sweep_key: tuple | None = None
        self._generation = 0
        self.last_changed: str | None = None
        self.trainings = 0
        self.last_latency_ms: float | None = None
        self.status_text, self.status_style = "", ""
        self._pending: str | None = None
        self._scheduled = False
        self._refreshed_at = -math.inf  # when the last widget move's refresh ended
        #: True while a learner's widget move refreshes (not a move from code).
        self.widget_move = False
        self.data, self.config = self.resolve(self.controls.values)
        self.controls.observe(self._on_controls)

    # ------------------------------------------------------------------ public hooks

    def compose(self, values: Mapping[str, Any]) -> tuple[dict | Dataset, TrainConfig]:
        """Turn control values into (data settings, TrainConfig). Subclasses extend it."""
        config_changes = {k: v for k, v in values.items() if k in CONFIG_FIELDS}
        config = dataclasses.replace(self.base_config, **config_changes)
        if self.fixed_dataset is not None:
            return self.fixed_dataset, config
        settings = dict(self.base_data)
        settings.update({k: v for k, v in values.items() if k in DATA_FIELDS})
        return settings, config

    def dataset_for(self, settings: Mapping[str, Any] | Dataset) -> Dataset:
        """The `Dataset` for data settings from `compose`, loaded once and then reused."""
        if isinstance(settings, Dataset):
            return settings
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
                data = data.with_train_size(settings["train_size"])
            self._datasets[key] = data
        return self._datasets[key]

    def sweep_axis(self, values: Mapping[str, Any]) -> tuple[str, list] | None:
        """The config field trained ahead for every position of its slider, or None."""
        if self.sweep_field is None:
            return None
        return self.sweep_field, list(self.controls[self.sweep_field].choices)

    def describe(self, result: TrainResult) -> tuple[str, str]:
        """The status line for a result, and its style (``""`` or ``"warn"``)."""
        return result.summary(), "" if result.diverged_at is None else "warn"

    def threshold(self, values: Mapping[str, Any]) -> float | None:
        """A decision threshold for the boundary plot to draw; None draws none."""
        return None

    # ------------------------------------------------------------------ the flow

    def resolve(self, values: Mapping[str, Any]) -> tuple[Dataset, TrainConfig]:
        """(Dataset, TrainConfig) for control values, without training."""
        settings, config = self.compose(values)
        return self.dataset_for(settings), config

    def view(self, epoch: int | None = None) -> View:
        """What the parts draw for the current result (at ``epoch``, or the end)."""
        axis = self.sweep_axis(self.controls.values)
        return View(
            result=self.result,
            data=self.data,
            epoch=epoch,
            sweep=tuple(self.sweep_results) if self.sweep_results else None,
            sweep_field=axis[0] if axis else None,
            threshold=self.threshold(self.controls.values),
        )

    def observe(self, listener: Callable[[View], None]) -> None:
        """Call ``listener(view)`` after every successful refresh."""
        self._listeners.append(listener)

    def observe_status(self, listener: Callable[[str, str], None]) -> None:
        """Call ``listener(text, style)`` whenever the status line changes."""
        self._status_listeners.append(listener)

    def set_status(self, text: str, style: str = "") -> None:
        """Show ``text`` in the status line (style ``""``, ``"warn"``, ``"error"``, ``"busy"``)."""
        self.status_text, self.status_style = text, style
        for listener in list(self._status_listeners):
            listener(text, style)

    def request(self, changed: str) -> None:
        """A move of ``changed``: inside a kernel only the newest move of a burst refreshes.

        The refresh runs once the kernel has handled the message in hand: at once after a
        pause, `COALESCE_SECONDS` later during a drag, so a drag never builds a backlog of
        stale pictures and its last position is always the one drawn.
        """
        loop = self.event_loop or kernel_loop()
        if loop is None:
            self._widget_refresh(changed)
            return
        self._pending = changed if self._pending in (None, changed) else "*"
        if not self._scheduled:
            self._scheduled = True
            if time.perf_counter() - self._refreshed_at > IDLE_SECONDS:
                loop.call_soon(self._flush)
            else:
                loop.call_later(COALESCE_SECONDS, self._flush)

    def refresh(
        self, changed: str | None = None, *, from_code: bool = False, ahead_later: bool = False
    ) -> None:
        """Train (or read the cache) for the current values and tell the listeners.

        Args:
            changed: the control that moved (``"*"`` for several, None for none).
            from_code: the move came from code (`Controls.set`); an interrupt re-raises.
            ahead_later: show the chosen position first and precompute the sweep slider's
                other positions afterwards, in idle time, dropping that work if the
                learner has moved on by then (what a widget move does inside a kernel).
        """
        start = time.perf_counter()
        self.last_changed = changed
        self._generation += 1
        values = self.controls.values
        try:
            data, config = self.resolve(values)
            axis = self.sweep_axis(values) if self.precompute else None
            sweep_key, sweep_results = (None, None) if axis is None else self._sweep_in_hand(
                data, config, axis
            )  # fmt: skip
            ahead = None
            if axis is not None and sweep_results is None:
                if ahead_later:
                    ahead = (data, config, axis)
                else:
                    sweep_key, sweep_results = self._sweep(data, config, axis)
            result = self.engine.train(data, config)
            self.trainings += 1
        except Exception as exc:  # shown in the panel; the last good picture stays
            self.controls.restore(self._good_values)
            self.set_status(f"{type(exc).__name__}: {exc}", "error")
            return
        except KeyboardInterrupt:
            # The kernel's interrupt button: keep the last good picture and stay usable.
            self.controls.restore(self._good_values)
            self.set_status(
                "Interrupted: the last picture is kept. Move a control to go on.", "warn"
            )
            if from_code:
                raise
            return
        self.data, self.config, self.result = data, config, result
        self.sweep_results, self._sweep_key = sweep_results, sweep_key  # None while ahead waits
        self._good_values = values
        self._notify()
        self.last_latency_ms = 1000 * (time.perf_counter() - start)
        self.set_status(*self.describe(result))
        if not self._warmed:
            self._warmed = True
            self.warm_up()
        if ahead is not None:
            loop = self.event_loop or kernel_loop()
            if loop is None:
                self._ahead(ahead, self._generation)
            else:
                loop.call_later(COALESCE_SECONDS, self._ahead, ahead, self._generation)

    def warm_up(self) -> None:
        """Ask the engine to compile, in the background, the single run and the sweep of
        the current settings, so the next move's picture never waits for a compiler.

        Only the current settings: with the engine's padded shapes most values a panel
        offers share those compiled functions, and compiling every one ahead would
        compete with the learner's own moves on a small machine. An engine without
        ``warm_up`` skips this.
        """
        warm = getattr(self.engine, "warm_up", None)
        if warm is None or self.result is None:
            return
        axis = self.sweep_axis(self.controls.values) if self.precompute else None
        try:
            warm(self.data, self.config, settings=(1, len(axis[1])) if axis else (1,))
        except Exception:  # compiling ahead is an optimisation; a panel never fails on it
            return

    def reset(self) -> None:
        """Back to the starting values."""
        self.controls.restore(self.start_values)
        self.refresh("*", from_code=True)

    # ------------------------------------------------------------------ internals

    def _on_controls(self, changed: str, from_code: bool) -> None:
        if from_code:
            self.refresh(changed, from_code=True)
        else:
            self.request(changed)

    def _flush(self) -> None:
        changed, self._pending, self._scheduled = self._pending, None, False
        if changed is not None:
            self._widget_refresh(changed, ahead_later=self.show_first)

    def _widget_refresh(self, changed: str, ahead_later: bool = False) -> None:
        self.widget_move = True
        try:
            self.refresh(changed, ahead_later=ahead_later)
        finally:
            self.widget_move = False
            self._refreshed_at = time.perf_counter()

    def _notify(self) -> None:
        view = self.view()
        for listener in list(self._listeners):
            listener(view)

    def _sweep_in_hand(self, data: Dataset, config: TrainConfig, axis: tuple[str, list]):
        """(key, results) of the sweep for these settings if it is already in hand."""
        field, choices = axis
        key = (data, field, dataclasses.replace(config, **{field: choices[0]}), tuple(choices))
        if self.sweep_results and key == self._sweep_key:
            return key, self.sweep_results
        return key, None

    def _missing(self, data: Dataset, config: TrainConfig, axis: tuple[str, list]) -> int:
        """How many of the sweep's settings are not in the engine's cache."""
        field, choices = axis
        cached = getattr(self.engine, "is_cached", None)
        if cached is None:
            return len(choices)
        return sum(not cached(data, dataclasses.replace(config, **{field: v})) for v in choices)

    def _sweep(self, data: Dataset, config: TrainConfig, axis: tuple[str, list]):
        field, choices = axis
        missing = self._missing(data, config, axis)
        if missing:
            self.set_status(f"training {missing} settings…", "busy")
        key = self._sweep_in_hand(data, config, axis)[0]
        return key, self.engine.sweep(data, config, **{field: choices})

    def _ahead(self, ahead: tuple, generation: int, compile_here: bool = False) -> None:
        """Precompute the sweep for a position already shown, unless the learner moved on.

        A sweep that must train (some of its results are not cached) and whose shape is
        not compiled yet is compiled by the engine's background warm-up first
        (`engine.warm_up`), and precomputed once that is done: compiling on the kernel's
        thread would hold the learner's next move for seconds.
        """
        if generation != self._generation or self._pending is not None:
            return
        loop = self.event_loop or kernel_loop()
        ready = getattr(self.engine, "is_compiled_for", None)
        warm = getattr(self.engine, "warm_up", None)
        data, config, axis = ahead
        if not compile_here and loop is not None and ready and warm:
            settings = len(axis[1])
            try:
                waiting = self._missing(*ahead) and not ready(data, config, settings=settings)
                done = warm(data, config, settings=(settings,)) if waiting else None
            except Exception:
                done = None
            if done is not None:
                self._when_compiled(done, ahead, generation, loop)
                return
        try:
            self._sweep_key, self.sweep_results = self._sweep(*ahead)
        except Exception as exc:  # the picture of the chosen position stays
            self.set_status(f"Precomputing failed: {type(exc).__name__}: {exc}", "error")
            return
        self._notify()
        self.set_status(*self.describe(self.result))

    def _when_compiled(self, done, ahead: tuple, generation: int, loop) -> None:
        """Precompute once the background compilation ``done`` is set (checked every 50 ms);
        drop it if the learner has moved on meanwhile."""
        if generation != self._generation:
            return
        if done.is_set():
            self._ahead(ahead, generation, compile_here=True)
        else:
            loop.call_later(0.05, self._when_compiled, done, ahead, generation, loop)

    def _initial_value(self, field: str) -> Any:
        if field in CONFIG_FIELDS:
            return getattr(self.base_config, field)
        if field == "dataset" and self.fixed_dataset is not None:
            return self.fixed_dataset.name
        if field in DATA_FIELDS:
            return self.base_data.get(field)
        raise ValueError(
            f"Control {field!r} drives neither a TrainConfig field nor a data setting: "
            "give its starting value (Controls(..., values={...})) and interpret it in a "
            "Session subclass's compose."
        )
