"""Lesson 08 (data remedies): self-checks for its exercises.

The lesson's datasets come from `tunelab.datasets` (augmentation, resampling), its
measurements from `tunelab.training.measures` and its panels from
`tunelab.widgets.remedies`; this module only grades the answers.

Example:
    >>> from tunelab.exercises import data_remedies as ex
    >>> ex.check_ridge_alpha(1.8)
"""

from __future__ import annotations

from typing import Any

from tunelab.exercises import Feedback
from tunelab.exercises._answers import close, number

__all__ = ["check_ridge_alpha"]


def check_ridge_alpha(answer: Any, sigma: float = 0.3, n: int = 20) -> Feedback:
    """Exercise 1: scikit-learn's Ridge ``alpha`` equivalent to input noise ``sigma``.

    Ridge minimizes ``Σ(x·w + b − y)² + alpha·Σw²``, a *sum* over the ``n`` examples, while
    the lesson's objective is a mean plus ``λ·Σw²`` with ``λ = σ²``.

    Example:
        >>> check_ridge_alpha(1.8, sigma=0.3, n=20).passed
        True
    """
    if answer is None:
        return Feedback.unanswered(
            "Multiply the lesson's objective (a mean) by n to get Ridge's sum."
        )
    value = number(answer)
    if value is None:
        return Feedback(False, f"Expected a number. Received: {answer!r}")
    right = n * sigma**2
    if close(value, right):
        return Feedback(
            True,
            f"Right: alpha = n·σ² = {n}·{sigma**2:g} = {right:g}. Multiplying mean + σ²·Σw² by "
            f"n gives sum + n·σ²·Σw², which has the same minimizer. Same penalty, three "
            "spellings: λ = σ² (mean, λ·Σw²), λ = 2σ² (mean, ½·λ·Σw²), alpha = n·σ² (sum).",
        )
    if close(value, sigma**2):
        return Feedback(
            False,
            f"λ = σ² = {sigma**2:g} is right for a *mean* squared error. Ridge sums the squared "
            f"errors over the {n} examples: rescale.",
        )
    if close(value, 2 * right) or close(value, 2 * sigma**2):
        return Feedback(False, "Ridge writes alpha·Σw², not ½·alpha·Σw²: no factor of 2.")
    return Feedback(
        False,
        "Not quite: start from λ = σ² for the mean squared error, then ask what multiplying "
        "the whole objective by n does to the penalty's factor.",
    )
