"""`FigureDrawer`: one redraw of a panel's figure that costs what changed.

A full draw of a figure by Agg lays it out, draws every tick, label and legend, and, on
ipympl, encodes the whole picture. On a slider move most of that stays the same: only
what the parts show inside their Axes changes. So the drawer keeps a background (the
figure drawn without the parts' artists: frame, ticks, tick labels, axis labels) and, per
move, restores it, draws the parts' artists on top (``Axes.draw_artist``) and blits.

The background is only valid while the frame stays the same: the drawer compares each
Axes' position, limits, scales, labels and title, the figure's texts and the canvas size
with what they were at the last full draw, and draws the figure whole (and so lays it
out again) when any of them changed, when the canvas drew itself (a resize, the browser
asking for a fresh image) or when a part is not a `Part` (a lesson's own plot kind may
change anything).

A blitted frame is pixel for pixel the frame a full draw gives: the artists are drawn in
the order ``Axes.draw`` draws them, over a background that lacks exactly those artists.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure

from tunelab.plots.base import Part


def can_blit(canvas: Any) -> bool:
    """Whether ``canvas`` shows a blitted frame: ipympl's (and webagg's) canvas, GUI canvases.

    ipympl's canvas keeps matplotlib's ``supports_blit = False`` (its early versions lost
    frames), but its ``blit`` sends the changed pixels to the browser as a draw does. Agg
    alone has no screen to blit to.

    Example:
        >>> can_blit(fig.canvas)  # False on Agg, True on ipympl
        False
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not (hasattr(canvas, "copy_from_bbox") and hasattr(canvas, "restore_region")):
        return False
    if sends_frames(canvas):
        return True
    return bool(getattr(canvas, "supports_blit", False)) and type(canvas) is not FigureCanvasAgg


def sends_frames(canvas: Any) -> bool:
    """Whether ``canvas.draw()`` itself sends the picture to a browser (ipympl, webagg)."""
    return hasattr(getattr(canvas, "manager", None), "refresh_all")


class FigureDrawer:
    """Draws a figure of parts once per move: blitted when only the parts' artists changed.

    Args:
        figure: the Figure the parts are drawn in.
        parts: the parts (each with its ``ax``); anything that is not a `Part` makes
            every draw a full one.
        blit: blit over a cached background; None: when the canvas shows blitted frames
            (`can_blit`). On Agg, ``blit=True`` draws into the canvas' buffer the same way
            (what the tests check against a full draw).

    Attributes:
        blits: frames drawn by blitting so far.
        full_draws: frames drawn whole so far (requested, on canvases that draw later).

    Example:
        >>> drawer = FigureDrawer(fig, parts)
        >>> for part in parts: part.update(view, draw=False)
        >>> drawer.draw()
    """

    def __init__(self, figure: Figure, parts: Sequence[Any], *, blit: bool | None = None):
        self.figure = figure
        self.parts = list(parts)
        canvas = figure.canvas
        self.blit = can_blit(canvas) if blit is None else bool(blit)
        self.blits = 0
        self.full_draws = 0
        self._background: Any = None
        self._frame: tuple | None = None  # the frame's signature at the last full draw
        canvas.mpl_connect("draw_event", self._on_draw)
        canvas.mpl_connect("resize_event", self._forget)

    @property
    def blittable(self) -> bool:
        """Whether every part promises to change only artists inside its own Axes."""
        return self.blit and all(isinstance(part, Part) for part in self.parts)

    def draw(self) -> str:
        """Show the parts' current state: ``"blit"`` or ``"full"``, whichever was drawn.

        A blit needs the frame of the last full draw; anything else draws the figure whole:
        ``canvas.draw()`` on a canvas that sends its frames itself and has drawn before,
        so the picture goes out now rather than after a round trip to the browser;
        ``draw_idle`` elsewhere.
        """
        canvas = self.figure.canvas
        if not self.blittable or self._frame is None or self._frame != self.signature():
            self.full_draws += 1
            self._background = None
            if self._frame is not None and sends_frames(canvas):
                canvas.draw()
            else:  # Agg draws now; a browser not yet showing the figure asks when it is
                canvas.draw_idle()
            return "full"
        layers = self.layers()
        if self._background is None:
            self._background = self._capture(layers)
        else:
            canvas.restore_region(self._background)
        for ax, artists in layers:
            for artist in artists:
                ax.draw_artist(artist)
        canvas.blit(self.figure.bbox)
        self.blits += 1
        return "blit"

    def layers(self) -> list[tuple[Axes, list[Artist]]]:
        """Per Axes of a part, the artists a blit redraws, in ``Axes.draw``'s order.

        Everything inside the Axes except its patch and its axis objects (ticks and tick
        labels point out of the Axes and stay in the background), unless grid lines are
        on: they lie under the data, so the axis is redrawn too.
        """
        seen: list[Axes] = []
        for part in self.parts:
            if part.ax not in seen:
                seen.append(part.ax)
        layers = []
        for ax in seen:
            grid = any(line.get_visible() for line in (*ax.get_xgridlines(), *ax.get_ygridlines()))
            artists = [
                a
                for a in ax.get_children()
                if a is not ax.patch and (grid or not isinstance(a, Axis))
            ]
            artists.sort(key=lambda a: a.get_zorder())
            layers.append((ax, artists))
        return layers

    def signature(self) -> tuple:
        """What a blit keeps from the last full draw: size, Axes frames, figure texts."""
        figure = self.figure
        frames = tuple(
            (
                tuple(ax.get_position().bounds),
                ax.get_xlim(),
                ax.get_ylim(),
                ax.get_xscale(),
                ax.get_yscale(),
                ax.get_xlabel(),
                ax.get_ylabel(),
                ax.get_title(),
                ax.get_visible(),
            )
            for ax in figure.axes
        )
        texts = tuple(t.get_text() for t in figure.texts)
        return (figure.canvas.get_width_height(physical=True), figure.dpi, frames, texts)

    # ------------------------------------------------------------------ internals

    def _capture(self, layers: Iterable[tuple[Axes, list[Artist]]]) -> Any:
        """Draw the figure without the layers' artists, keep it, then leave it drawn.

        Drawn by hand rather than with ``Figure.draw``: no layout is run (the layout is
        the last full draw's, which the signature still matches) and no frame is sent.
        """
        canvas, figure = self.figure.canvas, self.figure
        hidden = [(a, a.get_visible()) for _, artists in layers for a in artists]
        for artist, _ in hidden:
            artist.set_visible(False)
        try:
            renderer = canvas.get_renderer()
            renderer.clear()
            figure.patch.draw(renderer)
            children = [a for a in figure.get_children() if a is not figure.patch]
            for artist in sorted(children, key=lambda a: a.get_zorder()):
                if not artist.get_animated():
                    artist.draw(renderer)
            background = canvas.copy_from_bbox(figure.bbox)
        finally:
            for artist, visible in hidden:
                artist.set_visible(visible)
        return background

    def _on_draw(self, event: Any) -> None:
        # A full draw, ours or the canvas' own (resize, a fresh image for the browser):
        # the frame may have moved, so the background is taken again from it.
        self._background = None
        self._frame = self.signature()

    def _forget(self, event: Any = None) -> None:
        self._background, self._frame = None, None
