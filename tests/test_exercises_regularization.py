"""Lesson 04's self-checks and measurements: right answers pass, common mistakes get told why."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from tunelab.exercises import regularization as ex


def fake_result(weights, logits=None, shape=(3, 3)):
    """Just what the measurements read from a `TrainResult`: weights and a 2-D grid."""
    rows, cols = shape
    gx, gy = np.meshgrid(np.linspace(-1, 1, cols), np.linspace(-1, 1, rows))
    points = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
    return SimpleNamespace(
        weights=[np.asarray(w, np.float32) for w in weights],
        config=SimpleNamespace(activation="linear"),
        grid_inputs=points,
        grid_points=points,
        grid_shape=shape,
    )


def test_kernel_weights_skip_biases_and_small_fraction_counts_them():
    result = fake_result([[[0.0, 0.5]], [9.0, 9.0], [[1e-4], [-2.0]], [9.0]])
    assert ex.kernel_weights(result).tolist() == pytest.approx([0.0, 0.5, 1e-4, -2.0])
    assert ex.small_fraction(result) == 0.5
    assert ex.small_fraction(result, threshold=1.0) == 0.75
    with pytest.raises(ValueError, match="threshold"):
        ex.small_fraction(result, threshold=0)


def test_logit_slope_and_boundary_length_of_a_linear_logit():
    # z = 3·x1: slope 3 everywhere; the boundary x1 = 0 crosses each of the 5 rows once.
    result = fake_result([[[3.0], [0.0]], [0.0]], shape=(5, 6))
    assert ex.logit_slope(result) == pytest.approx(3.0, rel=1e-5)
    assert ex.boundary_length(result) == 5
    flatter = fake_result([[[0.5], [0.0]], [0.0]], shape=(5, 6))
    assert ex.logit_slope(flatter) < ex.logit_slope(result)


def test_max_weight_difference_and_sweep_table():
    a = fake_result([[[1.0, 2.0]], [0.0, 0.0]])
    b = fake_result([[[1.0, 2.5]], [0.0, -0.1]])
    assert ex.max_weight_difference(a, b) == pytest.approx(0.5)
    run = SimpleNamespace(
        config=SimpleNamespace(l2=1e-3),
        final=lambda key: {"train_loss": 0.1, "val_loss": 0.3, "train_acc": 0.9}[key],
        gap=0.2,
    )
    table = ex.sweep_table([run], "l2")
    assert "train loss" in table.splitlines()[0]
    assert "0.001" in table and "0.200" in table


def test_keras_strength_check():
    assert ex.check_keras_strength(None).passed is None
    assert ex.check_keras_strength(0.005).passed
    assert ex.check_keras_strength("0.005").passed
    for wrong, why in ((0.01, "twice"), (0.02, "other direction"), (0.1, "Not quite")):
        verdict = ex.check_keras_strength(wrong)
        assert not verdict.passed and why in verdict.message
    assert not ex.check_keras_strength("half").passed


def test_sklearn_c_check():
    assert ex.check_sklearn_c(None).passed is None
    assert ex.check_sklearn_c(0.25).passed
    assert "½" in ex.check_sklearn_c(0.125).message
    assert "inverse" in ex.check_sklearn_c(4.0).message
    assert "n examples" in ex.check_sklearn_c(50.0).message
    assert not ex.check_sklearn_c(-1).passed


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
