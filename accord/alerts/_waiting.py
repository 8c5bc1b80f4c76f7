"""The leads waiting against a deadline: for every `within` commitment and every `open`
commitment with ``older_than``, the leads that had the `from` event and not yet the `to`
event after it, with the deadline on the measure's clock.

The metric engine lists waiting leads for `open` measures only (`Evaluator.open_rows`,
the dashboard's attention list). Here each watched commitment is shadowed by an `open`
measure over the same events and lead filter, evaluated by an ordinary incremental
`accord.metrics.Evaluator`, so the waiting leads come from the engine's own SQL (first
events, ties, the ``where:`` filter on every dialect) and are kept up to date from the
new events alone. Should the engine one day list the pending leads of a `within` cohort
itself, this module shrinks to a call.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from accord.domain import model as m
from accord.domain.calendar import calendar_hours_add
from accord.domain.clock import Clock
from accord.domain.workspace import Bounds, CommitmentRef, Workspace
from accord.metrics import Evaluator
from accord.store import Store

_SHADOW = "~watch:"
"""Prefix of the shadow KPIs' ids (no YAML id can start with '~')."""
_SLACK = dt.timedelta(days=21)


@dataclass(frozen=True)
class Waiting:
    """A lead waiting for the `to` event of a watched commitment."""

    ref: CommitmentRef
    """The real commitment (its agreement, KPI and bounds)."""
    lead: str
    since: dt.datetime
    """The lead's first `from` event: its clock started here."""
    allowed: float
    """Hours allowed on the measure's clock (`within.limit`, `open.older_than`)."""
    clock: str
    """business or calendar."""


def _allowed(kpi: m.Kpi) -> tuple[m.Match, m.Match, float, str] | None:
    """(from, to, hours allowed, clock) of a KPI with a deadline per lead."""
    within, waiting = kpi.measure.within, kpi.measure.open
    if within is not None:
        return within.from_, within.to, within.limit, within.clock
    if waiting is not None and waiting.older_than is not None:
        return waiting.from_, waiting.to, waiting.older_than, waiting.clock
    return None


def shadow(ws: Workspace) -> tuple[Workspace, dict[tuple[str, str], CommitmentRef]]:
    """`ws` with only the commitments that have a deadline per lead, each measured by an
    `open` measure of the same events and filter (no ``older_than``: every waiting lead),
    and (agreement id, commitment id) → the real commitment."""
    kpis: dict[str, m.Kpi] = {}
    agreements: dict[str, m.Agreement] = {}
    bounds: dict[tuple[str, str], Bounds] = {}
    real: dict[tuple[str, str], CommitmentRef] = {}
    for ref in ws.commitments():
        found = _allowed(ref.kpi)
        if found is None:
            continue
        start, stop, _, clock = found
        kpi_id = _SHADOW + ref.kpi.id
        if kpi_id not in kpis:
            spec = m.OpenSpec.model_validate({"from": start, "to": stop, "clock": clock})
            kpis[kpi_id] = ref.kpi.model_copy(
                update={"id": kpi_id, "unit": "count", "measure": m.Measure(open=spec)}
            )
        agreement = agreements.get(ref.agreement.id)
        if agreement is None:
            agreement = ref.agreement.model_copy(update={"commitments": []})
        commitment = ref.commitment.model_copy(update={"kpi": kpi_id})
        agreements[agreement.id] = agreement.model_copy(
            update={"commitments": [*agreement.commitments, commitment]}
        )
        bounds[ref.key] = Bounds(None, None, None)
        real[ref.key] = ref
    copy = dataclasses.replace(ws, kpis=kpis, agreements=agreements, bounds=bounds)
    return copy, real


class WaitingLeads:
    """The waiting leads of a workspace's watched commitments, refreshed incrementally."""

    def __init__(self, ws: Workspace, store: Store, *, now: Clock) -> None:
        self.ws = ws
        self._shadow, self._real = shadow(ws)
        self._evaluator = Evaluator(self._shadow, store, now=now)
        self._deadlines: dict[tuple[str, str, str, dt.datetime], dt.datetime] = {}

    def refresh(self, at: dt.datetime, *, full: bool = False) -> list[Waiting]:
        """Every lead waiting as of `at`, per watched commitment."""
        if not self._real:
            return []
        evaluation = self._evaluator.full(at) if full else self._evaluator.refresh(at)
        since = {st.ref.key: st.rows for st, _ in self._evaluator.open_rows()}
        out: list[Waiting] = []
        for result in evaluation.commitments:
            key = (result.agreement, result.id)
            ref = self._real.get(key)
            rows = since.get(key, {})
            if ref is None:
                continue
            found = _allowed(ref.kpi)
            assert found is not None
            _, _, allowed, clock = found
            for lead in result.leads or []:
                row = rows.get(lead)
                if row is not None:
                    out.append(Waiting(ref, lead, row.first_at, allowed, clock))
        return out

    def deadline(self, w: Waiting, share: float = 1.0) -> dt.datetime:
        """When `share` of the lead's allowed time has passed, on the measure's clock
        (full deadlines on the business clock are kept between refreshes)."""
        hours = w.allowed * share
        if w.clock != "business":
            return calendar_hours_add(w.since, hours)
        if share != 1.0:
            return self.ws.calendar.add(w.since, hours)
        key = (w.ref.agreement.id, w.ref.commitment.id, w.lead, w.since)
        found = self._deadlines.get(key)
        if found is None:
            found = self._deadlines[key] = self.ws.calendar.add(w.since, hours)
        return found

    def span(self, hours: float, clock: str) -> dt.timedelta:
        """The most calendar time `hours` on `clock` can take: on the business clock the
        hours at the calendar's weekly working time, plus a week for where the count
        starts and two weeks of holidays."""
        if clock != "business":
            return dt.timedelta(hours=hours)
        cal = self.ws.calendar
        day = dt.datetime.combine(dt.date(2000, 1, 1), cal.end) - dt.datetime.combine(
            dt.date(2000, 1, 1), cal.start
        )
        weekly_hours = len(cal.workdays) * day / dt.timedelta(hours=1)
        return dt.timedelta(hours=hours * 168 / weekly_hours) + _SLACK

    def near(self, waiting: list[Waiting], at: dt.datetime, horizon: dt.timedelta) -> list[Waiting]:
        """The leads whose deadline can lie after ``at - horizon`` — a cheap test that
        spares walking the business calendar for leads that have waited for months —
        and forget the deadlines of the others."""
        out = [w for w in waiting if w.since + self.span(w.allowed, w.clock) > at - horizon]
        keep = {(w.ref.agreement.id, w.ref.commitment.id, w.lead, w.since) for w in out}
        self._deadlines = {k: v for k, v in self._deadlines.items() if k in keep}
        return out
