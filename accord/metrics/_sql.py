"""The SQL of the metric engine, as dialect-neutral SQLAlchemy Core statements.

Every statement is built from plain SQL-92 pieces: ``COUNT(DISTINCT …)``, ``SUM``,
``MIN`` with ``GROUP BY``, correlated ``NOT EXISTS``, ``IN (subquery)``, a
``LEFT OUTER JOIN`` and comparisons of timestamps. Lead attributes (a JSON
column) need the dialect's JSON path access, which SQLAlchemy renders
(``JSON_EXTRACT`` on SQLite, ``->>`` on PostgreSQL). No window functions, no
date arithmetic in SQL: time limits on a business clock are applied in Python to
the period's cohort only.

"First" is the earliest ``at``; an event is "at or after" another when its
``at`` is later, or equal with an ``event_id`` at least as high.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Select,
    String,
    and_,
    any_,
    bindparam,
    distinct,
    exists,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import NamedFromClause

from accord.domain import model as m
from accord.store import events, leads

Where = Mapping[str, m.Scalar | list[m.Scalar]]
When = dt.datetime | BindParameter[Any]
"""An instant, or a bound parameter standing for one (statements built once, run often)."""
Only = Sequence[str] | BindParameter[Any]
"""Lead ids, or a bound parameter standing for them (`only_param`)."""
Seen = tuple[dt.datetime, int] | tuple[BindParameter[Any], BindParameter[Any]]
"""What an earlier evaluation saw: events with ``at <= T_old`` and ``event_id <= last_id``."""


def _events_as(name: str) -> NamedFromClause:
    """`events` under `name`, its columns built at once (threads then only read them)."""
    alias = events.alias(name)
    _ = alias.c
    return alias


# The statements' aliases of `events`, made once: each new alias builds a proxy of every
# column again, most of the time it took to build a statement.
_E, _B, _T, _F, _P = (_events_as(name) for name in ("e", "b", "t", "f", "p"))


def only_param(dialect: str) -> BindParameter[Any]:
    """The bound parameter standing for a list of lead ids in statements run often.

    SQLite: an expanding ``IN (?, ?, …)``. PostgreSQL: one array parameter,
    ``= ANY(%(only)s::VARCHAR[])``: the statement's text stays the same whatever the
    number of leads (the driver parses it once), and hundreds of bound values are
    not rendered and cast one by one on every run.
    """
    if dialect == "postgresql":
        return bindparam("only", type_=ARRAY(String))
    return bindparam("only", expanding=True)


def lead_in(column: Any, only: Only) -> ColumnElement[bool]:
    """`column` is one of the lead ids `only`."""
    if isinstance(only, BindParameter) and not only.expanding:
        return column == any_(only)  # type: ignore[no-any-return]
    return column.in_(only if isinstance(only, BindParameter) else list(only))  # type: ignore[no-any-return]


def matches(e: NamedFromClause, match: m.EventMatch) -> ColumnElement[bool]:
    """The event matcher as a condition on the events alias `e`."""
    cond = e.c.type == match.type
    if match.stage is not None:
        cond = and_(cond, e.c.stage == match.stage)
    return cond


def _json_text(value: m.Scalar) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _attribute_equals(key: str, value: m.Scalar, dialect: str) -> ColumnElement[bool]:
    element = leads.c.attributes[key]
    cond: ColumnElement[bool]
    if dialect == "sqlite":
        # JSON_EXTRACT gives SQL values: text, integer, real; true/false as 1/0.
        if isinstance(value, bool):
            cond = element.as_integer() == int(value)
        elif isinstance(value, int | float):
            cond = element.as_float() == float(value)
        else:
            cond = element.as_string() == value
    else:
        # PostgreSQL and others: compare the JSON value's text form (->>).
        cond = element.as_string() == _json_text(value)
    return cond


def lead_filter(where: Where, dialect: str) -> ColumnElement[bool] | None:
    """The `where:` of a KPI as a condition on `leads` (None when there is no filter)."""
    conds: list[ColumnElement[bool]] = []
    for key, wanted in where.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if not values:
            conds.append(false())
            continue
        if key in m.LEAD_COLUMNS:
            column = leads.c[key]
            conds.append(or_(*(column == v for v in values)))
        else:
            conds.append(or_(*(_attribute_equals(key, v, dialect) for v in values)))
    return and_(*conds) if conds else None


def _with_filter(
    stmt: Select[Any], e: NamedFromClause, flt: ColumnElement[bool] | None
) -> Select[Any]:
    if flt is None:
        return stmt
    return stmt.join(leads, leads.c.lead_id == e.c.lead_id).where(flt)


def _period_leads(
    match: m.EventMatch,
    flt: ColumnElement[bool] | None,
    start: When,
    at: When,
    only: Only | None,
    seen: Seen | None,
    column: Any,
) -> Select[Any]:
    e = _E
    conds = [matches(e, match), e.c.at >= start, e.c.at <= at]
    if only is not None:
        conds.append(lead_in(e.c.lead_id, only))
    if seen is not None:
        p = _P
        seen_at, seen_id = seen
        conds.append(
            ~exists().where(
                p.c.lead_id == e.c.lead_id,
                matches(p, match),
                p.c.at >= start,
                p.c.at <= seen_at,
                p.c.event_id <= seen_id,
            )
        )
    return _with_filter(select(column(e)).select_from(e), e, flt).where(*conds)


def count_leads(
    match: m.EventMatch,
    flt: ColumnElement[bool] | None,
    start: When,
    at: When,
    *,
    only: Only | None = None,
    seen: Seen | None = None,
) -> Select[Any]:
    """Distinct leads with a matching event in ``[start, at]``.

    With `only`, just those leads; with `seen`, only leads that had no such event
    among the events seen before (the increment of an earlier count).
    """
    return _period_leads(
        match, flt, start, at, only, seen, lambda e: func.count(distinct(e.c.lead_id))
    )


def sum_value(
    match: m.EventMatch,
    flt: ColumnElement[bool] | None,
    start: When,
    at: When,
    *,
    only: Only | None = None,
    seen: Seen | None = None,
) -> Select[Any]:
    """Sum of ``leads.value`` over the distinct leads `count_leads` counts."""
    ids = _period_leads(match, None, start, at, only, seen, lambda e: e.c.lead_id)
    stmt = select(func.sum(leads.c.value)).where(leads.c.lead_id.in_(ids))
    return stmt if flt is None else stmt.where(flt)


def cohort(
    start_match: m.EventMatch,
    end_match: m.EventMatch,
    flt: ColumnElement[bool] | None,
    start: When | None,
    at: When,
    *,
    only: Only | None = None,
    open_only: bool = False,
) -> Select[Any]:
    """Rows ``(lead_id, first_at, to_at)``: each lead's first `start_match` event as of
    `at` — only leads whose first one is at or after `start` when `start` is given —
    and the time of its first `end_match` event at or after it by `at` (NULL if none).

    With `open_only`, rows ``(lead_id, first_at)`` of the leads without such an
    `end_match` event.
    """
    e, before = _E, _B
    conds = [matches(e, start_match), e.c.at <= at]
    if start is not None:
        conds.append(e.c.at >= start)
        conds.append(
            ~exists().where(
                before.c.lead_id == e.c.lead_id, matches(before, start_match), before.c.at < start
            )
        )
    if only is not None:
        conds.append(lead_in(e.c.lead_id, only))
    first = (
        _with_filter(select(e.c.lead_id, func.min(e.c.at).label("first_at")).select_from(e), e, flt)
        .where(*conds)
        .group_by(e.c.lead_id)
        .subquery("first")
    )
    t, f = _T, _F
    tie = exists().where(
        f.c.lead_id == t.c.lead_id,
        f.c.at == t.c.at,  # (t.at = first_at here) not first_at: keeps `first` out of it
        matches(f, start_match),
        f.c.event_id <= t.c.event_id,
    )
    later = and_(
        t.c.lead_id == first.c.lead_id,
        matches(t, end_match),
        t.c.at <= at,
        or_(t.c.at > first.c.first_at, and_(t.c.at == first.c.first_at, tie)),
    )
    if open_only:
        return select(first.c.lead_id, first.c.first_at).where(
            ~exists().select_from(t).where(later)
        )
    return (
        select(first.c.lead_id, first.c.first_at, func.min(t.c.at).label("to_at"))
        .select_from(first.outerjoin(t, later))
        .group_by(first.c.lead_id, first.c.first_at)
    )


def store_summary() -> Select[Any]:
    """One row ``(events, highest event_id, latest at)`` of the whole store.

    Each is its own scalar subquery, so each can take its shortcut: SQLite counts the
    rows of the smallest index and both dialects read a maximum off the end of an
    index. As one aggregate over the table (``SELECT COUNT(*), MAX(event_id),
    MAX(at)``) SQLite scans the index on ``at`` instead: 100 ms against 8 ms at
    680,000 events.
    """
    return select(
        select(func.count()).select_from(events).scalar_subquery(),
        select(func.max(events.c.event_id)).scalar_subquery(),
        select(func.max(events.c.at)).scalar_subquery(),
    )


def stage_entries(stages: Sequence[str], start: dt.datetime, at: dt.datetime) -> Select[Any]:
    """``(stage, distinct leads)`` entering each of `stages` in ``[start, at]``."""
    return (
        select(events.c.stage, func.count(distinct(events.c.lead_id)))
        .where(
            events.c.type == "entered",
            events.c.stage.in_(list(stages)),
            events.c.at >= start,
            events.c.at <= at,
        )
        .group_by(events.c.stage)
    )


def visible_delta(last_id: int, seen_at: dt.datetime, at: dt.datetime) -> list[Select[Any]]:
    """Statements for the events visible as of `at` that an evaluation as of `seen_at`
    with cursor `last_id` did not see: new ids, and older ids whose time has come.
    Rows ``(event_id, lead_id, type, stage, at)``."""
    cols = (events.c.event_id, events.c.lead_id, events.c.type, events.c.stage, events.c.at)
    return [
        select(*cols).where(events.c.event_id > last_id, events.c.at <= at),
        select(*cols).where(events.c.at > seen_at, events.c.at <= at, events.c.event_id <= last_id),
    ]
