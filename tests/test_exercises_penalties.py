"""Lesson 04's self-checks: right answers pass, common mistakes get told why."""

from __future__ import annotations

from tunelab.exercises import penalties as ex


def test_sklearn_c_check():
    assert ex.check_sklearn_c(None).passed is None
    assert ex.check_sklearn_c(0.25).passed
    assert "½" in ex.check_sklearn_c(0.125).message
    assert "inverse" in ex.check_sklearn_c(4.0).message
    assert "n examples" in ex.check_sklearn_c(50.0).message
    assert not ex.check_sklearn_c(-1).passed
