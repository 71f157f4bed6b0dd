"""Plots of a hyperparameter search: `LandscapeMap` (a landscape and a search's trials on
it), `BestSoFar` (the best loss found after each trial, per search), `PosteriorSlice`
(what Bayesian optimization's Gaussian process believes along one hyperparameter),
`FoldMap` (which examples each fold of k-fold cross-validation trains and validates on)
and `CrossValidationCurve` (the validation loss of each fold and their mean ± std)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patheffects import withStroke
from matplotlib.text import Text
from matplotlib.ticker import NullLocator

from tunelab.plots.base import MARK_COLOR, TRAIN_COLOR, VAL_COLOR, Part, View, own_axes
from tunelab.plots.sweep import PARAM_LABELS
from tunelab.search import Folds, Landscape, SearchRun

# Okabe-Ito blue / vermillion / bluish green, and a marker each, so the searches are told
# apart without colour too.
SEARCH_COLORS = {"grid": "#0072b2", "random": "#d55e00", "bayesian": "#009e73"}
SEARCH_MARKERS = {"grid": "s", "random": "o", "bayesian": "^"}
BEST_COLOR = "#f0e442"
_OUTLINE = [withStroke(linewidth=2.5, foreground="white")]


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges around log-spaced values: geometric midpoints, extended at both ends."""
    logs = np.log10(np.asarray(values, dtype=np.float64))
    mids = (logs[1:] + logs[:-1]) / 2
    return 10 ** np.concatenate(
        [[logs[0] - (mids[0] - logs[0])], mids, [logs[-1] + (logs[-1] - mids[-1])]]
    )


def _marker_path(marker: str) -> Any:
    style = MarkerStyle(marker)
    return style.get_path().transformed(style.get_transform())


