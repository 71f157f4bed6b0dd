"""The TensorFlow training engine shared by every lesson and panel.

Importing this package is cheap: TensorFlow loads the first time a name that needs it
(``train``, ``sweep``, ``to_keras``, …) is used, so ``tunelab.training.config``,
``.result``, ``.network``, ``.measures`` and ``.schedules`` can be imported without it
(PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tunelab.training import backend, gradients, measures, network, schedules
    from tunelab.training.compiled import compile_count
    from tunelab.training.config import ACTIVATIONS, OPTIMIZERS, TrainConfig
    from tunelab.training.engine import (
        apply_dropout,
        cache_info,
        clear_cache,
        hidden_activations,
        is_cached,
        is_compiled_for,
        lookup,
        sweep,
        trace_count,
        train,
        warm_up,
    )
    from tunelab.training.export import save_keras, to_keras
    from tunelab.training.result import METRICS, TrainResult

_WHERE = {
    "ACTIVATIONS": "config",
    "OPTIMIZERS": "config",
    "TrainConfig": "config",
    "METRICS": "result",
    "TrainResult": "result",
    "apply_dropout": "engine",
    "cache_info": "engine",
    "clear_cache": "engine",
    "hidden_activations": "engine",
    "is_cached": "engine",
    "is_compiled_for": "engine",
    "lookup": "engine",
    "sweep": "engine",
    "trace_count": "engine",
    "train": "engine",
    "warm_up": "engine",
    "compile_count": "compiled",
    "save_keras": "export",
    "to_keras": "export",
}
_SUBMODULES = ("backend", "gradients", "measures", "network", "schedules")

__all__ = [
    "ACTIVATIONS",
    "METRICS",
    "OPTIMIZERS",
    "TrainConfig",
    "TrainResult",
    "apply_dropout",
    "backend",
    "cache_info",
    "clear_cache",
    "compile_count",
    "gradients",
    "hidden_activations",
    "is_cached",
    "is_compiled_for",
    "lookup",
    "measures",
    "network",
    "save_keras",
    "schedules",
    "sweep",
    "to_keras",
    "trace_count",
    "train",
    "warm_up",
]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(f"tunelab.training.{_WHERE[name]}"), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"tunelab.training.{name}")
    else:
        raise AttributeError(f"module 'tunelab.training' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
