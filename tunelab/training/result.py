"""`TrainResult`: what one training run produced, as plain numpy data.

Plots read results and never train; a result can be kept, compared and scrubbed through
after the fact (the weights are stored at evenly spaced epochs). A result is frozen: its
arrays are read-only, and the decision surfaces computed from it are memoised outside it,
in a bounded `SurfaceMemo`, so its size (`nbytes`) never changes. Imports no TensorFlow.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from tunelab.training import network
from tunelab.training.config import OPTIMIZER_NAMES, TrainConfig

# Per-epoch history, recorded after each epoch's updates with dropout off:
METRICS = (
    "train_loss",  # data loss on the whole training set, penalty excluded
    "val_loss",  # data loss on the validation set
    "train_acc",
    "val_acc",
    "lr",  # learning rate at the epoch's last step
    "penalty",  # l1·Σ|w| + l2·Σw² over kernels
    "weight_norm",  # sqrt(Σw²) over kernels
    "small_weights",  # fraction of kernel weights with |w| < network.SMALL_WEIGHT
    "batch_loss",  # mean mini-batch data loss during the epoch, dropout on (what fit() shows)
)


class SurfaceMemo:
    """Decision surfaces already computed, kept outside the (frozen) results.

    An LRU bounded by bytes, keyed by ``(id(result), snapshot index)``; ``"final"`` is the
    index of the final weights' surface. When a result is garbage collected its entries go
    too (``weakref.finalize`` runs before its id can be reused), so a key never points at
    another result's surface.

    Example:
        >>> res.surface_at(100) is res.surface_at(100)  # computed once, then memoised
        True
        >>> SURFACES.nbytes <= SURFACES.max_bytes or len(SURFACES) == 1
        True
    """

    def __init__(self, max_bytes: int = 32 * 2**20):
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[int, Any], np.ndarray] = OrderedDict()
        self._by_result: dict[int, set] = {}
        self._bytes = 0
        self._lock = threading.RLock()

    def get(self, result: TrainResult, index: Any, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """The surface stored under ``(result, index)``, computed by ``compute()`` if absent."""
        key = (id(result), index)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        value.setflags(write=False)
        with self._lock:
            if key in self._items:  # another thread computed it meanwhile
                return self._items[key]
            if key[0] not in self._by_result:
                self._by_result[key[0]] = set()
                weakref.finalize(result, self._forget, key[0])
            self._by_result[key[0]].add(index)
            self._items[key] = value
            self._bytes += value.nbytes
            while len(self._items) > 1 and self._bytes > self.max_bytes:
                (owner, old), evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes
                self._by_result[owner].discard(old)
        return value

    def _forget(self, owner: int) -> None:
        with self._lock:
            for index in self._by_result.pop(owner, ()):
                self._bytes -= self._items.pop((owner, index)).nbytes

    @property
    def nbytes(self) -> int:
        """Bytes of the surfaces held."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        """Forget every surface (each is computed again when next asked for)."""
        with self._lock:
            self._items.clear()
            for owner in self._by_result:
                self._by_result[owner] = set()
            self._bytes = 0


SURFACES = SurfaceMemo()


def _read_only(array: np.ndarray | None) -> np.ndarray | None:
    if array is None:
        return None
    array = np.asarray(array)
    if array.base is not None:  # a view would keep (and hide) its whole base alive
        array = array.copy()
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class TrainResult:
    """The outcome of `tunelab.train`: history, weights, surfaces, timings.

    Attributes:
        config: the `TrainConfig` that produced it.
        history: dict of per-epoch numpy arrays (see ``METRICS``); index i is epoch i+1.
        weights: ``(W1, b1, W2, b2, …)`` as read-only numpy arrays (kernels are (in, out)).
        diverged_at: None, or the epoch at which the loss stopped being finite or blew up
            past ten times the loss of predicting the average; the run stopped there and
            keeps its last healthy weights, so no NaN reaches a plot.
        stopped_at, best_epoch: early stopping's stop epoch and best validation epoch.
        seconds: wall time of the compiled training call (shared equally in a sweep).
        compiled: whether that call first compiled the network shape (seconds include it).
        grid_points, grid_shape: the raw input points of the decision-surface grid.
        snapshot_epochs: epochs (0 = initial) at which the weights were recorded;
            ``surface_at(epoch)`` turns them into a decision surface on demand.
        path: for a linear model of one input and one output (a line), its parameters
            ``[w, b]`` after every step, the walk a loss-surface plot draws; None for
            every other model.

    Example:
        >>> res = tl.train(data, cfg)
        >>> res.final("val_loss") - res.final("train_loss")  # the generalization gap
    """

    config: TrainConfig
    task: str
    n_classes: int
    history: Mapping[str, np.ndarray]
    weights: tuple[np.ndarray, ...]
    diverged_at: int | None
    stopped_at: int | None
    best_epoch: int | None
    seconds: float
    grid_points: np.ndarray | None
    grid_inputs: np.ndarray | None
    grid_shape: tuple[int, int] | None
    snapshot_epochs: np.ndarray
    snapshot_params: np.ndarray
    weight_shapes: tuple[tuple[int, ...], ...]
    path: np.ndarray | None
    steps_per_epoch: int
    data_fingerprint: str
    compiled: bool = False

    def __post_init__(self):
        # Frozen plain data: read-only arrays that own their memory, read-only containers.
        set_ = object.__setattr__
        history = {name: _read_only(values) for name, values in self.history.items()}
        set_(self, "history", MappingProxyType(history))
        set_(self, "weights", tuple(_read_only(w) for w in self.weights))
        set_(self, "weight_shapes", tuple(tuple(s) for s in self.weight_shapes))
        for name in ("snapshot_epochs", "snapshot_params", "path"):
            set_(self, name, _read_only(getattr(self, name)))
        # The grid is shared by every member of a sweep (counted by none of them).
        for name in ("grid_points", "grid_inputs"):
            value = getattr(self, name)
            if value is not None:
                value.setflags(write=False)

    @property
    def nbytes(self) -> int:
        """Bytes held by the result's own arrays (for the engine's cache budget).

        Exact and constant: the arrays are read-only copies the result alone holds, and
        decision surfaces are memoised outside it (`SURFACES`). The grid, shared by every
        member of a sweep, is not counted.
        """
        arrays = [*self.history.values(), *self.weights, self.snapshot_epochs]
        arrays.append(self.snapshot_params)
        if self.path is not None:
            arrays.append(self.path)
        return sum(a.nbytes for a in arrays)

    @property
    def epochs_run(self) -> int:
        """How many epochs have a finite history entry."""
        return len(self.history["train_loss"])

    def final(self, metric: str) -> float:
        """The last recorded value of a history metric (NaN if none was recorded)."""
        values = self.history[metric]
        return float(values[-1]) if len(values) else float("nan")

    @property
    def gap(self) -> float:
        """Validation loss minus training loss after the last epoch."""
        return self.final("val_loss") - self.final("train_loss")

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (class 1 for binary, (n, C) for multiclass) or regression values.

        Args:
            x: model inputs shaped like ``data.x_train``.

        Example:
            >>> res.predict(data.x_val)[:3]
        """
        return network.to_output(
            network.forward(self.weights, self.config.activation, x), self.task
        )

    def weights_at(self, index: int) -> list[np.ndarray]:
        """The weights recorded at ``snapshot_epochs[index]``."""
        flat, out, start = self.snapshot_params[index], [], 0
        for shape in self.weight_shapes:
            size = int(np.prod(shape))
            out.append(flat[start : start + size].reshape(shape))
            start += size
        return out

    @property
    def surface(self) -> np.ndarray | None:
        """The final decision surface on the grid (probabilities or predictions)."""
        if self.grid_inputs is None:
            return None
        return SURFACES.get(self, "final", lambda: self.predict(self.grid_inputs))

    def surface_at(self, epoch: int) -> np.ndarray | None:
        """The decision surface at the recorded epoch nearest at or before ``epoch``."""
        if self.grid_inputs is None:
            return None
        i = max(int(np.searchsorted(self.snapshot_epochs, epoch, side="right")) - 1, 0)

        def compute() -> np.ndarray:
            z = network.forward(self.weights_at(i), self.config.activation, self.grid_inputs)
            return network.to_output(z, self.task)

        return SURFACES.get(self, i, compute)

    def summary(self) -> str:
        """The status line of this run: epochs, time, validation score, gap, early stop,
        or, for a run that diverged, where and what to do. Panels show exactly this.

        Example:
            >>> tl.train(data, cfg).summary()
            '300 epochs in 24 ms · val acc 0.87 · gap +0.05'
        """
        config = self.config
        if self.diverged_at is not None:
            return (
                f"Diverged at epoch {self.diverged_at}: the learning rate "
                f"{config.learning_rate:g} is too high for {OPTIMIZER_NAMES[config.optimizer]}. "
                "Lower it."
            )
        parts = [f"{self.epochs_run} epochs in {1000 * self.seconds:.0f} ms"]
        # A cached result keeps its note: its time includes compiling whenever it is shown.
        if self.compiled:
            parts[0] += " (first run of this network shape, compiling included)"
        if self.task != "regression":
            parts.append(f"val acc {self.final('val_acc'):.2f}")
        else:
            parts.append(f"val loss {self.final('val_loss'):.3f}")
        parts.append(f"gap {self.gap:+.2f}")
        if self.stopped_at is not None:
            parts.append(f"early stop at {self.stopped_at} (best {self.best_epoch})")
        return " · ".join(parts)
