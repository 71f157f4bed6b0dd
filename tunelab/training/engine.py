"""The training engine: many epochs of a small network inside one compiled call.

Why it is fast: one ``tf.function`` (XLA-compiled) per network shape runs the whole epoch
loop, and every hyperparameter (learning rate, L1, L2, dropout rate, weight decay, seed,
schedule) enters as a tensor, so moving a slider never builds a Keras model and never
retraces. K settings of the same shape train together with their weights stacked on a
leading axis (batched matmul); a single run is the case K = 1, so `train` and `sweep`
share one code path and give the same numbers: random draws are keyed by each setting's
seed, never by its position, and XLA's arithmetic agrees to float32 rounding whatever K
is (decision surfaces within 1e-6). Long small-batch runs are chaotic and can amplify
that rounding, so lesson claims about them hold over several seeds, not one exact run.

Conventions (the same as Keras): L2 adds ``λ·Σw²`` and L1 ``λ·Σ|w|`` over kernels, not
biases; dropout is inverted (kept activations scaled by 1/(1−p) in training, nothing
dropped or scaled at inference); weight decay is decoupled (``w ← w − lr·wd·w``).
"""

from __future__ import annotations

import itertools
import math
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from functools import lru_cache

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training.backend import tf
from tunelab.training.config import TrainConfig
from tunelab.training.optimizers import SLOTS, apply_updates
from tunelab.training.result import METRICS, NUMPY_ACTIVATIONS, TrainResult, unpack_forward

__all__ = ["train", "sweep", "clear_cache", "cache_info", "trace_count", "SWEEP_AXES"]

SWEEP_AXES = ("l1", "l2", "dropout", "learning_rate", "weight_decay", "seed")
MAX_TOTAL_STEPS = 2_000_000
MAX_PATH_STEPS = 50_000


# ----------------------------------------------------------------------------------------
# Stateless random numbers keyed by (seed, counter): deterministic, independent of K, and
# cheap under XLA (a few integer ops per number, no RNG state to carry).
_M1 = 0x85EBCA6B
_M2 = 0xC2B2AE35


def _fmix(h: tf.Tensor) -> tf.Tensor:
    """MurmurHash3's 32-bit finalizer: a bijective mix of all input bits."""
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16))
    h = h * tf.constant(_M1, tf.uint32)
    h = tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 13))
    h = h * tf.constant(_M2, tf.uint32)
    return tf.bitwise.bitwise_xor(h, tf.bitwise.right_shift(h, 16))


def _hash(seeds: tf.Tensor, a: tf.Tensor, b: int, tail: tf.Tensor) -> tf.Tensor:
    """Uniform 32-bit integers of shape (K, *tail), keyed by each member's seed, a and b."""
    key = _fmix(tf.cast(seeds, tf.uint32) * tf.constant(0x9E3779B9, tf.uint32) + 0x632BE5AB)
    key = _fmix(tf.bitwise.bitwise_xor(key, tf.cast(a, tf.uint32)) + tf.constant(b, tf.uint32))
    tail = tf.convert_to_tensor(tail, tf.int32)
    rank = tail.shape[0]
    index = tf.cast(tf.range(tf.reduce_prod(tail), dtype=tf.int32), tf.uint32)
    index = tf.reshape(index, tf.concat([[1], tail], 0))
    for _ in range(rank):
        key = key[..., None]
    return _fmix(tf.bitwise.bitwise_xor(index * tf.constant(0x27D4EB2F, tf.uint32), key))


def _uniform(seeds: tf.Tensor, a: tf.Tensor, b: int, tail: tf.Tensor) -> tf.Tensor:
    """Uniform [0, 1) floats with 24 random bits, shape (K, *tail)."""
    h = _hash(seeds, a, b, tail)
    return tf.cast(tf.bitwise.right_shift(h, 8), tf.float32) * (1.0 / 16777216.0)


def _dense(h: tf.Tensor, w: tf.Tensor) -> tf.Tensor:
    """(K, n, a) @ (K, a, b). With a few inputs (2-D points), a broadcast multiply and
    sum: XLA fuses it into one loop, about 4× faster than a batched matmul of that shape."""
    if w.shape[-2] is not None and w.shape[-2] <= 4:
        return tf.reduce_sum(h[..., :, None] * w[:, None, :, :], axis=-2)
    return tf.matmul(h, w)


