"""Live panels without a browser: real widgets, real training, the Agg canvas."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from tunelab.training import engine as real_engine  # noqa: E402
from tunelab.widgets import (  # noqa: E402
    Control,
    DropoutPanel,
    GradientDescentPanel,
    Panel,
    RegularizationPanel,
    ScheduleExplorer,
    TrainingPanel,
)

COMPILE_NOTE = " (first run of this network shape, compiling included)"


class CountingEngine:
    """The real engine, counting how many settings it actually had to train."""

    def __init__(self):
        self.trained = 0

    def is_cached(self, data, config):
        return real_engine.is_cached(data, config)

    def train(self, data, config):
        self.trained += not real_engine.is_cached(data, config)
        return real_engine.train(data, config)

    def sweep(self, data, config, **axes):
        return real_engine.sweep(data, config, **axes)


class FailingEngine(CountingEngine):
    """Fails for one dropout rate, as a broken engine would."""

    def train(self, data, config):
        if config.dropout == 0.5:
            raise RuntimeError("the engine broke at p = 0.5")
        return super().train(data, config)


def picture(panel: Panel) -> list[np.ndarray]:
    """Every array a learner sees in the panel's figure."""
    arrays = []
    for ax in panel.figure.axes:
        arrays += [np.asarray(im.get_array()).copy() for im in ax.images]
        arrays += [np.asarray(line.get_ydata(), float).copy() for line in ax.lines]
    return arrays


def same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(
        x.shape == y.shape and np.allclose(x, y, equal_nan=True) for x, y in zip(a, b, strict=True)
    )


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    "panel_class", [DropoutPanel, RegularizationPanel, ScheduleExplorer, GradientDescentPanel]
)
def test_each_control_changes_picture_status_and_config_and_back_restores_it(panel_class):
    panel = panel_class()
    for field, widget in panel.widgets.items():
        start_picture, start_status, start_config = picture(panel), panel.status_text, panel.config
        start_index = widget.index
        widget.index = (start_index + 2) % len(panel.controls[field].choices)
        assert panel.config != start_config, field
        assert not same(picture(panel), start_picture), field
        assert panel.status_text != start_status or "Diverged" in panel.status_text
        widget.index = start_index
        assert panel.config == start_config
        assert panel.result is real_engine.train(panel.data, panel.config)  # from the cache
        assert same(picture(panel), start_picture), field
        # The same result, the same words: a time that included compiling still says so.
        assert panel.status_text == start_status
        assert (COMPILE_NOTE in panel.status_text) == panel.result.compiled


def test_rapid_moves_train_far_fewer_settings_and_end_on_the_last_value():
    counting = CountingEngine()
    panel = DropoutPanel(engine=counting)
    counting.trained = 0
    slider = panel.widgets["dropout"]
    positions = [(i * 7) % len(DropoutPanel.RATES) for i in range(200)]
    for index in positions:
        slider.index = index
    assert counting.trained == 0  # every position was trained ahead, in one sweep
    final_rate = DropoutPanel.RATES[positions[-1]]
    assert panel.config.dropout == final_rate
    expected = real_engine.train(panel.data, panel.config)
    assert panel.result is expected
    np.testing.assert_allclose(panel.parts[1].val_line.get_ydata(), expected.history["val_loss"])


def test_a_failing_engine_shows_its_error_and_the_next_move_works():
    panel = DropoutPanel(engine=FailingEngine(), precompute=False)
    good = panel.config
    panel.widgets["dropout"].value = 0.5
    assert "the engine broke at p = 0.5" in panel.status.value
    assert "error" in panel.status.value
    assert panel.config == good  # state not corrupted
    assert panel.widgets["dropout"].value == good.dropout  # the slider shows the picture's value
    panel.widgets["dropout"].value = 0.3
    assert panel.config.dropout == 0.3
    assert "error" not in panel.status.value


def test_divergence_is_a_message_in_the_panel_not_a_traceback():
    panel = GradientDescentPanel()
    panel.set(learning_rate=1.5)
    assert "Diverged at epoch" in panel.status_text
    assert "Lower it" in panel.status_text
    assert "warn" in panel.status.value
    for array in picture(panel):
        assert np.all(np.isfinite(array[np.isfinite(array)]))


