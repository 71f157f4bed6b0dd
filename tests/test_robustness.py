"""Robustness: fuzzed settings, interrupts, panels side by side, offline, nothing unsafe."""

from __future__ import annotations

import math
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import tunelab as tl  # noqa: E402
from tunelab.training import engine, schedules, trace_count  # noqa: E402
from tunelab.widgets import DropoutPanel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("TUNELAB_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# The network shapes are drawn from a short list: each new shape compiles once (~1 s), and
# what the fuzzing is after is the hyperparameters, which all enter the compiled loop as
# tensors.
SHAPES = [
    {"hidden": (), "activation": "relu", "optimizer": "sgd", "batch_size": None},
    {"hidden": (6,), "activation": "tanh", "optimizer": "momentum", "batch_size": None},
    {"hidden": (6,), "activation": "relu", "optimizer": "adam", "batch_size": 16},
    {"hidden": (5, 5), "activation": "sigmoid", "optimizer": "rmsprop", "batch_size": None},
    {"hidden": (6,), "activation": "linear", "optimizer": "nesterov", "batch_size": None},
    {"hidden": (6,), "activation": "relu", "optimizer": "adamw", "batch_size": None},
]
SCHEDULES = st.sampled_from(
    [
        None,
        schedules.StepDecay(step_size=10, factor=0.5),
        schedules.ExponentialDecay(decay_steps=7, decay_rate=0.3, staircase=True),
        schedules.InverseTimeDecay(decay_steps=5, decay_rate=3.0),
        schedules.CosineDecay(decay_steps=30),
        schedules.WarmupCosine(warmup_steps=5, decay_steps=20),
    ]
)
rates = st.floats(1e-4, 100.0, allow_nan=False)
strengths = st.one_of(st.just(0.0), st.floats(1e-6, 10.0))


@st.composite
def valid_configs(draw):
    shape = draw(st.sampled_from(SHAPES))
    return tl.TrainConfig(
        **shape,
        learning_rate=draw(rates),
        momentum=draw(st.floats(0.0, 0.99)),
        weight_decay=draw(strengths),
        schedule=draw(SCHEDULES),
        epochs=draw(st.integers(1, 60)),
        l1=draw(strengths),
        l2=draw(strengths),
        dropout=0.0 if not shape["hidden"] else draw(st.floats(0.0, 0.95)),
        class_weight=draw(st.sampled_from([None, "balanced", (1.0, 3.0)])),
        patience=draw(st.sampled_from([None, 1, 5])),
        seed=draw(st.integers(0, 2**31 - 1)),
    )


@pytest.fixture(scope="module")
def fuzz_data():
    return tl.load_dataset("moons", n_samples=80, seed=0)


def _artists_finite(figure) -> bool:
    for ax in figure.axes:
        for line in ax.lines:
            if not np.all(np.isfinite(np.asarray(line.get_ydata(), float))):
                return False
        for image in ax.images:
            if not np.all(np.isfinite(np.asarray(image.get_array(), float))):
                return False
    return True


@pytest.fixture(scope="module")
def plot_parts(fuzz_data):
    fig, (ax1, ax2, ax3) = tl.plots.new_figure(1, 3)
    parts = (
        tl.plots.DecisionBoundary(ax1, fuzz_data),
        tl.plots.LossCurves(ax2),
        tl.plots.WeightHistogram(ax3),
    )
    yield fig, parts
    plt.close(fig)


@FUZZ
@given(config=valid_configs())
def test_every_valid_config_trains_or_reports_divergence(config, fuzz_data, plot_parts):
    result = tl.train(fuzz_data, config)
    assert result.epochs_run <= config.epochs
    if result.diverged_at is None and result.stopped_at is None:
        assert result.epochs_run == config.epochs
    for values in result.history.values():
        assert np.all(np.isfinite(values))
    assert np.all(np.isfinite(result.surface))
    fig, parts = plot_parts
    for part in parts:
        part.update(result, draw=False)
    fig.canvas.draw_idle()
    assert _artists_finite(fig)


INVALID = st.sampled_from(
    [
        ("learning_rate", st.one_of(st.floats(max_value=0.0), st.just(math.nan), st.just(1e9))),
        ("dropout", st.one_of(st.floats(min_value=1.0, max_value=1e6), st.floats(max_value=-1e-9))),
        ("l1", st.one_of(st.floats(max_value=-1e-12), st.just(math.inf))),
        ("l2", st.one_of(st.floats(max_value=-1e-12), st.just(-math.inf), st.just(math.nan))),
        ("epochs", st.one_of(st.integers(max_value=0), st.integers(min_value=100_001))),
        ("batch_size", st.integers(max_value=0)),
        ("hidden", st.lists(st.integers(max_value=0), min_size=1, max_size=3).map(tuple)),
        ("hidden", st.integers()),
        ("optimizer", st.text(max_size=8).filter(lambda s: s not in tl.training.OPTIMIZERS)),
        ("activation", st.text(max_size=8).filter(lambda s: s not in tl.training.ACTIVATIONS)),
        ("seed", st.integers(max_value=-1)),
        ("momentum", st.floats(min_value=1.0, allow_infinity=False)),
        ("patience", st.integers(max_value=0)),
        ("weight_decay", st.floats(max_value=-1e-12)),
        ("learning_rate", st.text(max_size=4)),
    ]
)


@FUZZ
@given(data=st.data())
def test_every_invalid_config_raises_an_error_naming_the_parameter(data):
    name, strategy = data.draw(INVALID)
    value = data.draw(strategy)
    with pytest.raises((ValueError, TypeError)) as caught:
        tl.TrainConfig(**{name: value})
    assert name in str(caught.value)


@FUZZ
@given(
    name=st.sampled_from(tl.DATASET_NAMES[:7]),
    n_samples=st.integers(-5, 3000),
    noise=st.one_of(st.none(), st.floats(-1.0, 2.0)),
    val_fraction=st.floats(-0.5, 1.5),
    seed=st.integers(-3, 2**31),
)
def test_dataset_arguments_load_or_raise_an_error_naming_the_parameter(
    name, n_samples, noise, val_fraction, seed
):
    try:
        data = tl.load_dataset(
            name, n_samples=n_samples, noise=noise, val_fraction=val_fraction, seed=seed
        )
    except (ValueError, TypeError) as exc:
        assert re.search(r"n_samples|noise|val_fraction|seed|sample|class", str(exc)), str(exc)
    else:
        assert len(data.y_train) + len(data.y_val) == n_samples
        assert np.all(np.isfinite(data.x_train)) and np.all(np.isfinite(data.x_val))


def test_an_interrupt_during_a_long_sweep_leaves_the_cache_whole_and_the_panel_usable():
    panel = DropoutPanel(precompute=False)
    before = dict(panel.values)
    data = tl.load_dataset("moons", n_samples=400, seed=3)
    config = tl.TrainConfig(hidden=(32, 32), epochs=3000)
    values = [1e-6 * (i + 1) for i in range(16)]
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            tl.sweep(data, config, l2=values)
            # if the sweep finished before the signal, wait for it inside Python code
            threading.Event().wait(5)
    finally:
        timer.cancel()
    stored = [
        engine.is_cached(data, tl.TrainConfig(hidden=(32, 32), epochs=3000, l2=v)) for v in values
    ]
    assert all(stored) or not any(stored)
    panel.set(dropout=0.3)
    assert panel.values != before and panel.config.dropout == 0.3
    assert "epochs" in panel.status_text


def test_an_interrupted_panel_move_keeps_the_last_picture():
    class InterruptedEngine:
        def __init__(self):
            self.fail = False

        def train(self, data, config):
            if self.fail:
                raise KeyboardInterrupt
            return engine.train(data, config)

        def sweep(self, data, config, **axes):
            return engine.sweep(data, config, **axes)

    interrupted = InterruptedEngine()
    panel = DropoutPanel(engine=interrupted, precompute=False)
    good = panel.config
    interrupted.fail = True
    panel.widgets["dropout"].value = 0.5  # a widget callback: the interrupt is absorbed
    assert panel.config == good and panel.widgets["dropout"].value == good.dropout
    assert "Interrupted" in panel.status_text
    interrupted.fail = False
    panel.widgets["dropout"].value = 0.5
    assert panel.config.dropout == 0.5


def test_two_panels_on_the_same_data_keep_separate_state_and_share_compiled_graphs():
    first = DropoutPanel()
    traces = trace_count()
    second = DropoutPanel()
    assert trace_count() == traces
    second.set(dropout=0.6)
    assert first.config.dropout != second.config.dropout
    assert first.result is not second.result
    first.set(dropout=0.1)
    assert second.config.dropout == 0.6
    assert second.figure is not first.figure
    plt.close("all")


def test_nothing_unsafe_in_the_package():
    for path in (ROOT / "tunelab").rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"\bimport pickle\b|\bpickle\.|\beval\(|\bexec\(", text), path
    settings_string = DropoutPanel().settings
    with pytest.raises(ValueError):
        DropoutPanel.decode_settings("X19pbXBvcnRfXygnb3MnKQ")  # "__import__('os')"
    assert DropoutPanel.decode_settings(settings_string)["panel"] == "DropoutPanel"
    plt.close("all")


def test_the_offline_guard_blocks_outside_connections():
    code = (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError as exc:\n"
        "    print(exc)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests" / "offline"))
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "network access is blocked" in run.stdout
