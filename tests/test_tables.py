"""The lessons' text tables (tunelab.tables): one writer, aligned columns, the right numbers."""

from __future__ import annotations

import dataclasses

import pytest

import tunelab as tl
from tunelab import tables
from tunelab.training import measures, network


@pytest.fixture(scope="module")
def data():
    return tl.load_dataset("moons", n_samples=60, seed=0)


@pytest.fixture(scope="module")
def runs(data):
    return tl.sweep(data, tl.TrainConfig(hidden=(4,), epochs=20), seed=[0, 1])


def test_text_table_aligns_every_column_to_its_widest_cell():
    text = tables.text_table(["batch", "steps"], [[8, 40], ["full (320)", 1]], align="lr")
    lines = text.splitlines()
    assert lines == ["batch       steps", "8              40", "full (320)      1"]
    right = tables.text_table(["a", "bb"], [["xyz", 1]])
    assert right.splitlines() == ["  a  bb", "xyz   1"]


def test_text_table_refuses_ragged_rows_and_unknown_alignment():
    with pytest.raises(ValueError, match="2 cells"):
        tables.text_table(["a", "b"], [[1, 2], [3]])
    with pytest.raises(ValueError, match="align"):
        tables.text_table(["a", "b"], [[1, 2]], align="lc")


def test_runs_table_shows_mean_and_range_of_each_group(data, runs):
    text = tables.runs_table({"run": [runs[0]]})
    assert "validation loss" in text and "run" in text
    both = tables.runs_table({"two seeds": runs})
    train = [r.final("train_loss") for r in runs]
    assert f"{sum(train) / 2:.3f} ({min(train):.3f}–{max(train):.3f})" in both
    small = data.with_train_size(20)
    real = tables.runs_table({"run": [runs[0]]}, real=small)
    assert "loss on the original points" in real.splitlines()[0]
    assert f"{network.loss_on(runs[0], small.x_train, small.y_train):.3f}" in real


def test_sweep_table_has_one_row_per_setting(data):
    results = tl.sweep(data, tl.TrainConfig(hidden=(4,), epochs=20), l2=[1e-3, 1e-2])
    table = tables.sweep_table(results, "l2")
    lines = table.splitlines()
    assert "train loss" in lines[0] and len(lines) == 3
    assert "0.001" in lines[1] and f"{results[0].gap:.3f}" in lines[1]
    assert f"{results[1].final('train_acc'):.2f}" in lines[2]


def test_batch_table_reads_steps_time_noise_and_wobble(data, runs):
    full = runs
    small = tl.sweep(data, dataclasses.replace(runs[0].config, batch_size=10), seed=[0, 1])
    by_batch = {"10": small, "full (30)": full}
    timed = {"10": small[0], "full (30)": full[0]}
    text = tables.batch_table(by_batch, timed, {10: 0.5, 30: 0.0}, n_train=30)
    header, ten, whole = text.splitlines()
    assert header.split()[:2] == ["batch", "steps/epoch"]
    assert ten.split()[:2] == ["10", str(small[0].steps_per_epoch)]
    assert f"{measures.ms_per_epoch(small[0]):.2f}" in ten and "0.500" in ten
    assert whole.split()[:3] == ["full", "(30)", "1"]
