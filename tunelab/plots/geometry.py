"""The geometry of a weight penalty, on a linear model with two penalized weights.

`TwoWeightLoss` measures: the data loss (mean squared error) of ``ŷ = w1·x1 + w2·x2 + b``
over the two weights, its minimum with an L1 or L2 penalty (exact), and its minimum
inside an L1 diamond or an L2 disc (an independent solver, to show that the two are the
same point). `PenaltyGeometry` draws it: the loss's contours, the penalized minimum's
path as λ grows, and, for one λ, the diamond or circle that touches a contour there.

Numpy only; the conventions are the lessons' (Keras's): L1 adds λ·Σ|w|, L2 adds λ·Σw²,
and the bias is not penalized.

Example:
    >>> loss = TwoWeightLoss(np.stack([x, x**3], axis=1), y)
    >>> loss.penalized_minimum(0.05, "l1")  # array([-0.22, 0.  ]): one weight exactly 0
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Polygon

from tunelab.plots.base import CLASS_COLORS, MARK_COLOR, own_axes
from tunelab.validation import check_range, received

__all__ = ["PENALTIES", "PenaltyGeometry", "TwoWeightLoss", "penalty_norm"]

#: The penalties this module knows: "l1" (λ·Σ|w|) and "l2" (λ·Σw²).
PENALTIES = ("l1", "l2")


def _check_penalty(penalty: object) -> str:
    if penalty not in PENALTIES:
        raise ValueError(f"Expected `penalty` to be 'l1' or 'l2'. {received('penalty', penalty)}")
    return str(penalty)


def penalty_norm(w: Sequence[float] | np.ndarray, penalty: str) -> float:
    """The size of ``w`` the penalty's region measures: Σ|w| for L1, √Σw² for L2.

    The L1 diamond is ``|w1| + |w2| ≤ t`` and the L2 disc ``w1² + w2² ≤ t²``; this is
    the ``t`` whose boundary passes through ``w``.

    Example:
        >>> penalty_norm([3.0, -4.0], "l1"), penalty_norm([3.0, -4.0], "l2")
        (7.0, 5.0)
    """
    w = np.asarray(w, np.float64)
    if _check_penalty(penalty) == "l1":
        return float(np.abs(w).sum())
    return float(np.sqrt(np.sum(w * w)))


def _project(v: np.ndarray, t: float, penalty: str) -> np.ndarray:
    """The point of the L1 or L2 ball of radius ``t`` nearest to ``v``."""
    if penalty_norm(v, penalty) <= t:
        return v
    if t == 0:
        return np.zeros_like(v)
    if penalty == "l2":
        return v * (t / penalty_norm(v, "l2"))
    # Onto the L1 ball: soft-threshold by the θ that lands on its boundary (Duchi et al.).
    u = np.sort(np.abs(v))[::-1]
    cumulative = np.cumsum(u)
    k = np.nonzero(u * np.arange(1, u.size + 1) > cumulative - t)[0][-1]
    theta = (cumulative[k] - t) / (k + 1)
    return np.sign(v) * np.maximum(np.abs(v) - theta, 0.0)


class TwoWeightLoss:
    """The data loss of ``ŷ = w1·x1 + w2·x2 + b`` over its two weights, the bias at its best.

    The bias is fitted but not penalized, so for every (w1, w2) it takes its best value,
    ``b = mean(y) − w1·mean(x1) − w2·mean(x2)``, and the loss over the weights is the mean
    squared error of the centred data: a quadratic bowl
    ``J(w) = J* + (w − w*)ᵀ C (w − w*)``, with ``C`` the features' covariance (divided by n)
    and ``w*`` the least-squares weights. That is also what scikit-learn's ``Lasso`` and
    ``Ridge`` fit with ``fit_intercept=True``.

    Args:
        features: the two input features, shape (n, 2).
        y: the targets, shape (n,).

    Attributes:
        covariance: C, (2, 2); the Hessian of J is 2·C.
        minimum: w*, the unpenalized least-squares weights.
        floor: J*, the loss at w*.
        means: the features' and the target's means (the best bias needs them).

    Example:
        >>> loss = TwoWeightLoss(np.stack([x, x**3], axis=1), y)
        >>> loss.penalized_minimum(0.01, "l2"), loss(*loss.minimum)  # ridge weights, J*
    """

    def __init__(self, features: np.ndarray, y: np.ndarray):
        features = np.asarray(features, np.float64)
        y = np.asarray(y, np.float64)
        if features.ndim != 2 or features.shape[1] != 2 or features.shape[0] < 3:
            raise ValueError(
                "Expected `features` to have shape (n, 2) with n >= 3: two features per "
                f"example. Received: features of shape {features.shape}"
            )
        if y.shape != (features.shape[0],):
            raise ValueError(
                f"Expected `y` to have shape ({features.shape[0]},), one target per example. "
                f"Received: y of shape {y.shape}"
            )
        if not (np.all(np.isfinite(features)) and np.all(np.isfinite(y))):
            raise ValueError("Expected `features` and `y` to be finite numbers.")
        self.means = (features.mean(axis=0), float(y.mean()))
        centred, target = features - self.means[0], y - self.means[1]
        n = len(y)
        self.covariance = centred.T @ centred / n
        if np.linalg.eigvalsh(self.covariance)[0] <= 1e-12 * np.trace(self.covariance):
            raise ValueError(
                "Expected two features that are not copies of each other (nor constant): "
                "their covariance is singular, so the loss has no single minimum."
            )
        self._moment = centred.T @ target / n  # so that ∇J(w) = 2·(C·w − moment)
        self._spread = float(np.mean(target**2))
        self.minimum = np.linalg.solve(self.covariance, self._moment)
        self.floor = float(self._spread - self._moment @ self.minimum)

    def __call__(self, w1: float | np.ndarray, w2: float | np.ndarray) -> np.ndarray:
        """J at weights (w1, w2), vectorized over arrays of the same shape.

        Example:
            >>> loss(*loss.minimum) == loss.floor  # (up to rounding)
        """
        w1, w2 = np.asarray(w1, np.float64), np.asarray(w2, np.float64)
        (c11, c12), (_, c22) = self.covariance
        m1, m2 = self._moment
        quadratic = c11 * w1 * w1 + 2 * c12 * w1 * w2 + c22 * w2 * w2
        return quadratic - 2 * (m1 * w1 + m2 * w2) + self._spread

    def gradient(self, w: Sequence[float] | np.ndarray) -> np.ndarray:
        """∇J at ``w``: ``2·(C·w − Xᵀy/n)`` on the centred data.

        Example:
            >>> loss.gradient(loss.minimum)  # array([0., 0.]) up to rounding
        """
        return 2.0 * (self.covariance @ np.asarray(w, np.float64) - self._moment)

    def bias(self, w: Sequence[float] | np.ndarray) -> float:
        """The best (unpenalized) bias for weights ``w``.

        Example:
            >>> loss.bias(loss.minimum)  # the least-squares intercept
        """
        return float(self.means[1] - self.means[0] @ np.asarray(w, np.float64))

    def objective(self, w: Sequence[float] | np.ndarray, strength: float, penalty: str) -> float:
        """J(w) plus the penalty: λ·Σ|w| for L1, λ·Σw² for L2.

        Example:
            >>> loss.objective(loss.penalized_minimum(0.05, "l1"), 0.05, "l1")
        """
        w = np.asarray(w, np.float64)
        size = np.abs(w).sum() if _check_penalty(penalty) == "l1" else np.sum(w * w)
        return float(self(w[0], w[1]) + strength * size)

    def penalized_minimum(self, strength: float, penalty: str) -> np.ndarray:
        """The weights that minimize J(w) + penalty, exactly.

        L2: ``(C + λ·I)·w = Xᵀy/n``, in closed form. L1: the objective is not smooth, but
        where each weight's sign s (−1, 0 or +1) is fixed it is a quadratic; each of the
        nine sign patterns gives a linear solve, and the minimum is the pattern whose
        weights come out with the signs assumed and whose zero weights are pulled by the
        data no harder than λ (the optimality conditions). A weight at 0 is exactly 0, not
        a small number.

        Args:
            strength: λ >= 0.
            penalty: "l1" or "l2".

        Example:
            >>> loss.penalized_minimum(0.05, "l1")  # array([-0.22, 0.  ])
        """
        strength = check_range("strength", strength, 0)
        penalty = _check_penalty(penalty)
        if penalty == "l2":
            return np.linalg.solve(self.covariance + strength * np.eye(2), self._moment)
        candidates = []
        for signs in itertools.product((-1.0, 0.0, 1.0), repeat=2):
            signs = np.array(signs)
            active = signs != 0
            # Zero gradient on the active weights: 2·(C·w − m) + λ·s = 0 there.
            w = np.zeros(2)
            if active.any():
                block = self.covariance[np.ix_(active, active)]
                w[active] = np.linalg.solve(
                    block, self._moment[active] - strength / 2 * signs[active]
                )
            if np.all(np.sign(w[active]) == signs[active]):
                # A weight at 0 stays there if the data pull on it, |∂J/∂w|, is at most λ.
                held = np.all(np.abs(self.gradient(w)[~active]) <= strength)
                candidates.append((not held, self.objective(w, strength, "l1"), w))
        # Exactly one candidate meets both conditions; at a knot of the path, rounding may
        # let two (the same point) or none pass, and the lower objective decides.
        return min(candidates, key=lambda c: (c[0], c[1]))[2]

    def path(self, strengths: Sequence[float], penalty: str) -> np.ndarray:
        """The penalized minimum at each strength, shape (len(strengths), 2).

        Example:
            >>> loss.path(np.geomspace(1e-3, 0.1, 21), "l1")[:, 1]  # exact zeros at the end
        """
        return np.array([self.penalized_minimum(s, penalty) for s in strengths]).reshape(-1, 2)

    def constrained_minimum(self, size: float, penalty: str, *, tol: float = 1e-13) -> np.ndarray:
        """The weights that minimize J(w) inside the diamond Σ|w| ≤ t (L1) or the disc
        Σw² ≤ t² (L2), by projected gradient descent.

        A solver of its own, which never sees a λ: that its answer is a penalized minimum
        (for the matching t) is what the geometry says, not something it assumes.

        Args:
            size: the region's size t >= 0.
            penalty: "l1" (the diamond) or "l2" (the disc).
            tol: stop when a step moves the weights by less than this.

        Example:
            >>> w = loss.penalized_minimum(0.05, "l1")
            >>> loss.constrained_minimum(penalty_norm(w, "l1"), "l1")  # ≈ w
        """
        size = check_range("size", size, 0)
        penalty = _check_penalty(penalty)
        step = 1.0 / (2.0 * np.linalg.eigvalsh(self.covariance)[-1])  # 1 / the largest curvature
        w = _project(np.zeros(2), size, penalty)
        for _ in range(200_000):
            moved = _project(w - step * self.gradient(w), size, penalty)
            if np.max(np.abs(moved - w)) < tol:
                return moved
            w = moved
        return w

    def zeroing_strength(self, weight: int) -> float:
        """The λ from which the L1 minimum's weight ``weight`` (0 or 1) is exactly 0.

        On two weights the L1 path zeroes each weight once and for all: the set of λ
        where it is 0 is ``[λ₀, ∞)``, and ``λ₀`` is found by bisection on the exact
        minimum. The last weight goes at ``2·max|Xᵀy/n|``, where the gradient at 0 is
        no stronger than the penalty's pull.

        Example:
            >>> loss.zeroing_strength(1)  # the x³ weight leaves the L1 path here
        """
        if weight not in (0, 1):
            raise ValueError(f"Expected `weight` to be 0 or 1. {received('weight', weight)}")
        low, high = 0.0, 2.0 * float(np.abs(self._moment).max())
        if self.penalized_minimum(low, "l1")[weight] == 0:
            return low
        for _ in range(200):
            middle = (low + high) / 2
            if middle in (low, high):
                break
            if self.penalized_minimum(middle, "l1")[weight] == 0:
                high = middle
            else:
                low = middle
        return high

    def level_set(self, value: float, points: int = 181) -> np.ndarray:
        """The contour J(w) = ``value``: an ellipse around w*, shape (points, 2).

        Empty (shape (0, 2)) for a value below the floor J*.

        Example:
            >>> ring = loss.level_set(loss.floor + 0.01)
            >>> loss(ring[:, 0], ring[:, 1])  # all ≈ J* + 0.01
        """
        excess = float(value) - self.floor
        if not np.isfinite(excess) or excess < 0:
            return np.empty((0, 2))
        curvatures, axes = np.linalg.eigh(self.covariance)
        angle = np.linspace(0.0, 2.0 * np.pi, points)
        circle = np.stack([np.cos(angle), np.sin(angle)])
        ellipse = axes @ (circle * np.sqrt(excess / curvatures)[:, None])
        return (self.minimum[:, None] + ellipse).T


def _region(size: float, penalty: str, points: int = 181) -> np.ndarray:
    """The boundary of the L1 diamond or the L2 circle of size ``size``, shape (k, 2)."""
    if penalty == "l1":
        return size * np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    angle = np.linspace(0.0, 2.0 * np.pi, points)
    return size * np.stack([np.cos(angle), np.sin(angle)], axis=1)


class PenaltyGeometry:
    """A penalty's picture: the loss's contours, the penalized minimum's path as λ grows,
    and for one λ the region (L1 diamond or L2 circle) whose edge touches a contour there.

    Built once on an Axes; ``show(strength)`` moves the region, the touching contour and
    the marked minimum in place, so a slider can drive it. (Not a `Part`: what it shows
    is a λ, not a training result, so it has ``show(strength)`` where parts have
    ``update(view)``.)

    Args:
        ax: the Axes to draw on, or None for a new figure.
        loss: the `TwoWeightLoss` to draw.
        penalty: "l1" or "l2".
        strengths: the λ's of the path (increasing), and the ones ``show`` accepts.
        strength: the λ shown first (one of ``strengths``; by default the middle one).
        window: ``(w1_low, w1_high, w2_low, w2_high)``; by default the box holding w* and 0.
        labels: the axis labels of the two weights.
        levels: number of contour lines (their heights are log-spaced above J*).

    Attributes:
        ax, figure: where it is drawn.
        contours: the loss's contour lines (drawn once).
        path_line: the penalized minimum at every strength, from w* (λ = 0) on.
        region: the diamond or circle (a Polygon) of size t = the shown minimum's norm.
        touching: the contour through the shown minimum.
        optimum: the shown minimum; ``minimum_point``: w*.
        text: what is shown, in words.

    Example:
        >>> geo = PenaltyGeometry(None, loss, "l1", np.geomspace(1e-3, 0.1, 21))
        >>> geo.show(0.05)  # the diamond touches the contours on its corner
    """

    def __init__(
        self,
        ax: Axes | None,
        loss: TwoWeightLoss,
        penalty: str,
        strengths: Sequence[float],
        *,
        strength: float | None = None,
        window: tuple[float, float, float, float] | None = None,
        labels: tuple[str, str] = ("weight w1", "weight w2"),
        levels: int = 10,
    ):
        if not isinstance(loss, TwoWeightLoss):
            raise TypeError(
                f"Expected `loss` to be a TwoWeightLoss. Received: {type(loss).__name__}"
            )
        self.penalty = _check_penalty(penalty)
        self.strengths = np.asarray(strengths, np.float64).ravel()
        if (
            self.strengths.size < 2
            or not np.all(np.isfinite(self.strengths))
            or np.any(self.strengths < 0)
            or np.any(np.diff(self.strengths) <= 0)
        ):
            raise ValueError(
                "Expected `strengths` to be at least two increasing λ >= 0. "
                f"{received('strengths', strengths)}"
            )
        self.loss = loss
        self.weights = loss.path(self.strengths, self.penalty)
        self.ax = ax = own_axes(ax, (4, 4))
        if window is None:
            both = np.vstack([loss.minimum, np.zeros(2)])
            pad = 0.3 * np.ptp(both, axis=0).max()
            low, high = both.min(axis=0) - pad, both.max(axis=0) + pad
            window = (low[0], high[0], low[1], high[1])
        self.window = tuple(float(v) for v in window)
        grid = np.meshgrid(
            np.linspace(self.window[0], self.window[1], 161),
            np.linspace(self.window[2], self.window[3], 161),
        )
        excess = loss(*grid) - loss.floor
        heights = np.geomspace(max(excess.max(), 1e-12) * 1e-3, excess.max(), levels)
        self.contours = ax.contour(
            *grid, excess, levels=heights, colors="#9a9a9a", linewidths=0.8, zorder=1
        )
        color = CLASS_COLORS[0] if self.penalty == "l1" else CLASS_COLORS[1]
        self.region = Polygon(
            np.zeros((3, 2)), closed=True, fc=color, ec=color, alpha=0.25, lw=1.5, zorder=2
        )
        ax.add_patch(self.region)
        path = np.vstack([loss.minimum, self.weights])
        (self.path_line,) = ax.plot(
            path[:, 0], path[:, 1], color=color, lw=1.8, marker="o", ms=2.5, zorder=3,
            label=f"{self.penalty.upper()} minimum as λ grows",
        )  # fmt: skip
        (self.touching,) = ax.plot([], [], color=MARK_COLOR, lw=1.4, zorder=3)
        (self.minimum_point,) = ax.plot(
            *loss.minimum, ls="", marker="+", ms=12, mew=2, color=MARK_COLOR, zorder=4,
            label="no penalty (w*)",
        )  # fmt: skip
        (self.optimum,) = ax.plot(
            [], [], ls="", marker="*", ms=13, mfc=color, mec="black", zorder=5
        )
        ax.axhline(0, color="black", lw=0.6, zorder=1)
        ax.axvline(0, color="black", lw=0.6, zorder=1)
        ax.set_xlim(self.window[0], self.window[1])
        ax.set_ylim(self.window[2], self.window[3])
        ax.set_aspect("equal")  # a circle must look like one
        ax.set_autoscale_on(False)
        ax.set_xlabel(labels[0])
        ax.set_ylabel(labels[1])
        ax.legend(loc="lower left", fontsize="small")
        self.text = ax.set_title("", fontsize="small")
        middle = self.strengths[self.strengths.size // 2]
        self.show(middle if strength is None else strength, draw=False)

    @property
    def figure(self):
        """The Figure the picture is drawn in."""
        return self.ax.figure

    def index_of(self, strength: float) -> int:
        """The position of ``strength`` among the path's λ's (no snapping to the nearest).

        Example:
            >>> geo.index_of(0.05)
        """
        matches = np.nonzero(np.isclose(self.strengths, float(strength), rtol=1e-9, atol=0))[0]
        if not matches.size:
            raise ValueError(
                f"Expected `strength` to be one of the path's λ's {self.strengths.tolist()}. "
                f"{received('strength', strength)}"
            )
        return int(matches[0])

    def show(self, strength: float, *, draw: bool = True) -> np.ndarray:
        """Show the region and touching contour of one λ; returns that λ's minimum.

        Example:
            >>> w = geo.show(0.05)  # array([-0.22, 0.  ])
        """
        w = self.weights[self.index_of(strength)]
        size = penalty_norm(w, self.penalty)
        self.region.set_xy(_region(size, self.penalty))
        ring = self.loss.level_set(float(self.loss(w[0], w[1])))
        self.touching.set_data(ring[:, 0], ring[:, 1])
        self.optimum.set_data([w[0]], [w[1]])
        symbol = "|w1| + |w2|" if self.penalty == "l1" else "√(w1² + w2²)"
        self.text.set_text(
            f"{self.penalty.upper()}, λ = {float(strength):.2g}: {symbol} = t = {size:.3f}\n"
            f"minimum w = ({w[0]:.3f}, {w[1]:.3f})"
        )
        if draw:
            self.figure.canvas.draw_idle()
        return w
