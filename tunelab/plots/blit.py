"""`FigureDrawer`: one redraw of a panel's figure that costs what changed.

A full draw of a figure by Agg draws every tick, tick label, axis label and legend, most
of its cost; on a slider move only what the parts show inside their Axes changes. So the
drawer keeps a background (the figure drawn without the parts' artists: its frames,
ticks and tick labels, colorbars) and per move restores it, draws the parts' artists on
top (``Axes.draw_artist``, in the order ``Axes.draw`` draws them) and blits, which on
ipympl sends the changed pixels to the browser at once.

The background is taken during a full draw: the parts' artists are set ``animated`` for
that draw only (so `Figure.draw` leaves them out), the background is copied when the
draw ends (matplotlib's ``draw_event``) and the artists are drawn on top before the
frame is sent; a saved or downloaded figure is always drawn whole. It is only valid
while the frame stays the same: the drawer compares the figure's `SteadyLayout`
signature (size, dpi, each Axes' limits, scales, labels, title lines), the number of
artists in each part's Axes and whether grid lines are on with what they were when the
background was taken, and draws the figure whole when any of them changed or a part is
not a `Part` (a lesson's own plot kind may change anything).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.legend import Legend

from tunelab.plots.base import Part, SteadyLayout


def sends_frames(canvas: Any) -> bool:
    """Whether ``canvas.draw()`` itself sends the picture to a browser (ipympl, webagg)."""
    return hasattr(getattr(canvas, "manager", None), "refresh_all")


class FigureDrawer:
    """Draws a figure of parts once per move: blitted when only the parts' artists changed.

    Args:
        figure: the Figure the parts are drawn in.
        parts: the parts (each with its ``ax``); anything that is not a `Part` makes
            every draw a full one.
        blit: blit over a cached background (a panel passes True once its figure is
            shown by ipympl); False: always draw whole.

    Attributes:
        blits: frames drawn by blitting so far.
        full_draws: frames drawn whole by `draw` so far.

    Example:
        >>> drawer = FigureDrawer(fig, parts, blit=True)
        >>> for part in parts: part.update(view, draw=False)
        >>> drawer.draw()
        'full'
    """

    def __init__(self, figure: Figure, parts: Sequence[Any], *, blit: bool = True):
        self.figure = figure
        self.parts = list(parts)
        self.blit = bool(blit)
        self.blits = 0
        self.full_draws = 0
        self._background: Any = None
        self._frame: tuple | None = None
        self._capturing: list[tuple[Axes, list[Artist]]] | None = None
        self._overlays: dict[int, _Overlay] = {}
        figure.canvas.mpl_connect("draw_event", self._on_draw)

    @property
    def blittable(self) -> bool:
        """Whether every part promises to change only artists inside its own Axes."""
        return self.blit and all(isinstance(part, Part) for part in self.parts)

    def draw(self) -> str:
        """Draw the parts' current state now: ``"blit"`` or ``"full"``, whichever it was."""
        canvas = self.figure.canvas
        if not self.blittable:
            self.full_draws += 1
            canvas.draw()
            return "full"
        layers = self.layers()
        if self._background is None or self._frame != self.frame(layers):
            self.full_draws += 1
            self._draw_capturing(layers)
            return "full"
        canvas.restore_region(self._background)
        for ax, artists in layers:
            for artist in artists:
                overlay = self._overlays.get(id(artist))
                if overlay is not None and overlay.still(artist):
                    overlay.draw(canvas.get_renderer())
                    continue
                self._overlays.pop(id(artist), None)  # changed: drawn as itself from now on
                ax.draw_artist(artist)
        canvas.blit(self.figure.bbox)
        self.blits += 1
        return "blit"

    def layers(self) -> list[tuple[Axes, list[Artist]]]:
        """Per Axes of a part, the artists a blit redraws, in ``Axes.draw``'s order.

        Everything inside the Axes except its patch and its axis objects (ticks and tick
        labels point out of the Axes and stay in the background), unless grid lines are
        on or ticks point in: then the axis is redrawn too, as it lies over the data.
        """
        seen: list[Axes] = []
        for part in self.parts:
            if part.ax not in seen:
                seen.append(part.ax)
        layers = []
        for ax in seen:
            # What `Axes.draw` leaves out: the patch, the spines of a frameless Axes.
            skip = [ax.patch]
            if not (ax.axison and ax.get_frame_on()):
                skip += list(ax.spines.values())
            redraw_axis = ax.axison and _axis_over_data(ax)
            artists = [
                a
                for a in ax.get_children()
                if all(a is not s for s in skip) and (redraw_axis or not isinstance(a, Axis))
            ]
            artists.sort(key=lambda a: a.get_zorder())
            layers.append((ax, artists))
        return layers

    def frame(self, layers: list[tuple[Axes, list[Artist]]]) -> tuple:
        """What a blit keeps from the background: the layout's frame, the layers' shape."""
        canvas = self.figure.canvas
        shape = tuple((id(ax), len(artists)) for ax, artists in layers)
        size = canvas.get_width_height(physical=True)
        return (size, SteadyLayout.signature(self.figure), shape)

    def forget(self) -> None:
        """Drop the background (the next draw is a full one)."""
        self._background, self._frame = None, None

    # ------------------------------------------------------------------ internals

    def _draw_capturing(self, layers: list[tuple[Axes, list[Artist]]]) -> None:
        """A full draw that leaves the layers out, keeps that background, then adds them."""
        flags = [(a, a.get_animated()) for _, artists in layers for a in artists]
        for artist, _ in flags:
            artist.set_animated(True)
        self._capturing = layers
        try:
            self.figure.canvas.draw()
        finally:
            self._capturing = None
            for artist, animated in flags:
                artist.set_animated(animated)
        self._frame = self.frame(layers)

    def _on_draw(self, event: Any) -> None:
        layers = self._capturing
        if layers is None:
            return  # a full draw of everything (the browser asked, a resize): nothing kept
        canvas = self.figure.canvas
        self._background = canvas.copy_from_bbox(self.figure.bbox)
        for _, artists in layers:
            for artist in artists:
                artist.set_animated(False)
        for ax, artists in layers:
            for artist in artists:
                ax.draw_artist(artist)
        # A legend is the same picture on every move and the last thing drawn in its
        # Axes: kept as an image, it costs one composite instead of its text and boxes.
        self._overlays = {}
        for _, artists in layers:
            last = artists[-1] if artists else None
            if isinstance(last, Legend) and last.get_visible():
                self._overlays[id(last)] = _Overlay.of(last, self.figure)


