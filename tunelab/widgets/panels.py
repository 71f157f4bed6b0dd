"""The ready-made panels the lessons use. Each is a `Panel` with its controls and plots.

Every one accepts ``hidden=``/``locked=`` (teacher mode), ``engine=`` and keyword
overrides of its starting data and config, and can be rebuilt from ``panel.settings``
with ``ThatPanel.from_settings(s)``.
"""

from __future__ import annotations

import dataclasses

from tunelab.training import TrainConfig
from tunelab.training import schedules as S
from tunelab.widgets.controls import Control, log_values
from tunelab.widgets.panel import Panel
from tunelab.widgets.session import Session

LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0]


def _merge(defaults: dict, overrides: dict | None) -> dict:
    merged = dict(defaults)
    merged.update(overrides or {})
    return merged


class TrainingPanel(Panel):
    """The first panel of the course: learning rate and network size on a dataset.

    Example:
        >>> TrainingPanel()
    """

    def __init__(self, data: dict | None = None, config: TrainConfig | None = None, **kwargs):
        config = config or TrainConfig(hidden=(8, 8), learning_rate=0.03, epochs=200)
        controls = [
            Control("learning_rate", LEARNING_RATES, "Learning rate α"),
            Control("hidden", [(2,), (8,), (8, 8), (16, 16)], "Hidden layers", kind="toggle"),
            Control("dataset", ["moons", "circles", "xor", "gauss", "spiral"], "Dataset", "toggle"),
        ]
        kwargs.setdefault("plots", ("boundary", "loss"))
        super().__init__(_merge({"dataset": "moons"}, data), config, controls, **kwargs)


class GradientDescentPanel(Panel):
    """Gradient descent on a two-parameter model ŷ = w·x + b you can see whole.

    The left plot is the loss surface over (w, b) with the optimizer's path; the right one
    the loss per epoch. The batch-size control switches between full-batch, mini-batch
    and stochastic (one example per step) gradient descent.

    Example:
        >>> GradientDescentPanel().set(learning_rate=1.0)  # oscillates across the valley
    """

    LEARNING_RATES: tuple[float, ...] = (0.01, 0.03, 0.1, 0.3, 0.6, 0.9, 1.1, 1.5)

    def __init__(self, data: dict | None = None, config: TrainConfig | None = None, **kwargs):
        config = config or TrainConfig(
            hidden=(), optimizer="sgd", learning_rate=0.1, epochs=40, snapshots=20
        )
        controls = [
            Control("learning_rate", self.LEARNING_RATES, "Learning rate α"),
            Control(
                "batch_size",
                [("full batch", None), ("32", 32), ("8", 8), ("1 (stochastic)", 1)],
                "Examples per step",
                kind="toggle",
            ),
        ]
        kwargs.setdefault("plots", ("surface", "loss_log"))
        data = _merge({"dataset": "poly", "n_samples": 100, "noise": 0.3}, data)
        super().__init__(data, config, controls, **kwargs)


class OptimizerPanel(Panel):
    """SGD, momentum, RMSprop and Adam on the same surface and the same learning rate."""

    def __init__(self, data: dict | None = None, config: TrainConfig | None = None, **kwargs):
        config = config or TrainConfig(
            hidden=(), optimizer="sgd", learning_rate=0.1, epochs=40, snapshots=20
        )
        controls = [
            Control(
                "optimizer",
                ["sgd", "momentum", "nesterov", "rmsprop", "adam"],
                "Optimizer",
                "toggle",
            ),
            Control("learning_rate", GradientDescentPanel.LEARNING_RATES, "Learning rate α"),
        ]
        kwargs.setdefault("plots", ("surface", "loss_log"))
        kwargs.setdefault("sweep_field", "learning_rate")
        data = _merge({"dataset": "poly", "n_samples": 100, "noise": 0.3}, data)
        super().__init__(data, config, controls, **kwargs)


SCHEDULES = [
    ("constant", None),
    ("step", S.StepDecay(step_size=100, factor=0.3)),
    ("exponential", S.ExponentialDecay(decay_steps=100, decay_rate=0.3)),
    ("inverse time", S.InverseTimeDecay(decay_steps=20, decay_rate=1.0)),
    ("linear", S.LinearDecay(decay_steps=300, end_factor=0.05)),
    ("cosine", S.CosineDecay(decay_steps=300, alpha=0.0)),
    ("warm-up + cosine", S.WarmupCosine(warmup_steps=30, decay_steps=270)),
]


