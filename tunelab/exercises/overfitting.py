"""Lesson 03 (overfitting and early stopping): self-checks for its exercises.

Example:
    >>> from tunelab.exercises import overfitting as ex
    >>> ex.check_diagnosis({"A": "underfit", "B": "overfit", "C": "good fit"})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tunelab.exercises import Feedback, check_choice

__all__ = ["check_best_epoch", "check_diagnosis", "check_gap_widener"]

_DIAGNOSES = {"A": "underfit", "B": "overfit", "C": "good fit"}
_LABELS = ("underfit", "good fit", "overfit")


def check_diagnosis(answer: Mapping[str, str] | None) -> Feedback:
    """Exercise 1: label each of the lesson's three runs "underfit", "good fit" or "overfit".

    Example:
        >>> check_diagnosis({"A": "underfit", "B": "overfit", "C": "good fit"}).passed
        True
    """
    if answer is None:
        return Feedback.unanswered('Give a dict such as {"A": "...", "B": "...", "C": "..."}.')
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
    """Exercise 2: the epoch (counted from 1) with the lowest validation loss of ``result``.

    Example:
        >>> check_best_epoch(int(np.argmin(res.history["val_loss"])) + 1, res).passed
        True
    """
    if answer is None:
        return Feedback.unanswered("Use np.argmin on result.history['val_loss'].")
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
    """Exercise 3: which change widens the gap: a, b, c or d?

    Example:
        >>> check_gap_widener("c").passed
        True
    """
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
