"""Lesson 06 (hyperparameter search): a precomputed landscape, three searches over it, checks.

The lesson trains every setting of two hyperparameters once, in one `tunelab.sweep` call,
and keeps the final validation loss of each in a `Landscape`. Grid search, random search
and Bayesian optimization are then replayed on that table: a trial is a look-up, so a
search costs nothing and can be repeated over many seeds. The module also holds the
lesson's plots of a landscape and of best-so-far curves, a KerasTuner tuner whose trials
train full-batch, and the self-checks of the exercises (which never raise for a wrong
answer).

Example:
    >>> from tunelab.exercises import search as ex
    >>> land = ex.Landscape.from_sweep(tl.sweep(data, cfg, learning_rate=lrs, l2=l2s))
    >>> ex.random_search(land, budget=9, seed=0).best
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tunelab.exercises import Feedback, feedback, not_answered

__all__ = [
    "DIVERGED_LOSS",
    "Landscape",
    "SearchRun",
    "bayesian_search",
    "best_candidate",
    "check_distinct_values",
    "check_expected_improvement",
    "check_l1_search",
    "cv_table",
    "draw_best_so_far",
    "draw_landscape",
    "draw_trials",
    "expected_improvement",
    "full_batch_tuner",
    "grid_search",
    "held_out_loss",
    "per_example_loss",
    "random_search",
    "tuner_table",
]

DIVERGED_LOSS = math.log(2)  # what a diverged trial scores: no better than answering 50 %
_AXIS_LABELS = {
    "learning_rate": "learning rate α",
    "l2": "L2 strength λ",
    "l1": "L1 strength λ₁",
    "dropout": "dropout rate p",
    "weight_decay": "weight decay d",
}
SEARCH_COLORS = {"grid": "#0072b2", "random": "#d55e00", "bayesian": "#009e73"}
SEARCH_MARKERS = {"grid": "s", "random": "o", "bayesian": "^"}


# ----------------------------------------------------------------------------------------
# The landscape: every setting of two hyperparameters, trained once


@dataclass(frozen=True, eq=False)
class Landscape:
    """The final validation loss of every setting on a grid of two hyperparameters.

    Args:
        names: the two swept `TrainConfig` fields, (row axis, column axis).
        rows, cols: their values, in the order they were swept.
        loss: array of shape ``(len(rows), len(cols))``: the final validation loss (data
            loss, penalty excluded) of each setting; a run that diverged scores
            ``DIVERGED_LOSS`` = ln 2, the loss of always answering 50 %.
        results: the `TrainResult` of each setting, row by row.

    Example:
        >>> land = Landscape.from_sweep(tl.sweep(data, cfg, learning_rate=lrs, l2=l2s))
        >>> land.setting(*land.best())
    """

    names: tuple[str, str]
    rows: np.ndarray
    cols: np.ndarray
    loss: np.ndarray
    results: tuple = field(repr=False)

    @classmethod
    def from_sweep(cls, results: Sequence[Any]) -> Landscape:
        """Read a two-axis sweep, ``tl.sweep(data, cfg, a=[...], b=[...])``, in its order.

        ``tl.sweep`` returns settings in ``itertools.product`` order, the last axis
        fastest, so result ``i·len(b) + j`` has ``a[i]`` and ``b[j]``. The two axes are
        the two fields whose values vary across the results.

        Example:
            >>> Landscape.from_sweep(tl.sweep(data, cfg, learning_rate=[0.01, 0.1], l2=[0, 1e-3]))
        """
        results = list(results)
        if len(results) < 4:
            raise ValueError(
                f"Expected the results of a sweep over two axes. Received {len(results)} results."
            )
        from tunelab.training.engine import SWEEP_AXES

        varying = [
            name for name in SWEEP_AXES if len({getattr(r.config, name) for r in results}) > 1
        ]
        if len(varying) != 2:
            raise ValueError(
                f"Expected exactly two swept fields. Received results varying in {varying}."
            )
        # The slower axis changes between consecutive results less often.
        changes = {
            name: sum(
                getattr(a.config, name) != getattr(b.config, name)
                for a, b in zip(results, results[1:], strict=False)
            )
            for name in varying
        }
        row_name, col_name = sorted(varying, key=lambda name: changes[name])
        cols = np.array(list(dict.fromkeys(getattr(r.config, col_name) for r in results)))
        rows = np.array(list(dict.fromkeys(getattr(r.config, row_name) for r in results)))
        if len(rows) * len(cols) != len(results):
            raise ValueError("Expected every combination of the two axes, as tl.sweep returns.")
        loss = np.empty((len(rows), len(cols)))
        for index, result in enumerate(results):
            i, j = divmod(index, len(cols))
            if (getattr(result.config, row_name), getattr(result.config, col_name)) != (
                rows[i],
                cols[j],
            ):
                raise ValueError("Expected the results in tl.sweep's order (last axis fastest).")
            value = result.final("val_loss")
            healthy = result.diverged_at is None and math.isfinite(value)
            loss[i, j] = value if healthy else DIVERGED_LOSS
        return cls((row_name, col_name), rows, cols, loss, tuple(results))

    @property
    def shape(self) -> tuple[int, int]:
        """(number of row values, number of column values)."""
        return self.loss.shape

    def setting(self, i: int, j: int) -> dict[str, float]:
        """The values of cell (i, j), e.g. ``{"learning_rate": 0.04, "l2": 1e-5}``."""
        return {self.names[0]: float(self.rows[i]), self.names[1]: float(self.cols[j])}

    def result(self, i: int, j: int) -> Any:
        """The `TrainResult` of cell (i, j)."""
        return self.results[i * len(self.cols) + j]

    def best(self) -> tuple[int, int]:
        """Index (i, j) of the lowest validation loss."""
        i, j = np.unravel_index(int(np.argmin(self.loss)), self.loss.shape)
        return int(i), int(j)

    def effect(self, axis: int) -> float:
        """How much one axis matters: the range (max − min) of the loss averaged over the other.

        Example:
            >>> land.effect(0), land.effect(1)  # learning rate vs L2 strength
        """
        if axis not in (0, 1):
            raise ValueError(f"Expected `axis` to be 0 (rows) or 1 (columns). Received: {axis!r}")
        profile = self.loss.mean(axis=1 - axis)
        return float(profile.max() - profile.min())


# ----------------------------------------------------------------------------------------
# Three searches, replayed on the landscape


@dataclass(frozen=True, eq=False)
class SearchRun:
    """The trials of one search on a `Landscape`, in the order they were made.

    Attributes:
        name: ``"grid"``, ``"random"`` or ``"bayesian"``.
        trials: integer array of shape (budget, 2): the (row, column) cell of each trial.
        losses: the validation loss each trial found.

    Example:
        >>> run = random_search(land, budget=9, seed=0)
        >>> run.best, run.best_setting, run.distinct(0)
    """

    name: str
    trials: np.ndarray
    losses: np.ndarray
    landscape: Landscape = field(repr=False)

    @property
    def best_so_far(self) -> np.ndarray:
        """The lowest loss found after trial 1, 2, …, budget."""
        return np.minimum.accumulate(self.losses)

    @property
    def best(self) -> float:
        """The lowest loss the search found."""
        return float(self.losses.min())

    @property
    def best_index(self) -> tuple[int, int]:
        """The cell (i, j) of the best trial."""
        i, j = self.trials[int(np.argmin(self.losses))]
        return int(i), int(j)

    @property
    def best_setting(self) -> dict[str, float]:
        """The hyperparameter values of the best trial."""
        return self.landscape.setting(*self.best_index)

    def distinct(self, axis: int = 0) -> int:
        """How many different values of one hyperparameter (0 = rows, 1 = columns) were tried."""
        return len(set(self.trials[:, axis].tolist()))

    def __repr__(self) -> str:
        setting = ", ".join(f"{k}={v:.2g}" for k, v in self.best_setting.items())
        return (
            f"SearchRun({self.name}, {len(self.losses)} trials, best {self.best:.3f} at {setting})"
        )


def _run(name: str, land: Landscape, cells: Sequence[tuple[int, int]]) -> SearchRun:
    trials = np.array(cells, dtype=int).reshape(-1, 2)
    return SearchRun(name, trials, land.loss[trials[:, 0], trials[:, 1]], land)


def _check_budget(land: Landscape, budget: Any) -> int:
    if isinstance(budget, bool) or not isinstance(budget, int | np.integer) or budget < 1:
        raise ValueError(f"Expected `budget` to be a positive integer. Received: budget={budget!r}")
    if budget > land.loss.size:
        raise ValueError(
            f"Expected `budget` to be at most the {land.loss.size} settings of the landscape. "
            f"Received: budget={budget}"
        )
    return int(budget)


def grid_centres(size: int, per_axis: int) -> list[int]:
    """Indices of ``per_axis`` evenly spread values among ``size``: the centres of equal bins.

    Example:
        >>> grid_centres(15, 3)
        [2, 7, 12]
    """
    return [int((b + 0.5) * size / per_axis) for b in range(per_axis)]


def grid_search(land: Landscape, budget: int = 9) -> SearchRun:
    """Grid search: √budget values per axis, evenly spread, every combination tried.

    Each axis is cut into √budget equal parts (equal in log scale, since the landscape's
    values are log-spaced) and the grid takes the value in the middle of each part; trials
    go row by row.

    Example:
        >>> grid_search(land, budget=9).trials  # rows 2, 7, 12 × columns 2, 7, 12 of 15 × 15
    """
    budget = _check_budget(land, budget)
    per_axis = math.isqrt(budget)
    if per_axis * per_axis != budget:
        raise ValueError(
            f"Expected `budget` to be a square (4, 9, 16, …) for a grid over two axes. "
            f"Received: budget={budget}"
        )
    rows, cols = (grid_centres(n, per_axis) for n in land.shape)
    return _run("grid", land, [(i, j) for i in rows for j in cols])


def random_search(land: Landscape, budget: int = 9, seed: int = 0) -> SearchRun:
    """Random search: ``budget`` different settings drawn uniformly from the landscape.

    On log-spaced values this is log-uniform sampling, as for a hyperparameter drawn with
    ``sampling="log"``; a finer landscape makes it closer to sampling continuously.

    Example:
        >>> [random_search(land, 9, seed=s).best for s in range(5)]
    """
    budget = _check_budget(land, budget)
    flat = np.random.default_rng(seed).choice(land.loss.size, size=budget, replace=False)
    return _run("random", land, [divmod(int(k), land.shape[1]) for k in flat])


def expected_improvement(mu: Any, sigma: Any, best: float) -> np.ndarray:
    """Expected improvement over ``best`` of a loss predicted as Normal(mu, sigma²).

    EI = (best − μ)·Φ(z) + σ·φ(z) with z = (best − μ)/σ: large where the prediction is
    low (exploit) or uncertain (explore). Where σ = 0 it is max(best − μ, 0).

    Example:
        >>> expected_improvement(np.array([0.3, 0.5]), np.array([0.01, 0.2]), best=0.32)
    """
    from scipy.stats import norm

    mu = np.asarray(mu, dtype=np.float64)
    sigma = np.asarray(sigma, dtype=np.float64)
    gain = best - mu
    safe = np.where(sigma > 0, sigma, 1.0)
    z = gain / safe
    ei = gain * norm.cdf(z) + safe * norm.pdf(z)
    return np.where(sigma > 0, ei, np.maximum(gain, 0.0))


def bayesian_search(land: Landscape, budget: int = 9, seed: int = 0, initial: int = 3) -> SearchRun:
    """Bayesian optimization: a Gaussian process models the landscape from the trials so far.

    The first ``initial`` trials are random. After that, a Gaussian process (Matérn 5/2
    kernel plus a noise term, on the cells' positions scaled to [0, 1], i.e. log scale)
    is fitted to the trials made so far, and the next trial is the untried setting with
    the largest `expected_improvement` over the best loss found.

    Example:
        >>> bayesian_search(land, budget=9, seed=0).best_so_far
    """
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    budget = _check_budget(land, budget)
    if not 1 <= initial <= budget:
        raise ValueError(f"Expected 1 <= initial <= budget. Received: initial={initial!r}")
    n_rows, n_cols = land.shape
    cells = [(i, j) for i in range(n_rows) for j in range(n_cols)]
    x = np.array([(i / max(n_rows - 1, 1), j / max(n_cols - 1, 1)) for i, j in cells])
    y = land.loss.ravel()
    chosen = [int(k) for k in np.random.default_rng(seed).choice(len(y), initial, replace=False)]
    kernel = ConstantKernel(1.0, (1e-2, 1e2)) * Matern(
        length_scale=[0.3, 0.3], length_scale_bounds=(0.05, 5.0), nu=2.5
    ) + WhiteKernel(1e-2, (1e-6, 1.0))
    while len(chosen) < budget:
        gp = GaussianProcessRegressor(kernel, normalize_y=True, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # hyperparameters at a bound: harmless here
            gp.fit(x[chosen], y[chosen])
        mu, sigma = gp.predict(x, return_std=True)
        ei = expected_improvement(mu, sigma, float(y[chosen].min()))
        ei[chosen] = -np.inf
        chosen.append(int(np.argmax(ei)))
    return _run("bayesian", land, [cells[k] for k in chosen])


# ----------------------------------------------------------------------------------------
# Plots


def _edges(values: np.ndarray) -> np.ndarray:
    """Cell edges around log-spaced values: geometric midpoints, extended at both ends."""
    logs = np.log10(np.asarray(values, dtype=np.float64))
    mids = (logs[1:] + logs[:-1]) / 2
    return 10 ** np.concatenate(
        [[logs[0] - (mids[0] - logs[0])], mids, [logs[-1] + (logs[-1] - mids[-1])]]
    )


def draw_landscape(ax: Any, land: Landscape, *, colorbar: bool = True) -> Any:
    """A heatmap of the landscape on log axes: columns along x, rows along y.

    Example:
        >>> fig, ax = tl.plots.new_figure(figsize=(5, 4))
        >>> draw_landscape(ax, land)
    """
    if np.any(np.asarray(land.rows) <= 0) or np.any(np.asarray(land.cols) <= 0):
        raise ValueError("Expected positive, log-spaced values on both axes (no 0).")
    mesh = ax.pcolormesh(_edges(land.cols), _edges(land.rows), land.loss, cmap="viridis_r")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(_AXIS_LABELS.get(land.names[1], land.names[1]))
    ax.set_ylabel(_AXIS_LABELS.get(land.names[0], land.names[0]))
    if colorbar:
        ax.figure.colorbar(mesh, ax=ax, label="final validation loss")
    return mesh


def draw_trials(ax: Any, run: SearchRun, *, numbers: bool = True, **style: Any) -> Any:
    """Mark a search's trials on a `draw_landscape` heatmap (numbered in order) and its best.

    Example:
        >>> draw_trials(ax, random_search(land, 9, seed=0))
    """
    land = run.landscape
    x, y = land.cols[run.trials[:, 1]], land.rows[run.trials[:, 0]]
    style = {
        "marker": SEARCH_MARKERS.get(run.name, "o"),
        "s": 40,
        "facecolor": "white",
        "edgecolor": "black",
        "linewidth": 1.0,
        "zorder": 3,
        **style,
    }
    points = ax.scatter(x, y, **style)
    i, j = run.best_index
    ax.scatter([land.cols[j]], [land.rows[i]], marker="*", s=160, color="#f0e442",
               edgecolor="black", zorder=4)  # fmt: skip
    if numbers:
        from matplotlib.patheffects import withStroke

        outline = [withStroke(linewidth=2.5, foreground="white")]
        for k, (xk, yk) in enumerate(zip(x, y, strict=True), start=1):
            ax.annotate(str(k), (xk, yk), xytext=(4, 3), textcoords="offset points",
                        fontsize=7, zorder=5, path_effects=outline)  # fmt: skip
    ax.set_title(f"{run.name}: best {run.best:.3f}", fontsize="medium")
    return points


def draw_best_so_far(ax: Any, runs: Mapping[str, Sequence[SearchRun]]) -> dict[str, Any]:
    """Best loss found after each trial: one thin line per run, a thick one for their mean.

    Example:
        >>> draw_best_so_far(ax, {"grid": [grid], "random": randoms, "bayesian": bayes})
    """
    lines = {}
    for name, group in runs.items():
        curves = np.array([run.best_so_far for run in group])
        trial = np.arange(1, curves.shape[1] + 1)
        color = SEARCH_COLORS.get(name)
        if len(curves) > 1:
            for curve in curves:
                ax.plot(trial, curve, color=color, alpha=0.25, lw=0.8)
        label = f"{name} (mean of {len(curves)})" if len(curves) > 1 else name
        (lines[name],) = ax.plot(trial, curves.mean(axis=0), color=color, lw=2.2,
                                 marker=SEARCH_MARKERS.get(name), ms=4, label=label)  # fmt: skip
    ax.set_xlabel("trial")
    ax.set_ylabel("best validation loss so far")
    ax.legend(fontsize="small")
    return lines


# ----------------------------------------------------------------------------------------
# Reporting on held-out data


def per_example_loss(model: Any, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Binary cross-entropy of each example, for a `TrainResult` or a Keras model.

    Example:
        >>> per_example_loss(result, data.x_val, data.y_val).mean()  # the validation loss
    """
    from tunelab.training import network

    if not hasattr(model, "trainable_weights"):  # a TrainResult: the engine's exact loss
        if getattr(model, "task", "binary") != "binary":
            raise ValueError("Expected a binary classifier (cross-entropy on one probability).")
        logits = network.forward(model.weights, model.config.activation, x)
        return network.per_example_loss(logits, y, "binary")
    # A Keras model gives probabilities only; Keras's own cross-entropy clips them at 1e-7.
    p = np.asarray(model(np.asarray(x, np.float32), training=False))
    p = np.clip(p.astype(np.float64).reshape(-1), 1e-7, 1 - 1e-7)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p))


