"""What every plot part shares: `View`, `Part`, the colours and `new_figure`.

A part is built once on an Axes and then shown many states of a panel with
``update(view)``: only its artists' data change (``set_data``, ``set_array``,
``set_offsets``, ``set_verts``, ``set_text``), nothing is cleared or re-created, so a
slider can drive it at interactive speed in Jupyter with the ipympl backend.

Plots only read results: this package imports numpy, matplotlib and the numpy network
(`tunelab.training.network`), never TensorFlow; `TrainResult` is named for type checkers
only.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from tunelab.datasets import Dataset

if TYPE_CHECKING:  # the training package imports TensorFlow; plots only read results
    from tunelab.training.result import TrainResult

# Orange / purple from ColorBrewer's PuOr (TensorFlow Playground's orange/blue idea, but
# safe for red-green colour blindness), and Dark2's green for the third class.
CLASS_COLORS: tuple[str, ...] = ("#e66101", "#5e3c99", "#1b9e77")
# Okabe-Ito blue / vermillion for training / validation curves, told apart by dash too.
TRAIN_COLOR = "#0072b2"
VAL_COLOR = "#d55e00"
MARK_COLOR = "#222222"


def mix_with_white(color: str, white: float) -> tuple[float, float, float]:
    """``color`` blended with ``white`` parts of white: pale backgrounds keep points visible.

    Example:
        >>> mix_with_white("#e66101", 0.5)
        (0.95..., 0.69..., 0.50...)
    """
    rgb = np.asarray(to_rgb(color))
    return tuple(float(v) for v in rgb + (1.0 - rgb) * white)


# Pale near p = 0.5 with a white seam and a quick hue flip, so the decision boundary reads
# as a line even though there is no contour (contours cannot be updated in place).
PROBABILITY_CMAP = LinearSegmentedColormap.from_list(
    "tunelab_probability",
    [
        (0.0, mix_with_white(CLASS_COLORS[0], 0.25)),
        (0.46, mix_with_white(CLASS_COLORS[0], 0.75)),
        (0.5, (1.0, 1.0, 1.0)),
        (0.54, mix_with_white(CLASS_COLORS[1], 0.75)),
        (1.0, mix_with_white(CLASS_COLORS[1], 0.25)),
    ],
)


def class_colors(y: np.ndarray) -> np.ndarray:
    """One RGBA row of `CLASS_COLORS` per label in ``y``.

    Example:
        >>> class_colors(np.array([0, 1, 1])).shape
        (3, 4)
    """
    rgba = np.array([to_rgba(c) for c in CLASS_COLORS])
    return rgba[np.clip(np.asarray(y).astype(int), 0, len(CLASS_COLORS) - 1)]


def new_figure(
    nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float] = (8, 3.2), **kwargs: Any
) -> tuple[Figure, Any]:
    """A figure for a lesson: constrained layout, and no ipympl header or footer.

    Args:
        nrows, ncols: grid of axes, as for ``plt.subplots``.
        figsize: width and height in inches.
        **kwargs: passed on to ``plt.subplots`` (e.g. ``sharex=True``).

    Returns:
        ``(fig, ax)`` exactly as ``plt.subplots`` returns them.

    Example:
        >>> fig, (ax1, ax2) = new_figure(1, 2)
        >>> LossCurves(ax1, result); AccuracyCurves(ax2, result)
    """
    kwargs.setdefault("layout", "constrained")
    steady = kwargs["layout"] == "constrained"
    if steady:
        kwargs["layout"] = None
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, **kwargs)
    if steady:
        # Room between side-by-side plots, so a colorbar's label and the next plot's
        # axis label never touch.
        fig.set_layout_engine(SteadyLayout(wspace=0.06))
    canvas = fig.canvas
    # ipympl's "Figure 1" header and coordinate footer are clutter in a lesson; other
    # backends lack these attributes, so only set the ones that exist.
    # ipympl 0.10 keeps a PNG "data URL" of any draw made before the browser has set the
    # figure up, stored without its data: prefix; the browser then fails to load it and
    # the figure stays blank. The browser asks for a fresh image once it is ready anyway.
    if hasattr(canvas, "syncing_data_url"):
        canvas.syncing_data_url = False
    for name, value in (
        ("header_visible", False),
        ("footer_visible", False),
        ("toolbar_position", "right"),
    ):
        if hasattr(canvas, name):
            setattr(canvas, name, value)
    return fig, axes


class SteadyLayout(ConstrainedLayoutEngine):
    """Constrained layout that lays a figure out again only when its frame changed.

    Matplotlib's constrained layout measures every tick label, axis label and title on
    each draw, about 40 % of a panel's redraw. A slider move mostly changes what is inside
    the Axes (an image, curves, points), not the frame around them, so this engine keeps
    the last layout while the frame's `signature` (canvas size, dpi, each Axes' limits,
    scales, labels, title lines and visibility, the figure's texts) is what it was, and
    runs the full layout whenever any of it changed. `new_figure` uses it for
    ``layout="constrained"``, its default.

    Attributes:
        layouts: how many times the layout was worked out.

    Example:
        >>> fig, ax = new_figure()
        >>> fig.get_layout_engine().layouts
        0
    """

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.layouts = 0
        self._signature: tuple | None = None

    def execute(self, fig: Figure) -> Any:
        # New pads or spaces (`set`) lay the figure out again too.
        params = tuple(sorted((k, repr(v)) for k, v in self._params.items()))
        if (params, self.signature(fig)) == self._signature:
            return None
        self.layouts += 1
        out = super().execute(fig)
        self._signature = params, self.signature(fig)  # the layout moves what it measures
        return out

    @staticmethod
    def signature(fig: Figure) -> tuple:
        """What the layout depends on, beside the text inside the Axes."""
        frames = tuple(
            (
                tuple(ax.get_position().bounds),
                ax.get_xlim(),
                ax.get_ylim(),
                ax.get_xscale(),
                ax.get_yscale(),
                ax.get_xlabel(),
                ax.get_ylabel(),
                # A title's width does not move the layout, its number of lines does.
                tuple(
                    ax.get_title(loc).count("\n") + bool(ax.get_title(loc))
                    for loc in ("left", "center", "right")
                ),
                ax.get_visible(),
                ax.xaxis.get_visible(),
                ax.yaxis.get_visible(),
            )
            for ax in fig.axes
        )
        texts = tuple((t.get_text(), t.get_visible()) for t in fig.texts)
        size = tuple(fig.get_size_inches())
        return (size, fig.dpi, frames, texts, len(fig.legends))


def own_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax`` itself, or the Axes of a new figure of ``figsize`` when ``ax`` is None."""
    if ax is None:
        return new_figure(figsize=figsize)[1]
    if not isinstance(ax, Axes):
        raise TypeError(
            f"Expected `ax` to be a matplotlib Axes or None. Received: {type(ax).__name__}"
        )
    return ax