class LandscapeMap(Part):
    """A heatmap of a `Landscape` on log axes (columns along x, rows along y), with the
    trials of one search marked on it.

    ``show_trials(run)`` marks a search's trials, numbered in order, and stars its best;
    a second call moves the same marks. ``update(view)`` rings the cell of
    ``view.result``'s setting (None hides the ring), so the map can sit in a panel whose
    sliders move along the two axes.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        landscape: the `Landscape` to show; both axes need positive (log-spaced) values.
        colorbar: draw a colour bar labelled with the loss.

    Attributes:
        ax, figure: where it is drawn.
        mesh: the heatmap (a QuadMesh); colorbar: its colour bar, or None.
        trial_points, best_point: the trials' marks and the star on the best one.
        trial_numbers: one label per trial (a search with more trials adds labels).
        current_point: the ring on ``view.result``'s setting.

    Example:
        >>> land_map = LandscapeMap(None, land)
        >>> land_map.show_trials(tl.search.random_search(land, 9, seed=0))
    """

    def __init__(self, ax: Axes | None, landscape: Landscape, *, colorbar: bool = True):
        if not isinstance(landscape, Landscape):
            raise TypeError(
                "Expected `landscape` to be a tl.search.Landscape, e.g. "
                f"Landscape.from_sweep(tl.sweep(...)). Received: {type(landscape).__name__}"
            )
        if np.any(np.asarray(landscape.rows) <= 0) or np.any(np.asarray(landscape.cols) <= 0):
            raise ValueError(
                "Expected positive, log-spaced values on both axes of `landscape` (no 0). "
                f"Received: {landscape.names[0]}={list(landscape.rows)}, "
                f"{landscape.names[1]}={list(landscape.cols)}"
            )
        self.ax = ax = own_axes(ax, (5.6, 4.2))
        self.landscape = landscape
        self.mesh = ax.pcolormesh(
            _edges(landscape.cols), _edges(landscape.rows), landscape.loss, cmap="viridis_r"
        )
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(PARAM_LABELS.get(landscape.names[1], landscape.names[1]))
        ax.set_ylabel(PARAM_LABELS.get(landscape.names[0], landscape.names[0]))
        self.colorbar = (
            ax.figure.colorbar(self.mesh, ax=ax, label="final validation loss")
            if colorbar
            else None
        )
        empty = np.empty((0, 2))
        self.trial_points: PathCollection = ax.scatter(
            empty[:, 0], empty[:, 1], marker="o", s=40, facecolor="white",
            edgecolor="black", linewidth=1.0, zorder=3,
        )  # fmt: skip
        self.best_point: PathCollection = ax.scatter(
            empty[:, 0], empty[:, 1], marker="*", s=160, color=BEST_COLOR,
            edgecolor="black", zorder=4,
        )  # fmt: skip
        self.current_point: PathCollection = ax.scatter(
            empty[:, 0], empty[:, 1], marker="o", s=140, facecolor="none",
            edgecolor=MARK_COLOR, linewidth=2.0, zorder=6,
        )  # fmt: skip
        self.trial_numbers: list[Text] = []
        self.run: SearchRun | None = None

    def show_trials(
        self, run: SearchRun, *, numbers: bool = True, draw: bool = True
    ) -> PathCollection:
        """Mark the trials of ``run`` (numbered in order if ``numbers``) and star its best.

        Returns ``trial_points``, the marks, moved in place on a second call.

        Example:
            >>> land_map.show_trials(tl.search.grid_search(land))
            >>> land_map.show_trials(tl.search.bayesian_search(land))  # moves the same marks
        """
        if not isinstance(run, SearchRun):
            raise TypeError(
                "Expected `run` to be a SearchRun, e.g. tl.search.grid_search(landscape). "
                f"Received: {type(run).__name__}"
            )
        land = self.landscape
        if not (
            np.array_equal(run.landscape.rows, land.rows)
            and np.array_equal(run.landscape.cols, land.cols)
        ):
            raise ValueError(
                "Expected `run` to search the landscape this map shows (the same values of "
                f"{land.names[0]} and {land.names[1]}). Received a run on a different one."
            )
        self.run = run
        x, y = land.cols[run.trials[:, 1]], land.rows[run.trials[:, 0]]
        self.trial_points.set_offsets(np.column_stack([x, y]))
        self.trial_points.set_paths([_marker_path(SEARCH_MARKERS.get(run.name, "o"))])
        i, j = run.best_index
        self.best_point.set_offsets([[land.cols[j], land.rows[i]]])
        while numbers and len(self.trial_numbers) < len(x):
            label = self.ax.annotate(
                "", (1.0, 1.0), xytext=(4, 3), textcoords="offset points", fontsize=7,
                zorder=5, path_effects=_OUTLINE,
            )  # fmt: skip
            self.trial_numbers.append(label)
        for k, label in enumerate(self.trial_numbers):
            shown = numbers and k < len(x)
            if shown:
                label.set_text(str(k + 1))
                label.xy = (x[k], y[k])
            label.set_visible(shown)
        self.ax.set_title(f"{run.name}: best {run.best:.3f}", fontsize="medium")
        if draw:
            self.draw()
        return self.trial_points

    def _show(self, view: View) -> None:
        point = np.empty((0, 2))
        if view.result is not None:
            names = self.landscape.names
            row, col = (getattr(view.result.config, name, math.nan) for name in names)
            if all(isinstance(v, int | float) and math.isfinite(v) and v > 0 for v in (row, col)):
                point = np.array([[col, row]], dtype=np.float64)
        self.current_point.set_offsets(point)