def held_out_loss(model: Any, test: Any) -> float:
    """Mean cross-entropy of a `TrainResult` or Keras model on every example of ``test``.

    ``test`` is a `Dataset` that played no part in training or choosing (e.g. a fresh
    sample from the same generator); both of its splits are used.

    Example:
        >>> held_out_loss(land.result(*land.best()), tl.load_dataset("moons", seed=1))
    """
    x = np.concatenate([test.x_train, test.x_val])
    y = np.concatenate([test.y_train, test.y_val])
    return float(per_example_loss(model, x, y).mean())


# ----------------------------------------------------------------------------------------
# KerasTuner


def full_batch_tuner(tuner_class: type) -> type:
    """A KerasTuner tuner class (``kt.RandomSearch``, ``kt.BayesianOptimization``, …) whose
    trials train full-batch, as every network in this course does.

    A trial builds the model from its hyperparameters, takes ``epochs`` full-batch steps
    (one step per epoch) and reports the final validation *data* loss (cross-entropy,
    penalty excluded), the number the lesson's landscape holds. The trained model is kept
    in ``tuner.trained_models[trial_id]``. Call ``tuner.search(data, epochs=100)``.

    This is KerasTuner's documented way to customize a trial, overriding ``run_trial``.
    The default trial runs ``model.fit`` with Keras's per-epoch bookkeeping (tens of
    milliseconds per epoch), scores the *best* epoch's ``val_loss`` with the penalty
    included, and imports TensorBoard, which TensorFlow no longer installs.

    Example:
        >>> tuner = full_batch_tuner(kt.RandomSearch)(build_model, objective="val_loss",
        ...                                           max_trials=4, directory=folder)
        >>> tuner.search(data, epochs=100)
    """
    if not isinstance(tuner_class, type) or not hasattr(tuner_class, "run_trial"):
        raise TypeError(
            f"Expected a KerasTuner tuner class such as kt.RandomSearch. Received: {tuner_class!r}"
        )

    class FullBatchTuner(tuner_class):
        def run_trial(self, trial, data, epochs=100, **_fit_kwargs):
            import keras

            from tunelab.training.export import fit_full_batch

            keras.utils.set_random_seed(int(trial.trial_id))  # the same start for a rerun
            model = self.hypermodel.build(trial.hyperparameters)
            fit_full_batch(model, data.x_train, data.y_train, epochs)
            if not hasattr(self, "trained_models"):
                self.trained_models = {}
            self.trained_models[trial.trial_id] = model
            loss = float(per_example_loss(model, data.x_val, data.y_val).mean())
            return {"val_loss": loss if math.isfinite(loss) else DIVERGED_LOSS}

    FullBatchTuner.__name__ = FullBatchTuner.__qualname__ = f"FullBatch{tuner_class.__name__}"
    return FullBatchTuner