def _axis_over_data(ax: Axes) -> bool:
    """Whether ``ax``'s axes draw over its data: grid lines on, or ticks pointing in."""
    for axis in (ax.xaxis, ax.yaxis):
        lines = (*axis.get_gridlines(),)
        if any(line.get_visible() for line in lines):
            return True
        ticks = axis.get_major_ticks()
        if ticks and getattr(ticks[0], "_tickdir", "out") != "out":
            return True
    return False


class _Overlay:
    """An artist drawn once on a transparent canvas, composited again by `draw`."""

    def __init__(self, x: int, y: int, rgba: np.ndarray, box: tuple):
        self.x, self.y, self.rgba, self.box = x, y, rgba, box

    def still(self, artist: Artist) -> bool:
        """Whether ``artist`` is unchanged and where it was (a legend placed at its "best"
        spot moves with the data)."""
        return not artist.stale and tuple(artist.get_window_extent().bounds) == self.box

    @classmethod
    def of(cls, artist: Artist, figure: Figure) -> _Overlay:
        from matplotlib.backends.backend_agg import RendererAgg

        width, height = figure.canvas.get_width_height(physical=True)
        renderer = RendererAgg(width, height, figure.dpi)
        artist.draw(renderer)
        box = artist.get_window_extent(renderer)
        x0, y0 = max(int(np.floor(box.x0)) - 2, 0), max(int(np.floor(box.y0)) - 2, 0)
        x1 = min(int(np.ceil(box.x1)) + 2, width)
        y1 = min(int(np.ceil(box.y1)) + 2, height)
        pixels = np.asarray(renderer.buffer_rgba())  # rows from the top
        # `draw_image` takes rows from the bottom, as the y axis of the canvas runs.
        rgba = pixels[height - y1 : height - y0, x0:x1][::-1].copy()
        return cls(x0, y0, rgba, tuple(box.bounds))

    def draw(self, renderer: Any) -> None:
        gc = renderer.new_gc()
        try:
            renderer.draw_image(gc, self.x, self.y, self.rgba)
        finally:
            gc.restore()
