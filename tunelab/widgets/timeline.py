"""`Timeline`: Play, an epoch slider and Reset under a panel's figure.

Scrubbing the epoch slider shows the run as it was after that epoch (surfaces, weights,
cursors) from the snapshots the result already holds: it never retrains.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as widgets

from tunelab.training import TrainResult


class Timeline:
    """The epoch slider and Play button of a panel, kept in step with its result.

    Args:
        on_epoch: called with the epoch the learner scrubbed to.
        on_reset: called when Reset is clicked.

    Example:
        >>> timeline = Timeline(on_epoch=print, on_reset=session.reset)
        >>> timeline.follow(session.result)
    """

    def __init__(self, on_epoch: Callable[[int], None], on_reset: Callable[[], None]):
        self.epoch_slider = widgets.IntSlider(
            description="Epoch",
            min=0,
            max=1,
            value=1,
            continuous_update=True,
            style={"description_width": "60px"},
            layout=widgets.Layout(width="380px"),
        )
        self.play = widgets.Play(min=0, max=1, value=1, interval=120, description="Play")
        widgets.jslink((self.play, "value"), (self.epoch_slider, "value"))
        self.reset_button = widgets.Button(
            description="Reset", icon="undo", tooltip="Back to the starting settings"
        )
        self.reset_button.on_click(lambda _: on_reset())
        self._on_epoch = on_epoch
        self._syncing = False
        self.epoch_slider.observe(self._moved, names="value")

    @property
    def epoch(self) -> int:
        """The epoch the slider shows."""
        return int(self.epoch_slider.value)

    def follow(self, result: TrainResult) -> None:
        """Stretch the slider over ``result``'s epochs and move it to the end."""
        last = max(result.epochs_run, 1)
        self._syncing = True
        try:
            for w in (self.play, self.epoch_slider):
                w.max = last
                w.value = last
            self.play.step = max(1, last // max(1, result.config.snapshots))
            self.epoch_slider.step = 1
        finally:
            self._syncing = False

    def advance(self, epochs: int) -> int:
        """Move the slider ``epochs`` on (not past the end); returns the new epoch."""
        self.epoch_slider.value = min(self.epoch_slider.value + epochs, self.epoch_slider.max)
        return self.epoch

    def _moved(self, change: dict) -> None:
        if not self._syncing:
            self._on_epoch(int(change["new"]))
