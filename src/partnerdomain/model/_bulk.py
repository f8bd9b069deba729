"""Building many entities at once: the cyclic garbage collector can wait."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk step, then restore it.

    Loading a million deals or reviewing them creates millions of objects that form
    no reference cycles; each one the collector would nevertheless scan several times,
    which costs about a quarter of a large load. Memory is still freed by reference
    counting while the collector waits. Its previous state is restored on the way out,
    even on an error, and a collector paused by the caller stays paused.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
