"""Lesson 10 (the playground): self-checks for its exercises.

Example:
    >>> from tunelab.exercises import playground as ex
    >>> ex.check_xor_feature("x1*x2")
"""

from __future__ import annotations

from tunelab.datasets import CROSS_FEATURES, load_dataset
from tunelab.exercises import Feedback
from tunelab.training import TrainConfig, train

__all__ = ["check_spiral_network", "check_xor_feature"]


def check_xor_feature(answer: str | None) -> Feedback:
    """Which single feature cross lets a linear model separate xor?

    Example:
        >>> check_xor_feature("x1*x2")
    """
    if answer is None:
        return Feedback.unanswered("Pick one of " + ", ".join(CROSS_FEATURES[2:]) + ".")
    if answer not in CROSS_FEATURES:
        return Feedback(False, f"{answer!r} is not a feature; choose from {CROSS_FEATURES}.")
    data = load_dataset("xor", features=("x1", "x2", answer))
    result = train(data, TrainConfig(hidden=(), learning_rate=0.1, epochs=300))
    accuracy = result.final("val_acc")
    return Feedback.judge(
        accuracy >= 0.9,
        f"Right: with {answer} a linear model reaches {accuracy:.0%} on xor. The two classes "
        "sit in quadrants where x1·x2 has opposite signs, so one weight on it separates them.",
        f"A linear model with {answer} reaches only {accuracy:.0%}. Which quantity has one sign "
        "in the top-right and bottom-left quadrants and the other sign elsewhere?",
    )


def check_spiral_network(config: TrainConfig | None) -> Feedback:
    """Does this network separate the spiral (validation accuracy >= 0.9)?

    Example:
        >>> check_spiral_network(TrainConfig(hidden=(16, 16), epochs=500))
    """
    if config is None:
        return Feedback.unanswered("Set `config = tl.TrainConfig(...)`.")
    if not isinstance(config, TrainConfig):
        return Feedback(False, "Expected a tl.TrainConfig(...).")
    result = train(load_dataset("spiral"), config)
    if result.diverged_at is not None:
        return Feedback(
            False, f"It diverged at epoch {result.diverged_at}: lower the learning rate."
        )
    accuracy = result.final("val_acc")
    return Feedback.judge(
        accuracy >= 0.9,
        f"Right: {accuracy:.0%} validation accuracy on the spiral.",
        f"{accuracy:.0%} validation accuracy: the spiral needs more capacity (two hidden layers "
        "of 16 or more), more epochs, or a smooth activation such as tanh.",
    )
