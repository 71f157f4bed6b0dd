"""Tests for tunelab.datasets: shapes, determinism, splits, validation and the frozen CSVs."""

from __future__ import annotations

import dataclasses
import math
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from frozen_csv import FROZEN_CSV_NAMES, read_frozen_csv, write_frozen_csv

from tunelab.datasets import (
    CROSS_FEATURES,
    DATASET_NAMES,
    DEFAULT_NOISE,
    Dataset,
    augment_with_noise,
    load_dataset,
    poly_features,
    resample_balanced,
)

DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"
TWO_D_NAMES = ("moons", "circles", "xor", "gauss", "spiral", "spiral3")
BINARY_NAMES = ("moons", "circles", "xor", "gauss", "spiral", "breast_cancer")
EXPECTED_TASKS = {
    "moons": ("binary", 2),
    "circles": ("binary", 2),
    "xor": ("binary", 2),
    "gauss": ("binary", 2),
    "spiral": ("binary", 2),
    "spiral3": ("multiclass", 3),
    "poly": ("regression", 0),
    "breast_cancer": ("binary", 2),
}


def _all_arrays(data: Dataset) -> list[np.ndarray]:
    return [
        data.x_train,
        data.y_train,
        data.x_val,
        data.y_val,
        data.points_train,
        data.points_val,
    ]


def _frozen_mismatches(name: str, csv_path: Path | None = None) -> list[str]:
    """Describe every way `load_dataset(name)` differs from a frozen CSV; empty if identical."""
    points, y, is_val = read_frozen_csv(name, csv_path)
    data = load_dataset(name)
    generated_points = np.concatenate([data.points_train, data.points_val])
    generated_y = np.concatenate([data.y_train, data.y_val])
    generated_is_val = np.arange(len(generated_y)) >= len(data.y_train)
    if points.shape != generated_points.shape:
        return [f"shape {points.shape} in the CSV, {generated_points.shape} generated"]
    mismatches = []
    for column, frozen, generated in (
        ("points", points, generated_points),
        ("y", y, generated_y),
        ("split", is_val, generated_is_val),
    ):
        # Bitwise: a change in the last float32 digit still changes every lesson's picture.
        differing = np.flatnonzero((frozen != generated).reshape(len(frozen), -1).any(axis=1))
        if differing.size:
            mismatches.append(f"{column} differs in rows {differing[:5].tolist()}")
    return mismatches


# ---------------------------------------------------------------------------------------------
# Every dataset loads and has the documented shape


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_every_name_loads_with_defaults(name: str) -> None:
    data = load_dataset(name)
    task, n_classes = EXPECTED_TASKS[name]
    assert (data.name, data.task, data.n_classes) == (name, task, n_classes)
    for array in _all_arrays(data):
        assert array.dtype == np.float32
        assert not array.flags.writeable
    assert len(data.y_train) > 0 and len(data.y_val) > 0
    assert len(data.y_train) + len(data.y_val) == 400
    assert data.x_train.shape == (len(data.y_train), data.n_features)
    assert data.x_val.shape == (len(data.y_val), data.n_features)
    assert data.y_train.ndim == 1 and data.y_val.ndim == 1
    assert len(data.feature_names) == data.n_features
    assert data.noise == DEFAULT_NOISE[name]
    if task == "regression":
        assert data.points_train.shape == (len(data.y_train), 1)
        assert data.extent is None
    else:
        for labels in (data.y_train, data.y_val):
            assert set(np.unique(labels).tolist()) == set(range(n_classes))
    if name in TWO_D_NAMES:
        assert data.points_train.shape == (len(data.y_train), 2)
        np.testing.assert_array_equal(data.x_train, data.points_train)
        xmin, xmax, ymin, ymax = data.extent
        points = np.concatenate([data.points_train, data.points_val])
        assert xmin < points[:, 0].min() and points[:, 0].max() < xmax
        assert ymin < points[:, 1].min() and points[:, 1].max() < ymax
        # Small networks with learning rate 0.03 need inputs on a unit-ish scale.
        assert np.abs(points).max() < 3.0
    assert "array" not in repr(data) and name in repr(data) and len(repr(data)) < 160


@pytest.mark.parametrize("name", TWO_D_NAMES)
def test_classes_are_balanced_by_default(name: str) -> None:
    data = load_dataset(name, n_samples=301)
    counts = np.bincount(np.concatenate([data.y_train, data.y_val]).astype(int))
    assert counts.max() - counts.min() <= 1


