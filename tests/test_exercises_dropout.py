"""Lesson 06's self-checks: right answers pass, wrong ones explain, None is not an error."""

from __future__ import annotations

from unittest.mock import create_autospec

import pytest

from tunelab.exercises import dropout as ex
from tunelab.training import TrainConfig, TrainResult


def fake_sweep(gaps: dict[float, float]) -> list[TrainResult]:
    """Results with chosen gaps (no real run has exactly these): TrainResult's own interface,
    a real TrainConfig per rate, and the gap the check reads."""
    results = []
    for p, g in gaps.items():
        result = create_autospec(TrainResult, instance=True)
        result.config = TrainConfig(dropout=p)
        result.gap = g
        results.append(result)
    return results


SWEEP = fake_sweep({0.0: 1.0, 0.1: 0.8, 0.3: 0.6, 0.5: 0.4, 0.7: 0.3})


def test_every_check_says_not_answered_for_none():
    for feedback in (
        ex.check_scaling(None),
        ex.check_dropped_unit(None),
        ex.check_half_gap_rate(None, SWEEP),
    ):
        assert feedback.passed is None
        assert "Not answered" in feedback.message


def test_scaling():
    assert ex.check_scaling((1.25, 1.0)).passed
    assert ex.check_scaling([1 / 0.8, 1]).passed
    non_inverted = ex.check_scaling((1.0, 0.8))
    assert non_inverted.passed is False and "non-inverted" in non_inverted.message
    assert ex.check_scaling((0.8, 1.0)).passed is False
    assert ex.check_scaling("1.25").passed is False


def test_dropped_unit():
    assert ex.check_dropped_unit("c").passed
    for choice in "abd":
        feedback = ex.check_dropped_unit(choice)
        assert feedback.passed is False and feedback.message
    assert ex.check_dropped_unit("x").passed is False


def test_half_gap_rate():
    assert ex.check_half_gap_rate(0.5, SWEEP).passed
    assert "not under" in ex.check_half_gap_rate(0.3, SWEEP).message
    assert "smaller rate" in ex.check_half_gap_rate(0.7, SWEEP).message
    assert "swept rates" in ex.check_half_gap_rate(0.45, SWEEP).message
    with pytest.raises(ValueError, match="dropout=0.0"):
        ex.check_half_gap_rate(0.5, fake_sweep({0.5: 0.4}))
