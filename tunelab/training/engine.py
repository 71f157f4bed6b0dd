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
remain (`tunelab.training.plan.Plan.key`, and `Plan.shape_key` for what XLA compiles):

- the size class of the network: input features 4, 8, 16, …; hidden width 8 … 1024;
  depth 0 (linear), 1, 2, 4 or 8; the number of outputs;
- the activation family: relu with linear, tanh with sigmoid. Merging the two (every
  activation computed and the chosen one selected) was measured on the reference run
  (2×16 relu, 300 epochs, full batch) at +15 % CPU time per call (q10 38.6 → 45.4 ms,
  60 interleaved runs on a loaded machine), and XLA's conditionals cannot be
  differentiated inside its loop here; so the key stays and `warm_up` compiles the other
  family ahead for panels that offer it (the playground does);
- the task (binary, multiclass, regression: another loss);
- the mini-batch size (a static slice size under XLA; None for full batch): compiled
  ahead by `warm_up` for every batch size a panel offers;
- the history capacity (one up to 1024 epochs, powers of two beyond) and the number of
  snapshots;
- for a line (a linear model of one input and one output, the only model that records
  its parameter path), the length of that path (epochs × steps per epoch rounded up to
  a power of two, so with mini-batches the training size too);
- XLA also compiles once per number of settings K (`padding.size_class`) and per padded
  training and validation size (`padding.rows_class`); the schedule's per-step
  multipliers are padded to the steps of the padded size, so they add no shape.

`warm_up` (`tunelab.training.warmup`) compiles those in a background thread while the
learner reads, newest request first, never while a foreground call trains.

Per call, what depends only on the data and the shape (padded data as tensors, placed
initial weights, masks, the grid, schedule multipliers) is memoised in
`tunelab.training.inputs`, so a slider move converts only its hyperparameters.

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
import time
from collections.abc import Iterable
from dataclasses import replace

import numpy as np

from tunelab.datasets import Dataset
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
from tunelab.training.inputs import arguments, blowup_loss, check_data, grid_points, initial_tensors
from tunelab.training.mappings import room_to_compile, too_many_compiled
from tunelab.training.padding import size_class
from tunelab.training.result import METRICS, TrainResult
from tunelab.training.warmup import foreground, warm_up

__all__ = [
    "CACHE",
    "SWEEP_AXES",
    "apply_dropout",
    "cache_info",
    "clear_cache",
    "compile_count",
    "hidden_activations",
    "is_cached",
    "is_compiled_for",
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


def _run(data: Dataset, wanted: list[TrainConfig], requested: int = 1) -> list[TrainResult]:
    """Train configs that differ only in SWEEP_AXES together, in one compiled call."""
    with foreground():
        return _run_now(data, wanted, requested)


def _run_now(data: Dataset, wanted: list[TrainConfig], requested: int) -> list[TrainResult]:
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
    real, init = initial_tensors(plan, tuple(c.seed for c in configs))
    inits = [[w[k] for w in real] for k in range(len(configs))]
    blowup = np.array([blowup_loss(data, w, base.activation) for w in inits], np.float32)
    args, snap_epochs = arguments(plan, data, configs, init, blowup, base.epochs)
    if not is_compiled(plan.shape_key(len(configs))) and not room_to_compile():
        raise too_many_compiled(compile_count())  # instead of a crash (see `mappings`)
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


def is_compiled_for(data: Dataset, config: TrainConfig, settings: int = 1) -> bool:
    """Whether training ``settings`` runs of ``config`` on ``data`` together (1 for `train`,
    a sweep's length for `sweep`) finds its function compiled, so XLA compiles nothing.

    Example:
        >>> is_compiled_for(data, cfg, settings=8) or warm_up(data, cfg, settings=[8])
    """
    check_data(data)
    return is_compiled(Plan(data, config).shape_key(size_class(settings)))


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
