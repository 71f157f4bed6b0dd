"""The benchmarks print every figure with its target, and the browser bench's plumbing.

No timing is asserted here: speed is what the benchmark reports, not what a test checks.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest

from tunelab import bench

BROWSER = Path(__file__).resolve().parent / "browser"
sys.path.insert(0, str(BROWSER))

import bench as browser_bench  # noqa: E402  (tests/browser/bench.py)
import harness  # noqa: E402

ISSUE_TARGETS = {
    "key_to_repaint_uncached_ms": "<= 120",
    "key_to_repaint_cached_ms": "<= 70",
    "drag_fps": ">= 10",
    "drag_last_frame_after_release_ms": "<= 200",
    "playground_first_visit_max_ms": "<= 400",
    "playground_60_moves_compilations": "<= 4",
}


def test_emit_prints_one_json_row_with_its_target(capsys):
    bench.emit("reference_train_ms", 14.2344, "ms", runs=9)
    row = json.loads(capsys.readouterr().out)
    assert row == {
        "name": "reference_train_ms", "value": 14.234, "unit": "ms", "runs": 9, "target": "<= 15"
    }  # fmt: skip


def test_the_in_process_bench_prints_the_issue_targets(capsys):
    for name, target in (
        ("reference_train_ms", "<= 15"),
        ("sweep_24_over_one_run", "<= 8"),
        ("soak_rss_growth_mb", "<= 80"),
    ):
        bench.emit(name, 1.0, "")
        assert json.loads(capsys.readouterr().out)["target"] == target
    bench.emit("cached_train_ms", 1.0, "ms")
    assert "target" not in json.loads(capsys.readouterr().out)


def test_the_browser_bench_carries_every_target_of_the_issue():
    assert browser_bench.TARGETS == ISSUE_TARGETS
    assert browser_bench.FIRST_VISIT_TARGET == "<= 400"


def test_browser_rows_name_the_code_they_measured(capsys):
    emit = browser_bench.printer("before@11c045c")
    emit("playground_60_moves_compilations", "n/a", "count", target="<= 4")
    row = json.loads(capsys.readouterr().out)
    assert row["value"] == "n/a" and row["code"] == "before@11c045c"
    assert row["target"] == "<= 4"


def test_browser_without_a_checkout_says_it_skipped(tmp_path, capsys):
    for given in ([], ["--harness", str(tmp_path / "missing" / "harness.py")]):
        assert bench.main(["--browser", *given]) == 0
        row = json.loads(capsys.readouterr().out)
        assert row["name"] == "browser_bench_skipped" and "checkout" in row["reason"]


def test_the_harness_refuses_unknown_sections_and_folders_without_tunelab(tmp_path):
    with pytest.raises(SystemExit):
        harness.main(["--sections", "key_to_repaint,warp_speed"])
    with pytest.raises(SystemExit):
        harness.main(["--before", str(tmp_path)])


def test_older_code_goes_first_on_the_kernels_path(tmp_path):
    older = tmp_path / "before"
    older.mkdir()
    server = harness.LabServer(tmp_path, python_path=[older])
    try:
        paths = server.prepare_environment()["PYTHONPATH"].split(":")
    finally:
        server.stop()
    assert paths[0] == str(older.resolve())
    assert str(harness.OFFLINE_DIR) in paths


def test_bench_notebooks_are_valid_and_xla_modules_are_counted_once(tmp_path):
    path = tmp_path / "n.ipynb"
    browser_bench.write_notebook(path, [browser_bench.SETUP, "pg = tl.widgets.Playground()\npg"])
    nbformat.validate(nbformat.read(path, as_version=4))
    dump = tmp_path / "xla"
    dump.mkdir()
    for module in ("module_0000.a", "module_0001.b"):
        for stage in ("before_optimizations.txt", "cpu_after_optimizations.txt"):
            (dump / f"{module}.{stage}").write_text("")
    assert browser_bench.xla_modules(dump) == 2
    assert browser_bench.xla_modules(tmp_path / "absent") == 0


def test_row_names_come_from_the_control_labels():
    assert browser_bench.slug("Input features") == "input_features"
    assert browser_bench.slug("LR schedule") == "lr_schedule"
    assert browser_bench.slug("Batch size") == "batch_size"
