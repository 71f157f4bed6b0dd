"""Self-checks for the lessons' exercises: each says right or wrong, and why.

A check never raises for a wrong answer (a learner's attempt is not an error); it returns
a `Feedback` that shows as a coloured box in the notebook and has ``.passed`` for tests.
Each lesson's checks live in their own module, named for the lesson's topic.

Example:
    >>> from tunelab.exercises import Feedback
    >>> Feedback.judge(2 + 2 == 4, "Right: four.", "Not quite: add again.")
"""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = ["Feedback", "check_choice"]


@dataclass(frozen=True)
class Feedback:
    """The verdict of a self-check: ``passed`` and a sentence saying why."""

    passed: bool | None
    message: str

    def _repr_html_(self) -> str:
        if self.passed is None:
            colour, mark = "#555", "…"
        elif self.passed:
            colour, mark = "#1b7f3b", "✓"
        else:
            colour, mark = "#b3261e", "✗"
        return (
            f'<div style="border-left:4px solid {colour};padding:4px 10px;color:{colour}">'
            f"<b>{mark}</b> {html.escape(self.message)}</div>"
        )

    def __repr__(self) -> str:
        mark = {None: "…", True: "✓", False: "✗"}[self.passed]
        return f"{mark} {self.message}"

    def __bool__(self) -> bool:
        return bool(self.passed)

    @classmethod
    def judge(cls, ok: bool, right: str, wrong: str) -> Feedback:
        """A verdict with the ``right`` or the ``wrong`` explanation.

        Example:
            >>> Feedback.judge(answer == 4, "Right: four.", "Not quite: add again.")
        """
        return cls(bool(ok), right if ok else wrong)

    @classmethod
    def unanswered(cls, hint: str = "") -> Feedback:
        """What a check says before the learner has written an answer.

        Example:
            >>> Feedback.unanswered('Answer "a", "b", "c" or "d".')
        """
        return cls(None, ("Not answered yet. " + hint).strip())


def check_choice(
    answer: str | None, right: str, right_msg: str, wrong_msgs: dict[str, str]
) -> Feedback:
    """A multiple-choice check over "a", "b", "c" and "d" (brackets and case ignored).

    Args:
        answer: the learner's letter, or None before answering.
        right: the right letter.
        right_msg: why it is right.
        wrong_msgs: for each wrong letter, why it is wrong.
    """
    if answer is None:
        return Feedback.unanswered('Answer "a", "b", "c" or "d".')
    choice = str(answer).strip().lower().strip("()")
    if choice not in ("a", "b", "c", "d"):
        return Feedback(False, f'Expected "a", "b", "c" or "d". Received: {answer!r}')
    return Feedback.judge(choice == right, right_msg, wrong_msgs.get(choice, ""))
