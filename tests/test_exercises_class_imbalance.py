"""Lesson 09's self-checks: right answers pass, common mistakes get told why."""

from __future__ import annotations

from tunelab.exercises import class_imbalance as ex

# The confusion count lesson 09 shows for exercise 1 (class 1 is the minority).
CONFUSION = {"tp": 9, "fn": 8, "fp": 4, "tn": 329}


def test_every_check_says_not_answered_for_none():
    result = ex.check_precision_recall(None)
    assert result.passed is None and "Not answered" in result.message


def test_precision_recall_check():
    c = CONFUSION
    right = {
        "accuracy": (c["tp"] + c["tn"]) / sum(c.values()),
        "recall": c["tp"] / (c["tp"] + c["fn"]),
        "precision": c["tp"] / (c["tp"] + c["fp"]),
    }
    assert ex.check_precision_recall(right).passed
    swapped = dict(right, recall=right["precision"], precision=right["recall"])
    wrong = ex.check_precision_recall(swapped)
    assert wrong.passed is False and "tp / (tp + fn)" in wrong.message
    assert ex.check_precision_recall({"accuracy": 0.96}).passed is False
