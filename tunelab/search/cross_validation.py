"""k-fold cross-validation of a `Dataset`: which fold validates each example, a `Dataset` per fold.

A single validation split scores a setting on one particular set of points; k-fold
cross-validation pools the examples, cuts them into k folds, and trains k times, each
time validating on one fold and training on the other k − 1, so every example validates
exactly once. `Folds.datasets` are ordinary `Dataset`s: ``tl.sweep`` each of them over
the same values and average the k validation losses per value.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tunelab.datasets import Dataset


@dataclass(frozen=True, eq=False)
class Folds:
    """The k folds of a dataset's examples, its training and validation splits pooled.

    Build it with `Folds.of`. Pooled example ``e`` is the ``e``-th of ``x_train`` followed
    by ``x_val``; ``fold_of[e]`` is the fold that validates it.

    Attributes:
        data: the dataset whose examples are pooled.
        fold_of: integer array of shape (n,): the fold (0 … k−1) that validates each
            pooled example.

    Example:
        >>> folds = Folds.of(data, k=5, seed=0)
        >>> runs = [tl.sweep(fold, cfg, l2=strengths) for fold in folds.datasets]
    """

    data: Dataset
    fold_of: np.ndarray

    @classmethod
    def of(cls, data: Dataset, k: int = 5, seed: int = 0) -> Folds:
        """Cut the pooled examples of ``data`` into ``k`` folds, shuffled with ``seed``.

        scikit-learn draws the folds: ``KFold(k, shuffle=True, random_state=seed)`` for a
        regression set, ``StratifiedKFold`` (every fold keeps the class balance, as
        ``GridSearchCV`` does for a classifier) for a classification set. Fold sizes
        differ by at most one example.

        Example:
            >>> Folds.of(tl.load_dataset("poly", n_samples=40), k=5).fold_of[:8]
        """
        from sklearn.model_selection import KFold, StratifiedKFold

        from tunelab.datasets import Dataset

        if not isinstance(data, Dataset):
            raise TypeError(
                "Expected `data` to be a tunelab Dataset, e.g. tl.load_dataset('poly'). "
                f"Received: {type(data).__name__}"
            )
        n = len(data.y_train) + len(data.y_val)
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 2 <= k <= n:
            raise ValueError(
                f"Expected `k` to be an integer from 2 to the {n} pooled examples. "
                f"Received: k={k!r}"
            )
        if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
            raise ValueError(f"Expected `seed` to be an integer >= 0. Received: seed={seed!r}")
        y = np.concatenate([data.y_train, data.y_val])
        if data.task == "regression":
            splitter: Any = KFold(int(k), shuffle=True, random_state=int(seed))
        else:
            smallest = int(np.bincount(y.astype(int)).min())
            if smallest < k:
                raise ValueError(
                    f"Expected every class to have at least k={k} examples, one per fold. "
                    f"Received a dataset whose smallest class has {smallest}."
                )
            splitter = StratifiedKFold(int(k), shuffle=True, random_state=int(seed))
        fold_of = np.empty(n, dtype=int)
        for fold, (_, validating) in enumerate(splitter.split(np.zeros((n, 1)), y)):
            fold_of[validating] = fold
        fold_of.setflags(write=False)
        return cls(data, fold_of)

    @property
    def k(self) -> int:
        """The number of folds."""
        return int(self.fold_of.max()) + 1

    def pooled(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(x, y, points)`` of every example, training split first, then validation.

        Example:
            >>> x, y, points = folds.pooled()
        """
        d = self.data
        return (
            np.concatenate([d.x_train, d.x_val]),
            np.concatenate([d.y_train, d.y_val]),
            np.concatenate([d.points_train, d.points_val]),
        )

    def dataset(self, fold: int) -> Dataset:
        """The `Dataset` that validates on fold ``fold`` and trains on the other k − 1.

        Example:
            >>> first = folds.dataset(0)
            >>> len(first.y_val)  # about n / k
        """
        if isinstance(fold, bool) or not isinstance(fold, int | np.integer):
            raise TypeError(f"Expected `fold` to be an integer. Received: fold={fold!r}")
        if not 0 <= fold < self.k:
            raise ValueError(f"Expected `fold` to be from 0 to {self.k - 1}. Received: fold={fold}")
        return self.datasets[int(fold)]

    @functools.cached_property
    def datasets(self) -> tuple[Dataset, ...]:
        """One `Dataset` per fold, in fold order (examples keep their pooled order)."""
        x, y, points = self.pooled()
        out = []
        for fold in range(self.k):
            val, train = self.fold_of == fold, self.fold_of != fold
            out.append(
                dataclasses.replace(
                    self.data,
                    x_train=x[train],
                    y_train=y[train],
                    points_train=points[train],
                    x_val=x[val],
                    y_val=y[val],
                    points_val=points[val],
                )  # fmt: skip
            )
        return tuple(out)

    def __repr__(self) -> str:
        sizes = np.bincount(self.fold_of).tolist()
        return f"Folds({self.data.name!r}, k={self.k}, validation sizes {sizes})"
