"""Pausing the cyclic garbage collector for a bulk run that is the process's own.

The library's functions never touch the collector: it is process-wide state, and
they may run beside other threads. The command line, whose process it is, pauses it
for a whole review run (see ``partnerdomain.cli``); so does the review benchmark.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk run, then restore it.

    Loading a million deals and reviewing them creates millions of objects that form
    no reference cycles; the collector would nevertheless scan all of them several
    times, about a quarter of a large load and a third of a large review. Memory is
    still freed by reference counting while it waits. Its previous state is restored
    on the way out, even on an error, and a collector paused by the caller stays paused.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
