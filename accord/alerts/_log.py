"""The sent log in the store: record what is to be sent (once), claim it, mark it sent.

The order makes "never twice" hold with any number of watchers on one store:

1. `record` — in one write transaction: each status change by a compare-and-set of
   its ``seq`` (the loser of a race records nothing and sends nothing), and one row
   per (alert, channel) with ``INSERT … ON CONFLICT DO NOTHING`` on the unique key;
2. `claim` — in one write transaction: the unsent rows that are due, whose lease is
   free or ran out, taken by a compare-and-set of ``claimed_by``/``lease_until``;
3. the watcher sends its claimed rows, outside any transaction (a slow channel never
   holds the store's write lock);
4. `finish` — marks each row sent, or releases it with the error for the next run.

A watcher that dies between 3 and 4 leaves its rows claimed until the lease runs
out; another watcher then sends them again — the one window in which a message can
be sent twice (docs/alerts.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Insert, and_, exc, insert, or_, select, update

from accord.alerts._detect import Alert, Change, Recorded
from accord.alerts._table import alerts_sent, alerts_state, create_tables
from accord.store import Store


@dataclass(frozen=True)
class Pending:
    """A row of the sent log this watcher has claimed and must now send."""

    alert_key: str
    channel: str
    event: str
    message: dict[str, Any]
    attempts: int


def ensure_tables(store: Store) -> None:
    """Create the alerts' tables in `store` when missing (safe when two watchers start
    at once: a second "already exists" is taken as done)."""
    for _ in range(2):
        try:
            with store.write() as conn:
                create_tables(conn)
            return
        except exc.SQLAlchemyError as error:  # pragma: no cover - a race on creation
            if "already exists" not in str(error).lower():
                raise
    with store.write() as conn:  # pragma: no cover
        create_tables(conn)


def recorded(store: Store) -> dict[str, Recorded]:
    """The last status recorded per subject."""
    with store.read() as conn:
        s = alerts_state.c
        rows = conn.execute(select(s.subject, s.value, s.seq, s.since))
        return {r.subject: Recorded(r.value, r.seq, r.since) for r in rows}


def _insert_ignore(conn: Connection, table: Any, row: Mapping[str, Any]) -> bool:
    """Insert `row` unless its key exists; whether it was inserted."""
    name = conn.dialect.name
    stmt: Insert
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).values(**row).on_conflict_do_nothing()
    elif name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt = pg_insert(table).values(**row).on_conflict_do_nothing()
    else:
        try:
            with conn.begin_nested():
                conn.execute(insert(table).values(**row))
            return True
        except exc.IntegrityError:
            return False
    return conn.execute(stmt).rowcount == 1


def record(
    store: Store,
    changes: Sequence[Change],
    alerts: Iterable[Alert],
    channels_of: Mapping[str, Sequence[str]],
    at: dt.datetime,
    due: dt.datetime,
) -> int:
    """Record status changes and the rows of alerts to send, each once.

    Args:
        changes: status changes seen; an alert of a change goes out only if this
            watcher's compare-and-set records the change.
        alerts: the other alerts.
        channels_of: alert key → the channels it goes to.
        at: now.
        due: when the new rows may be sent (now, or the next opening in quiet hours).

    Returns:
        How many new rows were recorded.
    """
    new = 0
    with store.write() as conn:
        to_send: list[Alert] = list(alerts)
        for change in changes:
            if change.seq is None:
                won = _insert_ignore(
                    conn,
                    alerts_state,
                    {"subject": change.subject, "value": change.value, "seq": 1, "since": at},
                )
            else:
                won = (
                    conn.execute(
                        update(alerts_state)
                        .where(
                            alerts_state.c.subject == change.subject,
                            alerts_state.c.seq == change.seq,
                        )
                        .values(value=change.value, seq=change.seq + 1, since=at)
                    ).rowcount
                    == 1
                )
            if won and change.alert is not None:
                to_send.append(change.alert)
        for alert in to_send:
            for channel in channels_of.get(alert.key, ()):
                row = {
                    "alert_key": alert.key,
                    "channel": channel,
                    "event": alert.event,
                    "agreement": alert.agreement,
                    "commitment": alert.commitment,
                    "message": alert.message(),
                    "created_at": at,
                    "due_at": due,
                    "attempts": 0,
                }
                new += _insert_ignore(conn, alerts_sent, row)
    return new


def claim(
    store: Store, me: str, channels: Iterable[str], at: dt.datetime, lease: dt.timedelta
) -> list[Pending]:
    """Take the unsent rows of `channels` that are due and not held by a live claim."""
    names = sorted(set(channels))
    if not names:
        return []
    t = alerts_sent.c
    free = or_(t.lease_until.is_(None), t.lease_until < at)
    wanted = and_(t.sent_at.is_(None), t.due_at <= at, t.channel.in_(names), free)
    out: list[Pending] = []
    with store.write() as conn:
        rows = conn.execute(
            select(t.alert_key, t.channel, t.event, t.message, t.attempts)
            .where(wanted)
            .order_by(t.created_at, t.alert_key, t.channel)
        ).all()
        for r in rows:
            taken = conn.execute(
                update(alerts_sent)
                .where(t.alert_key == r.alert_key, t.channel == r.channel, wanted)
                .values(claimed_by=me, lease_until=at + lease)
            ).rowcount
            if taken == 1:
                out.append(Pending(r.alert_key, r.channel, r.event, dict(r.message), r.attempts))
    return out


def finish(
    store: Store, me: str, row: Pending, tries: int, at: dt.datetime, error: str | None
) -> None:
    """Mark a claimed row sent, or release it with its (masked) error."""
    t = alerts_sent.c
    values: dict[str, Any] = {"attempts": row.attempts + tries, "last_error": error}
    if error is None:
        values["sent_at"] = at
    else:
        values["lease_until"] = None
    with store.write() as conn:
        conn.execute(
            update(alerts_sent)
            .where(t.alert_key == row.alert_key, t.channel == row.channel, t.claimed_by == me)
            .values(**values)
        )
