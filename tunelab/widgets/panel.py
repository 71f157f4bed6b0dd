"""`Panel`: lays out a `Session`'s controls, its figure of plot parts and a status line.

The panel only draws: on every refresh of its session it hands the same `View` to each
part (``part.update(view, draw=False)``) and asks the figure for one redraw. A part is
any class with ``from_view(ax, view, **options)`` and ``update(view, *, draw=True)``
(`tunelab.plots.Part`), a lesson's own included; built-in ones can be named by a short
kind (``"boundary"``, ``"loss"`` …).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any, ClassVar

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt

from tunelab import plots
from tunelab.datasets import Dataset
from tunelab.plots import View
from tunelab.plots.blit import FigureDrawer, sends_frames
from tunelab.training import TrainConfig, TrainResult
from tunelab.widgets.controls import Control, Controls
from tunelab.widgets.parts import PartSpec, build_part
from tunelab.widgets.session import Session
from tunelab.widgets.settings import decode_settings, encode_settings, values_from_positions
from tunelab.widgets.timeline import Timeline

_STYLE = """
<style>
.tunelab-status { font-family: var(--jp-ui-font-family, sans-serif); font-size: 13px;
  padding: 4px 8px; border-radius: 4px; background: #f2f2f2; color: #222; }
.tunelab-status.warn { background: #fff1d6; color: #7a4b00; border: 1px solid #e0a030; }
.tunelab-status.error { background: #fde2e1; color: #8a1c14; border: 1px solid #d0453a; }
.tunelab-status.busy { background: #e8eefc; color: #1d3f8a; }
</style>
"""


def widget_backend_active() -> bool:
    """Whether figures are live ipympl widgets (``%matplotlib widget``)."""
    return "ipympl" in matplotlib.get_backend() or matplotlib.get_backend() == "widget"


class Panel:
    """A live lesson panel: controls that retrain, plots that follow, a status line.

    Args:
        data: a `Session`, or what a session is built from: a dict of dataset settings
            or a `Dataset` (then ``config`` and ``controls`` too).
        config: the starting `TrainConfig`.
        controls: `Control` knobs in display order, or a `Controls`.
        plots: the parts, left to right: `tunelab.plots` part classes (a lesson's own
            too), ``(PartClass, options)`` pairs, or built-in kinds (`PLOT_KINDS`).
        parts: the same as ``plots`` (the name the public API uses).
        values: starting values of controls that are not config or data fields.
        title: a heading shown above the controls.
        hidden, locked: fields whose controls are hidden / shown but fixed (teacher mode).
        precompute, sweep_field, engine: passed to the `Session`.

    Example:
        >>> panel = Panel({"dataset": "moons"}, TrainConfig(hidden=(16, 16)),
        ...               [Control("l2", log_values(1e-5, 0.1, zero=True), "L2 strength λ")])
    """

    registry: ClassVar[dict[str, type[Panel]]] = {}
    #: The `Session` class a panel built from data, config and controls uses.
    session_class: ClassVar[type[Session]] = Session
    #: Mark misclassified points with ✕ on the decision boundary.
    show_misclassified: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Panel.registry[cls.__name__] = cls

    def __init__(
        self,
        data: Session | dict | Dataset | None = None,
        config: TrainConfig | None = None,
        controls: Sequence[Control] | Controls = (),
        plots: Sequence[PartSpec] = ("boundary", "loss"),
        *,
        parts: Sequence[PartSpec] | None = None,
        values: dict[str, Any] | None = None,
        title: str = "",
        hidden: Sequence[str] = (),
        locked: Sequence[str] = (),
        precompute: bool = True,
        sweep_field: str | None = None,
        engine: Any = None,
        figsize: tuple[float, float] | None = None,
    ):
        if isinstance(data, Session):
            self.session = data
        else:
            if not isinstance(controls, Controls):
                controls = Controls(controls, values=values, hidden=hidden, locked=locked)
            self.session = self.session_class(
                data, config, controls, precompute=precompute, sweep_field=sweep_field,
                engine=engine,
            )  # fmt: skip
        self.controls = self.session.controls
        self.title = title
        self.timeline = Timeline(on_epoch=self.show_epoch, on_reset=self.reset)
        self.status = widgets.HTML(layout=widgets.Layout(min_height="28px"))
        self.status_text = ""
        self.settings_text = widgets.Text(
            description="Settings",
            layout=widgets.Layout(width="520px"),
            style={"description_width": "60px"},
        )
        self._build_figure(tuple(plots if parts is None else parts), figsize)
        self.session.observe(self._show)
        self.session.observe_status(self._set_status)
        self.session.refresh(None)

    # ------------------------------------------------------------------ what it shows

    def _build_figure(self, specs: tuple[PartSpec, ...], figsize) -> None:
        size = figsize or (3.6 * len(specs) + 0.4, 3.3)
        # ipympl shows every figure made while interactive mode is on; the panel shows
        # its figure inside its own layout, so make it with interactive mode off.
        with plt.ioff():
            self.figure, axes = plots.new_figure(1, len(specs), figsize=size, squeeze=False)
        view = self.session.view()
        mark = {"show_misclassified": self.show_misclassified}
        self.parts = [build_part(s, ax, view, mark) for s, ax in zip(specs, axes[0], strict=True)]
        self.drawer = FigureDrawer(self.figure, self.parts)
        canvas = self.figure.canvas
        #: Whether ipympl's browser view of the figure has spoken (its first message): from
        #: then on a move sends its picture without waiting to be asked for it (`draw`).
        self.shown_in_browser = False
        if isinstance(canvas, widgets.DOMWidget):
            canvas.on_msg(self._on_canvas_message)
        self.canvas_widget = canvas if isinstance(canvas, widgets.DOMWidget) else widgets.Output()
        rows = [widgets.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        rows += [widgets.HTML(_STYLE), self.controls_box(), self.canvas_widget, self.status]
        rows += [widgets.HBox(self.timeline_widgets()), self.settings_text]
        self.layout = widgets.VBox(rows)

    def _show(self, view: View) -> None:
        for part in self.parts:
            part.update(view, draw=False)
        self.draw(now=self.session.widget_move)
        self.timeline.follow(view.result)
        self.settings_text.value = self.settings

    def show_epoch(self, epoch: int) -> None:
        """Scrub through the current run: surfaces and cursors at ``epoch``, no training."""
        if self.result is None:
            return
        try:
            view = self.session.view(epoch=int(epoch))
            for part in self.parts:
                part.update(view, draw=False)
            self.draw()
        except Exception as exc:
            self._set_status(f"{type(exc).__name__}: {exc}", "error")

    def draw(self, now: bool = True) -> None:
        """Draw the figure once for the parts' new state; ``now``: send it to the browser now.

        On ipympl, ``draw_idle`` only asks the browser to ask back for a new image: a
        round trip through the kernel's message queue, behind any work queued there (a
        slider's precompute, the next moves of a drag). For a learner's move (and the
        timeline), once the browser has shown the figure, the panel draws it at once
        instead, so the picture of the position just chosen goes out before anything else
        runs, and only what changed is drawn: the parts' artists blitted over the
        figure's cached frame (`FigureDrawer`) while the frame holds still. Otherwise
        (moves from code, which a cell may make many of in a row, and on other backends)
        ``draw_idle``, which the browser coalesces.
        """
        canvas = self.figure.canvas
        if now and self.shown_in_browser and sends_frames(canvas):
            self.drawer.draw()
        else:
            canvas.draw_idle()

    def _on_canvas_message(self, widget: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and content.get("type") in ("initialized", "draw", "refresh"):
            self.shown_in_browser = True

    def _set_status(self, text: str, style: str = "") -> None:
        if not widget_backend_active():
            text += (
                " — figures are static: run `%matplotlib widget` in a cell above, "
                "then re-run this one."
            )
            style = style or "warn"
        self.status_text = text
        self.status.value = f'<div class="tunelab-status {style}">{html.escape(text)}</div>'

    # ------------------------------------------------------------------ layout hooks

    def controls_box(self) -> widgets.Box:
        """How the controls are laid out (one per row; subclasses may use a grid)."""
        return self.controls.box()

    def timeline_widgets(self) -> list[widgets.Widget]:
        """The row under the status line: Play, the epoch slider and Reset."""
        t = self.timeline
        return [t.play, t.epoch_slider, t.reset_button]

    def _ipython_display_(self):
        from IPython.display import display

        if not isinstance(self.canvas_widget, widgets.DOMWidget):
            with self.canvas_widget:
                display(self.figure)
        display(self.layout)

    # ------------------------------------------------------------------ moving from code

    def set(self, **values: Any) -> TrainResult | None:
        """Move controls from code and refresh at once.

        Example:
            >>> panel.set(dropout=0.5)
            >>> panel.status_text
        """
        self.controls.set(**values)
        return self.result

    def reset(self) -> None:
        """Back to the starting settings."""
        self.session.reset()

    @property
    def settings(self) -> str:
        """A short URL-safe string of every control position; `from_settings` restores it."""
        c = self.controls
        return encode_settings(type(self).__name__, c.positions(), hidden=c.hidden, locked=c.locked)

    decode_settings = staticmethod(decode_settings)

    def apply_settings(self, settings: str) -> None:
        """Move every control to the positions a settings string records."""
        payload = decode_settings(settings)
        self.controls.set(**values_from_positions(self.controls, payload["values"]))

    @classmethod
    def from_settings(cls, settings: str, **kwargs: Any) -> Panel:
        """Rebuild a ready-made panel exactly as `settings` recorded it.

        Example:
            >>> DropoutPanel.from_settings(DropoutPanel().settings)
        """
        payload = decode_settings(settings)
        target = Panel.registry.get(payload.get("panel"))
        if cls is Panel:
            if target is None:
                raise ValueError(f"Unknown panel in settings: {payload.get('panel')!r}")
            cls = target
        elif target is not cls:
            raise ValueError(f"These settings are for {payload.get('panel')}, not {cls.__name__}.")
        kwargs.setdefault("hidden", payload.get("hidden", ()))
        kwargs.setdefault("locked", payload.get("locked", ()))
        panel = cls(**kwargs)
        panel.apply_settings(settings)
        return panel

    # ------------------------------------------------------------------ the session's state

    engine = property(lambda self: self.session.engine, doc="What trains.")
    values = property(lambda self: self.controls.values, doc="Current control values.")
    widgets = property(lambda self: self.controls.widgets, doc="The control widgets by field.")
    result = property(lambda self: self.session.result, doc="The `TrainResult` shown.")
    data = property(lambda self: self.session.data, doc="The `Dataset` trained on.")
    config = property(lambda self: self.session.config, doc="The `TrainConfig` trained.")
    sweep_results = property(lambda self: self.session.sweep_results, doc="The sweep shown.")
    trainings = property(lambda self: self.session.trainings, doc="Refreshes so far.")
    last_latency_ms = property(lambda self: self.session.last_latency_ms, doc="Last refresh.")
    epoch_slider = property(lambda self: self.timeline.epoch_slider, doc="The epoch slider.")
    play = property(lambda self: self.timeline.play, doc="The Play button.")
    reset_button = property(lambda self: self.timeline.reset_button, doc="The Reset button.")
    hidden = property(lambda self: self.controls.hidden, doc="Hidden controls.")
    locked = property(lambda self: self.controls.locked, doc="Locked controls.")
