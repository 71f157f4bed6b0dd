"""Self-checks and small computations for lesson 03, overfitting and early stopping.

Example:
    >>> from tunelab.exercises import overfitting as ex
    >>> ex.check_diagnosis({"A": "underfit", "B": "overfit", "C": "good fit"})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tunelab.exercises import Feedback, check_choice, not_answered

__all__ = [
    "DIAGNOSIS_RUNS",
    "check_best_epoch",
    "check_diagnosis",
    "check_gap_widener",
    "data_loss",
    "poly_features",
]

# Final (training loss, validation loss) of three runs on moons; cross-entropy, where
# always answering 50 % costs ln 2 ≈ 0.69.
DIAGNOSIS_RUNS: dict[str, tuple[float, float]] = {
    "A": (0.45, 0.47),
    "B": (0.01, 0.92),
    "C": (0.21, 0.24),
}
_DIAGNOSES = {"A": "underfit", "B": "overfit", "C": "good fit"}
_LABELS = ("underfit", "good fit", "overfit")


def poly_features(degree: int) -> tuple[str, ...]:
    """The `features=` argument of ``load_dataset("poly")`` for a polynomial of ``degree``.

    Example:
        >>> poly_features(3)
        ('x', 'x^2', 'x^3')
    """
    if isinstance(degree, bool) or not isinstance(degree, int | np.integer) or not 1 <= degree:
        raise ValueError(f"Expected `degree` to be an integer >= 1. Received: degree={degree!r}")
    return ("x", *(f"x^{k}" for k in range(2, int(degree) + 1)))


def data_loss(result: Any, x: np.ndarray, y: np.ndarray) -> float:
    """The data loss of a result's final weights on ``(x, y)``: what the engine reports.

    Cross-entropy for classification, mean squared error for regression. With early
    stopping and ``restore_best=True`` the final weights are those of the best epoch, so
    this is the validation loss the stopped model really has.

    Example:
        >>> data_loss(res, data.x_val, data.y_val)
    """
    from tunelab.training import network

    return network.loss_on(result, x, y)


def check_diagnosis(answer: Mapping[str, str] | None) -> Feedback:
    """Exercise 1: label each run of `DIAGNOSIS_RUNS` "underfit", "good fit" or "overfit"."""
    if answer is None:
        return not_answered('Give a dict such as {"A": "...", "B": "...", "C": "..."}.')
    if not isinstance(answer, Mapping) or set(answer) != set(_DIAGNOSES):
        return Feedback(False, 'Expected a dict with the keys "A", "B" and "C".')
    unknown = {v for v in answer.values() if str(v).lower().strip() not in _LABELS}
    if unknown:
        return Feedback(False, f"Use only the labels {', '.join(map(repr, _LABELS))}.")
    wrong = [k for k in sorted(_DIAGNOSES) if str(answer[k]).lower().strip() != _DIAGNOSES[k]]
    if not wrong:
        return Feedback(
            True,
            "Right. A: both losses high and close (too little capacity or training). "
            "B: training loss near zero, validation loss far above it (memorized the "
            "training set). C: both low and close.",
        )
    hints = {
        "A": "A's training loss is high, close to ln 2 ≈ 0.69 of a coin flip: it has not "
        "even fit the training set.",
        "B": "B fits the training set almost perfectly, yet its validation loss is the worst "
        "of the three.",
        "C": "C has low losses and a small gap.",
    }
    return Feedback(False, "Look again at " + " ".join(hints[k] for k in wrong))


def check_best_epoch(answer: int | None, result: Any) -> Feedback:
    """Exercise 2: the epoch (counted from 1) with the lowest validation loss of ``result``."""
    if answer is None:
        return not_answered("Use np.argmin on result.history['val_loss'].")
    val = np.asarray(result.history["val_loss"])
    best = int(np.argmin(val)) + 1
    if isinstance(answer, bool) or not isinstance(answer, int | np.integer):
        return Feedback(False, f"Expected a whole number of epochs. Received: {answer!r}")
    if int(answer) == best:
        return Feedback(
            True,
            f"Right: epoch {best}, with validation loss {val[best - 1]:.3f} against "
            f"{val[-1]:.3f} after all {len(val)} epochs. This is the epoch early stopping "
            "keeps with restore_best=True.",
        )
    if int(answer) == best - 1:
        return Feedback(False, "Off by one: history index i holds epoch i + 1.")
    if not 1 <= int(answer) <= len(val):
        return Feedback(False, f"Expected an epoch between 1 and {len(val)}.")
    return Feedback(
        False,
        f"Epoch {answer} has validation loss {val[int(answer) - 1]:.3f}; "
        "another epoch has a lower one.",
    )


def check_gap_widener(answer: str | None) -> Feedback:
    """Exercise 3: which change widens the gap: a, b, c or d?"""
    return check_choice(
        answer,
        "c",
        "Right: more noise puts more points on the wrong side of the true boundary, and a "
        "large network memorizes them; the other three narrow the gap.",
        {
            "a": "More training examples narrow the gap: harder to memorize, closer to the "
            "true distribution. Try it on the panel.",
            "b": "A smaller network has less capacity to memorize: its gap is smaller. "
            "Try 1×4 on the panel.",
            "d": "Early stopping ends training near the validation minimum, before the gap "
            "has grown.",
        },
    )
