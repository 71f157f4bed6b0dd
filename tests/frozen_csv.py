"""The frozen CSV copies in the repository's `datasets/` folder: read them, write them.

A change to a generator would silently alter every lesson's pictures; the tests compare
each toy set's default version with its frozen copy. To rewrite the copies after a change
you mean to make::

    python tests/frozen_csv.py
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from tunelab.datasets import DATASET_NAMES, load_dataset

DATASETS_DIR = Path(__file__).resolve().parent.parent / "datasets"
# The toy sets whose default version is frozen as `datasets/<name>.csv`. breast_cancer is not
# shipped as a CSV: it already lives inside scikit-learn.
FROZEN_CSV_NAMES: tuple[str, ...] = DATASET_NAMES[:-1]


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


def _frozen_csv_path(name: str, path: str | os.PathLike[str] | None) -> Path:
    if name not in FROZEN_CSV_NAMES:
        raise ValueError(
            f"Expected `name` to be one of the frozen toy sets {FROZEN_CSV_NAMES} "
            "(breast_cancer is read from scikit-learn, not from a CSV). "
            f"{'Received: name=' + repr(name)}"
        )
    return Path(path) if path is not None else DATASETS_DIR / f"{name}.csv"


if __name__ == "__main__":
    for name in FROZEN_CSV_NAMES:
        print(write_frozen_csv(name))
