"""Plot parts for the lessons: built once on an Axes, then ``update(view)`` many times.

Every part follows the same pattern (like scikit-learn's ``*Display`` objects): the
constructor draws on the Axes it is given (or on a new figure from `new_figure`) and keeps
its artists as public attributes; ``update(view)`` only changes those artists' data and,
unless ``draw=False``, asks the canvas for a redraw. A `View` holds everything a part may
need (result, data, epoch, sweep, threshold); a bare `TrainResult` stands for
``View(result=…)``. A panel builds each part with ``PartClass.from_view(ax, view,
**options)``, updates every part with ``draw=False`` and draws its figure once.

No NaN or infinity ever reaches an artist, and the parts never import TensorFlow.

Modules, one per family: `base` (View, Part, colours, new_figure), `blit` (FigureDrawer:
one redraw per move, blitted when only the parts' artists changed), `boundary`,
`regression`, `curves`, `weights`, `schedule`, `surface`, `sweep`, `grid`.

Example:
    >>> curves = LossCurves(ax, result)
    >>> curves.update(View(result=other_result, epoch=10))  # moves the lines, adds no artist
"""

from tunelab.plots.base import (
    CLASS_COLORS,
    MARK_COLOR,
    PROBABILITY_CMAP,
    TRAIN_COLOR,
    VAL_COLOR,
    Part,
    View,
    new_figure,
)
from tunelab.plots.blit import FigureDrawer
from tunelab.plots.boundary import DecisionBoundary, boundary_part_for
from tunelab.plots.curves import AccuracyCurves, LossCurves
from tunelab.plots.grid import SmallMultiples, show_datasets
from tunelab.plots.regression import RegressionFit
from tunelab.plots.schedule import ScheduleCurve
from tunelab.plots.search import BestSoFar, LandscapeMap
from tunelab.plots.surface import LossSurface
from tunelab.plots.sweep import SweepCurve
from tunelab.plots.weights import NeuronThumbnails, WeightHistogram

__all__ = [
    "CLASS_COLORS",
    "MARK_COLOR",
    "PROBABILITY_CMAP",
    "TRAIN_COLOR",
    "VAL_COLOR",
    "AccuracyCurves",
    "BestSoFar",
    "DecisionBoundary",
    "FigureDrawer",
    "LandscapeMap",
    "LossCurves",
    "LossSurface",
    "NeuronThumbnails",
    "Part",
    "RegressionFit",
    "ScheduleCurve",
    "SmallMultiples",
    "SweepCurve",
    "View",
    "WeightHistogram",
    "boundary_part_for",
    "new_figure",
    "show_datasets",
]
