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
from tunelab.exercises._answers import close, number, pair

__all__ = ["check_adam_first_step", "check_keras_strength", "check_penalty_gradient"]


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


#: Exercise 3: one weight, its data gradient, the learning rate, λ (Adam + L2) and d (AdamW).
FIRST_STEP = {"w": 2.0, "g": 0.1, "learning_rate": 0.01, "l2": 0.05, "weight_decay": 0.1}


def _adam_first_step(w: float, g: float, learning_rate: float, weight_decay: float = 0.0) -> float:
    """Keras's first Adam step (default betas and epsilon), after its decoupled decay."""
    beta_1, beta_2, epsilon = 0.9, 0.999, 1e-7
    w = w - w * weight_decay * learning_rate  # Keras decays before the step
    alpha = learning_rate * np.sqrt(1 - beta_2) / (1 - beta_1)
    m, v = (1 - beta_1) * g, (1 - beta_2) * g**2
    return float(w - alpha * m / (np.sqrt(v) + epsilon))


def check_adam_first_step(answer: Any) -> Feedback:
    """Exercise 3: (w after one Adam step on loss + L2, w after one AdamW step), fresh state.

    The weight is w = 2.0 with data gradient g = 0.1 and learning rate α = 0.01; Adam
    minimizes loss + λ·w² with λ = 0.05, AdamW the loss alone with decay d = 2λ = 0.1.
    Either order of AdamW's decay and step is accepted (the two differ by α²·d = 1e-5).

    Example:
        >>> check_adam_first_step((1.99, 1.988)).passed
        True
    """
    if answer is None:
        return Feedback.unanswered(
            "Give a pair (w after Adam on loss + L2, w after AdamW). Adam's first step "
            "divides the gradient by its own size."
        )
    values = pair(answer)
    if values is None:
        return Feedback(
            False, f"Expected a pair of numbers such as (1.5, 1.5). Received: {answer!r}"
        )
    w, g, lr = FIRST_STEP["w"], FIRST_STEP["g"], FIRST_STEP["learning_rate"]
    lam, d = FIRST_STEP["l2"], FIRST_STEP["weight_decay"]
    adam_l2 = _adam_first_step(w, g + 2 * lam * w, lr)
    adamw = _adam_first_step(w, g, lr, weight_decay=d)

    def near(value: float, target: float) -> bool:
        return abs(value - target) < 1e-4

    got_l2, got_w = values
    if near(got_l2, adamw) and near(got_w, adam_l2):
        return Feedback(False, "Not quite: the two are swapped. The pair is (Adam + L2, AdamW).")
    sgd = w - lr * (g + 2 * lam * w)
    if near(got_l2, sgd):
        return Feedback(
            False,
            f"Not quite: {sgd:g} is gradient descent's step w − α·(g + 2λw). Adam divides the "
            "gradient, penalty included, by √v̂, its own size: on the first step √v̂ = |g + 2λw|.",
        )
    if near(got_l2, adamw):
        return Feedback(
            False,
            "Not quite: that shrinks w by α·2λ·w outside the gradient, which is AdamW's "
            "decoupled decay. With L2 the penalty's gradient 2λw is added to g and divided "
            "by √v̂ with it.",
        )
    if not near(got_l2, adam_l2):
        return Feedback(
            False,
            "Not quite: for Adam + L2, the gradient is g + 2λw = 0.3 and Adam's first step is "
            "about α: with bias correction, m and √v are both 0.3, and ε = 1e-7 barely counts.",
        )
    if near(got_w, adam_l2):
        return Feedback(
            False,
            "Not quite: AdamW also decays the weight, w ← w − α·d·w, beside the Adam step on g. "
            "Your second number has no decay in it.",
        )
    if near(got_w, w * (1 - d) - lr):
        return Feedback(
            False,
            "Not quite: Keras multiplies the decay by the learning rate, w ← w − α·d·w, so one "
            "step shrinks w by α·d = 0.1 %, not by d = 10 %.",
        )
    if near(got_w, w * (1 - lr * d) - lr * g):
        return Feedback(
            False,
            "Not quite: w·(1 − α·d) − α·g is the decay followed by gradient descent's step. "
            "Adam's first step on g is about α·sign(g) = α: bias-corrected, √v is |g|.",
        )
    after = (w - lr) * (1 - lr * d)  # the step first, then the decay
    return Feedback.judge(
        near(got_w, adamw) or near(got_w, after),
        f"Right: Adam divides g + 2λw by its own size, so its first step is α = 0.01 whatever "
        f"λ is: w = {adam_l2:.4f}, exactly as with no penalty. AdamW shrinks w by α·d·w = "
        f"0.002 (Keras decays before the step), then steps α on the data gradient: "
        f"w = {adamw:.4f}. Under Adam, L2 with λ and decay d = 2λ are different methods.",
        "Not quite: for AdamW, decay first, w·(1 − α·d), then take Adam's first step on g "
        "alone, about α·sign(g): bias-corrected, m is g and √v is |g|.",
    )
