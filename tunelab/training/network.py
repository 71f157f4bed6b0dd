"""The network in numpy: what it outputs and what its data loss is, written once.

Results, plots and lessons all ask the same two questions of trained weights: "what does
the network output for these inputs?" and "what is its loss on these labels?". Both are
answered here, with the formulas the compiled engine uses, so a number measured after
training agrees with the engine's recorded history to float32 rounding:

- binary: ``max(z, 0) − z·y + log(1 + exp(−|z|))`` on the logit z (TensorFlow's
  ``sigmoid_cross_entropy_with_logits``), never a clipped probability;
- multiclass: ``logsumexp(z) − z[y]`` (``sparse_softmax_cross_entropy_with_logits``);
- regression: ``(z − y)²``.

Weights are ``[W1, b1, W2, b2, …]`` with kernels shaped (in, out); hidden layers use the
result's activation, the output layer is linear (logits). Imports numpy only (scikit-learn
when per-class scores are asked for), never TensorFlow, so a plot or a check can measure a
result without loading the engine.

Example:
    >>> z = forward(res.weights, res.config.activation, data.x_val)
    >>> data_loss(z, data.y_val, res.task)  # == res.final("val_loss") to float32 rounding
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tunelab.training.result import TrainResult

__all__ = [
    "ACTIVATIONS",
    "SMALL_WEIGHT",
    "TASKS",
    "ClassReport",
    "class_report",
    "data_loss",
    "forward",
    "hidden",
    "kernel_weights",
    "loss_on",
    "per_example_loss",
    "to_output",
]

TASKS = ("binary", "multiclass", "regression")
# A kernel weight below this in magnitude counts as "small" (driven to zero by L1): the
# engine's ``small_weights`` metric uses it, and so should every plot or check of it.
SMALL_WEIGHT = 1e-3


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # Past |z| = 60 the float32 (and float64) sigmoid is already 0 or 1; bounding z only
    # keeps exp from overflowing into a warning.
    return 1 / (1 + np.exp(-np.clip(z, -60, 60)))


ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "linear": lambda z: z,
}


def _activation(activation: str) -> Callable[[np.ndarray], np.ndarray]:
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"Unknown activation. Expected one of {', '.join(ACTIVATIONS)}. "
            f"Received: activation={activation!r}"
        )
    return ACTIVATIONS[activation]


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ValueError(
            f"Expected `task` to be one of {', '.join(TASKS)}. Received: task={task!r}"
        )


def _check_weights(weights: Sequence[np.ndarray], x: np.ndarray) -> int:
    if len(weights) < 2 or len(weights) % 2:
        raise ValueError(
            "Expected `weights` to be [W1, b1, W2, b2, …] (an even number of arrays, at least "
            f"2). Received: {len(weights)} arrays"
        )
    if x.ndim != 2 or x.shape[1] != np.shape(weights[0])[0]:
        raise ValueError(
            f"Expected `x` to have shape (n, {np.shape(weights[0])[0]}) to match the first "
            f"kernel. Received: x of shape {x.shape}"
        )
    return len(weights) // 2


def hidden(
    weights: Sequence[np.ndarray],
    activation: str,
    x: np.ndarray,
    *,
    layer: int | None = None,
    dropout: Callable[[np.ndarray, int], np.ndarray] | None = None,
) -> np.ndarray | list[np.ndarray]:
    """The hidden layers' activations for inputs ``x``.

    Args:
        weights: ``[W1, b1, …]``; all but the last pair are hidden layers.
        activation: the hidden-layer activation (``"relu"``, ``"tanh"``, ``"sigmoid"``,
            ``"linear"``).
        x: inputs of shape (n, features).
        layer: ``None`` for every hidden layer's output (a list), or the index of one
            hidden layer (0 is the first) for that layer's output alone.
        dropout: optional ``f(h, layer) -> h`` applied after each hidden layer, whose output
            feeds the next layer (the engine's dropout mask, say).

    Returns:
        A list of (n, width) arrays, or one array when ``layer`` is given.

    Example:
        >>> first = hidden(res.weights, "relu", data.x_val, layer=0)  # (n, hidden[0])
        >>> [h.mean() for h in hidden(res.weights, "relu", data.x_val)]
    """
    h = np.asarray(x, np.float32)
    n_hidden = _check_weights(weights, h) - 1
    if layer is not None and (
        isinstance(layer, bool)
        or not isinstance(layer, int | np.integer)
        or not 0 <= layer < n_hidden
    ):
        raise ValueError(
            f"Expected `layer` to be None or an integer in [0, {n_hidden}) (the network has "
            f"{n_hidden} hidden layers). Received: layer={layer!r}"
        )
    act = _activation(activation)
    last = n_hidden - 1 if layer is None else int(layer)
    outputs = []
    for i in range(last + 1):
        h = act(h @ weights[2 * i] + weights[2 * i + 1])
        if dropout is not None:
            h = dropout(h, i)
        outputs.append(h)
    return outputs if layer is None else outputs[-1]


def forward(weights: Sequence[np.ndarray], activation: str, x: np.ndarray) -> np.ndarray:
    """The network's logits for inputs ``x``, shape (n, outputs), float32 as in the engine.

    Example:
        >>> forward(res.weights, res.config.activation, data.x_val).shape  # (n, 1) if binary
    """
    h = np.asarray(x, np.float32)
    n_layers = _check_weights(weights, h)
    if n_layers > 1:
        h = hidden(weights, activation, h, layer=n_layers - 2)
    else:
        _activation(activation)
    return h @ weights[-2] + weights[-1]


def to_output(logits: np.ndarray, task: str) -> np.ndarray:
    """What the network predicts from its logits: P(class 1) for binary, (n, C) class
    probabilities for multiclass, the value for regression.

    Example:
        >>> to_output(forward(res.weights, "relu", x), "binary")  # probabilities in [0, 1]
    """
    _check_task(task)
    z = np.asarray(logits)
    if task == "binary":
        return _sigmoid(z[..., 0])
    if task == "multiclass":
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)
    return z[..., 0]


def per_example_loss(logits: np.ndarray, y: np.ndarray, task: str) -> np.ndarray:
    """Each example's data loss (float64), the engine's stable formulas (module docstring).

    Args:
        logits: (n, outputs) from `forward`.
        y: labels 0, 1, … (classification) or targets (regression), shape (n,).
        task: ``"binary"``, ``"multiclass"`` or ``"regression"``.

    Example:
        >>> per_example_loss(forward(w, "relu", x), y, "binary").shape  # (n,)
    """
    _check_task(task)
    z = np.asarray(logits, np.float64)
    y = np.asarray(y, np.float64)
    if z.ndim != 2 or y.shape != (z.shape[0],):
        raise ValueError(
            f"Expected `logits` of shape (n, outputs) and `y` of shape (n,). Received: logits "
            f"of shape {z.shape} and y of shape {y.shape}"
        )
    if task == "regression":
        return (z[:, 0] - y) ** 2
    if task == "binary":
        z = z[:, 0]
        return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    labels = y.astype(int)
    if np.any(labels != y) or np.any(labels < 0) or np.any(labels >= z.shape[1]):
        raise ValueError(
            f"Expected `y` to hold class labels 0 … {z.shape[1] - 1}. Received labels "
            f"{np.unique(y)[:10].tolist()}"
        )
    top = z.max(axis=1, keepdims=True)
    logsumexp = top[:, 0] + np.log(np.exp(z - top).sum(axis=1))
    return logsumexp - z[np.arange(len(labels)), labels]


def data_loss(
    logits: np.ndarray, y: np.ndarray, task: str, sample_weight: np.ndarray | None = None
) -> float:
    """The mean data loss, penalty excluded: what the engine records as ``train_loss``.

    With ``sample_weight`` each example's loss is multiplied by its weight and the products
    are averaged over all examples, as Keras's ``class_weight`` and the engine do.

    Example:
        >>> data_loss(forward(res.weights, "relu", data.x_train), data.y_train, "binary")
    """
    losses = per_example_loss(logits, y, task)
    if sample_weight is None:
        return float(np.mean(losses))
    weight = np.asarray(sample_weight, np.float64)
    if weight.shape != losses.shape:
        raise ValueError(
            f"Expected `sample_weight` to have shape {losses.shape}, one weight per example. "
            f"Received shape {weight.shape}"
        )
    return float(np.mean(losses * weight))


# ----------------------------------------------------------------------------------------
# Measurements on a result (final weights)


def loss_on(
    result: TrainResult, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
) -> float:
    """Mean data loss of a result's final weights on ``(x, y)`` (cross-entropy or MSE).

    Example:
        >>> loss_on(res, data.x_train, data.y_train)  # == res.final("train_loss")
    """
    logits = forward(result.weights, result.config.activation, x)
    return data_loss(logits, y, result.task, sample_weight)


def kernel_weights(result: TrainResult) -> np.ndarray:
    """Every kernel weight of a result as one flat array (biases excluded, as L1/L2 do).

    Example:
        >>> kernel_weights(res).size  # 2·64 + 64·64 + 64·1 for hidden=(64, 64)
    """
    return np.concatenate([np.ravel(w) for w in result.weights[0::2]])


@dataclass(frozen=True)
class ClassReport:
    """Accuracy, and precision and recall of each class, at one decision threshold.

    Attributes:
        threshold: a point is predicted class 1 when its probability is above this.
        accuracy: fraction of points classified correctly.
        precision: per class, of the points predicted as that class, the fraction that are.
        recall: per class, of the points of that class, the fraction found.
        counts: how many points of each class there are.
    """

    threshold: float
    accuracy: float
    precision: tuple[float, float]
    recall: tuple[float, float]
    counts: tuple[int, int]

    def __str__(self) -> str:
        return (
            f"accuracy {self.accuracy:.3f} · class 0 (n={self.counts[0]}): precision "
            f"{self.precision[0]:.2f} recall {self.recall[0]:.2f} · class 1 "
            f"(n={self.counts[1]}): precision {self.precision[1]:.2f} recall {self.recall[1]:.2f}"
        )


def class_report(
    result: TrainResult, x: np.ndarray, y: np.ndarray, threshold: float = 0.5
) -> ClassReport:
    """Per-class precision and recall of a binary result at ``threshold`` (scikit-learn's).

    A point is predicted class 1 when P(class 1) > ``threshold``. A class that is never
    predicted has precision 0 (``zero_division=0``).

    Example:
        >>> print(class_report(res, data.x_val, data.y_val, threshold=0.2))
    """
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    if result.task != "binary":
        raise ValueError(
            "Expected a binary classifier for per-class scores at a threshold. "
            f"Received: task={result.task!r}"
        )
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.floating):
        raise TypeError(f"Expected `threshold` to be a number. Received: threshold={threshold!r}")
    if not 0 < threshold < 1:
        raise ValueError(f"Expected `threshold` in (0, 1). Received: threshold={threshold}")
    truth = np.asarray(y).astype(int)
    proba = to_output(forward(result.weights, result.config.activation, x), "binary")
    predicted = (proba > threshold).astype(int)
    precision, recall, _, counts = precision_recall_fscore_support(
        truth, predicted, labels=[0, 1], zero_division=0
    )
    return ClassReport(
        threshold=float(threshold),
        accuracy=float(accuracy_score(truth, predicted)),
        precision=(float(precision[0]), float(precision[1])),
        recall=(float(recall[0]), float(recall[1])),
        counts=(int(counts[0]), int(counts[1])),
    )
