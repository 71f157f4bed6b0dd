"""The cap on memory mappings: a compiled shape's real cost in mappings, and the engine
refusing (foreground) or skipping (warm-up) a compilation that would go past the cap
instead of letting XLA crash the process."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

import tunelab as tl
from tunelab.training import engine, mappings, warmup
from tunelab.training.compiled import compile_count

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def test_the_process_can_read_its_mappings_and_the_cap():
    assert mappings.map_limit() > 0
    assert 0 < mappings.map_count() < mappings.map_limit()
    assert mappings.room_to_compile()
    assert not mappings.room_to_compile(share=0.0)


def test_one_compiled_shape_takes_fewer_mappings_than_the_engine_reserves():
    data = tl.load_dataset("moons", n_samples=120, seed=5)
    cfg = tl.TrainConfig(hidden=(8,), epochs=3)
    tl.train(data, cfg)  # the loop's code is in place; what follows is one more shape
    widths = [(24, 24, 24), (48,), (5, 5, 5, 5)]
    for i, hidden in enumerate(widths):
        before, compiles = mappings.map_count(), compile_count()
        result = tl.train(data, replace(cfg, hidden=hidden, batch_size=23 + i))
        if not result.compiled:
            continue  # another test compiled it already
        assert compile_count() == compiles + 1
        assert mappings.map_count() - before <= mappings.MAPPINGS_PER_COMPILE


def test_near_the_cap_a_new_shape_is_refused_with_a_message_and_a_compiled_one_trains(
    monkeypatch,
):
    data = tl.load_dataset("moons", n_samples=120, seed=6)
    cfg = tl.TrainConfig(hidden=(8,), epochs=3)
    tl.train(data, cfg)
    monkeypatch.setattr(engine, "room_to_compile", lambda: False)
    with pytest.raises(RuntimeError, match=r"vm\.max_map_count.*Restart the kernel"):
        tl.train(data, replace(cfg, hidden=(6, 6, 6), batch_size=29))
    assert not tl.train(data, replace(cfg, seed=3)).compiled  # compiled shapes still train


def test_near_the_cap_the_warm_up_compiles_nothing(monkeypatch):
    data = tl.load_dataset("moons", n_samples=120, seed=7)
    monkeypatch.setattr(warmup, "room_to_compile", lambda share: False)
    before = compile_count()
    cfg = tl.TrainConfig(hidden=(7, 7, 7), batch_size=31, epochs=3)
    assert warmup.warm_up(data, cfg).wait(timeout=120)
    assert compile_count() == before


FILL_AND_TRAIN = """
import mmap
from dataclasses import replace

import tunelab as tl
from tunelab.training import mappings

data = tl.load_dataset("moons", n_samples=120, seed=6)
cfg = tl.TrainConfig(hidden=(8,), epochs=3)
tl.train(data, cfg)
held, i = [], 0
target = mappings.map_limit() - 150  # the mappings real programs hold, up to the cap
while mappings.map_count() < target:
    for _ in range(max(1, min(500, (target - mappings.map_count()) // 2))):
        prot = mmap.PROT_READ if i % 2 else mmap.PROT_READ | mmap.PROT_WRITE  # unmerged
        held.append(mmap.mmap(-1, 4096, prot=prot))
        i += 1
try:
    tl.train(data, replace(cfg, hidden=(6, 6, 6), batch_size=29))
except RuntimeError as error:
    print("REFUSED", error)
print("STILL TRAINS", not tl.train(data, replace(cfg, seed=4)).compiled)
"""


def test_a_process_at_the_cap_gets_a_message_instead_of_a_crash():
    # Without the check, XLA's compiler aborts the process here ("LLVM ERROR: Unable to
    # allocate section memory!"): the crash a long session or test run used to end in.
    run = subprocess.run(
        [sys.executable, "-c", FILL_AND_TRAIN], capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "REFUSED" in run.stdout and "vm.max_map_count" in run.stdout, run.stdout
    assert "STILL TRAINS True" in run.stdout, run.stdout
