"""`Control` (one knob) and `Controls` (the knobs of a panel, their widgets and values).

A control never holds a free-form number: it offers a fixed list of values (log-spaced
for rates), so every position of a slider can be trained ahead of time and shared as an
index in a settings string. A value that is not one of a control's choices is refused
with the list of choices, never snapped to the nearest one.

`Controls` owns the ipywidgets and the current values. Anything that wants to follow
them (a `Session`, so a figure) subscribes with `observe`; one `Controls` can drive
several sessions and figures at once, as mpl-interactions' controls do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import fields
from typing import Any

import ipywidgets as widgets
import numpy as np

from tunelab.training.config import TrainConfig

CONFIG_FIELDS = frozenset(f.name for f in fields(TrainConfig))
DATA_FIELDS = frozenset(
    {"dataset", "n_samples", "noise", "val_fraction", "data_seed", "imbalance", "features"}
    | {"train_size"}
)
KINDS = ("slider", "dropdown", "toggle")

#: Called with the field that moved and whether the move came from code (`Controls.set`).
Listener = Callable[[str, bool], None]


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


def label_of(value: Any) -> str:
    """How a control shows one of its values ("0.001", "none", "8×8", a schedule's name)."""
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


def _same(choice: Any, value: Any) -> bool:
    number = (int, float, np.integer, np.floating)
    if isinstance(choice, number) and isinstance(value, number):
        if isinstance(choice, bool) or isinstance(value, bool):
            return choice is value
        return math.isclose(float(choice), float(value), rel_tol=1e-9, abs_tol=1e-15)
    try:
        return bool(choice == value)
    except (TypeError, ValueError):
        return False


class Control:
    """A knob: the setting it drives, the values it offers, how it looks.

    Args:
        field: a `TrainConfig` field (``"l2"``, ``"dropout"``, ``"hidden"`` …), a data
            field (``"dataset"``, ``"noise"``, ``"n_samples"``, ``"train_size"``,
            ``"imbalance"``, ``"features"``, ``"data_seed"``), or a name a `Session`
            subclass interprets itself. May be left out when the control is named by a
            keyword of `Controls` (``Controls(l2=Control([0, 1e-3], "L2 strength λ"))``).
        values: the values offered, in order; or ``(label, value)`` pairs.
        label: what the learner reads: the concept and its unit ("L2 strength λ").
        kind: ``"slider"`` (a SelectionSlider), ``"dropdown"`` or ``"toggle"``.

    Example:
        >>> Control("l2", log_values(1e-5, 1e-1, zero=True), "L2 strength λ")
        >>> Control("optimizer", ["sgd", "momentum", "adam"], "Optimizer", kind="toggle")
    """

    def __init__(self, *args: Any, kind: str | None = None, description_width: str = "150px"):
        if args and isinstance(args[0], str):
            field, *args = args
        else:
            field = ""
        if len(args) not in (2, 3):
            raise TypeError("Expected Control([field,] values, label[, kind]).")
        values, label, *rest = args
        kind = kind or (rest[0] if rest else "slider")
        if kind not in KINDS:
            raise ValueError(
                f"Expected `kind` to be one of {', '.join(KINDS)}. Received: kind={kind!r}"
            )
        pairs = []
        for v in values:
            if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], str):
                pairs.append(v)
            else:
                pairs.append((label_of(v), v))
        if not pairs:
            raise ValueError(f"Expected `values` of control {field!r} to be non-empty.")
        labels = [p[0] for p in pairs]
        if len(set(labels)) != len(labels):
            raise ValueError(f"Expected distinct labels for control {field!r}: {labels}")
        self.field, self.label, self.kind = field, str(label), kind
        self.description_width = description_width
        self.options: tuple[tuple[str, Any], ...] = tuple(pairs)

    def __repr__(self) -> str:
        return f"Control({self.field!r}, {self.choices!r}, {self.label!r}, {self.kind!r})"

    def named(self, field: str) -> Control:
        """This control, driving ``field``."""
        if self.field and self.field != field:
            raise ValueError(f"Control {self.field!r} cannot also be named {field!r}.")
        return Control(
            field, self.options, self.label, self.kind, description_width=self.description_width
        )

    @property
    def choices(self) -> list[Any]:
        """The values, without their labels."""
        return [value for _, value in self.options]

    def index_of(self, value: Any) -> int:
        """Position of ``value`` among the choices; anything else raises (no snapping)."""
        for i, choice in enumerate(self.choices):
            if _same(choice, value):
                return i
        raise ValueError(
            f"Expected a value of control {self.field!r} among "
            f"{[label for label, _ in self.options]}. Received: {value!r}"
        )

    def build(self, value: Any) -> widgets.ValueWidget:
        """The ipywidget for this control, set to ``value``."""
        common = {
            "options": list(self.options),
            "index": self.index_of(value),
            "description": self.label,
            "style": {"description_width": self.description_width},
        }
        if self.kind == "slider":
            return widgets.SelectionSlider(
                continuous_update=True, readout=True, layout=widgets.Layout(width="420px"), **common
            )
        if self.kind == "dropdown":
            return widgets.Dropdown(layout=widgets.Layout(width="320px"), **common)
        return widgets.ToggleButtons(**common)


