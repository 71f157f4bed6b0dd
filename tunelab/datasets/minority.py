"""Augmenting the minority class: jittered copies of the rarer class's training points only.

`augment_with_noise` (in `transforms`) copies every training point; an imbalanced set needs
copies of the minority alone, so that the classes come level without a repeated majority.
This module applies the same jitter to the minority's points, and leaves the majority and
the validation split untouched.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tunelab.datasets.dataset import Dataset
from tunelab.datasets.transforms import augment_with_noise, require_binary

__all__ = ["augment_minority", "minority_label"]


def minority_label(data: Dataset) -> int:
    """The class with fewer training examples: 0 or 1 (1 on a tie).

    Class 1 is the minority of every imbalanced set `load_dataset` makes, so a tie (a
    balanced set) names class 1 too.

    Args:
        data: a binary `Dataset`.

    Returns:
        The label, 0 or 1, of the rarer class in the training split.

    Example:
        >>> minority_label(load_dataset("moons", n_samples=200, imbalance=0.1))
        1
    """
    require_binary(data, "The minority class")
    counts = np.bincount(data.y_train.astype(int), minlength=2)
    return 0 if counts[0] < counts[1] else 1


def augment_minority(data: Dataset, copies: int, sigma: float, seed: int = 0) -> Dataset:
    """The training set plus ``copies`` jittered copies of every minority training point.

    Each copy is a minority point plus Gaussian noise of standard deviation ``sigma`` on
    its raw input (before any feature crosses), labelled with the minority class, as
    `augment_with_noise` jitters. With ``sigma=0`` the copies are exact duplicates: a
    full-batch mean loss on that set is the class-weighted loss with weights 1 for the
    majority and ``copies + 1`` for the minority, scaled by a constant.

    Args:
        data: a binary `Dataset` with raw 2-D points (not breast_cancer).
        copies: how many copies of each minority point to add (0 keeps the data).
        sigma: standard deviation of the jitter, in the units of the points (>= 0).
        seed: seeds the jitter.

    Returns:
        A `Dataset` whose training split is the original one (in its order) followed by
        ``copies`` blocks of the minority points, each block in their original order;
        the validation split is unchanged.

    Example:
        >>> skewed = load_dataset("moons", n_samples=700, imbalance=0.05).with_train_size(320)
        >>> np.bincount(augment_minority(skewed, copies=17, sigma=0.2).y_train.astype(int))
        array([303, 306])
    """
    label = minority_label(data)
    chosen = data.y_train == label
    minority = dataclasses.replace(
        data,
        x_train=data.x_train[chosen],
        y_train=data.y_train[chosen],
        points_train=data.points_train[chosen],
    )
    # augment_with_noise checks `copies` and `sigma` and puts the originals first.
    grown = augment_with_noise(minority, copies, sigma, seed)
    added = slice(int(chosen.sum()), None)
    return dataclasses.replace(
        data,
        x_train=np.concatenate([data.x_train, grown.x_train[added]]),
        y_train=np.concatenate([data.y_train, grown.y_train[added]]),
        points_train=np.concatenate([data.points_train, grown.points_train[added]]),
    )
