"""How a panel turns what it was given for each plot slot into a built plot part.

A slot is a `tunelab.plots.Part` class (a lesson's own too: anything with
``from_view(ax, view, **options)`` and ``update(view, *, draw=True)``), a
``(PartClass, options)`` pair, a factory ``f(ax, view) -> part``, or the short name of a
built-in part (`PLOT_KINDS`), which older lessons use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tunelab import plots
from tunelab.plots import Part, View

#: Built-in parts by short name: (part class, options). ``"boundary"`` picks the 1-D
#: regression fit for regression data.
PART_KINDS: dict[str, tuple[type[Part] | None, dict]] = {
    "boundary": (None, {}),
    "loss": (plots.LossCurves, {}),
    "loss_log": (plots.LossCurves, {"log_y": True}),
    "accuracy": (plots.AccuracyCurves, {}),
    "weights": (plots.WeightHistogram, {"symlog": True}),
    "schedule": (plots.ScheduleCurve, {}),
    "surface": (plots.LossSurface, {}),
    "sweep": (plots.SweepCurve, {}),
    "neurons": (plots.NeuronThumbnails, {}),
}
PLOT_KINDS = tuple(PART_KINDS)
PartSpec = str | type | tuple | Callable[..., Any]


def build_part(spec: PartSpec, ax: Any, view: View, boundary_options: Mapping[str, Any]) -> Part:
    """Build the part ``spec`` names on ``ax``, showing ``view``.

    Args:
        spec: a part class, ``(class, options)``, a factory or a `PLOT_KINDS` name.
        ax: the Axes of its slot.
        view: the first state to show.
        boundary_options: options for a `DecisionBoundary` named ``"boundary"``
            (``show_misclassified``).

    Example:
        >>> build_part("loss", ax, session.view(), {})
    """
    options: dict = {}
    if isinstance(spec, str):
        if spec not in PART_KINDS:
            raise ValueError(
                f"Unknown plot kind. Expected one of {', '.join(PLOT_KINDS)} or a part "
                f"class. Received: {spec!r}"
            )
        if spec == "sweep" and view.sweep_field is None:
            raise ValueError("A 'sweep' plot needs a slider over l1, l2, dropout, … to sweep.")
        spec, options = PART_KINDS[spec]
        if spec is None:
            spec = plots.boundary_part_for(view.data)
            if spec is plots.DecisionBoundary:
                options = dict(boundary_options)
    elif isinstance(spec, tuple):
        spec, options = spec
    if isinstance(spec, type) and hasattr(spec, "from_view"):
        return spec.from_view(ax, view, **options)
    if callable(spec):
        return spec(ax, view)
    raise TypeError(f"Expected a plot part class, a plot kind or a factory. Received: {spec!r}")
