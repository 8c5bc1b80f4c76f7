"""Shared helpers for the dashboard tests: a small workspace on disk, hand-built
snapshots, a controllable fake source, and a real SQLite store with events."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from testclock import NOW

from accord import StoreError
from accord.domain.workspace import Workspace
from accord.loading.validate import load_workspace
from accord.metrics import CommitmentResult, Evaluation, Period
from accord.store import StoreInfo
from tui.data import Snapshot, StageRow, WaitingLead

WORKSPACE = """\
kind: Workspace
name: Acme Smarketing
calendar:
  timezone: Europe/Amsterdam
  hours: "09:00-17:00"
---
kind: Team
id: marketing
name: Marketing
members:
  - {id: mia, name: Mia Jansen, git: mia}
  - {id: max, name: Max de Vries}
---
kind: Team
id: sales
name: Sales
members:
  - {id: jan, name: Jan de Boer, git: jan}
  - {id: sanne, name: Sanne Bakker}
---
kind: Role
id: head-of-marketing
title: Head of Marketing
team: marketing
holders: [mia]
---
kind: Role
id: marketing-ops
title: Marketing Ops
team: marketing
holders: [max]
---
kind: Role
id: head-of-sales
title: Head of Sales
team: sales
holders: [jan]
---
kind: Role
id: sdr
title: Sales Development Rep
team: sales
holders: [sanne]
"""

STAGES = """\
kind: Stage
id: lead
name: Lead
order: 1
owner: marketing
definition: Anyone who left contact details.
raci: {responsible: [marketing-ops], accountable: [head-of-marketing]}
---
kind: Stage
id: mql
name: Marketing Qualified Lead
order: 2
owner: marketing
definition: A lead that fits the profile.
raci: {responsible: [marketing-ops], accountable: [head-of-marketing], informed: [sdr]}
---
kind: Stage
id: sql
name: Sales Qualified Lead
order: 3
owner: sales
definition: A lead that Sales has agreed to call.
raci:
  responsible: [sdr]
  accountable: [head-of-sales]
  consulted: [marketing-ops]
  informed: [head-of-marketing]
max_days: 14
---
kind: Stage
id: customer
name: Customer
order: 4
owner: sales
definition: Signed.
raci: {responsible: [head-of-sales], accountable: [head-of-sales]}
"""

KPIS = """\
kind: Kpi
id: sqls-delivered
name: SQLs delivered
unit: count
owner: head-of-marketing
measure: {count: sql}
---
kind: Kpi
id: hot-lead-response
name: Hot leads contacted in time
unit: ratio
owner: head-of-sales
measure:
  within: {from: sql, to: {type: contacted}, limit: 4h, clock: business}
where: {hot: true}
---
kind: Kpi
id: hot-waiting
name: Hot leads waiting past 4 working hours
unit: count
owner: head-of-sales
measure:
  open: {from: sql, to: {type: contacted}, older_than: 4h, clock: business}
where: {hot: true}
---
kind: Kpi
id: time-to-contact
name: Time to first contact
unit: hours
measure: {duration: {from: sql, to: {type: contacted}, percentile: 50}}
"""

SLA = """\
kind: Agreement
id: marketing-sales-sla
title: Marketing and Sales SLA
parties: [marketing, sales]
owners: [head-of-marketing, head-of-sales]
status: active
effective: 2026-01-01
summary: What each side delivers to the other, measured every month.
handoff: {required_fields: [company, contact_name, pain]}
commitments:
  - id: sql-volume
    by: marketing
    to: sales
    text: Marketing delivers at least 120 sales-qualified leads a month.
    kpi: sqls-delivered
    target: {min: 120}
    per: month
  - id: hot-lead-callback
    by: sales
    to: marketing
    text: Sales contacts 95% of hot leads within 4 working hours.
    kpi: hot-lead-response
    target: {min: "95%"}
    warn: "90%"
    per: month
  - id: no-hot-waiting
    by: sales
    to: marketing
    text: No hot lead waits longer than 4 working hours.
    kpi: hot-waiting
    target: {max: 0}
    per: day
"""

SPEED = """\
kind: Agreement
id: speed
title: Speed to lead
parties: [marketing, sales]
owners: [head-of-marketing, head-of-sales]
status: active
commitments:
  - id: contact-time
    by: sales
    to: marketing
    text: The median lead is contacted within 8 hours.
    kpi: time-to-contact
    target: {max: 8h}
    per: week
"""


def write_workspace(root: Path, *, store: str | None = None) -> Path:
    """The test workspace's YAML under ``root/agreements``; returns `root`."""
    folder = root / "agreements"
    folder.mkdir(parents=True, exist_ok=True)
    head = (
        WORKSPACE
        if store is None
        else WORKSPACE.replace(
            "name: Acme Smarketing\n", f"name: Acme Smarketing\nstore: {store}\n", 1
        )
    )
    (folder / "workspace.yaml").write_text(head)
    (folder / "stages.yaml").write_text(STAGES)
    (folder / "kpis.yaml").write_text(KPIS)
    (folder / "sla.yaml").write_text(SLA)
    (folder / "speed.yaml").write_text(SPEED)
    return root


