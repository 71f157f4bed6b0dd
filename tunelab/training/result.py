"""`TrainResult`: what one training run produced, as plain numpy data.

Plots read results and never train; a result can be kept, compared and scrubbed through
after the fact (the decision surface is stored at evenly spaced epochs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tunelab.training.config import TrainConfig

# Per-epoch history, recorded after each epoch's updates with dropout off:
METRICS = (
    "train_loss",  # data loss on the whole training set, penalty excluded
    "val_loss",  # data loss on the validation set
    "train_acc",
    "val_acc",
    "lr",  # learning rate at the epoch's last step
    "penalty",  # l1·Σ|w| + l2·Σw² over kernels
    "weight_norm",  # sqrt(Σw²) over kernels
    "small_weights",  # fraction of kernel weights with |w| < 1e-3
    "batch_loss",  # mean mini-batch data loss during the epoch, dropout on (what fit() shows)
)

NUMPY_ACTIVATIONS = {
    "relu": lambda z: np.maximum(z, 0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "linear": lambda z: z,
}


def unpack_forward(weights: list[np.ndarray], activation: str, x: np.ndarray) -> np.ndarray:
    """The network's logits for inputs ``x`` (numpy, no TensorFlow): cheap for plots."""
    h = np.asarray(x, np.float32)
    act = NUMPY_ACTIVATIONS[activation]
    n_layers = len(weights) // 2
    for layer in range(n_layers):
        h = h @ weights[2 * layer] + weights[2 * layer + 1]
        if layer < n_layers - 1:
            h = act(h)
    return h


def _to_output(z: np.ndarray, task: str) -> np.ndarray:
    if task == "binary":
        return 1 / (1 + np.exp(-np.clip(z[..., 0], -60, 60)))
    if task == "multiclass":
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)
    return z[..., 0]


@dataclass(eq=False)
class TrainResult:
    """The outcome of `tunelab.train`: history, weights, surfaces, timings.

    Attributes:
        config: the `TrainConfig` that produced it.
        history: dict of per-epoch numpy arrays (see ``METRICS``); index i is epoch i+1.
        weights: ``[W1, b1, W2, b2, …]`` as numpy arrays (kernels are (in, out)).
        diverged_at: None, or the epoch at which the loss stopped being finite or blew up
            past ten times the loss of predicting the average; the run stopped there and
            keeps its last healthy weights, so no NaN reaches a plot.
        stopped_at, best_epoch: early stopping's stop epoch and best validation epoch.
        seconds: wall time of the compiled training call (shared equally in a sweep).
        compiled: whether that call first compiled the network shape (seconds include it).
        grid_points, grid_shape: the raw input points of the decision-surface grid.
        snapshot_epochs: epochs (0 = initial) at which the weights were recorded;
            ``surface_at(epoch)`` turns them into a decision surface on demand.
        path: for a linear model, the parameters ``[w…, b]`` after every step.

    Example:
        >>> res = tl.train(data, cfg)
        >>> res.final("val_loss") - res.final("train_loss")  # the generalization gap
    """

    config: TrainConfig
    task: str
    n_classes: int
    history: dict[str, np.ndarray]
    weights: list[np.ndarray]
    diverged_at: int | None
    stopped_at: int | None
    best_epoch: int | None
    seconds: float
    grid_points: np.ndarray | None
    grid_inputs: np.ndarray | None
    grid_shape: tuple[int, int] | None
    snapshot_epochs: np.ndarray
    snapshot_params: np.ndarray
    weight_shapes: list[tuple[int, ...]]
    path: np.ndarray | None
    steps_per_epoch: int
    data_fingerprint: str
    compiled: bool = False
    _surfaces: dict = field(default_factory=dict, repr=False)

    @property
    def nbytes(self) -> int:
        """Memory held by the result's arrays (for the engine's cache budget)."""
        arrays = [*self.history.values(), *self.weights, self.snapshot_params]
        if self.path is not None:
            arrays.append(self.path)
        return sum(a.nbytes for a in arrays) + sum(s.nbytes for s in self._surfaces.values())

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
        return _to_output(unpack_forward(self.weights, self.config.activation, x), self.task)

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
        if "final" not in self._surfaces:
            self._surfaces["final"] = self.predict(self.grid_inputs)
        return self._surfaces["final"]

    def surface_at(self, epoch: int) -> np.ndarray | None:
        """The decision surface at the recorded epoch nearest at or before ``epoch``."""
        if self.grid_inputs is None:
            return None
        i = max(int(np.searchsorted(self.snapshot_epochs, epoch, side="right")) - 1, 0)
        if i not in self._surfaces:
            z = unpack_forward(self.weights_at(i), self.config.activation, self.grid_inputs)
            self._surfaces[i] = _to_output(z, self.task)
        return self._surfaces[i]

    def summary(self) -> str:
        """One status line: epochs, time, validation score, gap, or what went wrong."""
        if self.diverged_at is not None:
            return f"Diverged at epoch {self.diverged_at}"
        parts = [f"{self.epochs_run} epochs in {1000 * self.seconds:.0f} ms"]
        if self.task != "regression":
            parts.append(f"val acc {self.final('val_acc'):.2f}")
        parts.append(f"gap {self.gap:+.3f}")
        if self.stopped_at is not None:
            parts.append(f"stopped early at {self.stopped_at} (best {self.best_epoch})")
        return " · ".join(parts)
