"""Shared helpers for the store and metric tests: a small workspace written to disk,
events by local time, and a fresh store per test on SQLite or PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from accord.domain.workspace import Workspace
from accord.loading.validate import load_workspace
from accord.store import Store, add_events, add_leads, metadata

AMS = ZoneInfo("Europe/Amsterdam")

BASE = """\
kind: Workspace
name: Test
calendar:
  timezone: Europe/Amsterdam
  hours: "09:00-17:00"
  holidays: [2026-04-27, 2026-12-25]
---
kind: Team
id: marketing
name: Marketing
members: [{id: mia, name: Mia, git: mia}]
---
kind: Team
id: sales
name: Sales
members: [{id: sam, name: Sam, git: sam}]
---
kind: Role
id: head-of-marketing
title: Head of Marketing
team: marketing
holders: [mia]
---
kind: Role
id: head-of-sales
title: Head of Sales
team: sales
holders: [sam]
"""

STAGES = ["lead", "mql", "sql", "opportunity", "customer"]

KPIS = """\
kind: Kpi
id: sqls
name: SQLs
unit: count
measure: {count: sql}
---
kind: Kpi
id: content-sqls
name: SQLs from content in the EU or UK
unit: count
measure: {count: sql}
where: {source: content, region: [eu, uk]}
---
kind: Kpi
id: pipeline
name: Pipeline value
unit: money
measure: {sum: {field: value, of: opportunity}}
---
kind: Kpi
id: mql-to-sql
name: MQL to SQL
unit: ratio
measure: {conversion: {from: mql, to: sql}}
---
kind: Kpi
id: mql-to-sql-30d
name: MQL to SQL within 30 days
unit: ratio
measure: {conversion: {from: mql, to: sql, within: 30d}}
---
kind: Kpi
id: hot-callback
name: Hot leads called in time
unit: ratio
measure: {within: {from: sql, to: {type: contacted}, limit: 4h, clock: business}}
where: {hot: true}
---
kind: Kpi
id: callback-calendar
name: Leads called within a day
unit: ratio
measure: {within: {from: sql, to: {type: contacted}, limit: 24h}}
---
kind: Kpi
id: time-to-contact
name: Time to contact (p90)
unit: hours
measure: {duration: {from: sql, to: {type: contacted}, percentile: 90}}
---
kind: Kpi
id: business-time-to-contact
name: Business time to contact (median)
unit: hours
measure: {duration: {from: sql, to: {type: contacted}, percentile: 50, clock: business}}
---
kind: Kpi
id: waiting-hot
name: Hot leads waiting
unit: count
measure: {open: {from: sql, to: {type: contacted}, older_than: 4h, clock: business}}
where: {hot: true}
---
kind: Kpi
id: waiting
name: Leads waiting
unit: count
measure: {open: {from: sql, to: {type: contacted}}}
"""


def stages_yaml() -> str:
    docs = []
    for order, stage in enumerate(STAGES, start=1):
        owner = "marketing" if order <= 2 else "sales"
        docs.append(
            f"kind: Stage\nid: {stage}\nname: {stage.upper()}\norder: {order}\n"
            f"owner: {owner}\ndefinition: The {stage} stage.\n"
        )
    return "---\n".join(docs)


def agreement_yaml(commitments: list[dict[str, Any]], *, ident: str = "sla", **extra: Any) -> str:
    lines = [
        "kind: Agreement",
        f"id: {ident}",
        "title: SLA",
        "parties: [marketing, sales]",
        "owners: [head-of-marketing, head-of-sales]",
        f"status: {extra.get('status', 'active')}",
        f"effective: {extra.get('effective', '2026-01-01')}",
        "commitments:" if commitments else "commitments: []",
    ]
    for c in commitments:
        target = ", ".join(f"{k}: {_yaml_value(v)}" for k, v in c["target"].items())
        lines += [
            f"  - id: {c['id']}",
            "    text: A promise.",
            f"    kpi: {c['kpi']}",
            f"    target: {{{target}}}",
            f"    per: {c.get('per', 'month')}",
        ]
        if "warn" in c:
            lines.append(f"    warn: {_yaml_value(c['warn'])}")
    return "\n".join(lines) + "\n"


def _yaml_value(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def make_workspace(
    root: Path, commitments: list[dict[str, Any]], *, agreements: Iterable[str] = ()
) -> Workspace:
    """A valid workspace at `root` with one agreement `sla` holding `commitments`."""
    folder = root / "agreements"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "base.yaml").write_text(BASE)
    (folder / "stages.yaml").write_text(stages_yaml())
    (folder / "kpis.yaml").write_text(KPIS)
    (folder / "sla.yaml").write_text(agreement_yaml(commitments))
    for i, doc in enumerate(agreements):
        (folder / f"extra-{i}.yaml").write_text(textwrap.dedent(doc))
    return load_workspace(root)


def ams(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    """A local Amsterdam time (aware)."""
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=AMS)


_keys = itertools.count()


def ev(lead: str, at: dt.datetime, kind: str, stage: str | None = None) -> dict[str, Any]:
    """An event row; `kind` "sql" is short for entered sql."""
    if kind in STAGES:
        kind, stage = "entered", kind
    return {
        "lead_id": lead,
        "at": at,
        "type": kind,
        "stage": stage,
        "source_key": f"k{next(_keys)}",
    }


def put(store: Store, leads: Iterable[dict[str, Any]] = (), events: Iterable[Any] = ()) -> None:
    with store.write() as conn:
        add_leads(conn, list(leads))
        add_events(conn, list(events))


def store_url(request: pytest.FixtureRequest, folder: Path, backend: str) -> str:
    """Where a test store of `backend` lives: a SQLite file in `folder`, or the test
    PostgreSQL server (the `postgres_url` fixture)."""
    if backend == "sqlite":
        return f"sqlite:///{folder}/funnel.db"
    url: str = request.getfixturevalue("postgres_url")
    return url


def backend_store(
    request: pytest.FixtureRequest, folder: Path, backend: str | None = None
) -> Iterator[Store]:
    """A fresh store (see `fresh_store`) of `backend`, by default the fixture's param."""
    yield from fresh_store(store_url(request, folder, backend or request.param))


def fresh_store(url: str) -> Iterator[Store]:
    """A store at `url` with empty tables (dropped and created again)."""
    store = Store.open(url)
    with store.engine.begin() as conn:
        metadata.drop_all(conn)
        if store.dialect == "postgresql":
            conn.execute(text("SELECT 1"))
    store.ensure_schema()
    try:
        yield store
    finally:
        store.close()
