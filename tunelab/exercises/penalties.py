"""Lesson 04 (what a penalty does): self-checks for its exercises.

The lesson's measurements (small weights, logit slope, boundary length) come from
`tunelab.training.measures`; the checks grade the exercises and never raise for a wrong
answer.

Example:
    >>> from tunelab.exercises import penalties as ex
    >>> ex.check_sklearn_c(0.25)
"""

from __future__ import annotations

from typing import Any

from tunelab.exercises import Feedback
from tunelab.exercises._answers import close, number

__all__ = ["check_sklearn_c"]


def check_sklearn_c(answer: Any) -> Feedback:
    """Exercise 1: the ``C`` of scikit-learn's L1 logistic regression for l1 = 0.02, n = 200.

    Example:
        >>> check_sklearn_c(0.25).passed
        True
    """
    if answer is None:
        return Feedback.unanswered(
            "Divide C·Σᵢ lossᵢ + Σ|w| by C·n and compare with mean loss + λ·Σ|w|."
        )
    value = number(answer, text=True)
    if value is None or value <= 0:
        return Feedback(False, f"Expected a positive number such as 1.0. Received: {answer!r}")
    if close(value, 0.125):
        return Feedback(
            False,
            "Not quite: the 2 in C = 1/(2·λ·n) comes from the ½ in L2's ½·Σw². The L1 "
            "penalty Σ|w| has no ½.",
        )
    if close(value, 4.0):
        return Feedback(
            False, "Not quite: C is an inverse strength; a larger λ or n needs a smaller C."
        )
    if close(value, 1 / 0.02):
        return Feedback(False, "Not quite: sklearn sums the loss over the n examples; use n too.")
    return Feedback.judge(
        close(value, 0.25),
        "Right: C·Σᵢ lossᵢ + Σ|w| divided by C·n is mean loss + Σ|w|/(C·n), so "
        "C = 1/(λ·n) = 1/(0.02·200) = 0.25.",
        f"Not quite: C = {value:g} gives λ = 1/(C·n) = {1 / (value * 200):.3g}, not 0.02.",
    )
