"""`load_dataset`: a toy or real set by name, checked, generated and split."""

from __future__ import annotations

import numpy as np

from tunelab.datasets.catalog import (
    MAX_SAMPLES,
    N_CLASSES,
    TASKS,
    check_imbalance,
    check_int,
    check_name,
    check_noise,
    check_val_fraction,
)
from tunelab.datasets.dataset import Dataset
from tunelab.datasets.features import check_features, extent, featurize
from tunelab.datasets.generators import (
    GENERATORS,
    class_counts,
    load_breast_cancer,
    make_poly,
    split_regression,
    split_stratified,
)


def load_dataset(
    name: str,
    n_samples: int = 400,
    noise: float | None = None,
    val_fraction: float = 0.5,
    seed: int = 0,
    *,
    imbalance: float | None = None,
    features: tuple[str, ...] | None = None,
) -> Dataset:
    """Generate (or load) a dataset and split it into training and validation examples.

    Same arguments give bit-identical arrays. For a fixed seed the noise only scales the
    same random jitter, so a noise slider moves the same points rather than redrawing them.
    The split is shuffled with the seed and, for classification, stratified by class, with
    at least one example of every class in each split.

    Args:
        name: One of `DATASET_NAMES`: "moons", "circles", "xor", "gauss", "spiral"
            (binary, 2-D), "spiral3" (three classes, 2-D), "poly" (1-D regression) or
            "breast_cancer" (binary, 30 real features from scikit-learn, label 1 =
            malignant, standardized with the training split's mean and std).
        n_samples: Total number of examples, 1 to 1,000,000 (at most 569 for
            breast_cancer, which otherwise keeps its natural class ratio).
        noise: Standard deviation of the Gaussian jitter; `None` for the dataset's default
            from `DEFAULT_NOISE`. Must be `None` or 0 for breast_cancer.
        val_fraction: Fraction of the examples that go to validation, in (0, 1).
        seed: Non-negative int seeding generation, subsampling and the split.
        imbalance: For binary sets only: the fraction of `n_samples` in class 1, the
            minority, in (0, 0.5]. `None` keeps classes balanced.
        features: Columns the model sees. For the 2-D sets, a tuple from `CROSS_FEATURES`,
            default `("x1", "x2")`; for poly, `("x",)` (default) or `("x", "x^2", ...,
            "x^k")` with k <= 12; for breast_cancer, `None`.

    Returns:
        A `Dataset`.

    Example:

    >>> data = load_dataset("moons", n_samples=400, noise=0.3, val_fraction=0.5, seed=0)
    >>> data.x_train.shape, data.x_val.shape
    """
    name = check_name(name)
    n_samples = check_int("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    noise = check_noise(name, noise)
    val_fraction = check_val_fraction(val_fraction)
    seed = check_int("seed", seed, low=0)
    imbalance = check_imbalance(name, imbalance)
    features = check_features(name, features)
    task = TASKS[name]
    n_classes = N_CLASSES[task]

    rng = np.random.default_rng(seed)
    if name == "breast_cancer":
        return load_breast_cancer(n_samples, val_fraction, seed, imbalance, rng)

    if name == "poly":
        points, targets = make_poly(n_samples, noise, rng)
        train_index, val_index = split_regression(n_samples, val_fraction, rng)
    else:
        counts = class_counts(name, n_samples, imbalance)
        points, targets = GENERATORS[name](counts, noise, rng)
        train_index, val_index = split_stratified(targets, n_classes, val_fraction, rng)

    points = points.astype(np.float32)
    points_train, points_val = points[train_index], points[val_index]
    return Dataset(
        x_train=featurize(points_train, features),
        y_train=targets[train_index],
        x_val=featurize(points_val, features),
        y_val=targets[val_index],
        points_train=points_train,
        points_val=points_val,
        name=name,
        task=task,
        n_classes=n_classes,
        feature_names=features,
        noise=noise,
        seed=seed,
        features=features,
        extent=None if name == "poly" else extent(points),
    )
