"""The training engine: many epochs of a small network inside one compiled call.

The flow of one call: `train` / `sweep` check the data and config, answer from the
result cache (`tunelab.training.cache.ResultCache`) what they can, and hand the rest to
``_run``, which pads the settings to a size class, draws Keras's initial weights, builds
the per-setting tensors and calls the compiled loop of `tunelab.training.compiled` once;
the numpy outputs become frozen `TrainResult` s, which go into the cache all at once.

Why it is fast: one ``tf.function`` (XLA-compiled) per static plan runs the whole epoch
loop, and every hyperparameter (learning rate, L1, L2, dropout rate, weight decay, seed,
schedule) enters as a tensor, so moving a slider never builds a Keras model and never
retraces. The compile key (`compiled.Plan.key`) today holds what is static: the network
shape (input features, hidden widths, outputs), the activation, the optimizer family and
the batch size with its steps per epoch (so the training size, once batches are used);
XLA also specializes on the training and validation sizes and the number of settings.
K settings of the same plan train together with their weights stacked on a leading axis
(batched matmul); a single run is the case K = 1, so `train` and `sweep` share one code
path and give the same numbers: random draws (`tunelab.training.rng`) are keyed by each
setting's seed, never by its position, and XLA's arithmetic agrees to float32 rounding
whatever K is (decision surfaces within 1e-6). Long small-batch runs are chaotic and can
amplify that rounding, so lesson claims about them hold over several seeds, not one run.

Conventions (the same as Keras): L2 adds ``λ·Σw²`` and L1 ``λ·Σ|w|`` over kernels, not
biases; dropout is inverted (kept activations scaled by 1/(1−p) in training, nothing
dropped or scaled at inference); weight decay is decoupled (``w ← w − lr·wd·w``). What the
network outputs and its data loss, measured after training, come from
`tunelab.training.network`, the numpy twin of the compiled forward pass and loss.

Layering: ``datasets → training → search → plots → widgets → exercises``; nothing here
imports from a layer to its right.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training import network
from tunelab.training.backend import tf
from tunelab.training.cache import ResultCache
from tunelab.training.compiled import Plan, function_for, trace_count
from tunelab.training.config import TrainConfig
from tunelab.training.result import METRICS, TrainResult
from tunelab.training.rng import uniform

__all__ = [
    "CACHE",
    "SWEEP_AXES",
    "apply_dropout",
    "cache_info",
    "clear_cache",
    "hidden_activations",
    "is_cached",
    "lookup",
    "size_class",
    "sweep",
    "trace_count",
    "train",
]

SWEEP_AXES = ("l1", "l2", "dropout", "learning_rate", "weight_decay", "seed")
MAX_TOTAL_STEPS = 2_000_000

# The process's result cache; tests may put a smaller `ResultCache` in its place.
CACHE = ResultCache()


def clear_cache() -> None:
    """Forget every cached result (compiled functions are kept).

    Example:
        >>> clear_cache(); cache_info()["size"]
        0
    """
    CACHE.clear()


def cache_info() -> dict:
    """Hits, misses, size and exact megabytes of the result cache.

    Example:
        >>> cache_info()["megabytes"] <= 48
    """
    return {
        "hits": CACHE.hits,
        "misses": CACHE.misses,
        "size": len(CACHE),
        "megabytes": CACHE.nbytes / 2**20,
    }


@lru_cache(maxsize=256)
def _initial_weights(shapes: tuple[tuple[int, int], ...], seed: int) -> tuple[np.ndarray, ...]:
    """Keras's Dense defaults: Glorot-uniform kernels from the seed, zero biases."""
    import keras

    out = []
    for layer, (fan_in, fan_out) in enumerate(shapes):
        init = keras.initializers.GlorotUniform(seed=(seed * 16 + layer) % (2**31 - 1))
        out.append(np.asarray(init((fan_in, fan_out)), dtype=np.float32))
        out.append(np.zeros(fan_out, np.float32))
    return tuple(out)


def _grid_points(data: Dataset, size: int) -> tuple[np.ndarray, np.ndarray | None]:
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


def _blowup_loss(data: Dataset, weights: tuple[np.ndarray, ...], activation: str) -> float:
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


def _class_weights(data: Dataset, config: TrainConfig) -> np.ndarray:
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


def _check_data(data: Dataset) -> None:
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


def size_class(n: int) -> int:
    """How many settings a sweep of ``n`` runs as: the smallest 2^k or 3·2^k ≥ n.

    That is 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, …

    Example:
        >>> size_class(24), size_class(25)
        (24, 32)
    """
    size = 1 << (n - 1).bit_length()
    three_quarters = 3 * size // 4
    return three_quarters if three_quarters >= n and size >= 4 else size


