"""tunelab: interactive lessons on how neural networks are trained and kept from overfitting.

The lessons call one shared helper: load a dataset, describe a run with a `TrainConfig`,
train it (compiled, cached, in milliseconds) and show it in a live panel.

Example:
    >>> import tunelab as tl
    >>> res = tl.train(tl.load_dataset("moons"), tl.TrainConfig(l2=1e-3, dropout=0.2))
"""

from tunelab import exercises, plots, widgets
from tunelab.datasets import DATASET_NAMES, Dataset, load_dataset
from tunelab.environment import check_install
from tunelab.training import (
    TrainConfig,
    TrainResult,
    lookup,
    schedules,
    sweep,
    train,
)

__version__ = "0.1.0"

LESSONS = (
    ("00_start_here", "How to read a panel; the shared helper; checks the install"),
    ("01_gradient_descent", "Full-batch, stochastic and mini-batch descent; the learning rate"),
    ("02_optimizers_and_schedules", "Momentum, Adam; step, exponential, cosine, warm-up schedules"),
    ("03_overfitting", "Capacity, data size, noise; the train/validation gap; early stopping"),
    ("04_l1_l2", "L1 vs L2; sparsity; the λ convention; weight decay vs L2 with Adam"),
    ("05_dropout", "The dropout rate; inverted scaling; dropout with L2"),
    ("06_hyperparameter_search", "Grid, random and Bayesian search at equal budget"),
    ("07_data_remedies", "More data, noise augmentation, class imbalance, batch size"),
    ("08_playground", "Every knob together; Play/Step/Reset; shareable settings"),
)

__all__ = [
    "DATASET_NAMES",
    "LESSONS",
    "Dataset",
    "TrainConfig",
    "TrainResult",
    "__version__",
    "check_install",
    "exercises",
    "load_dataset",
    "lookup",
    "plots",
    "schedules",
    "sweep",
    "train",
    "widgets",
]
