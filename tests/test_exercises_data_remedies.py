"""Lesson 08's self-checks: right answers pass, common mistakes get told why."""

from __future__ import annotations

import pytest

from tunelab.exercises import data_remedies as ex

CHECKS = (ex.check_ridge_alpha, ex.check_label_keeping, ex.check_rotation_acts)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_every_check_says_not_answered_for_none(check):
    result = check(None)
    assert result.passed is None and "Not answered" in result.message


def test_ridge_alpha_check():
    assert ex.check_ridge_alpha(1.8).passed
    assert ex.check_ridge_alpha(20 * 0.3**2).passed
    mean_form = ex.check_ridge_alpha(0.09)
    assert mean_form.passed is False and "sum" in mean_form.message
    assert ex.check_ridge_alpha(3.6).passed is False
    assert ex.check_ridge_alpha("1.8").passed is False


@pytest.mark.parametrize("answer", ["ace", "a, c, e", "E C A", ["a", "c", "e"], ("(a)", "c", "e")])
def test_label_keeping_accepts_the_right_letters_in_any_spelling(answer):
    result = ex.check_label_keeping(answer)
    assert result.passed and "slanted" in result.message


def test_label_keeping_says_why_a_mirror_or_a_half_turn_is_wrong():
    mirror = ex.check_label_keeping("abce")
    assert mirror.passed is False and "(b) is not label-keeping" in mirror.message
    assert "ε" in mirror.message
    half_turn = ex.check_label_keeping("acde")
    assert half_turn.passed is False and "6 a 9" in half_turn.message


def test_label_keeping_names_a_missing_augmentation():
    result = ex.check_label_keeping("ac")
    assert result.passed is False and "(e) is one too" in result.message
    assert "(a) is not" not in result.message and "(c) is not" not in result.message


@pytest.mark.parametrize("answer", ["", "xyz", "ag", 3, [1, 2]])
def test_label_keeping_says_what_it_expects_for_unreadable_answers(answer):
    result = ex.check_label_keeping(answer)
    assert result.passed is False and "Expected one or more of the letters" in result.message


def test_rotation_acts_in_fit_and_in_a_direct_call():
    assert ex.check_rotation_acts("ad").passed
    assert ex.check_rotation_acts(["d", "a"]).passed
    only_fit = ex.check_rotation_acts("a")
    assert only_fit.passed is False and "(d) is one too" in only_fit.message
    assert "defaults to training=True" in only_fit.message
    with_predict = ex.check_rotation_acts("abd")
    assert with_predict.passed is False and "training=False" in with_predict.message
    assert ex.check_rotation_acts("af").passed is False  # there is no (f)
