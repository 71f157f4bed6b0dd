"""Lesson 01 · Gradient descent: the exercises' self-checks.

Example:
    >>> from tunelab.exercises import gradient_descent as ex
    >>> ex.check_gradient((-4 / 3, -2.0))
"""

from __future__ import annotations

import math

import numpy as np

from tunelab.datasets import load_dataset
from tunelab.exercises import Feedback
from tunelab.exercises._answers import close, number, pair
from tunelab.training.measures import mse_gradient
from tunelab.widgets import GradientDescentPanel

__all__ = ["check_gradient", "check_largest_stable_rate", "check_total_steps"]

# Exercise 1: three points (the lesson's text shows them) and the parameters (w, b) = (1, 0).
_X = np.array([0.0, 1.0, 2.0])
_Y = np.array([1.0, 3.0, 2.0])
_W, _B = 1.0, 0.0

# Exercise 2: the GradientDescentPanel's training set, a batch size and a number of epochs.
_N, _BATCH, _EPOCHS = 50, 8, 40


def check_gradient(answer: object) -> Feedback:
    """Exercise 1: the gradient of the MSE at (w, b) = (1, 0) on x = (0, 1, 2), y = (1, 3, 2).

    Args:
        answer: a pair ``(dJ_dw, dJ_db)``.

    Example:
        >>> check_gradient((-4 / 3, -2.0)).passed
        True
    """
    if answer is None:
        return Feedback.unanswered("Give a pair (dJ/dw, dJ/db).")
    values = pair(answer)
    if values is None:
        return Feedback(False, f"Expected a pair of two numbers (dJ/dw, dJ/db). Got {answer!r}.")
    right = mse_gradient(_W, _B, _X, _Y)
    if np.allclose(values, right, atol=1e-3):
        return Feedback(
            True,
            f"Right: residuals ŷ − y = (−1, −2, 0), so dJ/dw = 2·mean(r·x) = {right[0]:.3f} "
            f"and dJ/db = 2·mean(r) = {right[1]:.3f}. Both are negative: increasing w and b "
            "lowers the loss, and θ − α∇J does exactly that.",
        )
    if np.allclose(values, -right, atol=1e-3):
        hint = "The signs are flipped: the residual is prediction minus target, ŷ − y."
    elif np.allclose(values, right / 2, atol=1e-3):
        hint = "Half the right size: the derivative of r² is 2r, so keep the factor 2."
    elif np.allclose(values, right * len(_X), atol=1e-3):
        hint = "J is the mean of the squared residuals, so divide the sum by n = 3."
    else:
        hint = "Compute r = w·x + b − y for each point, then 2·mean(r·x) and 2·mean(r)."
    return Feedback(False, f"Not quite: {values.tolist()}. {hint}")


def check_total_steps(answer: object) -> Feedback:
    """Exercise 2: parameter updates in 40 epochs of 50 examples in mini-batches of 8.

    Example:
        >>> check_total_steps(280).passed
        True
    """
    if answer is None:
        return Feedback.unanswered("Give the number of parameter updates (steps).")
    per_epoch = math.ceil(_N / _BATCH)
    right = per_epoch * _EPOCHS
    if number(answer) is None:
        return Feedback(False, f"Expected a number of steps. Got {answer!r}.")
    if answer == right:
        return Feedback(
            True,
            f"Right: ⌈50/8⌉ = {per_epoch} steps per epoch (six batches of 8 and a last one "
            f"of 2), times 40 epochs = {right} steps.",
        )
    hints = {
        _EPOCHS: "That is the number of epochs; each epoch takes several steps.",
        (_N // _BATCH) * _EPOCHS: (
            "The last, smaller batch of 2 examples is a step too: use ⌈50/8⌉, not ⌊50/8⌋."
        ),
        _N * _EPOCHS / _BATCH: "Steps are whole: an epoch cuts 50 examples into ⌈50/8⌉ batches.",
        _N * _EPOCHS: "That would be stochastic descent (one example per step).",
    }
    hint = hints.get(answer, "Count the batches in one epoch, then multiply by the epochs.")
    return Feedback(False, f"Not quite: {answer}. {hint}")


def _largest_curvature() -> float:
    """The largest eigenvalue of the MSE's Hessian 2·XᵀX/n on the panel's training set."""
    data = load_dataset("poly", n_samples=100, noise=0.3)
    x = data.x_train[:, 0].astype(np.float64)
    design = np.stack([x, np.ones_like(x)], axis=1)
    return float(np.linalg.eigvalsh(2 * design.T @ design / len(x)).max())


def check_largest_stable_rate(answer: object) -> Feedback:
    """Exercise 3: the largest rate on the GradientDescentPanel slider that still converges.

    Example:
        >>> check_largest_stable_rate(0.9)
    """
    if answer is None:
        return Feedback.unanswered("Give one of the slider's learning rates.")
    value = number(answer)
    if value is None:
        return Feedback(False, f"Expected a learning rate from the slider. Got {answer!r}.")
    limit = 2 / _largest_curvature()
    right = max(r for r in GradientDescentPanel.LEARNING_RATES if r < limit)
    if close(value, right, rel=1e-9):
        return Feedback(
            True,
            f"Right: α = {right:g} still converges, zig-zagging; the next value diverges. "
            f"For a quadratic loss, full-batch descent converges exactly when α < 2/h_max, "
            f"where h_max is the largest curvature (Hessian eigenvalue): here 2/h_max = "
            f"{limit:.2f}.",
        )
    if value > right:
        return Feedback(False, f"Not quite: α = {value:g} diverges. Try a smaller rate.")
    return Feedback(False, f"Not quite: α = {value:g} converges, but a larger rate does too.")
