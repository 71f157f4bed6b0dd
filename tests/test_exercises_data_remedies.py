"""Lesson 07's helpers and self-checks: the numbers the lesson prints must mean what it says."""

from __future__ import annotations

import dataclasses

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import Ridge  # noqa: E402
from sklearn.metrics import precision_score, recall_score  # noqa: E402

import tunelab as tl  # noqa: E402
from tunelab.exercises import data_remedies as ex  # noqa: E402

SMALL = tl.TrainConfig(hidden=(8,), learning_rate=0.03, epochs=60)


@pytest.fixture(scope="module")
def skewed():
    return tl.load_dataset("moons", n_samples=200, imbalance=0.1, seed=0)


@pytest.fixture(scope="module")
def skewed_run(skewed):
    return tl.train(skewed, SMALL)


# ---------------------------------------------------------------- datasets


def test_augment_keeps_originals_first_and_labels():
    data = tl.load_dataset("moons", n_samples=100).with_train_size(10)
    aug = ex.augment_with_noise(data, copies=3, sigma=0.2, seed=1)
    assert aug.x_train.shape == (40, 2)
    np.testing.assert_array_equal(aug.x_train[:10], data.x_train)
    np.testing.assert_array_equal(aug.y_train, np.tile(data.y_train, 4))
    np.testing.assert_array_equal(aug.x_val, data.x_val)
    jitter = aug.points_train[10:] - np.tile(data.points_train, (3, 1))
    assert 0.1 < jitter.std() < 0.3
    same = ex.augment_with_noise(data, copies=2, sigma=0.0)
    np.testing.assert_array_equal(same.x_train, np.tile(data.x_train, (3, 1)))


def test_augment_recomputes_feature_crosses():
    data = tl.load_dataset("circles", n_samples=60, features=("x1", "x2", "x1^2"))
    aug = ex.augment_with_noise(data, copies=1, sigma=0.5)
    np.testing.assert_allclose(aug.x_train, data.featurize(aug.points_train))


@pytest.mark.parametrize(
    ("copies", "sigma"), [(-1, 0.1), (1.5, 0.1), (True, 0.1), (2, -0.1), (2, "a")]
)
def test_augment_rejects_bad_arguments(copies, sigma):
    data = tl.load_dataset("moons", n_samples=40)
    with pytest.raises(ValueError, match="copies|sigma"):
        ex.augment_with_noise(data, copies=copies, sigma=sigma)


def test_resample_balanced_draws_half_from_each_class(skewed):
    resampled = ex.resample_balanced(skewed, seed=3)
    assert len(resampled.y_train) == len(skewed.y_train)
    counts = np.bincount(resampled.y_train.astype(int))
    assert counts[0] == counts[1] == len(skewed.y_train) // 2
    # Every prefix is balanced, and each row is a real training example of its class.
    assert abs(resampled.y_train[:11].sum() - 5.5) <= 0.5
    rows = {tuple(row): label for row, label in zip(skewed.x_train, skewed.y_train, strict=True)}
    for row, label in zip(resampled.x_train, resampled.y_train, strict=True):
        assert rows[tuple(row)] == label
    with pytest.raises(ValueError, match="binary"):
        ex.resample_balanced(tl.load_dataset("poly"))


# ---------------------------------------------------------------- measurements


def test_loss_on_matches_the_engine(skewed, skewed_run):
    assert ex.loss_on(skewed_run, skewed.x_val, skewed.y_val) == pytest.approx(
        skewed_run.final("val_loss"), rel=1e-4
    )


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
    oversampled = ex.loss_on(skewed_run, part.x_train[repeat], part.y_train[repeat])
    assert ex.weighted_loss(skewed_run, part) == pytest.approx(oversampled, rel=1e-9)


def test_per_class_matches_scikit_learn(skewed, skewed_run):
    for threshold in (0.2, 0.5):
        report = ex.per_class(skewed_run, skewed, threshold=threshold)
        predicted = (skewed_run.predict(skewed.x_val) > threshold).astype(int)
        truth = skewed.y_val.astype(int)
        assert report.recall[1] == pytest.approx(recall_score(truth, predicted))
        assert report.precision[1] == pytest.approx(precision_score(truth, predicted))
        assert report.recall[0] == pytest.approx(recall_score(truth, predicted, pos_label=0))
        assert report.accuracy == pytest.approx(np.mean(predicted == truth))
    assert report.counts == (int((truth == 0).sum()), int((truth == 1).sum()))
    assert "class 1" in str(report)
    with pytest.raises(ValueError, match="threshold"):
        ex.per_class(skewed_run, skewed, threshold=1.0)


def test_gradient_noise_follows_the_sampling_law(skewed, skewed_run):
    n = len(skewed.y_train)
    noise = ex.gradient_noise(skewed_run, skewed, [5, 20, n], draws=600)
    assert noise[n] < 1e-6
    law = np.sqrt((n - 5) / (5 * (n - 1)) / ((n - 20) / (20 * (n - 1))))
    assert noise[5] / noise[20] == pytest.approx(law, rel=0.15)
    with pytest.raises(ValueError, match="batch"):
        ex.gradient_noise(skewed_run, skewed, [0])


