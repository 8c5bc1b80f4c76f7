"""`collector_paused`: many rows at once, without the cyclic garbage collector."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many rows are made: an import's batches
    (`accord.importing`), a large result turned into rows (`accord.metrics`).

    Rows make no reference cycles: reference counting frees them. But tens of thousands
    of new ones set off collections, each generation-2 pass going over every object of
    the process (the modules, the workspace), that find nothing: a fifth of an import's
    time at 700,000 rows, 30 ms of a 75,000-lead cohort. The collector is enabled again
    afterwards unless it was off already.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
