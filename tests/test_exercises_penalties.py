"""Lesson 04's self-checks: right answers pass, common mistakes get told why."""

from __future__ import annotations

import numpy as np

from tunelab.datasets import load_dataset
from tunelab.exercises import penalties as ex
from tunelab.plots.geometry import TwoWeightLoss


def test_sklearn_c_check():
    assert ex.check_sklearn_c(None).passed is None
    assert ex.check_sklearn_c(0.25).passed
    assert "½" in ex.check_sklearn_c(0.125).message
    assert "inverse" in ex.check_sklearn_c(4.0).message
    assert "n examples" in ex.check_sklearn_c(50.0).message
    assert not ex.check_sklearn_c(-1).passed


def test_soft_threshold_check():
    assert ex.check_soft_threshold(None).passed is None
    right = ex.check_soft_threshold((0.284, 0.0, 0.004, -0.484))
    assert right.passed and "exactly 0" in right.message
    assert ex.check_soft_threshold(np.array([0.284, -0.0, 0.004, -0.484])).passed
    mistakes = {
        (0.268, 0.0, 0.0, -0.468): "α·λ = 0.016",  # thresholded by λ
        (0.292, -0.002, 0.012, -0.492): "no ½",  # by α·λ/2
        (0.284, 0.006, 0.004, -0.484): "subgradient",  # the hop past zero
        (0.30, 0.0, 0.02, -0.50): "hard",  # zeroed without shrinking the rest
        (0.284, 0.0, 0.004, 0.484): "sign",
    }
    for answer, word in mistakes.items():
        feedback = ex.check_soft_threshold(answer)
        assert feedback.passed is False and word in feedback.message, (answer, feedback)
    assert ex.check_soft_threshold((1, 2, 3, 4)).passed is False
    assert "four numbers" in ex.check_soft_threshold((0.284, 0.0)).message
    assert "four numbers" in ex.check_soft_threshold("0.284, 0, 0.004, -0.484").message


def _lesson_loss() -> TwoWeightLoss:
    data = load_dataset("poly", n_samples=100, noise=0.3)
    x = data.x_train[:, 0].astype(np.float64)
    return TwoWeightLoss(np.stack([x, x**3], axis=1), data.y_train)


def test_zeroing_strength_check_accepts_the_crossing_of_the_l1_line():
    loss = _lesson_loss()
    # While both weights are nonzero: w = w* − (λ/2)·C⁻¹·sign(w*); the x³ weight hits 0 at:
    line = np.linalg.solve(loss.covariance, np.sign(loss.minimum))
    crossing = 2 * loss.minimum[1] / line[1]
    assert 0.04 < crossing < 0.05  # between two of the lesson's grid points
    assert np.all(loss.penalized_minimum(crossing * 1.01, "l1")[1] == 0)
    assert loss.penalized_minimum(crossing * 0.99, "l1")[1] != 0
    assert ex.check_zeroing_strength(None).passed is None
    assert ex.check_zeroing_strength(crossing).passed
    assert ex.check_zeroing_strength(round(crossing, 4)).passed
    hints = {
        crossing / 2: "half",
        crossing * 2: "twice",
        loss.zeroing_strength(0): "last weight",
        2 * loss.minimum[0] / line[0]: "would reach 0",
        0.05: "grid",
    }
    for answer, word in hints.items():
        feedback = ex.check_zeroing_strength(answer)
        assert feedback.passed is False and word in feedback.message, (answer, feedback)
    assert "larger" in ex.check_zeroing_strength(0.03).message
    assert "smaller" in ex.check_zeroing_strength(0.045).message
    assert ex.check_zeroing_strength(-1).passed is False
