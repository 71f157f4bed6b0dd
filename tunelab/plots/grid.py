"""Several parts at once: `SmallMultiples` (a row of boundaries) and `show_datasets`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from tunelab.datasets import DATASET_NAMES, Dataset, load_dataset
from tunelab.plots.base import CLASS_COLORS, Part, View, class_colors, new_figure
from tunelab.plots.boundary import boundary_part_for

if TYPE_CHECKING:
    from tunelab.training.result import TrainResult


class SmallMultiples:
    """A row of boundary parts, e.g. one per regularization strength.

    Each panel is the part `boundary_part_for` picks for the data: a `DecisionBoundary`
    for 2-D points, a `RegressionFit` for 'poly'.

    Args:
        fig_or_axes: a Figure (a row of axes is added to it), a sequence of Axes (one per
            result), or None for a new figure.
        data: the `Dataset` all results were trained on.
        results: one `TrainResult` per panel.
        titles: one title per panel (e.g. "λ₂ = 1e-3"), or None.
        show_misclassified: mark misclassified points in every panel (classification).

    Attributes:
        figure, axes: where it is drawn; ``ax`` is the first panel.
        parts: the boundary part of each panel.

    Example:
        >>> row = SmallMultiples(None, data, results, [f"λ₂ = {v:g}" for v in l2s])
        >>> row.update(other_results, epoch=100)
    """

    def __init__(
        self,
        fig_or_axes: Figure | Sequence[Axes] | None,
        data: Dataset,
        results: Sequence[TrainResult | None],
        titles: Sequence[str] | None = None,
        *,
        show_misclassified: bool = False,
    ):
        n = len(results)
        if n < 1:
            raise ValueError("Expected at least one result for SmallMultiples. Received: 0")
        part_class = boundary_part_for(data)
        if fig_or_axes is None:
            _, axes = new_figure(1, n, figsize=(2.6 * n, 2.9), squeeze=False)
            axes = list(axes[0])
        elif isinstance(fig_or_axes, Figure):
            axes = list(fig_or_axes.subplots(1, n, squeeze=False)[0])
        else:
            axes = list(fig_or_axes)
        if len(axes) != n:
            raise ValueError(f"Expected one Axes per result. Received {len(axes)} for {n} results.")
        self.axes = axes
        self.ax = axes[0]
        options = {"show_misclassified": True} if show_misclassified else {}
        self.parts: list[Part] = [
            part_class.from_view(ax, View(result=result, data=data), legend=(i == 0), **options)
            for i, (ax, result) in enumerate(zip(axes, results, strict=True))
        ]
        for ax in axes:
            # Small panels read better without tick labels; the frame is the same for all.
            ax.tick_params(labelbottom=False, labelleft=False, length=0)
            ax.set_xlabel("")
            ax.set_ylabel("")
        self._set_titles(titles)

    @property
    def figure(self) -> Figure:
        """The Figure the row is drawn in."""
        return self.ax.figure

    def _set_titles(self, titles: Sequence[str] | None) -> None:
        if titles is None:
            return
        if len(titles) != len(self.parts):
            raise ValueError(
                f"Expected one title per panel ({len(self.parts)}). Received {len(titles)}."
            )
        for ax, title in zip(self.axes, titles, strict=True):
            ax.set_title(str(title), fontsize="medium")

    def update(
        self,
        results: Sequence[TrainResult | None],
        titles: Sequence[str] | None = None,
        epoch: int | None = None,
        *,
        draw: bool = True,
    ) -> None:
        """Show new results in every panel, with one redraw for the whole row.

        Args:
            results: one `TrainResult` per panel.
            titles: new titles, or None to keep them.
            epoch: show each surface as recorded at this epoch.
            draw: request the redraw.

        Example:
            >>> row.update(results, epoch=100)
            >>> row.parts[0].image.get_array().shape
        """
        if len(results) != len(self.parts):
            raise ValueError(
                f"Expected one result per panel ({len(self.parts)}). Received {len(results)}."
            )
        views = [View(result=result, epoch=epoch) for result in results]
        for part, view in zip(self.parts, views, strict=True):
            part.update(view, draw=False)
        self._set_titles(titles)
        if draw:
            self.draw()

    def draw(self) -> None:
        """Ask the canvas for one redraw of the row."""
        self.parts[0].draw()


def show_datasets(
    names: Sequence[str] | None = None, n_samples: int = 300, seed: int = 0
) -> Figure:
    """Every dataset at a glance, each in a small scatter plot coloured by class.

    2-D sets show their two inputs; poly shows x against the target y; breast_cancer shows
    its first two (standardized) features.

    Args:
        names: datasets to show; None for all of `tunelab.datasets.DATASET_NAMES`.
        n_samples: examples per dataset (at most 569 are used for breast_cancer).
        seed: the data seed.

    Returns:
        The Figure, with one Axes per dataset.

    Example:
        >>> fig = show_datasets()
        >>> fig = show_datasets(["moons", "spiral3"], n_samples=500)
    """
    names = list(DATASET_NAMES if names is None else names)
    if not names:
        raise ValueError("Expected at least one dataset name. Received: names=[]")
    ncols = min(4, len(names))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = new_figure(nrows, ncols, figsize=(2.6 * ncols, 2.6 * nrows), squeeze=False)
    flat = list(axes.ravel())
    for ax, name in zip(flat, names, strict=False):
        n = min(n_samples, 569) if name == "breast_cancer" else n_samples
        data = load_dataset(name, n_samples=n, seed=seed)
        y = np.concatenate([data.y_train, data.y_val])
        if data.task == "regression":
            x = np.concatenate([data.points_train[:, 0], data.points_val[:, 0]])
            ax.scatter(x, y, s=8, color=CLASS_COLORS[1], linewidths=0)
            ax.set_xlabel("input x")
            ax.set_ylabel("target y")
        else:
            source = ("x_train", "x_val") if data.extent is None else ("points_train", "points_val")
            points = np.concatenate([getattr(data, s)[:, :2] for s in source])
            ax.scatter(points[:, 0], points[:, 1], s=8, c=class_colors(y), linewidths=0)
            if data.extent is None:
                ax.set_xlabel(f"{data.feature_names[0]} (standardized)", fontsize="small")
                ax.set_ylabel(f"{data.feature_names[1]} (standardized)", fontsize="small")
            else:
                ax.set_xlim(data.extent[0], data.extent[1])
                ax.set_ylim(data.extent[2], data.extent[3])
                ax.set_aspect("equal", adjustable="box")
        ax.set_title(f"{name} ({data.task})", fontsize="medium")
        ax.tick_params(labelsize="x-small")
    for ax in flat[len(names) :]:
        fig.delaxes(ax)  # one Axes per dataset, no empty frames
    return fig
