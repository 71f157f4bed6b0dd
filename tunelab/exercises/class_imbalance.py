"""Lesson 09 (class imbalance): self-checks for its exercises.

The lesson's datasets come from `tunelab.datasets` (imbalance, resampling), its
measurements from `tunelab.training.measures` and its panels from
`tunelab.widgets.remedies`; this module only grades the answers.

Example:
    >>> from tunelab.exercises import class_imbalance as ex
    >>> ex.check_precision_recall({"accuracy": 0.966, "recall": 0.529, "precision": 0.692})
"""

from __future__ import annotations

from typing import Any

from tunelab.exercises import Feedback
from tunelab.exercises._answers import number

__all__ = ["check_precision_recall"]

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
