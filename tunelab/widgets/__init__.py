"""Lesson panels: ipywidgets controls bound to the training engine and the plot parts."""

from tunelab.widgets.controls import Control, log_values
from tunelab.widgets.panel import PLOT_KINDS, Panel, widget_backend_active
from tunelab.widgets.panels import (
    DropoutPanel,
    GradientDescentPanel,
    OptimizerPanel,
    OverfittingPanel,
    RegularizationPanel,
    ScheduleExplorer,
    TrainingPanel,
)
from tunelab.widgets.playground import Playground

__all__ = [
    "PLOT_KINDS",
    "Control",
    "DropoutPanel",
    "GradientDescentPanel",
    "OptimizerPanel",
    "OverfittingPanel",
    "Panel",
    "Playground",
    "RegularizationPanel",
    "ScheduleExplorer",
    "TrainingPanel",
    "log_values",
    "widget_backend_active",
]