_ACTIVATIONS = {
    "relu": tf.nn.relu,
    "tanh": tf.tanh,
    "sigmoid": tf.sigmoid,
    "linear": tf.identity,
}


# ----------------------------------------------------------------------------------------
# The compiled step, built once per static shape.


class _Plan:
    """Everything static about a compiled training function (its cache key)."""

    def __init__(self, data: Dataset, config: TrainConfig):
        self.n_in = data.x_train.shape[1]
        self.hidden = config.hidden
        self.activation = config.activation
        self.task = data.task
        self.n_out = data.n_classes if data.task == "multiclass" else 1
        self.optimizer = "adam" if config.optimizer == "adamw" else config.optimizer
        n = data.x_train.shape[0]
        self.batch = (
            None if config.batch_size is None or config.batch_size >= n else config.batch_size
        )
        self.steps_per_epoch = 1 if self.batch is None else math.ceil(n / self.batch)
        # Dropout is compiled in whenever there are hidden units (a rate of 0 keeps every
        # unit), so moving the rate through 0 never compiles a second function.
        self.use_dropout = bool(config.hidden)
        # History buffers need a static size under XLA; powers of two keep the number of
        # distinct compiled functions small.
        self.capacity = max(64, 1 << (config.epochs - 1).bit_length())
        self.snapshots = config.snapshots
        total_steps = self.capacity * self.steps_per_epoch
        self.record_path = not config.hidden and total_steps <= MAX_PATH_STEPS
        self.path_capacity = total_steps if self.record_path else 0

    def key(self) -> tuple:
        return (
            self.n_in,
            self.hidden,
            self.activation,
            self.task,
            self.n_out,
            self.optimizer,
            self.batch,
            self.steps_per_epoch,
            self.use_dropout,
            self.capacity,
            self.snapshots,
            self.record_path,
        )

    def shapes(self) -> list[tuple[int, int]]:
        sizes = (self.n_in, *self.hidden, self.n_out)
        return list(itertools.pairwise(sizes))


_FUNCTIONS: dict[tuple, tf.types.experimental.PolymorphicFunction] = {}
_FUNCTIONS_LOCK = threading.Lock()


def trace_count() -> int:
    """How many times the engine has traced a compiled function (for tests and bench)."""
    return sum(f.experimental_get_tracing_count() for f in _FUNCTIONS.values())


