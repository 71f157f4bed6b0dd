"""Keras's optimizer update rules, written for weights stacked over a sweep.

`sweep()` trains K settings at once with every weight stacked on a leading axis of size K,
and each setting may have its own learning rate and weight decay. A
``keras.optimizers.Optimizer`` holds one scalar learning rate, so it cannot step K
settings with K rates in one call. These functions are the same update rules, line for
line (Keras 3 ``update_step`` and ``_apply_weight_decay``, default betas, rho and epsilon),
with the rate and decay broadcast per setting. ``tests/test_training.py`` checks every
rule against the real Keras optimizer step by step.
"""

from __future__ import annotations

from tunelab.training.backend import tf

BETA_1 = 0.9
BETA_2 = 0.999
RHO = 0.9
EPSILON = 1e-7

# The update rules a compiled function switches between at run time (AdamW is Adam with
# decoupled weight decay, which every rule takes as a tensor), and the slots they share:
# slot 0 is momentum / velocity / Adam's m, slot 1 is Adam's v.
FAMILIES = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
N_SHARED_SLOTS = 2

# Optimizer state slots each rule keeps per weight.
SLOTS = {
    "sgd": (),
    "momentum": ("momentum",),
    "nesterov": ("momentum",),
    "rmsprop": ("velocity",),
    "adam": ("m", "v"),
    "adamw": ("m", "v"),
}


def _per_member(value: tf.Tensor, like: tf.Tensor) -> tf.Tensor:
    """Reshape a (K,) tensor so it broadcasts against a (K, ...) weight."""
    for _ in range(len(like.shape) - 1):
        value = value[..., None]
    return value


def apply_updates(
    kind: str,
    params: list[tf.Tensor],
    grads: list[tf.Tensor],
    state: list[list[tf.Tensor]],
    lr: tf.Tensor,
    weight_decay: tf.Tensor,
    decay_mask: list[bool],
    iteration: tf.Tensor,
    momentum: tf.Tensor,
) -> tuple[list[tf.Tensor], list[list[tf.Tensor]]]:
    """One optimizer step for stacked weights; returns new weights and new state.

    Args:
        kind: one of ``SLOTS``.
        params, grads: lists of (K, ...) tensors.
        state: per slot, a list of tensors shaped like ``params``.
        lr, weight_decay: (K,) learning rate and decoupled decay per setting.
        decay_mask: per weight, whether weight decay applies (kernels yes, biases no):
            True, False, or an array of 1s and 0s shaped like the weight's trailing axes
            (a flat row of all weights, 1 on its kernel entries).
        iteration: number of steps already taken (Keras's ``optimizer.iterations``).
        momentum: scalar momentum for ``momentum``/``nesterov``.
    """
    new_params, new_state = [], [list(slot) for slot in state]
    local_step = tf.cast(iteration + 1, tf.float32)
    for i, (w, g) in enumerate(zip(params, grads, strict=True)):
        rate = _per_member(lr, w)
        mask = decay_mask[i]
        if mask is not False:
            decay = w * _per_member(weight_decay, w) * rate
            w = w - (decay if mask is True else decay * mask)
        if kind == "sgd":
            w = w - rate * g
        elif kind in ("momentum", "nesterov"):
            m = -g * rate + state[0][i] * momentum
            new_state[0][i] = m
            w = w + (-g * rate + m * momentum if kind == "nesterov" else m)
        elif kind == "rmsprop":
            v = RHO * state[0][i] + (1 - RHO) * tf.square(g)
            new_state[0][i] = v
            w = w - rate * g / tf.sqrt(v + EPSILON)
        else:  # adam, adamw
            alpha = rate * tf.sqrt(1 - BETA_2**local_step) / (1 - BETA_1**local_step)
            m = state[0][i] + (g - state[0][i]) * (1 - BETA_1)
            v = state[1][i] + (tf.square(g) - state[1][i]) * (1 - BETA_2)
            new_state[0][i], new_state[1][i] = m, v
            w = w - alpha * m / (tf.sqrt(v) + EPSILON)
        new_params.append(w)
    return new_params, new_state


def family_index(kind: str) -> int:
    """The run-time switch value of optimizer ``kind`` (an index into ``FAMILIES``).

    Example:
        >>> family_index("adamw") == family_index("adam")
        True
    """
    return FAMILIES.index("adam" if kind == "adamw" else kind)


def apply_switched(
    index: tf.Tensor,
    params: list[tf.Tensor],
    grads: list[tf.Tensor],
    state: list[list[tf.Tensor]],
    lr: tf.Tensor,
    weight_decay: tf.Tensor,
    decay_mask: list[bool],
    iteration: tf.Tensor,
    momentum: tf.Tensor,
) -> tuple[list[tf.Tensor], list[list[tf.Tensor]]]:
    """`apply_updates` with the rule chosen at run time by ``index`` (see `family_index`).

    Every rule is computed and the chosen one selected, so one compiled function serves
    every optimizer and the chosen rule's numbers are exactly `apply_updates`'s. ``state``
    holds ``N_SHARED_SLOTS`` slots; a rule leaves the slots it does not use unchanged.

    Example:
        >>> params, state = apply_switched(tf.constant(4), params, grads, state, lr, …)
    """
    new_params = list(params)
    new_state = [list(slot) for slot in state]
    for i, kind in enumerate(FAMILIES):
        used = len(SLOTS[kind])
        w, s = apply_updates(
            kind, params, grads, state[:used], lr, weight_decay, decay_mask, iteration, momentum
        )
        chosen = tf.equal(index, i)
        new_params = [tf.where(chosen, a, b) for a, b in zip(w, new_params, strict=True)]
        for slot in range(used):
            new_state[slot] = [
                tf.where(chosen, a, b) for a, b in zip(s[slot], new_state[slot], strict=True)
            ]
    return new_params, new_state


def keras_optimizer(kind: str, learning_rate, momentum: float = 0.9, weight_decay: float = 0.0):
    """The real Keras optimizer these rules reproduce (used by tests and the benchmark).

    Example:
        >>> opt = keras_optimizer("adam", 0.03)
        >>> type(opt).__name__
        'Adam'
    """
    import keras

    decay = weight_decay or None
    if kind == "sgd":
        return keras.optimizers.SGD(learning_rate, weight_decay=decay)
    if kind in ("momentum", "nesterov"):
        return keras.optimizers.SGD(
            learning_rate, momentum=momentum, nesterov=kind == "nesterov", weight_decay=decay
        )
    if kind == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate, weight_decay=decay)
    if kind == "adamw":
        return keras.optimizers.AdamW(learning_rate, weight_decay=weight_decay)
    return keras.optimizers.Adam(learning_rate, weight_decay=decay)
