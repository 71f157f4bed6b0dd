"""Lesson 08's self-checks: right answers pass, common mistakes get told why."""

from __future__ import annotations

from tunelab.exercises import data_remedies as ex


def test_every_check_says_not_answered_for_none():
    for result in (ex.check_ridge_alpha(None),):
        assert result.passed is None and "Not answered" in result.message


def test_ridge_alpha_check():
    assert ex.check_ridge_alpha(1.8).passed
    assert ex.check_ridge_alpha(20 * 0.3**2).passed
    mean_form = ex.check_ridge_alpha(0.09)
    assert mean_form.passed is False and "sum" in mean_form.message
    assert ex.check_ridge_alpha(3.6).passed is False
    assert ex.check_ridge_alpha("1.8").passed is False
