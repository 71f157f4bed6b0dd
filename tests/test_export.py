"""Keras beside the engine (tunelab.training.export): what Keras makes of a lesson's labels,
and a Keras classifier trained the engine's full-batch way."""

from __future__ import annotations

import numpy as np
import pytest

from tunelab.datasets import load_dataset
from tunelab.training.export import fit_three_classes, label_mistakes


def test_labels_from_one_are_refused_by_every_keras_route_and_labels_from_zero_are_not():
    wrong = label_mistakes([1, 2, 3], n_outputs=3)
    assert len(wrong) == 3
    assert not any(answer.startswith("no error") for answer in wrong.values()), wrong
    assert "label value of 3" in wrong["sparse_categorical_crossentropy(y, p)"]
    assert wrong["to_categorical(y, 3)"].startswith("IndexError")
    right = label_mistakes([0, 1, 2], n_outputs=3)
    assert right["sparse_categorical_crossentropy(y, p)"] == "no error: [1.099, 1.099, 1.099]"
    assert right["to_categorical(y, 3)"].startswith("no error")
    with pytest.raises(ValueError, match="labels"):
        label_mistakes([0.5, 1.0], n_outputs=3)
    with pytest.raises(ValueError, match="n_outputs"):
        label_mistakes([0, 1], n_outputs=1)


def test_sparse_and_one_hot_cross_entropy_train_the_same_network():
    three = load_dataset("spiral3")
    sparse = fit_three_classes(three, one_hot=False, steps=100)
    one_hot = fit_three_classes(three, one_hot=True, steps=100)
    np.testing.assert_allclose(sparse.proba, one_hot.proba, atol=1e-6)
    assert sparse.proba.shape == (len(three.y_val), 3)
    assert sparse.val_acc > 0.5  # well above the 1/3 of guessing after 100 steps
    with pytest.raises(ValueError, match="multiclass"):
        fit_three_classes(load_dataset("moons"), one_hot=False)