def tuner_table(tuner: Any) -> list[dict[str, Any]]:
    """Every completed trial of a KerasTuner search, in order: its values and its score.

    Example:
        >>> for row in tuner_table(tuner): print(row)
    """
    rows = []
    for trial_id, trial in sorted(tuner.oracle.trials.items(), key=lambda item: int(item[0])):
        if trial.score is None:
            continue
        rows.append(
            {"trial": int(trial_id), **trial.hyperparameters.values, "val_loss": trial.score}
        )
    return rows


# ----------------------------------------------------------------------------------------
# scikit-learn


def cv_table(search: Any, params: Sequence[str] = ("C", "l1_ratio")) -> str:
    """A text table of a fitted ``GridSearchCV``: each candidate and its mean CV score.

    Example:
        >>> print(cv_table(search))
    """
    results = search.cv_results_
    header = "".join(f"{p:>10}" for p in params) + f"{'mean CV score':>15}"
    lines = [header]
    for candidate, score in zip(results["params"], results["mean_test_score"], strict=True):
        cells = "".join(f"{candidate.get(p, '—')!s:>10}" for p in params)
        lines.append(cells + f"{score:>15.4f}")
    return "\n".join(lines)


def best_candidate(search: Any, **where: Any) -> tuple[dict, float]:
    """The best-scoring candidate of a fitted ``GridSearchCV`` among those matching ``where``.

    Example:
        >>> params, score = best_candidate(search, l1_ratio=1.0)  # the best L1 candidate
    """
    results = search.cv_results_
    matching = [
        (float(score), params)
        for params, score in zip(results["params"], results["mean_test_score"], strict=True)
        if all(params.get(k) == v for k, v in where.items()) and np.isfinite(score)
    ]
    if not matching:
        raise ValueError(f"No fitted candidate with {where}.")
    score, params = max(matching, key=lambda pair: pair[0])
    return dict(params), score


