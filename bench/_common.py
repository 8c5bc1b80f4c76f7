"""Shared by the benchmarks: wall-clock timing of repeated runs.

Imported as ``from _common import ...``: a bench script runs as
``python bench/NAME.py``, so bench/ is the first entry of ``sys.path``.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def wall_times(fn: Callable[[], object], repeat: int) -> list[float]:
    """The wall-clock seconds of `repeat` calls of `fn`, in order."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times