def workspace(root: Path) -> Workspace:
    return load_workspace(write_workspace(root))


def _period(per: str, months_back: int = 0) -> Period:
    start = dt.datetime(2026, 11 - months_back, 1, tzinfo=dt.UTC) - dt.timedelta(hours=1)
    end = dt.datetime(2026, 12 - months_back, 1, tzinfo=dt.UTC) - dt.timedelta(hours=1)
    return Period(start, end)


def snapshot(
    *,
    as_of: dt.datetime = NOW,
    live: bool = True,
    per: str = "month",
    waiting: int = 3,
    sql_value: float = 57,
) -> Snapshot:
    """A hand-built snapshot of the test workspace."""
    month = _period("month")
    results = [
        CommitmentResult(
            "marketing-sales-sla",
            "sql-volume",
            "sqls-delivered",
            "count",
            month,
            sql_value,
            {"min": 120},
            "on_track",
            projected=130.2,
        ),
        CommitmentResult(
            "marketing-sales-sla",
            "hot-lead-callback",
            "hot-lead-response",
            "ratio",
            month,
            0.875,
            {"min": "95%"},
            "breached",
            cohort=16,
        ),
        CommitmentResult(
            "marketing-sales-sla",
            "no-hot-waiting",
            "hot-waiting",
            "count",
            None,
            float(waiting),
            {"max": 0},
            "breached" if waiting else "met",
            leads=[f"L-{i:04d}" for i in range(waiting)],
        ),
        CommitmentResult(
            "speed",
            "contact-time",
            "time-to-contact",
            "hours",
            month,
            None,
            {"max": "8h"},
            "no_data",
            cohort=0,
        ),
    ]
    evaluation = Evaluation(
        as_of=as_of,
        store=StoreInfo("sqlite:////tmp/funnel.db", 123456, NOW - dt.timedelta(minutes=3), 99),
        agreements={"marketing-sales-sla": "breached", "speed": "no_data"},
        commitments=results,
    )
    trends = {
        ("marketing-sales-sla", "sql-volume"): tuple(
            (_period("month", 5 - i), v) for i, v in enumerate([98.0, 110, 125, 119, 131, 57])
        ),
        ("marketing-sales-sla", "hot-lead-callback"): tuple(
            (_period("month", 5 - i), v)
            for i, v in enumerate([0.97, 0.96, None, 0.91, 0.93, 0.875])
        ),
    }
    leads = tuple(
        WaitingLead(
            lead_id=f"L-{i:04d}",
            agreement="marketing-sales-sla",
            commitment="no-hot-waiting",
            kpi="hot-waiting",
            since=NOW - dt.timedelta(hours=5 + i * 7, minutes=13),
            owner=["jan", "sanne", None][i % 3],
            hot=True,
            stage="sql",
            clock="business",
        )
        for i in range(waiting)
    )
    return Snapshot(
        as_of=as_of,
        live=live,
        per=per,
        store=evaluation.store,
        evaluation=evaluation,
        funnel=(
            StageRow("lead", "Lead", 1830, None),
            StageRow("mql", "Marketing Qualified Lead", 410, 410 / 1830),
            StageRow("sql", "Sales Qualified Lead", 57, 57 / 410),
            StageRow("customer", "Customer", 9, 9 / 57),
        ),
        trends=trends,
        attention=leads,
        attention_total=waiting,
    )


class FakeSource:
    """A `Source` that returns `snap` (or a snapshot for the asked as-of/period), or
    raises while `fail` is set; records every call."""

    def __init__(self, snap: Snapshot | None = None, *, waiting: int = 3) -> None:
        self.snap = snap
        self.waiting = waiting
        self.fail: str | None = None
        self.calls: list[dict[str, Any]] = []
        self.resets = 0
        self.closed = False
        self.fetched = threading.Event()
        self.hold: threading.Event | None = None
        """When set, a fetch asked for partial snapshots first hands one over (the first
        commitment evaluated, the others pending), then waits for this event."""
        self.gate: threading.Event | None = None
        """When set, every fetch waits for this event before anything else."""

    def fetch(
        self,
        ws: Workspace,
        *,
        at: dt.datetime | None,
        now: dt.datetime,
        per: str,
        on_partial: Callable[[Snapshot], None] | None = None,
    ) -> Snapshot:
        self.calls.append({"at": at, "now": now, "per": per, "ws": ws, "partial": on_partial})
        if self.gate is not None:
            self.gate.wait(10)
        try:
            if self.fail:
                raise StoreError(self.fail)
            if self.snap is not None:
                return self.snap
            full = snapshot(as_of=at or now, live=at is None, per=per, waiting=self.waiting)
            if on_partial is not None and self.hold is not None:
                first = full.evaluation.commitments[0]
                keys = {(c.agreement, c.id) for c in full.evaluation.commitments}
                on_partial(
                    replace(
                        full,
                        evaluation=replace(full.evaluation, agreements={}, commitments=[first]),
                        funnel=(),
                        trends={},
                        attention=(),
                        attention_total=0,
                        attention_known=False,
                        funnel_known=False,
                        trends_known=False,
                        pending=frozenset(keys - {(first.agreement, first.id)}),
                    )
                )
                self.hold.wait(10)
            return full
        finally:
            self.fetched.set()

    def reset(self) -> None:
        self.resets += 1

    def close(self) -> None:
        self.closed = True