class ScheduleExplorer(Panel):
    """A learning-rate schedule: its curve over the steps and its effect on the loss."""

    def __init__(self, data: dict | None = None, config: TrainConfig | None = None, **kwargs):
        config = config or TrainConfig(
            hidden=(16,), optimizer="sgd", learning_rate=0.3, epochs=300, batch_size=None
        )
        controls = [
            Control("schedule", SCHEDULES, "Schedule", kind="dropdown"),
            Control("learning_rate", [0.01, 0.03, 0.1, 0.3, 1.0, 3.0], "Starting rate α₀"),
        ]
        kwargs.setdefault("plots", ("schedule", "loss"))
        super().__init__(_merge({"dataset": "moons"}, data), config, controls, **kwargs)


class OverfittingPanel(Panel):
    """Capacity, training-set size and noise against the train/validation gap."""

    def __init__(self, data: dict | None = None, config: TrainConfig | None = None, **kwargs):
        config = config or TrainConfig(hidden=(64, 64), learning_rate=0.01, epochs=400)
        controls = [
            Control(
                "hidden",
                [("1×4", (4,)), ("1×16", (16,)), ("2×64", (64, 64)), ("3×128", (128, 128, 128))],
                "Network",
                kind="toggle",
            ),
            Control("noise", [0.1, 0.2, 0.3, 0.4, 0.5], "Noise σ (point jitter)"),
            # Each new training-set size is a new input shape: its first visit compiles.
            Control("train_size", [20, 40, 80, 160, 300], "Training examples"),
        ]
        kwargs.setdefault("plots", ("boundary", "loss"))
        data = _merge({"dataset": "moons", "n_samples": 700, "noise": 0.3, "train_size": 40}, data)
        super().__init__(data, config, controls, **kwargs)


class RegularizationSession(Session):
    """Turns the penalty (none / L1 / L2) and one strength λ into the config's l1 and l2."""

    def compose(self, values):
        data, config = super().compose(values)
        strength = values["strength"]
        return data, dataclasses.replace(
            config,
            l1=strength if values["penalty"] == "l1" else 0.0,
            l2=strength if values["penalty"] == "l2" else 0.0,
        )

    def sweep_axis(self, values):
        # Dragging λ reads a sweep keyed by the chosen penalty's own config field.
        if values.get("penalty") in (None, "none"):
            return None
        return values["penalty"], list(RegularizationPanel.STRENGTHS)


class RegularizationPanel(Panel):
    """L1, L2 or no penalty, and its strength λ, on a network that overfits without one.

    Example:
        >>> panel = RegularizationPanel()
        >>> panel.set(penalty="l1", strength=1e-3)
    """

    STRENGTHS = tuple(log_values(1e-5, 0.1, per_decade=2))
    session_class = RegularizationSession

    def __init__(self, data: dict | None = None, config: TrainConfig | None = None, **kwargs):
        config = config or TrainConfig(hidden=(64, 64), learning_rate=0.01, epochs=400, l2=1e-3)
        controls = [
            Control("penalty", [("none", "none"), ("L1", "l1"), ("L2", "l2")], "Penalty", "toggle"),
            Control("strength", self.STRENGTHS, "Strength λ"),
        ]
        penalty = "l1" if config.l1 > 0 else "l2" if config.l2 > 0 else "none"
        kwargs.setdefault(
            "values", {"penalty": penalty, "strength": config.l1 or config.l2 or 1e-3}
        )
        kwargs.setdefault("plots", ("boundary", "loss", "weights"))
        data = _merge({"dataset": "moons", "n_samples": 700, "train_size": 60}, data)
        super().__init__(data, config, controls, **kwargs)


class DropoutPanel(Panel):
    """The dropout rate p on a network that overfits without it.

    Example:
        >>> DropoutPanel().set(dropout=0.5)
    """

    RATES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)

    def __init__(self, data: dict | None = None, config: TrainConfig | None = None, **kwargs):
        config = config or TrainConfig(hidden=(64, 64), learning_rate=0.01, epochs=400)
        controls = [Control("dropout", self.RATES, "Dropout rate p")]
        kwargs.setdefault("plots", ("boundary", "loss"))
        data = _merge({"dataset": "moons", "n_samples": 700, "train_size": 60}, data)
        super().__init__(data, config, controls, **kwargs)
