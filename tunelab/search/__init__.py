"""Hyperparameter search beside `tunelab.sweep`: grid, random and Bayesian, at equal budget.

One `tunelab.sweep` call trains every setting of two hyperparameters once; a `Landscape`
keeps the final validation loss of each, and grid search, random search and Bayesian
optimization are replayed on that table (a trial is a look-up, so a search can be
repeated over many seeds). Beside them: k-fold cross-validation splits of a dataset, the
held-out loss of a result or a Keras model, a KerasTuner tuner whose trials train
full-batch, and readers of a fitted ``GridSearchCV``. Importing this package does not
load TensorFlow.

Modules, one per job: `landscape` (Landscape, SearchRun), `strategies` (the searches,
expected improvement, the Gaussian process kernel), `cross_validation` (Folds),
`keras_tuner` (Keras and KerasTuner adapters), `scikit_learn`.

Example:
    >>> land = tl.search.Landscape.from_sweep(tl.sweep(data, cfg, learning_rate=lrs, l2=l2s))
    >>> tl.search.random_search(land, budget=9, seed=0).best
"""

from tunelab.search.cross_validation import Folds
from tunelab.search.keras_tuner import (
    full_batch_tuner,
    held_out_loss,
    per_example_loss,
    tuner_table,
)
from tunelab.search.landscape import DIVERGED_LOSS, Landscape, SearchRun
from tunelab.search.scikit_learn import best_candidate, cv_table
from tunelab.search.strategies import (
    bayesian_search,
    expected_improvement,
    grid_centres,
    grid_search,
    random_search,
    search_kernel,
)

__all__ = [
    "DIVERGED_LOSS",
    "Folds",
    "Landscape",
    "SearchRun",
    "bayesian_search",
    "best_candidate",
    "cv_table",
    "expected_improvement",
    "full_batch_tuner",
    "grid_centres",
    "grid_search",
    "held_out_loss",
    "per_example_loss",
    "random_search",
    "search_kernel",
    "tuner_table",
]
