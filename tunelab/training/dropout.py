"""The engine's inverted dropout outside the compiled loop: the very masks it draws.

A lesson can apply the mask the engine used at a given seed, step and layer
(`apply_dropout`), and look at each hidden layer's output with dropout on or off
(`hidden_activations`); the random numbers come from `tunelab.training.rng`, as in the
compiled loop.
"""

from __future__ import annotations

import numpy as np

from tunelab.training import network
from tunelab.training.backend import tf
from tunelab.training.result import TrainResult
from tunelab.training.rng import uniform

__all__ = ["apply_dropout", "hidden_activations"]


def apply_dropout(
    h: np.ndarray,
    rate: float,
    *,
    seed: int = 0,
    step: int = 0,
    layer: int = 0,
    training: bool = True,
) -> np.ndarray:
    """The engine's inverted dropout, applied to activations ``h`` of shape (n, width).

    Training: each activation is zeroed with probability ``rate`` and the kept ones are
    multiplied by 1/(1−rate), so the expected activation is unchanged. Inference
    (``training=False``): ``h`` is returned as it is; nothing is dropped or rescaled.
    The mask is the one the engine draws for that seed, step and layer.

    Example:
        >>> out = apply_dropout(np.ones((4, 8), np.float32), 0.5, seed=1)
        >>> sorted(set(out.ravel()))  # [0.0, 2.0]
    """
    rate = float(rate)
    if not 0 <= rate < 1:
        raise ValueError(f"Expected `rate` to be in [0, 1). Received: rate={rate}")
    h = np.asarray(h, np.float32)
    if not training or rate == 0:
        return h.copy()
    u = uniform(tf.constant([seed], tf.int32), tf.constant(step), layer, tf.shape(h)).numpy()[0]
    keep = np.float32(1.0 - rate)
    return np.where(u < keep, h / keep, np.float32(0)).astype(np.float32)


def hidden_activations(
    result: TrainResult, x: np.ndarray, *, training: bool = False, step: int = 0
) -> list[np.ndarray]:
    """Each hidden layer's output for inputs ``x``, with dropout on (training) or off.

    Example:
        >>> acts = hidden_activations(res, data.x_val, training=True)
        >>> [a.mean() for a in acts]
    """
    rate = result.config.dropout if training else 0.0

    def dropout(h: np.ndarray, layer: int) -> np.ndarray:
        return apply_dropout(
            h, rate, seed=result.config.seed, step=step, layer=layer, training=training
        )

    return network.hidden(result.weights, result.config.activation, x, dropout=dropout)
