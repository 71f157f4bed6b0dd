"""Small, deterministic datasets for the tunelab lessons: data in, data out.

Seven toy sets are generated with `numpy.random.default_rng(seed)` (six 2-D
classification sets in the spirit of TensorFlow Playground, and a noisy 1-D polynomial for
regression), and one real tabular set, the Wisconsin breast cancer data that ships inside
scikit-learn. The default version of every toy set is frozen as a CSV in the repository's
`datasets/` folder, and the tests check that the generators still reproduce it.

The package imports only numpy (scikit-learn lazily, for the breast cancer set), so
loading a toy set stays fast and never pulls in TensorFlow. Its modules, one job each:
`catalog` (names, tasks, defaults, argument checks), `features` (the columns a model sees),
`dataset` (the `Dataset` type), `generators` (the toy sets and the splits), `load`
(`load_dataset`) and `transforms` (augmentation, resampling).

Example:

>>> from tunelab.datasets import load_dataset
>>> data = load_dataset("moons", n_samples=400, noise=0.3, val_fraction=0.5, seed=0)
"""

from tunelab.datasets.catalog import DATASET_NAMES, DEFAULT_NOISE, MAX_SAMPLES
from tunelab.datasets.dataset import Dataset
from tunelab.datasets.features import CROSS_FEATURES, POLY_MAX_DEGREE, poly_features
from tunelab.datasets.load import load_dataset
from tunelab.datasets.minority import augment_minority, minority_label
from tunelab.datasets.transforms import augment_with_noise, require_binary, resample_balanced

__all__ = [
    "CROSS_FEATURES",
    "DATASET_NAMES",
    "DEFAULT_NOISE",
    "MAX_SAMPLES",
    "POLY_MAX_DEGREE",
    "Dataset",
    "augment_minority",
    "augment_with_noise",
    "load_dataset",
    "minority_label",
    "poly_features",
    "require_binary",
    "resample_balanced",
]
