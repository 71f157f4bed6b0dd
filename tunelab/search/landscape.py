"""`Landscape` (every setting of two hyperparameters, trained once) and `SearchRun`.

A landscape keeps the final validation loss of each cell of a two-axis `tunelab.sweep`;
a search replayed on it is a `SearchRun`, its trials being look-ups in that table.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # results exist only once the engine has run; no need to load it here
    from tunelab.training.result import TrainResult

DIVERGED_LOSS = math.log(2)  # what a diverged trial scores: no better than answering 50 %


@dataclass(frozen=True, eq=False)
class Landscape:
    """The final validation loss of every setting on a grid of two hyperparameters.

    Args:
        names: the two swept `TrainConfig` fields, (row axis, column axis).
        rows, cols: their values, in the order they were swept.
        loss: array of shape ``(len(rows), len(cols))``: the final validation loss (data
            loss, penalty excluded) of each setting; a run that diverged scores
            ``DIVERGED_LOSS`` = ln 2, the loss of always answering 50 %.
        results: the `TrainResult` of each setting, row by row.

    Example:
        >>> land = Landscape.from_sweep(tl.sweep(data, cfg, learning_rate=lrs, l2=l2s))
        >>> land.setting(*land.best())
    """

    names: tuple[str, str]
    rows: np.ndarray
    cols: np.ndarray
    loss: np.ndarray
    results: tuple[TrainResult, ...] = field(repr=False)

    @classmethod
    def from_sweep(cls, results: Sequence[TrainResult]) -> Landscape:
        """Read a two-axis sweep, ``tl.sweep(data, cfg, a=[...], b=[...])``, in its order.

        ``tl.sweep`` returns settings in ``itertools.product`` order, the last axis
        fastest, so result ``i·len(b) + j`` has ``a[i]`` and ``b[j]``. The two axes are
        the two fields whose values vary across the results.

        Example:
            >>> Landscape.from_sweep(tl.sweep(data, cfg, learning_rate=[0.01, 0.1], l2=[0, 1e-3]))
        """
        results = list(results)
        if len(results) < 4:
            raise ValueError(
                f"Expected the results of a sweep over two axes. Received {len(results)} results."
            )
        from tunelab.training.engine import SWEEP_AXES

        varying = [
            name for name in SWEEP_AXES if len({getattr(r.config, name) for r in results}) > 1
        ]
        if len(varying) != 2:
            raise ValueError(
                f"Expected exactly two swept fields. Received results varying in {varying}."
            )
        # The slower axis changes between consecutive results less often.
        changes = {
            name: sum(
                getattr(a.config, name) != getattr(b.config, name)
                for a, b in zip(results, results[1:], strict=False)
            )
            for name in varying
        }
        row_name, col_name = sorted(varying, key=lambda name: changes[name])
        cols = np.array(list(dict.fromkeys(getattr(r.config, col_name) for r in results)))
        rows = np.array(list(dict.fromkeys(getattr(r.config, row_name) for r in results)))
        if len(rows) * len(cols) != len(results):
            raise ValueError("Expected every combination of the two axes, as tl.sweep returns.")
        loss = np.empty((len(rows), len(cols)))
        for index, result in enumerate(results):
            i, j = divmod(index, len(cols))
            if (getattr(result.config, row_name), getattr(result.config, col_name)) != (
                rows[i],
                cols[j],
            ):
                raise ValueError("Expected the results in tl.sweep's order (last axis fastest).")
            value = result.final("val_loss")
            healthy = result.diverged_at is None and math.isfinite(value)
            loss[i, j] = value if healthy else DIVERGED_LOSS
        return cls((row_name, col_name), rows, cols, loss, tuple(results))

    @property
    def shape(self) -> tuple[int, int]:
        """(number of row values, number of column values)."""
        return self.loss.shape

    def setting(self, i: int, j: int) -> dict[str, float]:
        """The values of cell (i, j), e.g. ``{"learning_rate": 0.04, "l2": 1e-5}``."""
        return {self.names[0]: float(self.rows[i]), self.names[1]: float(self.cols[j])}

    def result(self, i: int, j: int) -> TrainResult:
        """The `TrainResult` of cell (i, j)."""
        return self.results[i * len(self.cols) + j]

    def best(self) -> tuple[int, int]:
        """Index (i, j) of the lowest validation loss."""
        i, j = np.unravel_index(int(np.argmin(self.loss)), self.loss.shape)
        return int(i), int(j)

    def effect(self, axis: int) -> float:
        """How much one axis matters: the range (max − min) of the loss averaged over the other.

        Example:
            >>> land.effect(0), land.effect(1)  # learning rate vs L2 strength
        """
        if axis not in (0, 1):
            raise ValueError(f"Expected `axis` to be 0 (rows) or 1 (columns). Received: {axis!r}")
        profile = self.loss.mean(axis=1 - axis)
        return float(profile.max() - profile.min())


@dataclass(frozen=True, eq=False)
class SearchRun:
    """The trials of one search on a `Landscape`, in the order they were made.

    Attributes:
        name: ``"grid"``, ``"random"`` or ``"bayesian"``.
        trials: integer array of shape (budget, 2): the (row, column) cell of each trial.
        losses: the validation loss each trial found.

    Example:
        >>> run = random_search(land, budget=9, seed=0)
        >>> run.best, run.best_setting, run.distinct(0)
    """

    name: str
    trials: np.ndarray
    losses: np.ndarray
    landscape: Landscape = field(repr=False)

    @classmethod
    def from_cells(
        cls, name: str, landscape: Landscape, cells: Sequence[tuple[int, int]]
    ) -> SearchRun:
        """The run that tried ``cells`` (row, column) of ``landscape``, in that order.

        Example:
            >>> SearchRun.from_cells("by hand", land, [(0, 0), (9, 4)]).best
        """
        trials = np.array(cells, dtype=int).reshape(-1, 2)
        return cls(name, trials, landscape.loss[trials[:, 0], trials[:, 1]], landscape)

    @property
    def best_so_far(self) -> np.ndarray:
        """The lowest loss found after trial 1, 2, …, budget."""
        return np.minimum.accumulate(self.losses)

    @property
    def best(self) -> float:
        """The lowest loss the search found."""
        return float(self.losses.min())

    @property
    def best_index(self) -> tuple[int, int]:
        """The cell (i, j) of the best trial."""
        i, j = self.trials[int(np.argmin(self.losses))]
        return int(i), int(j)

    @property
    def best_setting(self) -> dict[str, float]:
        """The hyperparameter values of the best trial."""
        return self.landscape.setting(*self.best_index)

    def distinct(self, axis: int = 0) -> int:
        """How many different values of one hyperparameter (0 = rows, 1 = columns) were tried."""
        return len(set(self.trials[:, axis].tolist()))

    def __repr__(self) -> str:
        setting = ", ".join(f"{k}={v:.2g}" for k, v in self.best_setting.items())
        return (
            f"SearchRun({self.name}, {len(self.losses)} trials, best {self.best:.3f} at {setting})"
        )
