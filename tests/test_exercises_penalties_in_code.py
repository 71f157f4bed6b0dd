"""Lesson 05's self-checks: right answers pass, common mistakes get told why."""

from __future__ import annotations

import numpy as np

from tunelab.exercises import penalties_in_code as ex


def test_keras_strength_check():
    assert ex.check_keras_strength(None).passed is None
    assert ex.check_keras_strength(0.005).passed
    assert ex.check_keras_strength("0.005").passed
    for wrong, why in ((0.01, "twice"), (0.02, "other direction"), (0.1, "Not quite")):
        verdict = ex.check_keras_strength(wrong)
        assert not verdict.passed and why in verdict.message
    assert not ex.check_keras_strength("half").passed


def test_penalty_gradient_check_compares_with_autodiff():
    assert ex.check_penalty_gradient(None).passed is None
    assert ex.check_penalty_gradient(lambda w, l1, l2: l1 * np.sign(w) + 2 * l2 * w).passed
    mistakes = {
        "L1's gradient": lambda w, l1, l2: l1 * np.sign(w) + l2 * np.sign(w),
        "½·l2": lambda w, l1, l2: l1 * np.sign(w) + l2 * w,
        "sign is flipped": lambda w, l1, l2: -(l1 * np.sign(w) + 2 * l2 * w),
        "shaped like w": lambda w, l1, l2: np.zeros(3),
        "raised ZeroDivisionError": lambda w, l1, l2: 1 / 0,
    }
    for why, fn in mistakes.items():
        verdict = ex.check_penalty_gradient(fn)
        assert not verdict.passed and why in verdict.message, why
    assert not ex.check_penalty_gradient(0.5).passed
