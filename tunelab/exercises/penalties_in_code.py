"""Lesson 05 (penalties in code): self-checks for its exercises.

The checks grade the exercises and never raise for a wrong answer.

Example:
    >>> from tunelab.exercises import penalties_in_code as ex
    >>> ex.check_keras_strength(0.005)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tunelab.exercises import Feedback
from tunelab.exercises._answers import close, number

__all__ = ["check_keras_strength", "check_penalty_gradient"]


def check_keras_strength(answer: Any) -> Feedback:
    """Exercise 1: a textbook's ½·λ′·Σw² with λ′ = 0.01, written for ``keras.regularizers.L2``.

    Example:
        >>> check_keras_strength(0.005).passed
        True
    """
    if answer is None:
        return Feedback.unanswered("Write ½·λ′·Σw² in the form λ·Σw² and read off λ.")
    value = number(answer, text=True)
    if value is None:
        return Feedback(False, f"Expected a number such as 0.1. Received: {answer!r}")
    if close(value, 0.01):
        return Feedback(
            False,
            "Not quite: L2(0.01) adds 0.01·Σw², twice the textbook's ½·0.01·Σw². The same "
            "number means a different penalty under the two conventions.",
        )
    if close(value, 0.02):
        return Feedback(
            False,
            "Not quite: that is the other direction. ½·λ′ with λ′ = 0.01 is 0.005, so Keras "
            "needs a smaller number, not a larger one.",
        )
    return Feedback.judge(
        close(value, 0.005),
        "Right: ½·0.01·Σw² = 0.005·Σw², so keras.regularizers.L2(0.005) (and "
        "TrainConfig(l2=0.005)) give the textbook's penalty and its gradient 0.01·w.",
        f"Not quite: {value:g}·Σw² is not ½·0.01·Σw². Match the factor in front of Σw².",
    )


def _reference_gradient(w: np.ndarray, l1: float, l2: float) -> np.ndarray:
    from tunelab.training.backend import tf

    variable = tf.Variable(w)
    with tf.GradientTape() as tape:
        penalty = l1 * tf.reduce_sum(tf.abs(variable)) + l2 * tf.reduce_sum(tf.square(variable))
    return tape.gradient(penalty, variable).numpy()


def check_penalty_gradient(fn: Callable[..., Any] | None) -> Feedback:
    """Exercise 2: ``fn(w, l1, l2)`` must return the gradient of l1·Σ|w| + l2·Σw².

    It is compared with TensorFlow's automatic differentiation at weights with no zeros.

    Example:
        >>> check_penalty_gradient(lambda w, l1, l2: l1 * np.sign(w) + 2 * l2 * w).passed
        True
    """
    if fn is None:
        return Feedback.unanswered("Differentiate each term: d|w|/dw and d(w²)/dw.")
    if not callable(fn):
        return Feedback(False, f"Expected a function fn(w, l1, l2). Received: {fn!r}")
    rng = np.random.default_rng(4)
    w = rng.uniform(0.1, 1.5, size=(3, 4)) * rng.choice([-1.0, 1.0], size=(3, 4))
    w = w.astype(np.float32)
    for l1, l2 in ((0.01, 0.0), (0.0, 0.01), (0.003, 0.02)):
        try:
            got = np.asarray(fn(w.copy(), l1, l2), dtype=np.float64)
        except Exception as exc:  # a learner's bug is feedback, not a crash
            return Feedback(False, f"Your function raised {type(exc).__name__}: {exc}")
        if got.shape != w.shape:
            return Feedback(
                False, f"Expected an array shaped like w {w.shape}. Received shape {got.shape}."
            )
        want = _reference_gradient(w, l1, l2)
        if np.allclose(got, want, rtol=1e-4, atol=1e-7):
            continue
        case = f"for l1={l1}, l2={l2}"
        if np.allclose(got, -want, rtol=1e-4, atol=1e-7):
            return Feedback(
                False,
                f"Not quite ({case}): the sign is flipped. The gradient points uphill; the "
                "update w ← w − α·gradient subtracts it.",
            )
        if l1 == 0 and np.allclose(got, l2 * np.sign(w), rtol=1e-4):
            return Feedback(
                False, f"Not quite ({case}): l2·sign(w) is L1's gradient. d(w²)/dw = 2w."
            )
        if l1 == 0 and np.allclose(got, l2 * w, rtol=1e-4):
            return Feedback(
                False,
                f"Not quite ({case}): l2·w is the gradient of ½·l2·Σw². This course's penalty "
                "is l2·Σw², whose gradient is 2·l2·w.",
            )
        return Feedback(False, f"Not quite ({case}): your gradient differs from TensorFlow's.")
    return Feedback(
        True,
        "Right: l1·sign(w) + 2·l2·w, the same as tf.GradientTape finds (for w ≠ 0; at w = 0 "
        "|w| has no derivative and TensorFlow uses 0).",
    )
