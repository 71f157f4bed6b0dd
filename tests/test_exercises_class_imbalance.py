"""Lesson 09's self-checks: right answers pass, common mistakes get told why."""

from __future__ import annotations

import pytest

from tunelab.exercises import class_imbalance as ex

# The confusion count lesson 09 shows for exercise 1 (class 1 is the minority).
CONFUSION = {"tp": 9, "fn": 8, "fp": 4, "tn": 329}
# The training set of exercises 2 and 3: points per class.
COUNTS = {0: 475, 1: 25}
CHECKS = (ex.check_precision_recall, ex.check_balanced_weights, ex.check_copies_for_balance)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_every_check_says_not_answered_for_none(check):
    result = check(None)
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


def test_balanced_weights_check():
    n = sum(COUNTS.values())
    right = {c: n / (2 * COUNTS[c]) for c in (0, 1)}
    result = ex.check_balanced_weights(right)
    assert result.passed and "sum to n = 500" in result.message
    assert ex.check_balanced_weights({0: 0.526, 1: 10}).passed  # rounded as a learner types
    mistakes = {
        "shares": ({0: 0.95, 1: 0.05}, "shares"),
        "no factor 2": ({0: n / 475, 1: n / 25}, "2·n_c"),
        "ratio only": ({0: 1, 1: 19}, "right ratio"),
        "swapped": ({0: right[1], 1: right[0]}, "n / (2·n_c)"),
    }
    for answer, hint in mistakes.values():
        wrong = ex.check_balanced_weights(answer)
        assert wrong.passed is False and hint in wrong.message, (answer, wrong.message)
    for malformed in ((0.526, 10.0), {"0": 0.526, "1": 10.0}, {0: "a", 1: 10.0}, {0: 0.5}):
        wrong = ex.check_balanced_weights(malformed)
        assert wrong.passed is False and "keys 0 and 1" in wrong.message


def test_copies_for_balance_check():
    right = ex.check_copies_for_balance(18)
    assert right.passed and "475 minority rows" in right.message
    assert "{0: 1, 1: 19}" in right.message
    assert ex.check_copies_for_balance(18.0).passed
    counted_twice = ex.check_copies_for_balance(19)
    assert counted_twice.passed is False and "500 in all" in counted_twice.message
    all_rows = ex.check_copies_for_balance(450)
    assert all_rows.passed is False and "in all" in all_rows.message
    assert ex.check_copies_for_balance(17).passed is False
    for malformed in (18.5, "18", True):
        wrong = ex.check_copies_for_balance(malformed)
        assert wrong.passed is False and "whole number" in wrong.message
