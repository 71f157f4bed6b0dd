"""The one place that writes an argument check's message, as Keras does: what was
expected, and what was received.

Every layer checks its numbers through these functions, so a learner who passes a wrong
value anywhere reads the same kind of sentence: ``Expected `dropout` to be in [0, 1).
Received: dropout=1.5``.
"""

from __future__ import annotations

import math
import numbers


def received(name: str, value: object) -> str:
    """The second half of every message: ``Received: name=value``."""
    return f"Received: {name}={value!r}"


def check_number(name: str, value: object, *, integer: bool = False, finite: bool = True):
    """``value`` as a float (or an int with ``integer=True``), or a clear error.

    Example:
        >>> check_number("epochs", 300, integer=True)
        300
    """
    kind = numbers.Integral if integer else numbers.Real
    # bool is an int subclass, but `epochs=True` is always a mistake.
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "an integer" if integer else "a number"
        raise TypeError(f"Expected `{name}` to be {what}. {received(name, value)}")
    number = int(value) if integer else float(value)
    if finite and not integer and not math.isfinite(number):
        raise ValueError(f"Expected `{name}` to be a finite number. {received(name, number)}")
    return number


def check_range(
    name: str,
    value: object,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
    hint: str = "",
):
    """``value`` checked by `check_number` and against its interval; ``hint`` says more.

    Example:
        >>> check_range("dropout", 0.2, 0, 1, high_open=True)
        0.2
    """
    number = check_number(name, value, integer=integer)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        if low is not None and high is not None:
            allowed = f"in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        elif low is not None:
            allowed = f"{'>' if low_open else '>='} {low}"
        else:
            allowed = f"{'<' if high_open else '<='} {high}"
        raise ValueError(f"Expected `{name}` to be {allowed}{hint}. {received(name, number)}")
    return number
