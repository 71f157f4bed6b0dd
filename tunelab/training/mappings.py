"""How close this process is to Linux's cap on memory mappings, which XLA's code uses up.

Each compiled shape of the training loop is loaded by XLA's CPU runtime as about a hundred
small pieces of machine code, each in its own three memory mappings (code, constants,
data): measured, 330–400 mappings per compiled shape on TensorFlow 2.21. Linux caps a
process at ``vm.max_map_count`` mappings (65,530 by default), and a process that reaches
the cap does not get an error: the next compilation aborts it ("LLVM ERROR: Unable to
allocate section memory!") or crashes it. So a kernel holds roughly 150 compiled shapes
at most, whatever its memory.

The engine asks `room_to_compile` before it compiles a new shape: the foreground refuses
with a clear message instead of crashing the kernel, and the background warm-up stops
well before the cap, leaving the room to the learner's own moves. Where the numbers
cannot be read (not Linux), there is always room.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "MAPPINGS_PER_COMPILE",
    "map_count",
    "map_limit",
    "room_to_compile",
    "too_many_compiled",
]

# Mappings one compiled shape takes (measured 330–400; a deep network takes more).
MAPPINGS_PER_COMPILE = 600


def map_limit() -> int | None:
    """Linux's ``vm.max_map_count``, or None where it cannot be read."""
    try:
        return int(Path("/proc/sys/vm/max_map_count").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def map_count() -> int | None:
    """How many memory mappings this process holds now, or None where unknown."""
    try:
        with open("/proc/self/maps", "rb") as maps:
            return sum(1 for _ in maps)
    except OSError:
        return None


def room_to_compile(share: float = 1.0, compiles: int = 2) -> bool:
    """Whether ``compiles`` more compiled shapes fit under ``share`` of the mapping cap.

    Args:
        share: the part of ``vm.max_map_count`` the caller may fill (the background
            warm-up passes less than 1, so that the foreground keeps room).
        compiles: how many compilations' worth of mappings must remain.

    Example:
        >>> room_to_compile()  # True on a fresh kernel
        True
    """
    limit, used = map_limit(), map_count()
    if limit is None or used is None:
        return True
    return used + compiles * MAPPINGS_PER_COMPILE <= share * limit


def too_many_compiled(compiled: int) -> RuntimeError:
    """The error a foreground call raises instead of compiling past the cap."""
    return RuntimeError(
        f"This kernel is close to the operating system's limit on memory mappings "
        f"(vm.max_map_count = {map_limit()}, {map_count()} in use, {compiled} network shapes "
        f"compiled), and one more compilation could crash it. Restart the kernel "
        f"(Kernel → Restart Kernel) to go on. A server's administrator can raise the "
        f"limit with `sysctl -w vm.max_map_count=262144`."
    )