class BestSoFar(Part):
    """The best validation loss found after each trial: one thin line per run, a thick one
    for the mean of each search.

    ``show_runs(runs)`` moves the lines in place (a search with more runs than before adds
    thin lines; fewer hides the rest). ``update(view)`` keeps them: a `View` holds one
    training run, not a search.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        runs: for each search's name (``"grid"``, ``"random"``, ``"bayesian"``, …), its
            `SearchRun`s, all with the same budget.

    Attributes:
        ax, figure: where it is drawn.
        mean_lines: for each name, the thick line of its mean.
        run_lines: for each name, its thin lines (drawn when it has several runs).
        legend: the legend, one entry per search.

    Example:
        >>> BestSoFar(None, {"grid": [grid], "random": randoms, "bayesian": bayes})
        >>> curves.show_runs({"grid": [grid], "random": more_randoms})
    """

    def __init__(self, ax: Axes | None, runs: Mapping[str, Sequence[SearchRun]]):
        self.ax = ax = own_axes(ax, (5, 3.4))
        self.mean_lines: dict[str, Line2D] = {}
        self.run_lines: dict[str, list[Line2D]] = {}
        self.legend = None
        self._legend_names: tuple[str, ...] = ()
        ax.set_xlabel("trial")
        ax.set_ylabel("best validation loss so far")
        self.show_runs(runs, draw=False)

    def show_runs(
        self, runs: Mapping[str, Sequence[SearchRun]], *, draw: bool = True
    ) -> dict[str, Line2D]:
        """Show ``runs`` (name → its `SearchRun`s); returns the mean line of each name.

        Example:
            >>> lines = curves.show_runs({"random": randoms})
            >>> lines["random"].get_ydata()  # the mean best-so-far of the random searches
        """
        curves = self._curves(runs)
        for name, stack in curves.items():
            color = SEARCH_COLORS.get(name)
            if name not in self.mean_lines:
                (self.mean_lines[name],) = self.ax.plot(
                    [], [], color=color, lw=2.2, marker=SEARCH_MARKERS.get(name), ms=4, zorder=3
                )
                self.run_lines[name] = []
            thin = self.run_lines[name]
            several = len(stack) > 1
            while several and len(thin) < len(stack):
                (line,) = self.ax.plot([], [], color=color, alpha=0.25, lw=0.8)
                thin.append(line)
            trial = np.arange(1, stack.shape[1] + 1)
            for k, line in enumerate(thin):
                if several and k < len(stack):
                    line.set_data(trial, stack[k])
                line.set_visible(several and k < len(stack))
            mean = self.mean_lines[name]
            mean.set_data(trial, stack.mean(axis=0))
            mean.set_label(f"{name} (mean of {len(stack)})" if several else name)
            mean.set_visible(True)
        for name, mean in self.mean_lines.items():
            if name not in curves:
                for line in (mean, *self.run_lines[name]):
                    line.set_visible(False)
        self._show_legend(tuple(curves))
        self.ax.relim(visible_only=True)
        self.ax.autoscale_view()
        if draw:
            self.draw()
        return {name: self.mean_lines[name] for name in curves}

    def _curves(self, runs: Mapping[str, Sequence[SearchRun]]) -> dict[str, np.ndarray]:
        if not isinstance(runs, Mapping) or not runs:
            raise TypeError(
                "Expected `runs` to be a non-empty dict of search name → list of SearchRuns, "
                f"e.g. {{'grid': [grid], 'random': randoms}}. Received: {runs!r}"
            )
        curves = {}
        for name, group in runs.items():
            group = list(group) if isinstance(group, Sequence) else group
            if not isinstance(group, list) or not group:
                raise TypeError(
                    f"Expected `runs[{name!r}]` to be a non-empty list of SearchRuns. "
                    f"Received: {group!r}"
                )
            if not all(isinstance(run, SearchRun) for run in group):
                raise TypeError(f"Expected `runs[{name!r}]` to hold SearchRuns only.")
            budgets = sorted({len(run.losses) for run in group})
            if len(budgets) > 1:
                raise ValueError(
                    f"Expected the runs of `runs[{name!r}]` to have the same budget, to be "
                    f"averaged trial by trial. Received budgets {budgets}"
                )
            curves[str(name)] = np.array([run.best_so_far for run in group])
        return curves

    def _show_legend(self, names: tuple[str, ...]) -> None:
        if names == self._legend_names and self.legend is not None:
            for text, name in zip(self.legend.get_texts(), names, strict=True):
                text.set_text(self.mean_lines[name].get_label())
            return
        if self.legend is not None:
            self.legend.remove()  # other searches: a legend cannot change its entries
        handles = [self.mean_lines[name] for name in names]
        self.legend = self.ax.legend(handles=handles, fontsize="small")
        self._legend_names = names

    def _show(self, view: View) -> None:
        pass  # nothing in a View is a search: the lines stay as they are


def _curve(name: str, values: Any, size: int | None = None) -> np.ndarray:
    """``values`` as a finite 1-D float array (of ``size`` entries, if given), or a ValueError."""
    array = np.asarray(values, dtype=np.float64)
    if (
        array.ndim != 1
        or not np.all(np.isfinite(array))
        or (size is not None and len(array) != size)
    ):
        shape = "a 1-D array of finite numbers" + ("" if size is None else f" of {size} values")
        raise ValueError(f"Expected `{name}` to be {shape}. Received shape {array.shape}")
    return array


