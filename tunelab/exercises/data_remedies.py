"""Lesson 07 (data remedies): augmentation, resampling, per-class scores, batch-size noise.

The helpers build the datasets the lesson trains on (noisy copies of the training points,
a class-balanced resample), measure what accuracy hides (precision and recall per class)
and what a mini-batch does to the gradient, and grade the exercises. Two small panels
extend `tunelab.widgets.Panel` for the lesson: one augments its training set, one reports
per-class scores at a decision threshold you choose.

Example:
    >>> from tunelab.exercises import data_remedies as ex
    >>> bigger = ex.augment_with_noise(data, copies=7, sigma=0.2)
    >>> ex.per_class(result, data, threshold=0.5)
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from tunelab.datasets import Dataset, augment_with_noise, require_binary, resample_balanced
from tunelab.exercises import Feedback, not_answered
from tunelab.widgets.remedies import AugmentationPanel, ImbalancePanel

__all__ = [
    "CONFUSION",
    "AugmentationPanel",
    "ClassReport",
    "ImbalancePanel",
    "augment_with_noise",
    "batch_table",
    "check_precision_recall",
    "check_ridge_alpha",
    "check_steps",
    "fit_linear",
    "gradient_noise",
    "loss_on",
    "ms_per_epoch",
    "per_class",
    "resample_balanced",
    "table",
    "weighted_loss",
    "wobble",
]


# ----------------------------------------------------------------------------------------
# Measurements


def _logits(result: Any, x: np.ndarray) -> np.ndarray:
    from tunelab.training import network

    return network.forward(result.weights, result.config.activation, x).astype(np.float64)


def _binary_ce(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    from tunelab.training import network

    return network.per_example_loss(np.asarray(z)[:, None], y, "binary")


def loss_on(result: Any, x: np.ndarray, y: np.ndarray) -> float:
    """Mean data loss of a result's final weights on ``(x, y)`` (cross-entropy or MSE).

    Use it for the loss on the *original* training points of a network trained on an
    augmented or resampled set, whose history holds the loss on that bigger set.

    Example:
        >>> loss_on(res, small.x_train, small.y_train)
    """
    from tunelab.training import network

    return network.loss_on(result, x, y)


def weighted_loss(result: Any, data: Dataset) -> float:
    """The ``class_weight="balanced"`` training loss of a binary result's final weights.

    Each example's loss is multiplied by ``n / (2 · n_class)`` and the products are
    averaged over all ``n`` examples, as Keras's ``class_weight`` does.

    Example:
        >>> weighted_loss(res, data)
    """
    require_binary(data, "The balanced class-weighted loss")
    from tunelab.training import network

    y = data.y_train.astype(int)
    counts = np.bincount(y, minlength=2)
    weights = (len(y) / (2 * counts))[y]
    return network.loss_on(result, data.x_train, data.y_train, sample_weight=weights)


def _spread(values: Sequence[float]) -> str:
    values = np.asarray(values, np.float64)
    return f"{values.mean():.3f} ({values.min():.3f}–{values.max():.3f})"


def table(rows: dict[str, Sequence[Any]], real: Dataset | None = None) -> str:
    """A text table of runs: training loss, validation loss, gap, validation accuracy.

    Each cell is the mean over a row's runs (seeds), with the range in brackets.

    Args:
        rows: ``{row name: [TrainResult, …]}``.
        real: if given, the training loss is measured on ``real``'s training points (say,
            the original points of an augmented set) instead of read from the history.

    Example:
        >>> print(table({"40 points": runs_small, "320 points": runs_large}))
    """
    name_width = max(len(name) for name in rows)
    header = "training loss" if real is None else "loss on the original points"
    width = max(21, len(header))
    lines = [
        f"{'':>{name_width}}  {header:<{width}}  {'validation loss':<21}  {'gap':<21}  val acc"
    ]
    for name, runs in rows.items():
        if real is None:
            train = [r.final("train_loss") for r in runs]
        else:
            train = [loss_on(r, real.x_train, real.y_train) for r in runs]
        val = [r.final("val_loss") for r in runs]
        gap = np.subtract(val, train)
        acc = np.mean([r.final("val_acc") for r in runs])
        lines.append(
            f"{name:>{name_width}}  {_spread(train):<{width}}  {_spread(val):<21}  "
            f"{_spread(gap):<21}  {acc:.3f}"
        )
    return "\n".join(lines)


def ms_per_epoch(result: Any) -> float:
    """Wall time per epoch of the compiled engine, in milliseconds (shared in a sweep)."""
    return 1000.0 * result.seconds / max(result.epochs_run, 1)


def wobble(result: Any, last: int = 50) -> float:
    """How much the training loss jumps from epoch to epoch near the end of training.

    The standard deviation of the epoch-to-epoch change of the training loss over the
    ``last`` epochs: near 0 for full batch, larger the noisier the steps.

    Example:
        >>> wobble(res_batch8) > wobble(res_full)
    """
    changes = np.diff(np.asarray(result.history["train_loss"])[-(last + 1) :])
    return float(np.std(changes)) if changes.size else 0.0


def batch_table(
    runs: dict[str, Sequence[Any]], timed: dict[str, Any], noise: dict[int, float], n_train: int
) -> str:
    """Batch sizes side by side: steps and time per epoch, gradient noise, wobble, losses.

    Args:
        runs: ``{name: [TrainResult, …]}``, the same config but the batch size, one per seed.
        timed: ``{name: TrainResult}`` from a call that did not have to compile.
        noise: ``{batch size: noise}`` from `gradient_noise`.
        n_train: the number of training examples (the full batch's size).

    Example:
        >>> print(batch_table(by_batch, timed, noise, n_train=320))
    """
    lines = [
        f"{'batch':>10}  steps/epoch  ms/epoch  ms/step  gradient noise  wobble   "
        "train loss  val loss  best val loss"
    ]
    for name, results in runs.items():
        first = results[0]
        size = first.config.batch_size or n_train
        ms = ms_per_epoch(timed[name])
        lines.append(
            f"{name:>10}  {first.steps_per_epoch:>11}  {ms:>8.2f}  "
            f"{ms / first.steps_per_epoch:>7.3f}  {noise.get(size, float('nan')):>14.3f}  "
            f"{np.mean([wobble(r) for r in results]):>6.4f}  "
            f"{np.mean([r.final('train_loss') for r in results]):>10.3f}  "
            f"{np.mean([r.final('val_loss') for r in results]):>8.3f}  "
            f"{np.mean([r.history['val_loss'].min() for r in results]):>13.3f}"
        )
    return "\n".join(lines)


@dataclasses.dataclass(frozen=True)
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


def per_class(
    result: Any, data: Dataset, threshold: float = 0.5, split: str = "val"
) -> ClassReport:
    """Per-class precision and recall of a binary classifier, on the validation split.

    Args:
        result: a `TrainResult` of a binary task.
        data: the `Dataset` whose ``split`` is scored.
        threshold: predict class 1 when P(class 1) > threshold.
        split: ``"val"`` or ``"train"``.

    Returns:
        A `ClassReport`. A class that is never predicted has precision 0 by convention.

    Example:
        >>> print(per_class(res, data, threshold=0.2))
    """
    require_binary(data, "Per-class precision and recall")
    if split not in ("val", "train"):
        raise ValueError(f'Expected `split` to be "val" or "train". Received: split={split!r}')
    if not 0 < threshold < 1:
        raise ValueError(f"Expected `threshold` in (0, 1). Received: threshold={threshold}")
    from tunelab.training import network

    x, y = (data.x_val, data.y_val) if split == "val" else (data.x_train, data.y_train)
    report = network.class_report(result, x, y, threshold=threshold)
    return ClassReport(**{f.name: getattr(report, f.name) for f in dataclasses.fields(report)})


def gradient_noise(
    result: Any, data: Dataset, batch_sizes: Sequence[int], draws: int = 400, seed: int = 0
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
    from tunelab.training.backend import tf

    n = len(data.y_train)
    for b in batch_sizes:
        if isinstance(b, bool) or not isinstance(b, int | np.integer) or not 1 <= b <= n:
            raise ValueError(
                f"Expected every batch size to be an integer between 1 and the training size "
                f"{n}. Received: batch_sizes={list(batch_sizes)!r}"
            )
    per_example = _per_example_gradients(result, data, tf)  # (n, parameters)
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


def _per_example_gradients(result: Any, data: Dataset, tf: Any) -> np.ndarray:
    params = [tf.Variable(w.astype(np.float32)) for w in result.weights]
    act = {"relu": tf.nn.relu, "tanh": tf.tanh, "sigmoid": tf.sigmoid, "linear": tf.identity}[
        result.config.activation
    ]
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


# ----------------------------------------------------------------------------------------
# Panels


# ----------------------------------------------------------------------------------------
# Exercises

# A confusion matrix on an imbalanced validation set: class 1 is the minority.
CONFUSION: dict[str, int] = {"tp": 9, "fn": 8, "fp": 4, "tn": 329}


def _number(answer: Any) -> float | None:
    if isinstance(answer, bool) or not isinstance(answer, int | float | np.integer | np.floating):
        return None
    return float(answer)


def check_precision_recall(answer: Any) -> Feedback:
    """Exercise 1: accuracy, minority recall and minority precision from `CONFUSION`."""
    if answer is None:
        return not_answered('Give a dict {"accuracy": …, "recall": …, "precision": …}.')
    keys = {"accuracy", "recall", "precision"}
    if not isinstance(answer, dict) or set(answer) != keys:
        return Feedback(False, 'Expected a dict with the keys "accuracy", "recall", "precision".')
    c = CONFUSION
    right = {
        "accuracy": (c["tp"] + c["tn"]) / sum(c.values()),
        "recall": c["tp"] / (c["tp"] + c["fn"]),
        "precision": c["tp"] / (c["tp"] + c["fp"]),
    }
    hints = {
        "accuracy": "accuracy = (tp + tn) / all points.",
        "recall": "recall = tp / (tp + fn): of the 17 minority points, how many were found?",
        "precision": "precision = tp / (tp + fp): of the points flagged as class 1, how many are?",
    }
    wrong = [
        k
        for k in ("accuracy", "recall", "precision")
        if _number(answer[k]) is None or abs(_number(answer[k]) - right[k]) > 0.005
    ]
    if wrong:
        return Feedback(False, "Not quite: " + " ".join(hints[k] for k in wrong))
    return Feedback(
        True,
        f"Right: accuracy {right['accuracy']:.3f} looks excellent, yet the classifier misses "
        f"{c['fn']} of the {c['tp'] + c['fn']} minority points (recall {right['recall']:.2f}). "
        f"Always answering class 0 would score {(c['fp'] + c['tn']) / sum(c.values()):.3f}.",
    )


def check_ridge_alpha(answer: Any, sigma: float = 0.3, n: int = 20) -> Feedback:
    """Exercise 2: scikit-learn's Ridge ``alpha`` equivalent to input noise ``sigma``.

    Ridge minimizes ``Σ(x·w + b − y)² + alpha·Σw²``, a *sum* over the ``n`` examples, while
    the lesson's objective is a mean plus ``λ·Σw²`` with ``λ = σ²``.
    """
    if answer is None:
        return not_answered("Multiply the lesson's objective (a mean) by n to get Ridge's sum.")
    value = _number(answer)
    if value is None:
        return Feedback(False, f"Expected a number. Received: {answer!r}")
    right = n * sigma**2

    def near(target: float) -> bool:
        return abs(value - target) <= 1e-3 * max(abs(target), 1e-9)

    if near(right):
        return Feedback(
            True,
            f"Right: alpha = n·σ² = {n}·{sigma**2:g} = {right:g}. Multiplying mean + σ²·Σw² by "
            f"n gives sum + n·σ²·Σw², which has the same minimizer. Same penalty, three "
            "spellings: λ = σ² (mean, λ·Σw²), λ = 2σ² (mean, ½·λ·Σw²), alpha = n·σ² (sum).",
        )
    if near(sigma**2):
        return Feedback(
            False,
            f"λ = σ² = {sigma**2:g} is right for a *mean* squared error. Ridge sums the squared "
            f"errors over the {n} examples: rescale.",
        )
    if near(2 * right) or near(2 * sigma**2):
        return Feedback(False, "Ridge writes alpha·Σw², not ½·alpha·Σw²: no factor of 2.")
    return Feedback(
        False,
        "Not quite: start from λ = σ² for the mean squared error, then ask what multiplying "
        "the whole objective by n does to the penalty's factor.",
    )


def check_steps(answer: Any, n: int = 320, batch_size: int = 100, epochs: int = 300) -> Feedback:
    """Exercise 3: optimizer steps in ``epochs`` epochs of ``n`` examples at ``batch_size``."""
    if answer is None:
        return not_answered("Steps per epoch = ceil(n / batch size); the last batch is smaller.")
    value = _number(answer)
    if value is None:
        return Feedback(False, f"Expected a whole number of steps. Received: {answer!r}")
    per_epoch = math.ceil(n / batch_size)
    right = per_epoch * epochs
    if value == right:
        return Feedback(
            True,
            f"Right: ceil({n} / {batch_size}) = {per_epoch} steps per epoch (the last batch has "
            f"{n - (per_epoch - 1) * batch_size} examples), so {right} steps in {epochs} epochs. "
            f"Full batch would take {epochs}.",
        )
    if value == (n // batch_size) * epochs:
        return Feedback(
            False,
            "Close: the engine (like Keras) does not drop the last, smaller batch; round up.",
        )
    return Feedback(False, "Not quite: count the batches in one epoch, then multiply.")
