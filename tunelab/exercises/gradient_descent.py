"""Lesson 01 · Gradient descent: the exercises' self-checks and two small computations.

Example:
    >>> from tunelab.exercises import gradient_descent as ex
    >>> ex.check_gradient((-4 / 3, -2.0))
"""

from __future__ import annotations

import math

import numpy as np

from tunelab.datasets import load_dataset
from tunelab.exercises import Feedback, not_answered
from tunelab.training import TrainResult

__all__ = [
    "EXERCISE_X",
    "EXERCISE_Y",
    "check_gradient",
    "check_largest_stable_rate",
    "check_total_steps",
    "examples_per_step",
    "mse_gradient",
]

# Exercise 1: three points and the parameters (w, b) = (1, 0).
EXERCISE_X = np.array([0.0, 1.0, 2.0])
EXERCISE_Y = np.array([1.0, 3.0, 2.0])
EXERCISE_W, EXERCISE_B = 1.0, 0.0

# Exercise 2: the GradientDescentPanel's training set, a batch size and a number of epochs.
EXERCISE_N, EXERCISE_BATCH, EXERCISE_EPOCHS = 50, 8, 40

# The learning rates the GradientDescentPanel's slider offers (exercise 3).
PANEL_RATES = (0.01, 0.03, 0.1, 0.3, 0.6, 0.9, 1.1, 1.5)


