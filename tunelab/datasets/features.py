"""The input features a model sees: Playground's feature crosses, polynomial powers, extent."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from tunelab.validation import received

# The input features TensorFlow Playground offers for its 2-D sets.
CROSS_FEATURES: tuple[str, ...] = ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")
POLY_MAX_DEGREE = 12
DEFAULT_FEATURES = ("x1", "x2")


def check_features(name: str, features: object) -> tuple[str, ...]:
    if name == "breast_cancer":
        if features is not None:
            raise ValueError(
                "Expected `features` to be None for 'breast_cancer', whose 30 columns are "
                f"fixed. {received('features', features)}"
            )
        return ()
    if name == "poly":
        return check_poly_features(features)
    if features is None:
        return DEFAULT_FEATURES
    # A bare string would otherwise be split into single characters.
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise TypeError(
            f"Expected `features` to be a tuple of feature names. {received('features', features)}"
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
            f"{received('features', features)}"
        )
    return features


def poly_features(degree: int) -> tuple[str, ...]:
    """The `features=` argument of ``load_dataset("poly")`` for a polynomial of ``degree``.

    Example:
        >>> poly_features(3)
        ('x', 'x^2', 'x^3')
    """
    if (
        isinstance(degree, bool)
        or not isinstance(degree, int | np.integer)
        or not 1 <= degree <= POLY_MAX_DEGREE
    ):
        raise ValueError(
            f"Expected `degree` to be an integer from 1 to {POLY_MAX_DEGREE}. "
            f"{received('degree', degree)}"
        )
    return ("x", *(f"x^{power}" for power in range(2, int(degree) + 1)))


def check_poly_features(features: object) -> tuple[str, ...]:
    if features is None:
        return ("x",)
    powers = poly_features(POLY_MAX_DEGREE)
    if not isinstance(features, str) and isinstance(features, Sequence):
        features = tuple(features)
        if 1 <= len(features) <= POLY_MAX_DEGREE and features == powers[: len(features)]:
            return features
    raise ValueError(
        "Expected `features` for 'poly' to be ('x',) or consecutive powers ('x', 'x^2', ..., "
        f"'x^k') with k <= {POLY_MAX_DEGREE}. {received('features', features)}"
    )


def featurize(points: np.ndarray, features: Sequence[str]) -> np.ndarray:
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


def extent(points: np.ndarray) -> tuple[float, float, float, float]:
    """A box centred on the origin, 10% wider than the points, rounded up to halves."""
    half_widths = []
    for axis in range(2):
        reach = float(np.abs(points[:, axis]).max()) * 1.1
        # Rounding keeps the plot frame steady while the noise slider moves.
        half_widths.append(max(math.ceil(reach * 2.0) / 2.0, 0.5))
    return (-half_widths[0], half_widths[0], -half_widths[1], half_widths[1])
