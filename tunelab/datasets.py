"""Small, deterministic datasets for the tunelab lessons.

Seven toy sets are generated here with `numpy.random.default_rng(seed)` (six 2-D
classification sets in the spirit of TensorFlow Playground, and a noisy 1-D polynomial for
regression), and one real tabular set, the Wisconsin breast cancer data that ships inside
scikit-learn. The default version of every toy set is frozen as a CSV in the repository's
`datasets/` folder so that a change to a generator, which would silently alter every lesson's
pictures, is caught by the tests.

This module deliberately imports only numpy (scikit-learn is imported lazily, and only for
the breast cancer set) so that loading a toy set stays fast and never pulls in TensorFlow.

Example:

>>> from tunelab.datasets import load_dataset
>>> data = load_dataset("moons", n_samples=400, noise=0.3, val_fraction=0.5, seed=0)
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import hashlib
import math
import numbers
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = [
    "CROSS_FEATURES",
    "DATASET_NAMES",
    "DEFAULT_NOISE",
    "FROZEN_CSV_NAMES",
    "MAX_SAMPLES",
    "POLY_MAX_DEGREE",
    "Dataset",
    "augment_with_noise",
    "load_dataset",
    "read_frozen_csv",
    "require_binary",
    "resample_balanced",
    "write_frozen_csv",
]

DATASET_NAMES: tuple[str, ...] = (
    "moons",
    "circles",
    "xor",
    "gauss",
    "spiral",
    "spiral3",
    "poly",
    "breast_cancer",
)

# The toy sets whose default version is frozen as `datasets/<name>.csv`. breast_cancer is not
# shipped as a CSV: it already lives inside scikit-learn.
FROZEN_CSV_NAMES: tuple[str, ...] = DATASET_NAMES[:-1]

# Standard deviation of the Gaussian jitter added to every coordinate (the target, for poly),
# in the same units as the points. Chosen so that each toy set looks like its TensorFlow
# Playground counterpart and is learnable by a small network, but not trivially.
DEFAULT_NOISE: dict[str, float] = {
    "moons": 0.3,
    "circles": 0.15,
    "xor": 0.2,
    "gauss": 0.4,
    "spiral": 0.1,
    "spiral3": 0.1,
    "poly": 0.2,
    "breast_cancer": 0.0,
}

# The input features TensorFlow Playground offers for its 2-D sets.
CROSS_FEATURES: tuple[str, ...] = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
POLY_MAX_DEGREE = 12
MAX_SAMPLES = 1_000_000

_TWO_D_NAMES = ("moons", "circles", "xor", "gauss", "spiral", "spiral3")
_BINARY_NAMES = ("moons", "circles", "xor", "gauss", "spiral", "breast_cancer")
_TASKS = {name: "binary" for name in _BINARY_NAMES} | {
    "spiral3": "multiclass",
    "poly": "regression",
}
_N_CLASSES = {"binary": 2, "multiclass": 3, "regression": 0}
_DEFAULT_FEATURES = ("x1", "x2")

# Counts of the real set, checked against scikit-learn when it is loaded.
_BREAST_CANCER_SIZE = 569
_BREAST_CANCER_MALIGNANT = 212

_DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"


def _poly_target(x: np.ndarray) -> np.ndarray:
    """The noiseless curve behind "poly": a cubic with one bump and one dip on [-1, 1]."""
    return 1.5 * x**3 - x**2 - x + 0.5


@dataclasses.dataclass(frozen=True, eq=False)
class Dataset:
    """A train/validation split of one dataset, ready for a model and for plots.

    All arrays are float32 and read-only, so a dataset can safely be shared between widgets
    and used as a cache key through `fingerprint`.

    Args:
        x_train: Model inputs for training, shape `(n_train, n_features)`.
        y_train: Targets for training, shape `(n_train,)`: 0./1. for binary sets,
            0./1./2. for spiral3, real values for poly.
        x_val: Model inputs for validation, shape `(n_val, n_features)`.
        y_val: Targets for validation, shape `(n_val,)`.
        points_train: Raw inputs of the training examples before feature crosses, shape
            `(n_train, 2)` for the 2-D sets, `(n_train, 1)` for poly; equal to `x_train`
            for breast_cancer. Plots draw these; the model sees `x_train`.
        points_val: Raw inputs of the validation examples.
        name: Dataset name, one of `DATASET_NAMES`.
        task: `"binary"`, `"multiclass"` or `"regression"`.
        n_classes: 2 or 3 for classification, 0 for regression.
        feature_names: Name of every column of `x_train`.
        noise: Noise level the data was generated with.
        seed: Seed the data was generated and split with.
        features: Feature crosses the model sees (`feature_names` for breast_cancer).
        extent: `(xmin, xmax, ymin, ymax)` of a padded box around all raw 2-D points, for
            decision-boundary grids; `None` for sets that are not 2-D.

    Example:

    >>> data = load_dataset("xor", features=("x1", "x2", "x1*x2"))
    >>> grid_inputs = data.featurize(np.zeros((5, 2)))
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    points_train: np.ndarray
    points_val: np.ndarray
    name: str
    task: str
    n_classes: int
    feature_names: tuple[str, ...]
    noise: float
    seed: int
    features: tuple[str, ...]
    extent: tuple[float, float, float, float] | None

    def __post_init__(self) -> None:
        for field_name in ("x_train", "y_train", "x_val", "y_val", "points_train", "points_val"):
            # Copy so that marking the array read-only never changes an array the caller owns.
            array = np.array(getattr(self, field_name), dtype=np.float32)
            array.setflags(write=False)
            object.__setattr__(self, field_name, array)
        if self.task not in _N_CLASSES:
            raise ValueError(
                f"Expected `task` to be one of {tuple(_N_CLASSES)}. Received: task={self.task!r}"
            )
        for split in ("train", "val"):
            x, y, points = (getattr(self, f"{kind}_{split}") for kind in ("x", "y", "points"))
            if x.ndim != 2 or y.ndim != 1 or points.ndim != 2:
                raise ValueError(
                    f"Expected `x_{split}` and `points_{split}` to be 2-D and `y_{split}` to be "
                    f"1-D. Received: x_{split}.shape={x.shape}, y_{split}.shape={y.shape}, "
                    f"points_{split}.shape={points.shape}"
                )
            if not len(x) == len(y) == len(points):
                raise ValueError(
                    f"Expected `x_{split}`, `y_{split}` and `points_{split}` to have the same "
                    f"number of rows. Received: {len(x)}, {len(y)} and {len(points)} rows"
                )
        if self.x_train.shape[1] != len(self.feature_names):
            raise ValueError(
                "Expected one name in `feature_names` per column of `x_train`. Received: "
                f"{len(self.feature_names)} names for {self.x_train.shape[1]} columns"
            )

    @property
    def n_features(self) -> int:
        """Number of input columns the model sees."""
        return int(self.x_train.shape[1])

    @property
    def fingerprint(self) -> str:
        """A short hex digest that is identical for identical data, for use as a cache key.

        Returns:
            The first 16 hex digits of a SHA-1 over the name, task, feature names and the
            shapes and bytes of every array.

        Example:

        >>> load_dataset("moons").fingerprint == load_dataset("moons").fingerprint
        True
        """
        digest = hashlib.sha1()
        header = (self.name, self.task, self.n_classes, self.feature_names)
        digest.update(repr(header).encode())
        for array in (
            self.x_train,
            self.y_train,
            self.x_val,
            self.y_val,
            self.points_train,
            self.points_val,
        ):
            # The shape goes in too: a (400, 2) and an (800, 1) array can share their bytes.
            digest.update(repr((array.shape, array.dtype.str)).encode())
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()[:16]

    def featurize(self, points: np.ndarray) -> np.ndarray:
        """Map raw points to the feature columns the model sees.

        Args:
            points: Raw inputs of shape `(n, 2)` for the 2-D sets, `(n, 1)` (or `(n,)`) for
                poly, `(n, 30)` for breast_cancer, e.g. a grid over `extent`.

        Returns:
            A float32 array of shape `(n, n_features)`; the identity for the default
            features.

        Example:

        >>> data = load_dataset("circles", features=("x1^2", "x2^2"))
        >>> bool((data.featurize(data.points_train) == data.x_train).all())
        True
        """
        n_columns = self.points_train.shape[1]
        points = np.asarray(points, dtype=np.float32)
        if self.task == "regression" and points.ndim == 1:
            points = points[:, np.newaxis]
        if points.ndim != 2 or points.shape[1] != n_columns:
            raise ValueError(
                f"Expected `points` to have shape (n, {n_columns}) for {self.name!r}. "
                f"Received: points.shape={points.shape}"
            )
        if self.name == "breast_cancer":
            return points.copy()
        return _featurize(points, self.features)

    def with_train_size(self, n: int) -> Dataset:
        """Keep only the first `n` training examples; the validation split is unchanged.

        The training examples are ordered so that every prefix keeps the class balance
        (within one example per class), so small sizes still contain every class.

        Args:
            n: Number of training examples to keep, between 1 and `len(y_train)`.

        Returns:
            A new `Dataset`.

        Example:

        >>> small = load_dataset("moons").with_train_size(20)
        >>> small.x_train.shape
        (20, 2)
        """
        n_train = len(self.y_train)
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"Expected `n` to be an int. Received: n={n!r} of type {type(n)}")
        if not 1 <= n <= n_train:
            raise ValueError(
                f"Expected `n` (the train_size) to be in [1, {n_train}], at most the "
                f"{n_train} training examples of {self.name!r}. Received: train_size={n}"
            )
        n = int(n)
        return dataclasses.replace(
            self,
            x_train=self.x_train[:n],
            y_train=self.y_train[:n],
            points_train=self.points_train[:n],
        )

    def __repr__(self) -> str:
        if len(self.features) > 4:
            features = f"<{len(self.features)} columns>"
        else:
            features = repr(self.features)
        return (
            f"Dataset({self.name!r}, task={self.task!r}, train={len(self.y_train)}, "
            f"val={len(self.y_val)}, features={features}, noise={self.noise:g}, "
            f"seed={self.seed})"
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
    name = _check_name(name)
    n_samples = _check_int("n_samples", n_samples, low=1, high=MAX_SAMPLES)
    noise = _check_noise(name, noise)
    val_fraction = _check_val_fraction(val_fraction)
    seed = _check_int("seed", seed, low=0)
    imbalance = _check_imbalance(name, imbalance)
    features = _check_features(name, features)
    task = _TASKS[name]
    n_classes = _N_CLASSES[task]

    rng = np.random.default_rng(seed)
    if name == "breast_cancer":
        return _load_breast_cancer(n_samples, val_fraction, seed, imbalance, rng)

    if name == "poly":
        points, targets = _make_poly(n_samples, noise, rng)
        train_index, val_index = _split_regression(n_samples, val_fraction, rng)
    else:
        counts = _class_counts(name, n_samples, imbalance)
        points, targets = _GENERATORS[name](counts, noise, rng)
        train_index, val_index = _split_stratified(targets, n_classes, val_fraction, rng)

    points = points.astype(np.float32)
    points_train, points_val = points[train_index], points[val_index]
    return Dataset(
        x_train=_featurize(points_train, features),
        y_train=targets[train_index],
        x_val=_featurize(points_val, features),
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
        extent=None if name == "poly" else _extent(points),
    )


def read_frozen_csv(
    name: str, path: str | os.PathLike[str] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a frozen toy set written by `write_frozen_csv`.

    Args:
        name: One of `FROZEN_CSV_NAMES`.
        path: CSV file to read; defaults to the repository's `datasets/<name>.csv`.

    Returns:
        `(points, y, is_val)`: float32 points of shape `(n, 2)` (`(n, 1)` for poly), float32
        targets of shape `(n,)` and a boolean array that is True for validation rows.

    Example:

    >>> points, y, is_val = read_frozen_csv("moons")
    >>> points.shape
    (400, 2)
    """
    path = _frozen_csv_path(name, path)
    with open(path, newline="") as file:
        rows = list(csv.reader(file))
    header, body = rows[0], rows[1:]
    expected = ["x", "y", "split"] if name == "poly" else ["x1", "x2", "y", "split"]
    if header != expected:
        raise ValueError(f"Expected the header of {path} to be {expected}. Received: {header}")
    # Going through Python floats is exact here: every value was written with 9 significant
    # digits, which pins down a float32 uniquely.
    values = np.array([[float(value) for value in row[:-1]] for row in body], dtype=np.float64)
    splits = [row[-1] for row in body]
    unknown = sorted(set(splits) - {"train", "val"})
    if unknown:
        raise ValueError(f"Expected split values 'train' or 'val' in {path}. Received: {unknown}")
    points = values[:, :-1].astype(np.float32)
    y = values[:, -1].astype(np.float32)
    return points, y, np.array([split == "val" for split in splits], dtype=bool)


def write_frozen_csv(name: str, path: str | os.PathLike[str] | None = None) -> Path:
    """Write the default version of a toy set (`load_dataset(name)`) as a CSV.

    Training rows come first, then validation rows, each in the dataset's order.

    Args:
        name: One of `FROZEN_CSV_NAMES`.
        path: Where to write; defaults to the repository's `datasets/<name>.csv`.

    Returns:
        The path written.

    Example:

    >>> for name in FROZEN_CSV_NAMES:
    ...     write_frozen_csv(name)
    """
    path = _frozen_csv_path(name, path)
    data = load_dataset(name)
    header = ["x", "y", "split"] if name == "poly" else ["x1", "x2", "y", "split"]
    with open(path, "w", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(header)
        for split in ("train", "val"):
            points, y = getattr(data, f"points_{split}"), getattr(data, f"y_{split}")
            for row_points, row_y in zip(points, y, strict=True):
                # ".9g" round-trips any float32 exactly.
                row = [format(float(value), ".9g") for value in (*row_points, row_y)]
                writer.writerow([*row, split])
    return path


# ---------------------------------------------------------------------------------------------
# Argument checks


def _received(parameter: str, value: object) -> str:
    return f"Received: {parameter}={value!r}"


def _check_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(
            f"Expected `name` to be a string, one of {DATASET_NAMES}. "
            f"{_received('name', name)} of type {type(name)}"
        )
    if name in DATASET_NAMES:
        return name
    suggestion = difflib.get_close_matches(name.lower(), DATASET_NAMES, n=1)
    hint = f" Did you mean {suggestion[0]!r}?" if suggestion else ""
    raise ValueError(
        f"Unknown dataset `name`.{hint} Expected `name` to be one of "
        f"{', '.join(map(repr, DATASET_NAMES))}. {_received('name', name)}"
    )


def _check_int(parameter: str, value: object, low: int, high: int | None = None) -> int:
    # bool is an int subclass, but `n_samples=True` is always a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"Expected `{parameter}` to be an int. "
            f"{_received(parameter, value)} of type {type(value)}"
        )
    value = int(value)
    if value < low or (high is not None and value > high):
        allowed = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"Expected `{parameter}` to be {allowed}. {_received(parameter, value)}")
    return value


def _check_real(parameter: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Expected `{parameter}` to be a number. "
            f"{_received(parameter, value)} of type {type(value)}"
        )
    return float(value)


def _check_noise(name: str, noise: object) -> float:
    if noise is None:
        return DEFAULT_NOISE[name]
    value = _check_real("noise", noise)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"Expected `noise` to be a finite number >= 0. Received: noise={noise}")
    if name == "breast_cancer" and value != 0:
        raise ValueError(
            "Expected `noise` to be None or 0 for 'breast_cancer', a real dataset that is "
            f"not generated. Received: noise={noise}"
        )
    return value


def _check_val_fraction(val_fraction: object) -> float:
    value = _check_real("val_fraction", val_fraction)
    # `not 0 < value < 1` is also True for nan.
    if not 0 < value < 1:
        raise ValueError(
            "Expected `val_fraction` to be strictly between 0 and 1. "
            f"Received: val_fraction={val_fraction}"
        )
    return value


def _check_imbalance(name: str, imbalance: object) -> float | None:
    if imbalance is None:
        return None
    if name not in _BINARY_NAMES:
        raise ValueError(
            f"`imbalance` is only supported for the binary datasets {_BINARY_NAMES}, not "
            f"{name!r}. Received: imbalance={imbalance!r}"
        )
    value = _check_real("imbalance", imbalance)
    if not 0 < value <= 0.5:
        raise ValueError(
            "Expected `imbalance` (the fraction of examples in class 1, the minority) to be "
            f"in (0, 0.5]. Received: imbalance={imbalance}"
        )
    return value


def _check_features(name: str, features: object) -> tuple[str, ...]:
    if name == "breast_cancer":
        if features is not None:
            raise ValueError(
                "Expected `features` to be None for 'breast_cancer', whose 30 columns are "
                f"fixed. {_received('features', features)}"
            )
        return ()
    if name == "poly":
        return _check_poly_features(features)
    if features is None:
        return _DEFAULT_FEATURES
    # A bare string would otherwise be split into single characters.
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(
            f"Expected `features` to be a tuple of feature names. {_received('features', features)}"
        )
    features = tuple(features)
    unknown = [feature for feature in features if feature not in CROSS_FEATURES]
    duplicates = sorted({feature for feature in features if features.count(feature) > 1})
    if not features or unknown or duplicates:
        if not features:
            problem = "at least one name"
        elif unknown:
            problem = f"only known names (unknown: {unknown})"
        else:
            problem = f"no duplicates (repeated: {duplicates})"
        raise ValueError(
            f"Expected `features` to contain {problem}, drawn from {CROSS_FEATURES}. "
            f"{_received('features', features)}"
        )
    return features


def _check_poly_features(features: object) -> tuple[str, ...]:
    if features is None:
        return ("x",)
    powers = ("x",) + tuple(f"x^{power}" for power in range(2, POLY_MAX_DEGREE + 1))
    if not isinstance(features, str) and isinstance(features, Sequence):
        features = tuple(features)
        if 1 <= len(features) <= POLY_MAX_DEGREE and features == powers[: len(features)]:
            return features
    raise ValueError(
        "Expected `features` for 'poly' to be ('x',) or consecutive powers ('x', 'x^2', ..., "
        f"'x^k') with k <= {POLY_MAX_DEGREE}. {_received('features', features)}"
    )


# ---------------------------------------------------------------------------------------------
# Generators. Each takes the per-class counts, the noise and the generator, and returns
# float64 points with float32 labels in class blocks (class 0 first). Jitter is always drawn
# as standard normals scaled by `noise`, so for a fixed seed the noise only stretches it.


def _round_half_up(value: float) -> int:
    # Python's round() sends 0.5 to the even neighbour, which is surprising in a lesson.
    return math.floor(value + 0.5)


def _class_counts(name: str, n_samples: int, imbalance: float | None) -> list[int]:
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


def _make_poly(
    n_samples: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-1.0, 1.0, n_samples)
    y = _poly_target(x) + noise * rng.standard_normal(n_samples)
    return x[:, np.newaxis], y.astype(np.float32)


_GENERATORS = {
    "moons": _make_moons,
    "circles": _make_circles,
    "xor": _make_xor,
    "gauss": _make_gauss,
    "spiral": _make_spiral,
    "spiral3": _make_spiral3,
}


def _load_breast_cancer(
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
    train_index, val_index = _split_stratified(labels, 2, val_fraction, rng)

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


# ---------------------------------------------------------------------------------------------
# Splitting, feature crosses and plot extent


def _split_stratified(
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


def _split_regression(
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


def _featurize(points: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """Compute the feature columns from float32 points (in float64, then back to float32)."""
    points = points.astype(np.float64)
    x1 = points[:, 0]
    x2 = points[:, 1] if points.shape[1] > 1 else None
    columns = []
    for feature in features:
        if feature in ("x1", "x"):
            column = x1
        elif feature == "x2":
            column = x2
        elif feature == "x1^2":
            column = x1**2
        elif feature == "x2^2":
            column = x2**2
        elif feature == "x1*x2":
            column = x1 * x2
        elif feature == "sin(x1)":
            column = np.sin(x1)
        elif feature == "sin(x2)":
            column = np.sin(x2)
        elif feature.startswith("x^"):
            column = x1 ** int(feature[2:])
        else:
            raise ValueError(f"Unknown feature {feature!r}. Expected one of {CROSS_FEATURES}")
        columns.append(column)
    return np.column_stack(columns).astype(np.float32)


def _extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """A box centred on the origin, 10% wider than the points, rounded up to halves."""
    half_widths = []
    for axis in range(2):
        reach = float(np.abs(points[:, axis]).max()) * 1.1
        # Rounding keeps the plot frame steady while the noise slider moves.
        half_widths.append(max(math.ceil(reach * 2.0) / 2.0, 0.5))
    return (-half_widths[0], half_widths[0], -half_widths[1], half_widths[1])


def _frozen_csv_path(name: str, path: str | os.PathLike[str] | None) -> Path:
    if name not in FROZEN_CSV_NAMES:
        raise ValueError(
            f"Expected `name` to be one of the frozen toy sets {FROZEN_CSV_NAMES} "
            "(breast_cancer is read from scikit-learn, not from a CSV). "
            f"{_received('name', name)}"
        )
    return Path(path) if path is not None else _DATASETS_DIR / f"{name}.csv"


# ----------------------------------------------------------------------------------------
# Transforms: a Dataset in, a new Dataset out (the validation split is never touched)


def require_binary(data: Dataset, what: str) -> None:
    """Raise unless ``data`` is a two-class `Dataset`; ``what`` names the operation."""
    if not isinstance(data, Dataset):
        raise TypeError(f"Expected a tunelab Dataset. Received: {type(data).__name__}")
    if data.task != "binary":
        raise ValueError(
            f"{what} is defined here for binary classification; {data.name!r} is "
            f"{data.task}. Received: task={data.task!r}"
        )


def augment_with_noise(data: Dataset, copies: int, sigma: float, seed: int = 0) -> Dataset:
    """The training set plus ``copies`` jittered copies of every training point.

    Each copy adds Gaussian noise of standard deviation ``sigma`` to the raw input point
    (before any feature crosses) and keeps its label. The validation split is unchanged.

    Args:
        data: a `Dataset` with raw 2-D (or 1-D) points.
        copies: how many noisy copies of each training point to add (0 keeps the data).
        sigma: standard deviation of the jitter, in the units of the points; 0 repeats
            each point unchanged, which leaves the full-batch loss (a mean) unchanged.
        seed: seeds the jitter.

    Returns:
        A `Dataset` with ``(copies + 1) * n_train`` training examples, the originals first.

    Example:
        >>> augment_with_noise(data.with_train_size(40), copies=7, sigma=0.2).x_train.shape
        (320, 2)
    """
    if isinstance(copies, bool) or not isinstance(copies, int | np.integer) or copies < 0:
        raise ValueError(f"Expected `copies` to be an integer >= 0. Received: copies={copies!r}")
    if not isinstance(sigma, int | float | np.floating) or not 0 <= sigma < math.inf:
        raise ValueError(f"Expected `sigma` to be a number >= 0. Received: sigma={sigma!r}")
    if data.name == "breast_cancer":
        raise ValueError("Expected a toy dataset with raw points; breast_cancer has none.")
    rng = np.random.default_rng(seed)
    points = data.points_train.astype(np.float64)
    jittered = [points + sigma * rng.standard_normal(points.shape) for _ in range(int(copies))]
    new_points = np.concatenate([points, *jittered]).astype(np.float32)
    return dataclasses.replace(
        data,
        x_train=data.featurize(new_points),
        y_train=np.tile(data.y_train, int(copies) + 1),
        points_train=new_points,
    )


def resample_balanced(data: Dataset, n: int | None = None, seed: int = 0) -> Dataset:
    """A training set of ``n`` examples drawn with replacement, half from each class.

    The minority class is oversampled (its points repeat), the majority class is
    undersampled when ``n`` is smaller than twice its count. In expectation the mean loss on
    this set equals the ``class_weight="balanced"`` loss on the original set.

    Args:
        data: a binary `Dataset`.
        n: size of the resampled training set (even); defaults to ``len(data.y_train)``
            rounded down to even, so the network's input shape does not change.
        seed: seeds the draw.

    Returns:
        A `Dataset` whose training split holds ``n // 2`` examples of each class,
        interleaved; the validation split is unchanged.

    Example:
        >>> np.bincount(resample_balanced(data).y_train.astype(int))
        array([160, 160])
    """
    require_binary(data, "Balanced resampling")
    n = len(data.y_train) if n is None else n
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"Expected `n` to be an integer >= 2. Received: n={n!r}")
    rng = np.random.default_rng(seed)
    per_class = int(n) // 2
    picks = [
        rng.choice(np.flatnonzero(data.y_train == label), size=per_class, replace=True)
        for label in (0, 1)
    ]
    index = np.stack(picks, axis=1).ravel()  # 0, 1, 0, 1, …: every prefix stays balanced
    return dataclasses.replace(
        data,
        x_train=data.x_train[index],
        y_train=data.y_train[index],
        points_train=data.points_train[index],
    )
