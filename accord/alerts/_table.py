"""The alerts' own tables in the event store: what was (to be) sent, and the last status
seen of each commitment.

They live in the same database as the funnel data — so every watcher, a restart and
``accord watch --once`` from cron share one memory — but in their own SQLAlchemy
`MetaData`, created on first use by `ensure_tables` (the event store's schema,
`accord.store`, does not know them).

* ``alerts_sent`` — the outbox and sent log: one row per (alert, channel), keyed
  uniquely, inserted *before* anything is sent. A watcher sends a row only after it
  has claimed it (``claimed_by``/``lease_until``, a compare-and-set update), so two
  watchers never send the same row; a row whose sender died is claimed again once its
  lease has run out. ``sent_at`` is set when the channel took the message; a row that
  keeps failing stays unsent (``attempts``, ``last_error``) and is tried again on the
  next run.
* ``alerts_state`` — per subject (a commitment's status), the last value seen and how
  many times it changed (``seq``). A change is recorded by a compare-and-set on
  ``seq``, in the same transaction as its alert's rows: of two watchers that see the
  same change, one records it.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from accord.store import UtcDateTime

alerts_metadata = MetaData()

alerts_sent = Table(
    "alerts_sent",
    alerts_metadata,
    Column("alert_key", String(400), primary_key=True),
    Column("channel", String(100), primary_key=True),
    Column("event", String(40), nullable=False),
    Column("agreement", String(200)),
    Column("commitment", String(200)),
    # the message as sent, {"text": …, "blocks": …}: no secret (channels go by name)
    Column("message", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # not sent before this instant (quiet hours hold a message until the next opening)
    Column("due_at", UtcDateTime, nullable=False),
    Column("claimed_by", String(100)),
    Column("lease_until", UtcDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("sent_at", UtcDateTime),
    Column("last_error", Text),
)
Index("ix_alerts_sent_pending", alerts_sent.c.sent_at, alerts_sent.c.due_at)

alerts_state = Table(
    "alerts_state",
    alerts_metadata,
    Column("subject", String(400), primary_key=True),
    Column("value", String(40), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("since", UtcDateTime, nullable=False),
)


def create_tables(conn: Connection) -> None:
    """Create the alerts' tables and indexes that are missing (inside the caller's
    write transaction)."""
    alerts_metadata.create_all(conn, checkfirst=True)
