"""A small workspace in a throwaway git repository, and the branch the `accord diff`
tests compare: a raised target, an added commitment, a tightened window, a moved
review date, a new hard criterion, a role changing hands and two moved files."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import Result
from gitrepo import GitRepo
from testclock import Cli

WORKSPACE = """\
kind: Workspace
name: Acme Smarketing
language: {language}
repo_url: https://git.example.com/acme/agreements
calendar:
  timezone: Europe/Amsterdam
  hours: "09:00-17:00"
store: sqlite:///.accord/funnel.db
"""

TEAMS = """\
kind: Team
id: sales
name: Sales
lead: jan
members:
  - {id: jan, name: Jan de Boer, email: jan@acme.example, git: jdeboer}
  - {id: sanne, name: Sanne Bakker, email: sanne@acme.example, git: sbakker}
---
kind: Team
id: marketing
name: Marketing
lead: eva
members:
  - {id: eva, name: Eva Jansen, email: eva@acme.example, git: ejansen}
"""

ROLES = """\
kind: Role
id: head-of-sales
title: Head of Sales
team: sales
holders: [{holder}]
---
kind: Role
id: head-of-marketing
title: Head of Marketing
team: marketing
holders: [eva]
"""

STAGES = """\
kind: Stage
id: mql
name: Marketing Qualified Lead
order: 2
owner: marketing
definition: A lead that fits the profile and showed interest.
---
kind: Stage
id: sql
name: Sales Qualified Lead
order: 3
owner: sales
definition: A lead that Sales has agreed to call.
criteria:
  hard: [{criteria}]
"""

KPIS = """\
kind: Kpi
id: hot-lead-response
name: Hot leads contacted in time
unit: ratio
owner: head-of-sales
measure:
  within: {{from: sql, to: {{type: contacted}}, limit: {limit}, clock: business}}
where: {{hot: true}}
---
kind: Kpi
id: sqls-delivered
name: SQLs delivered
unit: count
measure:
  count: sql
"""

AGREEMENT = """\
kind: Agreement
id: marketing-sales-sla
title: {title}
parties: [marketing, sales]
owners: [head-of-marketing, head-of-sales]
status: active
effective: 2026-01-01
review_by: {review_by}
commitments:
  - id: sql-volume
    by: marketing
    to: sales
    text: Marketing delivers at least {volume} sales-qualified leads a month.
    kpi: sqls-delivered
    target: {{min: {volume}}}
    per: month
  - id: hot-lead-callback
    by: sales
    to: marketing
    text: Sales contacts 85% of hot leads in time.
    kpi: hot-lead-response
    target: {{min: "85%"}}
    per: month
"""

WEEKLY = """\
  - id: sql-weekly
    by: marketing
    to: sales
    text: Marketing delivers at least 25 sales-qualified leads every week.
    kpi: sqls-delivered
    target: {min: 25}
    per: week
"""

GLOSSARY = """\
kind: Term
id: sql
term: SQL
definition: A sales-qualified lead.
---
kind: Term
id: hot-lead
term: hot lead
definition: An SQL that asked for a demo.
"""

RITUAL = """\
kind: Ritual
id: weekly-pipeline
name: Weekly pipeline meeting
cadence: {cadence}
attendees: [head-of-marketing, head-of-sales]
"""

CRITERIA = '"Company has 50 or more employees"'


def files(
    *,
    language: str = "en",
    title: str = "Marketing and Sales SLA",
    volume: int = 100,
    limit: str = "6h",
    review_by: str = "2027-01-01",
    holder: str = "jan",
    criteria: str = CRITERIA,
    weekly: bool = False,
    cadence: str = "weekly",
    sla_path: str = "agreements/sla.yaml",
    glossary_path: str = "agreements/glossary.yaml",
) -> dict[str, str]:
    """The workspace's files; the defaults are the state on ``main``."""
    agreement = AGREEMENT.format(
        title=json.dumps(title, ensure_ascii=False), review_by=review_by, volume=volume
    )
    return {
        "agreements/workspace.yaml": WORKSPACE.format(language=language),
        "agreements/teams.yaml": TEAMS,
        "agreements/roles.yaml": ROLES.format(holder=holder),
        "agreements/funnel.yaml": STAGES.format(criteria=criteria),
        "agreements/kpis.yaml": KPIS.format(limit=limit),
        sla_path: agreement + (WEEKLY if weekly else ""),
        glossary_path: GLOSSARY,
        "agreements/rituals.yaml": RITUAL.format(cadence=cadence),
    }


