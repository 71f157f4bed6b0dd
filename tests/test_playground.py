"""The playground: every knob, settings that round-trip, Step, thumbnails, export."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tunelab.widgets import Playground  # noqa: E402


@pytest.fixture(scope="module")
def playground(tmp_path_factory):
    pg = Playground(export_path=tmp_path_factory.mktemp("export") / "model.keras")
    yield pg
    plt.close("all")


def test_the_settings_string_round_trips_every_control_exactly(playground):
    start = dict(playground.values)
    wanted = {}
    for field, control in playground.controls.items():
        choices = control.choices
        wanted[field] = choices[(control.index_of(start[field]) + 1) % len(choices)]
    wanted["hidden"] = (8, 8)  # keep the compiled network shape; every other knob moves
    wanted["batch_size"] = None
    playground.controls.restore(wanted)  # widgets moved, no training
    shared = playground.settings
    positions = Playground.decode_settings(shared)["values"]
    assert set(positions) == set(playground.controls)
    for field, index in positions.items():
        assert playground.controls[field].choices[index] == wanted[field]
    again = Playground.from_settings(shared, hidden=("dropout",), locked=("dataset",))
    assert again.values == wanted
    assert again.config == playground.session.compose(wanted)[1]
    assert again.widgets["dropout"].layout.display == "none"
    assert again.widgets["dataset"].disabled
    playground.controls.restore(start)
    playground.reset()


def test_step_advances_the_timeline_and_the_counter(playground):
    playground.epoch_slider.value = 0
    playground.show_epoch(0)
    playground.step()
    chunk = playground.result.epochs_run // 10
    assert playground.epoch_slider.value == chunk
    assert f"epoch {chunk}</b>" in playground.counter.value


def test_thumbnails_show_one_tile_per_first_layer_unit(playground):
    view = playground.parts[2]
    width = playground.config.hidden[0]
    rows, cols = view.tiles
    assert rows * cols >= width > (rows - 1) * cols
    image = np.asarray(view.image.get_array())
    assert np.all(np.isfinite(image)) and image.std() > 0


def test_export_writes_a_keras_model_that_predicts_the_same(playground):
    path = playground.export()
    assert path is not None and path.exists()
    assert "Saved the trained network" in playground.status_text
    model = keras.models.load_model(path)
    x = playground.data.x_val
    np.testing.assert_allclose(
        model.predict(x, verbose=0)[:, 0], playground.result.predict(x), atol=1e-5
    )


def test_the_warm_up_mode_comes_from_the_environment_and_refuses_a_typo(monkeypatch):
    from tunelab.widgets.controls import Controls
    from tunelab.widgets.playground import (
        PlaygroundSession,
        playground_controls,
        playground_start,
        warm_up_mode,
    )

    assert warm_up_mode() == "neighbours"
    monkeypatch.setenv("TUNELAB_PLAYGROUND_WARM_UP", "nieghbours")
    with pytest.raises(ValueError, match="TUNELAB_PLAYGROUND_WARM_UP.*neighbours, current"):
        Playground()
    # "current": a real session compiles ahead only what every other panel does (its own
    # settings), so it asks for no neighbour warm-up.
    monkeypatch.setenv("TUNELAB_PLAYGROUND_WARM_UP", "current")
    settings, config = playground_start()
    session = PlaygroundSession(settings, config, Controls(playground_controls()))
    session.refresh()
    assert session.result is not None and session.status_style != "error"
    assert session.warm_done is None
