"""Lesson 07's self-checks: right answers pass, common mistakes get told why."""

from __future__ import annotations

from tunelab.exercises import data_remedies as ex

# The confusion count lesson 07 shows for exercise 1 (class 1 is the minority).
CONFUSION = {"tp": 9, "fn": 8, "fp": 4, "tn": 329}


# ---------------------------------------------------------------- exercises


def test_every_check_says_not_answered_for_none():
    for result in (
        ex.check_precision_recall(None),
        ex.check_ridge_alpha(None),
        ex.check_steps(None),
    ):
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


def test_ridge_alpha_check():
    assert ex.check_ridge_alpha(1.8).passed
    assert ex.check_ridge_alpha(20 * 0.3**2).passed
    mean_form = ex.check_ridge_alpha(0.09)
    assert mean_form.passed is False and "sum" in mean_form.message
    assert ex.check_ridge_alpha(3.6).passed is False
    assert ex.check_ridge_alpha("1.8").passed is False


def test_steps_check():
    assert ex.check_steps(1200).passed
    floor = ex.check_steps(900)
    assert floor.passed is False and "last" in floor.message
    assert ex.check_steps(300).passed is False
