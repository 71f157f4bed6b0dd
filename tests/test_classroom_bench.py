"""The classroom bench plays a student's pace: a gesture every 1–2 s, some of them drags."""

from __future__ import annotations

import numpy as np

from tunelab.classroom_bench import schedule


def test_a_student_moves_every_one_to_two_seconds():
    gestures = schedule(seed=3, moves=200, positions=9)
    gaps = np.diff([at for at, _ in gestures])
    assert len(gestures) == 200
    assert gaps.min() >= 1.0 and gaps.max() <= 2.0


def test_drags_pass_neighbouring_positions_and_clicks_jump():
    gestures = schedule(seed=5, moves=300, positions=9)
    drags = [path for _, path in gestures if len(path) > 1]
    clicks = [path for _, path in gestures if len(path) == 1]
    assert 0.15 < len(drags) / len(gestures) < 0.45, "about a third of the gestures drag"
    assert clicks
    for path in drags:
        assert set(np.abs(np.diff(path))) == {1}, path
    previous = 0
    for _, path in gestures:
        assert all(0 <= p < 9 for p in path)
        assert path[0] != previous, "every gesture moves the slider"
        previous = path[-1]
