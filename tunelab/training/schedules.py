"""Learning-rate schedules: a rate for every optimizer step, plotted over training.

A schedule here is a *shape*: it holds the decay settings but not the starting learning
rate, so one schedule can be combined with every learning rate of a slider or a sweep.
``values(steps, learning_rate)`` gives the rate at each step ``0 … steps-1``, exactly
what the matching ``keras.optimizers.schedules`` object (``to_keras(learning_rate)``)
returns at those steps; the test suite checks the two agree at every step.

Steps count optimizer updates (mini-batches), as in Keras: with full-batch training one
step is one epoch.

Example:
    >>> sched = ExponentialDecay(decay_steps=100, decay_rate=0.5)
    >>> sched.values(300, learning_rate=0.1)[[0, 100, 200]]  # 0.1, 0.05, 0.025
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

__all__ = [
    "Schedule",
    "Constant",
    "StepDecay",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LinearDecay",
    "PolynomialDecay",
    "CosineDecay",
    "WarmupCosine",
    "SCHEDULE_NAMES",
    "make_schedule",
]


def _check_number(owner: str, name: str, value, low=None, low_inclusive=True, high=None):
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"Expected `{name}` of {owner} to be a number. Received: {name}={value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"Expected `{name}` of {owner} to be finite. Received: {name}={value}")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        bound = ">=" if low_inclusive else ">"
        raise ValueError(
            f"Expected `{name}` of {owner} to be {bound} {low}. Received: {name}={value}"
        )
    if high is not None and value > high:
        raise ValueError(f"Expected `{name}` of {owner} to be <= {high}. Received: {name}={value}")
    return value


def _check_steps(owner: str, name: str, value, allow_zero=False) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(
            f"Expected `{name}` of {owner} to be an integer number of steps. "
            f"Received: {name}={value!r}"
        )
    if value < (0 if allow_zero else 1):
        bound = ">= 0" if allow_zero else ">= 1"
        raise ValueError(f"Expected `{name}` of {owner} to be {bound}. Received: {name}={value}")
    return int(value)


def _check_staircase(owner: str, value) -> None:
    if not isinstance(value, bool):
        raise TypeError(
            f"Expected `staircase` of {owner} to be True or False. Received: staircase={value!r}"
        )


def _progress(step: np.ndarray, decay_steps: int, staircase: bool) -> np.ndarray:
    """How many decay periods have passed (whole periods only with ``staircase``)."""
    p = step / decay_steps
    return np.floor(p) if staircase else p


@dataclass(frozen=True)
class Schedule:
    """Base class: subclasses define ``_multipliers(steps)`` and ``to_keras``."""

    name = "schedule"

    def values(self, steps: int, learning_rate: float = 1.0) -> np.ndarray:
        """The learning rate at steps ``0 … steps-1`` (float32).

        Args:
            steps: how many optimizer steps to cover.
            learning_rate: the starting rate the schedule scales.

        Returns:
            A float32 array of length ``steps``.

        Example:
            >>> CosineDecay(decay_steps=10).values(11, 0.1)[-1]
            0.0
        """
        steps = _check_steps(type(self).__name__, "steps", steps)
        step = np.arange(steps, dtype=np.float64)
        return (float(learning_rate) * self._multipliers(step)).astype(np.float32)

    def _multipliers(self, step: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def to_keras(self, learning_rate: float, total_steps: int | None = None):
        """The equivalent ``keras.optimizers.schedules`` object."""
        raise NotImplementedError

    def describe(self) -> str:
        """A short human label, e.g. ``exponential(decay_steps=100, decay_rate=0.5)``."""
        args = ", ".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))
        return f"{self.name}({args})"


@dataclass(frozen=True)
class Constant(Schedule):
    """The same rate at every step."""

    name = "constant"

    def _multipliers(self, step):
        return np.ones_like(step)

    def to_keras(self, learning_rate, total_steps=None):
        import keras

        # PiecewiseConstantDecay with one value is Keras's constant-rate schedule object.
        return keras.optimizers.schedules.PiecewiseConstantDecay([1 << 30], [learning_rate] * 2)


@dataclass(frozen=True)
class StepDecay(Schedule):
    """Multiply the rate by ``factor`` after every ``step_size`` steps (piecewise constant).

    Matches ``keras.optimizers.schedules.PiecewiseConstantDecay`` with boundaries at
    ``step_size, 2·step_size, …`` (Keras switches value once the step passes a boundary).

    Example:
        >>> StepDecay(step_size=100, factor=0.5).values(300, 0.1)[[100, 101]]  # 0.1, 0.05
    """

    step_size: int = 100
    factor: float = 0.5
    name = "step"

    def __post_init__(self):
        _check_steps("StepDecay", "step_size", self.step_size)
        _check_number("StepDecay", "factor", self.factor, low=0, low_inclusive=False, high=1)

    def _multipliers(self, step):
        # Keras: values[i] applies while step <= boundaries[i], so the drop comes one step
        # after each boundary.
        drops = np.maximum(np.ceil(step / self.step_size) - 1, 0)
        return self.factor**drops

    def to_keras(self, learning_rate, total_steps=None):
        import keras

        total = total_steps or 10 * self.step_size
        boundaries = list(range(self.step_size, max(total, self.step_size) + 1, self.step_size))
        values = [learning_rate * self.factor**i for i in range(len(boundaries) + 1)]
        return keras.optimizers.schedules.PiecewiseConstantDecay(boundaries, values)


@dataclass(frozen=True)
class ExponentialDecay(Schedule):
    """``lr · decay_rate^(step / decay_steps)``; with ``staircase`` the exponent is floored."""

    decay_steps: int = 100
    decay_rate: float = 0.5
    staircase: bool = False
    name = "exponential"

    def __post_init__(self):
        _check_steps("ExponentialDecay", "decay_steps", self.decay_steps)
        _check_number(
            "ExponentialDecay", "decay_rate", self.decay_rate, low=0, low_inclusive=False, high=1
        )
        _check_staircase("ExponentialDecay", self.staircase)

    def _multipliers(self, step):
        return self.decay_rate ** _progress(step, self.decay_steps, self.staircase)

    def to_keras(self, learning_rate, total_steps=None):
        import keras

        return keras.optimizers.schedules.ExponentialDecay(
            learning_rate, self.decay_steps, self.decay_rate, staircase=self.staircase
        )


@dataclass(frozen=True)
class InverseTimeDecay(Schedule):
    """``lr / (1 + decay_rate · step / decay_steps)``: the classic α/(1 + k·t)."""

    decay_steps: int = 100
    decay_rate: float = 1.0
    staircase: bool = False
    name = "inverse_time"

    def __post_init__(self):
        _check_steps("InverseTimeDecay", "decay_steps", self.decay_steps)
        _check_number("InverseTimeDecay", "decay_rate", self.decay_rate, low=0)
        _check_staircase("InverseTimeDecay", self.staircase)

    def _multipliers(self, step):
        return 1.0 / (1.0 + self.decay_rate * _progress(step, self.decay_steps, self.staircase))

    def to_keras(self, learning_rate, total_steps=None):
        import keras

        return keras.optimizers.schedules.InverseTimeDecay(
            learning_rate, self.decay_steps, self.decay_rate, staircase=self.staircase
        )


@dataclass(frozen=True)
class LinearDecay(Schedule):
    """Straight line from ``lr`` down to ``end_factor · lr`` over ``decay_steps``, then flat."""

    decay_steps: int = 300
    end_factor: float = 0.0
    name = "linear"

    def __post_init__(self):
        _check_steps("LinearDecay", "decay_steps", self.decay_steps)
        _check_number("LinearDecay", "end_factor", self.end_factor, low=0, high=1)

    def _multipliers(self, step):
        s = np.minimum(step, self.decay_steps)
        return (1.0 - self.end_factor) * (1.0 - s / self.decay_steps) + self.end_factor

    def to_keras(self, learning_rate, total_steps=None):
        import keras

        return keras.optimizers.schedules.PolynomialDecay(
            learning_rate, self.decay_steps, learning_rate * self.end_factor, power=1.0
        )


@dataclass(frozen=True)
class PolynomialDecay(Schedule):
    """From ``lr`` down to ``end_factor · lr`` along ``(1 − t/decay_steps)^power``.

    The rate at step ``t`` is ``(lr − end) · (1 − t/decay_steps)^power + end`` with
    ``end = end_factor · lr``; after ``decay_steps`` it stays at ``end``. ``power=1`` is
    `LinearDecay`; a power above 1 falls fast early and flattens near the end, a power
    below 1 stays high longer and drops steeply at the end. With ``cycle`` the decay
    restarts instead of staying flat: step ``t`` decays over the first multiple of
    ``decay_steps`` that is ``>= t``, so after ``k`` cycles the rate jumps back only
    ``(1/(k+1))^power`` of the way from ``end`` to ``lr``. Matches
    ``keras.optimizers.schedules.PolynomialDecay(lr, decay_steps, end_factor · lr, power,
    cycle)``.

    Args:
        decay_steps: steps until the rate reaches ``end_factor · lr`` (>= 1).
        end_factor: the final rate as a fraction of the starting rate, in [0, 1].
        power: the exponent of the polynomial, > 0.
        cycle: restart the decay after ``decay_steps`` instead of staying at the end.

    Example:
        >>> sched = PolynomialDecay(decay_steps=100, end_factor=0.0, power=2.0)
        >>> sched.values(101, learning_rate=0.1)[[0, 50, 100]]  # 0.1, 0.025, 0.0
    """

    decay_steps: int = 300
    end_factor: float = 0.0
    power: float = 1.0
    cycle: bool = False
    name = "polynomial"

    def __post_init__(self):
        _check_steps("PolynomialDecay", "decay_steps", self.decay_steps)
        _check_number("PolynomialDecay", "end_factor", self.end_factor, low=0, high=1)
        _check_number("PolynomialDecay", "power", self.power, low=0, low_inclusive=False)
        if not isinstance(self.cycle, bool):
            raise TypeError(
                "Expected `cycle` of PolynomialDecay to be True or False. "
                f"Received: cycle={self.cycle!r}"
            )

    def _multipliers(self, step):
        if self.cycle:
            # Keras: the first multiple of decay_steps >= step (1 at step 0).
            horizon = self.decay_steps * np.maximum(np.ceil(step / self.decay_steps), 1.0)
        else:
            horizon = self.decay_steps
            step = np.minimum(step, self.decay_steps)
        return (1.0 - self.end_factor) * (1.0 - step / horizon) ** self.power + self.end_factor

    def to_keras(self, learning_rate, total_steps=None):
        import keras

        return keras.optimizers.schedules.PolynomialDecay(
            learning_rate,
            self.decay_steps,
            learning_rate * self.end_factor,
            power=self.power,
            cycle=self.cycle,
        )


@dataclass(frozen=True)
class CosineDecay(Schedule):
    """Half a cosine from ``lr`` down to ``alpha · lr`` over ``decay_steps``, then flat."""

    decay_steps: int = 300
    alpha: float = 0.0
    name = "cosine"

    def __post_init__(self):
        _check_steps("CosineDecay", "decay_steps", self.decay_steps)
        _check_number("CosineDecay", "alpha", self.alpha, low=0, high=1)

    def _multipliers(self, step):
        s = np.minimum(step, self.decay_steps)
        cos = 0.5 * (1.0 + np.cos(np.pi * s / self.decay_steps))
        return (1.0 - self.alpha) * cos + self.alpha

    def to_keras(self, learning_rate, total_steps=None):
        import keras

        return keras.optimizers.schedules.CosineDecay(learning_rate, self.decay_steps, self.alpha)


@dataclass(frozen=True)
class WarmupCosine(Schedule):
    """Linear warm-up from 0 to ``lr`` over ``warmup_steps``, then cosine decay.

    Matches ``keras.optimizers.schedules.CosineDecay(0.0, decay_steps, alpha,
    warmup_target=lr, warmup_steps=warmup_steps)``.
    """

    warmup_steps: int = 30
    decay_steps: int = 270
    alpha: float = 0.0
    name = "warmup_cosine"

    def __post_init__(self):
        _check_steps("WarmupCosine", "warmup_steps", self.warmup_steps)
        _check_steps("WarmupCosine", "decay_steps", self.decay_steps)
        _check_number("WarmupCosine", "alpha", self.alpha, low=0, high=1)

    def _multipliers(self, step):
        warm = step / self.warmup_steps
        s = np.minimum(np.maximum(step - self.warmup_steps, 0), self.decay_steps)
        cos = (1.0 - self.alpha) * 0.5 * (1.0 + np.cos(np.pi * s / self.decay_steps)) + self.alpha
        return np.where(step < self.warmup_steps, warm, cos)

    def to_keras(self, learning_rate, total_steps=None):
        import keras

        return keras.optimizers.schedules.CosineDecay(
            0.0,
            self.decay_steps,
            self.alpha,
            warmup_target=learning_rate,
            warmup_steps=self.warmup_steps,
        )


_BY_NAME = {
    cls.name: cls
    for cls in (
        Constant,
        StepDecay,
        ExponentialDecay,
        InverseTimeDecay,
        LinearDecay,
        PolynomialDecay,
        CosineDecay,
        WarmupCosine,
    )
}
SCHEDULE_NAMES = tuple(_BY_NAME)


def make_schedule(name: str | None, **kwargs) -> Schedule | None:
    """Build a schedule from its short name (what a dropdown holds).

    Example:
        >>> make_schedule("exponential", decay_steps=50, decay_rate=0.3)
        ExponentialDecay(decay_steps=50, decay_rate=0.3, staircase=False)
    """
    if name is None or name == "none":
        return None
    if name not in _BY_NAME:
        raise ValueError(
            f"Unknown schedule name. Expected one of {', '.join(SCHEDULE_NAMES)} or None. "
            f"Received: schedule={name!r}"
        )
    return _BY_NAME[name](**kwargs)