class PosteriorSlice(Part):
    """A Gaussian process's picture of one hyperparameter after some trials: its mean and
    a ±2σ band above, the expected improvement below, the next trial marked on both.

    Args:
        axes: two Axes (the model above, the expected improvement below), or None for a
            new figure.
        x: increasing values of the hyperparameter where the model is drawn.
        mean, std, ei: the model's mean, standard deviation and expected improvement at x.
        trials: ``(values, losses)`` of the trials the model was fitted to.
        next_value: the value the search tries next (None: no mark).
        truth: ``(values, losses)`` of every candidate, drawn faint: what the search has
            not seen (None: not drawn).
        param: the `TrainConfig` field on the x axis, for its label.

    Attributes:
        ax, ei_ax: the two Axes. mean_line, band, trial_points, best_line, truth_line
        (None without ``truth``): the model's artists; ei_line: the expected improvement;
        next_lines: the two vertical marks of the next trial (empty without one).

    Example:
        >>> mean, std = gp.predict(positions, return_std=True)
        >>> PosteriorSlice(None, rates, mean, std, expected_improvement(mean, std, best),
        ...                trials=(tried_rates, tried_losses), next_value=rates[k])
    """

    def __init__(
        self, axes: Sequence[Axes] | None, x: Any, mean: Any, std: Any, ei: Any, *,
        trials: tuple[Any, Any], next_value: float | None = None,
        truth: tuple[Any, Any] | None = None, param: str = "learning_rate",
    ):  # fmt: skip
        x = _curve("x", x)
        mean, std, ei = (
            _curve(n, v, len(x)) for n, v in (("mean", mean), ("std", std), ("ei", ei))
        )
        if np.any(np.diff(x) <= 0) or np.any(std < 0):
            raise ValueError("Expected increasing `x` and a `std` of no negative values.")
        tried_x, tried_y = (_curve(f"trials[{k}]", v) for k, v in enumerate(trials))
        if len(tried_x) != len(tried_y) or not len(tried_x):
            raise ValueError("Expected `trials` to be (values, losses) of one or more trials.")
        if axes is None:
            from tunelab.plots.base import new_figure

            axes = new_figure(2, 1, figsize=(4, 4.5), sharex=True)[1]
        if len(axes) != 2 or not all(isinstance(a, Axes) for a in axes):
            raise TypeError("Expected `axes` to be two matplotlib Axes (model, then EI), or None.")
        self.ax, self.ei_ax = ax, ei_ax = axes
        log_x = bool(np.all(x > 0))
        self.truth_line = None
        if truth is not None:
            (self.truth_line,) = ax.plot(
                _curve("truth[0]", truth[0]), _curve("truth[1]", truth[1]), color="0.6",
                lw=1, ls=":", marker=".", ms=4, label="every candidate (unseen)",
            )  # fmt: skip
        self.band = ax.fill_between(
            x, mean - 2 * std, mean + 2 * std, color=TRAIN_COLOR, alpha=0.2, lw=0, label="±2σ"
        )
        (self.mean_line,) = ax.plot(x, mean, color=TRAIN_COLOR, lw=1.8, label="mean")
        self.trial_points = ax.scatter(
            tried_x, tried_y, color=MARK_COLOR, s=22, zorder=4, label="trials so far"
        )
        best = float(tried_y.min())
        self.best_line = ax.axhline(best, color=MARK_COLOR, lw=0.8, ls="--", label="best so far")
        (self.ei_line,) = ei_ax.plot(x, ei, color=VAL_COLOR, lw=1.8)
        ei_ax.fill_between(x, 0, ei, color=VAL_COLOR, alpha=0.15, lw=0)
        self.next_lines = []
        if next_value is not None:
            self.next_lines = [
                a.axvline(float(next_value), color=VAL_COLOR, lw=1.2, ls="--", label=label)
                for a, label in zip(axes, ("next trial", None), strict=True)
            ]
        ax.set_title(f"after {len(tried_x)} trials", fontsize="medium")
        ax.set_ylabel("validation loss")
        ei_ax.set_ylabel("expected improvement")
        ei_ax.set_xlabel(PARAM_LABELS.get(param, param))
        if log_x:
            for a in axes:
                a.set_xscale("log")
                a.xaxis.set_minor_locator(NullLocator())  # decades only: half the drawing time

    def _show(self, view: View) -> None:
        pass  # a View holds a training run, not a Gaussian process: the picture stays


