"""The panel of lesson 09's section on augmenting the minority class: copies and their jitter."""

from __future__ import annotations

from typing import Any

import numpy as np

from tunelab.datasets import Dataset
from tunelab.datasets.minority import augment_minority, minority_label
from tunelab.training import TrainConfig
from tunelab.training.network import class_report
from tunelab.widgets.controls import Control
from tunelab.widgets.panel import Panel
from tunelab.widgets.session import Session

__all__ = ["MinorityPanel", "MinoritySession"]


class MinoritySession(Session):
    """Trains on the training set plus ``copies`` jittered copies of each minority point."""

    def __init__(self, *args: Any, **kwargs: Any):
        # Filled before Session.__init__, which resolves the first dataset.
        self.original: Dataset | None = None
        self._augmented: dict[tuple, Dataset] = {}
        super().__init__(*args, **kwargs)

    def compose(self, values):
        settings, config = super().compose(values)
        return {"raw": settings, "augment": (values["copies"], values["sigma"])}, config

    def dataset_for(self, settings) -> Dataset:
        copies, sigma = settings["augment"]
        self.original = super().dataset_for(settings["raw"])
        key = (self.original.fingerprint, copies, sigma)
        if key not in self._augmented:
            self._augmented[key] = augment_minority(self.original, copies, sigma)
        return self._augmented[key]

    def describe(self, result):
        text, style = super().describe(result)
        if result.diverged_at is None and self.original is not None:
            label = minority_label(self.original)
            rows = self.data.points_train[self.data.y_train == label]
            distinct = len(np.unique(rows, axis=0))
            counts = np.bincount(self.data.y_train.astype(int), minlength=2)
            report = class_report(result, self.data.x_val, self.data.y_val)
            text = (
                f"training rows: {counts[1 - label]} majority, {counts[label]} minority at "
                f"{distinct} distinct points · val minority (class {label}, "
                f"n={report.counts[label]}): recall {report.recall[label]:.2f}, precision "
                f"{report.precision[label]:.2f} · val accuracy {report.accuracy:.3f}"
            )
        return text, style


class MinorityPanel(Panel):
    """Augmenting the minority class: how many copies of each minority point, how jittered.

    The majority's training points and the validation set stay as they are. At jitter 0
    the copies are exact duplicates (the boundary plot shows the original points only);
    the larger the jitter, the wider the cloud of minority rows the network trains on.
    The status line counts the training rows and scores the minority class on the
    validation set at threshold 0.5.

    Args:
        data: dataset settings (default: ``moons``, 700 samples, 5 % minority, 320
            training points, as `ImbalancePanel`).
        config: the `TrainConfig` (default: 2×32 ReLU, Adam 0.01, 300 epochs).
        sigma: the starting jitter, one of `SIGMAS`.
        copies: the starting number of copies of each minority point, one of `COPIES`.

    Example:
        >>> MinorityPanel().set(sigma=0.0)
    """

    SIGMAS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
    COPIES = (0, 8, 17)
    session_class = MinoritySession

    def __init__(
        self,
        data: dict | None = None,
        config: TrainConfig | None = None,
        *,
        sigma: float = 0.2,
        copies: int = 17,
        **kwargs: Any,
    ):
        config = config or TrainConfig(hidden=(32, 32), learning_rate=0.01, epochs=300)
        controls = [
            Control(
                "copies",
                [("none", 0)] + [(str(c), c) for c in self.COPIES[1:]],
                "Copies per minority point",
                kind="toggle",
            ),
            Control("sigma", self.SIGMAS, "Jitter σ of the copies"),
        ]
        kwargs.setdefault("plots", ("boundary", "loss"))
        kwargs.setdefault("values", {"sigma": sigma, "copies": copies})
        settings = {"dataset": "moons", "n_samples": 700, "imbalance": 0.05, "train_size": 320}
        settings.update(data or {})
        super().__init__(settings, config, controls, **kwargs)
