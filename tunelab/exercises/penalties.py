"""Lesson 04 (what a penalty does): self-checks for its exercises.

The lesson's measurements (small weights, logit slope, boundary length) come from
`tunelab.training.measures`, its two-weight geometry from `tunelab.plots.geometry`; the
checks grade the exercises and never raise for a wrong answer.

Example:
    >>> from tunelab.exercises import penalties as ex
    >>> ex.check_sklearn_c(0.25)
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from tunelab.datasets import load_dataset
from tunelab.exercises import Feedback
from tunelab.exercises._answers import close, number, vector
from tunelab.plots.geometry import TwoWeightLoss

__all__ = ["check_soft_threshold", "check_sklearn_c", "check_zeroing_strength"]

# Exercise 2: the data step z = w − α·g of a proximal L1 step, its α and its λ.
SOFT_Z = (0.30, -0.010, 0.020, -0.50)
SOFT_ALPHA, SOFT_LAMBDA = 0.5, 0.032


def check_sklearn_c(answer: Any) -> Feedback:
    """Exercise 1: the ``C`` of scikit-learn's L1 logistic regression for l1 = 0.02, n = 200.

    Example:
        >>> check_sklearn_c(0.25).passed
        True
    """
    if answer is None:
        return Feedback.unanswered(
            "Divide C·Σᵢ lossᵢ + Σ|w| by C·n and compare with mean loss + λ·Σ|w|."
        )
    value = number(answer, text=True)
    if value is None or value <= 0:
        return Feedback(False, f"Expected a positive number such as 1.0. Received: {answer!r}")
    if close(value, 0.125):
        return Feedback(
            False,
            "Not quite: the 2 in C = 1/(2·λ·n) comes from the ½ in L2's ½·Σw². The L1 "
            "penalty Σ|w| has no ½.",
        )
    if close(value, 4.0):
        return Feedback(
            False, "Not quite: C is an inverse strength; a larger λ or n needs a smaller C."
        )
    if close(value, 1 / 0.02):
        return Feedback(False, "Not quite: sklearn sums the loss over the n examples; use n too.")
    return Feedback.judge(
        close(value, 0.25),
        "Right: C·Σᵢ lossᵢ + Σ|w| divided by C·n is mean loss + Σ|w|/(C·n), so "
        "C = 1/(λ·n) = 1/(0.02·200) = 0.25.",
        f"Not quite: C = {value:g} gives λ = 1/(C·n) = {1 / (value * 200):.3g}, not 0.02.",
    )


def _soft(z: np.ndarray, t: float) -> np.ndarray:
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def check_soft_threshold(answer: Any) -> Feedback:
    """Exercise 2: the proximal L1 step from z = (0.30, −0.010, 0.020, −0.50), α = 0.5, λ = 0.032.

    Args:
        answer: the four weights after soft-thresholding (a tuple, list or array).

    Example:
        >>> check_soft_threshold((0.284, 0.0, 0.004, -0.484)).passed
        True
    """
    z = np.array(SOFT_Z)
    t = SOFT_ALPHA * SOFT_LAMBDA
    if answer is None:
        return Feedback.unanswered(
            "Give the four weights sign(z)·max(|z| − t, 0) for the right threshold t."
        )
    values = vector(answer, z.size)
    if values is None:
        return Feedback(False, f"Expected four numbers, one per weight. Received: {answer!r}")
    right = _soft(z, t)
    if np.allclose(values, right, atol=1e-6):
        return Feedback(
            True,
            f"Right: the threshold is α·λ = {t:g}. The weight at −0.010 is within {t:g} of "
            f"zero, so it lands on exactly 0; the other three move {t:g} towards zero: "
            f"{(np.round(right, 3) + 0.0).tolist()}.",
        )
    mistakes = [
        (
            _soft(z, SOFT_LAMBDA),
            f"you thresholded by λ = {SOFT_LAMBDA:g}. The step is α times the penalty's "
            f"pull, so the threshold is α·λ = {t:g}.",
        ),
        (
            _soft(z, t / 2),
            f"you thresholded by α·λ/2. L1's penalty λ·Σ|w| has no ½: the threshold is "
            f"α·λ = {t:g}.",
        ),
        (
            z - t * np.sign(z),
            "that is the subgradient step z − α·λ·sign(z): the weight at −0.010 jumps past "
            "zero to +0.006, the hop of gradient descent. Soft-thresholding stops at 0.",
        ),
        (
            np.where(np.abs(z) > t, z, 0.0),
            "you set the small weight to 0 but left the others as they were (hard "
            f"thresholding). Soft-thresholding also moves every other weight {t:g} "
            "towards zero.",
        ),
        (
            np.maximum(np.abs(z) - t, 0.0),
            "the sizes are right but a sign is lost: multiply max(|z| − α·λ, 0) by sign(z).",
        ),
    ]
    for wrong, hint in mistakes:
        if np.allclose(values, wrong, atol=1e-6):
            return Feedback(False, f"Not quite: {hint}")
    return Feedback(
        False,
        f"Not quite: {np.round(values, 4).tolist()}. For each weight, shrink |z| by α·λ = "
        f"{t:g}; if that goes below 0, the weight is exactly 0. Keep the sign of z.",
    )


@functools.lru_cache(maxsize=1)
def _geometry_loss() -> TwoWeightLoss:
    """The geometry section's loss: ŷ = w1·x + w2·x³ + b on lesson 01's 'poly' data."""
    data = load_dataset("poly", n_samples=100, noise=0.3)
    x = data.x_train[:, 0].astype(np.float64)
    return TwoWeightLoss(np.stack([x, x**3], axis=1), data.y_train)


def check_zeroing_strength(answer: Any) -> Feedback:
    """Exercise 3: the λ at which the geometry section's L1 path puts the x³ weight at 0.

    Example:
        >>> check_zeroing_strength(0.0406).passed
        True
    """
    if answer is None:
        return Feedback.unanswered(
            "While both weights are nonzero, 2·C·(w − w*) + λ·sign(w) = 0: solve for w "
            "and find the λ where the x³ weight reaches 0."
        )
    value = number(answer, text=True)
    if value is None or value <= 0:
        return Feedback(False, f"Expected a positive strength λ. Received: {answer!r}")
    loss = _geometry_loss()
    right = loss.zeroing_strength(1)
    last = loss.zeroing_strength(0)
    inverse = np.linalg.solve(loss.covariance, np.sign(loss.minimum))
    other = float(2 * loss.minimum[0] / inverse[0])  # where x's weight would reach 0
    if close(value, right, rel=5e-3):
        return Feedback(
            True,
            f"Right: λ = {right:.4f}. While both weights are nonzero the L1 minimum is "
            "w = w* − (λ/2)·C⁻¹·sign(w*), a straight line in λ; its x³ weight reaches 0 "
            f"at λ = {right:.4f} and stays there, while the weight of x lives on until "
            f"λ = {last:.3f}.",
        )
    hints = [
        (
            right / 2,
            "this is half the right λ: the gradient of the mean squared error is "
            "2·C·(w − w*), so the line is w = w* − (λ/2)·C⁻¹·sign(w*), with λ/2.",
        ),
        (right * 2, "this is twice the right λ: keep the ½ in w = w* − (λ/2)·C⁻¹·sign(w*)."),
        (
            last,
            "that is where the last weight, the weight of x, reaches 0 (2·max|Xᵀy/n|): the "
            "x³ weight is gone well before.",
        ),
        (
            other,
            "that is where the weight of x would reach 0 if both weights stayed nonzero; "
            "the x³ weight reaches 0 first, and from there the path runs along the axis.",
        ),
        (
            0.05,
            "0.05 is the first λ of the grid with an exact 0, but the path crosses zero "
            "between the grid's 0.04 and 0.05: solve for the crossing itself.",
        ),
    ]
    for wrong, hint in hints:
        if close(value, wrong, rel=5e-3):
            return Feedback(False, f"Not quite: {hint}")
    direction = "larger" if value < right else "smaller"
    return Feedback(
        False,
        f"Not quite: at λ = {value:g} the L1 minimum is "
        f"{np.round(loss.penalized_minimum(value, 'l1'), 4).tolist()}; the crossing is at a "
        f"{direction} λ.",
    )
