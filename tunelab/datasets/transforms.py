"""Transforms: a `Dataset` in, a new `Dataset` out (the validation split is never touched)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from tunelab.datasets.dataset import Dataset


def require_binary(data: Dataset, what: str) -> None:
    """Raise unless ``data`` is a two-class `Dataset`; ``what`` names the operation."""
    if not isinstance(data, Dataset):
        raise TypeError(f"Expected a tunelab Dataset. Received: {type(data).__name__}")
    if data.task != "binary":
        raise ValueError(
            f"{what} is defined here for binary classification; {data.name!r} is "
            f"{data.task}. Received: task={data.task!r}"
        )


def augment_with_noise(data: Dataset, copies: int, sigma: float, seed: int = 0) -> Dataset:
    """The training set plus ``copies`` jittered copies of every training point.

    Each copy adds Gaussian noise of standard deviation ``sigma`` to the raw input point
    (before any feature crosses) and keeps its label. The validation split is unchanged.

    Args:
        data: a `Dataset` with raw 2-D (or 1-D) points.
        copies: how many noisy copies of each training point to add (0 keeps the data).
        sigma: standard deviation of the jitter, in the units of the points; 0 repeats
            each point unchanged, which leaves the full-batch loss (a mean) unchanged.
        seed: seeds the jitter.

    Returns:
        A `Dataset` with ``(copies + 1) * n_train`` training examples, the originals first.

    Example:
        >>> augment_with_noise(data.with_train_size(40), copies=7, sigma=0.2).x_train.shape
        (320, 2)
    """
    if isinstance(copies, bool) or not isinstance(copies, int | np.integer) or copies < 0:
        raise ValueError(f"Expected `copies` to be an integer >= 0. Received: copies={copies!r}")
    if not isinstance(sigma, int | float | np.floating) or not 0 <= sigma < math.inf:
        raise ValueError(f"Expected `sigma` to be a number >= 0. Received: sigma={sigma!r}")
    if data.name == "breast_cancer":
        raise ValueError("Expected a toy dataset with raw points; breast_cancer has none.")
    rng = np.random.default_rng(seed)
    points = data.points_train.astype(np.float64)
    jittered = [points + sigma * rng.standard_normal(points.shape) for _ in range(int(copies))]
    new_points = np.concatenate([points, *jittered]).astype(np.float32)
    return dataclasses.replace(
        data,
        x_train=data.featurize(new_points),
        y_train=np.tile(data.y_train, int(copies) + 1),
        points_train=new_points,
    )


def resample_balanced(data: Dataset, n: int | None = None, seed: int = 0) -> Dataset:
    """A training set of ``n`` examples drawn with replacement, half from each class.

    The minority class is oversampled (its points repeat), the majority class is
    undersampled when ``n`` is smaller than twice its count. In expectation the mean loss on
    this set equals the ``class_weight="balanced"`` loss on the original set.

    Args:
        data: a binary `Dataset`.
        n: size of the resampled training set (even); defaults to ``len(data.y_train)``
            rounded down to even, so the network's input shape does not change.
        seed: seeds the draw.

    Returns:
        A `Dataset` whose training split holds ``n // 2`` examples of each class,
        interleaved; the validation split is unchanged.

    Example:
        >>> np.bincount(resample_balanced(data).y_train.astype(int))
        array([160, 160])
    """
    require_binary(data, "Balanced resampling")
    n = len(data.y_train) if n is None else n
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"Expected `n` to be an integer >= 2. Received: n={n!r}")
    rng = np.random.default_rng(seed)
    per_class = int(n) // 2
    picks = [
        rng.choice(np.flatnonzero(data.y_train == label), size=per_class, replace=True)
        for label in (0, 1)
    ]
    index = np.stack(picks, axis=1).ravel()  # 0, 1, 0, 1, …: every prefix stays balanced
    return dataclasses.replace(
        data,
        x_train=data.x_train[index],
        y_train=data.y_train[index],
        points_train=data.points_train[index],
    )
