"""The training engine: correctness against Keras and scikit-learn, caching, divergence."""

from __future__ import annotations

import dataclasses
import math

import keras
import numpy as np
import pytest

from tunelab.datasets import load_dataset
from tunelab.training import (
    TrainConfig,
    apply_dropout,
    cache_info,
    clear_cache,
    lookup,
    schedules,
    sweep,
    trace_count,
    train,
)
from tunelab.training.backend import tf
from tunelab.training.optimizers import SLOTS, apply_updates, keras_optimizer


@pytest.fixture(scope="module")
def moons():
    return load_dataset("moons", n_samples=400, noise=0.3, seed=0)


SMALL = TrainConfig(hidden=(8, 8), epochs=40, learning_rate=0.03)


# ---------------------------------------------------------------- schedules match Keras


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.Constant(),
        schedules.StepDecay(step_size=50, factor=0.5),
        schedules.StepDecay(step_size=7, factor=0.8),
        schedules.ExponentialDecay(decay_steps=100, decay_rate=0.5),
        schedules.ExponentialDecay(decay_steps=30, decay_rate=0.7, staircase=True),
        schedules.InverseTimeDecay(decay_steps=10, decay_rate=0.5),
        schedules.InverseTimeDecay(decay_steps=25, decay_rate=2.0, staircase=True),
        schedules.LinearDecay(decay_steps=200, end_factor=0.1),
        schedules.CosineDecay(decay_steps=250, alpha=0.05),
        schedules.WarmupCosine(warmup_steps=30, decay_steps=200, alpha=0.0),
    ],
    ids=lambda s: s.describe(),
)
def test_every_schedule_equals_its_keras_counterpart_at_every_step(schedule):
    steps = 300
    ours = schedule.values(steps, learning_rate=0.1)
    keras_schedule = schedule.to_keras(0.1, total_steps=steps)
    theirs = np.array([float(keras_schedule(step)) for step in range(steps)])
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-8)


def test_schedule_rejects_a_negative_decay():
    with pytest.raises(ValueError, match="decay_rate"):
        schedules.InverseTimeDecay(decay_steps=10, decay_rate=-1.0)
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(decay_steps=0)


# ---------------------------------------------------------------- optimizers match Keras


@pytest.mark.parametrize("kind", sorted(SLOTS))
def test_update_rules_match_the_keras_optimizer_step_by_step(kind):
    rng = np.random.default_rng(1)
    kernel = rng.normal(size=(3, 4)).astype(np.float32)
    grads = [rng.normal(size=(3, 4)).astype(np.float32) for _ in range(6)]
    decay = 0.01 if kind == "adamw" else 0.0
    variable = keras.Variable(kernel)
    optimizer = keras_optimizer(kind, 0.05, momentum=0.9, weight_decay=decay)
    params = [tf.constant(kernel[None])]
    state = [[tf.zeros_like(params[0])] for _ in SLOTS[kind]]
    for step, g in enumerate(grads):
        optimizer.apply_gradients([(tf.constant(g), variable)])
        params, state = apply_updates(
            "adam" if kind == "adamw" else kind,
            params,
            [tf.constant(g[None])],
            state,
            tf.constant([0.05]),
            tf.constant([decay]),
            [True],
            tf.constant(step),
            tf.constant(0.9),
        )
        np.testing.assert_allclose(params[0].numpy()[0], variable.numpy(), rtol=1e-5, atol=1e-6)


def test_l2_with_sgd_equals_weight_decay_of_twice_the_strength(moons):
    # λ·Σw² has gradient 2λw, so an SGD step with L2 λ is the decoupled decay 2λ (Keras
    # convention); with Adam the two differ, which is why AdamW exists.
    base = TrainConfig(hidden=(8,), optimizer="sgd", learning_rate=0.1, epochs=60)
    with_l2 = train(moons, dataclasses.replace(base, l2=1e-2))
    with_wd = train(moons, dataclasses.replace(base, weight_decay=2e-2))
    for a, b in zip(with_l2.weights, with_wd.weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)
    adam = dataclasses.replace(base, optimizer="adam", learning_rate=0.03)
    adam_l2 = train(moons, dataclasses.replace(adam, l2=1e-2))
    adam_wd = train(moons, dataclasses.replace(adam, weight_decay=2e-2))
    assert not np.allclose(adam_l2.weights[0], adam_wd.weights[0], atol=1e-3)


