"""The compiled training loop: one XLA-compiled ``tf.function`` per static `Plan`.

The whole epoch loop runs inside one call: mini-batch steps (shuffled by the stateless
hash in `tunelab.training.rng`), inverted dropout, the optimizer's update, the per-epoch
history written into fixed-size buffers, weight snapshots, divergence and early stopping.
K settings train together with their weights stacked on a leading axis; hyperparameters
are tensors, so they never retrace. What is static (the `Plan`) is the compile key.
"""

from __future__ import annotations

import itertools
import math
import threading

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training.backend import tf
from tunelab.training.config import TrainConfig
from tunelab.training.network import SMALL_WEIGHT
from tunelab.training.optimizers import SLOTS, apply_updates
from tunelab.training.result import METRICS
from tunelab.training.rng import uniform

__all__ = ["MAX_PATH_STEPS", "Plan", "build", "function_for", "trace_count"]

MAX_PATH_STEPS = 50_000


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


class Plan:
    """Everything static about a compiled training function; `key()` is its cache key.

    Today the key holds the network shape (input features, hidden widths, outputs), the
    activation, the task, the optimizer family, the mini-batch size and steps per epoch
    (so the training-set size, when batches are used), whether dropout is compiled in,
    the history capacity (epochs rounded up to a power of two), the number of snapshots
    and whether a linear model's parameter path is recorded. Beyond the key, XLA compiles
    once per concrete shape: number of settings K, training and validation sizes.

    Example:
        >>> Plan(data, TrainConfig(hidden=(8,))).key()
    """

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
        """What decides the compiled function's arithmetic (see the class docstring)."""
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
        """(fan_in, fan_out) of every dense layer, input to output."""
        sizes = (self.n_in, *self.hidden, self.n_out)
        return list(itertools.pairwise(sizes))


_FUNCTIONS: dict[tuple, tf.types.experimental.PolymorphicFunction] = {}
_FUNCTIONS_LOCK = threading.Lock()


def trace_count() -> int:
    """How many times the engine has traced a compiled function (for tests and bench)."""
    return sum(f.experimental_get_tracing_count() for f in _FUNCTIONS.values())


def build(plan: Plan):
    """Write the whole training loop for one static plan as a compiled tf.function.

    Example:
        >>> out = build(plan)(x, y, sample_weight, x_val, y_val, init, lr, …)  # see `signature`
    """
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
                    u = uniform(seeds, step, layer, tf.shape(h)[1:])
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
                keys = uniform(seeds, epoch, 1_000_003, tf.shape(x)[:1])
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
                    tf.reduce_sum(tf.cast(tf.abs(w) < SMALL_WEIGHT, tf.float32), axis=[1, 2])
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


def function_for(plan: Plan):
    """The compiled function for ``plan``, built on first use and kept for the process.

    Example:
        >>> fn = function_for(Plan(data, config))
    """
    key = plan.key()
    with _FUNCTIONS_LOCK:
        if key not in _FUNCTIONS:
            _FUNCTIONS[key] = build(plan)
        return _FUNCTIONS[key]
