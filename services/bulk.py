"""What a scheduled run over a whole country needs beyond set-based queries.

A national run (the morning digest, the escalations) makes hundreds of thousands of short-lived
rows and lines. Each of CPython's full garbage collections walks every object the process holds
(the catalogs, the models, the rows read so far), and such a run triggers many of them: measured,
about half of a rerun's time. `collector_paused` holds the cyclic collector for the run's bulk
phase; reference counting still frees every row as it goes, and what cycles there are wait
for the next collection after it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]

# Runs inside a pause (they may overlap: two jobs on one event loop); the last one out restores.
_paused = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the block runs (nested or overlapping pauses
    restore it when the last ends, to what it was before the first)."""
    global _paused, _was_enabled
    if _paused == 0:
        _was_enabled = gc.isenabled()
        gc.disable()
    _paused += 1
    try:
        yield
    finally:
        _paused -= 1
        if _paused == 0 and _was_enabled:
            gc.enable()
