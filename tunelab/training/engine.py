"""The training engine: many epochs of a small network inside one compiled call.

The flow of one call: `train` / `sweep` check the data and config, answer from the
result cache (`tunelab.training.cache.ResultCache`) what they can, and hand the rest to
``_run``, which pads the number of settings to a size class, draws Keras's initial
weights for the real network, places them in the padded network of its size class
(`tunelab.training.padding`), and calls the compiled loop of `tunelab.training.compiled`
once; the real weights are read back out and the numpy outputs become frozen
`TrainResult` s, which go into the cache all at once.

Why it is fast: one ``tf.function`` (XLA-compiled) per static plan runs the whole epoch
loop, and every hyperparameter (learning rate, L1, L2, dropout rate, weight decay, seed,
schedule) enters as a tensor, so moving a slider never builds a Keras model and never
retraces.

Compiled once, not once per shape: the optimizer rule and the activation within its
family are run-time switches, and the network, its input features and the training and
validation sets are padded to size classes (zero weights with zero gradient, masked
units, rows of weight zero), so a click on a new network, feature set, training size,
activation or optimizer usually finds its function compiled. The compile keys that
remain (`compiled.Plan.key`):

- the size class of the network: input features 2, 4, 8, …; hidden width 4 … 1024;
  depth 0 (linear), 1, 2, 4 or 8; the number of outputs;
- the activation family: relu with linear, tanh with sigmoid (a tanh computed for a relu
  network would slow the common case down, and XLA's conditionals cannot be
  differentiated inside its loop here);
- the task (binary, multiclass, regression: another loss);
- the mini-batch size (a static slice size under XLA; None for full batch);
- the history capacity (one up to 1024 epochs, powers of two beyond) and the number of
  snapshots;
- for a linear model, the length of its recorded parameter path (epochs × steps per
  epoch rounded up to a power of two, so with mini-batches the training size too);
- XLA also compiles once per number of settings K (`padding.size_class`) and per padded
  training and validation size (`padding.rows_class`).

`warm_up` compiles those in a background thread while the learner reads.

K settings of the same plan train together with their weights stacked on a leading axis
(batched matmul); a single run is the case K = 1, so `train` and `sweep` share one code
path and give the same numbers: random draws (`tunelab.training.rng`) are keyed by each
setting's seed and by positions in the real network and data, never by the padding or
the member's place in the sweep, and XLA's arithmetic agrees to float32 rounding
whatever K or the size class is (decision surfaces within 1e-6). Long small-batch runs
are chaotic and can amplify that rounding, so lesson claims about them hold over several
seeds, not one run.

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
import logging
import math
import queue
import threading
import time
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training.backend import tf
from tunelab.training.cache import ResultCache
from tunelab.training.compiled import (
    Plan,
    compile_count,
    function_for,
    is_compiled,
    note_compiled,
    trace_count,
)
from tunelab.training.config import TrainConfig
from tunelab.training.dropout import apply_dropout, hidden_activations
from tunelab.training.inputs import (
    blowup_loss,
    check_data,
    class_weights,
    grid_points,
    initial_weights,
)
from tunelab.training.padding import size_class
from tunelab.training.result import METRICS, TrainResult

__all__ = [
    "CACHE",
    "SWEEP_AXES",
    "apply_dropout",
    "cache_info",
    "clear_cache",
    "compile_count",
    "hidden_activations",
    "is_cached",
    "lookup",
    "size_class",
    "sweep",
    "trace_count",
    "train",
    "warm_up",
]

LOG = logging.getLogger(__name__)

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


def _rows(array: np.ndarray, rows: int, columns: int | None = None) -> np.ndarray:
    """``array`` padded with zeros to ``rows`` rows (and ``columns`` columns)."""
    pad = [(0, rows - array.shape[0])] + ([(0, columns - array.shape[1])] if columns else [])
    return np.pad(np.asarray(array, np.float32), pad)


def _arguments(plan: Plan, data: Dataset, configs: list[TrainConfig], init, blowup, epochs):
    """The compiled function's inputs, padded to the plan's size class."""
    base = configs[0]
    total_steps = plan.capacity * plan.steps_per_epoch
    lr_mult = (
        np.ones(total_steps, np.float32)
        if base.schedule is None
        else base.schedule.values(total_steps, 1.0)
    )
    snap_epochs = np.unique(np.linspace(0, base.epochs, base.snapshots + 1).round().astype(int))
    snap_mask = np.zeros(plan.capacity + 1, bool)
    snap_mask[snap_epochs[1:]] = True
    hyper = [
        np.array([getattr(c, name) for c in configs], np.float32)
        for name in ("learning_rate", "l1", "l2", "dropout", "weight_decay")
    ]
    hyper += [np.array([c.seed for c in configs], np.int32), blowup]
    n_in = plan.layout.in_pad
    arrays = (
        _rows(data.x_train, plan.rows, n_in),
        _rows(data.y_train, plan.rows),
        _rows(class_weights(data, base), plan.rows),
        _rows(data.x_val, plan.val_rows, n_in),
        _rows(data.y_val, plan.val_rows),
    )
    control = (
        np.float32(base.momentum),
        np.int32(epochs),
        np.int32(base.patience or np.iinfo(np.int32).max),
        bool(base.patience and base.restore_best),
    )
    args = (
        *[tf.constant(a) for a in arrays],
        [tf.constant(w) for w in plan.layout.embed(init)],
        tuple(tf.constant(h) for h in hyper),
        plan.switches(),
        plan.masks(),
        tf.constant(lr_mult),
        tuple(tf.constant(c) for c in control),
        tf.constant(snap_mask),
    )
    return args, snap_epochs


def _run(data: Dataset, wanted: list[TrainConfig], requested: int = 1) -> list[TrainResult]:
    """Train configs that differ only in SWEEP_AXES together, in one compiled call."""
    configs = _padded(wanted, requested)
    base = configs[0]
    plan = Plan(data, base)
    fn = function_for(plan)
    if base.epochs * plan.steps_per_epoch > MAX_TOTAL_STEPS:
        raise ValueError(
            f"Expected `epochs` × steps per epoch to be at most {MAX_TOTAL_STEPS:,}. Received: "
            f"epochs={base.epochs} with {plan.steps_per_epoch} steps per epoch "
            f"(batch_size={base.batch_size}). Use fewer epochs or a larger batch."
        )
    inits = [initial_weights(tuple(plan.layout.real_shapes()), c.seed) for c in configs]
    init = [np.stack([w[i] for w in inits]) for i in range(len(inits[0]))]
    blowup = np.array([blowup_loss(data, w, base.activation) for w in inits], np.float32)
    args, snap_epochs = _arguments(plan, data, configs, init, blowup, base.epochs)
    start = time.perf_counter()
    out = fn(*args)
    out = {
        key: [v.numpy() for v in value] if isinstance(value, list) else value.numpy()
        for key, value in out.items()
    }
    seconds = time.perf_counter() - start
    compiled = note_compiled(plan.shape_key(len(configs)))
    layout = plan.layout
    params = layout.extract(out["params"])
    snapshots = layout.extract_flat(out["snapshots"])
    path = layout.extract_flat(out["path"]) if plan.record_path else None
    points, grid_inputs = grid_points(data, base.grid_size)
    shapes = [w.shape[1:] for w in params]
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
                weights=[w[k] for w in params],  # copied by TrainResult
                diverged_at=int(out["diverged_at"][k]) or None,
                stopped_at=int(out["stopped_at"][k]) or None,
                best_epoch=int(out["best_epoch"][k]) if config.patience else None,
                seconds=seconds / len(wanted),
                compiled=compiled,
                grid_points=points,
                grid_inputs=grid_inputs,
                grid_shape=(base.grid_size, base.grid_size) if data.extent is not None else None,
                snapshot_epochs=snap_epochs[done],
                snapshot_params=snapshots[done, k],
                weight_shapes=shapes,
                path=path[: steps_done + 1, k] if path is not None else None,
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
    check_data(data)
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
    check_data(data)
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


# The background compiler: one daemon thread working through a queue of requests.
_WARM_QUEUE: queue.Queue = queue.Queue()
_WARM_LOCK = threading.Lock()
_WARM_THREADS: list[threading.Thread] = []


def warm_up(
    data: Dataset | Iterable[Dataset],
    configs: TrainConfig | Iterable[TrainConfig],
    *,
    settings: Iterable[int] = (1,),
) -> threading.Event:
    """Compile, in a background thread, what training ``configs`` on ``data`` would compile.

    Returns at once. A panel calls it with the values its controls offer, so that the
    learner's first click on one finds its function compiled. Each (dataset, config,
    number of settings) is compiled at most once, by running one epoch on a problem of
    the same shapes; asking again is free. A failure is logged (``tunelab.training.engine``
    logger), never raised: training that config later reports it.

    Args:
        data: a Dataset, or several (every config is warmed up on each).
        configs: a TrainConfig, or several.
        settings: the numbers of settings trained at once to compile for (1 for `train`;
            a sweep's length for `sweep`).

    Returns:
        An event set when this request's compilations are done (tests wait on it).

    Example:
        >>> warm_up(data, [replace(cfg, hidden=h) for h in [(4,), (8, 8), (64, 64)]])
        >>> warm_up(data, cfg, settings=[1, 9]).wait()  # block only if you must
    """
    done = threading.Event()
    _WARM_QUEUE.put((data, configs, tuple(settings), done))
    with _WARM_LOCK:
        if not any(thread.is_alive() for thread in _WARM_THREADS):
            thread = threading.Thread(target=_warm_worker, name="tunelab-warm-up", daemon=True)
            thread.start()
            _WARM_THREADS[:] = [thread]
    return done


def _warm_worker() -> None:
    while True:
        data, configs, settings, done = _WARM_QUEUE.get()
        try:
            datasets = [data] if isinstance(data, Dataset) else list(data)
            configs = [configs] if isinstance(configs, TrainConfig) else list(configs)
            for item in itertools.product(datasets, configs, settings):
                try:
                    _warm_one(*item)
                except Exception:
                    LOG.warning("warm_up could not compile %r", item[1], exc_info=True)
        except Exception:
            LOG.warning("warm_up was given something it cannot read", exc_info=True)
        finally:
            done.set()


def _warm_one(data: Dataset, config: TrainConfig, settings: int) -> None:
    """Compile the shapes ``settings`` runs of ``config`` on ``data`` use: one epoch."""
    check_data(data)
    settings = size_class(settings)
    plan = Plan(data, config)
    shape = plan.shape_key(settings)
    if is_compiled(shape):
        return
    init = []
    for fan_in, fan_out in plan.layout.real_shapes():
        init += [np.zeros((settings, fan_in, fan_out), np.float32)]
        init += [np.zeros((settings, fan_out), np.float32)]
    blowup = np.full(settings, np.inf, np.float32)
    args, _ = _arguments(plan, data, [config] * settings, init, blowup, epochs=1)
    function_for(plan)(*args)["last_epoch"].numpy()
    note_compiled(shape)
