"""Measurements on results (tunelab.training.measures): the numbers lessons print mean what
the lessons say, on real small results."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import Ridge

import tunelab as tl
from tunelab.training import measures, network

SMALL = tl.TrainConfig(hidden=(8,), learning_rate=0.03, epochs=60)


@pytest.fixture(scope="module")
def skewed():
    return tl.load_dataset("moons", n_samples=200, imbalance=0.1, seed=0)


@pytest.fixture(scope="module")
def skewed_run(skewed):
    return tl.train(skewed, SMALL)


@pytest.fixture(scope="module")
def poly():
    return tl.load_dataset("poly", n_samples=100, noise=0.3)


@pytest.fixture(scope="module")
def poly_run():
    """A real result with one input and two hidden units: its weights are replaced below."""
    return tl.train(tl.load_dataset("poly", n_samples=60, seed=0), tl.TrainConfig(hidden=(2,)))


@pytest.fixture(scope="module")
def linear_run():
    """A real logistic regression on moons (hidden=()), whose logit is the plain x·w + b."""
    return tl.train(tl.load_dataset("moons", n_samples=60, seed=0), tl.TrainConfig(hidden=()))


def with_weights(result, weights, shape=None):
    """A copy of a real result with chosen weights (and, if given, a rows×cols grid)."""
    changes = {"weights": tuple(np.asarray(w, np.float32) for w in weights)}
    if shape is not None:
        rows, cols = shape
        gx, gy = np.meshgrid(np.linspace(-1, 1, cols), np.linspace(-1, 1, rows))
        points = np.column_stack([gx.ravel(), gy.ravel()]).astype(np.float32)
        changes |= {"grid_points": points, "grid_inputs": points.copy(), "grid_shape": shape}
    return dataclasses.replace(result, **changes)


def test_measures_import_without_tensorflow():
    script = (
        "import sys, tunelab.training.measures, tunelab.tables\n"
        "assert 'tensorflow' not in sys.modules, 'measures loaded TensorFlow'\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


# ---------------------------------------------------------------- losses and curves


def test_weighted_loss_equals_exact_oversampling(skewed, skewed_run):
    # Keep 4 minority and 12 majority examples; repeating the minority 3× balances them,
    # and the mean loss on that set is exactly the balanced class-weighted loss.
    y = skewed.y_train.astype(int)
    keep = np.concatenate([np.flatnonzero(y == 1)[:4], np.flatnonzero(y == 0)[:12]])
    part = dataclasses.replace(
        skewed,
        x_train=skewed.x_train[keep],
        y_train=skewed.y_train[keep],
        points_train=skewed.points_train[keep],
    )
    repeat = np.concatenate([np.flatnonzero(part.y_train == 0), *[np.arange(4)] * 3])
    oversampled = network.loss_on(skewed_run, part.x_train[repeat], part.y_train[repeat])
    assert measures.weighted_loss(skewed_run, part) == pytest.approx(oversampled, rel=1e-9)
    with pytest.raises(ValueError, match="binary"):
        measures.weighted_loss(skewed_run, tl.load_dataset("poly"))


def test_wobble_is_the_spread_of_the_last_changes_and_grows_with_smaller_batches():
    data = tl.load_dataset("moons", n_samples=60, seed=0)
    config = tl.TrainConfig(hidden=(4,), optimizer="sgd", learning_rate=0.1, epochs=100)
    full = tl.train(data, config)
    losses = np.asarray(full.history["train_loss"], np.float64)
    assert measures.wobble(full) == pytest.approx(np.std(np.diff(losses[-51:])), rel=1e-12)
    assert measures.wobble(full, last=5) == pytest.approx(np.std(np.diff(losses[-6:])))
    # Over seeds 0–3 the stochastic run wobbles 40–140× more; 10× leaves a wide margin.
    stochastic = tl.train(data, dataclasses.replace(config, batch_size=1))
    assert measures.wobble(stochastic) > 10 * measures.wobble(full)


def test_ms_per_epoch_shares_the_wall_time(skewed_run):
    assert measures.ms_per_epoch(skewed_run) > 0
    expected = 1000 * skewed_run.seconds / skewed_run.epochs_run
    assert measures.ms_per_epoch(skewed_run) == pytest.approx(expected)


def test_epochs_to_reach_counts_from_one():
    assert measures.epochs_to_reach([0.9, 0.5, 0.09, 0.05], 0.1) == 3
    assert measures.epochs_to_reach([0.05], 0.1) == 1
    assert measures.epochs_to_reach([0.9, 0.5], 0.1) is None


# ---------------------------------------------------------------- weights and the surface


def test_kernel_weights_skip_biases_and_small_fraction_counts_them(poly_run):
    result = with_weights(poly_run, [[[0.0, 0.5]], [9.0, 9.0], [[1e-4], [-2.0]], [9.0]])
    assert network.kernel_weights(result).tolist() == pytest.approx([0.0, 0.5, 1e-4, -2.0])
    assert measures.small_fraction(result) == 0.5
    assert measures.small_fraction(result, threshold=1.0) == 0.75
    with pytest.raises(ValueError, match="threshold"):
        measures.small_fraction(result, threshold=0)


def test_logit_slope_and_boundary_length_of_a_linear_logit(linear_run):
    # z = 3·x1: slope 3 everywhere; the boundary x1 = 0 crosses each of the 5 rows once.
    result = with_weights(linear_run, [[[3.0], [0.0]], [0.0]], shape=(5, 6))
    assert measures.logit_slope(result) == pytest.approx(3.0, rel=1e-5)
    assert measures.boundary_length(result) == 5
    flatter = with_weights(linear_run, [[[0.5], [0.0]], [0.0]], shape=(5, 6))
    assert measures.logit_slope(flatter) < measures.logit_slope(result)


def test_surface_measures_refuse_a_result_without_a_grid(poly_run):
    with pytest.raises(ValueError, match="2-D dataset"):
        measures.logit_slope(poly_run)


def test_max_weight_difference(poly_run):
    a = with_weights(poly_run, [[[1.0, 2.0]], [0.0, 0.0], [[0.0], [0.0]], [0.0]])
    b = with_weights(poly_run, [[[1.0, 2.5]], [0.0, -0.1], [[0.0], [0.0]], [0.0]])
    assert measures.max_weight_difference(a, b) == pytest.approx(0.5)


# ---------------------------------------------------------------- a linear model


def test_mse_gradient_matches_finite_differences():
    x, y, h = np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 2.0]), 1e-6

    def loss(w, b):
        return np.mean((w * x + b - y) ** 2)

    numeric = [(loss(1 + h, 0) - loss(1 - h, 0)) / (2 * h), (loss(1, h) - loss(1, -h)) / (2 * h)]
    assert np.allclose(measures.mse_gradient(1.0, 0.0, x, y), numeric, atol=1e-6)


def test_examples_per_step_recovers_one_permutation_per_epoch(poly):
    config = tl.TrainConfig(hidden=(), optimizer="sgd", learning_rate=0.1, epochs=3, batch_size=1)
    order = measures.examples_per_step(tl.train(poly, config), poly)
    assert order.shape == (3, len(poly.y_train))
    assert (np.sort(order, axis=1) == np.arange(len(poly.y_train))).all()
    assert (order[0] != order[1]).any()
    full_batch = tl.TrainConfig(hidden=(), optimizer="sgd", epochs=3)
    with pytest.raises(ValueError, match="batch_size=1"):
        measures.examples_per_step(tl.train(poly, full_batch), poly)


def test_fit_linear_matches_least_squares_and_ridge():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 2))
    y = x @ np.array([1.5, -0.5]) + 0.3 + 0.1 * rng.normal(size=30)
    w, b = measures.fit_linear(x, y)
    solution = np.linalg.lstsq(np.column_stack([x, np.ones(30)]), y, rcond=None)[0]
    np.testing.assert_allclose([*w, b], solution, atol=1e-10)
    # Lesson 08's exercise 1: mean loss + λ·Σw² has Ridge's minimizer with alpha = n·λ.
    w, b = measures.fit_linear(x, y, l2=0.09)
    ridge = Ridge(alpha=30 * 0.09).fit(x, y)
    np.testing.assert_allclose(w, ridge.coef_, atol=1e-8)
    assert b == pytest.approx(ridge.intercept_)
    with pytest.raises(ValueError, match="shape"):
        measures.fit_linear(x[:, 0], y)
