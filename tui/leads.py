"""What the dashboard reads from the store beyond the metric engine.

- `lead_names(store, ids)` reads the ``leads.attributes`` of the listed leads and
  gives each its name (`accord.metrics.lead_name`: a company, else a person's name), so
  the attention list shows "Blue Retail" beside ``sim-7-001818``.
- `events_around(store, when)`: the newest event at or before an instant, and the
  events stamped after it (asked only when the store's newest event is later: in live
  mode those are stamped in the future, and are flagged rather than called the newest).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from accord.metrics import lead_name


def lead_names(store: Any, ids: Iterable[str]) -> dict[str, str]:
    """Lead id → name, for the leads of `ids` whose attributes name them (one query per
    thousand ids)."""
    from sqlalchemy import select

    from accord.store import leads

    wanted = sorted(set(ids))
    out: dict[str, str] = {}
    with store.read() as conn:
        for i in range(0, len(wanted), 1000):
            chunk = wanted[i : i + 1000]
            rows = conn.execute(
                select(leads.c.lead_id, leads.c.attributes).where(leads.c.lead_id.in_(chunk))
            )
            for lead_id, attributes in rows:
                name = lead_name(attributes)
                if name is not None:
                    out[str(lead_id)] = name
    return out


def events_around(
    store: Any, when: dt.datetime
) -> tuple[dt.datetime | None, int, dt.datetime | None]:
    """(the newest event at or before `when`, how many are stamped after it, the
    earliest of those)."""
    from sqlalchemy import func, select

    from accord.store import events

    with store.read() as conn:
        newest = conn.execute(select(func.max(events.c.at)).where(events.c.at <= when)).scalar()
        later, first = conn.execute(
            select(func.count(), func.min(events.c.at)).where(events.c.at > when)
        ).one()
    return newest, int(later or 0), first
