"""The event store's tables (docs/reference/store.md), as SQLAlchemy Core metadata.

Timestamps are stored as naive UTC (`UtcDateTime` converts on the way in and
out), which sorts correctly as text in SQLite and as ``timestamp`` elsewhere.

Beyond docs/reference/store.md, ``events.source_key`` is a unique key that makes re-imports
idempotent: the ``event_id`` of an import file when it has one, else the
event's own content (lead, time, type, stage). ``event_id`` itself is assigned
by the store in arrival order, so it is a cursor that only grows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC."""

    impl = DateTime(timezone=False)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if not isinstance(value, dt.datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; attach a time zone first")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # pragma: no cover - raw text from a foreign writer
            value = dt.datetime.fromisoformat(value)
        moment: dt.datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC)


metadata = MetaData()

leads = Table(
    "leads",
    metadata,
    Column("lead_id", String(200), primary_key=True),
    Column("created_at", UtcDateTime),
    Column("source", String(200)),
    Column("segment", String(200)),
    Column("hot", Boolean),
    Column("value", Numeric(18, 2)),
    Column("owner", String(200)),
    Column("attributes", JSON),
)

events = Table(
    "events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("lead_id", String(200), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("type", String(100), nullable=False),
    Column("stage", String(100)),
    Column("actor", String(200)),
    Column("source_key", Text, nullable=False, unique=True),
    Column("extra", JSON),
)

Index("ix_events_type_stage_at", events.c.type, events.c.stage, events.c.at)
# The per-lead probes of the cohort queries (a lead's earlier `from` event, its first
# `to` event, a tie at the same instant) look up (lead, type, stage) and a time range:
# with all four in one index the planner needs no statistics to choose it.
Index(
    "ix_events_lead_type_stage_at",
    events.c.lead_id,
    events.c.type,
    events.c.stage,
    events.c.at,
)
Index("ix_events_at", events.c.at)
