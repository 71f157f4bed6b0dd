"""`TrainConfig`: every setting of one training run, validated when it is made.

Panels derive new configs with ``dataclasses.replace(config, l2=1e-3)``, which runs the
same validation, so a bad slider value can never reach TensorFlow.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from tunelab.training.schedules import Schedule
from tunelab.validation import check_number, check_range

__all__ = ["TrainConfig", "ACTIVATIONS", "OPTIMIZERS", "OPTIMIZER_NAMES", "MAX_EPOCHS"]

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw")
#: How status lines and lessons name each optimizer.
OPTIMIZER_NAMES = {
    "sgd": "SGD",
    "momentum": "SGD with momentum",
    "nesterov": "Nesterov momentum",
    "rmsprop": "RMSprop",
    "adam": "Adam",
    "adamw": "AdamW",
}
MAX_EPOCHS = 100_000
MAX_WIDTH = 1024
MAX_LAYERS = 8


def _suggest(value: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(value), allowed, n=1, cutoff=0.6)
    return f" Did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides one training run. Frozen, hashable, validated on creation.

    Args:
        hidden: widths of the hidden layers, e.g. ``(16, 16)``; ``()`` is a linear model
            (logistic regression for classification).
        activation: hidden-layer activation: ``"relu"``, ``"tanh"``, ``"sigmoid"`` or
            ``"linear"``.
        optimizer: ``"sgd"``, ``"momentum"`` (SGD with momentum), ``"nesterov"``,
            ``"rmsprop"``, ``"adam"`` or ``"adamw"``; the update rules are Keras's.
        learning_rate: the step size α (the starting rate when a schedule is set).
        momentum: momentum coefficient for ``"momentum"``/``"nesterov"``.
        weight_decay: decoupled weight decay: each step ``w ← w − lr·weight_decay·w`` on
            the kernels only (biases are not decayed), as L1/L2 penalize kernels only.
            Keras's ``weight_decay=`` argument (and AdamW) decays every variable it
            trains, biases included; the engine equals Keras with
            ``optimizer.exclude_from_weight_decay(var_names=["bias"])``.
        schedule: ``None`` (constant rate) or a schedule from ``tunelab.training.schedules``.
        epochs: passes over the training set.
        batch_size: examples per step; ``None`` means full batch (one step per epoch).
        l1: L1 strength λ₁: the penalty ``λ₁·Σ|w|`` over kernels (not biases).
        l2: L2 strength λ₂: the penalty ``λ₂·Σw²`` over kernels, Keras's convention
            (``keras.regularizers.L2(l2)``), not ``½λΣw²``.
        dropout: rate p of inverted dropout after every hidden layer: during training each
            activation is zeroed with probability p and the kept ones are scaled by
            1/(1−p); at inference nothing is dropped or scaled.
        class_weight: ``None``, ``"balanced"`` or a tuple of one weight per class; each
            example's loss is multiplied by its class's weight (Keras ``class_weight``).
        patience: early stopping: stop after this many epochs without a lower validation
            loss; ``None`` trains all epochs.
        restore_best: with early stopping, end with the weights of the best epoch.
        seed: seeds the initial weights, the shuffles and the dropout masks.
        snapshots: how many times (evenly spaced) the decision surface is recorded.
        grid_size: points per side of the decision-surface grid.

    Example:
        >>> cfg = TrainConfig(hidden=(16, 16), learning_rate=0.03, l2=1e-3, dropout=0.2)
        >>> cfg2 = dataclasses.replace(cfg, dropout=0.5)
    """

    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    optimizer: str = "adam"
    learning_rate: float = 0.03
    momentum: float = 0.9
    weight_decay: float = 0.0
    schedule: Schedule | None = None
    epochs: int = 300
    batch_size: int | None = None
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    class_weight: Any = None
    patience: int | None = None
    restore_best: bool = True
    seed: int = 0
    snapshots: int = 30
    grid_size: int = 60

    def __post_init__(self):
        set_ = object.__setattr__
        hidden = self.hidden
        if isinstance(hidden, list):
            hidden = tuple(hidden)
        if not isinstance(hidden, tuple):
            raise TypeError(
                f"Expected `hidden` to be a tuple of layer widths such as (16, 16), or () for "
                f"a linear model. Received: hidden={self.hidden!r}"
            )
        if len(hidden) > MAX_LAYERS:
            raise ValueError(
                f"Expected `hidden` to have at most {MAX_LAYERS} layers. "
                f"Received: hidden={hidden!r}"
            )
        for width in hidden:
            if isinstance(width, bool) or not isinstance(width, int | np.integer):
                raise TypeError(
                    "Expected every width in `hidden` to be an integer. "
                    f"Received: hidden={hidden!r}"
                )
            if not 1 <= width <= MAX_WIDTH:
                raise ValueError(
                    f"Expected every width in `hidden` to be in [1, {MAX_WIDTH}]. "
                    f"Received: hidden={hidden!r}"
                )
        set_(self, "hidden", tuple(int(w) for w in hidden))

        for name, allowed in (("activation", ACTIVATIONS), ("optimizer", OPTIMIZERS)):
            value = getattr(self, name)
            if value not in allowed:
                raise ValueError(
                    f"Unknown {name}. Expected one of {', '.join(allowed)}. "
                    f"Received: {name}={value!r}.{_suggest(value, allowed)}"
                )

        lr = check_range("learning_rate", self.learning_rate, 0, 100, low_open=True)
        set_(self, "learning_rate", lr)
        set_(self, "momentum", check_range("momentum", self.momentum, 0, 1, high_open=True))
        for name in ("weight_decay", "l1", "l2"):
            set_(self, name, check_range(name, getattr(self, name), 0, 10))
        dropout = check_range("dropout", self.dropout, 0, 1, high_open=True)
        if dropout > 0 and not self.hidden:
            raise ValueError(
                "Expected `dropout` to be 0 for a linear model: dropout acts on hidden "
                f"units and hidden=() has none. Received: dropout={dropout}"
            )
        set_(self, "dropout", dropout)

        if self.schedule is not None and not isinstance(self.schedule, Schedule):
            raise TypeError(
                "Expected `schedule` to be None or a schedule such as "
                "tunelab.schedules.ExponentialDecay(decay_steps=100, decay_rate=0.5). "
                f"Received: schedule={self.schedule!r}"
            )

        set_(self, "epochs", check_range("epochs", self.epochs, 1, MAX_EPOCHS, integer=True))
        if self.batch_size is not None:
            batch = check_range(
                "batch_size", self.batch_size, 1, integer=True, hint=", or None for full batch"
            )
            set_(self, "batch_size", batch)

        set_(self, "class_weight", self._checked_class_weight(self.class_weight))
        if self.patience is not None:
            hint = ", or None for no early stopping"
            set_(
                self, "patience", check_range("patience", self.patience, 1, integer=True, hint=hint)
            )
        if not isinstance(self.restore_best, bool):
            raise TypeError(
                f"Expected `restore_best` to be True or False. Received: {self.restore_best!r}"
            )
        set_(self, "seed", check_range("seed", self.seed, 0, 2**31, high_open=True, integer=True))
        set_(self, "snapshots", check_range("snapshots", self.snapshots, 1, 200, integer=True))
        set_(self, "grid_size", check_range("grid_size", self.grid_size, 8, 400, integer=True))

    @staticmethod
    def _checked_class_weight(value):
        if value is None or value == "balanced":
            return value
        if isinstance(value, dict):
            keys = sorted(value)
            if keys != list(range(len(keys))):
                raise ValueError(
                    "Expected `class_weight` keys to be the class labels 0, 1, … "
                    f"Received: class_weight={value!r}"
                )
            value = tuple(value[k] for k in keys)
        if not isinstance(value, tuple | list):
            raise TypeError(
                "Expected `class_weight` to be None, 'balanced', a dict {label: weight} or a "
                f"tuple of weights. Received: class_weight={value!r}"
            )
        weights = tuple(check_number("class_weight", w) for w in value)
        if len(weights) < 2 or any(w <= 0 for w in weights):
            raise ValueError(
                "Expected `class_weight` to hold a positive weight for each of at least 2 "
                f"classes. Received: class_weight={value!r}"
            )
        return weights

    def describe(self) -> str:
        """The settings that differ from the defaults, as ``name=value`` pairs."""
        default = TrainConfig()
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value != getattr(default, f.name):
                shown = value.describe() if isinstance(value, Schedule) else value
                parts.append(f"{f.name}={shown}")
        return ", ".join(parts) or "defaults"