class FoldMap(Part):
    """Which examples train and which validate in each fold of k-fold cross-validation:
    one row per fold, every pooled example in every row.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        folds: the `tunelab.search.Folds` to draw.
        x: the position of each pooled example along the axis; default its raw input for
            a 1-D set (poly), else its pooled index.

    Attributes:
        ax, figure: where it is drawn.
        train_points, val_points: one scatter per fold (row), of its training and of its
            validation examples.

    Example:
        >>> FoldMap(None, tl.search.Folds.of(tl.load_dataset("poly", n_samples=40), k=5))
    """

    def __init__(self, ax: Axes | None, folds: Folds, x: Any = None):
        if not isinstance(folds, Folds):
            raise TypeError(
                "Expected `folds` to be a tunelab.search.Folds, e.g. Folds.of(data, k=5). "
                f"Received: {type(folds).__name__}"
            )
        points = folds.pooled()[2]
        if x is None:
            x = points[:, 0] if points.shape[1] == 1 else np.arange(len(points))
        x = _curve("x", x, len(points))
        self.ax = ax = own_axes(ax, (6, 0.45 * folds.k + 1.0))
        self.train_points, self.val_points = [], []
        for fold in range(folds.k):
            val = folds.fold_of == fold
            row = np.full(len(x), fold)
            self.train_points.append(ax.scatter(
                x[~val], row[~val], s=14, color=TRAIN_COLOR, alpha=0.45,
                label="trains" if fold == 0 else None,
            ))  # fmt: skip
            self.val_points.append(ax.scatter(
                x[val], row[val], s=40, facecolor="white", edgecolor=VAL_COLOR,
                linewidth=1.6, zorder=3, label="validates" if fold == 0 else None,
            ))  # fmt: skip
        ax.set_yticks(range(folds.k), [f"fold {f + 1}" for f in range(folds.k)])
        ax.set_ylim(folds.k - 0.5, -0.5)  # fold 1 on top
        ax.set_xlabel("input x" if points.shape[1] == 1 else "example")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 1.0), ncols=2, fontsize="small",
                  frameon=False, borderaxespad=-1.6)  # fmt: skip

    def _show(self, view: View) -> None:
        pass  # the folds do not depend on a training run


class CrossValidationCurve(Part):
    """The validation loss against one hyperparameter: a thin line per fold and their mean
    ± one standard deviation, with a star at the lowest mean.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        values: the hyperparameter's values (log axis when all are positive).
        losses: array of shape (k folds, len(values)): each fold's validation loss.
        param: the `TrainConfig` field swept, for the x label.

    Attributes:
        ax, figure: where it is drawn.
        fold_lines: one thin line per fold; mean_bars: the ``ErrorbarContainer`` of the
        mean ± std; best_point: the star at the lowest mean.

    Example:
        >>> CrossValidationCurve(None, strengths, losses)  # losses[f, v]: fold f, value v
    """

    def __init__(self, ax: Axes | None, values: Any, losses: Any, *, param: str = "l2"):
        values = _curve("values", values)
        losses = np.asarray(losses, dtype=np.float64)
        if losses.ndim != 2 or losses.shape[1] != len(values) or not np.all(np.isfinite(losses)):
            raise ValueError(
                f"Expected `losses` to be finite, of shape (folds, {len(values)}): one row "
                f"per fold, one column per value. Received shape {losses.shape}"
            )
        self.ax = ax = own_axes(ax, (5, 3.4))
        self.fold_lines = [
            ax.plot(values, row, color=TRAIN_COLOR, lw=0.8, alpha=0.35,
                    label="one fold" if f == 0 else None)[0]
            for f, row in enumerate(losses)
        ]  # fmt: skip
        mean, std = losses.mean(axis=0), losses.std(axis=0)
        self.mean_bars = ax.errorbar(
            values, mean, yerr=std, color=TRAIN_COLOR, lw=2, capsize=3,
            label=f"mean ± std of {len(losses)} folds",
        )  # fmt: skip
        best = int(np.argmin(mean))
        self.best_point = ax.scatter(
            [values[best]], [mean[best]], marker="*", s=180, color=BEST_COLOR,
            edgecolor="black", zorder=4, label="lowest mean",
        )  # fmt: skip
        if np.all(values > 0):
            ax.set_xscale("log")
        ax.set_xlabel(PARAM_LABELS.get(param, param))
        ax.set_ylabel("validation loss")
        ax.legend(fontsize="small")

    def _show(self, view: View) -> None:
        pass  # cross-validation losses are given, not read from a View
