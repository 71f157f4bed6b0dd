"""Lesson 02 · Optimizers and schedules: the exercises' self-checks.

Example:
    >>> from tunelab.exercises import optimizers as ex
    >>> ex.check_inverse_time(0.025)
"""

from __future__ import annotations

import math
from typing import Any

from tunelab.exercises import Feedback
from tunelab.exercises._answers import close, number
from tunelab.training import schedules

__all__ = [
    "check_adam_first_step",
    "check_exponential_schedule",
    "check_inverse_time",
    "check_steps",
]

# Exercise 1: InverseTimeDecay(decay_steps=10, decay_rate=1.0) from α₀ = 0.1, at step 30.
_INVERSE_TIME = {"learning_rate": 0.1, "decay_steps": 10, "decay_rate": 1.0, "step": 30}
# Exercise 2: an ExponentialDecay that reaches this fraction of α₀ after this many steps.
_TARGET_FRACTION, _TARGET_STEPS = 0.1, 300
# Exercise 3: Adam's first step on the OptimizerPanel's surface at this learning rate.
_ADAM_RATE = 0.3


def check_inverse_time(answer: object) -> Feedback:
    """Exercise 1: the rate of InverseTimeDecay(decay_steps=10, decay_rate=1) at step 30.

    Example:
        >>> check_inverse_time(0.025).passed
        True
    """
    if answer is None:
        return Feedback.unanswered("Give the learning rate at step 30, a number.")
    value = number(answer)
    if value is None:
        return Feedback(False, f"Expected a number. Got {answer!r}.")
    p = _INVERSE_TIME
    sched = schedules.InverseTimeDecay(decay_steps=p["decay_steps"], decay_rate=p["decay_rate"])
    right = float(sched.values(p["step"] + 1, p["learning_rate"])[p["step"]])
    if close(value, right):
        return Feedback(
            True,
            f"Right: 0.1 / (1 + 1.0 · 30/10) = {right:g}. The step t enters as t/decay_steps, "
            "so the rate halves after 10 steps, is a third after 20 and a quarter after 30.",
        )
    if close(value, p["learning_rate"] / (1 + p["step"])):
        hint = "Keras counts t in units of decay_steps: α₀ / (1 + k · t / decay_steps)."
    elif close(value, p["learning_rate"] * 0.5 ** (p["step"] / 10)):
        hint = "That is exponential decay; inverse-time decay divides by (1 + k·t/decay_steps)."
    else:
        hint = "Compute α₀ / (1 + decay_rate · step / decay_steps)."
    return Feedback(False, f"Not quite: {value:g}. {hint}")


def check_exponential_schedule(answer: object) -> Feedback:
    """Exercise 2: an ExponentialDecay at 10 % of the starting rate after 300 steps.

    Example:
        >>> check_exponential_schedule(schedules.ExponentialDecay(decay_steps=300, decay_rate=0.1))
        True
    """
    if answer is None:
        return Feedback.unanswered(
            "Give a tl.schedules.ExponentialDecay(decay_steps=…, decay_rate=…)."
        )
    if not isinstance(answer, schedules.ExponentialDecay):
        return Feedback(
            False,
            "Expected a tl.schedules.ExponentialDecay(decay_steps=…, decay_rate=…). "
            f"Got {type(answer).__name__}.",
        )
    values = answer.values(_TARGET_STEPS + 1, 1.0)
    reached = float(values[_TARGET_STEPS])
    if answer.staircase:
        return Feedback(
            False, "Use staircase=False: the exercise asks for a smooth decay at every step."
        )
    if close(reached, _TARGET_FRACTION, rel=0.01):
        return Feedback(
            True,
            f"Right: the rate is α₀ · {answer.decay_rate:g}^(t/{answer.decay_steps}), which is "
            f"{reached:.3f} α₀ at step 300. Any pair with decay_rate^(300/decay_steps) = 0.1 "
            "gives the same curve, e.g. (300, 0.1) or (150, 0.316).",
        )
    return Feedback(
        False,
        f"Not quite: at step 300 this schedule gives {reached:.3g} α₀, not 0.1 α₀. The rate "
        "is α₀ · decay_rate^(step / decay_steps): decay_rate is reached after decay_steps.",
    )


def check_adam_first_step(answer: object) -> Feedback:
    """Exercise 3: how far Adam moves w in its first step at α = 0.3 on the surface.

    Example:
        >>> check_adam_first_step(0.3).passed
        True
    """
    if answer is None:
        return Feedback.unanswered("Give the change of w in Adam's first step, a number.")
    value = number(answer)
    if value is None:
        return Feedback(False, f"Expected a number. Got {answer!r}.")
    if close(abs(value), _ADAM_RATE, rel=0.01):
        return Feedback(
            True,
            "Right: 0.3, the learning rate itself. On the first step Adam's averages m̂ and √v̂ "
            "both come from one gradient g, so the step is α·g/|g| = ±α in every coordinate, "
            "whatever the size of g. SGD's first step is α·g, about half as long here.",
        )
    if close(abs(value), 0.1584, rel=0.05):
        hint = "That is SGD's first step (α·g). Switch the optimizer to Adam."
    else:
        hint = "Read result.path[1] − result.path[0] for Adam at α = 0.3."
    return Feedback(False, f"Not quite: {value:g}. {hint}")


def check_steps(answer: Any, n: int = 3072, batch_size: int = 100, epochs: int = 32) -> Feedback:
    """Exercise 4: optimizer steps in ``epochs`` epochs of ``n`` examples at ``batch_size``.

    The defaults are the exercise's: section 3's 3,072 training examples, 32 epochs.

    Example:
        >>> check_steps(992, n=3072, batch_size=100, epochs=32).passed
        True
    """
    if answer is None:
        return Feedback.unanswered(
            "Steps per epoch = ceil(n / batch size); the last batch is smaller."
        )
    value = number(answer)
    if value is None:
        return Feedback(False, f"Expected a whole number of steps. Received: {answer!r}")
    per_epoch = math.ceil(n / batch_size)
    right = per_epoch * epochs
    if value == right:
        return Feedback(
            True,
            f"Right: ceil({n} / {batch_size}) = {per_epoch} steps per epoch (the last batch has "
            f"{n - (per_epoch - 1) * batch_size} examples), so {right} steps in {epochs} epochs. "
            f"Full batch would take {epochs}.",
        )
    if value == (n // batch_size) * epochs:
        return Feedback(
            False,
            "Close: the engine (like Keras) does not drop the last, smaller batch; round up.",
        )
    return Feedback(False, "Not quite: count the batches in one epoch, then multiply.")