def _build(plan: _Plan):
    """Write the whole training loop for one static plan as a compiled tf.function."""
    act = _ACTIVATIONS[plan.activation]
    n_layers = len(plan.hidden) + 1
    kernel_mask = [i % 2 == 0 for i in range(2 * n_layers)]
    slots = SLOTS[plan.optimizer]

    def forward(params, x, p=None, seeds=None, step=None):
        """Logits (K, n, n_out); with p, inverted dropout after each hidden layer."""
        h = x
        for layer in range(n_layers):
            w, b = params[2 * layer], params[2 * layer + 1]
            h = _dense(h, w) + b[:, None, :]
            if layer < n_layers - 1:
                h = act(h)
                if p is not None:
                    u = _uniform(seeds, step, layer, tf.shape(h)[1:])
                    u.set_shape(h.shape)
                    keep = (1.0 - p)[:, None, None]
                    h = tf.where(u < keep, h / keep, tf.zeros_like(h))
        return h

    def per_example_loss(logits, y):
        if plan.task == "binary":
            z = logits[..., 0]
            return tf.nn.sigmoid_cross_entropy_with_logits(
                labels=tf.broadcast_to(y, tf.shape(z)), logits=z
            )
        if plan.task == "multiclass":
            labels = tf.broadcast_to(tf.cast(y, tf.int32), tf.shape(logits)[:-1])
            return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        return tf.square(logits[..., 0] - y)

    def accuracy(logits, y):
        if plan.task == "binary":
            pred = tf.cast(logits[..., 0] > 0, tf.float32)
        elif plan.task == "multiclass":
            pred = tf.cast(tf.argmax(logits, axis=-1), tf.float32)
        else:
            return tf.zeros(tf.shape(logits)[:1])
        return tf.reduce_mean(tf.cast(tf.equal(pred, y), tf.float32), axis=-1)

    def flat(params):
        """All weights of each member as one row (K, P): cheap to record, unpacked on the host."""
        return tf.concat([tf.reshape(w, [-1, int(np.prod(w.shape[1:]))]) for w in params], 1)

    def penalty(params, l1, l2):
        kernels = params[0::2]
        abs_sum = tf.add_n([tf.reduce_sum(tf.abs(w), axis=[1, 2]) for w in kernels])
        sq_sum = tf.add_n([tf.reduce_sum(tf.square(w), axis=[1, 2]) for w in kernels])
        return l1 * abs_sum + l2 * sq_sum, sq_sum

    n_kernel = sum(a * b for a, b in plan.shapes())

    def run(
        x,
        y,
        sw,
        xv,
        yv,
        init,
        lr,
        l1,
        l2,
        p,
        wd,
        seeds,
        lr_mult,
        momentum,
        epochs,
        patience,
        restore_best,
        snap_mask,
        blowup,
    ):
        n = tf.shape(x)[0]
        params = list(init)
        state = [[tf.zeros_like(w) for w in params] for _ in slots]
        best = list(params)
        x1 = x[None]
        # Training and validation sets go through one forward pass per epoch.
        x_eval = tf.concat([x, xv], 0)[None]
        history = tf.TensorArray(tf.float32, size=plan.capacity, element_shape=[len(METRICS), None])
        shots = tf.TensorArray(tf.float32, size=plan.snapshots + 1)
        shots = shots.write(0, flat(params))
        path = tf.TensorArray(tf.float32, size=max(plan.path_capacity, 1) + 1)
        if plan.record_path:
            path = path.write(0, flat(params))
        shot_index = tf.constant(1)
        active = tf.ones_like(lr, tf.bool)
        diverged_at = tf.zeros_like(lr, tf.int32)
        stopped_at = tf.zeros_like(lr, tf.int32)
        best_epoch = tf.zeros_like(lr, tf.int32)
        best_val = tf.zeros_like(lr) + np.float32(np.inf)
        wait = tf.zeros_like(lr, tf.int32)
        last_epoch = tf.zeros_like(lr, tf.int32)
        iteration = tf.constant(0)
        # Positions past n in the last mini-batch are padding, masked out of the loss.
        spe, batch = plan.steps_per_epoch, plan.batch
        if batch is not None:
            position_ok = tf.cast(tf.range(spe * batch) < n, tf.float32)
        rate = lr * lr_mult[0]
        epoch = tf.constant(0)
        while epoch < epochs and tf.reduce_any(active):
            old = params
            batch_loss = tf.zeros_like(lr)
            if batch is None:
                order = None
            else:
                keys = _uniform(seeds, epoch, 1_000_003, tf.shape(x)[:1])
                order = tf.argsort(keys, axis=-1, stable=True)
                order = tf.pad(order, [[0, 0], [0, spe * batch - n]])
            for s in range(1) if batch is None else tf.range(spe):
                if batch is None:
                    xb, yb, weight = x1, y, sw
                    count = tf.cast(n, tf.float32)
                else:
                    idx = order[:, s * batch : (s + 1) * batch]
                    ok = position_ok[s * batch : (s + 1) * batch]
                    xb, yb = tf.gather(x, idx), tf.gather(y, idx)
                    weight = tf.gather(sw, idx) * ok
                    count = tf.reduce_sum(ok)
                rate = lr * lr_mult[iteration]
                with tf.GradientTape() as tape:
                    tape.watch(params)
                    logits = forward(params, xb, p if plan.use_dropout else None, seeds, iteration)
                    data_loss = tf.reduce_sum(per_example_loss(logits, yb) * weight, -1) / count
                    pen, _ = penalty(params, l1, l2)
                    objective = tf.reduce_sum(data_loss + pen)
                grads = tape.gradient(objective, params)
                params, state = apply_updates(
                    plan.optimizer, params, grads, state, rate, wd, kernel_mask, iteration, momentum
                )
                batch_loss += data_loss
                iteration += 1
                if plan.record_path:
                    path = path.write(iteration, flat(params))
            eval_logits = forward(params, x_eval)
            train_logits, val_logits = eval_logits[:, :n], eval_logits[:, n:]
            train_loss = tf.reduce_mean(per_example_loss(train_logits, y), -1)
            val_loss = tf.reduce_mean(per_example_loss(val_logits, yv), -1)
            pen, sq_sum = penalty(params, l1, l2)
            # Diverged: a loss that is not finite, or that has blown up past `blowup`
            # (10× the loss of always predicting the training average).
            healthy = tf.math.is_finite(val_loss) & tf.math.is_finite(pen)
            healthy &= tf.math.is_finite(batch_loss) & (train_loss <= blowup)
            diverged_at = tf.where(active & ~healthy, epoch + 1, diverged_at)
            active &= healthy
            # Settings that diverged or stopped keep their last good weights.
            params = [tf.where(_bcast(active, w), w, o) for w, o in zip(params, old, strict=True)]
            small = tf.add_n(
                [
                    tf.reduce_sum(tf.cast(tf.abs(w) < 1e-3, tf.float32), axis=[1, 2])
                    for w in params[0::2]
                ]
            )
            row = tf.stack(
                [
                    train_loss,
                    val_loss,
                    accuracy(train_logits, y),
                    accuracy(val_logits, yv),
                    rate,
                    pen,
                    tf.sqrt(sq_sum),
                    small / n_kernel,
                    batch_loss / spe,
                ]
            )
            history = history.write(epoch, row)
            last_epoch = tf.where(active, epoch + 1, last_epoch)
            improved = active & (val_loss < best_val)
            best_val = tf.where(improved, val_loss, best_val)
            best_epoch = tf.where(improved, epoch + 1, best_epoch)
            best = [tf.where(_bcast(improved, w), w, b) for w, b in zip(params, best, strict=True)]
            wait = tf.where(improved, 0, wait + 1)
            stop = active & (wait >= patience)
            stopped_at = tf.where(stop, epoch + 1, stopped_at)
            active &= ~stop
            if snap_mask[epoch + 1]:
                shots = shots.write(shot_index, flat(params))
                shot_index += 1
            epoch += 1
        use_best = restore_best & (best_epoch > 0)
        params = [tf.where(_bcast(use_best, w), b, w) for w, b in zip(params, best, strict=True)]
        return {
            "history": history.stack(),
            "last_epoch": last_epoch,
            "diverged_at": diverged_at,
            "stopped_at": stopped_at,
            "best_epoch": best_epoch,
            "params": params,
            "snapshots": shots.stack(),
            "path": path.stack() if plan.record_path else tf.zeros([0]),
            "steps": iteration,
        }

    # Sizes (examples, settings K, steps) are left open so one trace serves every dataset
    # size and every sweep; XLA specializes the compiled code per concrete shape.
    vector = tf.TensorSpec([None], tf.float32)
    weights = []
    for fan_in, fan_out in plan.shapes():
        weights += [tf.TensorSpec([None, fan_in, fan_out]), tf.TensorSpec([None, fan_out])]
    signature = [
        tf.TensorSpec([None, plan.n_in]),  # x
        vector,  # y
        vector,  # example weights
        tf.TensorSpec([None, plan.n_in]),  # x_val
        vector,  # y_val
        weights,  # initial weights
        *[vector] * 5,  # learning rate, l1, l2, dropout, weight decay (per setting)
        tf.TensorSpec([None], tf.int32),  # seeds
        vector,  # schedule multipliers per step
        tf.TensorSpec([], tf.float32),  # momentum
        tf.TensorSpec([], tf.int32),  # epochs
        tf.TensorSpec([], tf.int32),  # patience
        tf.TensorSpec([], tf.bool),  # restore best
        tf.TensorSpec([None], tf.bool),  # snapshot epochs
        vector,  # divergence threshold per setting
    ]
    return tf.function(run, jit_compile=True, input_signature=signature)


