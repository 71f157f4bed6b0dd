"""Lesson panels: `Controls` (the knobs), `Session` (values → result), `Panel` (layout).

A slider move flows ``Controls → Session → View → plot parts → one draw``; ready panels
customise the session's public hooks (`Session.compose`, `Session.sweep_axis`,
`Session.describe`) and the panel's layout hooks, never the refresh itself.
"""

from tunelab.widgets.controls import Control, Controls, log_values
from tunelab.widgets.minority import MinorityPanel
from tunelab.widgets.panel import Panel, widget_backend_active
from tunelab.widgets.panels import (
    DropoutPanel,
    GradientDescentPanel,
    OptimizerPanel,
    OverfittingPanel,
    RegularizationPanel,
    ScheduleExplorer,
    TrainingPanel,
)
from tunelab.widgets.parts import PART_KINDS, PLOT_KINDS
from tunelab.widgets.playground import Playground
from tunelab.widgets.remedies import AugmentationPanel, ImbalancePanel
from tunelab.widgets.session import Session

__all__ = [
    "PART_KINDS",
    "PLOT_KINDS",
    "AugmentationPanel",
    "Control",
    "Controls",
    "DropoutPanel",
    "GradientDescentPanel",
    "ImbalancePanel",
    "MinorityPanel",
    "OptimizerPanel",
    "OverfittingPanel",
    "Panel",
    "Playground",
    "RegularizationPanel",
    "ScheduleExplorer",
    "Session",
    "TrainingPanel",
    "log_values",
    "widget_backend_active",
]