@pytest.mark.parametrize("kind", ["sgd", "adamw"])
def test_weight_decay_is_keras_weight_decay_with_biases_excluded(moons, kind):
    # The engine decays kernels only. Keras's `weight_decay=` decays every variable it
    # trains, biases included, unless they are excluded with `exclude_from_weight_decay`.
    from tunelab.training.export import fit_full_batch, to_keras

    cfg = TrainConfig(hidden=(8,), optimizer=kind, learning_rate=0.05, weight_decay=0.5, epochs=30)
    ours = train(moons, cfg)

    def keras_weights(exclude_biases):
        model = to_keras(ours)
        model.set_weights([np.asarray(w) for w in ours.weights_at(0)])
        optimizer = keras_optimizer(kind, 0.05, weight_decay=0.5)
        if exclude_biases:
            optimizer.exclude_from_weight_decay(var_names=["bias"])
        model.compile(optimizer=optimizer, loss="binary_crossentropy", steps_per_execution=30)
        fit_full_batch(model, moons.x_train, moons.y_train[:, None], steps=30)
        return model.get_weights()

    excluded, everything = keras_weights(True), keras_weights(False)
    for a, b in zip(ours.weights, excluded, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    # Without the exclusion Keras also shrinks the biases, and trains other weights.
    for bias in (1, 3):
        assert np.abs(everything[bias] - ours.weights[bias]).max() > 1e-3, bias


# ---------------------------------------------------------------- against scikit-learn


def test_linear_model_with_l2_reaches_the_sklearn_logistic_regression_optimum(moons):
    from sklearn.linear_model import LogisticRegression

    l2 = 0.01
    n = len(moons.y_train)
    # mean BCE + λ·Σw²  equals  (Σ BCE + ||w||² / (2C)) / n  when  C = 1 / (2 λ n)
    reference = LogisticRegression(C=1 / (2 * l2 * n), tol=1e-10, max_iter=10_000)
    reference.fit(moons.x_train, moons.y_train)
    cfg = TrainConfig(hidden=(), optimizer="sgd", learning_rate=1.0, epochs=3000, l2=l2)
    result = train(moons, cfg)
    ours = result.weights[0][:, 0]
    np.testing.assert_allclose(ours, reference.coef_[0], rtol=0.02)
    np.testing.assert_allclose(result.weights[1][0], reference.intercept_[0], rtol=0.02, atol=1e-3)


def test_l1_zeroes_useless_weights_where_l2_only_shrinks_them():
    crosses = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
    data = load_dataset("gauss", n_samples=400, seed=0, features=crosses)
    base = TrainConfig(hidden=(16,), optimizer="sgd", learning_rate=0.05, epochs=1500)
    l1 = train(data, dataclasses.replace(base, l1=0.01))
    l2 = train(data, dataclasses.replace(base, l2=0.01))
    assert l1.final("small_weights") > 0.3
    assert l1.final("small_weights") > l2.final("small_weights") + 0.2


# ---------------------------------------------------------------- dropout


def test_inverted_dropout_keeps_the_mean_activation_and_is_identity_at_inference():
    rng = np.random.default_rng(0)
    h = rng.uniform(0, 2, size=(500, 32)).astype(np.float32)
    for rate in (0.2, 0.5, 0.8):
        means = [apply_dropout(h, rate, seed=3, step=s).mean() for s in range(100)]
        assert abs(np.mean(means) / h.mean() - 1) < 0.02
        kept = apply_dropout(h, rate, seed=3, step=0)
        assert abs((kept == 0).mean() - rate) < 0.02
        np.testing.assert_allclose(kept[kept != 0], (h / (1 - rate))[kept != 0], rtol=1e-6)
    np.testing.assert_array_equal(apply_dropout(h, 0.5, training=False), h)
    # Keras's Dropout layer follows the same convention.
    keras_out = keras.layers.Dropout(0.5, seed=1)(h, training=True).numpy()
    assert abs(keras_out.mean() / h.mean() - 1) < 0.02
    np.testing.assert_array_equal(keras.layers.Dropout(0.5)(h, training=False).numpy(), h)


def test_dropout_masks_differ_per_step_and_repeat_per_seed():
    h = np.ones((50, 16), np.float32)
    a = apply_dropout(h, 0.5, seed=1, step=0)
    assert not np.array_equal(a, apply_dropout(h, 0.5, seed=1, step=1))
    assert not np.array_equal(a, apply_dropout(h, 0.5, seed=2, step=0))
    np.testing.assert_array_equal(a, apply_dropout(h, 0.5, seed=1, step=0))


# ---------------------------------------------------------------- determinism and cache


def test_same_config_gives_identical_history_and_another_seed_does_not(moons):
    cfg = dataclasses.replace(SMALL, dropout=0.2, batch_size=64)
    first = train(moons, cfg)
    clear_cache()
    second = train(moons, cfg)
    assert first is not second
    for key in first.history:
        np.testing.assert_array_equal(first.history[key], second.history[key])
    other = train(moons, dataclasses.replace(cfg, seed=1))
    assert not np.array_equal(first.history["train_loss"], other.history["train_loss"])


def test_cache_returns_the_same_result_without_training(moons):
    clear_cache()
    first = train(moons, SMALL)
    hits = cache_info()["hits"]
    assert train(moons, SMALL) is first
    assert cache_info()["hits"] == hits + 1


def test_no_retracing_when_hyperparameters_change(moons):
    cfg = dataclasses.replace(SMALL, dropout=0.1)
    train(moons, cfg)
    before = trace_count()
    for i in range(20):
        train(moons, dataclasses.replace(cfg, l2=1e-4 * (i + 1), dropout=0.01 * (i + 1)))
        train(moons, dataclasses.replace(cfg, learning_rate=0.01 + 0.001 * i, seed=i))
    assert trace_count() == before


# ---------------------------------------------------------------- sweep


def test_sweep_members_equal_single_runs_and_fill_the_cache(moons):
    clear_cache()
    cfg = dataclasses.replace(SMALL, dropout=0.1)
    results = sweep(moons, cfg, l2=[0.0, 1e-3, 1e-2], dropout=[0.0, 0.3])
    assert [(r.config.l2, r.config.dropout) for r in results] == [
        (0.0, 0.0),
        (0.0, 0.3),
        (1e-3, 0.0),
        (1e-3, 0.3),
        (1e-2, 0.0),
        (1e-2, 0.3),
    ]
    member = lookup(results, l2=1e-3, dropout=0.3)
    assert train(moons, member.config) is member  # served from the cache
    clear_cache()
    alone = train(moons, member.config)
    np.testing.assert_allclose(alone.history["val_loss"], member.history["val_loss"], rtol=1e-4)
    assert results[0].history["penalty"][-1] == 0.0
    assert results[4].history["penalty"][-1] > 0.0


def test_sweep_rejects_axes_that_change_the_network(moons):
    with pytest.raises(ValueError, match="hidden"):
        sweep(moons, SMALL, hidden=[(4,), (8,)])
    with pytest.raises(ValueError, match="l2"):
        sweep(moons, SMALL, l2=[])


# ---------------------------------------------------------------- history and results


def test_history_is_complete_and_penalty_follows_the_keras_convention(moons):
    cfg = dataclasses.replace(SMALL, l1=1e-3, l2=1e-3)
    result = train(moons, cfg)
    assert result.epochs_run == 40
    for values in result.history.values():
        assert len(values) == 40 and np.all(np.isfinite(values))
    kernels = result.weights[0::2]
    expected = 1e-3 * sum(np.abs(w).sum() for w in kernels)
    expected += 1e-3 * sum((w**2).sum() for w in kernels)
    assert math.isclose(result.history["penalty"][-1], expected, rel_tol=1e-4)
    proba = result.predict(moons.x_val)
    acc = np.mean((proba > 0.5) == moons.y_val)
    assert math.isclose(acc, result.final("val_acc"), abs_tol=1e-6)
    assert result.surface.shape == (cfg.grid_size**2,)
    assert result.snapshot_epochs[0] == 0 and result.snapshot_epochs[-1] == 40


def test_learning_rate_50_with_sgd_diverges_without_an_exception(moons):
    result = train(moons, TrainConfig(optimizer="sgd", learning_rate=50, epochs=300))
    assert result.diverged_at is not None
    assert result.epochs_run == result.diverged_at - 1
    for values in result.history.values():
        assert np.all(np.isfinite(values))
    assert np.all(np.isfinite(result.surface))
    assert "Diverged" in result.summary()


def test_early_stopping_restores_the_best_weights(moons):
    cfg = TrainConfig(hidden=(64, 64), epochs=2000, patience=30, learning_rate=0.03)
    result = train(moons, cfg)
    assert result.stopped_at is not None and result.stopped_at < 2000
    assert result.stopped_at - result.best_epoch == 30
    p = np.clip(result.predict(moons.x_val), 1e-7, 1 - 1e-7)
    y = moons.y_val
    val_loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    best = result.history["val_loss"][result.best_epoch - 1]
    assert math.isclose(val_loss, best, rel_tol=1e-3)
    assert best == result.history["val_loss"].min()


def test_mini_batches_three_classes_and_regression_train():
    spiral3 = load_dataset("spiral3", n_samples=300, seed=0)
    res = train(spiral3, TrainConfig(hidden=(16, 16), epochs=30, batch_size=32))
    assert res.steps_per_epoch == math.ceil(len(spiral3.y_train) / 32)
    assert res.predict(spiral3.x_val).shape == (len(spiral3.y_val), 3)
    assert res.history["train_loss"][-1] < res.history["train_loss"][0]
    poly = load_dataset("poly", n_samples=200, seed=0)
    res = train(poly, TrainConfig(hidden=(), optimizer="sgd", learning_rate=0.1, epochs=50))
    assert "train_acc" not in res.history
    assert res.path.shape == (51, 2)  # [w, b] after each of 50 full-batch steps, and initial
    assert res.history["train_loss"][-1] < res.history["train_loss"][0]


def test_class_weights_raise_minority_recall():
    data = load_dataset("moons", n_samples=600, seed=0, imbalance=0.1)
    cfg = TrainConfig(hidden=(16,), epochs=200)
    plain = train(data, cfg)
    weighted = train(data, dataclasses.replace(cfg, class_weight="balanced"))
    minority = data.y_val == 1

    def recall(result):
        return np.mean(result.predict(data.x_val)[minority] > 0.5)

    assert recall(weighted) > recall(plain)


# ---------------------------------------------------------------- bad input

BAD_CONFIGS = [
    ({"learning_rate": 0}, ValueError, "learning_rate"),
    ({"learning_rate": -0.1}, ValueError, "learning_rate"),
    ({"learning_rate": float("nan")}, ValueError, "learning_rate"),
    ({"learning_rate": float("inf")}, ValueError, "learning_rate"),
    ({"learning_rate": "fast"}, TypeError, "learning_rate"),
    ({"dropout": 1.0}, ValueError, "dropout"),
    ({"dropout": -0.1}, ValueError, "dropout"),
    ({"hidden": (16, 0)}, ValueError, "hidden"),
    ({"hidden": (-4,)}, ValueError, "hidden"),
    ({"hidden": 16}, TypeError, "hidden"),
    ({"hidden": (16.5,)}, TypeError, "hidden"),
    ({"optimizer": "adamm"}, ValueError, "Did you mean 'adam'"),
    ({"optimizer": "lbfgs"}, ValueError, "optimizer"),
    ({"activation": "rellu"}, ValueError, "Did you mean 'relu'"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"epochs": 100_001}, ValueError, "epochs"),
    ({"epochs": 10.0}, TypeError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": -32}, ValueError, "batch_size"),
    ({"l1": -1e-3}, ValueError, "l1"),
    ({"l2": float("nan")}, ValueError, "l2"),
    ({"weight_decay": -0.1}, ValueError, "weight_decay"),
    ({"momentum": 1.0}, ValueError, "momentum"),
    ({"seed": -1}, ValueError, "seed"),
    ({"patience": 0}, ValueError, "patience"),
    ({"schedule": "cosine"}, TypeError, "schedule"),
    ({"class_weight": (1.0, -2.0)}, ValueError, "class_weight"),
    ({"hidden": (), "dropout": 0.5}, ValueError, "dropout"),
]


@pytest.mark.parametrize(("kwargs", "error", "match"), BAD_CONFIGS, ids=lambda v: str(v)[:30])
def test_bad_configs_raise_errors_naming_the_parameter(kwargs, error, match):
    with pytest.raises(error, match=match):
        TrainConfig(**kwargs)


def test_replace_validates_too():
    with pytest.raises(ValueError, match="dropout"):
        dataclasses.replace(TrainConfig(), dropout=1.5)


def test_bad_data_raises_errors_naming_the_data(moons):
    with pytest.raises(TypeError, match="data"):
        train(moons.x_train, SMALL)
    broken = dataclasses.replace(moons, x_train=np.full_like(moons.x_train, np.nan))
    with pytest.raises(ValueError, match="x_train"):
        train(broken, SMALL)
    with pytest.raises(ValueError, match="y_train"):
        train(dataclasses.replace(moons, y_train=moons.y_train[:10]), SMALL)
    with pytest.raises(ValueError, match="class_weight"):
        train(moons, dataclasses.replace(SMALL, class_weight=(1.0, 2.0, 3.0)))


def test_the_result_cache_stays_within_its_memory_budget(moons, monkeypatch):
    from tunelab.training import engine
    from tunelab.training.cache import ResultCache

    clear_cache()
    monkeypatch.setattr(engine, "CACHE", ResultCache(max_bytes=2 * train(moons, SMALL).nbytes + 1))
    for i in range(6):
        train(moons, dataclasses.replace(SMALL, l2=1e-4 * (i + 1)))
    assert cache_info()["size"] == 2
    assert cache_info()["megabytes"] * 2**20 <= engine.CACHE.max_bytes


def test_sweep_sizes_are_padded_to_few_size_classes():
    from tunelab.training.engine import size_class

    sizes = [size_class(n) for n in range(1, 200)]
    assert all(s >= n for n, s in enumerate(sizes, start=1))
    assert sizes == sorted(sizes)
    # Padding wastes at most a third of the work, and 24 settings run as exactly 24.
    assert all((s - n) / s < 1 / 3 for n, s in enumerate(sizes, start=1))
    assert size_class(24) == 24 and size_class(25) == 32
    assert len(set(sizes)) <= 2 * 8 + 1  # about two compiled sizes per doubling