def mse_gradient(w: float, b: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The gradient (∂J/∂w, ∂J/∂b) of J(w, b) = mean((w·x + b − y)²).

    Example:
        >>> mse_gradient(1.0, 0.0, EXERCISE_X, EXERCISE_Y)  # array([-1.333..., -2.])
    """
    residual = w * np.asarray(x, np.float64) + b - np.asarray(y, np.float64)
    return np.array([2 * np.mean(residual * x), 2 * np.mean(residual)])


def _pair(answer) -> np.ndarray | None:
    try:
        pair = np.asarray(answer, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        return None
    return pair if pair.shape == (2,) and np.all(np.isfinite(pair)) else None


def check_gradient(answer) -> Feedback:
    """Exercise 1: the gradient of the MSE at (w, b) = (1, 0) on EXERCISE_X, EXERCISE_Y.

    Args:
        answer: a pair ``(dJ_dw, dJ_db)``.
    """
    if answer is None:
        return not_answered("Give a pair (dJ/dw, dJ/db).")
    pair = _pair(answer)
    if pair is None:
        return Feedback(False, f"Expected a pair of two numbers (dJ/dw, dJ/db). Got {answer!r}.")
    right = mse_gradient(EXERCISE_W, EXERCISE_B, EXERCISE_X, EXERCISE_Y)
    if np.allclose(pair, right, atol=1e-3):
        return Feedback(
            True,
            f"Right: residuals ŷ − y = (−1, −2, 0), so dJ/dw = 2·mean(r·x) = {right[0]:.3f} "
            f"and dJ/db = 2·mean(r) = {right[1]:.3f}. Both are negative: increasing w and b "
            "lowers the loss, and θ − α∇J does exactly that.",
        )
    if np.allclose(pair, -right, atol=1e-3):
        hint = "The signs are flipped: the residual is prediction minus target, ŷ − y."
    elif np.allclose(pair, right / 2, atol=1e-3):
        hint = "Half the right size: the derivative of r² is 2r, so keep the factor 2."
    elif np.allclose(pair, right * len(EXERCISE_X), atol=1e-3):
        hint = "J is the mean of the squared residuals, so divide the sum by n = 3."
    else:
        hint = "Compute r = w·x + b − y for each point, then 2·mean(r·x) and 2·mean(r)."
    return Feedback(False, f"Not quite: {pair.tolist()}. {hint}")


def check_total_steps(answer) -> Feedback:
    """Exercise 2: parameter updates in 40 epochs of 50 examples in mini-batches of 8."""
    if answer is None:
        return not_answered("Give the number of parameter updates (steps).")
    per_epoch = math.ceil(EXERCISE_N / EXERCISE_BATCH)
    right = per_epoch * EXERCISE_EPOCHS
    if isinstance(answer, bool) or not isinstance(answer, int | float | np.number):
        return Feedback(False, f"Expected a number of steps. Got {answer!r}.")
    if answer == right:
        return Feedback(
            True,
            f"Right: ⌈50/8⌉ = {per_epoch} steps per epoch (six batches of 8 and a last one "
            f"of 2), times 40 epochs = {right} steps.",
        )
    hints = {
        EXERCISE_EPOCHS: "That is the number of epochs; each epoch takes several steps.",
        (EXERCISE_N // EXERCISE_BATCH) * EXERCISE_EPOCHS: (
            "The last, smaller batch of 2 examples is a step too: use ⌈50/8⌉, not ⌊50/8⌋."
        ),
        EXERCISE_N * EXERCISE_EPOCHS / EXERCISE_BATCH: (
            "Steps are whole: an epoch cuts 50 examples into ⌈50/8⌉ batches."
        ),
        EXERCISE_N * EXERCISE_EPOCHS: "That would be stochastic descent (one example per step).",
    }
    hint = hints.get(answer, "Count the batches in one epoch, then multiply by the epochs.")
    return Feedback(False, f"Not quite: {answer}. {hint}")


def _largest_curvature() -> float:
    """The largest eigenvalue of the MSE's Hessian 2·XᵀX/n on the panel's training set."""
    data = load_dataset("poly", n_samples=100, noise=0.3)
    x = data.x_train[:, 0].astype(np.float64)
    design = np.stack([x, np.ones_like(x)], axis=1)
    return float(np.linalg.eigvalsh(2 * design.T @ design / len(x)).max())


def check_largest_stable_rate(answer) -> Feedback:
    """Exercise 3: the largest rate on the GradientDescentPanel slider that still converges."""
    if answer is None:
        return not_answered("Give one of the slider's learning rates.")
    if isinstance(answer, bool) or not isinstance(answer, int | float | np.number):
        return Feedback(False, f"Expected a learning rate from the slider. Got {answer!r}.")
    limit = 2 / _largest_curvature()
    right = max(r for r in PANEL_RATES if r < limit)
    if math.isclose(answer, right):
        return Feedback(
            True,
            f"Right: α = {right:g} still converges, zig-zagging; the next value diverges. "
            f"For a quadratic loss, full-batch descent converges exactly when α < 2/λ_max, "
            f"where λ_max is the largest curvature (Hessian eigenvalue): here 2/λ_max = "
            f"{limit:.2f}.",
        )
    if answer > right:
        return Feedback(False, f"Not quite: α = {answer:g} diverges. Try a smaller rate.")
    return Feedback(False, f"Not quite: α = {answer:g} converges, but a larger rate does too.")


def examples_per_step(result: TrainResult, data) -> np.ndarray:
    """Which training example each step of a stochastic run (batch size 1) used.

    For ŷ = w·x + b with plain SGD and no penalty, one step on example i moves
    Δw = −α·2rᵢ·xᵢ and Δb = −α·2rᵢ, so Δw/Δb = xᵢ: the path alone tells which example
    was used.

    Returns:
        An int array of shape (epochs, n): the example index of every step, epoch by epoch.

    Example:
        >>> order = examples_per_step(tl.train(data, cfg_batch_1), data)
        >>> (np.sort(order, axis=1) == np.arange(len(data.y_train))).all()
    """
    cfg = result.config
    if cfg.hidden or cfg.batch_size != 1 or cfg.optimizer != "sgd" or result.path is None:
        raise ValueError(
            "Expected a result of a linear model (hidden=()) trained with optimizer='sgd' and "
            f"batch_size=1. Received: {cfg.describe()}"
        )
    if cfg.l1 or cfg.l2 or cfg.weight_decay:
        raise ValueError("Expected no penalty and no weight decay: they change Δw.")
    steps = np.diff(result.path.astype(np.float64), axis=0)
    x_of_step = steps[:, 0] / steps[:, 1]
    x = data.x_train[:, 0].astype(np.float64)
    distance = np.abs(x_of_step[:, None] - x[None, :])
    index = np.argmin(distance, axis=1)
    # float32 paths blur Δw/Δb when steps are tiny; refuse rather than guess.
    if distance.min(axis=1).max() > 0.5 * np.diff(np.sort(x)).min():
        raise ValueError(
            "The steps are too small to tell neighbouring examples apart in float32. "
            f"Use a larger learning rate (0.1 works). Received: {cfg.learning_rate}"
        )
    return index.reshape(-1, len(x))