def test_fit_linear_matches_least_squares_and_ridge():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(30, 2))
    y = x @ np.array([1.5, -0.5]) + 0.3 + 0.1 * rng.normal(size=30)
    w, b = ex.fit_linear(x, y)
    solution = np.linalg.lstsq(np.column_stack([x, np.ones(30)]), y, rcond=None)[0]
    np.testing.assert_allclose([*w, b], solution, atol=1e-10)
    # Exercise 2's claim: mean loss + λ·Σw² has Ridge's minimizer with alpha = n·λ.
    w, b = ex.fit_linear(x, y, l2=0.09)
    ridge = Ridge(alpha=30 * 0.09).fit(x, y)
    np.testing.assert_allclose(w, ridge.coef_, atol=1e-8)
    assert b == pytest.approx(ridge.intercept_)


def test_wobble_and_timing(skewed_run):
    assert ex.wobble(skewed_run) >= 0
    assert ex.ms_per_epoch(skewed_run) > 0
    text = ex.table({"run": [skewed_run]})
    assert "validation loss" in text and "run" in text


# ---------------------------------------------------------------- panels


def test_imbalance_panel_reports_minority_recall():
    panel = ex.ImbalancePanel(
        {"n_samples": 200, "train_size": None, "imbalance": 0.1}, SMALL, precompute=False
    )
    assert "minority (class 1" in panel.status_text and "recall" in panel.status_text
    before = panel.result
    boundary = panel.parts[0]
    line_before = [s.copy() for s in boundary.threshold_line.get_segments()]
    marks_before = len(boundary.wrong_points.get_offsets())
    trainings = panel.trainings
    panel.set(threshold=0.05)
    assert "threshold 0.05" in panel.status_text
    assert panel.result is before  # the threshold only changes the scoring, not the network
    assert panel.trainings == trainings + 1 and panel.engine.is_cached(panel.data, panel.config)
    # The picture follows the threshold: the dashed line moves, the ✕ marks are rescored.
    line_after = boundary.threshold_line.get_segments()
    assert line_before and line_after
    assert len(line_after) != len(line_before) or any(
        a.shape != b.shape or not np.allclose(a, b)
        for a, b in zip(line_after, line_before, strict=True)
    )
    report = ex.per_class(panel.result, panel.data, threshold=0.05, split="val")
    train_report = ex.per_class(panel.result, panel.data, threshold=0.05, split="train")
    wrong = sum(round((1 - r.accuracy) * sum(r.counts)) for r in (report, train_report))
    assert len(boundary.wrong_points.get_offsets()) == wrong != marks_before


def test_augmentation_panel_trains_on_the_copies():
    # 25 points + 3 copies: the shape of the fixture's data, so nothing new is compiled.
    settings = {"n_samples": 200, "imbalance": 0.1, "train_size": 25}
    panel = ex.AugmentationPanel(settings, SMALL, sigma=0.5, copies=3)
    assert len(panel.data.y_train) == 100
    assert "100 training rows from 25 points" in panel.status_text
    jittered = panel.data.points_train
    panel.set(sigma=0.0)
    assert len(panel.data.y_train) == 100
    np.testing.assert_array_equal(panel.data.points_train, np.tile(jittered[:25], (4, 1)))


# ---------------------------------------------------------------- exercises


def test_every_check_says_not_answered_for_none():
    for result in (
        ex.check_precision_recall(None),
        ex.check_ridge_alpha(None),
        ex.check_steps(None),
    ):
        assert result.passed is None and "Not answered" in result.message


def test_precision_recall_check():
    c = ex.CONFUSION
    right = {
        "accuracy": (c["tp"] + c["tn"]) / sum(c.values()),
        "recall": c["tp"] / (c["tp"] + c["fn"]),
        "precision": c["tp"] / (c["tp"] + c["fp"]),
    }
    assert ex.check_precision_recall(right).passed
    swapped = dict(right, recall=right["precision"], precision=right["recall"])
    wrong = ex.check_precision_recall(swapped)
    assert wrong.passed is False and "tp / (tp + fn)" in wrong.message
    assert ex.check_precision_recall({"accuracy": 0.96}).passed is False


def test_ridge_alpha_check():
    assert ex.check_ridge_alpha(1.8).passed
    assert ex.check_ridge_alpha(20 * 0.3**2).passed
    mean_form = ex.check_ridge_alpha(0.09)
    assert mean_form.passed is False and "sum" in mean_form.message
    assert ex.check_ridge_alpha(3.6).passed is False
    assert ex.check_ridge_alpha("1.8").passed is False


def test_steps_check():
    assert ex.check_steps(1200).passed
    floor = ex.check_steps(900)
    assert floor.passed is False and "last" in floor.message
    assert ex.check_steps(300).passed is False
