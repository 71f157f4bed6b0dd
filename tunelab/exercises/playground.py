"""Self-checks for lesson 08 (the playground)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tunelab.datasets import CROSS_FEATURES, Dataset, load_dataset
from tunelab.exercises import Feedback, feedback, not_answered
from tunelab.training import TrainConfig, train
from tunelab.training.export import fit_full_batch


def check_xor_feature(answer: str | None) -> Feedback:
    """Which single feature cross lets a linear model separate xor?

    Example:
        >>> check_xor_feature("x1*x2")
    """
    if answer is None:
        return not_answered("Pick one of " + ", ".join(CROSS_FEATURES[2:]) + ".")
    if answer not in CROSS_FEATURES:
        return Feedback(False, f"{answer!r} is not a feature; choose from {CROSS_FEATURES}.")
    data = load_dataset("xor", features=("x1", "x2", answer))
    result = train(data, TrainConfig(hidden=(), learning_rate=0.1, epochs=300))
    accuracy = result.final("val_acc")
    return feedback(
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
        return not_answered("Set `config = tl.TrainConfig(...)`.")
    if not isinstance(config, TrainConfig):
        return Feedback(False, "Expected a tl.TrainConfig(...).")
    result = train(load_dataset("spiral"), config)
    if result.diverged_at is not None:
        return Feedback(
            False, f"It diverged at epoch {result.diverged_at}: lower the learning rate."
        )
    accuracy = result.final("val_acc")
    return feedback(
        accuracy >= 0.9,
        f"Right: {accuracy:.0%} validation accuracy on the spiral.",
        f"{accuracy:.0%} validation accuracy: the spiral needs more capacity (two hidden layers "
        "of 16 or more), more epochs, or a smooth activation such as tanh.",
    )


def label_mistakes(labels: Sequence[int], n_outputs: int) -> dict[str, str]:
    """Ask Keras what it makes of these integer labels for an `n_outputs`-way softmax.

    Three calls: categorical cross-entropy on the integers themselves, sparse categorical
    cross-entropy on them, and one-hot encoding them with `to_categorical`. Each answer is
    the error Keras raises (its type and first line) or "no error: ..." with the result.

    Example:
        >>> label_mistakes([1, 2, 3], n_outputs=3)["to_categorical(y, 3)"]
        'IndexError: index 3 is out of bounds for axis 1 with size 3'
    """
    import keras

    y = np.asarray(labels)
    if y.ndim != 1 or y.size == 0 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"Expected `labels` to be a non-empty list of integers. Received: labels={labels}"
        )
    if not isinstance(n_outputs, int) or n_outputs < 2:
        raise ValueError(
            f"Expected `n_outputs` to be an integer >= 2. Received: n_outputs={n_outputs!r}"
        )
    proba = np.full((y.size, n_outputs), 1.0 / n_outputs, np.float32)  # a uniform softmax
    calls = {
        "categorical_crossentropy(y, p)": lambda: keras.losses.categorical_crossentropy(y, proba),
        "sparse_categorical_crossentropy(y, p)": lambda: (
            keras.losses.sparse_categorical_crossentropy(y, proba)
        ),
        f"to_categorical(y, {n_outputs})": lambda: keras.utils.to_categorical(y, n_outputs),
    }
    answers = {}
    for call, run in calls.items():
        try:
            value = np.asarray(run())
        except Exception as error:  # what Keras says is the lesson
            # TensorFlow wraps its message in a node name and ends it with the op's name.
            text = re.sub(r"\{\{.*?\}\}|\s*\[Op:\w+\].*", "", str(error), flags=re.S)
            text = " ".join(text.strip().splitlines()[0].split())
            answers[call] = f"{type(error).__name__}: {text}"
        else:
            shown = np.array2string(value, precision=3, separator=", ").replace("\n", "")
            answers[call] = f"no error: {shown}"
    return answers


@dataclass(frozen=True)
class ThreeClassFit:
    """A Keras classifier trained by `fit_three_classes`: validation probabilities,
    validation accuracy and final training loss."""

    proba: np.ndarray
    val_acc: float
    train_loss: float


def fit_three_classes(
    data: Dataset, *, one_hot: bool, steps: int = 300, seed: int = 0
) -> ThreeClassFit:
    """Train a 2-32-32-3 tanh/softmax `keras.Sequential` with `model.fit` (Adam 0.02,
    `steps` full-batch steps) on a three-class dataset whose labels are 0, 1, 2.

    `one_hot=False` feeds the integer labels to "sparse_categorical_crossentropy";
    `one_hot=True` feeds `to_categorical(labels, 3)` to "categorical_crossentropy".

    Example:
        >>> fit_three_classes(load_dataset("spiral3"), one_hot=False).val_acc
    """
    import keras

    if data.task != "multiclass":
        raise ValueError(f"Expected a multiclass dataset such as spiral3. Received: {data.name}")
    n_classes = data.n_classes
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((data.x_train.shape[1],)),
            keras.layers.Dense(32, activation="tanh"),
            keras.layers.Dense(32, activation="tanh"),
            keras.layers.Dense(n_classes, activation="softmax"),
        ]
    )
    loss = "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss=loss, steps_per_execution=steps)
    y = data.y_train.astype("int32")
    if one_hot:
        y = keras.utils.to_categorical(y, n_classes)
    fit_full_batch(model, data.x_train, y, steps)
    proba = model.predict(data.x_val, verbose=0)
    return ThreeClassFit(
        proba=proba,
        val_acc=float(np.mean(proba.argmax(axis=1) == data.y_val)),
        train_loss=float(model.evaluate(data.x_train, y, verbose=0)),
    )
