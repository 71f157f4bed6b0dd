"""Self-checks for lesson 07 (hyperparameter search); they never raise for a wrong answer.

The search machinery the lesson runs (landscapes, grid / random / Bayesian search, the
KerasTuner and scikit-learn adapters) lives in `tunelab.search`, its plots in
`tunelab.plots.search`.

Example:
    >>> from tunelab.exercises import search as ex
    >>> ex.check_distinct_values((3, 27)).passed
    True
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from tunelab.exercises import Feedback
from tunelab.search import expected_improvement as _reference_ei

__all__ = ["Feedback", "check_distinct_values", "check_expected_improvement", "check_l1_search"]


def check_distinct_values(answer: Any) -> Feedback:
    """Exercise 1: distinct learning rates tried by a 3×3×3 grid and by 27 random trials.

    Example:
        >>> check_distinct_values((3, 27)).passed
        True
    """
    if answer is None:
        return Feedback.unanswered("Count the values along the learning-rate axis of each design.")
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
    return Feedback.judge(
        False, "", f"Not quite: {grid} and {random}. How many values per axis does 3×3×3 have?"
    )


def check_expected_improvement(fn: Callable[..., Any] | None) -> Feedback:
    """Exercise 2: ``fn(mu, sigma, best)`` must return the expected improvement (minimizing).

    Example:
        >>> check_expected_improvement(tl.search.expected_improvement).passed
        True
    """
    if fn is None:
        return Feedback.unanswered("Improvement is best − loss; average it over Normal(μ, σ²).")
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
            "against exploring. Plot it over the Gaussian process's mean and σ and you get "
            "the lower row of the figure in section 2.",
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
        return Feedback.unanswered("Build a GridSearchCV, fit it, and set `answer` to it.")
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
