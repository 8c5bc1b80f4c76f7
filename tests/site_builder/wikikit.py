"""Helpers for the wiki tests: small workspaces in throwaway git repositories.

`Repo` writes files and commits them with fixed dates and chosen authors;
`built` runs the real MkDocs build in-process (`site_builder.build.build_site`)
and returns the site folder. `html_text` / `Html` parse built pages with
html.parser so tests assert on what a browser would see.
"""

from __future__ import annotations

import json
import os
import shutil
from html.parser import HTMLParser
from pathlib import Path

from gitrepo import GitRepo
from testclock import NOW, fixed

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # before Material is imported

REPO_ROOT = Path(__file__).resolve().parents[2]

WORKSPACE = """\
kind: Workspace
name: Acme Smarketing
language: {language}
repo_url: https://git.example.com/acme/agreements
calendar:
  timezone: Europe/Amsterdam
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
holders: [jan]
responsibilities:
  - Accepts or rejects every SQL within one working day
---
kind: Role
id: sdr
title: Sales Development Representative
team: sales
holders: [sanne]
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
raci: {responsible: [head-of-marketing], accountable: [head-of-marketing]}
---
kind: Stage
id: sql
name: Sales Qualified Lead
order: 3
owner: sales
definition: A lead that Sales has agreed to call. Every SQL has a stated pain.
criteria:
  hard: ["Company has 50 or more employees", "Visited the pricing page twice"]
  soft: ["Has a stated pain", "Asked for a conversation"]
raci: {responsible: [sdr], accountable: [head-of-sales], informed: [head-of-marketing]}
max_days: 14
"""

KPIS = """\
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
summary: {summary}
handoff:
  required_fields: [company, contact_name, pain, campaign]
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
    text: Sales contacts 95% of hot leads within 4 working hours.
    kpi: hot-lead-response
    target: {{min: "95%"}}
    warn: "90%"
    per: month
"""

GLOSSARY = """\
kind: Term
id: sql
term: SQL
definition: A sales-qualified lead — see the SQL stage for its criteria.
aliases: [sales-qualified lead, verkoopklare lead]
---
kind: Term
id: pain
term: pain
definition: The business problem a lead wants solved.
"""

RITUALS = """\
kind: Ritual
id: weekly-pipeline
name: Weekly pipeline meeting
cadence: weekly
attendees: [head-of-marketing, head-of-sales, sdr]
purpose: Look at last week's numbers together and agree on one change.
agenda: [Breaches since last week, Rejected SQLs and why, One experiment]
"""

MATURITY = """\
kind: Questionnaire
id: relationship-diagnostic
title: How well do Marketing and Sales work together?
statements:
  - {id: shared-definitions, text: We use one written definition of a qualified lead.}
  - {id: joint-planning, text: We plan campaigns and sales pushes together.}
  - {id: shared-metrics, text: Both teams are judged on the same revenue numbers.}
  - {id: feedback, text: Sales tells Marketing every week which leads were good.}
bands:
  - {stage: undefined, min: 4, max: 7}
  - {stage: defined, min: 8, max: 11}
  - {stage: aligned, min: 12, max: 15}
  - {stage: integrated, min: 16, max: 20}
---
kind: Assessment
id: relationship-2026-q1
questionnaire: relationship-diagnostic
date: 2026-03-15
responses:
  marketing: [2, 2, 3, 2]
  sales: [1, 2, 2, 2]
---
kind: Assessment
id: relationship-2026-q3
questionnaire: relationship-diagnostic
date: 2026-09-15
responses:
  marketing: [3, 2, 4, 3]
  sales: [2, 2, 3, 3]
"""


def quoted(value: str) -> str:
    """A YAML scalar for any text (JSON strings are YAML 1.2)."""
    return json.dumps(value, ensure_ascii=False)


def workspace_files(
    *,
    language: str = "en",
    title: str = "Marketing and Sales service level agreement",
    summary: str = "What each side delivers to the other, measured every month.",
    review_by: str = "2027-01-01",
    volume: int = 100,
) -> dict[str, str]:
    """The example workspace of docs/reference/kinds.md, one kind per file."""
    return {
        "agreements/workspace.yaml": WORKSPACE.format(language=language),
        "agreements/teams.yaml": TEAMS,
        "agreements/roles.yaml": ROLES,
        "agreements/funnel.yaml": STAGES,
        "agreements/kpis.yaml": KPIS,
        "agreements/sla.yaml": AGREEMENT.format(
            title=quoted(title), summary=quoted(summary), review_by=review_by, volume=volume
        ),
        "agreements/glossary.yaml": GLOSSARY,
        "agreements/rituals.yaml": RITUALS,
        "agreements/maturity.yaml": MATURITY,
    }


class Repo(GitRepo):
    """A throwaway git repository with fixed-date commits (10:00, UTC+1)."""

    def commit(self, message: str, *, author: str, email: str, date: str) -> None:
        self.git("add", "-A")
        stamp = f"{date}T10:00:00+01:00"
        self.run_as(["commit", "-q", "--no-gpg-sign", "-m", message], (author, email), stamp)


def build(root: Path, *, strict: bool = False, mkdocs_yml: bool = True) -> Path:
    """Build the wiki of `root` with the real MkDocs, in-process; the site folder."""
    from site_builder.build import build_site

    if mkdocs_yml and not (root / "mkdocs.yml").exists():
        shutil.copy(REPO_ROOT / "mkdocs.yml", root / "mkdocs.yml")
        (root / "docs").mkdir(exist_ok=True)
    return build_site(root, strict=strict, now=fixed(NOW))


class Html(HTMLParser):
    """Collects the visible text, the tags with attributes and the links of a page."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self._skip = 0
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def links(self) -> list[str]:
        return [a["href"] or "" for t, a in self.tags if t == "a" and a.get("href") is not None]


def page(site: Path, rel: str) -> str:
    """The HTML of a built page, by its directory URL (``agreements/x/``)."""
    return (site / rel / "index.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page content (Material's <article>), without navigation and search UI."""
    start = html.index('<article class="md-content__inner')
    end = html.index("</article>", start)
    return html[start:end]