def test_dataset_is_immutable() -> None:
    data = load_dataset("moons")
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.noise = 0.5  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        data.x_train[0, 0] = 1.0


# ---------------------------------------------------------------------------------------------
# Determinism


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_same_arguments_give_identical_arrays(name: str) -> None:
    kwargs = {"n_samples": 150, "val_fraction": 0.3, "seed": 7}
    first, second = load_dataset(name, **kwargs), load_dataset(name, **kwargs)
    for array, other in zip(_all_arrays(first), _all_arrays(second), strict=True):
        assert array.tobytes() == other.tobytes()
    assert first.fingerprint == second.fingerprint
    assert len(first.fingerprint) == 16 and int(first.fingerprint, 16) >= 0

    reseeded = load_dataset(name, **(kwargs | {"seed": 8}))
    assert not np.array_equal(first.x_train, reseeded.x_train)
    assert first.fingerprint != reseeded.fingerprint


def test_noise_only_scales_the_same_jitter() -> None:
    # For a fixed seed, a noise slider should move the same points, not redraw them.
    clean, low, high = (load_dataset("moons", noise=noise) for noise in (0.0, 0.1, 0.2))
    np.testing.assert_array_equal(clean.y_train, high.y_train)
    np.testing.assert_allclose(
        high.points_train - clean.points_train,
        2.0 * (low.points_train - clean.points_train),
        atol=1e-5,
    )


# ---------------------------------------------------------------------------------------------
# Splits, stratification and imbalance


@pytest.mark.parametrize("name", ["moons", "spiral3", "poly", "breast_cancer"])
@pytest.mark.parametrize("val_fraction", [0.1, 0.25, 0.5, 0.8])
def test_val_fraction_and_stratification(name: str, val_fraction: float) -> None:
    data = load_dataset(name, n_samples=301, val_fraction=val_fraction, seed=3)
    n_total = len(data.y_train) + len(data.y_val)
    assert n_total == 301
    assert abs(len(data.y_val) - val_fraction * n_total) <= 1
    if data.task == "regression":
        return
    all_labels = np.concatenate([data.y_train, data.y_val])
    for label in range(data.n_classes):
        n_label = int((all_labels == label).sum())
        assert abs(int((data.y_val == label).sum()) - val_fraction * n_label) <= 1


@pytest.mark.parametrize("name", BINARY_NAMES)
@pytest.mark.parametrize("imbalance", [0.05, 0.1, 0.33, 0.5])
def test_imbalance_sets_the_minority_fraction(name: str, imbalance: float) -> None:
    data = load_dataset(name, n_samples=300, imbalance=imbalance, seed=1)
    labels = np.concatenate([data.y_train, data.y_val])
    assert len(labels) == 300
    assert abs(int((labels == 1).sum()) - imbalance * 300) <= 1
    assert (data.y_train == 1).any() and (data.y_val == 1).any()


def test_breast_cancer_keeps_its_natural_ratio_without_imbalance() -> None:
    data = load_dataset("breast_cancer", n_samples=569)
    labels = np.concatenate([data.y_train, data.y_val])
    # 212 malignant (label 1) and 357 benign in the real set.
    assert int(labels.sum()) == 212


def test_with_train_size_keeps_validation_and_class_balance() -> None:
    data = load_dataset("spiral3", n_samples=600)
    small = data.with_train_size(30)
    assert small.x_train.shape == (30, 2)
    np.testing.assert_array_equal(small.x_train, data.x_train[:30])
    np.testing.assert_array_equal(small.x_val, data.x_val)
    assert small.fingerprint != data.fingerprint
    # Every prefix keeps the classes in proportion, so a small slider value is still fair.
    for size in (3, 7, 30, 100):
        counts = np.bincount(data.y_train[:size].astype(int), minlength=3)
        assert counts.max() - counts.min() <= 1
    for bad in (0, len(data.y_train) + 1):
        with pytest.raises(ValueError, match="`n`"):
            data.with_train_size(bad)
    with pytest.raises(TypeError, match="`n`"):
        data.with_train_size(2.0)  # type: ignore[arg-type]


