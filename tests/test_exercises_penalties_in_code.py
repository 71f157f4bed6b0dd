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


def _one_keras_step(optimizer, w, g):
    import keras

    from tunelab.training.backend import tf

    variable = keras.Variable([w])
    optimizer.apply_gradients([(tf.constant([g]), variable)])
    return float(variable.numpy()[0])


def test_adam_first_step_reference_is_keras():
    import keras

    step = ex.FIRST_STEP
    w, g, lr = step["w"], step["g"], step["learning_rate"]
    adam_l2 = _one_keras_step(keras.optimizers.Adam(lr), w, g + 2 * step["l2"] * w)
    adamw = _one_keras_step(keras.optimizers.AdamW(lr, weight_decay=step["weight_decay"]), w, g)
    assert ex.check_adam_first_step((adam_l2, adamw)).passed
    np.testing.assert_allclose((adam_l2, adamw), (1.99, 1.988), atol=1e-5)


def test_adam_first_step_check_names_each_mistake():
    assert ex.check_adam_first_step(None).passed is None
    assert ex.check_adam_first_step((1.99, 1.988)).passed
    assert ex.check_adam_first_step([1.99, (2.0 - 0.01) * (1 - 0.001)]).passed  # step, then decay
    mistakes = {
        "swapped": (1.988, 1.99),
        "gradient descent's step": (1.997, 1.988),
        "AdamW's decoupled decay": (1.988, 1.988),
        "g + 2λw = 0.3": (1.95, 1.988),
        "no decay in it": (1.99, 1.99),
        "by the learning rate": (1.99, 1.79),
        "followed by gradient descent's step": (1.99, 1.997),
        "decay first": (1.99, 1.98),
    }
    for why, answer in mistakes.items():
        verdict = ex.check_adam_first_step(answer)
        assert not verdict.passed and why in verdict.message, (why, verdict.message)
    for bad in (1.99, "1.99, 1.988", (1.0, 2.0, 3.0)):
        verdict = ex.check_adam_first_step(bad)
        assert not verdict.passed and "Expected a pair" in verdict.message
