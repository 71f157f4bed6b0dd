"""Lesson 02's self-checks: right for the right answer, wrong for a wrong one."""

from __future__ import annotations

from tunelab.datasets import load_dataset
from tunelab.exercises import optimizers as ex
from tunelab.training import TrainConfig, schedules, train


def test_unanswered_checks_say_so():
    for check in (ex.check_inverse_time, ex.check_exponential_schedule, ex.check_adam_first_step):
        assert check(None).passed is None


def test_inverse_time_check_agrees_with_keras():
    keras_rate = float(schedules.InverseTimeDecay(10, 1.0).to_keras(0.1)(30))
    assert ex.check_inverse_time(keras_rate).passed
    assert ex.check_inverse_time(0.025).passed
    forgot_decay_steps = ex.check_inverse_time(0.1 / 31)
    assert forgot_decay_steps.passed is False and "decay_steps" in forgot_decay_steps.message
    assert ex.check_inverse_time(0.05).passed is False
    assert ex.check_inverse_time("0.025").passed is False


def test_exponential_schedule_check():
    assert ex.check_exponential_schedule(schedules.ExponentialDecay(300, 0.1)).passed
    assert ex.check_exponential_schedule(schedules.ExponentialDecay(150, 0.1**0.5)).passed
    assert ex.check_exponential_schedule(schedules.ExponentialDecay(100, 0.1)).passed is False
    staircase = schedules.ExponentialDecay(300, 0.1, staircase=True)
    assert ex.check_exponential_schedule(staircase).passed is False
    assert ex.check_exponential_schedule(schedules.CosineDecay(300, alpha=0.1)).passed is False


def test_adam_first_step_check_agrees_with_the_engine():
    poly = load_dataset("poly", n_samples=100, noise=0.3)
    config = TrainConfig(hidden=(), optimizer="adam", learning_rate=0.3, epochs=2)
    path = train(poly, config).path
    assert ex.check_adam_first_step(float(path[1, 0] - path[0, 0])).passed
    sgd = TrainConfig(hidden=(), optimizer="sgd", learning_rate=0.3, epochs=2)
    sgd_path = train(poly, sgd).path
    assert ex.check_adam_first_step(float(sgd_path[1, 0] - sgd_path[0, 0])).passed is False
    assert ex.check_adam_first_step(0.03).passed is False


def test_steps_check():
    assert ex.check_steps(None).passed is None and "Not answered" in ex.check_steps(None).message
    # The exercise: 3,072 examples, batch_size=100, 32 epochs: ⌈30.72⌉ = 31 steps per epoch.
    right = ex.check_steps(992, n=3072, batch_size=100, epochs=32)
    assert right.passed and "72 examples" in right.message
    assert ex.check_steps(992).passed  # the defaults are the exercise's numbers
    floor = ex.check_steps(960)  # 30 full batches per epoch: the last, smaller one dropped
    assert floor.passed is False and "last" in floor.message
    assert ex.check_steps(32).passed is False  # one step per epoch is full batch
    assert ex.check_steps("many").passed is False
