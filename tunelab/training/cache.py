"""`ResultCache`: finished training results, kept so a slider moved back costs nothing.

An LRU keyed by ``(data fingerprint, config)``, bounded by count and by bytes. Results are
frozen, so the bytes counted when a result goes in are the bytes it holds until it leaves:
the count is exact at every moment (the sum of ``nbytes`` over what is held).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable

from tunelab.training.result import TrainResult

__all__ = ["ResultCache"]


class ResultCache:
    """An LRU of finished results, bounded by count and by the bytes the results hold.

    A 64×64 network's weight snapshots are ~0.5 MB, so a long class session cannot grow
    memory without bound. The newest entry is always kept, even when it alone is over the
    byte bound (a result too big to cache would otherwise be trained again on every call).

    Args:
        maxsize: at most this many results.
        max_bytes: at most this many bytes of results (one oversized newest result aside).

    Example:
        >>> cache = ResultCache(maxsize=8)
        >>> cache.put_many([(key, result)]); cache.get(key) is result
        True
    """

    def __init__(self, maxsize: int = 512, max_bytes: int = 48 * 2**20):
        for name, value in (("maxsize", maxsize), ("max_bytes", max_bytes)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(
                    f"Expected `{name}` to be an integer >= 1. Received: {name}={value!r}"
                )
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, TrainResult] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> TrainResult | None:
        """The result stored under ``key`` (now the most recently used), or None."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
            return None

    def put_many(self, pairs: Iterable[tuple[Hashable, TrainResult]]) -> None:
        """Store ``(key, result)`` pairs, then evict the least recently used past the bounds.

        All or nothing: the pairs go in with one update, so an interrupt (SIGINT) cannot
        leave half a sweep behind. Eviction runs after, oldest first; the pairs just put
        are the newest, so they are the last to go.
        """
        fresh = OrderedDict(pairs)
        for key, result in fresh.items():
            if not isinstance(result, TrainResult):
                raise TypeError(
                    f"Expected every cached value to be a TrainResult. Received: {key!r} -> "
                    f"{type(result).__name__}"
                )
        with self._lock:
            for key in fresh.keys() & self._items.keys():
                self._bytes -= self._items.pop(key).nbytes
            self._items.update(fresh)
            self._bytes += sum(result.nbytes for result in fresh.values())
            while len(self._items) > 1 and (
                len(self._items) > self.maxsize or self._bytes > self.max_bytes
            ):
                _, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def clear(self) -> None:
        """Forget every result and reset the hit and miss counts."""
        with self._lock:
            self._items.clear()
            self._bytes = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        """Bytes of the results held: the exact sum of their ``nbytes``."""
        return self._bytes

    def results(self) -> list[TrainResult]:
        """The results held, least recently used first (a snapshot; the cache may move on)."""
        with self._lock:
            return list(self._items.values())