# ----------------------------------------------------------------------------------------
# Exercise checks


def check_distinct_values(answer: Any) -> Feedback:
    """Exercise 1: distinct learning rates tried by a 3×3×3 grid and by 27 random trials.

    Example:
        >>> check_distinct_values((3, 27)).passed
        True
    """
    if answer is None:
        return not_answered("Count the values along the learning-rate axis of each design.")
    try:
        grid, random = (int(v) for v in answer)
    except (TypeError, ValueError):
        return Feedback(False, f"Expected a pair of integers such as (5, 10). Received: {answer!r}")
    if (grid, random) == (3, 27):
        return Feedback(
            True,
            "Right: the grid repeats each of its 3 learning rates 9 times (once per pair of "
            "the other two values); 27 random trials draw 27 different learning rates. If "
            "only the learning rate matters, the grid has really run 3 experiments.",
        )
    if grid == 27:
        return Feedback(
            False,
            "Not quite: the grid runs 27 trials, but they reuse the same 3 learning rates.",
        )
    if random in (3, 9):
        return Feedback(
            False,
            "Not quite for random search: each trial draws every hyperparameter afresh from "
            "a continuous range, so no two trials share a learning rate.",
        )
    return feedback(
        False, "", f"Not quite: {grid} and {random}. How many values per axis does 3×3×3 have?"
    )


