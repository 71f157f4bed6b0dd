"""tunelab.plots.geometry: a penalty's minimum on two weights, exact, and its picture."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import Lasso, Ridge  # noqa: E402

from tunelab.datasets import load_dataset  # noqa: E402
from tunelab.plots.geometry import PenaltyGeometry, TwoWeightLoss, penalty_norm  # noqa: E402

STRENGTHS = [float(f"{v:.2g}") for v in np.geomspace(1e-3, 0.1, 21)]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def poly():
    """Lesson 04's two correlated features, x and x³, on lesson 01's 'poly' data."""
    data = load_dataset("poly", n_samples=100, noise=0.3)
    x = data.x_train[:, 0].astype(np.float64)
    return np.stack([x, x**3], axis=1), data.y_train.astype(np.float64)


@pytest.fixture(scope="module")
def loss(poly):
    return TwoWeightLoss(*poly)


def test_the_loss_is_the_mse_with_the_best_bias(poly, loss):
    features, y = poly
    rng = np.random.default_rng(0)
    for w in rng.normal(size=(5, 2)):
        residual = y - features @ w
        best_bias = residual.mean()  # least squares in b alone
        assert loss(*w) == pytest.approx(np.mean((residual - best_bias) ** 2), rel=1e-12)
        assert loss.bias(w) == pytest.approx(best_bias, rel=1e-12)
    design = np.column_stack([features, np.ones(len(y))])
    least_squares = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(loss.minimum, least_squares[:2], rtol=1e-10)
    assert loss(*loss.minimum) == pytest.approx(loss.floor, rel=1e-12)
    np.testing.assert_allclose(loss.gradient(loss.minimum), 0.0, atol=1e-12)


def test_the_gradient_is_the_loss_s_slope(loss):
    w, h = np.array([-0.4, 0.7]), 1e-6
    numeric = [(loss(*(w + e)) - loss(*(w - e))) / (2 * h) for e in np.eye(2) * h]
    np.testing.assert_allclose(loss.gradient(w), numeric, rtol=1e-6)


def test_penalized_minima_are_scikit_learn_s(poly, loss):
    features, y = poly
    n = len(y)
    for strength in (0.001, 0.01, 0.04, 0.05, 0.1):
        l1 = loss.penalized_minimum(strength, "l1")
        lasso = Lasso(alpha=strength / 2, tol=1e-14, max_iter=1_000_000).fit(features, y)
        np.testing.assert_allclose(l1, lasso.coef_, atol=1e-9)
        assert np.array_equal(l1 == 0, lasso.coef_ == 0)
        l2 = loss.penalized_minimum(strength, "l2")
        np.testing.assert_allclose(l2, Ridge(alpha=strength * n).fit(features, y).coef_, rtol=1e-9)


def test_l1_on_uncorrelated_features_is_a_soft_threshold_of_least_squares():
    rng = np.random.default_rng(1)
    features = rng.normal(size=(400, 2))
    features -= features.mean(axis=0)
    # Whiten, so that the covariance is exactly the identity.
    features = features @ np.linalg.inv(np.linalg.cholesky(features.T @ features / 400)).T
    y = features @ np.array([0.8, -0.05]) + 0.1 * rng.normal(size=400)
    loss = TwoWeightLoss(features, y)
    np.testing.assert_allclose(loss.covariance, np.eye(2), atol=1e-12)
    for strength in (0.05, 0.5, 2.0):
        expected = np.sign(loss.minimum) * np.maximum(np.abs(loss.minimum) - strength / 2, 0)
        np.testing.assert_allclose(loss.penalized_minimum(strength, "l1"), expected, atol=1e-12)


def test_the_l1_path_zeroes_one_weight_then_the_other_and_l2_none(loss):
    l1, l2 = loss.path(STRENGTHS, "l1"), loss.path(STRENGTHS, "l2")
    first = loss.zeroing_strength(1)
    inverse = np.linalg.solve(loss.covariance, np.sign(loss.minimum))
    assert first == pytest.approx(2 * loss.minimum[1] / inverse[1], rel=1e-9)  # the closed form
    zeroed = np.array(STRENGTHS) >= first
    assert zeroed.any() and not zeroed.all()
    assert np.all(l1[zeroed, 1] == 0) and np.all(l1[~zeroed, 1] != 0)
    assert np.all(l1[:, 0] != 0)
    last = loss.zeroing_strength(0)
    assert last == pytest.approx(2 * np.abs(loss.gradient(np.zeros(2)) / 2).max(), rel=1e-6)
    assert np.all(loss.penalized_minimum(last * 1.001, "l1") == 0)
    assert np.all(l2 != 0)
    assert np.all(np.diff(np.linalg.norm(l2, axis=1)) < 0)
    np.testing.assert_allclose(loss.penalized_minimum(0.0, "l1"), loss.minimum, rtol=1e-12)


@pytest.mark.parametrize("penalty", ["l1", "l2"])
def test_the_constrained_minimum_is_the_penalized_one(loss, penalty):
    for strength in (0.005, 0.02, 0.05):
        w = loss.penalized_minimum(strength, penalty)
        inside = loss.constrained_minimum(penalty_norm(w, penalty), penalty)
        np.testing.assert_allclose(inside, w, atol=1e-9)
    np.testing.assert_allclose(loss.constrained_minimum(10.0, penalty), loss.minimum, atol=1e-9)
    assert np.all(loss.constrained_minimum(0.0, penalty) == 0)


def test_level_sets_are_contours(loss):
    value = loss.floor + 0.05
    ring = loss.level_set(value)
    np.testing.assert_allclose(loss(ring[:, 0], ring[:, 1]), value, rtol=1e-10)
    assert loss.level_set(loss.floor - 1e-3).shape == (0, 2)


def test_penalty_norm():
    assert penalty_norm([3.0, -4.0], "l1") == 7.0
    assert penalty_norm([3.0, -4.0], "l2") == 5.0


def test_bad_input_is_refused_with_the_parameter_named(poly, loss):
    features, y = poly
    with pytest.raises(ValueError, match="features"):
        TwoWeightLoss(features[:, :1], y)
    with pytest.raises(ValueError, match="`y`"):
        TwoWeightLoss(features, y[:-1])
    with pytest.raises(ValueError, match="copies"):
        TwoWeightLoss(np.column_stack([features[:, 0], 2 * features[:, 0]]), y)
    with pytest.raises(ValueError, match="penalty"):
        loss.penalized_minimum(0.1, "l3")
    with pytest.raises(ValueError, match="strength"):
        loss.penalized_minimum(-0.1, "l1")
    with pytest.raises(ValueError, match="weight"):
        loss.zeroing_strength(2)
    with pytest.raises(ValueError, match="strengths"):
        PenaltyGeometry(None, loss, "l1", [0.1, 0.01])
    with pytest.raises(TypeError, match="TwoWeightLoss"):
        PenaltyGeometry(None, poly, "l1", STRENGTHS)


def test_the_picture_draws_the_region_touching_the_contour_and_moves_in_place(loss):
    fig, (ax1, ax2) = plt.subplots(1, 2)
    diamond = PenaltyGeometry(ax1, loss, "l1", STRENGTHS, strength=0.05)
    circle = PenaltyGeometry(ax2, loss, "l2", STRENGTHS, strength=0.05)
    w = loss.penalized_minimum(0.05, "l1")
    t = penalty_norm(w, "l1")
    corners = diamond.region.get_xy()
    assert np.allclose(np.abs(corners).sum(axis=1), t)  # every vertex on |w1| + |w2| = t
    assert np.allclose(diamond.optimum.get_xydata(), [w])
    assert w[1] == 0 and np.isclose(abs(w[0]), t)  # the minimum is a corner of the diamond
    ring = diamond.touching.get_xydata()
    assert np.allclose(loss(ring[:, 0], ring[:, 1]), loss(*w))
    radius = np.linalg.norm(circle.region.get_xy(), axis=1)
    assert np.allclose(radius, np.linalg.norm(loss.penalized_minimum(0.05, "l2")))
    assert ax2.get_aspect() == 1.0
    np.testing.assert_allclose(diamond.path_line.get_xydata()[0], loss.minimum)
    before = [id(a) for a in ax1.get_children()]
    shown = diamond.show(0.01)
    assert [id(a) for a in ax1.get_children()] == before
    np.testing.assert_allclose(shown, loss.penalized_minimum(0.01, "l1"))
    assert np.allclose(np.abs(diamond.region.get_xy()).sum(axis=1), penalty_norm(shown, "l1"))
    assert "0.01" in diamond.text.get_text()
    with pytest.raises(ValueError, match="strength"):
        diamond.show(0.0123)
