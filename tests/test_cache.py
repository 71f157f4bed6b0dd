"""Frozen results, their memoised surfaces, and the engine's result cache (exact bytes)."""

from __future__ import annotations

import dataclasses
import gc

import numpy as np
import pytest

from tunelab.datasets import load_dataset
from tunelab.training import (
    TrainConfig,
    cache_info,
    clear_cache,
    engine,
    network,
    result,
    sweep,
    train,
)
from tunelab.training.cache import ResultCache

SMALL = TrainConfig(hidden=(8, 8), epochs=30, learning_rate=0.03, snapshots=10, grid_size=20)


@pytest.fixture(scope="module")
def moons():
    return load_dataset("moons", n_samples=200, noise=0.3, seed=0)


@pytest.fixture
def small_cache(monkeypatch):
    """The engine's cache replaced by a real `ResultCache` whose bound the test sets."""

    def make(**bounds) -> ResultCache:
        cache = ResultCache(**bounds)
        monkeypatch.setattr(engine, "CACHE", cache)
        return cache

    return make


def scrub(res) -> None:
    """What a learner dragging the epoch slider end to end makes the result compute."""
    for epoch in res.snapshot_epochs:
        res.surface_at(int(epoch))
    assert res.surface is not None


# ---------------------------------------------------------------- frozen results


def test_a_result_is_frozen_and_its_arrays_are_read_only(moons):
    res = train(moons, SMALL)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.seconds = 0.0
    with pytest.raises(TypeError):
        res.history["train_loss"] = np.zeros(3)
    arrays = [*res.history.values(), *res.weights, res.snapshot_params, res.snapshot_epochs]
    arrays += [res.grid_inputs, res.surface, res.surface_at(10), *res.weights_at(1)]
    for array in arrays:
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    # Each result owns its arrays: a sweep member is not a view into the whole sweep.
    members = sweep(moons, SMALL, l2=[1e-4, 2e-4, 3e-4])
    for member in members:
        assert all(w.base is None for w in member.weights)


def test_nbytes_is_exact_and_does_not_change_when_surfaces_are_computed(moons):
    res = train(moons, SMALL)
    own = [*res.history.values(), *res.weights, res.snapshot_params, res.snapshot_epochs]
    assert res.nbytes == sum(a.nbytes for a in own)
    before = res.nbytes
    scrub(res)
    assert res.nbytes == before
    assert not any(isinstance(v, dict) for v in vars(res).values() if v is not res.history)


def test_surfaces_are_memoised_outside_the_result_and_match_the_weights(moons):
    res = train(moons, SMALL)
    i = 3
    surface = res.surface_at(int(res.snapshot_epochs[i]))
    assert res.surface_at(int(res.snapshot_epochs[i])) is surface  # memoised
    z = network.forward(res.weights_at(i), res.config.activation, res.grid_inputs)
    np.testing.assert_allclose(surface, network.to_output(z, res.task))
    # Between two snapshot epochs, the surface of the one at or before.
    between = (int(res.snapshot_epochs[i]) + int(res.snapshot_epochs[i + 1])) // 2
    if between != int(res.snapshot_epochs[i]):
        assert res.surface_at(between) is surface


def test_the_surface_memo_stays_within_its_bound_and_forgets_dead_results(moons, monkeypatch):
    clear_cache()
    res = train(moons, dataclasses.replace(SMALL, seed=11))
    one = res.surface.nbytes
    monkeypatch.setattr(result.SURFACES, "max_bytes", 4 * one)
    result.SURFACES.clear()
    scrub(res)
    assert len(result.SURFACES) == 4 and result.SURFACES.nbytes == 4 * one
    # An evicted surface comes back equal when asked again.
    first = res.surface_at(0).copy()
    np.testing.assert_array_equal(res.surface_at(0), first)
    monkeypatch.setattr(result.SURFACES, "max_bytes", 64 * one)
    scrub(res)
    held = len(result.SURFACES)
    assert held == len(res.snapshot_epochs) + 1
    clear_cache()  # the engine's cache let go of it too
    del res
    gc.collect()
    assert len(result.SURFACES) == 0 and result.SURFACES.nbytes == 0


# ---------------------------------------------------------------- the result cache


def test_the_cache_counts_exactly_the_bytes_it_holds(moons, small_cache):
    one = train(moons, SMALL).nbytes
    cache = small_cache(max_bytes=3 * one + one // 2)
    for i in range(7):
        res = train(moons, dataclasses.replace(SMALL, l2=1e-4 * (i + 1)))
        for held in cache.results():
            scrub(held)  # computing surfaces must not move the count
        assert cache.nbytes == sum(r.nbytes for r in cache.results())
        assert cache.nbytes <= cache.max_bytes
    assert len(cache) == 3
    assert cache_info()["megabytes"] * 2**20 == sum(r.nbytes for r in cache.results())
    assert cache.get((moons.fingerprint, res.config)) is res
    # Putting a key again replaces it and counts it once.
    cache.put_many([((moons.fingerprint, res.config), res)])
    assert len(cache) == 3 and cache.nbytes == sum(r.nbytes for r in cache.results())


def test_a_sweep_over_a_full_cache_returns_every_member(moons, small_cache):
    one = train(moons, SMALL).nbytes
    cache = small_cache(max_bytes=2 * one + one // 2)
    cached = [train(moons, dataclasses.replace(SMALL, l2=v)) for v in (1e-3, 2e-3)]
    assert len(cache) == 2
    results = sweep(moons, SMALL, l2=[1e-3, 2e-3, 3e-3, 4e-3, 5e-3])
    assert all(r is not None for r in results)
    assert [r.config.l2 for r in results] == [1e-3, 2e-3, 3e-3, 4e-3, 5e-3]
    assert results[0] is cached[0] and results[1] is cached[1]
    assert cache.nbytes == sum(r.nbytes for r in cache.results()) <= cache.max_bytes
    # A count bound of one: every sweep still gets all of its members.
    small_cache(maxsize=1)
    again = sweep(moons, SMALL, l2=[1e-3, 3e-3, 1e-3])
    assert [r.config.l2 for r in again] == [1e-3, 3e-3, 1e-3] and again[0] is again[2]


def test_the_cache_rejects_bad_bounds_and_values():
    with pytest.raises(ValueError, match="max_bytes"):
        ResultCache(max_bytes=0)
    with pytest.raises(ValueError, match="maxsize"):
        ResultCache(maxsize=-1)
    with pytest.raises(TypeError, match="TrainResult"):
        ResultCache().put_many([("key", object())])


# ---------------------------------------------------------------- no silent empties


def test_sweep_reads_a_generator_once_and_refuses_empty_axes(moons):
    as_list = sweep(moons, SMALL, l2=[0.0, 1e-3])
    as_generator = sweep(moons, SMALL, l2=(v for v in (0.0, 1e-3)))
    assert [r.config.l2 for r in as_generator] == [0.0, 1e-3]
    assert all(a is b for a, b in zip(as_list, as_generator, strict=True))
    assert len(sweep(moons, SMALL, seed=range(2), l2=iter([0.0]))) == 2
    with pytest.raises(ValueError, match="`dropout`"):
        sweep(moons, SMALL, dropout=[])
    with pytest.raises(ValueError, match="`l2`"):
        sweep(moons, SMALL, l2=(v for v in ()))
    with pytest.raises(TypeError, match="`l1`"):
        sweep(moons, SMALL, l1=0.1)
    with pytest.raises(TypeError, match="`seed`"):
        sweep(moons, SMALL, seed="012")
