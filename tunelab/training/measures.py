"""Measurements on a TrainResult, through network.py; numpy only, no TensorFlow.

The lessons turn what a panel shows into numbers they print and check: how noisy the
last epochs were, how many weights L1 drove to zero, how steep the decision surface is,
which example each stochastic step used. The forward pass and the data loss they rest
on live in `tunelab.training.network`; this module only measures.

Example:
    >>> from tunelab.training import measures
    >>> measures.small_fraction(res), measures.wobble(res)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from tunelab.datasets import Dataset, require_binary
from tunelab.training import network

if TYPE_CHECKING:
    from tunelab.training.result import TrainResult

__all__ = [
    "boundary_length",
    "epochs_to_reach",
    "examples_per_step",
    "fit_linear",
    "logit_slope",
    "max_weight_difference",
    "ms_per_epoch",
    "mse_gradient",
    "small_fraction",
    "weighted_loss",
    "wobble",
]


# ----------------------------------------------------------------------------------------
# Losses and curves


def weighted_loss(result: TrainResult, data: Dataset) -> float:
    """The ``class_weight="balanced"`` training loss of a binary result's final weights.

    Each example's loss is multiplied by ``n / (2 · n_class)`` and the products are
    averaged over all ``n`` examples, as Keras's ``class_weight`` does.

    Example:
        >>> weighted_loss(res, data)  # the mean loss on a class-balanced resample, expected
    """
    require_binary(data, "The balanced class-weighted loss")
    y = data.y_train.astype(int)
    counts = np.bincount(y, minlength=2)
    weights = (len(y) / (2 * counts))[y]
    return network.loss_on(result, data.x_train, data.y_train, sample_weight=weights)


def ms_per_epoch(result: TrainResult) -> float:
    """Wall time per epoch of the compiled engine, in milliseconds (shared in a sweep).

    Example:
        >>> ms_per_epoch(res) / res.steps_per_epoch  # milliseconds per step
    """
    return 1000.0 * result.seconds / max(result.epochs_run, 1)


def wobble(result: TrainResult, last: int = 50) -> float:
    """How much the training loss jumps from epoch to epoch near the end of training.

    The standard deviation of the epoch-to-epoch change of the training loss over the
    ``last`` epochs: near 0 for full batch, larger the noisier the steps.

    Example:
        >>> wobble(res_batch8) > wobble(res_full)
    """
    changes = np.diff(np.asarray(result.history["train_loss"])[-(last + 1) :])
    return float(np.std(changes)) if changes.size else 0.0


def epochs_to_reach(losses: Sequence[float], threshold: float) -> int | None:
    """The first epoch (counted from 1) whose loss is below ``threshold``; None if never.

    Example:
        >>> epochs_to_reach(result.history["train_loss"], 0.1)
    """
    below = np.flatnonzero(np.asarray(losses, np.float64) < threshold)
    return int(below[0]) + 1 if len(below) else None


# ----------------------------------------------------------------------------------------
# Weights and the decision surface


def small_fraction(result: TrainResult, threshold: float = network.SMALL_WEIGHT) -> float:
    """The fraction of kernel weights with ``|w| < threshold``.

    Example:
        >>> small_fraction(l1_result), small_fraction(l1_result, threshold=1e-2)
    """
    if not threshold > 0:
        raise ValueError(f"Expected `threshold` to be > 0. Received: threshold={threshold}")
    return float(np.mean(np.abs(network.kernel_weights(result)) < threshold))


def max_weight_difference(a: TrainResult, b: TrainResult) -> float:
    """The largest absolute difference between two results' weights (same shapes).

    Example:
        >>> max_weight_difference(l2_run, weight_decay_run)
    """
    return max(float(np.max(np.abs(x - y))) for x, y in zip(a.weights, b.weights, strict=True))


def _logit_grid(result: TrainResult) -> np.ndarray:
    if result.grid_inputs is None or result.grid_shape is None:
        raise ValueError(
            "Expected a result trained on a 2-D dataset (it has a decision-surface grid); "
            "this one has none."
        )
    z = network.forward(result.weights, result.config.activation, result.grid_inputs)
    if z.shape[1] != 1:
        raise ValueError(
            f"Expected a binary classifier (one output logit). Received {z.shape[1]} outputs."
        )
    return z[:, 0].reshape(result.grid_shape)


def logit_slope(result: TrainResult) -> float:
    """Mean steepness |∇z| of the network's logit z over the plotted square, per unit of x.

    A large value means the output jumps from one class to the other in a thin band (an
    overconfident, wiggly boundary); small weights give a gentle, smooth transition.

    Example:
        >>> logit_slope(unregularized), logit_slope(regularized)
    """
    z = _logit_grid(result)
    points = result.grid_points
    rows, cols = result.grid_shape
    dx = (points[:, 0].max() - points[:, 0].min()) / (cols - 1)
    dy = (points[:, 1].max() - points[:, 1].min()) / (rows - 1)
    grad_y, grad_x = np.gradient(z.astype(np.float64), dy, dx)
    return float(np.mean(np.hypot(grad_x, grad_y)))


def boundary_length(result: TrainResult) -> int:
    """Length of the decision boundary in grid steps: neighbouring grid points of different class.

    Example:
        >>> boundary_length(unregularized) > boundary_length(regularized)
    """
    side = _logit_grid(result) > 0
    return int(np.sum(side[1:] != side[:-1]) + np.sum(side[:, 1:] != side[:, :-1]))


# ----------------------------------------------------------------------------------------
# A linear model: its gradient, its path, its exact minimizer


def mse_gradient(w: float, b: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The gradient (∂J/∂w, ∂J/∂b) of J(w, b) = mean((w·x + b − y)²).

    Example:
        >>> mse_gradient(1.0, 0.0, np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]))
    """
    x = np.asarray(x, np.float64)
    residual = w * x + b - np.asarray(y, np.float64)
    return np.array([2 * np.mean(residual * x), 2 * np.mean(residual)])


