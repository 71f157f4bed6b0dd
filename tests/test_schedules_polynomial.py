"""PolynomialDecay: Keras's PolynomialDecay as a fraction of the starting rate."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
import pytest

from tunelab.datasets import load_dataset
from tunelab.training import TrainConfig, schedules, train
from tunelab.training.schedules import LinearDecay, PolynomialDecay, make_schedule


def keras_values(learning_rate, decay_steps, end, power, cycle, steps):
    reference = keras.optimizers.schedules.PolynomialDecay(
        learning_rate, decay_steps, end, power=power, cycle=cycle
    )
    return np.array([float(reference(step)) for step in range(steps)], np.float32)


@pytest.mark.parametrize("power", [0.5, 1.0, 2.0, 3.0])
@pytest.mark.parametrize("end_factor", [0.0, 0.05, 0.5])
def test_values_equal_keras_at_every_step(power, end_factor):
    sched = PolynomialDecay(decay_steps=120, end_factor=end_factor, power=power)
    ours = sched.values(200, learning_rate=0.3)  # flat after step 120
    theirs = keras_values(0.3, 120, 0.3 * end_factor, power, False, 200)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
    assert ours[-1] == pytest.approx(0.3 * end_factor, abs=1e-7)


@pytest.mark.parametrize("power", [0.5, 2.0])
def test_cycle_restarts_as_keras_does(power):
    sched = PolynomialDecay(decay_steps=25, end_factor=0.1, power=power, cycle=True)
    ours = sched.values(100, learning_rate=1.0)
    np.testing.assert_allclose(
        ours, keras_values(1.0, 25, 0.1, power, True, 100), rtol=1e-6, atol=1e-7
    )
    assert ours[25] == pytest.approx(0.1) and ours[26] > ours[25]  # the end, then a restart


def test_to_keras_is_the_same_schedule():
    sched = PolynomialDecay(decay_steps=50, end_factor=0.2, power=2.0, cycle=True)
    reference = sched.to_keras(0.5)
    assert isinstance(reference, keras.optimizers.schedules.PolynomialDecay)
    ours = sched.values(120, 0.5)
    theirs = np.array([float(reference(step)) for step in range(120)])
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_power_one_is_linear_decay():
    for end_factor in (0.0, 0.05, 0.4):
        poly = PolynomialDecay(decay_steps=300, end_factor=end_factor, power=1.0)
        linear = LinearDecay(decay_steps=300, end_factor=end_factor)
        np.testing.assert_allclose(poly.values(400, 3.0), linear.values(400, 3.0), rtol=1e-6)


def test_the_power_bends_the_curve_either_way():
    rates = {p: PolynomialDecay(decay_steps=100, power=p).values(101, 1.0)[50] for p in (0.5, 2)}
    assert rates[2] == pytest.approx(0.25) and rates[0.5] == pytest.approx(0.5**0.5)


@pytest.mark.parametrize(
    ("kwargs", "error", "named"),
    [
        ({"decay_steps": 0}, ValueError, "decay_steps"),
        ({"decay_steps": 10.5}, TypeError, "decay_steps"),
        ({"end_factor": -0.1}, ValueError, "end_factor"),
        ({"end_factor": 1.5}, ValueError, "end_factor"),
        ({"end_factor": "0.1"}, TypeError, "end_factor"),
        ({"power": 0.0}, ValueError, "power"),
        ({"power": -1.0}, ValueError, "power"),
        ({"power": float("nan")}, ValueError, "power"),
        ({"cycle": "yes"}, TypeError, "cycle"),
    ],
)
def test_bad_arguments_name_the_parameter_and_what_is_allowed(kwargs, error, named):
    with pytest.raises(error, match=f"`{named}` of PolynomialDecay") as raised:
        PolynomialDecay(**kwargs)
    message = str(raised.value)
    assert "Received:" in message and f"{named}=" in message


def test_it_is_registered_by_name_and_described():
    assert "polynomial" in schedules.SCHEDULE_NAMES
    sched = make_schedule("polynomial", decay_steps=200, end_factor=0.05, power=2.0)
    assert sched == PolynomialDecay(decay_steps=200, end_factor=0.05, power=2.0)
    assert (
        sched.describe() == "polynomial(decay_steps=200, end_factor=0.05, power=2.0, cycle=False)"
    )
    with pytest.raises(ValueError, match="polynomial"):
        make_schedule("polynomal")  # the message lists the names, polynomial among them


def test_the_engine_steps_with_its_rates():
    # The data and network of test_training.py's SMALL runs: in one process they share
    # its compiled function (the optimizer and the schedule are run-time inputs).
    data = load_dataset("moons", n_samples=400, noise=0.3, seed=0)
    poly = PolynomialDecay(decay_steps=30, end_factor=0.1, power=2.0)
    config = TrainConfig(hidden=(8, 8), optimizer="sgd", learning_rate=0.2, epochs=40)
    result = train(data, dataclasses.replace(config, schedule=poly))
    # Full batch: one step per epoch, so the history holds the rate of every step.
    np.testing.assert_allclose(
        result.history["lr"], keras_values(0.2, 30, 0.02, 2.0, False, 40), rtol=1e-6
    )