def format_value(value: float) -> str:
    """Two decimals, or two significant digits for small numbers (a gap of 0.003)."""
    if not math.isfinite(value):
        return "–"
    if value != 0 and abs(value) < 0.01:
        return f"{value:.2g}"
    return f"{value:.2f}"


def finite_xy(
    x: np.ndarray, y: np.ndarray, positive: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The points of ``(x, y)`` an artist can show: finite, and above 0 for a log axis."""
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    keep = np.isfinite(x) & np.isfinite(y)
    if positive:
        keep &= y > 0
    return x[keep], y[keep]


def snapshot_index(result: TrainResult, epoch: int) -> int:
    """The recorded weights at or before ``epoch``, as ``TrainResult.surface_at`` picks."""
    return max(int(np.searchsorted(result.snapshot_epochs, epoch, side="right")) - 1, 0)


def weights_shown(result: TrainResult, epoch: int | None) -> list[np.ndarray]:
    """The final weights (epoch None) or those recorded at or before ``epoch``."""
    if epoch is None:
        return list(result.weights)
    return list(result.weights_at(snapshot_index(result, epoch)))


def check_threshold(threshold: float | None) -> float | None:
    """``threshold`` as a float in (0, 1), or None; anything else is refused."""
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.number):
        raise TypeError(
            f"Expected `threshold` to be None or a number in (0, 1). Received: {threshold!r}"
        )
    if not 0 < float(threshold) < 1:
        raise ValueError(f"Expected `threshold` in (0, 1). Received: threshold={threshold}")
    return float(threshold)


def is_result(value: object) -> bool:
    """Whether ``value`` is a `TrainResult`, without importing the training package.

    A result cannot exist before its module has been imported, so a module that is not
    loaded yet means the value is not one.
    """
    module = sys.modules.get("tunelab.training.result")
    return module is not None and isinstance(value, module.TrainResult)


# ----------------------------------------------------------------------------------------
# The protocol between panels and parts


@dataclasses.dataclass(frozen=True)
class View:
    """What any part may need to draw one state of a panel.

    Every part reads what it needs and ignores the rest. ``result=None`` empties what
    depends on a result; ``data=None`` and ``sweep=None`` keep the data and the sweep
    already shown (a part cannot draw without them); ``epoch=None`` is the end of the
    run and ``threshold=None`` draws no threshold line.

    Args:
        result: the `TrainResult` to show, or None.
        data: the `Dataset` it was trained on.
        epoch: the epoch being shown (0 = before training); None = the end of the run.
        sweep: the precomputed sweep, when there is one (a list becomes a tuple).
        sweep_field: the `TrainConfig` field the sweep varies (``"dropout"``, …).
        threshold: a decision threshold in (0, 1) to draw (two-class results only).

    Example:
        >>> boundary.update(View(result=res, data=data, epoch=50, threshold=0.3))
        >>> curves.update(View(result=res, epoch=50))  # the cursor at epoch 50
    """

    result: TrainResult | None = None
    data: Dataset | None = None
    epoch: int | None = None
    sweep: tuple[TrainResult, ...] | None = None
    sweep_field: str | None = None
    threshold: float | None = None

    def __post_init__(self) -> None:
        if self.result is not None and not is_result(self.result):
            raise TypeError(
                "Expected `result` to be a TrainResult (from tl.train) or None. "
                f"Received: {type(self.result).__name__}"
            )
        if self.data is not None and not isinstance(self.data, Dataset):
            raise TypeError(
                "Expected `data` to be a tunelab Dataset, e.g. tl.load_dataset('moons'), or "
                f"None. Received: {type(self.data).__name__}"
            )
        if self.epoch is not None and (
            isinstance(self.epoch, bool)
            or not isinstance(self.epoch, int | np.integer)
            or self.epoch < 0
        ):
            raise ValueError(
                f"Expected `epoch` to be None or an integer >= 0. Received: epoch={self.epoch!r}"
            )
        if self.sweep is not None:
            sweep = tuple(self.sweep)
            wrong = [type(r).__name__ for r in sweep if not is_result(r)]
            if wrong:
                raise TypeError(
                    "Expected `sweep` to be a sequence of TrainResults (from tl.sweep) or None. "
                    f"Received items of type {', '.join(sorted(set(wrong)))}"
                )
            object.__setattr__(self, "sweep", sweep)  # frozen: set once, here
        if self.sweep_field is not None and not isinstance(self.sweep_field, str):
            raise TypeError(
                "Expected `sweep_field` to be a TrainConfig field name such as 'l2', or None. "
                f"Received: {self.sweep_field!r}"
            )
        check_threshold(self.threshold)

    @classmethod
    def of(cls, value: View | TrainResult | None) -> View:
        """A View passes through; a `TrainResult` or None becomes ``View(result=value)``.

        Example:
            >>> View.of(res) == View(result=res)
            True
        """
        if isinstance(value, View):
            return value
        if value is None or is_result(value):
            return cls(result=value)
        raise TypeError(f"Expected a View, a TrainResult or None. Received: {type(value).__name__}")


class Part:
    """Base of every plot part: built once on an Axes, then ``update(view)`` many times.

    Subclasses draw their artists in ``__init__`` (``ax=None`` makes their own figure),
    keep them as public attributes, and implement ``_show(view)``, which changes those
    artists in place and never adds one.

    Example:
        >>> part = LossCurves.from_view(None, View(result=res))
        >>> part.update(View(result=res, epoch=10))
    """

    ax: Axes

    @property
    def figure(self) -> Figure:
        """The Figure the part is drawn in."""
        return self.ax.figure

    @classmethod
    def from_view(cls, ax: Axes | None, view: View, **options: Any) -> Part:
        """How a panel builds a part: ``cls(ax, **options)``, then ``update(view)``.

        Args:
            ax: the Axes to draw on, or None for a new figure.
            view: the first state to show.
            **options: the part's keyword options (e.g. ``log_y=True``).

        Example:
            >>> curves = LossCurves.from_view(ax, View(result=res), log_y=True)
            >>> curves.update(View(result=res, epoch=5), draw=False)
        """
        part = cls(ax, **options)
        part.update(view, draw=False)
        return part

    def update(self, view: View | TrainResult | None, *, draw: bool = True) -> None:
        """Show ``view`` by changing artists in place; ``draw_idle`` afterwards if ``draw``.

        Args:
            view: a `View`, or a bare `TrainResult` (or None) as ``View(result=…)``.
            draw: request a redraw; a panel passes False and draws its figure once.

        Example:
            >>> part.update(res)
            >>> part.update(View(result=res, epoch=0), draw=False); part.draw()
        """
        self._show(View.of(view))
        if draw:
            self.draw()

    def draw(self) -> None:
        """Ask the canvas for a redraw (``figure.canvas.draw_idle()``)."""
        self.figure.canvas.draw_idle()

    def _show(self, view: View) -> None:
        raise NotImplementedError
