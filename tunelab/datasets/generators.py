"""Generators of the toy sets, the shipped breast cancer data, and the train/validation splits.

Each generator takes the per-class counts, the noise and the random generator, and returns
float64 points with float32 labels in class blocks (class 0 first). Jitter is always drawn
as standard normals scaled by `noise`, so for a fixed seed the noise only stretches it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from tunelab.datasets.dataset import Dataset

# Counts of the real set, checked against scikit-learn when it is loaded.
_BREAST_CANCER_SIZE = 569
_BREAST_CANCER_MALIGNANT = 212


def _poly_target(x: np.ndarray) -> np.ndarray:
    """The noiseless curve behind "poly": a cubic with one bump and one dip on [-1, 1]."""
    return 1.5 * x**3 - x**2 - x + 0.5


def _round_half_up(value: float) -> int:
    # Python's round() sends 0.5 to the even neighbour, which is surprising in a lesson.
    return math.floor(value + 0.5)


def class_counts(name: str, n_samples: int, imbalance: float | None) -> list[int]:
    if name == "spiral3":
        counts = [n_samples // 3 + (index < n_samples % 3) for index in range(3)]
    else:
        n_minority = n_samples // 2 if imbalance is None else _round_half_up(n_samples * imbalance)
        counts = [n_samples - n_minority, n_minority]
    _check_counts(counts, n_samples, imbalance)
    return counts


def _check_counts(counts: Sequence[int], n_samples: int, imbalance: float | None) -> None:
    # Each class needs one example in training and one in validation.
    if min(counts) < 2:
        detail = f", imbalance={imbalance}" if imbalance is not None else ""
        raise ValueError(
            "Expected `n_samples` to be large enough for at least 2 examples of every class "
            "(one per split); the classes would get "
            f"{list(counts)} examples. Received: n_samples={n_samples}{detail}"
        )


def _labels(counts: Sequence[int]) -> np.ndarray:
    return np.repeat(np.arange(len(counts)), counts).astype(np.float32)


def _jitter(points: np.ndarray, noise: float, rng: np.random.Generator) -> np.ndarray:
    return points + noise * rng.standard_normal(points.shape)


def _make_moons(
    counts: Sequence[int], noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    upper_angle = rng.uniform(0.0, np.pi, counts[0])
    lower_angle = rng.uniform(0.0, np.pi, counts[1])
    upper = np.column_stack([np.cos(upper_angle), np.sin(upper_angle)])
    lower = np.column_stack([1.0 - np.cos(lower_angle), 0.5 - np.sin(lower_angle)])
    # Shift so the pair of moons is centred on the origin.
    points = np.concatenate([upper, lower]) - np.array([0.5, 0.25])
    return _jitter(points, noise, rng), _labels(counts)


def _make_circles(
    counts: Sequence[int], noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    ring_radius = rng.uniform(1.4, 2.0, counts[0])
    disc_radius = rng.uniform(0.0, 1.0, counts[1])
    radius = np.concatenate([ring_radius, disc_radius])
    angle = rng.uniform(0.0, 2.0 * np.pi, radius.size)
    points = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return _jitter(points, noise, rng), _labels(counts)


def _make_xor(
    counts: Sequence[int], noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    n_total = sum(counts)
    # Keeping |x1|, |x2| >= 0.1 leaves a small gap along the axes, as in TensorFlow Playground.
    magnitude = rng.uniform(0.1, 2.0, (n_total, 2))
    sign1 = rng.choice(np.array([-1.0, 1.0]), n_total)
    # Class 0 lies in the quadrants where x1 * x2 > 0, class 1 where x1 * x2 < 0.
    sign2 = sign1 * np.repeat([1.0, -1.0], counts)
    points = magnitude * np.column_stack([sign1, sign2])
    return _jitter(points, noise, rng), _labels(counts)


def _make_gauss(
    counts: Sequence[int], noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    centres = np.repeat(np.array([[1.0, 1.0], [-1.0, -1.0]]), counts, axis=0)
    # A fixed base spread keeps the blobs blobs even at noise=0.
    points = centres + 0.3 * rng.standard_normal(centres.shape)
    return _jitter(points, noise, rng), _labels(counts)


def _spiral_points(
    counts: Sequence[int], turns: float, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    n_arms = len(counts)
    position = rng.uniform(0.0, 1.0, sum(counts))
    arm = np.repeat(np.arange(n_arms), counts)
    radius = 2.0 * position
    angle = 2.0 * np.pi * (turns * position + arm / n_arms)
    points = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return _jitter(points, noise, rng), _labels(counts)


def _make_spiral(
    counts: Sequence[int], noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    return _spiral_points(counts, 1.75, noise, rng)


def _make_spiral3(
    counts: Sequence[int], noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    # Fewer turns than the two-arm spiral: three arms share the same space, and more turns
    # would squeeze neighbouring arms below the noise level.
    return _spiral_points(counts, 1.25, noise, rng)


def make_poly(
    n_samples: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-1.0, 1.0, n_samples)
    y = _poly_target(x) + noise * rng.standard_normal(n_samples)
    return x[:, np.newaxis], y.astype(np.float32)


GENERATORS = {
    "moons": _make_moons,
    "circles": _make_circles,
    "xor": _make_xor,
    "gauss": _make_gauss,
    "spiral": _make_spiral,
    "spiral3": _make_spiral3,
}


def load_breast_cancer(
    n_samples: int,
    val_fraction: float,
    seed: int,
    imbalance: float | None,
    rng: np.random.Generator,
) -> Dataset:
    # Imported here so the toy sets never pay for importing scikit-learn.
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    inputs = np.asarray(bunch.data, dtype=np.float64)
    # scikit-learn labels malignant 0; here malignant is the positive class 1, which is also
    # the minority, like class 1 of every other binary set.
    labels = (np.asarray(bunch.target) == 0).astype(np.float32)
    available = [int((labels == 0).sum()), int((labels == 1).sum())]
    if n_samples > len(labels):
        raise ValueError(
            f"Expected `n_samples` to be at most {len(labels)} for 'breast_cancer', the "
            f"number of samples in the real set. Received: n_samples={n_samples}"
        )
    if imbalance is None:
        # Keep the real set's class ratio.
        n_malignant = _round_half_up(n_samples * available[1] / len(labels))
    else:
        n_malignant = _round_half_up(n_samples * imbalance)
    counts = [n_samples - n_malignant, n_malignant]
    _check_counts(counts, n_samples, imbalance)
    for label, (wanted, have) in enumerate(zip(counts, available, strict=True)):
        if wanted > have:
            raise ValueError(
                f"Expected `n_samples` and `imbalance` to ask for at most {have} examples of "
                f"class {label}, all that 'breast_cancer' has; they ask for {wanted}. "
                f"Received: n_samples={n_samples}, imbalance={imbalance}"
            )

    chosen = np.concatenate(
        [
            rng.permutation(np.flatnonzero(labels == label))[:count]
            for label, count in enumerate(counts)
        ]
    )
    inputs, labels = inputs[chosen], labels[chosen]
    train_index, val_index = split_stratified(labels, 2, val_fraction, rng)

    # Statistics from the training split only, so validation stays unseen.
    mean = inputs[train_index].mean(axis=0)
    std = inputs[train_index].std(axis=0)
    # A column can be constant in a tiny training split; centre it rather than divide by 0.
    std = np.where(std > 0, std, 1.0)
    standardized = ((inputs - mean) / std).astype(np.float32)
    feature_names = tuple(str(feature) for feature in bunch.feature_names)
    x_train, x_val = standardized[train_index], standardized[val_index]
    return Dataset(
        x_train=x_train,
        y_train=labels[train_index],
        x_val=x_val,
        y_val=labels[val_index],
        points_train=x_train,
        points_val=x_val,
        name="breast_cancer",
        task="binary",
        n_classes=2,
        feature_names=feature_names,
        noise=0.0,
        seed=seed,
        features=feature_names,
        extent=None,
    )


def split_stratified(
    labels: np.ndarray, n_classes: int, val_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    groups = [np.flatnonzero(labels == label) for label in range(n_classes)]
    sizes = np.array([group.size for group in groups])
    n_total = int(sizes.sum())
    n_val_total = min(max(_round_half_up(val_fraction * n_total), n_classes), n_total - n_classes)
    # Largest-remainder allocation, so the class quotas add up to the requested total.
    ideal = n_val_total * sizes / n_total
    n_val = np.floor(ideal).astype(int)
    shortfall = n_val_total - int(n_val.sum())
    n_val[np.argsort(-(ideal - n_val), kind="stable")[:shortfall]] += 1
    # Every class keeps one example in each split; this can move a sample or two only for
    # tiny or very imbalanced sets.
    n_val = np.clip(n_val, 1, sizes - 1)

    train_groups, val_groups = [], []
    for group, group_n_val in zip(groups, n_val, strict=True):
        shuffled = rng.permutation(group)
        val_groups.append(shuffled[:group_n_val])
        train_groups.append(shuffled[group_n_val:])
    return _interleave(train_groups, rng), _interleave(val_groups, rng)


def _interleave(groups: Sequence[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Merge shuffled class groups so that every prefix keeps the class proportions.

    Element i of a group of size m gets the key (i + u) / m with u uniform in [0, 1), so
    the classes are spread evenly through the order but still in random order locally.
    That keeps `Dataset.with_train_size` stratified.
    """
    keys = np.concatenate(
        [(np.arange(group.size) + rng.uniform(size=group.size)) / group.size for group in groups]
    )
    return np.concatenate(groups)[np.argsort(keys, kind="stable")]


def split_regression(
    n_samples: int, val_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    if n_samples < 2:
        raise ValueError(
            "Expected `n_samples` to be at least 2, one example per split. "
            f"Received: n_samples={n_samples}"
        )
    n_val = min(max(_round_half_up(val_fraction * n_samples), 1), n_samples - 1)
    order = rng.permutation(n_samples)
    return order[n_val:], order[:n_val]
