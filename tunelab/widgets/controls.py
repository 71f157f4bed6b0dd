"""`Control`: one knob of a panel, the setting it drives, its values and its label.

A control never holds a free-form number: it offers a fixed list of values (log-spaced
for rates), so every position of a slider can be trained ahead of time and shared as an
index in a settings string.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

import ipywidgets as widgets
import numpy as np

from tunelab.training import TrainConfig

CONFIG_FIELDS = frozenset(f.name for f in fields(TrainConfig))
DATA_FIELDS = frozenset(
    {"dataset", "n_samples", "noise", "val_fraction", "data_seed", "imbalance", "features"}
    | {"train_size"}
)
KINDS = ("slider", "dropdown", "toggle")


def log_values(low: float, high: float, per_decade: int = 3, zero: bool = False) -> list[float]:
    """Log-spaced slider positions from ``low`` to ``high``, rounded to 2 significant digits.

    Example:
        >>> log_values(1e-3, 1.0, per_decade=3)  # 0.001, 0.0022, 0.0046, 0.01, … 1.0
    """
    if not 0 < low < high:
        raise ValueError(f"Expected 0 < low < high. Received: low={low}, high={high}")
    count = round(math.log10(high / low) * per_decade) + 1
    values = [float(f"{v:.2g}") for v in np.geomspace(low, high, count)]
    values = sorted(set(values))
    return ([0.0] if zero else []) + values


def _label(value: Any) -> str:
    if isinstance(value, float):
        if value == 0:
            return "0"
        return f"{value:.2g}" if abs(value) < 1e-2 or abs(value) >= 1e3 else f"{value:g}"
    if value is None:
        return "none"
    if hasattr(value, "describe"):
        return value.name
    if isinstance(value, tuple):
        return "×".join(str(v) for v in value) if value else "linear"
    return str(value)


@dataclass(frozen=True)
class Control:
    """A knob: the setting it drives, the values it offers, how it looks.

    Args:
        field: a `TrainConfig` field (``"l2"``, ``"dropout"``, ``"hidden"`` …), a data
            field (``"dataset"``, ``"noise"``, ``"n_samples"``, ``"train_size"``,
            ``"imbalance"``, ``"features"``, ``"data_seed"``), or a name a panel
            subclass interprets itself.
        values: the values offered, in order; or ``(label, value)`` pairs.
        label: what the learner reads: the concept and its unit ("L2 strength λ").
        kind: ``"slider"`` (a SelectionSlider), ``"dropdown"`` or ``"toggle"``.

    Example:
        >>> Control("l2", log_values(1e-5, 1e-1, zero=True), "L2 strength λ")
        >>> Control("optimizer", ["sgd", "momentum", "adam"], "Optimizer", kind="toggle")
    """

    field: str
    values: Sequence[Any]
    label: str
    kind: str = "slider"
    description_width: str = "150px"
    options: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(
                f"Expected `kind` to be one of {', '.join(KINDS)}. Received: kind={self.kind!r}"
            )
        values = list(self.values)
        if not values:
            raise ValueError(f"Expected `values` of control {self.field!r} to be non-empty.")
        pairs = []
        for v in values:
            if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str):
                pairs.append(v)
            else:
                pairs.append((_label(v), v))
        labels = [p[0] for p in pairs]
        if len(set(labels)) != len(labels):
            raise ValueError(f"Expected distinct labels for control {self.field!r}: {labels}")
        object.__setattr__(self, "options", tuple(pairs))

    @property
    def choices(self) -> list[Any]:
        """The values, without their labels."""
        return [value for _, value in self.options]

    def index_of(self, value: Any) -> int:
        """Position of ``value`` among the choices (nearest for numbers)."""
        choices = self.choices
        for i, choice in enumerate(choices):
            if choice == value:
                return i
        numeric = [c for c in choices if isinstance(c, int | float) and not isinstance(c, bool)]
        if isinstance(value, int | float) and len(numeric) == len(choices):
            return int(np.argmin([abs(c - value) for c in choices]))
        raise ValueError(
            f"Expected a value of control {self.field!r} among {[_label(c) for c in choices]}. "
            f"Received: {value!r}"
        )

    def build(self, value: Any) -> widgets.ValueWidget:
        """The ipywidget for this control, set to ``value``."""
        index = self.index_of(value)
        common = {
            "options": list(self.options),
            "index": index,
            "description": self.label,
            "style": {"description_width": self.description_width},
        }
        if self.kind == "slider":
            return widgets.SelectionSlider(
                continuous_update=True,
                readout=True,
                layout=widgets.Layout(width="420px"),
                **common,
            )
        if self.kind == "dropdown":
            return widgets.Dropdown(layout=widgets.Layout(width="320px"), **common)
        return widgets.ToggleButtons(**common)
