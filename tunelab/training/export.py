"""Export a trained network as a real Keras model (and a ``.keras`` file), and train a
Keras model the engine's full-batch way.

Example:
    >>> model = to_keras(result)
    >>> save_keras(result, "my_model.keras")
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
    repeated, without Keras's per-epoch cost. Returns the fit's History."""
    batches = tf.data.Dataset.from_tensors((x, y)).repeat(steps)
    return model.fit(batches, epochs=1, shuffle=False, verbose=0)
