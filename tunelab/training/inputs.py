"""What a training call is made of, computed on the host: initial weights, the example
weights, the divergence threshold, the decision-surface grid, and the data checks.

The engine (`tunelab.training.engine`) calls these once per call, outside the compiled
loop; they use numpy and Keras's initializers, never a compiled function.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training import network
from tunelab.training.config import TrainConfig

__all__ = ["blowup_loss", "check_data", "class_weights", "grid_points", "initial_weights"]


@lru_cache(maxsize=256)
def initial_weights(shapes: tuple[tuple[int, int], ...], seed: int) -> tuple[np.ndarray, ...]:
    """Keras's Dense defaults: Glorot-uniform kernels from the seed, zero biases."""
    import keras

    out = []
    for layer, (fan_in, fan_out) in enumerate(shapes):
        init = keras.initializers.GlorotUniform(seed=(seed * 16 + layer) % (2**31 - 1))
        out.append(np.asarray(init((fan_in, fan_out)), dtype=np.float32))
        out.append(np.zeros(fan_out, np.float32))
    return tuple(out)


def grid_points(data: Dataset, size: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Raw grid points (for plots) and their model features, or empty for tabular data."""
    if data.extent is not None:
        x0, x1, y0, y1 = data.extent
        gx, gy = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y0, y1, size))
        points = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)
        return points, data.featurize(points)
    if data.points_train.shape[1] == 1:
        lo = float(min(data.points_train.min(), data.points_val.min()))
        hi = float(max(data.points_train.max(), data.points_val.max()))
        pad = 0.05 * (hi - lo)
        points = np.linspace(lo - pad, hi + pad, 4 * size, dtype=np.float32)[:, None]
        return points, data.featurize(points)
    return np.zeros((0, data.x_train.shape[1]), np.float32), None


def blowup_loss(data: Dataset, weights: tuple[np.ndarray, ...], activation: str) -> float:
    """The training loss above which a run counts as diverged.

    Ten times the larger of the loss at initialization and the loss of a model that always
    predicts the training average (class frequencies, or the mean for regression).
    """
    y = data.y_train
    if data.task == "regression":
        baseline = float(np.var(y))
    else:
        freq = np.bincount(y.astype(int), minlength=data.n_classes) / len(y)
        baseline = float(-np.sum(freq[freq > 0] * np.log(freq[freq > 0])))
    start = network.data_loss(network.forward(weights, activation, data.x_train), y, data.task)
    return 10.0 * max(baseline, start, 1e-3)


def class_weights(data: Dataset, config: TrainConfig) -> np.ndarray:
    y = data.y_train
    if config.class_weight is None or data.task == "regression":
        return np.ones_like(y)
    n_classes = data.n_classes
    if config.class_weight == "balanced":
        counts = np.bincount(y.astype(int), minlength=n_classes).astype(np.float64)
        weights = len(y) / (n_classes * np.maximum(counts, 1))
    else:
        weights = np.asarray(config.class_weight, np.float64)
        if len(weights) != n_classes:
            raise ValueError(
                f"Expected `class_weight` to hold {n_classes} weights, one per class of "
                f"{data.name!r}. Received: class_weight={config.class_weight!r}"
            )
    return weights[y.astype(int)].astype(np.float32)


def check_data(data: Dataset) -> None:
    if not isinstance(data, Dataset):
        raise TypeError(
            "Expected `data` to be a tunelab Dataset, e.g. tl.load_dataset('moons'). "
            f"Received: data of type {type(data).__name__}"
        )
    for name in ("x_train", "x_val"):
        x = getattr(data, name)
        if x.ndim != 2 or x.shape[0] < 1:
            raise ValueError(
                f"Expected `data.{name}` to be a non-empty 2-D array. Received shape {x.shape}"
            )
        if not np.all(np.isfinite(x)):
            raise ValueError(
                f"Expected `data.{name}` to hold only finite numbers; it holds NaN or inf."
            )
    if data.x_train.shape[1] != data.x_val.shape[1]:
        raise ValueError(
            f"Expected `data.x_train` and `data.x_val` to have the same number of features. "
            f"Received: {data.x_train.shape[1]} and {data.x_val.shape[1]}"
        )
    for xname, yname in (("x_train", "y_train"), ("x_val", "y_val")):
        x, y = getattr(data, xname), getattr(data, yname)
        if y.shape != (x.shape[0],):
            raise ValueError(
                f"Expected `data.{yname}` to have shape ({x.shape[0]},) to match `data.{xname}`. "
                f"Received shape {y.shape}"
            )
        if not np.all(np.isfinite(y)):
            raise ValueError(
                f"Expected `data.{yname}` to hold only finite numbers; it holds NaN or inf."
            )