def _padded(configs: list[TrainConfig], requested: int) -> list[TrainConfig]:
    """Repeat the last config up to the size class at or above ``requested``.

    XLA compiles once per input shape; rounding the number of settings up to a size
    class (powers of two and 1.5 × powers of two) keeps a panel that sweeps 7, then 9,
    then 11 values to few compilations while wasting at most a third of the work on
    padding. The size follows what was asked for, not what was missing from the cache,
    so a sweep that partly overlaps an earlier one reuses the earlier one's compiled code.
    """
    size = size_class(max(requested, len(configs)))
    return configs + [configs[-1]] * (size - len(configs))


# (function key, settings, training examples, validation examples) already compiled by XLA
_COMPILED_SHAPES: set[tuple] = set()


def _run(data: Dataset, wanted: list[TrainConfig], requested: int = 1) -> list[TrainResult]:
    """Train configs that differ only in SWEEP_AXES together, in one compiled call."""
    configs = _padded(wanted, requested)
    base = configs[0]
    plan = Plan(data, base)
    fn = function_for(plan)
    total_steps = plan.capacity * plan.steps_per_epoch
    if base.epochs * plan.steps_per_epoch > MAX_TOTAL_STEPS:
        raise ValueError(
            f"Expected `epochs` × steps per epoch to be at most {MAX_TOTAL_STEPS:,}. Received: "
            f"epochs={base.epochs} with {plan.steps_per_epoch} steps per epoch "
            f"(batch_size={base.batch_size}). Use fewer epochs or a larger batch."
        )
    schedule = base.schedule
    if schedule is None:
        lr_mult = np.ones(total_steps, np.float32)
    else:
        lr_mult = schedule.values(total_steps, 1.0)
    inits = [_initial_weights(tuple(plan.shapes()), c.seed) for c in configs]
    init = [np.stack([w[i] for w in inits]) for i in range(len(inits[0]))]
    snap_epochs = np.unique(np.linspace(0, base.epochs, base.snapshots + 1).round().astype(int))
    snap_mask = np.zeros(plan.capacity + 1, bool)
    snap_mask[snap_epochs[1:]] = True
    per_member = {
        name: np.array([getattr(c, name) for c in configs], np.float32)
        for name in ("learning_rate", "l1", "l2", "dropout", "weight_decay")
    }
    blowup = np.array([_blowup_loss(data, w, base.activation) for w in inits], np.float32)
    start = time.perf_counter()
    out = fn(
        tf.constant(data.x_train),
        tf.constant(data.y_train),
        tf.constant(_class_weights(data, base)),
        tf.constant(data.x_val),
        tf.constant(data.y_val),
        [tf.constant(w) for w in init],
        tf.constant(per_member["learning_rate"]),
        tf.constant(per_member["l1"]),
        tf.constant(per_member["l2"]),
        tf.constant(per_member["dropout"]),
        tf.constant(per_member["weight_decay"]),
        tf.constant(np.array([c.seed for c in configs], np.int32)),
        tf.constant(lr_mult),
        tf.constant(np.float32(base.momentum)),
        tf.constant(np.int32(base.epochs)),
        tf.constant(np.int32(base.patience or np.iinfo(np.int32).max)),
        tf.constant(bool(base.patience and base.restore_best)),
        tf.constant(snap_mask),
        tf.constant(blowup),
    )
    out = {
        key: [v.numpy() for v in value] if isinstance(value, list) else value.numpy()
        for key, value in out.items()
    }
    seconds = time.perf_counter() - start
    shape = (plan.key(), len(configs), len(data.y_train), len(data.y_val))
    compiled = shape not in _COMPILED_SHAPES
    _COMPILED_SHAPES.add(shape)
    points, grid_inputs = _grid_points(data, base.grid_size)
    shapes = [w.shape[1:] for w in out["params"]]
    results = []
    for k, config in enumerate(wanted):
        last = int(out["last_epoch"][k])
        history = {m: out["history"][:last, i, k].astype(np.float64) for i, m in enumerate(METRICS)}
        if data.task == "regression":
            del history["train_acc"], history["val_acc"]
        done = np.flatnonzero(snap_epochs <= last)
        steps_done = last * plan.steps_per_epoch
        results.append(
            TrainResult(
                config=config,
                task=data.task,
                n_classes=data.n_classes,
                history=history,
                weights=[w[k] for w in out["params"]],  # copied by TrainResult
                diverged_at=int(out["diverged_at"][k]) or None,
                stopped_at=int(out["stopped_at"][k]) or None,
                best_epoch=int(out["best_epoch"][k]) if config.patience else None,
                seconds=seconds / len(wanted),
                compiled=compiled,
                grid_points=points,
                grid_inputs=grid_inputs,
                grid_shape=(base.grid_size, base.grid_size) if data.extent is not None else None,
                snapshot_epochs=snap_epochs[done],
                snapshot_params=out["snapshots"][done, k],
                weight_shapes=shapes,
                path=out["path"][: steps_done + 1, k] if plan.record_path else None,
                steps_per_epoch=plan.steps_per_epoch,
                data_fingerprint=data.fingerprint,
            )
        )
    return results


