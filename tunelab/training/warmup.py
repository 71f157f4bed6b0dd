"""`warm_up`: compile in a background thread what a panel's next moves will need.

One daemon thread works through a stack of requests, the newest first (it is about the
picture the learner has now), and starts no compilation while a foreground `train` or
`sweep` runs (`foreground`), so compiling ahead never competes with a click. A
foreground call never waits for the queue: it compiles what it needs itself, and the
worker then finds it compiled and skips it. Each (plan, number of settings, padded sizes)
is compiled once, by running one epoch on zeros of the same shapes. At interpreter exit
the queue is dropped and the compilation in progress is let finish, so the process never
ends while TensorFlow runs in the thread.
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import logging
import threading
from collections.abc import Iterable

import numpy as np

from tunelab.datasets import Dataset
from tunelab.training.compiled import function_for, is_compiled, note_compiled
from tunelab.training.config import TrainConfig
from tunelab.training.inputs import arguments, check_data
from tunelab.training.mappings import room_to_compile
from tunelab.training.padding import size_class
from tunelab.training.plan import Plan

__all__ = ["foreground", "warm_up"]

LOG = logging.getLogger("tunelab.training.engine")

_WARM_REQUESTS: list = []
_WARM_LOCK = threading.Condition()
_WARM_THREADS: list[threading.Thread] = []
# Foreground `_run` calls in progress: the worker starts no compile while one runs.
_FOREGROUND = [0]
_STOPPING = [False]  # set at interpreter exit: the worker takes no new item
# The share of the process's memory-mapping cap the warm-up may fill (`mappings`).
WARM_SHARE = 0.6


@atexit.register
def _stop_at_exit(timeout: float = 120.0) -> None:
    """Drop the queued work and wait for the compilation in progress to finish."""
    with _WARM_LOCK:
        _STOPPING[0] = True
        for _, done in _WARM_REQUESTS:
            done.set()
        _WARM_REQUESTS.clear()
        _WARM_LOCK.notify_all()
    for thread in list(_WARM_THREADS):
        thread.join(timeout)


@contextlib.contextmanager
def foreground():
    """Mark a training call in progress: the worker starts no compilation until it ends.

    Example:
        >>> with foreground(): fn(*args)
    """
    if threading.current_thread() in _WARM_THREADS:
        yield
        return
    with _WARM_LOCK:
        _FOREGROUND[0] += 1
    try:
        yield
    finally:
        with _WARM_LOCK:
            _FOREGROUND[0] -= 1
            _WARM_LOCK.notify_all()


def warm_up(
    data: Dataset | Iterable[Dataset],
    configs: TrainConfig | Iterable[TrainConfig],
    *,
    settings: Iterable[int] = (1,),
    paired: bool = False,
) -> threading.Event:
    """Compile, in a background thread, what training ``configs`` on ``data`` would compile.

    Returns at once. A panel calls it with the values its controls offer, so that the
    learner's first click on one finds its function compiled. Each (dataset, config,
    number of settings) is compiled at most once, by running one epoch on a problem of
    the same shapes; asking again is free. A failure is logged (``tunelab.training.engine``
    logger), never raised: training that config later reports it.

    The work never delays the foreground: a newer request is served before older ones
    (it is about the picture the learner has now), the worker starts no compilation
    while a `train` or `sweep` call runs in another thread, and such a call never waits
    for the queue (it compiles what it needs itself).

    Args:
        data: a Dataset, or several (every config is warmed up on each).
        configs: a TrainConfig, or several.
        settings: the numbers of settings trained at once to compile for (1 for `train`;
            a sweep's length for `sweep`). Every (dataset, config) is compiled for the
            first number before any for the second: a click waits for a single run.
        paired: ``data`` and ``configs`` are sequences of the same length whose i-th
            members go together (in that order), instead of every config on every dataset.

    Returns:
        An event set when this request's compilations are done (tests wait on it).

    Example:
        >>> warm_up(data, [replace(cfg, hidden=h) for h in [(4,), (8, 8), (64, 64)]])
        >>> warm_up(data, cfg, settings=[1, 9]).wait()  # block only if you must
    """
    done = threading.Event()
    try:
        items = _warm_items(data, configs, tuple(settings), paired)
    except Exception:
        LOG.warning("warm_up was given something it cannot read", exc_info=True)
        done.set()
        return done
    with _WARM_LOCK:
        if _STOPPING[0]:  # the interpreter is exiting
            done.set()
            return done
        _WARM_REQUESTS.append((iter(items), done))
        _WARM_LOCK.notify_all()
        if not any(thread.is_alive() for thread in _WARM_THREADS):
            thread = threading.Thread(target=_warm_worker, name="tunelab-warm-up", daemon=True)
            thread.start()
            _WARM_THREADS[:] = [thread]
    return done


def _warm_items(data, configs, settings: tuple, paired: bool) -> list[tuple]:
    datasets = [data] if isinstance(data, Dataset | np.ndarray) else list(data)
    configs = [configs] if isinstance(configs, TrainConfig) else list(configs)
    if paired:
        if len(datasets) != len(configs):
            raise ValueError(
                f"Expected as many datasets as configs with paired=True. Received: "
                f"{len(datasets)} datasets and {len(configs)} configs"
            )
        pairs = list(zip(datasets, configs, strict=True))
    else:
        pairs = list(itertools.product(datasets, configs))
    return [(d, c, k) for k in settings for d, c in pairs]


def _next_warm_item():
    """The next (data, config, settings) to compile, from the newest request, once no
    foreground call runs; a request's event is set when its last item is done."""
    with _WARM_LOCK:
        while True:
            while not _STOPPING[0] and (not _WARM_REQUESTS or _FOREGROUND[0]):
                _WARM_LOCK.wait(timeout=None if not _WARM_REQUESTS else 0.05)
            if _STOPPING[0]:
                return None
            items, done = _WARM_REQUESTS[-1]
            item = next(items, None)
            if item is not None:
                return item
            _WARM_REQUESTS.pop()
            done.set()


def _warm_worker() -> None:
    while True:
        item = _next_warm_item()
        if item is None:  # the interpreter is exiting
            return
        data, config, settings = item
        try:
            _warm_one(data, config, settings)
        except Exception:
            LOG.warning("warm_up could not compile %r", config, exc_info=True)


def _warm_one(data: Dataset, config: TrainConfig, settings: int) -> None:
    """Compile the shapes ``settings`` runs of ``config`` on ``data`` use: one epoch."""
    check_data(data)
    if not isinstance(config, TrainConfig):
        raise TypeError(f"Expected a TrainConfig. Received: {type(config).__name__}")
    settings = size_class(settings)
    plan = Plan(data, config)
    shape = plan.shape_key(settings)
    if is_compiled(shape):
        return
    if not room_to_compile(share=WARM_SHARE):  # leave the rest to the learner's own moves
        LOG.info("warm_up stops: this process is near its cap on memory mappings")
        return
    init = []
    for fan_in, fan_out in plan.layout.real_shapes():
        init += [np.zeros((settings, fan_in, fan_out), np.float32)]
        init += [np.zeros((settings, fan_out), np.float32)]
    blowup = np.full(settings, np.inf, np.float32)
    args, _ = arguments(plan, data, [config] * settings, init, blowup, epochs=1)
    function_for(plan)(*args)["last_epoch"].numpy()
    note_compiled(shape)