class Controls(Mapping[str, Control]):
    """The knobs of a panel: their widgets, their current values, who follows them.

    Args:
        controls: `Control` objects in display order (each naming its field).
        values: starting values by field; fields left out are filled by the first
            `Session` bound to these controls (from its config and data).
        hidden: fields whose widgets are not shown (teacher mode).
        locked: fields whose widgets are shown but cannot be moved (teacher mode).
        **named: more controls, named by keyword (``l2=Control([0, 1e-3], "L2 strength λ")``).

    Example:
        >>> controls = Controls(l2=Control([0.0, 1e-4, 1e-3], "L2 strength λ"))
        >>> controls.set(l2=1e-3)
    """

    def __init__(
        self,
        controls: Sequence[Control] = (),
        *,
        values: Mapping[str, Any] | None = None,
        hidden: Sequence[str] = (),
        locked: Sequence[str] = (),
        **named: Control,
    ):
        items = [*controls, *(c.named(f) for f, c in named.items())]
        for control in items:
            if not isinstance(control, Control) or not control.field:
                raise TypeError(f"Expected each control to be a Control with a field: {control!r}")
        self._controls = {c.field: c for c in items}
        if len(self._controls) != len(items):
            raise ValueError("Expected each control to drive a different field.")
        for name in (*hidden, *locked):
            if name not in self._controls:
                raise ValueError(
                    f"Cannot hide or lock {name!r}: the controls are {sorted(self._controls)}"
                )
        self.hidden, self.locked = tuple(hidden), tuple(locked)
        self._values: dict[str, Any] = {}
        self.widgets: dict[str, widgets.ValueWidget] = {}
        self._listeners: list[Listener] = []
        self._syncing = False
        if values:
            self.start({f: self[f].choices[self[f].index_of(v)] for f, v in values.items()})

    # Mapping: field -> Control
    def __getitem__(self, field: str) -> Control:
        try:
            return self._controls[field]
        except KeyError:
            raise ValueError(
                f"Unknown control {field!r}. The controls: {sorted(self._controls)}"
            ) from None

    def __contains__(self, field: object) -> bool:
        return field in self._controls

    def get(self, field: str, default: Any = None) -> Any:
        return self._controls.get(field, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._controls)

    def __len__(self) -> int:
        return len(self._controls)

    @property
    def values(self) -> dict[str, Any]:
        """The current value of every control (a copy)."""
        return dict(self._values)

    def start(self, values: Mapping[str, Any]) -> None:
        """Give starting values to fields that have none yet, and build their widgets."""
        for field, value in values.items():
            if field in self._values:
                continue
            control = self[field]
            self._values[field] = control.choices[control.index_of(value)]
            widget = control.build(self._values[field])
            widget.disabled = field in self.locked
            if field in self.hidden:
                widget.layout.display = "none"
            widget.observe(lambda change, f=field: self._on_widget(f, change), names="value")
            self.widgets[field] = widget

    def missing(self) -> list[str]:
        """Fields that have no value yet."""
        return [f for f in self._controls if f not in self._values]

    def observe(self, listener: Listener) -> None:
        """Call ``listener(field, from_code)`` after every move."""
        self._listeners.append(listener)

    def set(self, **values: Any) -> None:
        """Move controls from code; every listener hears of it at once.

        Raises:
            ValueError: naming the control and its choices, for a value it does not offer.
        """
        checked = {f: self[f].choices[self[f].index_of(v)] for f, v in values.items()}
        self.restore({**self._values, **checked})
        changed = next(iter(checked)) if len(checked) == 1 else "*"
        for listener in list(self._listeners):
            listener(changed, True)

    def restore(self, values: Mapping[str, Any]) -> None:
        """Put the widgets back at ``values`` without telling the listeners."""
        self._values.update(values)
        self._syncing = True
        try:
            for field, widget in self.widgets.items():
                widget.index = self[field].index_of(self._values[field])
        finally:
            self._syncing = False

    def positions(self) -> dict[str, int]:
        """The index of every control's value among its choices (for settings strings)."""
        return {f: self[f].index_of(v) for f, v in self._values.items()}

    def box(self) -> widgets.Box:
        """The widgets, one per row."""
        return widgets.VBox(list(self.widgets.values()))

    def _on_widget(self, field: str, change: dict) -> None:
        if self._syncing:
            return
        self._values[field] = change["new"]
        for listener in list(self._listeners):
            listener(field, False)
