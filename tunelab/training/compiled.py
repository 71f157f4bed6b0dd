"""The compiled training loop: one XLA-compiled ``tf.function`` per static `Plan`.

The whole epoch loop runs inside one call: mini-batch steps (shuffled by the stateless
hash in `tunelab.training.rng`), inverted dropout, the optimizer's update, the per-epoch
history written into fixed-size buffers, weight snapshots, divergence and early stopping.
K settings train together with their weights stacked on a leading axis; hyperparameters
are tensors, so they never retrace.

Compiled once, not once per shape: the network runs padded to a size class
(`tunelab.training.padding`), and the activation within its family, the optimizer rule,
the real training and validation sizes and the steps per epoch are run-time tensors.
What remains static, the compile key, is decided by `tunelab.training.plan.Plan` (its
docstring and the engine's list it): the network's size class and number of outputs,
the activation family (relu/linear or tanh/sigmoid: see `_activate`), the task, the
mini-batch size, the history, snapshot and path buffer sizes; XLA specialises further
per number of settings K and padded training and validation sizes (`Plan.shape_key`,
counted by `compile_count`).

The weights of each member are one flat row (``theta``, K × P) in the loop: the layers
read views of it, and the optimizer step, the penalty and its gradient, the keep-best and
keep-last-good selections and the snapshots are one fused operation over it each. That
keeps the loop body small (84 XLA kernels for the playground's 2×8 network, from 123 with
one array per weight), which is what a new shape's compile time grows with: about 1.5 s
for a new training size of that network on a quiet 2-core machine, from 3.2–3.6 s.
"""

from __future__ import annotations

import threading

import numpy as np

from tunelab.training.backend import tf
from tunelab.training.config import ACTIVATIONS
from tunelab.training.network import SMALL_WEIGHT
from tunelab.training.optimizers import N_SHARED_SLOTS, apply_switched
from tunelab.training.plan import HISTORY_MIN, MAX_PATH_STEPS, Masks, Plan, Switches
from tunelab.training.result import METRICS
from tunelab.training.rng import grid_index, uniform, uniform_at

__all__ = [
    "HISTORY_MIN",
    "MAX_PATH_STEPS",
    "Plan",
    "build",
    "compile_count",
    "function_for",
    "is_compiled",
    "note_compiled",
    "trace_count",
]


def _dense(h: tf.Tensor, w: tf.Tensor) -> tf.Tensor:
    """(K, n, a) @ (K, a, b). With a few inputs (2-D points), a broadcast multiply and
    sum: XLA fuses it into one loop, about 4× faster than a batched matmul of that shape."""
    if w.shape[-2] is not None and w.shape[-2] <= 4:
        return tf.reduce_sum(h[..., :, None] * w[:, None, :, :], axis=-2)
    return tf.matmul(h, w)


def _activate(z: tf.Tensor, index: tf.Tensor, curve: bool) -> tf.Tensor:
    """The activation ``ACTIVATIONS[index]`` of z, chosen at run time within its family.

    Piecewise linear (relu, linear): z where z > 0, else z·slope (0 or 1), so the value
    and gradient are relu's or the identity's. Curves (tanh, sigmoid) share one tanh:
    σ(z) = ½ + ½·tanh(z/2), the same number as tf.sigmoid to float32 rounding. The two
    families stay separate compile keys: computing a tanh a relu network does not need
    made the reference relu run about 15 % slower when measured (computing all four and
    selecting; a 0/1 blend was slower still), and XLA's conditionals cannot be
    differentiated inside its while loop here, so a real branch is not an option.
    """
    if not curve:
        slope = tf.where(tf.equal(index, ACTIVATIONS.index("linear")), 1.0, 0.0)
        return tf.where(z > 0, z, z * slope)
    sigmoid = tf.equal(index, ACTIVATIONS.index("sigmoid"))
    half = tf.where(sigmoid, 0.5, 1.0)
    return tf.tanh(z * half) * half + tf.where(sigmoid, 0.5, 0.0)


_FUNCTIONS: dict[tuple, tf.types.experimental.PolymorphicFunction] = {}
_COMPILED: set[tuple] = set()
_LOCK = threading.Lock()


def trace_count() -> int:
    """How many times the engine has traced a compiled function (for tests and bench)."""
    with _LOCK:
        functions = list(_FUNCTIONS.values())
    return sum(f.experimental_get_tracing_count() for f in functions)


