"""Reading a learner's answer: the one parser every check uses.

A check never raises for a wrong answer, so an answer that is not a number (or a pair of
numbers) is read as None, and the check says what it expected.

Example:
    >>> from tunelab.exercises._answers import number
    >>> number(0.5), number("0.5", text=True), number(True)  # (0.5, 0.5, None)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def number(answer: Any, *, text: bool = False) -> float | None:
    """A finite number from ``answer``, or None (booleans are not numbers here).

    Args:
        answer: what the learner wrote.
        text: also read a string such as ``"0.005"``.

    Example:
        >>> number(3), number(float("nan"))  # (3.0, None)
    """
    if isinstance(answer, bool) or isinstance(answer, np.bool_):
        return None
    if isinstance(answer, int | float | np.number) or (text and isinstance(answer, str)):
        try:
            value = float(answer)
        except (TypeError, ValueError):
            return None
        return value if math.isfinite(value) else None
    return None


def vector(answer: Any, size: int) -> np.ndarray | None:
    """``size`` finite numbers from ``answer`` (a tuple, list or array), or None.

    Example:
        >>> vector((0.3, 0.0, -0.5), 3)  # array([ 0.3,  0. , -0.5])
    """
    if isinstance(answer, str | bytes):
        return None
    try:
        values = np.asarray(answer, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        return None
    return values if values.shape == (size,) and np.all(np.isfinite(values)) else None


def pair(answer: Any) -> np.ndarray | None:
    """Two finite numbers from ``answer`` (a tuple, list or array), or None.

    Example:
        >>> pair((1.25, 1.0))  # array([1.25, 1.  ])
    """
    return vector(answer, 2)


def close(value: float, target: float, rel: float = 1e-3) -> bool:
    """Whether ``value`` is within ``rel`` (relative) of ``target``.

    Example:
        >>> close(0.0050001, 0.005)  # True
    """
    return math.isclose(value, target, rel_tol=rel)
