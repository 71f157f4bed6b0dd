"""The panels of lessons 08 and 09: noise augmentation; class imbalance at a threshold."""

from __future__ import annotations

from tunelab.datasets import Dataset, augment_with_noise
from tunelab.training import TrainConfig
from tunelab.training.network import class_report, loss_on
from tunelab.widgets.controls import Control
from tunelab.widgets.panel import Panel
from tunelab.widgets.session import Session


class AugmentationSession(Session):
    """Trains on the training set plus ``copies`` jittered copies of each point."""

    original: Dataset | None = None

    def compose(self, values):
        settings, config = super().compose(values)
        return {"raw": settings, "augment": (values["copies"], values["sigma"])}, config

    def dataset_for(self, settings) -> Dataset:
        copies, sigma = settings["augment"]
        self.original = super().dataset_for(settings["raw"])
        key = ("augmented", self.original.fingerprint, copies, sigma)
        if key not in self._datasets:
            self._datasets[key] = augment_with_noise(self.original, copies, sigma)
        return self._datasets[key]

    def describe(self, result):
        text, style = super().describe(result)
        if result.diverged_at is None and self.original is not None:
            original = self.original
            real = loss_on(result, original.x_train, original.y_train)
            text = (
                f"{len(self.data.y_train)} training rows from {len(original.y_train)} points · "
                f"loss on the original points {real:.3f} · val loss "
                f"{result.final('val_loss'):.3f} · val acc {result.final('val_acc'):.2f}"
            )
        return text, style


class AugmentationPanel(Panel):
    """Noise augmentation on a small training set: the jitter σ and the number of copies.

    The boundary plot draws every training example the network sees, copies included; the
    solid loss curve is the loss on that augmented set. The status line reports the loss on
    the original points, which is the fair training loss to compare.

    Args:
        data: dataset settings (default: 40 training points of ``moons`` with 700 samples).
        config: the `TrainConfig` (default: 2×32 ReLU, Adam 0.01, 300 epochs).
        sigma, copies: the starting jitter and number of copies (0, 3 or 7).

    Example:
        >>> AugmentationPanel().set(sigma=0.3)
    """

    SIGMAS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5)
    session_class = AugmentationSession

    def __init__(
        self,
        data: dict | None = None,
        config: TrainConfig | None = None,
        *,
        sigma: float = 0.3,
        copies: int = 7,
        **kwargs,
    ):
        config = config or TrainConfig(hidden=(32, 32), learning_rate=0.01, epochs=300)
        controls = [
            Control("sigma", self.SIGMAS, "Jitter σ"),
            Control("copies", [("none", 0), ("3", 3), ("7", 7)], "Noisy copies", kind="toggle"),
        ]
        kwargs.setdefault("plots", ("boundary", "loss"))
        kwargs.setdefault("values", {"sigma": sigma, "copies": copies})
        settings = {"dataset": "moons", "n_samples": 700, "train_size": 40}
        settings.update(data or {})
        super().__init__(settings, config, controls, **kwargs)


class ImbalanceSession(Session):
    """Reports the minority class's recall and precision at the chosen threshold."""

    def threshold(self, values):
        return float(values["threshold"])

    def describe(self, result):
        text, style = super().describe(result)
        if result.diverged_at is None:
            threshold = self.threshold(self.controls.values)
            report = class_report(result, self.data.x_val, self.data.y_val, threshold)
            text = (
                f"threshold {report.threshold:g} · val accuracy {report.accuracy:.3f} · "
                f"minority (class 1, n={report.counts[1]}): recall {report.recall[1]:.2f}, "
                f"precision {report.precision[1]:.2f} · majority recall {report.recall[0]:.2f}"
            )
        return text, style


class ImbalancePanel(Panel):
    """Class imbalance: the minority share, class weights and the decision threshold.

    The status line shows accuracy next to the minority class's recall and precision at the
    chosen threshold, measured on the validation set (which is as imbalanced as training).

    The boundary plot draws the line where ``P(class 1)`` equals the threshold (dashed)
    and marks every point the threshold classifies wrongly with ✕, so sliding the
    threshold shows which minority points are found and which majority points are lost,
    without retraining.

    Example:
        >>> ImbalancePanel().set(class_weight="balanced")
    """

    show_misclassified = True
    session_class = ImbalanceSession

    def __init__(self, data: dict | None = None, config: TrainConfig | None = None, **kwargs):
        config = config or TrainConfig(hidden=(32, 32), learning_rate=0.01, epochs=300)
        controls = [
            Control(
                "imbalance",
                [("50 %", None), ("30 %", 0.3), ("10 %", 0.1), ("5 %", 0.05)],
                "Minority share",
                kind="toggle",
            ),
            Control(
                "class_weight", [("off", None), ("balanced", "balanced")], "Class weights", "toggle"
            ),
            Control("threshold", [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9], "Threshold"),
        ]
        kwargs.setdefault("plots", ("boundary", "loss"))
        kwargs.setdefault("values", {"threshold": 0.5})
        settings = {"dataset": "moons", "n_samples": 700, "imbalance": 0.05, "train_size": 320}
        settings.update(data or {})
        super().__init__(settings, config, controls, **kwargs)
