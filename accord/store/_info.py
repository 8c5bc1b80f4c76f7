"""What the store says about itself: its URL, how many events, the last one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from accord.domain.clock import iso_z
from accord.store._schema import events


@dataclass(frozen=True)
class StoreInfo:
    """The store's size and freshness, as shown beside every evaluation."""

    url: str
    """The store URL with any password redacted."""
    events: int
    last_event_at: dt.datetime | None
    last_event_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "events": self.events,
            "last_event_at": None if self.last_event_at is None else iso_z(self.last_event_at),
        }


def store_info(conn: Connection, url: str) -> StoreInfo:
    """The number of events, the highest event id and the latest event time."""
    count, last_id, last_at = conn.execute(
        select(func.count(), func.max(events.c.event_id), func.max(events.c.at))
    ).one()
    return StoreInfo(url=url, events=int(count or 0), last_event_at=last_at, last_event_id=last_id)
