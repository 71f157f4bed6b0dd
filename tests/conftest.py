"""Shared by every test process: report how much of the memory-mapping cap it used.

XLA keeps every compiled shape's code for the life of the process, about 330–400 memory
mappings each, under Linux's cap (``vm.max_map_count``); `make test` splits the suite
into processes so that none comes near it. The line this prints shows the headroom.
"""

from __future__ import annotations

from tunelab.training import mappings


def pytest_terminal_summary(terminalreporter):
    used, limit = mappings.map_count(), mappings.map_limit()
    if used is not None and limit is not None:
        terminalreporter.write_line(
            f"memory mappings at the end: {used:,} of {limit:,} ({used / limit:.0%})"
        )