def note_compiled(shape_key: tuple) -> bool:
    """Record that a call of ``shape_key`` (`Plan.shape_key`) ran; True the first time."""
    with _LOCK:
        fresh = shape_key not in _COMPILED
        _COMPILED.add(shape_key)
        return fresh


def is_compiled(shape_key: tuple) -> bool:
    """Whether a call of ``shape_key`` has run (so XLA has compiled it)."""
    with _LOCK:
        return shape_key in _COMPILED


def compile_count() -> int:
    """How many concrete shapes XLA has compiled (each `Plan.shape_key` run once).

    Example:
        >>> before = compile_count(); tl.train(data, cfg); compile_count() - before  # 0 or 1
    """
    with _LOCK:
        return len(_COMPILED)


def build(plan: Plan):
    """Write the whole training loop for one static plan as a compiled tf.function.

    Example:
        >>> out = build(plan)(x, y, sample_weight, x_val, y_val, init, lr, …)  # see `signature`
    """
    depth = len(plan.layout.widths)
    # The weights live in one flat row per member, theta (K, P): the optimizer step, the
    # penalty, the keep-last-good and keep-best selections and the snapshots are then one
    # fused operation each, not one per weight array, which halves XLA's compile time.
    # `unpack` gives the (K, fan_in, fan_out) and (K, fan_out) views the layers use.
    pieces = [piece for a, b in plan.shapes() for piece in ((a, b), (b,))]
    offsets = np.cumsum([0] + [int(np.prod(piece)) for piece in pieces])
    # 1 on kernel entries, 0 on biases: L1, L2 and weight decay act on kernels only.
    on_kernels = np.concatenate(
        [np.full(int(np.prod(p)), float(i % 2 == 0), np.float32) for i, p in enumerate(pieces)]
    )

    def unpack(theta):
        """The weight arrays (W1, b1, …) of flat rows (K, P)."""
        return [
            tf.reshape(theta[:, offsets[i] : offsets[i + 1]], [-1, *piece])
            for i, piece in enumerate(pieces)
        ]

    def forward(params, x, switch, masks, p=None, seeds=None, step=None, drop_index=None):
        """Logits (K, n, n_out); with p, inverted dropout after each hidden layer."""
        h = x
        for layer in range(depth):
            w, b = params[2 * layer], params[2 * layer + 1]
            a = _activate(_dense(h, w) + b[:, None, :], switch.activation, plan.curve)
            if plan.curve:
                # σ(0) = ½: a padded unit would output ½ (relu, tanh and linear give 0).
                a = a * masks.units[layer]
            if p is not None:
                u = uniform_at(seeds, step, layer, drop_index[layer])
                keep = (1.0 - p)[:, None, None]
                a = tf.where(u < keep, a / keep, tf.zeros_like(a))
            h = a if layer < plan.layout.always_on else tf.where(masks.layer_on[layer], a, h)
        return _dense(h, params[-2]) + params[-1][:, None, :]

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

    def real_mean(values, real, count):
        """Mean over the real rows only (padded rows add exact zeros)."""
        return tf.reduce_sum(tf.where(real, values, tf.zeros_like(values)), -1) / count

    def correct(logits, y):
        if plan.task == "binary":
            pred = tf.cast(logits[..., 0] > 0, tf.float32)
        elif plan.task == "multiclass":
            pred = tf.cast(tf.argmax(logits, axis=-1), tf.float32)
        else:
            return tf.zeros(tf.shape(logits)[:2])
        return tf.cast(tf.equal(pred, y), tf.float32)

    def flat(params):
        """All weights of each member as one row (K, P): cheap to record, unpacked on the host."""
        return tf.concat([tf.reshape(w, [-1, int(np.prod(w.shape[1:]))]) for w in params], 1)

    def penalty(theta, l1, l2):
        """λ₁·Σ|w| + λ₂·Σw² over the kernels of each member, and Σw²."""
        abs_sum = tf.reduce_sum(tf.abs(theta) * on_kernels, axis=1)
        sq_sum = tf.reduce_sum(tf.square(theta) * on_kernels, axis=1)
        return l1 * abs_sum + l2 * sq_sum, sq_sum

    def penalty_gradient(theta, l1, l2):
        """The penalty's gradient, written out: λ₁·sign(w) + 2·λ₂·w on the kernels
        (sign(0) = 0, as TensorFlow's gradient of |w|)."""
        return (l1[:, None] * tf.sign(theta) + (2.0 * l2)[:, None] * theta) * on_kernels

    def run(x, y, sw, xv, yv, init, hyper, switch, masks, lr_mult, control, snap_mask):
        lr, l1, l2, p, wd, seeds, blowup = hyper
        momentum, epochs, patience, restore_best = control
        # Static under XLA (one compilation per concrete shape), but not in the trace.
        rows, val_rows = tf.shape(x)[0], tf.shape(xv)[0]
        n, n_f = switch.n, tf.cast(switch.n, tf.float32)
        train_real = tf.range(rows) < n
        val_real = tf.range(val_rows) < switch.n_val
        nv_f = tf.cast(switch.n_val, tf.float32)
        n_kernel = tf.add_n([tf.reduce_sum(m) for m in masks.kernels])
        theta = flat(init)
        state = [[tf.zeros_like(theta)] for _ in range(N_SHARED_SLOTS)]
        best = theta
        # 1 on the real kernel entries (the share of small weights counts those).
        real_kernels = tf.concat(
            [
                tf.reshape(masks.kernels[i // 2], [-1]) if i % 2 == 0 else tf.zeros([piece[0]])
                for i, piece in enumerate(pieces)
            ],
            0,
        )
        x1 = x[None]
        # Training and validation sets go through one forward pass per epoch.
        x_eval = tf.concat([x, xv], 0)[None]
        history = tf.TensorArray(tf.float32, size=plan.capacity, element_shape=[len(METRICS), None])
        shots = tf.TensorArray(tf.float32, size=plan.snapshots + 1)
        shots = shots.write(0, theta)
        path = tf.TensorArray(tf.float32, size=max(plan.path_capacity, 1) + 1)
        if plan.record_path:
            path = path.write(0, theta)
        shot_index = tf.constant(1)
        active = tf.ones_like(lr, tf.bool)
        diverged_at = tf.zeros_like(lr, tf.int32)
        stopped_at = tf.zeros_like(lr, tf.int32)
        best_epoch = tf.zeros_like(lr, tf.int32)
        best_val = tf.zeros_like(lr) + np.float32(np.inf)
        wait = tf.zeros_like(lr, tf.int32)
        last_epoch = tf.zeros_like(lr, tf.int32)
        iteration = tf.constant(0)
        spe, batch = switch.steps, plan.batch
        # Dropout's random numbers follow each unit's place in the real (rows, width) array.
        batch_rows = rows if batch is None else batch
        drop_index = [
            grid_index(batch_rows, w, masks.widths[i]) for i, w in enumerate(plan.layout.widths)
        ]
        rate = lr * lr_mult[0]
        epoch = tf.constant(0)
        while epoch < epochs and tf.reduce_any(active):
            old = theta
            batch_loss = tf.zeros_like(lr)
            if batch is None:
                order = None
            else:
                # Padded rows sort after every real one (keys are < 1), so the real rows'
                # order, and so every batch, is the unpadded run's.
                keys = uniform(seeds, epoch, 1_000_003, [rows])
                keys = tf.where(train_real, keys, tf.fill(tf.shape(keys), 2.0))
                order = tf.argsort(keys, axis=-1, stable=True)
                order = tf.concat([order, tf.zeros_like(order[:, :batch])], 1)
            for s in range(1) if batch is None else tf.range(spe):
                if batch is None:
                    xb, yb, weight, count = x1, y, sw, n_f
                else:
                    positions = s * batch + tf.range(batch)
                    idx = tf.gather(order, positions, axis=1)
                    ok = tf.cast(positions < n, tf.float32)
                    xb, yb = tf.gather(x, idx), tf.gather(y, idx)
                    weight = tf.gather(sw, idx) * ok
                    count = tf.reduce_sum(ok)
                rate = lr * lr_mult[iteration]
                params = unpack(theta)
                with tf.GradientTape() as tape:
                    tape.watch(params)
                    logits = forward(
                        params,
                        xb,
                        switch,
                        masks,
                        p if plan.use_dropout else None,
                        seeds,
                        iteration,
                        drop_index,
                    )
                    data_loss = tf.reduce_sum(per_example_loss(logits, yb) * weight, -1) / count
                    objective = tf.reduce_sum(data_loss)
                grads = flat(tape.gradient(objective, params)) + penalty_gradient(theta, l1, l2)
                (theta,), state = apply_switched(
                    switch.optimizer,
                    [theta],
                    [grads],
                    state,
                    rate,
                    wd,
                    [on_kernels],
                    iteration,
                    momentum,
                )
                batch_loss += data_loss
                iteration += 1
                if plan.record_path:
                    path = path.write(iteration, theta)
            eval_logits = forward(unpack(theta), x_eval, switch, masks)
            train_logits, val_logits = eval_logits[:, :rows], eval_logits[:, rows:]
            train_loss = real_mean(per_example_loss(train_logits, y), train_real, n_f)
            val_loss = real_mean(per_example_loss(val_logits, yv), val_real, nv_f)
            pen, sq_sum = penalty(theta, l1, l2)
            # Diverged: a loss that is not finite, or that has blown up past `blowup`
            # (10× the loss of always predicting the training average).
            healthy = tf.math.is_finite(val_loss) & tf.math.is_finite(pen)
            healthy &= tf.math.is_finite(batch_loss) & (train_loss <= blowup)
            diverged_at = tf.where(active & ~healthy, epoch + 1, diverged_at)
            active &= healthy
            # Settings that diverged or stopped keep their last good weights.
            theta = tf.where(active[:, None], theta, old)
            small = tf.reduce_sum(
                tf.cast(tf.abs(theta) < SMALL_WEIGHT, tf.float32) * real_kernels, axis=1
            )
            row = tf.stack(
                [
                    train_loss,
                    val_loss,
                    real_mean(correct(train_logits, y), train_real, n_f),
                    real_mean(correct(val_logits, yv), val_real, nv_f),
                    rate,
                    pen,
                    tf.sqrt(sq_sum),
                    small / n_kernel,
                    batch_loss / tf.cast(spe, tf.float32),
                ]
            )
            history = history.write(epoch, row)
            last_epoch = tf.where(active, epoch + 1, last_epoch)
            improved = active & (val_loss < best_val)
            best_val = tf.where(improved, val_loss, best_val)
            best_epoch = tf.where(improved, epoch + 1, best_epoch)
            best = tf.where(improved[:, None], theta, best)
            wait = tf.where(improved, 0, wait + 1)
            stop = active & (wait >= patience)
            stopped_at = tf.where(stop, epoch + 1, stopped_at)
            active &= ~stop
            if snap_mask[epoch + 1]:
                shots = shots.write(shot_index, theta)
                shot_index += 1
            epoch += 1
        use_best = restore_best & (best_epoch > 0)
        theta = tf.where(use_best[:, None], best, theta)
        return {
            "history": history.stack(),
            "last_epoch": last_epoch,
            "diverged_at": diverged_at,
            "stopped_at": stopped_at,
            "best_epoch": best_epoch,
            "params": unpack(theta),
            "snapshots": shots.stack(),
            "path": path.stack() if plan.record_path else tf.zeros([0]),
            "steps": iteration,
        }

    return tf.function(run, jit_compile=True, input_signature=_signature(plan))


def _signature(plan: Plan) -> list:
    """Sizes (examples, settings K, steps) are left open so one trace serves every dataset
    size and every sweep; XLA specializes the compiled code per concrete shape."""
    vector = tf.TensorSpec([None], tf.float32)
    scalar = tf.TensorSpec([], tf.int32)
    n_in = plan.layout.in_pad
    weights = []
    for fan_in, fan_out in plan.shapes():
        weights += [tf.TensorSpec([None, fan_in, fan_out]), tf.TensorSpec([None, fan_out])]
    return [
        tf.TensorSpec([None, n_in]),  # x
        vector,  # y
        vector,  # example weights (0 on padded rows)
        tf.TensorSpec([None, n_in]),  # x_val
        vector,  # y_val
        weights,  # initial weights
        # per setting: learning rate, l1, l2, dropout, weight decay, seed, divergence threshold
        (*[vector] * 5, tf.TensorSpec([None], tf.int32), vector),
        Switches(*[scalar] * 5),
        Masks(
            units=[tf.TensorSpec([w]) for w in plan.layout.widths],
            layer_on=tf.TensorSpec([len(plan.layout.widths)], tf.bool),
            widths=tf.TensorSpec([len(plan.layout.widths)], tf.int32),
            kernels=[tf.TensorSpec(shape) for shape in plan.shapes()],
        ),
        vector,  # schedule multipliers per step
        # momentum, epochs, patience, restore best
        (tf.TensorSpec([], tf.float32), scalar, scalar, tf.TensorSpec([], tf.bool)),
        tf.TensorSpec([None], tf.bool),  # snapshot epochs
    ]


def function_for(plan: Plan):
    """The compiled function for ``plan``, built on first use and kept for the process.

    Example:
        >>> fn = function_for(Plan(data, config))
    """
    key = plan.key()
    with _LOCK:
        if key not in _FUNCTIONS:
            _FUNCTIONS[key] = build(plan)
        return _FUNCTIONS[key]
