"""What a training call is made of, computed on the host: initial weights, the example
weights, the divergence threshold, the decision-surface grid, the data checks, and the
compiled function's arguments (`arguments`).

The engine (`tunelab.training.engine`) calls these once per call, outside the compiled
loop; they use numpy and Keras's initializers, never a compiled function. What depends
only on the dataset and the shape (the padded data as tensors, the placed initial
weights, the grid, the schedule's multipliers) is kept in small bounded memos, so a
slider move converts no array it converted before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import lru_cache

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training import network
from tunelab.training.backend import tf
from tunelab.training.config import TrainConfig
from tunelab.training.plan import Plan

__all__ = [
    "arguments",
    "blowup_loss",
    "check_data",
    "class_weights",
    "grid_points",
    "initial_tensors",
    "initial_weights",
]


class _Memo:
    """A small thread-safe LRU memo (the warm-up thread builds arguments too)."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Hashable, make: Callable[[], object]):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = make()
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


_DATA = _Memo(16)
_WEIGHTS = _Memo(64)
_STEPS = _Memo(32)
_GRIDS = _Memo(16)


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
    """Raw grid points (for plots) and their model features, or empty for tabular data.

    Read-only and shared: every result on ``data`` holds the same arrays.
    """

    def make():
        arrays = _grid_points(data, size)
        for array in arrays:
            if array is not None:
                array.setflags(write=False)
        return arrays

    return _GRIDS.get((data.fingerprint, size), make)


def _grid_points(data: Dataset, size: int) -> tuple[np.ndarray, np.ndarray | None]:
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


def _rows(array: np.ndarray, rows: int, columns: int | None = None) -> np.ndarray:
    """``array`` padded with zeros to ``rows`` rows (and ``columns`` columns)."""
    pad = [(0, rows - array.shape[0])] + ([(0, columns - array.shape[1])] if columns else [])
    return np.pad(np.asarray(array, np.float32), pad)


def _data_tensors(plan: Plan, data: Dataset, config: TrainConfig) -> tuple:
    """x, y, example weights, x_val, y_val padded to the plan's rows and features."""
    n_in = plan.layout.in_pad
    weights_key = repr(config.class_weight)

    def make():
        arrays = (
            _rows(data.x_train, plan.rows, n_in),
            _rows(data.y_train, plan.rows),
            _rows(class_weights(data, config), plan.rows),
            _rows(data.x_val, plan.val_rows, n_in),
            _rows(data.y_val, plan.val_rows),
        )
        return tuple(tf.constant(a) for a in arrays)

    return _DATA.get((data.fingerprint, plan.rows, plan.val_rows, n_in, weights_key), make)


def _step_tensors(plan: Plan, config: TrainConfig) -> tuple:
    """The schedule's multiplier per step and the snapshot epochs (tensor, array)."""

    def make():
        lr_mult = np.ones(plan.capacity * plan.step_slots, np.float32)
        if config.schedule is not None:
            total_steps = plan.capacity * plan.steps_per_epoch
            lr_mult[:total_steps] = config.schedule.values(total_steps, 1.0)
        epochs = np.linspace(0, config.epochs, config.snapshots + 1).round().astype(int)
        snap_epochs = np.unique(epochs)
        snap_epochs.setflags(write=False)
        snap_mask = np.zeros(plan.capacity + 1, bool)
        snap_mask[snap_epochs[1:]] = True
        return tf.constant(lr_mult), tf.constant(snap_mask), snap_epochs

    key = (
        repr(config.schedule),
        plan.capacity,
        plan.step_slots,
        plan.steps_per_epoch,
        config.epochs,
        config.snapshots,
    )
    return _STEPS.get(key, make)


def initial_tensors(plan: Plan, seeds: tuple[int, ...]) -> tuple[list, list]:
    """Keras's initial weights of each seed's real network, stacked over the seeds:
    (real numpy arrays, the same placed in the padded network as tensors)."""

    def make():
        inits = [initial_weights(tuple(plan.layout.real_shapes()), seed) for seed in seeds]
        real = [np.stack([w[i] for w in inits]) for i in range(len(inits[0]))]
        return real, [tf.constant(w) for w in plan.layout.embed(real)]

    return _WEIGHTS.get((plan.layout, seeds), make)


def arguments(plan: Plan, data: Dataset, configs: list[TrainConfig], init, blowup, epochs):
    """The compiled function's inputs, padded to the plan's size class, and the epochs
    whose weights are snapshot.

    Args:
        plan, data, configs: what is trained (configs differ only in sweep axes).
        init: the padded initial weights as tensors (`initial_tensors`), or real numpy
            arrays stacked over the configs.
        blowup: per config, the training loss above which it counts as diverged.
        epochs: how many epochs to run (the warm-up runs one).

    Example:
        >>> args, snap_epochs = arguments(plan, data, [config], init, blowup, config.epochs)
    """
    base = configs[0]
    lr_mult, snap_mask, snap_epochs = _step_tensors(plan, base)
    hyper = [
        np.array([getattr(c, name) for c in configs], np.float32)
        for name in ("learning_rate", "l1", "l2", "dropout", "weight_decay")
    ]
    hyper += [np.array([c.seed for c in configs], np.int32), blowup]
    control = (
        np.float32(base.momentum),
        np.int32(epochs),
        np.int32(base.patience or np.iinfo(np.int32).max),
        bool(base.patience and base.restore_best),
    )
    if isinstance(init[0], np.ndarray):
        init = [tf.constant(w) for w in plan.layout.embed(init)]
    args = (
        *_data_tensors(plan, data, base),
        list(init),
        tuple(tf.constant(h) for h in hyper),
        plan.switches(),
        plan.masks(),
        lr_mult,
        tuple(tf.constant(c) for c in control),
        snap_mask,
    )
    return args, snap_epochs