BRANCH: dict[str, Any] = {
    "volume": 120,
    "limit": "4h",
    "review_by": "2027-06-30",
    "holder": "sanne",
    "criteria": CRITERIA + ', "Asked for a price quote"',
    "weekly": True,
    "sla_path": "agreements/sales/sla.yaml",
    "glossary_path": "agreements/glossary/terms.yaml",
}
"""What the branch ``raise-targets`` changes."""


class Repo(GitRepo):
    """A throwaway repository with fixed-date commits."""

    def commit(self, message: str, date: str, who: tuple[str, str] = ("Eva", "eva@x")) -> None:
        self.git("add", "-A")
        self.run_as(["commit", "-q", "--no-gpg-sign", "-m", message], who, f"{date}T10:00:00+01:00")

    def replace(self, new: dict[str, str]) -> None:
        """Make the agreements folder hold exactly `new`."""
        for path in sorted((self.root / "agreements").rglob("*.yaml")):
            path.unlink()
        self.write(new)


def branch_repo(root: Path, **common: Any) -> Repo:
    """``main`` with the workspace, a later unrelated commit on ``main`` (a ritual's
    cadence), and the branch ``raise-targets`` (checked out) made before it."""
    repo = Repo(root)
    repo.write(files(**common))
    repo.commit("Start the agreements (#1)", "2026-01-05")
    repo.git("checkout", "-q", "-b", "raise-targets")
    repo.replace(files(**common, **BRANCH))
    repo.commit("Raise the SQL target after a tense quarter", "2026-02-05", ("Sanne", "s@x"))
    repo.git("checkout", "-q", "main")
    repo.replace(files(**common, cadence="biweekly"))
    repo.commit("Meet every two weeks (#2)", "2026-02-10")
    repo.git("checkout", "-q", "raise-targets")
    return repo


def run_diff(*args: str) -> Result:
    """``accord diff ARGS`` through a small click group, at the tests' instant."""
    import click

    from accord._cli_diff import diff

    @click.group()
    def cli() -> None:
        """The test's accord."""

    cli.add_command(diff)
    return Cli().invoke(cli, ["diff", *args])


# --- the funnel data the impact is computed on -------------------------------------

AMS = "Europe/Amsterdam"


def _at(day: str, hour: int) -> dt.datetime:
    """A local Amsterdam time on `day` (``2026-10-06``)."""
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=ZoneInfo(AMS))


def funnel_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Leads and events, counted by hand for the tests' instant (testclock.NOW,
    Wednesday 2026-11-18 11:00 in Amsterdam):

    October 2026 — 110 SQLs: 90 plain ones on the 5th; 20 hot ones on Tuesday the 6th
    at 09:00, of which 14 are contacted at 11:00 (2 working hours), 4 at 14:00
    (5 working hours) and 2 never.

    November 2026, so far — 65 SQLs: 20 plain ones on Monday the 2nd, 10 hot ones on
    Tuesday the 3rd at 09:00 (9 contacted at 11:00, 1 at 14:00), 20 plain ones on
    Tuesday the 10th, 15 plain ones on Monday the 16th.
    """
    leads: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []

    def sql(lead: str, at: dt.datetime, hot: bool, contacted: int | None = None) -> None:
        leads.append({"lead_id": lead, "created_at": at, "hot": hot, "source": "web"})
        events.append({"lead_id": lead, "at": at, "type": "entered", "stage": "sql"})
        if contacted is not None:
            done = at.replace(hour=contacted)
            events.append({"lead_id": lead, "at": done, "type": "contacted", "stage": None})

    for i in range(90):
        sql(f"oct-{i}", _at("2026-10-05", 10), False)
    for i in range(20):
        sql(f"oct-hot-{i}", _at("2026-10-06", 9), True, 11 if i < 14 else 14 if i < 18 else None)
    for i in range(20):
        sql(f"nov-a-{i}", _at("2026-11-02", 10), False)
    for i in range(10):
        sql(f"nov-hot-{i}", _at("2026-11-03", 9), True, 11 if i < 9 else 14)
    for i in range(20):
        sql(f"nov-b-{i}", _at("2026-11-10", 10), False)
    for i in range(15):
        sql(f"nov-c-{i}", _at("2026-11-16", 10), False)
    return leads, events


def fill_store(url: str) -> None:
    """Write `funnel_rows` into the store at `url` (tables created when missing)."""
    from accord.store import Store, add_events, add_leads

    leads, events = funnel_rows()
    store = Store.open(url)
    try:
        with store.write() as conn:
            add_leads(conn, leads)
            add_events(conn, events)
    finally:
        store.close()
