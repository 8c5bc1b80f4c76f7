"""Shared by the benchmarks: wall-clock timing of repeated runs, peak memory.

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


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB.

    On Linux this is ``VmHWM`` of /proc/self/status, the high-water mark of the
    process's own memory. ``getrusage().ru_maxrss`` is not: a process started with
    fork/vfork + exec inherits its parent's high-water mark there, so a benchmark
    child started by a parent that generated data would report the parent's peak.
    Elsewhere, ``ru_maxrss`` (kB on Linux, bytes on macOS).
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)