def _bcast(mask: tf.Tensor, like: tf.Tensor) -> tf.Tensor:
    for _ in range(len(like.shape) - 1):
        mask = mask[..., None]
    return mask


def _function_for(plan: _Plan):
    key = plan.key()
    with _FUNCTIONS_LOCK:
        if key not in _FUNCTIONS:
            _FUNCTIONS[key] = _build(plan)
        return _FUNCTIONS[key]


# ----------------------------------------------------------------------------------------
# Host side: inputs, the cache, results.


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
        pred = unpack_forward(list(weights), activation, data.x_train)[:, 0]
        start = float(np.mean((pred - y) ** 2))
    else:
        freq = np.bincount(y.astype(int), minlength=data.n_classes) / len(y)
        baseline = float(-np.sum(freq[freq > 0] * np.log(freq[freq > 0])))
        z = unpack_forward(list(weights), activation, data.x_train)
        if data.task == "binary":
            z = z[:, 0]
            start = float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        else:
            z = z - z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            start = float(-np.mean(logp[np.arange(len(y)), y.astype(int)]))
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


class _Cache:
    """An LRU of finished results, keyed by (data fingerprint, config).

    Bounded by count and by the bytes the results hold (a 64×64 network's weight
    snapshots are ~0.5 MB), so a long class session cannot grow memory without bound.
    """

    def __init__(self, maxsize: int = 512, max_bytes: int = 48 * 2**20):
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
            return None

    def put_many(self, pairs) -> None:
        # All or nothing: results are stored only once a whole call has finished, and in
        # one C-level update, so an interrupt (SIGINT) cannot leave half a sweep behind.
        fresh = OrderedDict(pairs)
        with self._lock:
            for key in fresh.keys() & self._items.keys():
                self._bytes -= self._items[key].nbytes
            self._items.update(fresh)
            self._bytes += sum(result.nbytes for result in fresh.values())
            while len(self._items) > 1 and (
                len(self._items) > self.maxsize or self._bytes > self.max_bytes
            ):
                _, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)


