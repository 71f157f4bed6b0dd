"""tunelab.search.Folds: k-fold cross-validation splits of a Dataset, every example once."""

from __future__ import annotations

import numpy as np
import pytest

import tunelab as tl
from tunelab.search import Folds


@pytest.fixture(scope="module")
def poly():
    return tl.load_dataset("poly", n_samples=41, features=tl.datasets.poly_features(3))


def test_every_example_validates_exactly_once_and_trains_k_minus_1_times(poly):
    folds = Folds.of(poly, k=5, seed=0)
    x, y, points = folds.pooled()
    np.testing.assert_array_equal(x, np.concatenate([poly.x_train, poly.x_val]))
    assert folds.k == 5 and len(folds.datasets) == 5
    validated = np.concatenate([fold.points_val[:, 0] for fold in folds.datasets])
    trained = np.concatenate([fold.points_train[:, 0] for fold in folds.datasets])
    np.testing.assert_array_equal(np.sort(validated), np.sort(points[:, 0]))
    np.testing.assert_array_equal(np.sort(trained), np.sort(np.repeat(points[:, 0], 4)))
    sizes = [len(fold.y_val) for fold in folds.datasets]
    assert sorted(sizes) == [8, 8, 8, 8, 9], "sizes differ by at most one"
    for f, fold in enumerate(folds.datasets):
        assert len(fold.y_train) + len(fold.y_val) == 41
        np.testing.assert_array_equal(fold.x_val, x[folds.fold_of == f])
        np.testing.assert_array_equal(fold.y_train, y[folds.fold_of != f])
        np.testing.assert_array_equal(fold.featurize(fold.points_val), fold.x_val)
        assert fold.features == poly.features and fold.task == "regression"
    assert folds.dataset(2) is folds.datasets[2]
    assert len({fold.fingerprint for fold in folds.datasets}) == 5
    assert "k=5" in repr(folds)


def test_folds_are_shuffled_reproducibly_by_the_seed(poly):
    first, again, other = Folds.of(poly, 5, seed=0), Folds.of(poly, 5, seed=0), Folds.of(poly, 5, 1)
    np.testing.assert_array_equal(first.fold_of, again.fold_of)
    assert not np.array_equal(first.fold_of, other.fold_of)
    assert not np.array_equal(first.fold_of, np.sort(first.fold_of)), "shuffled, not in blocks"
    with pytest.raises(ValueError, match="read-only"):
        first.fold_of[0] = 1


def test_classification_folds_keep_the_class_balance():
    moons = tl.load_dataset("moons", n_samples=40)
    folds = Folds.of(moons, k=4, seed=0)
    for fold in folds.datasets:
        assert np.bincount(fold.y_val.astype(int)).tolist() == [5, 5]
    tiny = tl.load_dataset("moons", n_samples=40, imbalance=0.1)  # 4 examples of class 1
    with pytest.raises(ValueError, match="smallest class has 4"):
        Folds.of(tiny, k=5)


def test_folds_refuse_what_they_cannot_split(poly):
    with pytest.raises(TypeError, match="Dataset"):
        Folds.of(poly.x_train)
    for k in (1, 42, True, 2.5):
        with pytest.raises(ValueError, match="`k`"):
            Folds.of(poly, k=k)
    with pytest.raises(ValueError, match="`seed`"):
        Folds.of(poly, seed=-1)
    folds = Folds.of(poly, k=3)
    with pytest.raises(ValueError, match="from 0 to 2"):
        folds.dataset(3)
    with pytest.raises(TypeError, match="`fold`"):
        folds.dataset(1.0)
