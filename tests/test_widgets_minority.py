"""The panel of lesson 09's minority augmentation (tunelab.widgets.minority)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import tunelab as tl  # noqa: E402
from tunelab.widgets import Panel  # noqa: E402
from tunelab.widgets.minority import MinorityPanel  # noqa: E402

SMALL = tl.TrainConfig(hidden=(8,), learning_rate=0.03, epochs=60)
# 50 majority + 6 minority points, 8 copies of each minority point: 104 rows, the padded
# size of the 100-row sets of test_widgets_remedies, so nothing new compiles.
SETTINGS = {"n_samples": 200, "imbalance": 0.1, "train_size": 56}


def test_the_panel_trains_on_the_minority_copies_and_says_so():
    panel = MinorityPanel(SETTINGS, SMALL, sigma=0.3, copies=8)
    counts = np.bincount(panel.data.y_train.astype(int))
    assert list(counts) == [50, 6 + 8 * 6]
    assert "50 majority, 54 minority at 54 distinct points" in panel.status_text
    assert "recall" in panel.status_text and "precision" in panel.status_text
    original = panel.session.original
    assert len(original.y_train) == 56
    np.testing.assert_array_equal(panel.data.points_train[:56], original.points_train)
    np.testing.assert_array_equal(panel.data.x_val, original.x_val)
    jittered = panel.result
    panel.set(sigma=0.0)
    assert "54 minority at 6 distinct points" in panel.status_text
    assert panel.result is not jittered
    minority = original.points_train[original.y_train == 1]
    np.testing.assert_array_equal(panel.data.points_train[56:], np.tile(minority, (8, 1)))


def test_the_panel_rebuilds_from_its_settings():
    panel = MinorityPanel(SETTINGS, SMALL, sigma=0.0, copies=8)
    # Built at another jitter (with the same copies, so nothing new compiles), then moved.
    again = Panel.from_settings(panel.settings, data=SETTINGS, config=SMALL, sigma=0.3, copies=8)
    assert isinstance(again, MinorityPanel)
    assert again.values["sigma"] == 0.0 and again.values["copies"] == 8
    assert again.data.fingerprint == panel.data.fingerprint


def test_a_jitter_the_panel_does_not_offer_is_refused():
    with pytest.raises(ValueError, match="sigma"):
        MinorityPanel(SETTINGS, SMALL, sigma=0.25, copies=8)