def _reference_ei(mu: np.ndarray, sigma: np.ndarray, best: float) -> np.ndarray:
    return expected_improvement(mu, sigma, best)


def check_expected_improvement(fn: Callable[..., Any] | None) -> Feedback:
    """Exercise 2: ``fn(mu, sigma, best)`` must return the expected improvement (minimizing).

    Example:
        >>> check_expected_improvement(expected_improvement).passed
        True
    """
    if fn is None:
        return not_answered("Improvement is best − loss; average it over Normal(μ, σ²).")
    if not callable(fn):
        return Feedback(False, f"Expected a function fn(mu, sigma, best). Received: {fn!r}")
    mu = np.array([0.20, 0.25, 0.30, 0.35, 0.50, 0.22])
    sigma = np.array([0.01, 0.05, 0.02, 0.10, 0.20, 0.03])
    best = 0.26
    try:
        got = np.asarray(fn(mu.copy(), sigma.copy(), best), dtype=np.float64)
    except Exception as exc:  # a learner's bug is feedback, not a crash
        return Feedback(False, f"Your function raised {type(exc).__name__}: {exc}")
    if got.shape != mu.shape:
        return Feedback(
            False, f"Expected one value per candidate, shape {mu.shape}. Received {got.shape}."
        )
    want = _reference_ei(mu, sigma, best)
    if np.allclose(got, want, rtol=1e-4, atol=1e-9):
        return Feedback(
            True,
            "Right: (best − μ)·Φ(z) + σ·φ(z). The first term rewards a low prediction, the "
            "second an uncertain one; that is how Bayesian optimization trades exploiting "
            "against exploring.",
        )
    from scipy.stats import norm

    if np.allclose(got, _reference_ei(-mu, sigma, -best), rtol=1e-4):
        return Feedback(
            False,
            "Not quite: that is the improvement for *maximizing* (μ − best). A loss improves "
            "when it goes below the best, so use best − μ.",
        )
    if np.allclose(got, norm.cdf((best - mu) / sigma), rtol=1e-4):
        return Feedback(
            False,
            "Not quite: Φ(z) is the probability of improvement, not its expected size. "
            "Weigh it by how much is gained: (best − μ)·Φ(z) + σ·φ(z).",
        )
    if np.allclose(got, (best - mu) * norm.cdf((best - mu) / sigma), rtol=1e-4):
        return Feedback(
            False,
            "Not quite: you have the exploit term only. Add σ·φ(z), the reward for "
            "uncertainty; without it a candidate predicted just above the best scores 0.",
        )
    return Feedback(False, "Not quite: your values differ from (best − μ)·Φ(z) + σ·φ(z).")


