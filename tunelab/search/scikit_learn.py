"""Reading a fitted scikit-learn ``GridSearchCV``: its table, its best candidate among some."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


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
        raise ValueError(
            f"No fitted candidate with {where}: every matching candidate failed to fit, or "
            f"none has those values. Candidates: {list(results['params'])}"
        )
    score, params = max(matching, key=lambda pair: pair[0])
    return dict(params), score
