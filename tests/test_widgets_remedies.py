"""The panels of lessons 08 and 09 (tunelab.widgets.remedies): augmentation, imbalance."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402

import tunelab as tl  # noqa: E402
from tunelab.training import network  # noqa: E402

SMALL = tl.TrainConfig(hidden=(8,), learning_rate=0.03, epochs=60)


def test_the_panels_are_exported_from_widgets():
    from tunelab.widgets import remedies

    assert tl.widgets.AugmentationPanel is remedies.AugmentationPanel
    assert tl.widgets.ImbalancePanel is remedies.ImbalancePanel


def test_imbalance_panel_reports_minority_recall():
    panel = tl.widgets.ImbalancePanel(
        {"n_samples": 200, "train_size": None, "imbalance": 0.1}, SMALL, precompute=False
    )
    assert "minority (class 1" in panel.status_text and "recall" in panel.status_text
    before = panel.result
    boundary = panel.parts[0]
    line_before = [s.copy() for s in boundary.threshold_line.get_segments()]
    marks_before = len(boundary.wrong_points.get_offsets())
    trainings = panel.trainings
    panel.set(threshold=0.05)
    assert "threshold 0.05" in panel.status_text
    assert panel.result is before  # the threshold only changes the scoring, not the network
    assert panel.trainings == trainings + 1 and panel.engine.is_cached(panel.data, panel.config)
    # The picture follows the threshold: the dashed line moves, the ✕ marks are rescored.
    line_after = boundary.threshold_line.get_segments()
    assert line_before and line_after
    assert len(line_after) != len(line_before) or any(
        a.shape != b.shape or not np.allclose(a, b)
        for a, b in zip(line_after, line_before, strict=True)
    )
    data = panel.data
    report = network.class_report(panel.result, data.x_val, data.y_val, threshold=0.05)
    train_report = network.class_report(panel.result, data.x_train, data.y_train, 0.05)
    wrong = sum(round((1 - r.accuracy) * sum(r.counts)) for r in (report, train_report))
    assert len(boundary.wrong_points.get_offsets()) == wrong != marks_before


def test_augmentation_panel_trains_on_the_copies():
    # 25 points + 3 copies: 100 rows, as in the imbalance panel's test, so nothing new compiles.
    settings = {"n_samples": 200, "imbalance": 0.1, "train_size": 25}
    panel = tl.widgets.AugmentationPanel(settings, SMALL, sigma=0.5, copies=3)
    assert len(panel.data.y_train) == 100
    assert "100 training rows from 25 points" in panel.status_text
    jittered = panel.data.points_train
    panel.set(sigma=0.0)
    assert len(panel.data.y_train) == 100
    np.testing.assert_array_equal(panel.data.points_train, np.tile(jittered[:25], (4, 1)))
