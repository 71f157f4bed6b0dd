"""Padding to size classes and run-time switches give the unpadded numbers, compiled once.

The reference is the engine with padding off (`padding.PADDING = False`: every class is
the real shape), which `tests/test_training.py` checks against Keras and scikit-learn.
"""

from __future__ import annotations

import dataclasses
import threading

import numpy as np
import pytest

from tunelab.datasets import load_dataset
from tunelab.training import TrainConfig, clear_cache, engine, padding, trace_count, train
from tunelab.training.backend import tf
from tunelab.training.compiled import Plan, compile_count
from tunelab.training.optimizers import (
    FAMILIES,
    N_SHARED_SLOTS,
    SLOTS,
    apply_switched,
    apply_updates,
    family_index,
)

RTOL, ATOL = 1e-5, 1e-6
SEVEN = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


@pytest.fixture(scope="module")
def moons():
    return load_dataset("moons", n_samples=300, noise=0.3, seed=0)


def unpadded(monkeypatch, data, config):
    """What the engine computes for ``config`` without padding (nothing cached)."""
    clear_cache()
    with monkeypatch.context() as patch:
        patch.setattr(padding, "PADDING", False)
        result = train(data, config)
    clear_cache()
    return result


def assert_same_run(padded, reference):
    assert padded.epochs_run == reference.epochs_run
    assert padded.diverged_at == reference.diverged_at
    assert [w.shape for w in padded.weights] == [w.shape for w in reference.weights]
    for a, b in zip(padded.weights, reference.weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)
    assert padded.history.keys() == reference.history.keys()
    for name in padded.history:
        np.testing.assert_allclose(
            padded.history[name], reference.history[name], rtol=RTOL, atol=ATOL, err_msg=name
        )
    np.testing.assert_allclose(
        padded.snapshot_params, reference.snapshot_params, rtol=RTOL, atol=ATOL
    )


CASES = [
    ((3,), "relu", "adam", {}),
    ((8, 8), "tanh", "sgd", {}),
    ((5, 16, 2), "sigmoid", "rmsprop", {}),
    ((5, 16, 2), "relu", "nesterov", {"dropout": 0.3}),
    ((6,), "linear", "momentum", {"l1": 1e-3}),
    ((8, 8), "relu", "adamw", {"weight_decay": 1e-2, "dropout": 0.2}),
    ((3, 5), "tanh", "adam", {"l2": 1e-3, "batch_size": 32}),
    ((7,), "sigmoid", "sgd", {"batch_size": 50, "dropout": 0.1}),
]


@pytest.mark.parametrize(("hidden", "activation", "optimizer", "extra"), CASES, ids=str)
def test_a_padded_network_trains_to_the_unpadded_weights_and_history(
    moons, monkeypatch, hidden, activation, optimizer, extra
):
    config = TrainConfig(
        hidden=hidden, activation=activation, optimizer=optimizer, epochs=25, **extra
    )
    plan = Plan(moons, config)
    assert plan.layout.padded_shapes() != plan.layout.real_shapes() or plan.rows != plan.n
    reference = unpadded(monkeypatch, moons, config)
    assert_same_run(train(moons, config), reference)


@pytest.mark.parametrize(
    ("features", "n_samples", "val_fraction"),
    [(("x1", "x2", "x1*x2"), 250, 0.5), (SEVEN, 180, 0.3), (("x1", "x2"), 97, 0.4)],
    ids=str,
)
def test_padded_features_and_training_rows_change_nothing(
    monkeypatch, features, n_samples, val_fraction
):
    data = load_dataset(
        "gauss",
        n_samples=n_samples,
        noise=0.3,
        val_fraction=val_fraction,
        seed=1,
        features=features,
    )
    for batch_size in (None, 16):
        config = TrainConfig(hidden=(5,), epochs=20, dropout=0.2, batch_size=batch_size)
        plan = Plan(data, config)
        assert plan.layout.in_pad >= len(features) and plan.rows > plan.n
        reference = unpadded(monkeypatch, data, config)
        assert_same_run(train(data, config), reference)


def test_a_linear_model_keeps_its_path_and_three_classes_their_outputs(monkeypatch):
    poly = load_dataset("poly", n_samples=90, seed=0)
    config = TrainConfig(hidden=(), optimizer="sgd", learning_rate=0.1, epochs=30)
    reference = unpadded(monkeypatch, poly, config)
    padded = train(poly, config)
    assert_same_run(padded, reference)
    np.testing.assert_allclose(padded.path, reference.path, rtol=RTOL, atol=ATOL)
    spiral3 = load_dataset("spiral3", n_samples=150, seed=0)
    config = TrainConfig(hidden=(6, 6), epochs=20, batch_size=40, dropout=0.1)
    assert_same_run(train(spiral3, config), unpadded(monkeypatch, spiral3, config))


def test_sweep_members_equal_single_padded_runs(moons):
    config = TrainConfig(hidden=(5, 3), epochs=20, dropout=0.2)
    clear_cache()
    members = engine.sweep(moons, config, l2=[0.0, 1e-3, 1e-2])
    clear_cache()
    alone = train(moons, members[1].config)
    assert_same_run(alone, members[1])


