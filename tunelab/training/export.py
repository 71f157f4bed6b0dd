"""Export a trained network as a real Keras model (and a ``.keras`` file), train a Keras
model the engine's full-batch way, and ask Keras what it makes of a lesson's labels.

Example:
    >>> model = to_keras(result)
    >>> save_keras(result, "my_model.keras")
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training.backend import tf  # TensorFlow first, quietly
from tunelab.training.result import TrainResult

_OUTPUT_ACTIVATION = {"binary": "sigmoid", "multiclass": "softmax", "regression": "linear"}


def to_keras(result: TrainResult):
    """A ``keras.Sequential`` with the result's architecture and trained weights.

    Dropout layers are included with the trained rate (Keras's inverted dropout: they do
    nothing at inference), and the L1/L2 strengths as kernel regularizers, so the model
    can go on training in Keras with the same objective.

    Returns:
        The Keras model; its ``predict`` matches ``result.predict`` on the same inputs.
    """
    import keras

    config = result.config
    n_in = result.weights[0].shape[0]
    regularizer = None
    if config.l1 or config.l2:
        regularizer = keras.regularizers.L1L2(l1=config.l1, l2=config.l2)
    layers = [keras.Input((n_in,))]
    for width in config.hidden:
        layers.append(keras.layers.Dense(width, config.activation, kernel_regularizer=regularizer))
        if config.dropout:
            layers.append(keras.layers.Dropout(config.dropout))
    n_out = result.weights[-1].shape[0]
    layers.append(
        keras.layers.Dense(n_out, _OUTPUT_ACTIVATION[result.task], kernel_regularizer=regularizer)
    )
    model = keras.Sequential(layers, name="tunelab_model")
    model.set_weights([np.asarray(w) for w in result.weights])
    return model


def save_keras(result: TrainResult, path: str | Path) -> Path:
    """Save the trained network to a ``.keras`` file (Keras's own format, no pickle).

    Example:
        >>> save_keras(result, "playground.keras")
    """
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"Expected `path` to end in .keras. Received: path={str(path)!r}")
    to_keras(result).save(path)
    return path


def fit_full_batch(model, x: np.ndarray, y: np.ndarray, steps: int):
    """``model.fit`` with `steps` full-batch updates: the same updates as
    ``fit(x, y, batch_size=len(x), epochs=steps)``, as one pass over the full batch
    repeated, without Keras's per-epoch cost. Returns the fit's History.

    Example:
        >>> fit_full_batch(model, data.x_train, data.y_train, steps=300)
    """
    batches = tf.data.Dataset.from_tensors((x, y)).repeat(steps)
    return model.fit(batches, epochs=1, shuffle=False, verbose=0)


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
