"""Augmenting the minority class (tunelab.datasets.minority): copies of the rarer class only."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tunelab.datasets import augment_with_noise, load_dataset
from tunelab.datasets.minority import augment_minority, minority_label
from tunelab.training import network


def skewed_set(n_samples: int = 200, imbalance: float = 0.1, **kwargs):
    return load_dataset("moons", n_samples=n_samples, imbalance=imbalance, **kwargs)


def test_copies_of_the_minority_only_follow_the_original_rows() -> None:
    data = skewed_set()
    counts = np.bincount(data.y_train.astype(int))
    grown = augment_minority(data, copies=3, sigma=0.2, seed=1)
    assert list(np.bincount(grown.y_train.astype(int))) == [counts[0], 4 * counts[1]]
    n = len(data.y_train)
    np.testing.assert_array_equal(grown.x_train[:n], data.x_train)
    np.testing.assert_array_equal(grown.y_train[n:], 1.0)
    np.testing.assert_array_equal(grown.x_val, data.x_val)
    np.testing.assert_array_equal(grown.y_val, data.y_val)
    originals = data.points_train[data.y_train == 1]
    jitter = grown.points_train[n:] - np.tile(originals, (3, 1))
    assert 0.15 < jitter.std() < 0.25
    # The same jitter as augment_with_noise applied to the minority's points alone.
    alone = dataclasses.replace(
        data, x_train=originals, y_train=np.ones(len(originals)), points_train=originals
    )
    np.testing.assert_array_equal(
        grown.points_train[n:], augment_with_noise(alone, 3, 0.2, seed=1).points_train[counts[1] :]
    )


def test_no_jitter_makes_duplicates_and_no_copies_keeps_the_data() -> None:
    data = skewed_set()
    duplicated = augment_minority(data, copies=2, sigma=0.0)
    originals = data.points_train[data.y_train == 1]
    np.testing.assert_array_equal(
        duplicated.points_train[len(data.y_train) :], np.tile(originals, (2, 1))
    )
    kept = augment_minority(data, copies=0, sigma=0.3)
    assert kept.fingerprint == data.fingerprint


def test_duplicates_in_a_full_batch_are_class_weights_up_to_a_constant() -> None:
    # The docstring's claim, on any logits: the mean loss over the set with k duplicates of
    # each minority point is the loss weighted {0: 1, 1: k + 1}, times n / (n + added rows).
    data = skewed_set()
    k = 5
    duplicated = augment_minority(data, copies=k, sigma=0.0)
    rng = np.random.default_rng(0)
    w = rng.standard_normal((2, 1))

    def logits(x):
        return x.astype(np.float64) @ w + 0.3

    on_copies = network.data_loss(logits(duplicated.x_train), duplicated.y_train, "binary")
    weights = np.where(data.y_train == 1, k + 1.0, 1.0)
    weighted = network.data_loss(logits(data.x_train), data.y_train, "binary", weights)
    n, rows = len(data.y_train), len(duplicated.y_train)
    assert on_copies == pytest.approx(weighted * n / rows, rel=1e-6)


def test_the_copies_get_the_feature_crosses_of_their_points() -> None:
    data = skewed_set(features=("x1", "x2", "x1*x2"))
    grown = augment_minority(data, copies=2, sigma=0.5)
    np.testing.assert_allclose(grown.x_train, data.featurize(grown.points_train))


def test_the_minority_is_the_rarer_class_and_class_1_on_a_tie() -> None:
    data = skewed_set()
    assert minority_label(data) == 1
    flipped = dataclasses.replace(data, y_train=1 - data.y_train, y_val=1 - data.y_val)
    assert minority_label(flipped) == 0
    grown = augment_minority(flipped, copies=1, sigma=0.1)
    assert np.bincount(grown.y_train.astype(int))[0] == 2 * np.bincount(data.y_train.astype(int))[1]
    assert minority_label(load_dataset("moons", n_samples=100)) == 1


@pytest.mark.parametrize(
    ("copies", "sigma", "match"),
    [(-1, 0.1, "copies"), (1.5, 0.1, "copies"), (True, 0.1, "copies"), (2, -0.1, "sigma")],
)
def test_bad_arguments_are_named(copies: object, sigma: object, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        augment_minority(skewed_set(), copies=copies, sigma=sigma)


def test_only_binary_sets_with_raw_points() -> None:
    with pytest.raises(ValueError, match="binary"):
        augment_minority(load_dataset("spiral3", n_samples=90), copies=1, sigma=0.1)
    with pytest.raises(ValueError, match="binary"):
        minority_label(load_dataset("poly"))
    with pytest.raises(ValueError, match="breast_cancer"):
        augment_minority(load_dataset("breast_cancer"), copies=1, sigma=0.1)
    with pytest.raises(TypeError, match="Dataset"):
        augment_minority({"dataset": "moons"}, copies=1, sigma=0.1)
