"""`WeightHistogram` and `NeuronThumbnails`: the weights of a run, at any recorded epoch."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes

from tunelab.plots.base import CLASS_COLORS, Part, View, own_axes, weights_shown
from tunelab.training.network import SMALL_WEIGHT, hidden

if TYPE_CHECKING:
    from tunelab.training.result import TrainResult


class WeightHistogram(Part):
    """Histogram of every kernel weight (biases excluded, as L1/L2 exclude them).

    The bins are fixed so that successive results compare bar for bar; they only widen
    (to the next power of two) when a weight falls outside them. A text counts the weights
    that L1 has driven to (almost) zero. ``view.epoch`` picks the weights recorded at (or
    just before) that epoch.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        result: a `TrainResult` to show now, or None.
        symlog: symmetric-log x axis (linear within ±1e-3), to see tiny weights.
        bins: number of bins (odd, so one bin is centred on zero).

    Attributes:
        ax, figure: where it is drawn.
        bars: the BarContainer; ``bars.patches`` are updated in place.
        small_text: "|w| < 1e-3: 37 of 290 (13 %)".
        counts, edges: the current counts and bin edges.

    Example:
        >>> hist = WeightHistogram(None, result, symlog=True)
        >>> hist.update(View(result=result_with_l1, epoch=0))  # the initial weights
    """

    def __init__(
        self,
        ax: Axes | None,
        result: TrainResult | None = None,
        *,
        symlog: bool = False,
        bins: int = 41,
    ):
        if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 3:
            raise ValueError(f"Expected `bins` to be an integer >= 3. Received: bins={bins!r}")
        self.ax = ax = own_axes(ax, (5, 3.2))
        self.symlog = bool(symlog)
        self.n_bins = int(bins) | 1  # odd: a bin centred on zero
        if self.symlog:
            ax.set_xscale("symlog", linthresh=SMALL_WEIGHT, linscale=0.5)
        self.limit = 0.5
        self.edges = self._make_edges(self.limit)
        self.counts = np.zeros(self.n_bins, dtype=np.int64)
        self.bars = ax.bar(
            self.edges[:-1],
            np.zeros(self.n_bins),
            width=np.diff(self.edges),
            align="edge",
            color=CLASS_COLORS[1],
            alpha=0.75,
            edgecolor="white",
            linewidth=0.5,
        )
        self.small_text = ax.text(0.02, 0.95, "", transform=ax.transAxes, ha="left", va="top")
        ax.set_xlabel("kernel weight value w")
        ax.set_ylabel("number of weights")
        ax.set_xlim(-self.limit, self.limit)
        self.update(View(result=result), draw=False)

    def _make_edges(self, limit: float) -> np.ndarray:
        if not self.symlog:
            return np.linspace(-limit, limit, self.n_bins + 1)
        # Even widths on screen: space the edges evenly in the axis's own symlog coordinate.
        scale = self.ax.xaxis.get_transform()
        ends = scale.transform(np.array([[-limit], [limit]])).ravel()
        inner = np.linspace(ends[0], ends[1], self.n_bins + 1)
        edges = scale.inverted().transform(inner[:, None]).ravel()
        edges[0], edges[-1] = -limit, limit
        return edges

    def _show(self, view: View) -> None:
        result = view.result
        if result is None:
            w = np.empty(0)
        else:
            kernels = weights_shown(result, view.epoch)[0::2]
            w = np.concatenate([np.ravel(k) for k in kernels] or [np.empty(0)])
        w = w[np.isfinite(w)].astype(np.float64)
        largest = float(np.abs(w).max()) if len(w) else 0.0
        if largest >= self.limit:
            self.limit = float(2.0 ** math.ceil(math.log2(largest * 1.0001)))
            self.edges = self._make_edges(self.limit)
            for patch, left, width in zip(
                self.bars.patches, self.edges[:-1], np.diff(self.edges), strict=True
            ):
                patch.set_x(left)
                patch.set_width(width)
            self.ax.set_xlim(-self.limit, self.limit)
        self.counts, _ = np.histogram(w, bins=self.edges)
        for patch, count in zip(self.bars.patches, self.counts, strict=True):
            patch.set_height(count)
        self.ax.set_ylim(0, max(int(self.counts.max()), 1) * 1.1)
        if len(w):
            small = int(np.count_nonzero(np.abs(w) < SMALL_WEIGHT))
            self.small_text.set_text(
                f"|w| < 1e-3: {small} of {len(w)} ({100 * small / len(w):.0f} %)"
            )
        else:
            self.small_text.set_text("")


class NeuronThumbnails(Part):
    """What each unit of the first hidden layer responds to, over the input plane.

    Like TensorFlow Playground's neuron tiles: every unit's activation on the decision
    grid, scaled to its own range, tiled into one image (so an update is one
    ``set_array``). Shows up to ``max_units`` units, with the weights recorded at
    ``view.epoch``.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        result: a `TrainResult` of a network with a hidden layer on 2-D data.
        max_units: how many units to show (the first ones).

    Attributes:
        image: the tiled image; ``tiles`` is the (rows, cols) layout.
        message: the note shown when there is no hidden layer to show.

    Example:
        >>> thumbs = NeuronThumbnails(ax, result)
        >>> thumbs.update(View(result=result, epoch=10))
    """

    def __init__(self, ax: Axes | None, result: TrainResult | None = None, *, max_units: int = 16):
        if isinstance(max_units, bool) or not isinstance(max_units, int | np.integer):
            raise TypeError(f"Expected `max_units` to be an integer. Received: {max_units!r}")
        if max_units < 1:
            raise ValueError(f"Expected `max_units` >= 1. Received: max_units={max_units}")
        self.ax = ax = own_axes(ax, (3, 3))
        self.max_units = int(max_units)
        self.image = ax.imshow(
            np.full((2, 2), 0.5), cmap="PuOr", vmin=0.0, vmax=1.0, origin="lower"
        )
        self.tiles = (1, 1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title("first-layer units", fontsize="small")
        self.message = ax.text(
            0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", fontsize="small"
        )
        self.update(View(result=result), draw=False)

    def _show(self, view: View) -> None:
        result = view.result
        if (
            result is None
            or result.grid_shape is None
            or len(result.weights) < 4
            or result.grid_inputs is None
        ):
            self.image.set_visible(False)
            self.message.set_text("" if result is None else "no hidden layer to show")
            return
        weights = weights_shown(result, view.epoch)
        first = hidden(weights, result.config.activation, result.grid_inputs, layer=0)
        h = np.asarray(first, np.float64)[:, : self.max_units]
        g = result.grid_shape[0]
        units = h.shape[1]
        cols = int(math.ceil(math.sqrt(units)))
        rows = int(math.ceil(units / cols))
        tile = g + 2  # a two-pixel white gutter between tiles
        mosaic = np.full((rows * tile, cols * tile), np.nan)
        low, high = h.min(axis=0), h.max(axis=0)
        span = np.where(high - low > 1e-9, high - low, 1.0)
        scaled = (h - low) / span
        for unit in range(units):
            r, c = divmod(unit, cols)
            r = rows - 1 - r  # first unit at the top left
            mosaic[r * tile : r * tile + g, c * tile : c * tile + g] = scaled[:, unit].reshape(g, g)
        mosaic = np.where(np.isfinite(mosaic), mosaic, 0.5)
        self.image.set_data(mosaic)
        self.image.set_extent((0, cols * tile, 0, rows * tile))
        self.image.set_visible(True)
        self.tiles = (rows, cols)
        self.message.set_text("")
