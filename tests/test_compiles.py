"""After the playground's background warm-up, no click on any control compiles.

A real `PlaygroundSession` on real `Controls` (ipywidgets) and the real engine: moves go
through the widgets, and `compile_count` counts the shapes XLA has compiled (never a
timing).
"""

from __future__ import annotations

import random

import pytest

from tunelab.training import compile_count, trace_count
from tunelab.widgets.controls import Controls
from tunelab.widgets.playground import (
    SHAPE_FIELDS,
    PlaygroundSession,
    playground_controls,
    playground_start,
)

WARM_UP_TIMEOUT = 3600  # compiling on a loaded 2-core machine; never a speed assertion


@pytest.fixture(scope="module")
def warmed():
    settings, config = playground_start()
    session = PlaygroundSession(settings, config, Controls(playground_controls()))
    session.refresh()  # the first picture starts the warm-up
    assert session.warm_done is not None
    assert session.wait_warm_up(timeout=WARM_UP_TIMEOUT)
    return session


def move(session, field, value):
    """A learner's move: the widget is set, as a click or a drag would."""
    control = session.controls[field]
    session.controls.widgets[field].index = control.index_of(value)
    assert session.status_style != "error", session.status_text
    assert session.controls.values[field] == control.choices[control.index_of(value)]


def test_the_warm_up_compiles_the_current_and_next_shapes(warmed):
    # The single run and the precomputed sweep of the start and of each move away.
    assert compile_count() >= 2 * len(SHAPE_FIELDS)


def test_every_value_of_every_control_finds_its_function_compiled(warmed):
    start = warmed.controls.values
    before = compile_count(), trace_count()
    for field, control in warmed.controls.items():
        for value in control.choices:
            move(warmed, field, value)
            assert compile_count() == before[0], (field, value)
        move(warmed, field, start[field])
    assert (compile_count(), trace_count()) == before


def test_sixty_mixed_moves_compile_nothing(warmed):
    """Moves of any control in a seeded order; a learner explores one shape control at a
    time, so before another shape control moves, the one that moved goes back."""
    start = warmed.controls.values
    shape_fields = {*SHAPE_FIELDS, "epochs"}
    rng = random.Random(13)
    fields = list(warmed.controls)
    before = compile_count(), trace_count()
    moves = 0
    while moves < 60:
        field = rng.choice(fields)
        value = rng.choice(warmed.controls[field].choices)
        if field in shape_fields:
            away = [f for f in shape_fields - {field} if warmed.controls.values[f] != start[f]]
            for other in away:
                move(warmed, other, start[other])
                moves += 1
        move(warmed, field, value)
        moves += 1
        assert compile_count() == before[0], (moves, field, value)
    assert (compile_count(), trace_count()) == before