def examples_per_step(result: TrainResult, data: Dataset) -> np.ndarray:
    """Which training example each step of a stochastic run (batch size 1) used.

    For ŷ = w·x + b with plain SGD and no penalty, one step on example i moves
    Δw = −α·2rᵢ·xᵢ and Δb = −α·2rᵢ, so Δw/Δb = xᵢ: the path alone tells which example
    was used.

    Returns:
        An int array of shape (epochs, n): the example index of every step, epoch by epoch.

    Example:
        >>> order = examples_per_step(tl.train(data, cfg_batch_1), data)
        >>> (np.sort(order, axis=1) == np.arange(len(data.y_train))).all()
    """
    cfg = result.config
    if cfg.hidden or cfg.batch_size != 1 or cfg.optimizer != "sgd" or result.path is None:
        raise ValueError(
            "Expected a result of a line (hidden=(), one input feature) trained with "
            f"optimizer='sgd' and batch_size=1. Received: {cfg.describe()}"
        )
    if cfg.l1 or cfg.l2 or cfg.weight_decay:
        raise ValueError("Expected no penalty and no weight decay: they change Δw.")
    steps = np.diff(result.path.astype(np.float64), axis=0)
    x_of_step = steps[:, 0] / steps[:, 1]
    x = data.x_train[:, 0].astype(np.float64)
    distance = np.abs(x_of_step[:, None] - x[None, :])
    index = np.argmin(distance, axis=1)
    # float32 paths blur Δw/Δb when steps are tiny; refuse rather than guess.
    if distance.min(axis=1).max() > 0.5 * np.diff(np.sort(x)).min():
        raise ValueError(
            "The steps are too small to tell neighbouring examples apart in float32. "
            f"Use a larger learning rate (0.1 works). Received: {cfg.learning_rate}"
        )
    return index.reshape(-1, len(x))


def fit_linear(x: np.ndarray, y: np.ndarray, l2: float = 0.0) -> tuple[np.ndarray, float]:
    """Exact minimizer of ``mean((x·w + b − y)²) + l2·Σw²`` (the bias is not penalized).

    The same objective the engine uses for a linear regression (``hidden=()``) with the
    Keras L2 convention, solved in closed form.

    Returns:
        ``(w, b)``.

    Example:
        >>> w, b = fit_linear(data.x_train, data.y_train, l2=0.09)
    """
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    if x.ndim != 2 or y.shape != (len(x),):
        raise ValueError(
            f"Expected x of shape (n, d) and y of shape (n,). Received: {x.shape}, {y.shape}"
        )
    design = np.column_stack([x, np.ones(len(x))])
    ridge = np.diag([*[len(x) * float(l2)] * x.shape[1], 0.0])
    theta = np.linalg.solve(design.T @ design + ridge, design.T @ y)
    return theta[:-1], float(theta[-1])
