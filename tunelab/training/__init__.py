"""The TensorFlow training engine shared by every lesson and panel."""

from tunelab.training import schedules
from tunelab.training.config import ACTIVATIONS, OPTIMIZERS, TrainConfig
from tunelab.training.engine import (
    apply_dropout,
    cache_info,
    clear_cache,
    hidden_activations,
    lookup,
    sweep,
    trace_count,
    train,
)
from tunelab.training.export import save_keras, to_keras
from tunelab.training.result import METRICS, TrainResult

__all__ = [
    "ACTIVATIONS",
    "apply_dropout",
    "hidden_activations",
    "METRICS",
    "OPTIMIZERS",
    "TrainConfig",
    "TrainResult",
    "cache_info",
    "clear_cache",
    "lookup",
    "save_keras",
    "schedules",
    "to_keras",
    "sweep",
    "trace_count",
    "train",
]
