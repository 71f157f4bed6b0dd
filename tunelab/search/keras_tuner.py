"""Keras and KerasTuner adapters: the held-out loss of a model, full-batch tuner trials.

`per_example_loss` scores a `TrainResult` (with the engine's numpy network) or a Keras
model on the same footing, so a search by the engine and one by KerasTuner compare.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from tunelab.search.landscape import DIVERGED_LOSS

if TYPE_CHECKING:
    from tunelab.datasets import Dataset


def per_example_loss(model: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Binary cross-entropy of each example, for a `TrainResult` or a Keras model.

    Example:
        >>> per_example_loss(result, data.x_val, data.y_val).mean()  # the validation loss
    """
    from tunelab.training import network

    if not hasattr(model, "trainable_weights"):  # a TrainResult: the engine's exact loss
        if getattr(model, "task", "binary") != "binary":
            raise ValueError(
                "Expected `model` to be a binary classifier (cross-entropy on one "
                f"probability). Received a result with task={model.task!r}"
            )
        logits = network.forward(model.weights, model.config.activation, x)
        return network.per_example_loss(logits, y, "binary")
    # A Keras model gives probabilities only; Keras's own cross-entropy clips them at 1e-7.
    p = np.asarray(model(np.asarray(x, np.float32), training=False))
    p = np.clip(p.astype(np.float64).reshape(-1), 1e-7, 1 - 1e-7)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def held_out_loss(model: Any, test: Dataset) -> float:
    """Mean cross-entropy of a `TrainResult` or Keras model on every example of ``test``.

    ``test`` is a `Dataset` that played no part in training or choosing (e.g. a fresh
    sample from the same generator); both of its splits are used.

    Example:
        >>> held_out_loss(land.result(*land.best()), tl.load_dataset("moons", seed=1))
    """
    x = np.concatenate([test.x_train, test.x_val])
    y = np.concatenate([test.y_train, test.y_val])
    return float(per_example_loss(model, x, y).mean())


def full_batch_tuner(tuner_class: type) -> type:
    """A KerasTuner tuner class (``kt.RandomSearch``, ``kt.BayesianOptimization``, …) whose
    trials train full-batch, as every network in this course does.

    A trial builds the model from its hyperparameters, takes ``epochs`` full-batch steps
    (one step per epoch) and reports the final validation *data* loss (cross-entropy,
    penalty excluded), the number the lesson's landscape holds. The trained model is kept
    in ``tuner.trained_models[trial_id]``. Call ``tuner.search(data, epochs=100)``.

    This is KerasTuner's documented way to customize a trial, overriding ``run_trial``.
    The default trial runs ``model.fit`` with Keras's per-epoch bookkeeping (tens of
    milliseconds per epoch), scores the *best* epoch's ``val_loss`` with the penalty
    included, and imports TensorBoard, which TensorFlow no longer installs.

    Example:
        >>> tuner = full_batch_tuner(kt.RandomSearch)(build_model, objective="val_loss",
        ...                                           max_trials=4, directory=folder)
        >>> tuner.search(data, epochs=100)
    """
    if not isinstance(tuner_class, type) or not hasattr(tuner_class, "run_trial"):
        raise TypeError(
            f"Expected a KerasTuner tuner class such as kt.RandomSearch. Received: {tuner_class!r}"
        )

    class FullBatchTuner(tuner_class):
        def run_trial(self, trial, data, epochs=100, **_fit_kwargs):
            import keras

            from tunelab.training.export import fit_full_batch

            keras.utils.set_random_seed(int(trial.trial_id))  # the same start for a rerun
            model = self.hypermodel.build(trial.hyperparameters)
            fit_full_batch(model, data.x_train, data.y_train, epochs)
            if not hasattr(self, "trained_models"):
                self.trained_models = {}
            self.trained_models[trial.trial_id] = model
            loss = float(per_example_loss(model, data.x_val, data.y_val).mean())
            return {"val_loss": loss if math.isfinite(loss) else DIVERGED_LOSS}

    FullBatchTuner.__name__ = FullBatchTuner.__qualname__ = f"FullBatch{tuner_class.__name__}"
    return FullBatchTuner


def tuner_table(tuner: Any) -> list[dict[str, Any]]:
    """Every completed trial of a KerasTuner search, in order: its values and its score.

    Example:
        >>> for row in tuner_table(tuner):
        ...     print(row)
    """
    rows = []
    for trial_id, trial in sorted(tuner.oracle.trials.items(), key=lambda item: int(item[0])):
        if trial.score is None:
            continue
        rows.append(
            {"trial": int(trial_id), **trial.hyperparameters.values, "val_loss": trial.score}
        )
    return rows
