"""Lesson 01's self-checks: right for the right answer, wrong for a wrong one."""

from __future__ import annotations

import pytest

from tunelab.datasets import load_dataset
from tunelab.exercises import gradient_descent as ex
from tunelab.training import TrainConfig, sweep
from tunelab.widgets import GradientDescentPanel


@pytest.fixture(scope="module")
def poly():
    return load_dataset("poly", n_samples=100, noise=0.3)


def test_unanswered_checks_say_so():
    for check in (ex.check_gradient, ex.check_total_steps, ex.check_largest_stable_rate):
        assert check(None).passed is None


def test_gradient_check():
    assert ex.check_gradient((-4 / 3, -2.0)).passed
    flipped = ex.check_gradient((4 / 3, 2.0))
    assert flipped.passed is False and "signs" in flipped.message
    assert ex.check_gradient((-2 / 3, -1.0)).passed is False
    assert ex.check_gradient("minus two").passed is False


def test_total_steps_check():
    assert ex.check_total_steps(280).passed
    for wrong in (240, 250, 40, 2000):
        assert ex.check_total_steps(wrong).passed is False


def test_largest_stable_rate_check_agrees_with_the_engine(poly):
    config = TrainConfig(hidden=(), optimizer="sgd", learning_rate=0.1, epochs=40, snapshots=20)
    runs = sweep(poly, config, learning_rate=list(GradientDescentPanel.LEARNING_RATES))
    stable = max(r.config.learning_rate for r in runs if r.diverged_at is None)
    assert ex.check_largest_stable_rate(stable).passed
    assert ex.check_largest_stable_rate(1.1).passed is False
    assert ex.check_largest_stable_rate(0.6).passed is False
