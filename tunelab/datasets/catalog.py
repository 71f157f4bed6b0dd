"""What datasets exist and which settings each accepts: names, tasks, default noise, checks.

Every check raises a `ValueError` or `TypeError` naming the parameter, the value received
and what is allowed, before any data is generated.
"""

from __future__ import annotations

import difflib

from tunelab.validation import check_number, check_range, received

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
    return check_range(parameter, value, low, high, integer=True)


def check_real(parameter: str, value: object) -> float:
    return check_number(parameter, value, finite=False)


def check_noise(name: str, noise: object) -> float:
    if noise is None:
        return DEFAULT_NOISE[name]
    value = check_range("noise", noise, 0)
    if name == "breast_cancer" and value != 0:
        raise ValueError(
            "Expected `noise` to be None or 0 for 'breast_cancer', a real dataset that is "
            f"not generated. Received: noise={noise}"
        )
    return value


def check_val_fraction(val_fraction: object) -> float:
    return check_range("val_fraction", val_fraction, 0, 1, low_open=True, high_open=True)


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
