"""Mini-batch gradient noise (tunelab.training.gradients) follows the sampling law."""

from __future__ import annotations

import numpy as np
import pytest

import tunelab as tl
from tunelab.training.backend import tf
from tunelab.training.gradients import gradient_noise, per_example_gradients


@pytest.fixture(scope="module")
def skewed():
    return tl.load_dataset("moons", n_samples=200, imbalance=0.1, seed=0)


@pytest.fixture(scope="module")
def skewed_run(skewed):
    return tl.train(skewed, tl.TrainConfig(hidden=(8,), learning_rate=0.03, epochs=60))


def test_gradient_noise_follows_the_sampling_law(skewed, skewed_run):
    n = len(skewed.y_train)
    noise = gradient_noise(skewed_run, skewed, [5, 20, n], draws=600)
    assert noise[n] < 1e-6
    law = np.sqrt((n - 5) / (5 * (n - 1)) / ((n - 20) / (20 * (n - 1))))
    assert noise[5] / noise[20] == pytest.approx(law, rel=0.15)
    with pytest.raises(ValueError, match="batch"):
        gradient_noise(skewed_run, skewed, [0])


def test_the_mean_per_example_gradient_is_the_full_batch_gradient(skewed, skewed_run):
    params = [tf.Variable(w) for w in skewed_run.weights]
    with tf.GradientTape() as tape:
        h = tf.constant(skewed.x_train)
        for i in range(0, len(params) - 2, 2):
            h = tf.nn.relu(h @ params[i] + params[i + 1])
        z = (h @ params[-2] + params[-1])[:, 0]
        loss = tf.reduce_mean(
            tf.nn.sigmoid_cross_entropy_with_logits(labels=skewed.y_train, logits=z)
        )
    full = np.concatenate([g.numpy().ravel() for g in tape.gradient(loss, params)])
    mean = per_example_gradients(skewed_run, skewed).mean(axis=0)
    np.testing.assert_allclose(mean, full, rtol=1e-4, atol=1e-6)
