"""Lesson 03's self-checks: right answers pass, wrong ones explain, None is not an error."""

from __future__ import annotations

import numpy as np
import pytest

import tunelab as tl
from tunelab.exercises import overfitting as ex


@pytest.fixture(scope="module")
def run():
    data = tl.load_dataset("moons", n_samples=120, noise=0.3).with_train_size(30)
    return data, tl.train(data, tl.TrainConfig(hidden=(16,), learning_rate=0.03, epochs=120))


def test_every_check_says_not_answered_for_none(run):
    _, result = run
    for feedback in (
        ex.check_diagnosis(None),
        ex.check_best_epoch(None, result),
        ex.check_gap_widener(None),
    ):
        assert feedback.passed is None
        assert "Not answered" in feedback.message


def test_diagnosis():
    assert ex.check_diagnosis({"A": "underfit", "B": "overfit", "C": "good fit"}).passed
    wrong = ex.check_diagnosis({"A": "overfit", "B": "overfit", "C": "good fit"})
    assert wrong.passed is False and "A's training loss" in wrong.message
    assert ex.check_diagnosis({"A": "underfit"}).passed is False
    assert ex.check_diagnosis({"A": "bad", "B": "overfit", "C": "good fit"}).passed is False


def test_best_epoch_counts_from_one(run):
    _, result = run
    best = int(np.argmin(result.history["val_loss"])) + 1
    assert ex.check_best_epoch(best, result).passed
    off_by_one = ex.check_best_epoch(best - 1, result)
    if best > 1:
        assert off_by_one.passed is False and "Off by one" in off_by_one.message
    assert ex.check_best_epoch(10_000, result).passed is False
    assert ex.check_best_epoch(2.5, result).passed is False


def test_gap_widener():
    assert ex.check_gap_widener("c").passed
    assert ex.check_gap_widener("(C)").passed
    for choice in "abd":
        assert ex.check_gap_widener(choice).passed is False
    assert ex.check_gap_widener("e").passed is False
