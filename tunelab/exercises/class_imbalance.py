"""Lesson 09 (class imbalance): self-checks for its exercises.

The lesson's datasets come from `tunelab.datasets` (imbalance, resampling) and
`tunelab.datasets.minority` (minority copies), its measurements from
`tunelab.training.measures` and its panels from `tunelab.widgets.remedies` and
`tunelab.widgets.minority`; this module only grades the answers.

Example:
    >>> from tunelab.exercises import class_imbalance as ex
    >>> ex.check_precision_recall({"accuracy": 0.966, "recall": 0.529, "precision": 0.692})
"""

from __future__ import annotations

import math
from typing import Any

from tunelab.exercises import Feedback
from tunelab.exercises._answers import number

__all__ = ["check_balanced_weights", "check_copies_for_balance", "check_precision_recall"]

# The confusion count of exercise 1 (the lesson shows the same numbers): class 1 is the
# minority of an imbalanced validation set.
_CONFUSION: dict[str, int] = {"tp": 9, "fn": 8, "fp": 4, "tn": 329}
# The training set of exercises 2 and 3 (the lesson shows the same numbers): points per class.
_COUNTS: dict[int, int] = {0: 475, 1: 25}


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


def _two_weights(answer: Any) -> tuple[float, float] | None:
    """``(w0, w1)`` from a dict ``{0: w0, 1: w1}`` of finite numbers, or None."""
    if not isinstance(answer, dict) or set(answer) != {0, 1}:
        return None
    w0, w1 = number(answer[0]), number(answer[1])
    return None if w0 is None or w1 is None else (w0, w1)


def check_balanced_weights(answer: Any) -> Feedback:
    """Exercise 2: the balanced class weights n / (2·n_c) for 475 and 25 training points.

    Example:
        >>> check_balanced_weights({0: 0.526, 1: 10.0})
    """
    if answer is None:
        return Feedback.unanswered("Give a dict {0: w0, 1: w1}, as Keras's class_weight takes.")
    weights = _two_weights(answer)
    if weights is None:
        return Feedback(
            False,
            f"Expected a dict with the keys 0 and 1 and a number for each. Received: {answer!r}",
        )
    n = sum(_COUNTS.values())
    right = tuple(n / (2 * _COUNTS[c]) for c in (0, 1))
    shares = tuple(_COUNTS[c] / n for c in (0, 1))
    without_two = tuple(2 * w for w in right)
    ratio = (1.0, right[1] / right[0])

    def near(values: tuple[float, float]) -> bool:
        return all(math.isclose(a, b, rel_tol=0.01) for a, b in zip(weights, values, strict=True))

    if near(right):
        return Feedback(
            True,
            f"Right: {right[0]:.3f} for each of the {_COUNTS[0]} majority points and "
            f"{right[1]:g} for each of the {_COUNTS[1]} minority points. Each class then "
            f"weighs n/2 = {n // 2} in total, and all the weights sum to n = {n}, so the "
            "weighted mean loss keeps the size of the unweighted one.",
        )
    if near(shares):
        return Feedback(
            False,
            "Not quite: those are the classes' shares of the data. The weight goes the other "
            "way: the rarer the class, the larger its weight, n / (2·n_c).",
        )
    if near(without_two):
        return Feedback(
            False,
            f"Not quite: n / n_c gives the right ratio, but then the weights sum to 2n = "
            f"{2 * n}. The balanced rule divides by 2·n_c (two classes), so they sum to n.",
        )
    if near(ratio):
        return Feedback(
            False,
            f"Not quite: 1 and {ratio[1]:g} have the right ratio, but the weights of all "
            f"examples then sum to {_COUNTS[0] + ratio[1] * _COUNTS[1]:g}, not n = {n}. The "
            "balanced rule is n / (2·n_c) for each class.",
        )
    return Feedback(
        False,
        f"Not quite: use n / (2·n_c), with n = {n} training points and n_c the points of class c.",
    )


def check_copies_for_balance(answer: Any) -> Feedback:
    """Exercise 3: the copies of each minority point that bring 25 points level with 475.

    Example:
        >>> check_copies_for_balance(18)
    """
    if answer is None:
        return Feedback.unanswered("Give a whole number of copies per minority point.")
    value = number(answer)
    if value is None or value != int(value):
        return Feedback(False, f"Expected a whole number of copies. Received: {answer!r}")
    majority, minority = _COUNTS[0], _COUNTS[1]
    right = math.ceil(majority / minority) - 1
    rows = minority * (right + 1)
    if value == right:
        return Feedback(
            True,
            f"Right: {minority} originals + {right}·{minority} copies = {rows} minority rows, "
            f"level with the {majority} majority points. As exact duplicates, on the full "
            f"batch, that is class weights {{0: 1, 1: {right + 1}}} up to a constant: the "
            f"ratio of exercise 2's balanced weights.",
        )
    if value == right + 1:
        return Feedback(
            False,
            f"Not quite: {int(value)} copies plus the original make {int(value) + 1} rows per "
            f"point, {minority * (int(value) + 1)} in all: {minority} more than the majority. "
            "Count the original as one of the rows.",
        )
    if value == majority - minority:
        return Feedback(
            False,
            f"Not quite: {majority - minority} is how many rows to add in all; the question "
            f"asks for copies of each of the {minority} minority points.",
        )
    return Feedback(
        False,
        f"Not quite: each minority point gives 1 + copies rows; make {minority}·(1 + copies) "
        f"at least {majority} with as few copies as possible.",
    )
