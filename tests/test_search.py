"""tunelab.search: landscapes, three searches replayed on them, Keras and scikit-learn adapters."""

from __future__ import annotations

import math
import tempfile
import warnings

import numpy as np
import pytest

import tunelab as tl
from tunelab import search


def synthetic(row_loss, col_noise=0.0, seed=0, rows=None, cols=None) -> search.Landscape:
    """A landscape whose loss depends on the row value, plus a little noise along columns."""
    row_loss = np.asarray(row_loss, dtype=np.float64)
    n = len(row_loss)
    rows = np.geomspace(1e-4, 1.0, n) if rows is None else rows
    cols = np.geomspace(1e-6, 1e-3, n) if cols is None else cols
    noise = np.random.default_rng(seed).normal(0.0, col_noise, size=(n, len(cols)))
    return search.Landscape(("learning_rate", "l2"), rows, cols, row_loss[:, None] + noise, ())


# A learning-rate curve with a narrow good band (rows 9-10 of 15) between the grid's rows
# 7 and 12: the situation Bergstra & Bengio describe, at the lesson's size.
NARROW_BAND = [0.68, 0.66, 0.62, 0.57, 0.53, 0.49, 0.46, 0.42, 0.31, 0.22, 0.21, 0.26, 0.36,
               0.40, 0.69]  # fmt: skip


@pytest.fixture(scope="module")
def swept():
    data = tl.load_dataset("moons", n_samples=80)
    cfg = tl.TrainConfig(hidden=(4,), optimizer="sgd", epochs=15, snapshots=2, grid_size=10)
    results = tl.sweep(data, cfg, learning_rate=[0.1, 1.0, 100.0], l2=[0.0, 1e-3])
    return data, results


# ----------------------------------------------------------------------------------------
# Landscape


def test_landscape_reads_a_sweep_in_product_order(swept):
    _, results = swept
    land = search.Landscape.from_sweep(results)
    assert land.names == ("learning_rate", "l2")
    assert land.shape == (3, 2)
    assert list(land.rows) == [0.1, 1.0, 100.0] and list(land.cols) == [0.0, 1e-3]
    for i in range(3):
        for j in range(2):
            r = land.result(i, j)
            assert (r.config.learning_rate, r.config.l2) == (land.rows[i], land.cols[j])
            assert land.setting(i, j) == {"learning_rate": land.rows[i], "l2": land.cols[j]}
    healthy = land.result(0, 0)
    assert land.loss[0, 0] == pytest.approx(healthy.final("val_loss"))


def test_a_diverged_run_scores_ln2(swept):
    _, results = swept
    land = search.Landscape.from_sweep(results)
    assert all(land.result(2, j).diverged_at is not None for j in range(2))
    assert np.all(land.loss[2] == search.DIVERGED_LOSS) and search.DIVERGED_LOSS == math.log(2)


def test_landscape_rejects_what_is_not_a_two_axis_sweep(swept):
    data, results = swept
    with pytest.raises(ValueError, match="two"):
        search.Landscape.from_sweep(results[:2])
    one_axis = tl.sweep(data, results[0].config, l2=[0.0, 1e-4, 1e-3, 1e-2])
    with pytest.raises(ValueError, match="exactly two"):
        search.Landscape.from_sweep(one_axis)
    swapped = list(results)
    swapped[0], swapped[1] = swapped[1], swapped[0]
    with pytest.raises(ValueError, match="order"):
        search.Landscape.from_sweep(swapped)


def test_effect_measures_which_axis_matters():
    land = synthetic(NARROW_BAND, col_noise=0.001)
    assert land.effect(0) > 0.4 and land.effect(1) < 0.01
    with pytest.raises(ValueError, match="axis"):
        land.effect(2)


# ----------------------------------------------------------------------------------------
# Searches


def test_grid_search_takes_the_centres_of_equal_parts():
    assert search.grid_centres(15, 3) == [2, 7, 12]
    assert search.grid_centres(16, 4) == [2, 6, 10, 14]
    land = synthetic(NARROW_BAND)
    grid = search.grid_search(land, budget=9)
    assert [tuple(t) for t in grid.trials] == [(i, j) for i in (2, 7, 12) for j in (2, 7, 12)]
    assert grid.distinct(0) == 3 and grid.distinct(1) == 3
    assert np.allclose(grid.losses, land.loss[grid.trials[:, 0], grid.trials[:, 1]])
    assert np.all(np.diff(grid.best_so_far) <= 0) and grid.best == grid.best_so_far[-1]
    with pytest.raises(ValueError, match="square"):
        search.grid_search(land, budget=8)