def is_cached(data: Dataset, config: TrainConfig) -> bool:
    """Whether ``train(data, config)`` would be answered from the cache."""
    return (data.fingerprint, config) in CACHE


def train(data: Dataset, config: TrainConfig) -> TrainResult:
    """Train one network on ``data`` with ``config``; cached, compiled, deterministic.

    Args:
        data: a `tunelab.Dataset` (from `tunelab.load_dataset`).
        config: a `TrainConfig`.

    Returns:
        A `TrainResult` with per-epoch history, final weights and decision surfaces.

    Example:
        >>> res = tl.train(tl.load_dataset("moons"), tl.TrainConfig(l2=1e-3))
        >>> res.history["val_loss"][-1]
    """
    _check_data(data)
    if not isinstance(config, TrainConfig):
        raise TypeError(f"Expected `config` to be a TrainConfig. Received: {type(config).__name__}")
    key = (data.fingerprint, config)
    cached = CACHE.get(key)
    if cached is not None:
        return cached
    result = _run(data, [config])[0]
    CACHE.put_many([(key, result)])
    return result


def sweep(data: Dataset, config: TrainConfig, **axes) -> list[TrainResult]:
    """Train every combination of the given values together, in one compiled call.

    Args:
        data: a `tunelab.Dataset`.
        config: the base `TrainConfig`; the swept fields replace its values.
        **axes: lists of values for any of ``l1``, ``l2``, ``dropout``, ``learning_rate``,
            ``weight_decay``, ``seed``.

    Returns:
        One `TrainResult` per combination, in the order of ``itertools.product`` over the
        axes as given (the last axis varies fastest); ``lookup(results, l2=1e-3)`` finds
        one by its values. Settings already in the cache are not retrained.

    Example:
        >>> grid = tl.sweep(data, cfg, l2=[0, 1e-3, 1e-2], dropout=[0.0, 0.3])
        >>> [r.config.l2 for r in grid]  # 0, 0, 1e-3, 1e-3, 1e-2, 1e-2
    """
    _check_data(data)
    if not isinstance(config, TrainConfig):
        raise TypeError(f"Expected `config` to be a TrainConfig. Received: {type(config).__name__}")
    if not axes:
        raise ValueError(f"Expected at least one axis to sweep, among {', '.join(SWEEP_AXES)}.")
    values_of = {}
    for name, values in axes.items():
        if name not in SWEEP_AXES:
            raise ValueError(
                f"Cannot sweep `{name}`: only {', '.join(SWEEP_AXES)} can be trained together "
                "(other settings change the network's shape or the compiled loop)."
            )
        if isinstance(values, str | bytes | dict) or not isinstance(values, Iterable):
            raise TypeError(
                f"Expected `{name}` to be a list (or other iterable) of values. "
                f"Received: {name}={values!r}"
            )
        values_of[name] = list(values)  # once: a generator can be read only once
        if not values_of[name]:
            raise ValueError(
                f"Expected `{name}` to be a non-empty list of values. Received: {name}={values!r}"
            )
    names = list(values_of)
    configs = [
        replace(config, **dict(zip(names, combo, strict=True)))
        for combo in itertools.product(*values_of.values())
    ]
    if len(configs) > 4096:
        raise ValueError(
            f"Expected at most 4096 combinations in one sweep. Received: {len(configs)}"
        )
    keys = [(data.fingerprint, c) for c in configs]
    # Take what the cache holds now: the insertion below may evict it (a small bound,
    # another panel's results), and every member must still be returned.
    found = {}
    for key in dict.fromkeys(keys):
        result = CACHE.get(key)
        if result is not None:
            found[key] = result
    todo = [c for c, key in dict.fromkeys(zip(configs, keys, strict=True)) if key not in found]
    if todo:
        fresh = dict(
            zip(((data.fingerprint, c) for c in todo), _run(data, todo, len(configs)), strict=True)
        )
        CACHE.put_many(fresh.items())
        found.update(fresh)
    return [found[key] for key in keys]


def lookup(results: list[TrainResult], **values) -> TrainResult:
    """The result of a sweep whose config has the given values.

    Example:
        >>> lookup(grid, l2=1e-3, dropout=0.3).history["val_loss"][-1]
    """
    for result in results:
        if all(
            math.isclose(getattr(result.config, k), v, rel_tol=1e-9, abs_tol=0)
            for k, v in values.items()
        ):
            return result
    raise KeyError(f"No result with {values}")


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
