"""Lesson 06 (dropout): self-checks for its exercises.

Example:
    >>> from tunelab.exercises import dropout as ex
    >>> ex.check_scaling((1.25, 1.0))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tunelab.exercises import Feedback, check_choice
from tunelab.exercises._answers import number, pair

__all__ = ["check_dropped_unit", "check_half_gap_rate", "check_scaling"]


def check_scaling(answer: tuple[float, float] | None) -> Feedback:
    """Exercise 1: (training factor, inference factor) on kept activations for p = 0.2.

    Example:
        >>> check_scaling((1.25, 1.0)).passed
        True
    """
    if answer is None:
        return Feedback.unanswered("Give a pair (factor in training, factor at inference).")
    factors = pair(answer)
    if factors is None:
        return Feedback(False, f"Expected a pair of numbers. Received: {answer!r}")
    train, test = factors
    if np.isclose(train, 1.25) and np.isclose(test, 1.0):
        return Feedback(
            True,
            "Right: kept activations are multiplied by 1/(1 − 0.2) = 1.25 in training, so "
            "their expected value is unchanged; at inference nothing is dropped or scaled.",
        )
    if np.isclose(train, 1.0) and np.isclose(test, 0.8):
        return Feedback(
            False,
            "That is the original, non-inverted dropout of the 2014 paper (scale by 1 − p at "
            "test time). Keras uses inverted dropout: the scaling happens in training.",
        )
    if np.isclose(train, 0.8):
        return Feedback(
            False, "Multiplying by 0.8 would shrink the mean twice. Divide by 1 − p instead."
        )
    return Feedback(
        False, "Kept activations are divided by the keep probability 1 − p during training."
    )


def check_dropped_unit(answer: str | None) -> Feedback:
    """Exercise 2: what happens to a unit dropped for one example in one step: a, b, c or d.

    Example:
        >>> check_dropped_unit("c").passed
        True
    """
    return check_choice(
        answer,
        "c",
        "Right: the unit's output is 0 for that example, so no gradient from that example "
        "flows through it, neither to its outgoing nor to its incoming weights. The weights "
        "keep their values; other examples in the batch, for which the unit was kept, "
        "still update them.",
        {
            "a": "Its incoming weights only reach the loss through the unit's output, which "
            "is 0 for that example: they get no gradient from it either.",
            "b": "Its outgoing weights multiply the unit's output, which is 0 for that "
            "example: they get no gradient from it either.",
            "d": "Dropout never changes a weight's value: it zeroes the unit's activation. "
            "Zeroing weights is DropConnect.",
        },
    )


def check_half_gap_rate(answer: float | None, results: Sequence[Any]) -> Feedback:
    """Exercise 3: the smallest swept rate whose final gap is under half the gap at p = 0.

    Example:
        >>> check_half_gap_rate(0.5, tl.sweep(data, cfg, dropout=[0.0, 0.3, 0.5]))
    """
    if answer is None:
        return Feedback.unanswered("Compare r.gap for each r in the sweep with the gap at p = 0.")
    by_rate = {float(r.config.dropout): r.gap for r in results}
    if 0.0 not in by_rate:
        raise ValueError("Expected the sweep to include dropout=0.0.")
    half = by_rate[0.0] / 2
    right = min((p for p, gap in by_rate.items() if gap < half), default=None)
    value = number(answer, text=True)
    if value is None:
        return Feedback(False, f"Expected a dropout rate such as 0.3. Received: {answer!r}")
    if right is not None and np.isclose(value, right):
        return Feedback(
            True,
            f"Right: p = {right:g} leaves a gap of {by_rate[right]:.2f}, under half of "
            f"{by_rate[0.0]:.2f} without dropout.",
        )
    match = [p for p in by_rate if np.isclose(p, value)]
    if not match:
        rates = ", ".join(f"{p:g}" for p in sorted(by_rate))
        return Feedback(False, f"Expected one of the swept rates: {rates}.")
    if by_rate[match[0]] >= half:
        return Feedback(
            False, f"At p = {value:g} the gap is {by_rate[match[0]]:.2f}, not under {half:.2f}."
        )
    return Feedback(False, "A smaller rate in the sweep already halves the gap.")