def test_random_search_draws_distinct_cells_reproducibly():
    land = synthetic(NARROW_BAND)
    a, b = search.random_search(land, 9, seed=3), search.random_search(land, 9, seed=3)
    assert np.array_equal(a.trials, b.trials)
    assert len({tuple(t) for t in a.trials}) == 9
    assert not np.array_equal(a.trials, search.random_search(land, 9, seed=4).trials)
    with pytest.raises(ValueError, match="budget"):
        search.random_search(land, 226)
    with pytest.raises(ValueError, match="budget"):
        search.random_search(land, 0)


def test_bergstra_bengio_random_beats_grid_when_one_axis_matters():
    # The learning rate decides the loss; λ only adds a little noise. A 3 × 3 grid tries 3
    # learning rates, none in the band; 9 random trials try up to 9.
    land = synthetic(NARROW_BAND, col_noise=0.005)
    grid = search.grid_search(land, 9)
    randoms = [search.random_search(land, 9, seed=s) for s in range(10)]
    assert np.mean([r.best for r in randoms]) < grid.best - 0.05
    assert min(r.distinct(0) for r in randoms) > grid.distinct(0) == 3
    assert np.mean([r.distinct(0) for r in randoms]) > 6


def test_bayesian_search_homes_in_on_a_smooth_minimum():
    n = 15
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    bowl = 0.2 + 0.004 * (i - 10) ** 2 + 0.0005 * (j - 4) ** 2
    land = search.Landscape(("learning_rate", "l2"), np.geomspace(1e-4, 1, n),
                            np.geomspace(1e-6, 1e-3, n), bowl, ())  # fmt: skip
    bayes = [search.bayesian_search(land, 9, seed=s) for s in range(4)]
    randoms = [search.random_search(land, 9, seed=s) for s in range(4)]
    assert all(len({tuple(t) for t in run.trials}) == 9 for run in bayes), "no repeats"
    assert np.array_equal(bayes[0].trials[:3], search.random_search(land, 3, seed=0).trials)
    assert np.mean([b.best for b in bayes]) < np.mean([r.best for r in randoms])
    assert np.mean([b.best for b in bayes]) < 0.2 + 0.01
    with pytest.raises(ValueError, match="initial"):
        search.bayesian_search(land, 9, initial=0)


def test_expected_improvement_matches_a_monte_carlo_estimate():
    rng = np.random.default_rng(0)
    mu, sigma, best = np.array([0.3, 0.25, 0.2]), np.array([0.05, 0.01, 0.1]), 0.26
    samples = rng.normal(mu, sigma, size=(200_000, 3))
    monte_carlo = np.maximum(best - samples, 0).mean(axis=0)
    assert np.allclose(search.expected_improvement(mu, sigma, best), monte_carlo, atol=1e-3)
    assert np.allclose(search.expected_improvement([0.1, 0.3], [0.0, 0.0], 0.2), [0.1, 0.0])


def test_search_run_reports_its_best():
    land = synthetic(NARROW_BAND)
    run = search.random_search(land, 9, seed=1)
    i, j = run.best_index
    assert land.loss[i, j] == run.best
    assert run.best_setting == land.setting(i, j)
    assert "random" in repr(run) and "9 trials" in repr(run)


def test_a_run_by_hand_reads_its_cells_from_the_landscape():
    land = synthetic(NARROW_BAND)
    run = search.SearchRun.from_cells("by hand", land, [(0, 0), (9, 4), (14, 2)])
    assert run.trials.shape == (3, 2) and run.losses.tolist() == [0.68, 0.22, 0.69]
    assert run.best_index == (9, 4) and run.best_so_far.tolist() == [0.68, 0.22, 0.22]


# ----------------------------------------------------------------------------------------
# Held-out data


def test_per_example_loss_agrees_with_the_engine(swept):
    data, results = swept
    result = results[0]
    loss = search.per_example_loss(result, data.x_val, data.y_val)
    assert loss.shape == (len(data.y_val),)
    assert loss.mean() == pytest.approx(result.final("val_loss"), abs=1e-4)
    both = search.held_out_loss(result, data)
    n_train, n_val = len(data.y_train), len(data.y_val)
    expected = (result.final("train_loss") * n_train + result.final("val_loss") * n_val) / (
        n_train + n_val
    )
    assert both == pytest.approx(expected, abs=1e-4)


