"""`claim`: a statement a lesson makes about what its plots show, checked where it runs.

A lesson's check cells are collapsed out of the reader's way and tagged ``check``; each
says in words what it checks, and nbval runs them in CI, so a claim that stops holding
fails the build instead of misleading a learner.

Example:
    >>> import tunelab as tl
    >>> tl.claim("the training loss rises with λ", all(a <= b for a, b in zip(t, t[1:])))
    ✓ the training loss rises with λ
"""

from __future__ import annotations


def claim(text: str, condition: object, detail: object = None) -> None:
    """Print ``✓ text`` when ``condition`` holds; otherwise raise with the text.

    Args:
        text: the claim, as a learner would read it.
        condition: what makes it true (anything truthy or falsy, e.g. a comparison).
        detail: shown after the text when the claim fails (the numbers involved).

    Raises:
        AssertionError: the claim does not hold (nbval reports the cell).

    Example:
        >>> claim("dropout widens the training loss", losses[0.5] > losses[0.0], losses)
    """
    if not isinstance(text, str) or not text.strip():
        raise TypeError(f"Expected `text` to be a sentence. Received: text={text!r}")
    if not bool(condition):
        raise AssertionError(f"✗ {text}" + ("" if detail is None else f" ({detail})"))
    print(f"✓ {text}")