def test_the_padded_run_is_deterministic_bit_for_bit(moons):
    config = TrainConfig(hidden=(5, 16, 2), epochs=20, dropout=0.3, batch_size=32)
    clear_cache()
    first = train(moons, config)
    clear_cache()
    second = train(moons, config)
    for name in first.history:
        np.testing.assert_array_equal(first.history[name], second.history[name])
    for a, b in zip(first.weights, second.weights, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("kind", sorted(SLOTS))
def test_the_switched_update_is_exactly_the_rule_it_selects(kind):
    rng = np.random.default_rng(2)
    params = [tf.constant(rng.normal(size=(2, 3, 4)).astype(np.float32))]
    mine = [tf.constant(params[0])]
    state = [[tf.zeros_like(params[0])] for _ in SLOTS[kind]]
    shared = [[tf.zeros_like(params[0])] for _ in range(N_SHARED_SLOTS)]
    args = (tf.constant([0.05, 0.2]), tf.constant([0.01, 0.0]), [True])
    for step in range(5):
        grads = [tf.constant(rng.normal(size=(2, 3, 4)).astype(np.float32))]
        family = FAMILIES[family_index(kind)]
        params, state = apply_updates(
            family, params, grads, state, *args, tf.constant(step), tf.constant(0.9)
        )
        mine, shared = apply_switched(
            tf.constant(family_index(kind)),
            mine,
            grads,
            shared,
            *args,
            tf.constant(step),
            tf.constant(0.9),
        )
        np.testing.assert_array_equal(mine[0].numpy(), params[0].numpy())


def test_network_shapes_activations_and_optimizers_share_compiled_functions(moons):
    # relu and linear share a function, and so do tanh and sigmoid (see compiled.CURVES).
    for base, other in (("relu", "linear"), ("tanh", "sigmoid")):
        config = TrainConfig(hidden=(5, 8), activation=base, epochs=10)
        train(moons, config)
        before = trace_count(), compile_count()
        for move in [
            {"hidden": (7, 1)},
            {"hidden": (8, 3), "activation": other},
            {"hidden": (6, 6), "optimizer": "rmsprop", "epochs": 700},
            {"hidden": (7, 2), "activation": other, "optimizer": "nesterov"},
            {"optimizer": "adamw", "weight_decay": 1e-3},
            {"optimizer": "momentum", "momentum": 0.5},
        ]:
            assert not train(moons, dataclasses.replace(config, **move)).compiled, move
        assert (trace_count(), compile_count()) == before


def playground_moves():
    """(data, config) after each single move of a playground control from its start."""
    from tunelab.widgets.playground import playground_controls

    settings = {"dataset": "moons", "noise": 0.2, "features": ("x1", "x2"), "val_fraction": 0.5}
    config = TrainConfig(hidden=(8, 8), activation="tanh", epochs=300, snapshots=60)
    data_fields = {"dataset", "noise", "val_fraction", "features"}
    moves = []
    for control in playground_controls():
        for value in control.choices:
            if control.field in data_fields:
                moves.append(({**settings, control.field: value}, config))
            else:
                moves.append((settings, dataclasses.replace(config, **{control.field: value})))
    datasets = {}
    for data_settings, _ in moves:
        key = tuple(sorted(data_settings.items()))
        if key not in datasets:
            datasets[key] = load_dataset(
                data_settings["dataset"],
                n_samples=400,
                noise=data_settings["noise"],
                val_fraction=data_settings["val_fraction"],
                seed=0,
                features=data_settings["features"],
            )
    return [(datasets[tuple(sorted(s.items()))], c) for s, c in moves]


def test_after_warm_up_no_playground_dropdown_value_compiles():
    moves = playground_moves()
    # warm_up takes every dataset and config a panel offers, returns at once, compiles
    # in the background, and is idempotent.
    first = engine.warm_up([d for d, _ in moves], [c for _, c in moves])
    # It hands the work to its daemon thread instead of compiling in the caller's.
    assert isinstance(first, threading.Event)
    assert any(t.name == "tunelab-warm-up" and t.daemon for t in threading.enumerate())
    for data, config in moves:
        engine.warm_up(data, config)
    assert first.wait(timeout=900)
    assert engine.warm_up([d for d, _ in moves], [c for _, c in moves]).wait(timeout=900)
    before = trace_count(), compile_count()
    clear_cache()
    for data, config in moves:
        assert not train(data, config).compiled, config
    assert (trace_count(), compile_count()) == before
    warm_again = engine.warm_up([d for d, _ in moves], [c for _, c in moves])
    assert warm_again.wait(timeout=60)
    assert (trace_count(), compile_count()) == before


def test_warm_up_logs_bad_input_and_never_raises(moons, caplog):
    done = engine.warm_up(moons.x_train, [TrainConfig()])
    assert isinstance(done, threading.Event) and done.wait(timeout=60)
    done = engine.warm_up(moons, ["not a config"])
    assert done.wait(timeout=60)
    assert "warm_up" in caplog.text
