"""A small workspace in a real git repository for the approvals tests: Marketing and
Sales with the demo's people, an SLA owned by both heads, a pipeline agreement the
CRO owns too, and a branch ``change`` to edit on."""

from __future__ import annotations

from pathlib import Path

from gitrepo import GitRepo

FEMKE = ("Femke van Dijk", "femke.vandijk@roosterwerk.example")

FILES = {
    "agreements/workspace.yaml": """\
kind: Workspace
name: Roosterwerk
calendar:
  timezone: Europe/Amsterdam
""",
    "agreements/teams.yaml": """\
kind: Team
id: marketing
name: Marketing
lead: femke
members:
  - {id: femke, name: Femke van Dijk, git: fvandijk}
  - {id: thijs, name: Thijs Hendriks, git: thendriks}
---
kind: Team
id: sales
name: Sales
lead: ruben
members:
  - {id: ruben, name: Ruben Visser, git: rvisser}
  - {id: sanne, name: Sanne Bakker, git: sbakker}
---
kind: Team
id: leadership
name: Revenue leadership
members:
  - {id: marieke, name: Marieke Jansen, git: mjansen}
""",
    "agreements/roles.yaml": """\
kind: Role
id: head-of-marketing
title: Head of Marketing
team: marketing
holders: [femke]
---
kind: Role
id: head-of-sales
title: Head of Sales
team: sales
holders: [ruben]
---
kind: Role
id: sdr
title: Sales Development Representative
team: sales
holders: [sanne]
---
kind: Role
id: cro
title: Chief Revenue Officer
team: leadership
holders: [marieke]
""",
    "agreements/funnel.yaml": """\
kind: Stage
id: lead
name: Lead
order: 1
owner: marketing
definition: Anyone who left their details.
---
kind: Stage
id: sql
name: Sales Qualified Lead
order: 2
owner: sales
definition: A lead that Sales has agreed to call.
""",
    "agreements/kpis.yaml": """\
kind: Kpi
id: sqls-delivered
name: SQLs delivered
unit: count
measure:
  count: sql
---
kind: Kpi
id: leads-created
name: Leads created
unit: count
measure:
  count: lead
""",
    "agreements/sla.yaml": """\
# The Marketing–Sales SLA: both heads approve every change.
kind: Agreement
id: sla
title: Marketing and Sales SLA
parties: [marketing, sales]
owners: [head-of-marketing, head-of-sales]
status: active
commitments:
  - id: sql-volume
    by: marketing
    to: sales
    text: Marketing hands Sales at least 120 SQLs a month.
    kpi: sqls-delivered
    target: {min: 120}
    per: month
""",
    "agreements/pipeline.yaml": """\
kind: Agreement
id: pipeline
title: Pipeline review
parties: [marketing, sales]
owners: [head-of-marketing, head-of-sales, cro]
status: active
commitments:
  - id: lead-volume
    by: marketing
    to: sales
    text: Marketing brings in at least 1,500 leads a month.
    kpi: leads-created
    target: {min: 1500}
    per: month
""",
}


def make_repo(root: Path) -> GitRepo:
    """The workspace committed on ``main``, then a branch ``change`` checked out."""
    repo = GitRepo(root)
    repo.write(FILES)
    repo.git("add", "-A")
    repo.run_as(["commit", "-q", "-m", "The agreements"], FEMKE, "2026-10-01T10:00:00+02:00")
    repo.git("checkout", "-q", "-b", "change")
    return repo


def commit(repo: GitRepo, message: str, when: str = "2026-11-16T09:00:00+01:00") -> None:
    """Commit everything in the working tree on the current branch."""
    repo.git("add", "-A")
    repo.run_as(["commit", "-q", "-m", message], FEMKE, when)


def edit(repo: GitRepo, rel: str, old: str, new: str) -> None:
    """Replace `old` (which must occur) by `new` in the file `rel`."""
    path = repo.root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new), encoding="utf-8")
