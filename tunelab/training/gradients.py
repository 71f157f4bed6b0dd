"""Per-example gradients of a trained network, and the noise a mini-batch carries.

TensorFlow's automatic differentiation at a result's final weights: what one step of
batch size B would see, against the full-batch gradient.

Example:
    >>> from tunelab.training.gradients import gradient_noise
    >>> gradient_noise(res, data, [8, 32, 128])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training.backend import tf  # TensorFlow first, quietly
from tunelab.training.result import TrainResult

__all__ = ["gradient_noise", "per_example_gradients"]

_TF_ACTIVATIONS: dict[str, Any] = {
    "relu": tf.nn.relu,
    "tanh": tf.tanh,
    "sigmoid": tf.sigmoid,
    "linear": tf.identity,
}


def per_example_gradients(result: TrainResult, data: Dataset) -> np.ndarray:
    """Each training example's gradient of its data loss at the result's final weights.

    Returns:
        An array of shape (n, parameters): every weight and bias, flattened in order.

    Example:
        >>> per_example_gradients(res, data).mean(axis=0)  # the full-batch gradient
    """
    params = [tf.Variable(w.astype(np.float32)) for w in result.weights]
    act = _TF_ACTIVATIONS[result.config.activation]
    x = tf.constant(data.x_train)
    y = tf.constant(data.y_train)
    with tf.GradientTape() as tape:
        h = x
        for layer in range(len(params) // 2):
            h = h @ params[2 * layer] + params[2 * layer + 1]
            if layer < len(params) // 2 - 1:
                h = act(h)
        if result.task == "binary":
            loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=h[:, 0])
        elif result.task == "multiclass":
            loss = tf.nn.sparse_softmax_cross_entropy_with_logits(tf.cast(y, tf.int32), h)
        else:
            loss = tf.square(h[:, 0] - y)
    jacobians = tape.jacobian(loss, params)
    return np.concatenate([j.numpy().reshape(len(data.y_train), -1) for j in jacobians], axis=1)


def gradient_noise(
    result: TrainResult,
    data: Dataset,
    batch_sizes: Sequence[int],
    draws: int = 400,
    seed: int = 0,
) -> dict[int, float]:
    """How far a mini-batch gradient typically lands from the full-batch gradient.

    At the result's final weights, draws ``draws`` mini-batches of ``B`` distinct training
    examples (as one shuffled epoch would) for every ``B`` in ``batch_sizes`` and measures
    the root-mean-square of ``‖g_batch − g_full‖`` over all weights and biases: the noise
    one step of that batch size carries. Theory: it shrinks like
    ``sqrt((n − B) / (B · (n − 1)))``, so it is 0 for the full batch.

    Returns:
        ``{B: noise}``.

    Example:
        >>> gradient_noise(res, data, [8, 32, 128])
    """
    n = len(data.y_train)
    for b in batch_sizes:
        if isinstance(b, bool) or not isinstance(b, int | np.integer) or not 1 <= b <= n:
            raise ValueError(
                f"Expected every batch size to be an integer between 1 and the training size "
                f"{n}. Received: batch_sizes={list(batch_sizes)!r}"
            )
    per_example = per_example_gradients(result, data)  # (n, parameters)
    full = per_example.mean(axis=0)
    rng = np.random.default_rng(seed)
    noise = {}
    for b in batch_sizes:
        squared = [
            np.sum((per_example[rng.choice(n, int(b), replace=False)].mean(axis=0) - full) ** 2)
            for _ in range(draws)
        ]
        noise[int(b)] = float(np.sqrt(np.mean(squared)))
    return noise
