"""Lesson 07's self-checks: each says right or wrong, and why, and never raises."""

from __future__ import annotations

import warnings

import pytest

import tunelab as tl
from tunelab.exercises import search as ex


@pytest.fixture(scope="module")
def cancer():
    return tl.load_dataset("breast_cancer", n_samples=300, val_fraction=0.3)


def _search(cancer, **kwargs):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    solver = kwargs.pop("solver", "lbfgs")
    grid = kwargs.pop("grid", {"C": [0.1, 1.0], "l1_ratio": [0.0, 1.0]})
    search = GridSearchCV(LogisticRegression(solver=solver, random_state=0), grid, cv=3, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return search.fit(cancer.x_train, cancer.y_train)


def test_every_check_says_not_answered_for_none():
    for check in (ex.check_distinct_values, ex.check_expected_improvement, ex.check_l1_search):
        result = check(None)
        assert result.passed is None and "Not answered" in result.message


def test_check_distinct_values():
    assert ex.check_distinct_values((3, 27)).passed
    assert ex.check_distinct_values([3, 27]).passed
    assert "reuse" in ex.check_distinct_values((27, 27)).message
    assert ex.check_distinct_values((3, 9)).passed is False
    assert ex.check_distinct_values("three").passed is False


def test_check_expected_improvement():
    from scipy.stats import norm

    assert ex.check_expected_improvement(tl.search.expected_improvement).passed

    def maximizing(mu, sigma, best):
        z = (mu - best) / sigma
        return (mu - best) * norm.cdf(z) + sigma * norm.pdf(z)

    def exploit_only(mu, sigma, best):
        return (best - mu) * norm.cdf((best - mu) / sigma)

    def probability(mu, sigma, best):
        return norm.cdf((best - mu) / sigma)

    assert "maximizing" in ex.check_expected_improvement(maximizing).message
    assert "exploit" in ex.check_expected_improvement(exploit_only).message
    assert "probability" in ex.check_expected_improvement(probability).message
    assert ex.check_expected_improvement(lambda mu, s, b: 1 / 0).passed is False
    assert ex.check_expected_improvement(lambda mu, s, b: mu[:2]).passed is False
    assert ex.check_expected_improvement(3).passed is False


def test_check_l1_search(cancer):
    assert ex.check_l1_search(_search(cancer, solver="liblinear", error_score="raise")).passed
    naive = ex.check_l1_search(_search(cancer))
    assert naive.passed is False and "NaN" in naive.message
    quiet = ex.check_l1_search(_search(cancer, solver="liblinear"))
    assert quiet.passed is False and "error_score" in quiet.message
    only_l2 = ex.check_l1_search(_search(cancer, solver="liblinear", grid={"C": [0.1, 1.0]}))
    assert only_l2.passed is False and "both" in only_l2.message
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    unfitted = GridSearchCV(LogisticRegression(), {"C": [1.0]})
    assert "fit" in ex.check_l1_search(unfitted).message


def test_a_right_expected_improvement_points_back_to_the_lessons_figure():
    message = ex.check_expected_improvement(tl.search.expected_improvement).message
    assert "exploring" in message and "section 2" in message
