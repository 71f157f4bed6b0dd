"""tunelab: interactive lessons on how neural networks are trained and kept from overfitting.

The lessons call one shared helper: load a dataset, describe a run with a `TrainConfig`,
train it (compiled, cached, in milliseconds) and show it in a live panel.

Example:
    >>> import tunelab as tl
    >>> res = tl.train(tl.load_dataset("moons"), tl.TrainConfig(l2=1e-3, dropout=0.2))
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING

from tunelab.datasets import DATASET_NAMES, Dataset, load_dataset

# Set before TensorFlow loads (on first use), so its C++ start-up notices stay quiet.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

if TYPE_CHECKING:
    from tunelab import exercises, plots, search, tables, widgets
    from tunelab.claims import claim
    from tunelab.environment import check_install
    from tunelab.training import TrainConfig, TrainResult, lookup, schedules, sweep, train
    from tunelab.widgets import Control, Controls, Panel, Session

# Names loaded on first use (PEP 562): `import tunelab.datasets` or `tunelab.plots` stays
# free of TensorFlow, which only the training engine needs.
_WHERE = {
    "check_install": "tunelab.environment",
    "claim": "tunelab.claims",
    "TrainConfig": "tunelab.training",
    "TrainResult": "tunelab.training",
    "lookup": "tunelab.training",
    "schedules": "tunelab.training",
    "sweep": "tunelab.training",
    "train": "tunelab.training",
    "Control": "tunelab.widgets",
    "Controls": "tunelab.widgets",
    "Panel": "tunelab.widgets",
    "Session": "tunelab.widgets",
}
_SUBMODULES = ("exercises", "plots", "search", "tables", "widgets", "training")

__version__ = "0.1.0"

LESSONS = (
    ("00_start_here", "How to read a panel; the shared helper; checks the install"),
    ("01_gradient_descent", "Full-batch, stochastic and mini-batch descent; the learning rate"),
    ("02_optimizers_and_schedules", "Momentum, Adam; batch size; step, polynomial, cosine decay"),
    ("03_overfitting", "Capacity, data size, noise; the train/validation gap; early stopping"),
    ("04_penalties", "What a penalty does: λ, the validation curve, L1/L2 geometry, sparsity"),
    ("05_penalties_in_code", "The λ convention, kernel_regularizer, gradients, AdamW"),
    ("06_dropout", "The dropout rate; inverted scaling; dropout with L2"),
    ("07_hyperparameter_search", "Grid, random and Bayesian search; cross-validation"),
    ("08_data_remedies", "More data; noise and Keras augmentation layers"),
    ("09_class_imbalance", "Per-class metrics, class weights, threshold, resampling"),
    ("10_playground", "Every knob together; Play/Step/Reset; shareable settings"),
)

__all__ = [
    "Control",
    "Controls",
    "DATASET_NAMES",
    "Dataset",
    "LESSONS",
    "Panel",
    "Session",
    "TrainConfig",
    "TrainResult",
    "__version__",
    "check_install",
    "claim",
    "exercises",
    "load_dataset",
    "lookup",
    "plots",
    "schedules",
    "search",
    "tables",
    "sweep",
    "train",
    "training",
    "widgets",
]


def __getattr__(name: str):
    if name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"tunelab.{name}")
    else:
        raise AttributeError(f"module 'tunelab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