def test_open_figures_stay_constant_over_100_moves():
    panel = RegularizationPanel()
    before = len(plt.get_fignums())
    strengths = RegularizationPanel.STRENGTHS
    for i in range(100):
        panel.widgets["strength"].index = (i * 3) % len(strengths)
        if i % 25 == 0:
            panel.widgets["penalty"].value = ("l1", "l2", "none")[i // 25 % 3]
    assert len(plt.get_fignums()) == before


def test_settings_round_trip_exactly_and_bad_strings_are_refused():
    panel = RegularizationPanel(locked=("penalty",))
    panel.set(penalty="l1", strength=RegularizationPanel.STRENGTHS[3])
    shared = panel.settings
    assert len(shared) < 200 and shared.isascii()
    again = RegularizationPanel.from_settings(shared)
    assert again.values == panel.values
    assert again.config == panel.config
    assert again.locked == ("penalty",)
    assert again.widgets["penalty"].disabled
    assert same(picture(again), picture(panel))
    assert type(Panel.from_settings(shared)) is RegularizationPanel
    with pytest.raises(ValueError, match="settings"):
        RegularizationPanel.from_settings("not-a-settings-string")
    with pytest.raises(ValueError, match="DropoutPanel"):
        RegularizationPanel.from_settings(DropoutPanel().settings)


def test_reset_restores_the_starting_settings():
    panel = DropoutPanel()
    start = (panel.config, picture(panel))
    panel.set(dropout=0.7)
    panel.reset_button.click()
    assert panel.config == start[0]
    assert same(picture(panel), start[1])


def test_teacher_mode_hides_and_locks_controls():
    panel = TrainingPanel(hidden=("dataset",), locked=("hidden",))
    assert panel.widgets["dataset"].layout.display == "none"
    assert panel.widgets["hidden"].disabled
    assert not panel.widgets["learning_rate"].disabled
    with pytest.raises(ValueError, match="optimizer"):
        TrainingPanel(hidden=("optimizer",))


def test_timeline_scrubs_through_snapshots_without_training():
    counting = CountingEngine()
    panel = DropoutPanel(engine=counting)
    counting.trained = 0
    final = picture(panel)
    panel.epoch_slider.value = 0
    early = picture(panel)
    assert not same(early, final)
    cursor = panel.parts[1].cursor
    assert cursor.get_visible() and cursor.get_xdata()[0] == 0
    panel.epoch_slider.value = panel.epoch_slider.max
    assert counting.trained == 0


def test_a_generic_panel_from_controls_and_plots():
    panel = Panel(
        {"dataset": "circles", "n_samples": 200},
        None,
        [
            Control("l2", [0.0, 1e-3, 1e-2], "L2 strength λ"),
            Control("activation", ["relu", "tanh"], "Activation", kind="toggle"),
        ],
        plots=("boundary", "loss", "accuracy", "weights", "sweep"),
        title="A panel built by hand",
    )
    assert len(panel.figure.axes) >= 5
    panel.set(activation="tanh")
    assert panel.config.activation == "tanh"
    assert [r.config.l2 for r in panel.sweep_results] == [0.0, 1e-3, 1e-2]
    with pytest.raises(ValueError, match="Unknown plot kind"):
        Panel(None, None, [], plots=("boundry",))


def test_the_panel_says_how_to_switch_backend_when_figures_are_static():
    panel = DropoutPanel()
    assert "%matplotlib widget" in panel.status_text


def test_with_ipympl_the_canvas_is_a_live_widget():
    import ipywidgets

    previous = matplotlib.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        panel = DropoutPanel()
        assert isinstance(panel.canvas_widget, ipywidgets.DOMWidget)
        assert "%matplotlib widget" not in panel.status_text
        assert panel.canvas_widget in panel.layout.children
    finally:
        plt.close("all")
        plt.switch_backend(previous)


def test_once_the_browser_shows_the_canvas_a_move_sends_its_picture_at_once():
    previous = matplotlib.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        panel = DropoutPanel(precompute=False)
        canvas = panel.figure.canvas
        draws, frames = [], []
        canvas.mpl_connect("draw_event", lambda event: draws.append(1))
        send = canvas.send_binary
        canvas.send_binary = lambda data: (frames.append(len(data)), send(data))
        slider = panel.widgets["dropout"]
        slider.index = 2  # no browser yet: draw_idle, the browser asks when ready
        assert draws == [] and frames == []
        canvas._handle_custom_msg({"type": "draw"}, [])  # what the browser sends first
        assert len(draws) == 1 and len(frames) == 1
        slider.index = 4  # a learner's move: drawn and sent now, not after a round trip
        assert len(draws) == 2 and len(frames) == 2
        panel.set(dropout=0.5)  # a move from code (a cell may make many): draw_idle
        assert len(draws) == 2 and len(frames) == 2
        panel.show_epoch(10)  # the frame holds: the parts are blitted, and sent
        assert len(draws) == 2 and len(frames) == 3 and panel.drawer.blits == 1
    finally:
        plt.close("all")
        plt.switch_backend(previous)


class TrainLossText:
    """A plot kind no module of tunelab knows: the last training loss as text."""

    def __init__(self, ax):
        self.ax = ax
        self.text = ax.text(0.5, 0.5, "", ha="center")
        self.updates = 0

    @classmethod
    def from_view(cls, ax, view):
        part = cls(ax)
        part.update(view, draw=False)
        return part

    def update(self, view, *, draw=True):
        self.updates += 1
        if view.result is not None:
            epoch = view.result.epochs_run if view.epoch is None else max(view.epoch, 1)
            self.text.set_text(f"{view.result.history['train_loss'][epoch - 1]:.4f}")
        if draw:
            self.ax.figure.canvas.draw_idle()


def test_a_panel_takes_a_plot_kind_written_in_the_test():
    panel = DropoutPanel(plots=(TrainLossText, "loss"))
    part = panel.parts[0]
    assert isinstance(part, TrainLossText)
    assert part.text.get_text() == f"{panel.result.final('train_loss'):.4f}"
    panel.set(dropout=0.5)
    assert part.text.get_text() == f"{panel.result.final('train_loss'):.4f}"
    panel.epoch_slider.value = 1
    assert part.text.get_text() == f"{panel.result.history['train_loss'][0]:.4f}"


def test_one_controls_object_drives_two_panels():
    from tunelab.training import TrainConfig
    from tunelab.widgets import Controls, Session

    controls = Controls(dropout=Control([0.0, 0.2, 0.5], "Dropout rate p"))
    config = TrainConfig(hidden=(8,), epochs=30)
    left = Panel(Session({"dataset": "moons", "n_samples": 120}, config, controls))
    right = Panel(Session({"dataset": "circles", "n_samples": 120}, config, controls))
    before = picture(left), picture(right)
    controls.widgets["dropout"].value = 0.5
    assert left.config.dropout == right.config.dropout == 0.5
    assert left.data.name == "moons" and right.data.name == "circles"
    assert not same(picture(left), before[0]) and not same(picture(right), before[1])


def test_a_value_a_control_does_not_offer_is_refused_by_name_and_changes_nothing():
    panel = DropoutPanel()
    start = panel.values, panel.config, panel.trainings
    with pytest.raises(ValueError, match=r"'dropout' among \['0', '0.1'"):
        panel.set(dropout=5.0)
    with pytest.raises(ValueError, match="Unknown control 'l3'"):
        panel.set(l3=0.1)
    assert (panel.values, panel.config, panel.trainings) == start
    with pytest.raises(ValueError, match="train_size"):
        DropoutPanel(data={"train_size": 10_000})


def run_in_own_loop(coroutine_function):
    """Run a coroutine on a fresh event loop in its own thread, as a kernel runs its loop.

    A thread of its own, because another test's browser driver may leave a loop running
    in the main thread, where asyncio.run refuses to start a second one.
    """
    import asyncio
    import threading

    outcome = {}

    def main():
        try:
            outcome["value"] = asyncio.run(coroutine_function())
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def dropout_session_in_this_loop():
    """(controls, session): a dropout slider whose moves the running event loop coalesces."""
    import asyncio

    from tunelab.widgets import Controls, Session

    controls = Controls(dropout=Control(DropoutPanel.RATES, "Dropout rate p"))
    session = Session(
        {"dataset": "moons", "n_samples": 120},
        None,
        controls,
        event_loop=asyncio.get_running_loop(),
    )
    return controls, session


def test_moves_inside_an_event_loop_are_coalesced_into_one_refresh():
    import asyncio

    async def drag():
        controls, session = dropout_session_in_this_loop()
        shown = []
        session.observe(shown.append)
        session.refresh()
        shown.clear()
        before = session.trainings
        for rate in (*DropoutPanel.RATES, 0.3):
            controls.widgets["dropout"].value = rate
        assert shown == []  # nothing refreshes while the burst is still arriving
        await asyncio.sleep(0.2)
        return session, shown, before

    session, shown, before = run_in_own_loop(drag)
    assert session.trainings == before + 1  # one refresh for the whole burst
    assert shown and {view.result.config.dropout for view in shown} == {0.3}
    assert session.config.dropout == 0.3


def test_a_move_after_a_pause_refreshes_without_waiting_a_drag_waits_for_the_newest():
    import asyncio

    async def moves():
        controls, session = dropout_session_in_this_loop()
        session.refresh()
        await asyncio.sleep(0.2)  # the learner paused
        before = session.trainings
        controls.widgets["dropout"].value = DropoutPanel.RATES[2]
        await asyncio.sleep(0)  # one turn of the loop: the move is already shown
        after_pause = session.trainings - before
        controls.widgets["dropout"].value = DropoutPanel.RATES[3]  # right after: a drag
        await asyncio.sleep(0)
        during_drag = session.trainings - before
        await asyncio.sleep(0.2)
        return session, after_pause, during_drag, session.trainings - before

    session, after_pause, during_drag, total = run_in_own_loop(moves)
    assert (after_pause, during_drag, total) == (1, 1, 2)
    assert session.config.dropout == DropoutPanel.RATES[3]


def test_the_chosen_position_is_shown_before_its_neighbours_are_trained():
    import asyncio

    from tunelab.training import clear_cache
    from tunelab.widgets import Controls, Session

    async def move():
        controls = Controls(
            l2=Control([0.0, 1e-4, 1e-3, 1e-2], "L2 strength λ"),
            activation=Control(["relu", "tanh"], "Activation", "toggle"),
        )
        session = Session(
            {"dataset": "moons", "n_samples": 120},
            None,
            controls,
            event_loop=asyncio.get_running_loop(),
            show_first=True,
        )
        shown = []
        session.observe(lambda view: shown.append(view.sweep is not None))
        session.refresh()
        clear_cache()
        shown.clear()
        controls.widgets["activation"].value = "tanh"  # the sweep in hand no longer applies
        for _ in range(1200):  # idle time comes once the move is drawn; wait for it (≤ 60 s)
            await asyncio.sleep(0.05)
            if session.sweep_results:
                break
        return session, shown

    session, shown = run_in_own_loop(move)
    assert shown == [False, True]  # the new position first, then its neighbours, redrawn
    assert [r.config.l2 for r in session.sweep_results] == [0.0, 1e-4, 1e-3, 1e-2]
    assert {r.config.activation for r in session.sweep_results} == {"tanh"}


class SweepRecorder:
    """The real engine, noting for each `sweep` whether its function was compiled before."""

    def __init__(self):
        self.compiled_before: list[bool] = []

    def __getattr__(self, name):
        return getattr(real_engine, name)

    def sweep(self, data, config, **axes):
        (values,) = axes.values()
        self.compiled_before.append(real_engine.is_compiled_for(data, config, len(values)))
        return real_engine.sweep(data, config, **axes)


def test_a_precompute_that_needs_a_compile_leaves_it_to_the_background_warm_up():
    """The chosen position is shown; its neighbours' sweep, of a shape not compiled yet,
    is compiled by the warm-up thread, and only then trained on the kernel's thread."""
    import asyncio

    from tunelab.widgets import Controls, Session

    engine = SweepRecorder()

    async def move():
        controls = Controls(
            l2=Control([0.0, 1e-4, 1e-3, 1e-2, 3e-2], "L2 strength λ"),
            activation=Control(["relu", "sigmoid"], "Activation", "toggle"),
        )
        session = Session(
            {"dataset": "circles", "n_samples": 136},
            None,
            controls,
            engine=engine,
            event_loop=asyncio.get_running_loop(),
            show_first=True,
        )
        session.refresh()  # from code: its sweep is trained at once
        engine.compiled_before.clear()
        controls.widgets["activation"].value = "sigmoid"  # another family: a new shape
        for _ in range(1200):  # ≤ 60 s for the background compile on a loaded machine
            await asyncio.sleep(0.05)
            if session.sweep_results:
                break
        return session

    session = run_in_own_loop(move)
    assert session.config.activation == "sigmoid"
    assert {r.config.activation for r in session.sweep_results} == {"sigmoid"}
    assert engine.compiled_before == [True]
