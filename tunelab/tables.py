"""Text tables the lessons print: runs side by side, one row per setting.

`text_table` writes every table (a header and aligned rows); the others only choose
columns and format numbers. Reads results through `tunelab.training.network` and
`tunelab.training.measures`, so it needs no TensorFlow.

Example:
    >>> from tunelab import tables
    >>> print(tables.sweep_table(tl.sweep(data, cfg, l2=[0, 1e-3, 1e-2]), "l2"))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training import measures, network

if TYPE_CHECKING:
    from tunelab.training.result import TrainResult

__all__ = ["batch_table", "runs_table", "sweep_table", "text_table"]

_ALIGN = {"l": str.ljust, "r": str.rjust}


def text_table(
    header: Sequence[str], rows: Sequence[Sequence[object]], align: str | None = None
) -> str:
    """A header and rows as text, each column as wide as its widest cell.

    Args:
        header: one title per column.
        rows: one sequence of cells per row (each shown with ``str``), as many as titles.
        align: one letter per column, ``"l"`` (left) or ``"r"`` (right); right by default.

    Example:
        >>> print(text_table(["batch", "steps"], [[8, 40], ["full", 1]]))
    """
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    n = len(cells[0])
    bad = [i for i, row in enumerate(cells[1:]) if len(row) != n]
    if bad:
        raise ValueError(
            f"Expected every row to have {n} cells, one per header title. Received: row "
            f"{bad[0]} with {len(cells[bad[0] + 1])} cells"
        )
    align = "r" * n if align is None else align
    if len(align) != n or set(align) - set(_ALIGN):
        raise ValueError(
            f'Expected `align` to be {n} letters, each "l" or "r". Received: align={align!r}'
        )
    widths = [max(len(row[i]) for row in cells) for i in range(n)]
    return "\n".join(
        "  ".join(
            _ALIGN[a](cell, w) for cell, w, a in zip(row, widths, align, strict=True)
        ).rstrip()
        for row in cells
    )


def _spread(values: Sequence[float]) -> str:
    values = np.asarray(values, np.float64)
    return f"{values.mean():.3f} ({values.min():.3f}–{values.max():.3f})"


def runs_table(rows: Mapping[str, Sequence[TrainResult]], real: Dataset | None = None) -> str:
    """Training loss, validation loss, gap and validation accuracy of groups of runs.

    Each cell is the mean over a row's runs (seeds), with the range in brackets.

    Args:
        rows: ``{row name: [TrainResult, …]}``.
        real: if given, the training loss is measured on ``real``'s training points (say,
            the original points of an augmented set) instead of read from the history.

    Example:
        >>> print(runs_table({"40 points": runs_small, "320 points": runs_large}))
    """
    first = "training loss" if real is None else "loss on the original points"
    header = ["", first, "validation loss", "gap", "val acc"]
    lines = []
    for name, runs in rows.items():
        if real is None:
            train = [r.final("train_loss") for r in runs]
        else:
            train = [network.loss_on(r, real.x_train, real.y_train) for r in runs]
        val = [r.final("val_loss") for r in runs]
        acc = np.mean([r.final("val_acc") for r in runs])
        gap = np.subtract(val, train)
        lines.append([name, _spread(train), _spread(val), _spread(gap), f"{acc:.3f}"])
    return text_table(header, lines, align="rllll")


def batch_table(
    runs: Mapping[str, Sequence[TrainResult]],
    timed: Mapping[str, TrainResult],
    noise: Mapping[int, float],
    n_train: int,
) -> str:
    """Batch sizes side by side: steps and time per epoch, gradient noise, wobble, losses.

    Args:
        runs: ``{name: [TrainResult, …]}``, the same config but the batch size, one per seed.
        timed: ``{name: TrainResult}`` from a call that did not have to compile.
        noise: ``{batch size: noise}`` from `tunelab.training.gradients.gradient_noise`.
        n_train: the number of training examples (the full batch's size).

    Example:
        >>> print(batch_table(by_batch, timed, noise, n_train=320))
    """
    header = ["batch", "steps/epoch", "ms/epoch", "ms/step", "gradient noise", "wobble"]
    header += ["train loss", "val loss", "best val loss"]
    lines = []
    for name, results in runs.items():
        first = results[0]
        size = first.config.batch_size or n_train
        ms = measures.ms_per_epoch(timed[name])
        lines.append(
            [
                name,
                first.steps_per_epoch,
                f"{ms:.2f}",
                f"{ms / first.steps_per_epoch:.3f}",
                f"{noise.get(size, float('nan')):.3f}",
                f"{np.mean([measures.wobble(r) for r in results]):.4f}",
                f"{np.mean([r.final('train_loss') for r in results]):.3f}",
                f"{np.mean([r.final('val_loss') for r in results]):.3f}",
                f"{np.mean([r.history['val_loss'].min() for r in results]):.3f}",
            ]
        )
    return text_table(header, lines)


def sweep_table(results: Sequence[TrainResult], field: str) -> str:
    """Final losses, gap and training accuracy of each run against one setting.

    Example:
        >>> print(sweep_table(tl.sweep(data, cfg, l2=[0, 1e-3, 1e-2]), "l2"))
    """
    header = [field, "train loss", "val loss", "gap", "train acc"]
    lines = [
        [
            f"{getattr(r.config, field):.2g}",
            f"{r.final('train_loss'):.3f}",
            f"{r.final('val_loss'):.3f}",
            f"{r.gap:.3f}",
            f"{r.final('train_acc'):.2f}",
        ]
        for r in results
    ]
    return text_table(header, lines)