def check_l1_search(search: Any) -> Feedback:
    """Exercise 3: a fitted ``GridSearchCV`` over L1 and L2 that has no failed fit.

    Example:
        >>> check_l1_search(GridSearchCV(LogisticRegression(solver="liblinear"),
        ...     {"C": [0.1, 1], "l1_ratio": [0.0, 1.0]}, error_score="raise").fit(x, y)).passed
        True
    """
    if search is None:
        return not_answered("Build a GridSearchCV, fit it, and set `answer` to it.")
    results = getattr(search, "cv_results_", None)
    if results is None:
        return Feedback(False, "Expected a fitted GridSearchCV: call .fit(x, y) first.")
    scores = np.asarray(results["mean_test_score"], dtype=np.float64)
    candidates = list(results["params"])

    def kind(params: dict) -> str | None:
        if "l1_ratio" in params:
            return {0.0: "l2", 1.0: "l1"}.get(float(params["l1_ratio"]))
        if "penalty" in params:
            return params["penalty"]
        return None

    kinds = {kind(p) for p in candidates}
    if not {"l1", "l2"} <= kinds:
        return Feedback(
            False,
            "Not quite: the grid should hold both L1 and L2 candidates (l1_ratio 1.0 and 0.0).",
        )
    if np.any(~np.isfinite(scores)):
        failed = sum(~np.isfinite(scores))
        return Feedback(
            False,
            f"Not quite: {failed} candidates scored NaN, so they failed to fit. Choose a "
            "solver that supports L1 (liblinear or saga).",
        )
    if getattr(search, "error_score", None) != "raise":
        return Feedback(
            False,
            "Almost: every fit worked, but set error_score='raise' so that a failing "
            "candidate stops the search instead of scoring NaN quietly.",
        )
    best = search.best_params_
    return Feedback(
        True,
        f"Right: all {len(scores)} candidates were fitted and scored, L1 included; the best "
        f"is {best}. With error_score='raise', a candidate that cannot fit would stop the "
        "search with its error.",
    )