# ----------------------------------------------------------------------------------------
# KerasTuner


def test_full_batch_tuner_trains_one_full_batch_step_per_epoch():
    kt = pytest.importorskip("keras_tuner")
    import keras

    data = tl.load_dataset("moons", n_samples=60)

    def build(hp):
        model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
        rate = hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")
        model.compile(optimizer=keras.optimizers.SGD(rate), loss="binary_crossentropy")
        return model

    with tempfile.TemporaryDirectory() as folder:
        tuner = search.full_batch_tuner(kt.RandomSearch)(
            build, objective="val_loss", max_trials=2, seed=1, directory=folder, overwrite=True
        )
        tuner.search(data, epochs=7, verbose=0)
    table = search.tuner_table(tuner)
    assert [row["trial"] for row in table] == [0, 1]
    models = {int(trial_id): model for trial_id, model in tuner.trained_models.items()}
    for row in table:
        model = models[row["trial"]]
        assert int(model.optimizer.iterations.numpy()) == 7
        assert row["val_loss"] == pytest.approx(
            search.per_example_loss(model, data.x_val, data.y_val).mean(), rel=1e-6
        )
    with pytest.raises(TypeError, match="tuner class"):
        search.full_batch_tuner("RandomSearch")


# ----------------------------------------------------------------------------------------
# scikit-learn


@pytest.fixture(scope="module")
def cancer():
    return tl.load_dataset("breast_cancer", n_samples=300, val_fraction=0.3)


def fit_cv_search(cancer, **kwargs):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    solver = kwargs.pop("solver", "lbfgs")
    grid = kwargs.pop("grid", {"C": [0.1, 1.0], "l1_ratio": [0.0, 1.0]})
    cv_search = GridSearchCV(
        LogisticRegression(solver=solver, random_state=0), grid, cv=3, **kwargs
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cv_search.fit(cancer.x_train, cancer.y_train)


def test_lbfgs_fails_every_l1_candidate_quietly(cancer):
    naive = fit_cv_search(cancer)
    scores = naive.cv_results_["mean_test_score"]
    is_l1 = np.array([p["l1_ratio"] == 1.0 for p in naive.cv_results_["params"]])
    assert np.all(np.isnan(scores[is_l1])) and np.all(np.isfinite(scores[~is_l1]))
    assert naive.best_params_["l1_ratio"] == 0.0
    assert "nan" in search.cv_table(naive) and "l1_ratio" in search.cv_table(naive)
    with pytest.raises(ValueError, match="lbfgs"):
        fit_cv_search(cancer, error_score="raise")


def test_best_candidate_filters_and_skips_failed_fits(cancer):
    fixed = fit_cv_search(cancer, solver="liblinear", error_score="raise")
    params, score = search.best_candidate(fixed, l1_ratio=1.0)
    assert params["l1_ratio"] == 1.0 and np.isfinite(score)
    with pytest.raises(ValueError, match="No fitted candidate"):
        search.best_candidate(fit_cv_search(cancer), l1_ratio=1.0)


# ----------------------------------------------------------------------------------------
# The Gaussian process kernel


def test_search_kernel_is_one_matern_scale_per_axis_plus_noise():
    from sklearn.gaussian_process.kernels import Matern, WhiteKernel

    for n_dims in (1, 2, 3):
        kernel = search.search_kernel(n_dims)
        matern, noise = kernel.k1.k2, kernel.k2
        assert isinstance(matern, Matern) and matern.nu == 2.5
        assert np.size(matern.length_scale) == n_dims
        assert isinstance(noise, WhiteKernel)
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="n_dims"):
            search.search_kernel(bad)


def test_the_search_kernels_posterior_passes_through_trials_and_is_unsure_between():
    from sklearn.gaussian_process import GaussianProcessRegressor

    x = np.array([[0.0], [0.3], [0.4], [1.0]])
    y = np.array([0.6, 0.35, 0.3, 0.69])
    gp = GaussianProcessRegressor(search.search_kernel(1), normalize_y=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp.fit(x, y)
    mean, std = gp.predict(x, return_std=True)
    np.testing.assert_allclose(mean, y, atol=0.01)
    assert std.max() < 0.02
    _, std_between = gp.predict(np.array([[0.7]]), return_std=True)
    assert std_between[0] > 5 * std.max()
