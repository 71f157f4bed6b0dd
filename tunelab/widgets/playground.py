"""`Playground`: every knob at once, in the spirit of TensorFlow Playground.

On top of a `Panel` it adds: Step (advance the timeline by a chunk of epochs), an epoch
counter, per-unit thumbnails of the first hidden layer, export of the trained network to
a ``.keras`` file, and a precomputed sweep that follows the slider you last dragged.
"""

from __future__ import annotations

import os
from pathlib import Path

import ipywidgets as widgets

from tunelab.training import TrainConfig, save_keras
from tunelab.training.engine import SWEEP_AXES
from tunelab.widgets.controls import Control
from tunelab.widgets.panel import Panel
from tunelab.widgets.panels import SCHEDULES
from tunelab.widgets.session import Session

FEATURE_SETS = [
    ("x₁, x₂", ("x1", "x2")),
    ("+ squares", ("x1", "x2", "x1^2", "x2^2")),
    ("+ product", ("x1", "x2", "x1*x2")),
    ("+ sines", ("x1", "x2", "sin(x1)", "sin(x2)")),
    ("all seven", ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")),
]
NETWORKS = [
    ("linear", ()),
    ("1×4", (4,)),
    ("1×8", (8,)),
    ("2×8", (8, 8)),
    ("2×16", (16, 16)),
    ("3×16", (16, 16, 16)),
    ("2×64", (64, 64)),
]
#: Eight strengths, as the learning rate has eight and dropout seven: every slider's
#: precomputed sweep then trains as one batch of 8 settings, one compiled shape for all.
REGULARIZATION = [0.0, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]


def playground_controls() -> list[Control]:
    """Every knob of the playground, in display order."""
    return [
        Control("dataset", ["moons", "circles", "xor", "gauss", "spiral", "spiral3"], "Dataset"),
        Control("noise", [0.0, 0.1, 0.2, 0.3, 0.4, 0.5], "Noise σ"),
        Control(
            "val_fraction",
            [("80 %", 0.2), ("70 %", 0.3), ("50 %", 0.5), ("30 %", 0.7), ("20 %", 0.8)],
            "Training share",
        ),
        Control("features", FEATURE_SETS, "Input features", kind="dropdown"),
        Control("hidden", NETWORKS, "Hidden layers", kind="dropdown"),
        Control("activation", ["relu", "tanh", "sigmoid", "linear"], "Activation", "dropdown"),
        Control(
            "optimizer",
            ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw"],
            "Optimizer",
            kind="dropdown",
        ),
        Control("learning_rate", [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0], "Learning rate α"),
        Control("schedule", SCHEDULES, "LR schedule", kind="dropdown"),
        Control(
            "batch_size",
            [("full batch", None), ("128", 128), ("32", 32), ("8", 8)],
            "Batch size",
            kind="dropdown",
        ),
        Control("l1", REGULARIZATION, "L1 strength λ₁"),
        Control("l2", REGULARIZATION, "L2 strength λ₂"),
        Control("dropout", [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6], "Dropout rate p"),
        Control("epochs", [50, 100, 200, 300, 500, 1000], "Epochs"),
    ]


#: The controls whose values can change what the engine compiles, the likeliest first.
SHAPE_FIELDS = ("hidden", "features", "activation", "dataset", "batch_size", "val_fraction")
#: The sliders the precomputed sweep can follow.
SWEEP_SLIDERS = ("l2", "l1", "dropout", "learning_rate")

#: How far the playground compiles ahead, read from ``TUNELAB_PLAYGROUND_WARM_UP``:
#: ``neighbours`` (the default) every shape one move away, ``current`` only the current
#: settings, as every other panel does. Each compiled shape holds about 20 MB, so on a
#: shared server a teacher can trade first-click speed for memory and CPU per student.
WARM_UP_MODES = ("neighbours", "current")


def warm_up_mode() -> str:
    """The playground's warm-up mode from ``TUNELAB_PLAYGROUND_WARM_UP`` (see `WARM_UP_MODES`)."""
    mode = os.environ.get("TUNELAB_PLAYGROUND_WARM_UP", "neighbours").strip().lower()
    if mode not in WARM_UP_MODES:
        raise ValueError(
            f"Expected TUNELAB_PLAYGROUND_WARM_UP to be one of {', '.join(WARM_UP_MODES)}. "
            f"Received: {mode!r}"
        )
    return mode


def playground_start() -> tuple[dict, TrainConfig]:
    """The playground's default dataset settings and `TrainConfig`."""
    config = TrainConfig(
        hidden=(8, 8), activation="tanh", learning_rate=0.03, epochs=300, snapshots=60
    )
    return {"dataset": "moons", "noise": 0.2, "features": ("x1", "x2")}, config


class PlaygroundSession(Session):
    """The precomputed sweep follows the slider the learner dragged last; after the first
    picture every compile shape one move away is compiled in the background."""

    last_slider = "l2"
    warm_done = None

    def sweep_axis(self, values):
        changed = self.last_changed
        if changed in SWEEP_AXES and changed in self.controls:
            self.last_slider = changed
        return self.last_slider, list(self.controls[self.last_slider].choices)

    def warm_moves(self) -> list[dict]:
        """Control values one move away that may need another compiled shape, likeliest
        first: the values next to each control's current one before those further off,
        controls in `SHAPE_FIELDS` order, the epochs slider last."""
        values = self.controls.values
        fixed = (*self.controls.hidden, *self.controls.locked)  # teacher mode: cannot move
        fields = [f for f in (*SHAPE_FIELDS, "epochs") if f in self.controls and f not in fixed]
        by_distance: dict[int, list[dict]] = {}
        for field in fields:
            choices = self.controls[field].choices
            here = self.controls[field].index_of(values[field])
            for index, choice in enumerate(choices):
                if index != here:
                    move = {**values, field: choice}
                    by_distance.setdefault(abs(index - here), []).append(move)
        return [move for distance in sorted(by_distance) for move in by_distance[distance]]

    def warm_up(self) -> None:
        """Compile in the background every shape one move of a control away, so that a
        learner's first click on a dropdown value never waits for XLA.

        Single runs of every such move come first (the picture waits for those), then
        the precomputed sweep for each, at every length the followed slider can give it.
        `wait_warm_up` blocks until it is done (tests, benchmarks). With
        ``TUNELAB_PLAYGROUND_WARM_UP=current`` only the current settings are compiled
        ahead (`warm_up_mode`).
        """
        warm = getattr(self.engine, "warm_up", None)
        if warm is None or self.result is None:
            return
        if warm_up_mode() == "current":
            super().warm_up()
            return
        try:
            pairs = [(self.data, self.config)]
            for move in self.warm_moves():
                pairs.append(self.resolve(move))
            lengths = []
            if self.precompute:
                # Every sweep length the precomputed sweep can take, the current one first.
                _, choices = self.sweep_axis(self.controls.values)
                lengths = [len(choices)] + sorted(
                    {len(self.controls[f].choices) for f in SWEEP_SLIDERS if f in self.controls}
                    - {len(choices)}
                )
            done = warm(
                [d for d, _ in pairs], [c for _, c in pairs], settings=(1, *lengths), paired=True
            )
        except Exception:  # compiling ahead is an optimisation; a panel never fails on it
            return
        self.warm_done = done

    def wait_warm_up(self, timeout: float | None = None) -> bool:
        """Block until the background compiling `warm_up` asked for is done; True if so.

        Example:
            >>> pg.session.wait_warm_up(timeout=600)
            True
        """
        return self.warm_done is None or self.warm_done.wait(timeout)


class Playground(Panel):
    """Every knob together: data, features, network, optimizer, schedule, penalties.

    Args:
        data, config: starting dataset settings and `TrainConfig` (defaults: moons, a 2×8
            tanh network with Adam).
        hidden, locked: controls to hide or lock (teacher mode, like TensorFlow
            Playground's classroom checkboxes).
        export_path: where Export writes the trained network (a ``.keras`` file).

    Example:
        >>> pg = Playground(hidden=("dropout",), locked=("dataset",))
        >>> Playground.from_settings(pg.settings)
    """

    session_class = PlaygroundSession

    def __init__(
        self,
        data: dict | None = None,
        config: TrainConfig | None = None,
        *,
        export_path: str | Path = "playground.keras",
        **kwargs,
    ):
        warm_up_mode()  # a mistyped TUNELAB_PLAYGROUND_WARM_UP is refused here, not later
        start_settings, start_config = playground_start()
        config = config or start_config
        settings = {**start_settings, **(data or {})}
        self.export_path = Path(export_path)
        self.step_button = widgets.Button(description="Step", icon="step-forward")
        self.export_button = widgets.Button(description="Export .keras", icon="download")
        self.counter = widgets.HTML()
        kwargs.setdefault("plots", ("boundary", "loss", "neurons"))
        kwargs.setdefault("figsize", (11.5, 3.6))
        super().__init__(settings, config, playground_controls(), **kwargs)
        self.step_button.on_click(lambda _: self.step())
        self.export_button.on_click(lambda _: self.export())
        self.epoch_slider.observe(lambda _: self._update_counter(), names="value")
        self.session.observe(lambda _: self._update_counter())
        self._update_counter()

    def controls_box(self) -> widgets.Box:
        items = list(self.widgets.values())
        for widget in items:
            widget.layout.width = "330px"
            widget.style.description_width = "110px"
        return widgets.GridBox(
            items, layout=widgets.Layout(grid_template_columns="repeat(3, 340px)")
        )

    def timeline_widgets(self) -> list[widgets.Widget]:
        return [
            self.play,
            self.step_button,
            self.epoch_slider,
            self.counter,
            self.reset_button,
            self.export_button,
        ]

    def step(self) -> None:
        """Advance the timeline by a chunk of epochs (a tenth of the run)."""
        if self.result is None:
            return
        self.timeline.advance(max(1, self.result.epochs_run // 10))

    def _update_counter(self) -> None:
        if self.result is not None:
            self.counter.value = (
                f"<b>epoch {self.epoch_slider.value}</b> / {self.result.epochs_run}"
            )

    def export(self) -> Path | None:
        """Save the trained network as a Keras model file; the status line says where."""
        try:
            path = save_keras(self.result, self.export_path)
        except Exception as exc:
            self.session.set_status(f"Export failed: {type(exc).__name__}: {exc}", "error")
            return None
        self.session.set_status(
            f"Saved the trained network to {path} (open it with keras.models.load_model)"
        )
        return path
