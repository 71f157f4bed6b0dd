"""Lesson 07 (data remedies): self-checks for its exercises.

The lesson's datasets come from `tunelab.datasets` (augmentation, resampling), its
measurements from `tunelab.training.measures` and its panels from
`tunelab.widgets.remedies`; this module only grades the answers.

Example:
    >>> from tunelab.exercises import data_remedies as ex
    >>> ex.check_steps(1200)
"""

from __future__ import annotations

import math
from typing import Any

from tunelab.exercises import Feedback
from tunelab.exercises._answers import close, number

__all__ = ["check_precision_recall", "check_ridge_alpha", "check_steps"]

# The confusion count of exercise 1 (the lesson shows the same numbers): class 1 is the
# minority of an imbalanced validation set.
_CONFUSION: dict[str, int] = {"tp": 9, "fn": 8, "fp": 4, "tn": 329}


def check_precision_recall(answer: Any) -> Feedback:
    """Exercise 1: accuracy, minority recall and minority precision of the confusion count.

    Example:
        >>> check_precision_recall({"accuracy": 0.966, "recall": 0.529, "precision": 0.692})
    """
    if answer is None:
        return Feedback.unanswered('Give a dict {"accuracy": …, "recall": …, "precision": …}.')
    keys = {"accuracy", "recall", "precision"}
    if not isinstance(answer, dict) or set(answer) != keys:
        return Feedback(False, 'Expected a dict with the keys "accuracy", "recall", "precision".')
    c = _CONFUSION
    right = {
        "accuracy": (c["tp"] + c["tn"]) / sum(c.values()),
        "recall": c["tp"] / (c["tp"] + c["fn"]),
        "precision": c["tp"] / (c["tp"] + c["fp"]),
    }
    hints = {
        "accuracy": "accuracy = (tp + tn) / all points.",
        "recall": "recall = tp / (tp + fn): of the 17 minority points, how many were found?",
        "precision": "precision = tp / (tp + fp): of the points flagged as class 1, how many are?",
    }
    wrong = [
        k
        for k in ("accuracy", "recall", "precision")
        if number(answer[k]) is None or abs(number(answer[k]) - right[k]) > 0.005
    ]
    if wrong:
        return Feedback(False, "Not quite: " + " ".join(hints[k] for k in wrong))
    return Feedback(
        True,
        f"Right: accuracy {right['accuracy']:.3f} looks excellent, yet the classifier misses "
        f"{c['fn']} of the {c['tp'] + c['fn']} minority points (recall {right['recall']:.2f}). "
        f"Always answering class 0 would score {(c['fp'] + c['tn']) / sum(c.values()):.3f}.",
    )


def check_ridge_alpha(answer: Any, sigma: float = 0.3, n: int = 20) -> Feedback:
    """Exercise 2: scikit-learn's Ridge ``alpha`` equivalent to input noise ``sigma``.

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


def check_steps(answer: Any, n: int = 320, batch_size: int = 100, epochs: int = 300) -> Feedback:
    """Exercise 3: optimizer steps in ``epochs`` epochs of ``n`` examples at ``batch_size``.

    Example:
        >>> check_steps(1200, n=320, batch_size=100, epochs=300).passed
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