_CACHE = _Cache()


def clear_cache() -> None:
    """Forget every cached result (compiled functions are kept)."""
    _CACHE.clear()


def cache_info() -> dict:
    """Hits, misses and size of the result cache."""
    return {
        "hits": _CACHE.hits,
        "misses": _CACHE.misses,
        "size": len(_CACHE),
        "megabytes": _CACHE._bytes / 2**20,
    }


def _size_class(n: int) -> int:
    """The smallest of 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, … (2^k and 3·2^k) ≥ n."""
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
    size = _size_class(max(requested, len(configs)))
    return configs + [configs[-1]] * (size - len(configs))


# (function key, settings, training examples, validation examples) already compiled by XLA
_COMPILED_SHAPES: set[tuple] = set()


def _run(data: Dataset, wanted: list[TrainConfig], requested: int = 1) -> list[TrainResult]:
    """Train configs that differ only in SWEEP_AXES together, in one compiled call."""
    configs = _padded(wanted, requested)
    base = configs[0]
    plan = _Plan(data, base)
    fn = _function_for(plan)
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
                weights=[w[k] for w in out["params"]],
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
    return (data.fingerprint, config) in _CACHE


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
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    result = _run(data, [config])[0]
    _CACHE.put_many([(key, result)])
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
    for name, values in axes.items():
        if name not in SWEEP_AXES:
            raise ValueError(
                f"Cannot sweep `{name}`: only {', '.join(SWEEP_AXES)} can be trained together "
                "(other settings change the network's shape or the compiled loop)."
            )
        if isinstance(values, str) or not hasattr(values, "__iter__") or len(list(values)) == 0:
            raise ValueError(
                f"Expected `{name}` to be a non-empty list of values. Received: {name}={values!r}"
            )
    names = list(axes)
    configs = [
        replace(config, **dict(zip(names, combo, strict=True)))
        for combo in itertools.product(*(list(axes[n]) for n in names))
    ]
    if len(configs) > 4096:
        raise ValueError(
            f"Expected at most 4096 combinations in one sweep. Received: {len(configs)}"
        )
    keys = [(data.fingerprint, c) for c in configs]
    todo = [c for c, key in zip(configs, keys, strict=True) if key not in _CACHE]
    todo = list(dict.fromkeys(todo))
    fresh = {}
    if todo:
        for c, result in zip(todo, _run(data, todo, len(configs)), strict=True):
            fresh[(data.fingerprint, c)] = result
        _CACHE.put_many(fresh.items())
    return [fresh.get(key) or _CACHE.get(key) for key in keys]


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
    u = _uniform(tf.constant([seed], tf.int32), tf.constant(step), layer, tf.shape(h)).numpy()[0]
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
    weights, outputs = result.weights, []
    h = np.asarray(x, np.float32)
    act = NUMPY_ACTIVATIONS[result.config.activation]
    for layer in range(len(weights) // 2 - 1):
        h = act(h @ weights[2 * layer] + weights[2 * layer + 1])
        h = apply_dropout(
            h, rate, seed=result.config.seed, step=step, layer=layer, training=training
        )
        outputs.append(h)
    return outputs
