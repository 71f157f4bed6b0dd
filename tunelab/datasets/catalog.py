"""What datasets exist and which settings each accepts: names, tasks, default noise, checks.

Every check raises a `ValueError` or `TypeError` naming the parameter, the value received
and what is allowed, before any data is generated.
"""

from __future__ import annotations

import difflib
import math
import numbers

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

MAX_SAMPLES = 1_000_000

TWO_D_NAMES = ("moons", "circles", "xor", "gauss", "spiral", "spiral3")
BINARY_NAMES = ("moons", "circles", "xor", "gauss", "spiral", "breast_cancer")
TASKS = {name: "binary" for name in BINARY_NAMES} | {
    "spiral3": "multiclass",
    "poly": "regression",
}
N_CLASSES = {"binary": 2, "multiclass": 3, "regression": 0}


def received(parameter: str, value: object) -> str:
    return f"Received: {parameter}={value!r}"


def check_name(name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(
            f"Expected `name` to be a string, one of {DATASET_NAMES}. "
            f"{received('name', name)} of type {type(name)}"
        )
    if name in DATASET_NAMES:
        return name
    suggestion = difflib.get_close_matches(name.lower(), DATASET_NAMES, n=1)
    hint = f" Did you mean {suggestion[0]!r}?" if suggestion else ""
    raise ValueError(
        f"Unknown dataset `name`.{hint} Expected `name` to be one of "
        f"{', '.join(map(repr, DATASET_NAMES))}. {received('name', name)}"
    )


def check_int(parameter: str, value: object, low: int, high: int | None = None) -> int:
    # bool is an int subclass, but `n_samples=True` is always a mistake.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"Expected `{parameter}` to be an int. "
            f"{received(parameter, value)} of type {type(value)}"
        )
    value = int(value)
    if value < low or (high is not None and value > high):
        allowed = f">= {low}" if high is None else f"between {low} and {high}"
        raise ValueError(f"Expected `{parameter}` to be {allowed}. {received(parameter, value)}")
    return value


def check_real(parameter: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"Expected `{parameter}` to be a number. "
            f"{received(parameter, value)} of type {type(value)}"
        )
    return float(value)


def check_noise(name: str, noise: object) -> float:
    if noise is None:
        return DEFAULT_NOISE[name]
    value = check_real("noise", noise)
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"Expected `noise` to be a finite number >= 0. Received: noise={noise}")
    if name == "breast_cancer" and value != 0:
        raise ValueError(
            "Expected `noise` to be None or 0 for 'breast_cancer', a real dataset that is "
            f"not generated. Received: noise={noise}"
        )
    return value


def check_val_fraction(val_fraction: object) -> float:
    value = check_real("val_fraction", val_fraction)
    # `not 0 < value < 1` is also True for nan.
    if not 0 < value < 1:
        raise ValueError(
            "Expected `val_fraction` to be strictly between 0 and 1. "
            f"Received: val_fraction={val_fraction}"
        )
    return value


def check_imbalance(name: str, imbalance: object) -> float | None:
    if imbalance is None:
        return None
    if name not in BINARY_NAMES:
        raise ValueError(
            f"`imbalance` is only supported for the binary datasets {BINARY_NAMES}, not "
            f"{name!r}. Received: imbalance={imbalance!r}"
        )
    value = check_real("imbalance", imbalance)
    if not 0 < value <= 0.5:
        raise ValueError(
            "Expected `imbalance` (the fraction of examples in class 1, the minority) to be "
            f"in (0, 0.5]. Received: imbalance={imbalance}"
        )
    return value
