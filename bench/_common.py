# ruff: noqa: E501  (hand-written SQL reads best on one line)
"""Shared by the benchmarks: wall-clock timing of repeated runs, peak memory.

Also the hand-written SQL floor of the metric engine (`floor_sql`), used by
bench/metrics.py and bench/realistic.py.

Imported as ``from _common import ...``: a bench script runs as
``python bench/NAME.py``, so bench/ is the first entry of ``sys.path``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.domain.workspace import CommitmentRef, Workspace


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


# --- the metric floor: hand-written SQL per commitment (bench/metrics.py, bench/realistic.py)


def sql_time(moment: Any) -> str:
    """An instant as the store keeps it: naive UTC text, ``YYYY-MM-DD HH:MM:SS.ffffff``
    (SQLAlchemy's SQLite format; PostgreSQL reads it through a CAST)."""
    import datetime as dt

    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def floor_sql(
    ws: Workspace, dialect: str, now: Any, refs: list[CommitmentRef] | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """One hand-written statement per commitment (`refs`, default every commitment of
    the active agreements) fetching what its number needs as of `now`:

    * count: the number of distinct leads; sum: the sum of their values;
    * conversion, within, duration: rows ``(lead_id, first_at, to_at)`` of the period's
      cohort (the leads whose first `from` event ever is in the period; `to_at` the
      first `to` event at or after it, NULL if none);
    * open: rows ``(lead_id, first_at)`` of the leads still waiting.

    Parameters are named (``:start``); a `where:` may only name lead columns.
    """
    from accord.domain import model as m
    from accord.domain.calendar import period_bounds

    out = []
    for ref in ws.commitments() if refs is None else refs:
        kpi = ref.kpi
        kind, spec = kpi.measure.kind, kpi.measure.spec
        start, _ = period_bounds(ref.commitment.per, now, ws.tz)
        p: dict[str, Any] = {"start": sql_time(start), "now": sql_time(now)}
        where, join = [], ""
        for i, (key, value) in enumerate(kpi.where.items()):
            if key not in m.LEAD_COLUMNS:
                raise NotImplementedError(f"the floor has no attribute filters ({kpi.id}: {key})")
            join = " JOIN leads l ON l.lead_id = e.lead_id"
            values = value if isinstance(value, list) else [value]
            names = [f"w{i}_{j}" for j in range(len(values))]
            p.update(zip(names, values, strict=True))
            where.append(f"l.{key} IN ({', '.join(':' + n for n in names)})" if names else "1 = 0")
        extra = "".join(f" AND {w}" for w in where)

        def match(alias: str, mt: m.EventMatch, tag: str, p: dict[str, Any] = p) -> str:
            p[f"{tag}t"] = mt.type
            if mt.stage is None:
                return f"{alias}.type = :{tag}t"
            p[f"{tag}s"] = mt.stage
            return f"{alias}.type = :{tag}t AND {alias}.stage = :{tag}s"

        if kind == "count":
            sql = (
                f"SELECT COUNT(DISTINCT e.lead_id) FROM events e{join} WHERE "
                f"{match('e', m.as_match(spec), 'm')} AND e.at >= :start AND e.at <= :now{extra}"
            )
        elif kind == "sum":
            sql = (
                f"SELECT SUM(l2.value) FROM leads l2 WHERE l2.lead_id IN (SELECT e.lead_id FROM events e{join} "
                f"WHERE {match('e', m.as_match(spec.of), 'm')} AND e.at >= :start AND e.at <= :now{extra})"
            )
        else:
            fm, tm = m.as_match(spec.from_), m.as_match(spec.to)
            period = (
                ""
                if kind == "open"
                else (
                    f" AND e.at >= :start AND NOT EXISTS (SELECT 1 FROM events b WHERE b.lead_id = e.lead_id"
                    f" AND {match('b', fm, 'f')} AND b.at < :start)"
                )
            )
            first = (
                f"SELECT e.lead_id, MIN(e.at) AS first_at FROM events e{join} WHERE {match('e', fm, 'f')}"
                f" AND e.at <= :now{period}{extra} GROUP BY e.lead_id"
            )
            if kind == "open":
                sql = (
                    f"SELECT f.lead_id, f.first_at FROM ({first}) f WHERE NOT EXISTS (SELECT 1 FROM events t"
                    f" WHERE t.lead_id = f.lead_id AND {match('t', tm, 't')} AND t.at >= f.first_at AND t.at <= :now)"
                )
            else:
                sql = (
                    f"SELECT f.lead_id, f.first_at, MIN(t.at) FROM ({first}) f LEFT JOIN events t ON"
                    f" t.lead_id = f.lead_id AND {match('t', tm, 't')} AND t.at >= f.first_at AND t.at <= :now"
                    f" GROUP BY f.lead_id, f.first_at"
                )
        if dialect == "postgresql":
            sql = sql.replace(":start", "CAST(:start AS timestamp)").replace(
                ":now", "CAST(:now AS timestamp)"
            )
        out.append((sql, p))
    return out