class StagedSource(FakeSource):
    """A `FakeSource` whose funnel, and attention list with trends, come later from their
    own workers (`fetch_funnel`, `fetch_slow`), as `tui.data.StoreSource`'s do: each
    waits for its event (`funnel_go`, `slow_go`); once delivered for a question (the
    workspace object, as-of, period), later snapshots of it know that part."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.funnel_go = threading.Event()
        self.slow_go = threading.Event()
        self.funnel_due = True
        self.slow_due = True
        self.delivered: set[tuple[Any, ...]] = set()

    def fetch(
        self,
        ws: Workspace,
        *,
        at: dt.datetime | None,
        now: dt.datetime,
        per: str,
        on_partial: Callable[[Snapshot], None] | None = None,
    ) -> Snapshot:
        full = super().fetch(ws, at=at, now=now, per=per, on_partial=on_partial)
        funnel = ("funnel", id(ws), at, per) in self.delivered
        slow = ("slow", id(ws), at) in self.delivered
        self.funnel_due, self.slow_due = not funnel, not slow
        return replace(
            full,
            funnel=full.funnel if funnel else (),
            funnel_known=funnel,
            trends=full.trends if slow else {},
            trends_known=slow,
            attention=full.attention if slow else (),
            attention_total=full.attention_total if slow else 0,
            attention_known=slow,
        )

    def fetch_funnel(
        self, ws: Workspace, base: Snapshot, *, at: dt.datetime | None, now: dt.datetime
    ) -> Snapshot:
        self.funnel_go.wait(10)
        self.delivered.add(("funnel", id(ws), at, base.per))
        full = snapshot(as_of=base.as_of, live=base.live, per=base.per, waiting=self.waiting)
        return replace(base, funnel=full.funnel, funnel_known=True)

    def fetch_slow(
        self,
        ws: Workspace,
        base: Snapshot,
        *,
        at: dt.datetime | None,
        now: dt.datetime,
        on_part: Callable[[Snapshot], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> Snapshot:
        self.slow_go.wait(10)
        self.delivered.add(("slow", id(ws), at))
        full = snapshot(as_of=base.as_of, live=base.live, per=base.per, waiting=self.waiting)
        return replace(
            base,
            trends=full.trends,
            trends_known=True,
            attention=full.attention,
            attention_total=full.attention_total,
            attention_known=True,
        )


def fixed_clock() -> dt.datetime:
    return NOW


def fill_store(url: str, *, now: dt.datetime = NOW, leads: int = 40) -> None:
    """A store at `url` with `leads` leads moving through the funnel this month,
    some hot SQLs contacted late or not at all (so the attention list has rows)."""
    from accord.store import Store, add_events, add_leads

    lead_rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    start = now - dt.timedelta(days=14)
    for i in range(leads):
        lead = f"L-{i:04d}"
        created = start + dt.timedelta(hours=7 * i)
        if created >= now:
            break
        hot = i % 3 == 0
        lead_rows.append(
            {
                "lead_id": lead,
                "created_at": created,
                "hot": hot,
                "owner": ["jan", "sanne"][i % 2],
                "source": "web",
                "value": 1000 + i,
            }
        )
        event_rows.append({"lead_id": lead, "at": created, "type": "entered", "stage": "lead"})
        if i % 2 == 0:
            at = created + dt.timedelta(hours=1)
            event_rows.append({"lead_id": lead, "at": at, "type": "entered", "stage": "mql"})
            if i % 4 == 0:
                at += dt.timedelta(hours=2)
                event_rows.append({"lead_id": lead, "at": at, "type": "entered", "stage": "sql"})
                if i % 8 == 0:
                    event_rows.append(
                        {"lead_id": lead, "at": at + dt.timedelta(hours=2), "type": "contacted"}
                    )
    event_rows = [e for e in event_rows if e["at"] <= now]
    store = Store.open(url)
    try:
        with store.write() as conn:
            add_leads(conn, lead_rows)
            add_events(conn, event_rows)
    finally:
        store.close()
