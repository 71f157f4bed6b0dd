"""`Dataset`: one train/validation split of a toy or real set, as plain numpy arrays."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import numbers

import numpy as np

from tunelab.datasets.catalog import N_CLASSES
from tunelab.datasets.features import featurize


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
        if self.task not in N_CLASSES:
            raise ValueError(
                f"Expected `task` to be one of {tuple(N_CLASSES)}. Received: task={self.task!r}"
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

    @functools.cached_property
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
        return featurize(points, self.features)

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
