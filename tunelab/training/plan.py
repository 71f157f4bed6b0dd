"""`Plan`: everything static about one compiled training function, and its key.

A `Plan` reads a dataset and a `TrainConfig` and decides what the compiled loop
(`tunelab.training.compiled`) is specialised for. `Plan.key` is the compiled function's
cache key:

- the size class of the network (`tunelab.training.padding`): padded input features
  (4, 8, 16, …), hidden width class (8 … 1024), depth class (0 = linear, 1, 2, 4, 8),
  and the number of outputs;
- the activation family: relu and linear share a function, tanh and sigmoid another
  (`CURVES`; the engine's docstring gives the measured reason);
- the task (binary, multiclass, regression: another loss);
- the mini-batch size (a static slice size under XLA), None for full batch;
- the history capacity (``HISTORY_MIN`` = 1024 epochs, powers of two beyond), the number
  of snapshots, and for a linear model whether (and for how many steps: epochs × steps
  per epoch, rounded up to a power of two) its parameter path is recorded (only a
  line, one input and one output, records one).

`Plan.shape_key` adds the concrete shapes XLA compiles for: the number of settings K
and the padded training and validation sizes. Everything else a call needs to pick the
real network out of its class is a run-time tensor (`Switches`, `Masks`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training import padding
from tunelab.training.backend import tf
from tunelab.training.config import ACTIVATIONS, TrainConfig
from tunelab.training.optimizers import family_index

__all__ = ["CURVES", "HISTORY_MIN", "MAX_PATH_STEPS", "Masks", "Plan", "Switches"]

MAX_PATH_STEPS = 50_000
#: The smallest history buffer: every run up to this many epochs shares one compile key.
HISTORY_MIN = 1024
#: Activations that share a compiled function, switched at run time within a family
#: (relu and linear share the other one).
CURVES = ("tanh", "sigmoid")


class Plan:
    """Everything static about a compiled training function; `key()` is its cache key.

    The module docstring lists what the key holds. The run-time values a call passes
    (`Switches`, `Masks`) come from here too.

    Args:
        data, config: what is to be trained.
        pad: pad to size classes (default `padding.PADDING`); False compiles the real shape.

    Example:
        >>> Plan(data, TrainConfig(hidden=(8,))).key()
    """

    def __init__(self, data: Dataset, config: TrainConfig, pad: bool | None = None):
        pad = padding.PADDING if pad is None else pad
        self.task = data.task
        n_out = data.n_classes if data.task == "multiclass" else 1
        self.layout = padding.Layout.of(data.x_train.shape[1], config.hidden, n_out, pad)
        self.activation = ACTIVATIONS.index(config.activation)
        self.curve = config.activation in CURVES
        self.optimizer = family_index(config.optimizer)
        self.n, self.n_val = data.x_train.shape[0], data.x_val.shape[0]
        self.rows = padding.rows_class(self.n) if pad else self.n
        self.val_rows = padding.rows_class(self.n_val) if pad else self.n_val
        n = self.n
        self.batch = (
            None if config.batch_size is None or config.batch_size >= n else config.batch_size
        )
        self.steps_per_epoch = 1 if self.batch is None else -(-n // self.batch)
        # The schedule's per-step multipliers have a static length under XLA: steps per
        # epoch of the padded size, so every training size of a rows class shares it.
        self.step_slots = 1 if self.batch is None else -(-self.rows // self.batch)
        # Dropout is compiled in whenever there are hidden units (a rate of 0 keeps every
        # unit), so moving the rate through 0 never compiles a second function.
        self.use_dropout = bool(config.hidden)
        # History buffers need a static size under XLA; one size up to HISTORY_MIN epochs
        # and powers of two beyond keep the number of distinct compiled functions small.
        self.capacity = max(HISTORY_MIN, 1 << (config.epochs - 1).bit_length())
        self.snapshots = config.snapshots
        # The path holds the steps this run takes, not the history's capacity: a 40-epoch
        # stochastic run of 50 steps an epoch records its 2,000 steps.
        total_steps = config.epochs * self.steps_per_epoch
        # Only a line, one input and one output (w, b), has a loss surface to draw its
        # path on (`tunelab.plots.LossSurface`); any other model records no path, so its
        # compile key does not depend on the number of steps.
        line = not config.hidden and data.x_train.shape[1] == 1 and n_out == 1
        self.record_path = line and total_steps <= MAX_PATH_STEPS
        self.path_capacity = 1 << (total_steps - 1).bit_length() if self.record_path else 0

    def key(self) -> tuple:
        """What decides the compiled function's arithmetic (see the module docstring)."""
        return (
            self.layout.class_key(),
            self.curve,
            self.task,
            self.batch,
            self.use_dropout,
            self.capacity,
            self.snapshots,
            self.record_path,
            self.path_capacity,
        )

    def shape_key(self, settings: int) -> tuple:
        """The key and the concrete shapes XLA compiles for: one compilation each."""
        return (self.key(), settings, self.rows, self.val_rows)

    def shapes(self) -> list[tuple[int, int]]:
        """(fan_in, fan_out) of every padded dense layer, input to output."""
        return self.layout.padded_shapes()

    def switches(self) -> Switches:
        """The run-time values that pick this plan's network out of its class."""
        return _switches(self.activation, self.optimizer, self.n, self.n_val, self.steps_per_epoch)

    def masks(self) -> Masks:
        """Which units, layers and kernel entries of the padded network are real."""
        return _masks(self.layout)


# Made once per distinct value: converting them on every call costs more than the
# small network's arithmetic would suggest (eager tensors are immutable, so sharing is safe).
@lru_cache(maxsize=256)
def _switches(*values: int) -> Switches:
    return Switches(*[tf.constant(np.int32(v)) for v in values])


@lru_cache(maxsize=64)
def _masks(layout: padding.Layout) -> Masks:
    return Masks(
        units=[tf.constant(m) for m in layout.unit_masks()],
        layer_on=tf.constant(layout.layer_on()),
        widths=tf.constant(layout.real_widths()),
        kernels=[tf.constant(m) for m in layout.kernel_masks()],
    )


class Switches(NamedTuple):
    """Scalars a call passes: activation and optimizer indices, real sizes, steps/epoch."""

    activation: tf.Tensor
    optimizer: tf.Tensor
    n: tf.Tensor
    n_val: tf.Tensor
    steps: tf.Tensor


class Masks(NamedTuple):
    """Where the real network sits in the padded one (see `padding.Layout`)."""

    units: list
    layer_on: tf.Tensor
    widths: tf.Tensor
    kernels: list
