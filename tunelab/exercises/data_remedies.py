"""Lesson 08 (data remedies): self-checks for its exercises.

The lesson's datasets come from `tunelab.datasets` (augmentation) and scikit-learn
(`load_digits`), its measurements from `tunelab.training.measures`, its panel from
`tunelab.widgets.remedies` and its image augmentation from Keras's layers; this module
only grades the answers.

Example:
    >>> from tunelab.exercises import data_remedies as ex
    >>> ex.check_ridge_alpha(1.8)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tunelab.exercises import Feedback
from tunelab.exercises._answers import close, number

__all__ = ["check_label_keeping", "check_ridge_alpha", "check_rotation_acts"]

# Exercise 2: the augmentations offered for handwritten digits, and why each is or is not
# one (the lesson lists the same letters).
_DIGIT_AUGMENTATIONS: dict[str, tuple[bool, str]] = {
    "a": (True, "a tilt of up to ±10° keeps every digit: people write slanted"),
    "b": (
        False,
        "a left-right mirror turns a 3 into an ε and a 5, 6 or 7 into shapes that are no digit "
        "(the lesson's reader read few of those mirrored digits as themselves)",
    ),
    "c": (True, "faint noise (σ = 0.1 on pixels in [0, 1]) leaves every digit readable"),
    "d": (False, "a 180° turn makes a 6 a 9 and a 9 a 6: a wrong label, not a new example"),
    "e": (True, "a shift by one pixel moves the digit, not its shape"),
    "f": (False, "a top-bottom mirror turns a 7 into a hook and a 6 into a backwards 9"),
}
# Exercise 3: where a RandomRotation at the front of a Keras model acts.
_ROTATION_CALLS: dict[str, tuple[bool, str]] = {
    "a": (True, "fit calls every layer with training=True, so each step rotates afresh"),
    "b": (False, "predict passes training=False: the rotation returns its input"),
    "c": (False, "evaluate passes training=False, as predict does"),
    "d": (
        True,
        "a direct call model(x) passes no training argument, and RandomRotation then "
        "defaults to training=True (GaussianNoise and Dropout default to off)",
    ),
    "e": (False, "training=False, given explicitly, switches every augmentation layer off"),
}


def _letters(answer: Any, allowed: Iterable[str]) -> set[str] | None:
    """The set of letters in ``answer`` ("ace", "a, c, e", ["a", "c"]), or None if unreadable."""
    if isinstance(answer, str):
        parts = [c for c in answer.lower() if c.isalnum()]
    elif isinstance(answer, Iterable):
        parts = [str(item).strip().lower().strip("()") for item in answer]
    else:
        return None
    letters = set(parts)
    return letters if letters and letters <= set(allowed) else None


def _grade_letters(answer: Any, table: dict[str, tuple[bool, str]], topic: str) -> Feedback:
    """A verdict on a set of letters: right when it is exactly the letters marked True."""
    allowed = ", ".join(f'"{k}"' for k in table)
    if answer is None:
        return Feedback.unanswered(f"Give the letters as a string such as {'ab'!r}.")
    chosen = _letters(answer, table)
    if chosen is None:
        return Feedback(
            False, f"Expected one or more of the letters {allowed}. Received: {answer!r}"
        )
    right = {k for k, (keeps, _) in table.items() if keeps}
    if chosen == right:
        reasons = "; ".join(f"({k}) {table[k][1]}" for k in sorted(right))
        return Feedback(True, f"Right: {reasons}.")
    wrong = [f"({k}) is not {topic}: {table[k][1]}" for k in sorted(chosen - right)]
    missing = [f"({k}) is one too: {table[k][1]}" for k in sorted(right - chosen)]
    return Feedback(False, "Not quite. " + "; ".join(wrong + missing) + ".")


def check_ridge_alpha(answer: Any, sigma: float = 0.3, n: int = 20) -> Feedback:
    """Exercise 1: scikit-learn's Ridge ``alpha`` equivalent to input noise ``sigma``.

    Ridge minimizes ``Σ(x·w + b − y)² + alpha·Σw²``, a *sum* over the ``n`` examples, while
    the lesson's objective is a mean plus ``λ·Σw²`` with ``λ = σ²``.

    Example:
        >>> check_ridge_alpha(1.8, sigma=0.3, n=20).passed
        True
    """
    if answer is None:
        return Feedback.unanswered(
            "Multiply the lesson's objective (a mean) by n to get Ridge's sum."
        )
    value = number(answer)
    if value is None:
        return Feedback(False, f"Expected a number. Received: {answer!r}")
    right = n * sigma**2
    if close(value, right):
        return Feedback(
            True,
            f"Right: alpha = n·σ² = {n}·{sigma**2:g} = {right:g}. Multiplying mean + σ²·Σw² by "
            f"n gives sum + n·σ²·Σw², which has the same minimizer. Same penalty, three "
            "spellings: λ = σ² (mean, λ·Σw²), λ = 2σ² (mean, ½·λ·Σw²), alpha = n·σ² (sum).",
        )
    if close(value, sigma**2):
        return Feedback(
            False,
            f"λ = σ² = {sigma**2:g} is right for a *mean* squared error. Ridge sums the squared "
            f"errors over the {n} examples: rescale.",
        )
    if close(value, 2 * right) or close(value, 2 * sigma**2):
        return Feedback(False, "Ridge writes alpha·Σw², not ½·alpha·Σw²: no factor of 2.")
    return Feedback(
        False,
        "Not quite: start from λ = σ² for the mean squared error, then ask what multiplying "
        "the whole objective by n does to the penalty's factor.",
    )


def check_label_keeping(answer: Any) -> Feedback:
    """Exercise 2: which of the augmentations (a)–(f) keep a handwritten digit's label.

    (a) rotate by up to ±10°, (b) mirror left to right, (c) add Gaussian noise σ = 0.1,
    (d) rotate by 180°, (e) shift by one pixel, (f) mirror top to bottom.

    Args:
        answer: the letters, as a string (``"ace"``, ``"a, c, e"``) or a collection of
            letters; None before answering.

    Example:
        >>> check_label_keeping("ace").passed
        True
    """
    return _grade_letters(answer, _DIGIT_AUGMENTATIONS, "label-keeping")


def check_rotation_acts(answer: Any) -> Feedback:
    """Exercise 3: in which calls a ``RandomRotation`` at the front of a model rotates.

    (a) ``model.fit(…)``, (b) ``model.predict(x)``, (c) ``model.evaluate(x, y)``,
    (d) ``model(x)``, (e) ``model(x, training=False)``.

    Args:
        answer: the letters, as a string (``"ad"``) or a collection of letters; None
            before answering.

    Example:
        >>> check_rotation_acts("ad").passed
        True
    """
    return _grade_letters(answer, _ROTATION_CALLS, "a call that rotates")
