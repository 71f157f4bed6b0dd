"""`LossSurface`: the loss over (w, b) of a linear model, and the optimizer's path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm

from tunelab.datasets import Dataset
from tunelab.plots.base import CLASS_COLORS, Part, View, own_axes


class LossSurface(Part):
    """The loss over the two parameters (w, b) of ``y ≈ w·x + b``, and the optimizer's path.

    The surface is computed once in numpy: the mean squared error over the training set,
    exactly the engine's data loss for a linear model on 'poly' (``hidden=()``, one input
    feature). Any other two-parameter loss can be drawn with ``loss_fn``. ``update(view)``
    draws the path of ``view.result`` up to the end of ``view.epoch`` (all of it when None);
    the surface stays the one of the data the part was built with.

    Args:
        ax: the Axes to draw on, or None for a new figure.
        data: a regression `Dataset` with one input feature (None when ``loss_fn`` is given).
        loss_fn: instead of the data's MSE, a vectorized ``f(W, B) -> loss`` over arrays.
        w_range, b_range: the (low, high) window; by default around the least-squares
            minimum and wide enough for the initial weights.
        resolution: grid points per side.
        levels: number of filled contour levels (log-spaced).

    Attributes:
        ax, figure: where it is drawn.
        contours: the filled contours (drawn once, never updated).
        min_point: the grid's lowest loss.
        path_line: the optimizer's path, one marker per step.
        start_point, end_point: the first and last point of the path.

    Example:
        >>> surface = LossSurface(None, tl.load_dataset("poly"))
        >>> res = tl.train(data, TrainConfig(hidden=(), optimizer="sgd"))
        >>> surface.update(View(result=res, epoch=10))  # the path up to epoch 10
    """

    def __init__(
        self,
        ax: Axes | None,
        data: Dataset | None = None,
        *,
        loss_fn: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
        w_range: tuple[float, float] | None = None,
        b_range: tuple[float, float] | None = None,
        resolution: int = 121,
        levels: int = 20,
    ):
        if loss_fn is None:
            self._check_data(data)
            x = data.x_train[:, 0].astype(np.float64)
            y = data.y_train.astype(np.float64)
            # The MSE is a quadratic in (w, b); its five moments make the grid cheap.
            self._moments = (
                np.mean(x * x),
                np.mean(x),
                np.mean(x * y),
                np.mean(y),
                np.mean(y * y),
            )
            xx, xm, xy, ym, _ = self._moments
            var = xx - xm * xm
            w_star = (xy - xm * ym) / var if var > 0 else 0.0
            b_star = ym - w_star * xm
            loss_fn = self._mse
            # Glorot-uniform starts |w| up to √3 ≈ 1.7 for one input and one output.
            w_range = w_range or (min(w_star - 1.5, -2.0), max(w_star + 1.5, 2.0))
            b_range = b_range or (min(b_star - 1.5, -1.5), max(b_star + 1.5, 1.5))
        else:
            self._moments = None
            w_range = w_range or (-2.0, 2.0)
            b_range = b_range or (-2.0, 2.0)
        self.loss_fn = loss_fn
        self.w_range = (float(w_range[0]), float(w_range[1]))
        self.b_range = (float(b_range[0]), float(b_range[1]))
        self.ax = ax = own_axes(ax, (4.5, 4))
        w = np.linspace(*self.w_range, resolution)
        b = np.linspace(*self.b_range, resolution)
        grid_w, grid_b = np.meshgrid(w, b)
        loss = np.asarray(loss_fn(grid_w, grid_b), np.float64)
        finite = loss[np.isfinite(loss)]
        if not len(finite):
            raise ValueError("Expected `loss_fn` to give finite values on the (w, b) window.")
        self.loss = loss = np.where(np.isfinite(loss), loss, finite.max())
        # Log-spaced levels: the bowl's floor and its walls differ by orders of magnitude.
        low = max(float(finite.min()), 1e-12)
        high = max(float(finite.max()), low * 1.001)
        self.contours = ax.contourf(
            grid_w,
            grid_b,
            np.clip(loss, low, high),
            levels=np.geomspace(low, high, levels),
            norm=LogNorm(low, high),
            cmap="viridis",
            zorder=0,
        )
        i = np.unravel_index(np.argmin(loss), loss.shape)
        (self.min_point,) = ax.plot(
            grid_w[i], grid_b[i], ls="", marker="+", ms=12, mew=2, color="white", zorder=2
        )
        (self.path_line,) = ax.plot(
            [], [], color="white", lw=1.2, marker="o", ms=2.5, alpha=0.9, zorder=3
        )
        (self.start_point,) = ax.plot(
            [], [], ls="", marker="o", ms=8, mfc="white", mec="black", zorder=4, label="start"
        )
        (self.end_point,) = ax.plot(
            [], [], ls="", marker="*", ms=13, mfc=CLASS_COLORS[0], mec="black", zorder=4
        )
        self.end_point.set_label("end")
        ax.set_xlim(*self.w_range)
        ax.set_ylim(*self.b_range)
        ax.set_autoscale_on(False)
        ax.set_xlabel("weight w")
        ax.set_ylabel("bias b")
        ax.legend(handles=[self.start_point, self.end_point], loc="upper right", fontsize="small")
        cbar = self.figure.colorbar(
            self.contours, ax=ax, ticks=self.contours.levels[::4], format="%.2g"
        )
        cbar.minorticks_off()
        cbar.set_label("training loss (MSE)")
        self.colorbar = cbar

    @staticmethod
    def _check_data(data: Dataset | None) -> None:
        if not isinstance(data, Dataset):
            raise TypeError(
                "Expected `data` to be a tunelab Dataset such as tl.load_dataset('poly'), or "
                f"a `loss_fn`. Received: data of type {type(data).__name__}"
            )
        if data.task != "regression" or data.x_train.shape[1] != 1:
            raise ValueError(
                "LossSurface draws the loss of y ≈ w·x + b, which needs a regression set with "
                f"one input feature (e.g. 'poly' with features=('x',)). Received: {data.name!r} "
                f"({data.task}) with {data.x_train.shape[1]} features. Pass `loss_fn` for "
                "another two-parameter loss."
            )

    def _mse(self, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        xx, xm, xy, ym, yy = self._moments
        return w * w * xx + 2 * w * b * xm + b * b - 2 * w * xy - 2 * b * ym + yy

    def loss_at(self, w: float | np.ndarray, b: float | np.ndarray) -> np.ndarray:
        """The surface's loss at parameters ``(w, b)`` (exact, not read off the grid).

        Example:
            >>> w, b = result.path[-1]
            >>> surface.loss_at(w, b)  # == result.history["train_loss"][-1]
        """
        return self.loss_fn(np.asarray(w, np.float64), np.asarray(b, np.float64))

    @classmethod
    def from_view(cls, ax: Axes | None, view: View, **options: Any) -> LossSurface:
        """Build on ``ax`` over ``view.data`` (unless ``loss_fn`` is given) and show ``view``.

        Options: those of the constructor (``loss_fn``, ``w_range``, ``b_range``,
        ``resolution``, ``levels``).

        Example:
            >>> surface = LossSurface.from_view(ax, View(result=res, data=poly))
            >>> surface.update(View(result=res, epoch=10), draw=False)
        """
        part = cls(ax, view.data, **options)
        part.update(view, draw=False)
        return part

    def _show(self, view: View) -> None:
        result, epoch = view.result, view.epoch
        if result is None:
            path = np.empty((0, 2))
        else:
            if result.path is None or np.ndim(result.path) != 2 or result.path.shape[1] != 2:
                raise ValueError(
                    "Expected a result of a linear model with one input (hidden=() on 'poly'), "
                    "which records its path [w, b] after every step. This result has no such "
                    "path."
                )
            path = np.asarray(result.path, np.float64)
            if epoch is not None:
                path = path[: int(epoch) * result.steps_per_epoch + 1]
        path = path[np.isfinite(path).all(axis=1)]
        self.path_line.set_data(path[:, 0], path[:, 1])
        self.start_point.set_data(path[:1, 0], path[:1, 1])
        self.end_point.set_data(path[-1:, 0], path[-1:, 1])
