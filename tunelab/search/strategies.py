"""Grid search, random search and Bayesian optimization, replayed on a `Landscape`.

A trial is a look-up in the landscape's table, so a search costs nothing and can be
repeated over many seeds.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from tunelab.search.landscape import Landscape, SearchRun


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
    return SearchRun.from_cells("grid", land, [(i, j) for i in rows for j in cols])


def random_search(land: Landscape, budget: int = 9, seed: int = 0) -> SearchRun:
    """Random search: ``budget`` different settings drawn uniformly from the landscape.

    On log-spaced values this is log-uniform sampling, as for a hyperparameter drawn with
    ``sampling="log"``; a finer landscape makes it closer to sampling continuously.

    Example:
        >>> [random_search(land, 9, seed=s).best for s in range(5)]
    """
    budget = _check_budget(land, budget)
    flat = np.random.default_rng(seed).choice(land.loss.size, size=budget, replace=False)
    return SearchRun.from_cells("random", land, [divmod(int(k), land.shape[1]) for k in flat])


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


def search_kernel(n_dims: int = 2) -> Any:
    """The Gaussian process kernel `bayesian_search` fits, for ``n_dims`` hyperparameters.

    An amplitude times a Matérn 5/2 kernel with one length scale per hyperparameter, plus
    a noise term (``WhiteKernel``): nearby settings have similar losses, and a loss is
    measured with some noise. The positions it expects are each hyperparameter's values
    scaled to [0, 1] (on a log scale for log-spaced values), which its starting length
    scale (0.3) and bounds (0.05 to 5) are sized for. ``fit`` tunes the amplitude, the
    length scales and the noise level to the trials (maximum marginal likelihood).

    Example:
        >>> gp = GaussianProcessRegressor(search_kernel(1), normalize_y=True).fit(x, y)
        >>> mean, std = gp.predict(x_new, return_std=True)
    """
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    if isinstance(n_dims, bool) or not isinstance(n_dims, int | np.integer) or n_dims < 1:
        raise ValueError(
            f"Expected `n_dims` to be a positive integer (how many hyperparameters). "
            f"Received: n_dims={n_dims!r}"
        )
    scales = 0.3 if n_dims == 1 else [0.3] * int(n_dims)
    return ConstantKernel(1.0, (1e-2, 1e2)) * Matern(
        length_scale=scales, length_scale_bounds=(0.05, 5.0), nu=2.5
    ) + WhiteKernel(1e-2, (1e-6, 1.0))


def bayesian_search(land: Landscape, budget: int = 9, seed: int = 0, initial: int = 3) -> SearchRun:
    """Bayesian optimization: a Gaussian process models the landscape from the trials so far.

    The first ``initial`` trials are random. After that, a Gaussian process
    (``GaussianProcessRegressor(search_kernel(2), normalize_y=True)``, on the cells'
    positions scaled to [0, 1], i.e. log scale) is fitted to the trials made so far, and
    the next trial is the untried setting with the largest `expected_improvement` over
    the best loss found.

    Example:
        >>> bayesian_search(land, budget=9, seed=0).best_so_far
    """
    from sklearn.gaussian_process import GaussianProcessRegressor

    budget = _check_budget(land, budget)
    if not 1 <= initial <= budget:
        raise ValueError(
            f"Expected `initial` to be an integer from 1 to budget={budget}. "
            f"Received: initial={initial!r}"
        )
    n_rows, n_cols = land.shape
    cells = [(i, j) for i in range(n_rows) for j in range(n_cols)]
    x = np.array([(i / max(n_rows - 1, 1), j / max(n_cols - 1, 1)) for i, j in cells])
    y = land.loss.ravel()
    chosen = [int(k) for k in np.random.default_rng(seed).choice(len(y), initial, replace=False)]
    kernel = search_kernel(2)
    while len(chosen) < budget:
        gp = GaussianProcessRegressor(kernel, normalize_y=True, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # hyperparameters at a bound: harmless here
            gp.fit(x[chosen], y[chosen])
        mu, sigma = gp.predict(x, return_std=True)
        ei = expected_improvement(mu, sigma, float(y[chosen].min()))
        ei[chosen] = -np.inf
        chosen.append(int(np.argmax(ei)))
    return SearchRun.from_cells("bayesian", land, [cells[k] for k in chosen])
