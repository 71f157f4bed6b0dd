"""The numpy network (tunelab.training.network) against the compiled engine and sklearn."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, precision_score, recall_score

from tunelab.datasets import load_dataset
from tunelab.training import TrainConfig, hidden_activations, network, train
from tunelab.training.backend import tf

CASES = {
    "binary": ("moons", TrainConfig(hidden=(8, 8), epochs=40, learning_rate=0.03)),
    "multiclass": ("spiral3", TrainConfig(hidden=(16,), activation="tanh", epochs=40)),
    "regression": ("poly", TrainConfig(hidden=(8,), activation="sigmoid", epochs=40)),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def run(request):
    name, config = CASES[request.param]
    data = load_dataset(name, n_samples=200, seed=0)
    return data, train(data, config)


def test_loss_on_equals_the_engines_recorded_history(run):
    data, res = run
    assert res.task == data.task
    # The engine records the loss after the last epoch's update: the final weights.
    assert network.loss_on(res, data.x_train, data.y_train) == pytest.approx(
        res.final("train_loss"), rel=2e-5, abs=1e-6
    )
    assert network.loss_on(res, data.x_val, data.y_val) == pytest.approx(
        res.final("val_loss"), rel=2e-5, abs=1e-6
    )
    # Earlier epochs too: the snapshot weights give the history of their epoch.
    i = len(res.snapshot_epochs) // 2
    epoch = int(res.snapshot_epochs[i])
    z = network.forward(res.weights_at(i), res.config.activation, data.x_val)
    assert network.data_loss(z, data.y_val, res.task) == pytest.approx(
        res.history["val_loss"][epoch - 1], rel=2e-5, abs=1e-6
    )


def test_per_example_loss_equals_tensorflows_on_the_same_logits(run):
    data, res = run
    z = network.forward(res.weights, res.config.activation, data.x_val)
    ours = network.per_example_loss(z, data.y_val, res.task)
    if res.task == "binary":
        theirs = tf.nn.sigmoid_cross_entropy_with_logits(labels=data.y_val, logits=z[:, 0])
    elif res.task == "multiclass":
        theirs = tf.nn.sparse_softmax_cross_entropy_with_logits(data.y_val.astype(np.int32), z)
    else:
        theirs = tf.square(z[:, 0] - data.y_val)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_output_and_hidden_layers_agree_with_the_result(run):
    data, res = run
    z = network.forward(res.weights, res.config.activation, data.x_val)
    np.testing.assert_allclose(network.to_output(z, res.task), res.predict(data.x_val))
    first = network.hidden(res.weights, res.config.activation, data.x_val, layer=0)
    np.testing.assert_allclose(first, hidden_activations(res, data.x_val)[0])
    assert first.shape == (len(data.y_val), res.config.hidden[0])
    assert network.kernel_weights(res).size == sum(w.size for w in res.weights[0::2])
    if res.task == "multiclass":
        np.testing.assert_allclose(network.to_output(z, res.task).sum(axis=1), 1.0, rtol=1e-5)


def test_the_loss_is_exact_where_a_clipped_probability_is_not():
    # A confidently wrong logit of 40: sigmoid rounds to 1.0, so a loss on clipped
    # probabilities reads -log(1e-7) ≈ 16; the true cross-entropy is 40.
    z = np.array([[40.0], [-40.0]], np.float32)
    loss = network.per_example_loss(z, np.array([0.0, 0.0]), "binary")
    assert loss[0] == pytest.approx(40.0, rel=1e-12)
    assert loss[1] == pytest.approx(np.log1p(np.exp(-40.0)), rel=1e-9)
    weighted = network.data_loss(z, np.array([0.0, 0.0]), "binary", sample_weight=[2.0, 0.0])
    assert weighted == pytest.approx(40.0)


def test_class_report_equals_scikit_learn():
    data = load_dataset("moons", n_samples=300, seed=0, imbalance=0.2)
    res = train(data, TrainConfig(hidden=(8,), epochs=40))
    truth = data.y_val.astype(int)
    for threshold in (0.1, 0.5, 0.9):
        report = network.class_report(res, data.x_val, data.y_val, threshold=threshold)
        predicted = (res.predict(data.x_val) > threshold).astype(int)
        assert report.threshold == threshold
        assert report.accuracy == pytest.approx(accuracy_score(truth, predicted))
        for label in (0, 1):
            assert report.precision[label] == pytest.approx(
                precision_score(truth, predicted, pos_label=label, zero_division=0)
            )
            assert report.recall[label] == pytest.approx(
                recall_score(truth, predicted, pos_label=label, zero_division=0)
            )
        assert report.counts == (int((truth == 0).sum()), int((truth == 1).sum()))
    assert "class 1" in str(report) and "recall" in str(report)
    with pytest.raises(ValueError, match="threshold"):
        network.class_report(res, data.x_val, data.y_val, threshold=1.0)


def test_bad_input_raises_errors_naming_the_parameter(run):
    data, res = run
    z = network.forward(res.weights, res.config.activation, data.x_val)
    with pytest.raises(ValueError, match="task"):
        network.data_loss(z, data.y_val, "ranking")
    with pytest.raises(ValueError, match="sample_weight"):
        network.data_loss(z, data.y_val, res.task, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match="`x`"):
        network.forward(res.weights, res.config.activation, np.ones((4, 7)))
    with pytest.raises(ValueError, match="activation"):
        network.forward(res.weights, "swish", data.x_val)
    with pytest.raises(ValueError, match="layer"):
        network.hidden(res.weights, res.config.activation, data.x_val, layer=5)
    if res.task != "binary":
        with pytest.raises(ValueError, match="binary"):
            network.class_report(res, data.x_val, data.y_val)
    if res.task == "multiclass":
        with pytest.raises(ValueError, match="labels"):
            network.data_loss(z, np.full(len(z), 7.0), res.task)


def test_results_and_the_numpy_network_import_without_tensorflow():
    # The top-level `tunelab` package (lessons' one import) loads everything; here the
    # training layer is imported on its own, as plots and checks import it.
    root = Path(__file__).resolve().parents[1]
    code = (
        "import sys, types\n"
        f"pkg = types.ModuleType('tunelab'); pkg.__path__ = [{str(root / 'tunelab')!r}]\n"
        "sys.modules['tunelab'] = pkg\n"
        "import tunelab.training.network, tunelab.training.result, tunelab.training.config\n"
        "import tunelab.training.schedules\n"
        "from tunelab.training import TrainConfig, TrainResult, network, schedules\n"
        "print('tensorflow' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_hidden_activations_in_training_feed_each_dropped_layer_to_the_next():
    from tunelab.training import apply_dropout

    data = load_dataset("moons", n_samples=200, seed=0)
    res = train(data, TrainConfig(hidden=(8, 8), epochs=20, dropout=0.5, seed=3))
    acts = hidden_activations(res, data.x_val, training=True, step=7)
    relu = network.ACTIVATIONS["relu"]
    w = res.weights
    h1 = apply_dropout(relu(data.x_val @ w[0] + w[1]), 0.5, seed=3, step=7, layer=0)
    h2 = apply_dropout(relu(h1 @ w[2] + w[3]), 0.5, seed=3, step=7, layer=1)
    np.testing.assert_allclose(acts[0], h1, rtol=1e-6)
    np.testing.assert_allclose(acts[1], h2, rtol=1e-5, atol=1e-6)
    assert np.mean(acts[0] == 0) > np.mean(hidden_activations(res, data.x_val)[0] == 0)


def test_the_small_weight_threshold_is_the_engines():
    data = load_dataset("moons", n_samples=200, seed=0)
    res = train(data, TrainConfig(hidden=(16,), optimizer="sgd", l1=0.05, epochs=60))
    small = np.mean(np.abs(network.kernel_weights(res)) < network.SMALL_WEIGHT)
    assert small > 0
    assert small == pytest.approx(res.final("small_weights"), abs=1e-6)


# ---------------------------------------------------------------------------------------------
# The measurements lessons 03 and 09 print: loss on chosen points, per-class scores

IMBALANCED = TrainConfig(hidden=(8,), learning_rate=0.03, epochs=60)


@pytest.fixture(scope="module")
def skewed():
    return load_dataset("moons", n_samples=200, imbalance=0.1, seed=0)


@pytest.fixture(scope="module")
def skewed_run(skewed):
    return train(skewed, IMBALANCED)


def test_loss_on_an_imbalanced_run_matches_the_engine(skewed, skewed_run):
    assert network.loss_on(skewed_run, skewed.x_val, skewed.y_val) == pytest.approx(
        skewed_run.final("val_loss"), rel=1e-4
    )


def test_loss_on_a_small_training_set_matches_the_engine():
    data = load_dataset("moons", n_samples=120, noise=0.3).with_train_size(30)
    result = train(data, TrainConfig(hidden=(16,), learning_rate=0.03, epochs=120))
    # The history's last entry is measured on the final weights (no early stopping here).
    assert network.loss_on(result, data.x_val, data.y_val) == pytest.approx(
        result.final("val_loss"), rel=1e-4
    )
    assert network.loss_on(result, data.x_train, data.y_train) == pytest.approx(
        result.final("train_loss"), rel=1e-4, abs=1e-6
    )


def test_class_report_on_the_validation_split_matches_scikit_learn(skewed, skewed_run):
    for threshold in (0.2, 0.5):
        report = network.class_report(skewed_run, skewed.x_val, skewed.y_val, threshold)
        predicted = (skewed_run.predict(skewed.x_val) > threshold).astype(int)
        truth = skewed.y_val.astype(int)
        assert report.recall[1] == pytest.approx(recall_score(truth, predicted))
        assert report.precision[1] == pytest.approx(precision_score(truth, predicted))
        assert report.recall[0] == pytest.approx(recall_score(truth, predicted, pos_label=0))
        assert report.accuracy == pytest.approx(np.mean(predicted == truth))
    assert report.counts == (int((truth == 0).sum()), int((truth == 1).sum()))
    assert "class 1" in str(report)
    with pytest.raises(ValueError, match="threshold"):
        network.class_report(skewed_run, skewed.x_val, skewed.y_val, threshold=1.0)