def test_a_train_size_larger_than_the_training_set_is_refused_not_clamped() -> None:
    data = load_dataset("moons", n_samples=100)
    n_train = len(data.y_train)
    with pytest.raises(ValueError, match="train_size") as error:
        data.with_train_size(n_train + 40)
    assert f"train_size={n_train + 40}" in str(error.value)
    assert f"[1, {n_train}]" in str(error.value)
    assert len(data.with_train_size(n_train).y_train) == n_train


# ---------------------------------------------------------------------------------------------
# Feature crosses


def test_feature_crosses_are_computed_from_the_points() -> None:
    data = load_dataset("xor", features=CROSS_FEATURES)
    assert data.feature_names == CROSS_FEATURES and data.n_features == 7
    points = data.points_train.astype(np.float64)
    x1, x2 = points[:, 0], points[:, 1]
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(data.x_train, expected, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(data.featurize(data.points_train), data.x_train)
    np.testing.assert_array_equal(data.featurize(data.points_val), data.x_val)
    # Only the model's view changes, not the data.
    plain = load_dataset("xor")
    np.testing.assert_array_equal(plain.points_train, data.points_train)


def test_feature_order_follows_the_request() -> None:
    data = load_dataset("circles", features=("x1*x2", "x1"))
    np.testing.assert_array_equal(data.x_train[:, 1], data.points_train[:, 0])
    np.testing.assert_allclose(
        data.x_train[:, 0], data.points_train[:, 0] * data.points_train[:, 1], rtol=1e-6
    )


def test_featurize_evaluates_a_grid() -> None:
    data = load_dataset("moons", features=("x1", "x2", "sin(x1)"))
    xmin, xmax, ymin, ymax = data.extent
    grid_x, grid_y = np.meshgrid(np.linspace(xmin, xmax, 5), np.linspace(ymin, ymax, 4))
    inputs = data.featurize(np.column_stack([grid_x.ravel(), grid_y.ravel()]))
    assert inputs.shape == (20, 3) and inputs.dtype == np.float32
    with pytest.raises(ValueError, match="points"):
        data.featurize(np.zeros((5, 3)))


def test_poly_powers() -> None:
    data = load_dataset("poly", features=("x", "x^2", "x^3"))
    x = data.points_train[:, 0].astype(np.float64)
    np.testing.assert_allclose(data.x_train, np.column_stack([x, x**2, x**3]), rtol=1e-6)
    np.testing.assert_array_equal(data.featurize(data.points_train[:, 0]), data.x_train)
    twelve = tuple(["x"] + [f"x^{power}" for power in range(2, 13)])
    assert load_dataset("poly", features=twelve).n_features == 12


# ---------------------------------------------------------------------------------------------
# The real tabular set


def test_breast_cancer_is_standardized_and_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("load_dataset('breast_cancer') tried to open a network socket")

    monkeypatch.setattr(socket, "socket", refuse)
    data = load_dataset("breast_cancer", n_samples=569)
    assert data.n_features == 30 and len(data.feature_names) == 30
    assert data.feature_names[0] == "mean radius"
    assert data.extent is None
    np.testing.assert_allclose(data.x_train.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(data.x_train.std(axis=0), 1.0, atol=1e-4)
    # Validation uses the training statistics, so it is only roughly standardized.
    assert np.abs(data.x_val.mean(axis=0)).max() < 0.5
    np.testing.assert_array_equal(data.points_train, data.x_train)
    np.testing.assert_array_equal(data.featurize(data.points_val), data.x_val)
    assert "30 columns" in repr(data)


# ---------------------------------------------------------------------------------------------
# Bad input


BAD_INPUTS = [
    ({"name": "moon"}, ValueError, r"Did you mean 'moons'\?"),
    ({"name": "banana"}, ValueError, "name"),
    ({"name": 3}, TypeError, "name"),
    ({"n_samples": 0}, ValueError, "n_samples"),
    ({"n_samples": -5}, ValueError, "n_samples"),
    ({"n_samples": 1_000_001}, ValueError, "n_samples"),
    ({"n_samples": 2.5}, TypeError, "n_samples"),
    ({"n_samples": True}, TypeError, "n_samples"),
    ({"n_samples": 3}, ValueError, "n_samples"),
    ({"name": "breast_cancer", "n_samples": 600}, ValueError, "n_samples"),
    ({"noise": -0.1}, ValueError, "noise"),
    ({"noise": math.nan}, ValueError, "noise"),
    ({"noise": math.inf}, ValueError, "noise"),
    ({"noise": "0.1"}, TypeError, "noise"),
    ({"name": "breast_cancer", "noise": 0.1}, ValueError, "noise"),
    ({"val_fraction": 0}, ValueError, "val_fraction"),
    ({"val_fraction": 1}, ValueError, "val_fraction"),
    ({"val_fraction": 1.5}, ValueError, "val_fraction"),
    ({"val_fraction": -0.2}, ValueError, "val_fraction"),
    ({"val_fraction": math.nan}, ValueError, "val_fraction"),
    ({"imbalance": 0}, ValueError, "imbalance"),
    ({"imbalance": 0.6}, ValueError, "imbalance"),
    ({"imbalance": -1}, ValueError, "imbalance"),
    ({"name": "spiral3", "imbalance": 0.3}, ValueError, "imbalance"),
    ({"name": "poly", "imbalance": 0.3}, ValueError, "imbalance"),
    ({"imbalance": 0.001}, ValueError, "n_samples"),
    ({"name": "breast_cancer", "n_samples": 569, "imbalance": 0.5}, ValueError, "n_samples"),
    ({"features": ("x1", "x3")}, ValueError, "features"),
    ({"features": ("x1", "x1")}, ValueError, "features"),
    ({"features": ()}, ValueError, "features"),
    ({"features": "x1"}, TypeError, "features"),
    ({"name": "poly", "features": ("x", "x^3")}, ValueError, "features"),
    ({"name": "poly", "features": ("x1",)}, ValueError, "features"),
    ({"name": "breast_cancer", "features": ("x1",)}, ValueError, "features"),
    ({"seed": -1}, ValueError, "seed"),
    ({"seed": 1.0}, TypeError, "seed"),
]


@pytest.mark.parametrize(("kwargs", "error", "pattern"), BAD_INPUTS)
def test_bad_input_is_rejected(kwargs: dict, error: type[Exception], pattern: str) -> None:
    kwargs = {"name": "moons"} | kwargs
    with pytest.raises(error, match=pattern) as raised:
        load_dataset(**kwargs)
    # Keras style: the message shows what was received.
    assert "Received" in str(raised.value)


def test_unknown_name_lists_the_allowed_names() -> None:
    with pytest.raises(ValueError, match="name") as raised:
        load_dataset("moon")
    for name in DATASET_NAMES:
        assert repr(name) in str(raised.value)


def test_unknown_feature_lists_the_allowed_features() -> None:
    with pytest.raises(ValueError, match="features") as raised:
        load_dataset("moons", features=("x1", "cos(x1)"))
    for feature in CROSS_FEATURES:
        assert repr(feature) in str(raised.value)


# ---------------------------------------------------------------------------------------------
# The frozen CSVs


def test_every_toy_set_has_a_frozen_csv() -> None:
    assert sorted(FROZEN_CSV_NAMES) == sorted(set(DATASET_NAMES) - {"breast_cancer"})
    assert sorted(path.stem for path in DATASETS_DIR.glob("*.csv")) == sorted(FROZEN_CSV_NAMES)


@pytest.mark.parametrize("name", FROZEN_CSV_NAMES)
def test_generator_reproduces_frozen_csv(name: str) -> None:
    # If this fails on purpose, regenerate the CSVs (see datasets/README.md) and review every
    # lesson's pictures: they all change.
    assert _frozen_mismatches(name) == []


def test_frozen_csv_check_detects_a_changed_value(tmp_path: Path) -> None:
    altered = tmp_path / "spiral.csv"
    shutil.copy(DATASETS_DIR / "spiral.csv", altered)
    assert _frozen_mismatches("spiral", altered) == []

    lines = altered.read_text().splitlines()
    x1, x2, label, split = lines[10].split(",")
    # The next float32 up: the smallest change a generator tweak could make.
    nudged = np.nextafter(np.float32(x1), np.float32(np.inf))
    lines[10] = ",".join([format(float(nudged), ".9g"), x2, label, split])
    altered.write_text("\n".join(lines) + "\n")
    assert _frozen_mismatches("spiral", altered) == ["points differs in rows [9]"]


def test_frozen_csv_check_detects_a_changed_split(tmp_path: Path) -> None:
    altered = tmp_path / "poly.csv"
    text = (DATASETS_DIR / "poly.csv").read_text()
    altered.write_text(text.replace(",train\n", ",val\n", 1))
    assert _frozen_mismatches("poly", altered) == ["split differs in rows [0]"]


def test_write_frozen_csv_round_trips(tmp_path: Path) -> None:
    path = write_frozen_csv("gauss", tmp_path / "gauss.csv")
    assert path.read_bytes() == (DATASETS_DIR / "gauss.csv").read_bytes()
    points, y, is_val = read_frozen_csv("gauss", path)
    assert points.dtype == np.float32 and y.dtype == np.float32 and is_val.dtype == bool
    with pytest.raises(ValueError, match="name"):
        read_frozen_csv("breast_cancer")


# ---------------------------------------------------------------------------------------------
# Transforms (lessons 08 and 09) and the polynomial features (lesson 03)


def test_augment_keeps_originals_first_and_labels() -> None:
    data = load_dataset("moons", n_samples=100).with_train_size(10)
    aug = augment_with_noise(data, copies=3, sigma=0.2, seed=1)
    assert aug.x_train.shape == (40, 2)
    np.testing.assert_array_equal(aug.x_train[:10], data.x_train)
    np.testing.assert_array_equal(aug.y_train, np.tile(data.y_train, 4))
    np.testing.assert_array_equal(aug.x_val, data.x_val)
    jitter = aug.points_train[10:] - np.tile(data.points_train, (3, 1))
    assert 0.1 < jitter.std() < 0.3
    same = augment_with_noise(data, copies=2, sigma=0.0)
    np.testing.assert_array_equal(same.x_train, np.tile(data.x_train, (3, 1)))


def test_augment_recomputes_feature_crosses() -> None:
    data = load_dataset("circles", n_samples=60, features=("x1", "x2", "x1^2"))
    aug = augment_with_noise(data, copies=1, sigma=0.5)
    np.testing.assert_allclose(aug.x_train, data.featurize(aug.points_train))


@pytest.mark.parametrize(
    ("copies", "sigma"), [(-1, 0.1), (1.5, 0.1), (True, 0.1), (2, -0.1), (2, "a")]
)
def test_augment_rejects_bad_arguments(copies: object, sigma: object) -> None:
    data = load_dataset("moons", n_samples=40)
    with pytest.raises(ValueError, match="copies|sigma"):
        augment_with_noise(data, copies=copies, sigma=sigma)


def test_resample_balanced_draws_half_from_each_class() -> None:
    skewed = load_dataset("moons", n_samples=200, imbalance=0.1, seed=0)
    resampled = resample_balanced(skewed, seed=3)
    assert len(resampled.y_train) == len(skewed.y_train)
    counts = np.bincount(resampled.y_train.astype(int))
    assert counts[0] == counts[1] == len(skewed.y_train) // 2
    # Every prefix is balanced, and each row is a real training example of its class.
    assert abs(resampled.y_train[:11].sum() - 5.5) <= 0.5
    rows = {tuple(row): label for row, label in zip(skewed.x_train, skewed.y_train, strict=True)}
    for row, label in zip(resampled.x_train, resampled.y_train, strict=True):
        assert rows[tuple(row)] == label
    with pytest.raises(ValueError, match="binary"):
        resample_balanced(load_dataset("poly"))


def test_poly_features() -> None:
    assert poly_features(1) == ("x",)
    assert poly_features(3) == ("x", "x^2", "x^3")
    with pytest.raises(ValueError, match="degree"):
        poly_features(0)
    with pytest.raises(ValueError, match="degree"):
        poly_features(13)
    data = load_dataset("poly", n_samples=50, features=poly_features(12))
    np.testing.assert_allclose(data.x_train[:, 2], data.x_train[:, 0] ** 3, rtol=1e-4)


# ---------------------------------------------------------------------------------------------
# The module stays light


def test_module_imports_neither_tensorflow_nor_sklearn_for_toy_sets() -> None:
    # A fresh interpreter, so the check is about these imports, not what a test loaded.
    script = (
        "import sys\n"
        "import tunelab.datasets, tunelab.plots\n"
        "tunelab.datasets.load_dataset('spiral3')\n"
        "heavy = sorted({'tensorflow', 'keras', 'sklearn', 'torch'} & set(sys.modules))\n"
        "assert not heavy, heavy\n"
        "import tunelab\n"
        "tunelab.train  # the engine loads TensorFlow on first use, not before\n"
        "assert 'tensorflow' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
