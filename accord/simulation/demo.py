"""`accord demo`: a realistic workspace with a year of git history and funnel data.

The demo starts from the demo team's agreements (``agreements/`` of this
repository, shipped inside the package as well) and replays how they grew over
a year as twelve pull requests by nine people of both teams, each squash-merged
onto main as GitHub writes it (``Title (#N)``, the approvers as ``Reviewed-by``
lines) — a stricter SQL definition, a tighter hot-lead callback, the hand-over
and onboarding agreement, a liaison role changing hands, a higher SQL target
after a tense quarter, moved files, assessments and the SLA's review — so the
wiki and ``accord diff`` have a story to show and ``accord status --at`` has
earlier versions to judge by. Then it fills the event store with simulated funnel data.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.domain.errors import AccordError
from accord.loading.roundtrip import dump_all, find_doc, load_all, resolve

MARKER = ".accord-demo"


def source_agreements() -> Path:
    """The demo team's agreements: the repository's, else the copy inside the package."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package.parent / "agreements", package / "_demo" / "agreements"):
        if (candidate / "workspace.yaml").is_file():
            return candidate
    raise AccordError("the demo agreements are missing from this installation")


Files = dict[str, str]


Undo = Callable[[Files], None]


@dataclass(frozen=True)
class Change:
    """One past pull request, described by how to undo it on the final files."""

    days_ago: int
    subject: str
    author: str
    email: str
    undo: Undo
    body: str = ""
    """The commit message's body (the approvers' ``Reviewed-by`` lines)."""


def _edit(file: str, kind: str, ident: str, path: list[Any], old: Any) -> Callable[[Files], None]:
    """Undo: set the value at `path` back to `old` (None deletes the key)."""

    def undo(files: Files) -> None:
        if file not in files:
            return
        docs = load_all(files[file])
        doc = find_doc(docs, kind, ident)
        found = resolve(doc, path) if doc is not None else None
        if found is None:
            return
        container, key = found
        if old is None:
            del container[key]
        else:
            container[key] = old
        files[file] = dump_all(docs, files[file])

    return undo


def _drop_doc(file: str, kind: str, ident: str) -> Callable[[Files], None]:
    def undo(files: Files) -> None:
        if file not in files:
            return
        docs = load_all(files[file])
        kept = [
            d
            for d in docs
            if not (isinstance(d, dict) and d.get("kind") == kind and d.get("id") == ident)
        ]
        if len(kept) != len(docs):
            files[file] = dump_all(kept, files[file])

    return undo


def _drop_file(file: str) -> Callable[[Files], None]:
    def undo(files: Files) -> None:
        files.pop(file, None)

    return undo


def _all(*undos: Callable[[Files], None]) -> Callable[[Files], None]:
    """Undo several edits of one pull request."""

    def undo(files: Files) -> None:
        for step in undos:
            step(files)

    return undo


def _per_month(commitment: str, text: str, target: str, warn: str | None) -> list[Any]:
    """Undo judging a conversion over the last 90 days: back to the calendar month."""
    path: list[Any] = ["commitments", {"id": commitment}]
    edits = [
        _edit(SLA, "Agreement", "marketing-sales-sla", [*path, *keys], value)
        for keys, value in (
            (["per"], "month"),
            (["text"], text),
            (["target", "min"], target),
            (["warn"], warn),
        )
        if value is not None
    ]
    # the new text was folded over lines; the old one fits on one
    return [*edits, _text(SLA, f"text: >-\n      {text}\n", f"text: {text}\n")]


def _text(file: str, new: str, old: str) -> Callable[[Files], None]:
    """Undo: put `old` back where the text says `new` (a comment, say)."""

    def undo(files: Files) -> None:
        if file in files:
            files[file] = files[file].replace(new, old, 1)

    return undo


def _move(old: str, new: str) -> Callable[[Files], None]:
    def undo(files: Files) -> None:
        if new in files:
            files[old] = files.pop(new)

    return undo


SLA = "agreements/agreements/marketing-sales-sla.yaml"
_SQL_VOLUME: list[Any] = ["commitments", {"id": "sql-volume"}]
_REVIEW_NOW = (
    "review_by: 2027-01-31      # reviewed in the January SLA review, after the year closes\n"
)
_REVIEW_BEFORE = "review_by: 2026-12-31\n"

_MONTH_HEAD = """\
# The numbers add up (the validator checks this):
#   1,500 leads × 1.2% lead→customer                  = 18 customers ≥ 15
#     450 MQLs  × 30% MQL→SQL                          = 135 SQLs    ≥ 120
#     120 SQLs  × 15% SQL→customer                     = 18 customers ≥ 15
#     Marketing's minimum of 120 SQLs stays below Sales' capacity of 180.
"""
_ROLLING_HEAD = """\
# The numbers add up, for a cohort that has had its time to convert:
#   1,500 leads × 1.2% lead→customer                  = 18 customers ≥ 15
#     450 MQLs  × 30% MQL→SQL                          = 135 SQLs    ≥ 120
#     120 SQLs  × 15% SQL→customer                     = 18 customers ≥ 15
#     Marketing's minimum of 120 SQLs stays below Sales' capacity of 180
#     (the validator checks minimum against capacity).
# The conversions are judged over the last 90 days, not the calendar month: on
# the 2nd of a month the month's cohort is a day old and reads 0%. Over 90 days
# the youngest leads are still on their way, so the 90-day view reads lower than
# a finished cohort: an SQL comes within two weeks (30% reads about 28%), the
# signature some five weeks after the SQL (15% reads about 9%, 1.2% of leads
# about 0.6%).
"""
_ROLLING_NOTE = "  # Judged over the last 90 days (rolling), so a young month never reads 0%.\n"
_MONTH_KPIS = """\
# in calendar time). Read it with care early in a period: young leads have not
# had time to convert yet, so the monthly SLA review looks at the previous,
# finished month.
"""
_ROLLING_KPIS = """\
# in calendar time). Young leads have not had time to convert yet, so a
# calendar month read early is close to 0%: the SLA judges these KPIs over the
# last 90 days (`per: 90d`), where most of the cohort has had its time, and
# sets its targets for that view (see the SLA's header).
"""

STAGES = "agreements/funnel/stages.yaml"
ROLES = "agreements/roles.yaml"

# The people who open and approve the pull requests (agreements/teams/).
PEOPLE = {
    "femke": ("Femke van Dijk", "femke.vandijk@roosterwerk.example"),  # Head of Marketing
    "daan": ("Daan Mulder", "daan.mulder@roosterwerk.example"),  # Marketing Ops
    "priya": ("Priya Raman", "priya.raman@roosterwerk.example"),  # Demand Generation
    "lotte": ("Lotte Smit", "lotte.smit@roosterwerk.example"),  # Content Lead
    "ruben": ("Ruben Visser", "ruben.visser@roosterwerk.example"),  # Head of Sales
    "noor": ("Noor Willems", "noor.willems@roosterwerk.example"),  # Sales-side liaison
    "marieke": ("Marieke Jansen", "marieke.jansen@roosterwerk.example"),  # CRO
    "hugo": ("Hugo Brouwer", "hugo.brouwer@roosterwerk.example"),  # Revenue Operations
    "ingrid": ("Ingrid Kok", "ingrid.kok@roosterwerk.example"),  # Customer Success lead
}


def _pr(days_ago: int, subject: str, author: str, approvers: tuple[str, ...], undo: Undo) -> Change:
    """A pull request squash-merged onto main: its author's commit, named ``Title (#N)``
    as GitHub writes it, with a ``Reviewed-by`` line per approver."""
    name, email = PEOPLE[author]
    body = "\n".join(f"Reviewed-by: {PEOPLE[p][0]} <{PEOPLE[p][1]}>" for p in approvers)
    return Change(days_ago, subject, name, email, undo, body)


HISTORY: list[Change] = [
    _pr(
        330,
        "SQL: the hand-off record must be complete (#2)",
        "daan",
        ("ruben", "femke"),
        _text(STAGES, "    - Hand-off record contains every required field (see the SLA)\n", ""),
    ),
    _pr(
        300,
        "Glossary: add ICP and churn (#3)",
        "priya",
        ("femke", "ruben"),
        _drop_doc("agreements/glossary.yaml", "Term", "churn"),
    ),
    _pr(
        270,
        "Tighten hot-lead callback to 4 working hours (#5)",
        "femke",
        ("ruben",),
        _edit(
            "agreements/kpis.yaml", "Kpi", "hot-lead-response", ["measure", "within", "limit"], "8h"
        ),
    ),
    _pr(
        240,
        "Sales to Customer Success hand-over and onboarding agreement (#7)",
        "ingrid",
        ("ruben", "marieke"),
        _drop_file("agreements/agreements/sales-cs-handover.yaml"),
    ),
    _pr(
        200,
        "Add the May relationship assessment (#9)",
        "marieke",
        ("femke", "ruben"),
        _drop_doc("agreements/maturity/assessments.yaml", "Assessment", "maturity-2026-05"),
    ),
    _pr(
        175,
        "Noor takes over as Sales-side liaison from Lucas (#11)",
        "noor",
        ("ruben", "femke"),
        _text(
            ROLES,
            "team: sales\nholders: [noor]\nliaison: true",
            "team: sales\nholders: [lucas]\nliaison: true",
        ),
    ),
    _pr(
        150,
        "Raise the SQL target to 120 a month after a tense Q2; warn below 100 (#12)",
        "ruben",
        ("femke", "marieke"),
        _all(
            _edit(SLA, "Agreement", "marketing-sales-sla", [*_SQL_VOLUME, "target", "min"], 100),
            _edit(SLA, "Agreement", "marketing-sales-sla", [*_SQL_VOLUME, "warn"], None),
        ),
    ),
    _pr(
        120,
        "Move the speed KPIs to their own file (#14)",
        "hugo",
        ("femke", "ruben"),
        _move("agreements/kpis.yaml", "agreements/kpis/speed.yaml"),
    ),
    _pr(
        60,
        "Draft: co-create content with Sales (#16)",
        "lotte",
        ("femke",),
        _drop_file("agreements/agreements/content-co-creation.yaml"),
    ),
    _pr(
        25,
        "Judge conversions over the last 90 days, not the month (#17)",
        "femke",
        ("ruben", "hugo"),
        _all(
            *_per_month(
                "mql-to-sql-conversion",
                "Together we turn at least 30% of MQLs into SQLs within 30 days.",
                "30%",
                None,
            ),
            *_per_month(
                "sql-to-customer-conversion",
                "Together we turn at least 15% of SQLs into customers within 90 days.",
                "15%",
                "12%",
            ),
            *_per_month(
                "lead-to-customer-conversion",
                "Together we turn at least 1.2% of new leads into customers within 180 days.",
                "1.2%",
                None,
            ),
            _text(SLA, _ROLLING_NOTE, ""),
            _text(SLA, _ROLLING_HEAD, _MONTH_HEAD),
            _text("agreements/kpis/conversion.yaml", _ROLLING_KPIS, _MONTH_KPIS),
        ),
    ),
    _pr(
        16,
        "SLA review: next review in the January SLA review (#18)",
        "marieke",
        ("femke", "ruben"),
        _text(SLA, _REVIEW_NOW, _REVIEW_BEFORE),
    ),
    _pr(
        10,
        "Add the November relationship assessment (#19)",
        "marieke",
        ("femke", "ruben"),
        _drop_doc("agreements/maturity/assessments.yaml", "Assessment", "maturity-2026-11"),
    ),
]


def _git(root: Path, *args: str, env: dict[str, str] | None = None) -> None:
    subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, env={**os.environ, **(env or {})}
    )


def write_history(target: Path, *, today: dt.date, history: list[Change] = HISTORY) -> int:
    """Write the agreements into `target` as a git repository with dated commits.

    Returns:
        The number of commits made.
    """
    src = source_agreements()
    final: Files = {
        "agreements/" + p.relative_to(src).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(src.rglob("*"))
        if p.is_file() and p.suffix in (".yaml", ".yml")
    }
    versions: list[Files] = []
    state = dict(final)
    for change in reversed(history):
        versions.append(dict(state))
        change.undo(state)
    versions.append(state)
    versions.reverse()  # versions[0] is the oldest; versions[i + 1] is after history[i]
    target.mkdir(parents=True, exist_ok=True)
    _git(target, "init", "-q", "-b", "main")
    _git(target, "config", "user.name", "Accord demo")
    _git(target, "config", "user.email", "demo@accord.invalid")
    (target / ".gitignore").write_text(".accord/\nsite/\n", encoding="utf-8")
    config = src.parent / "mkdocs.yml"
    mkdocs = config.read_text(encoding="utf-8") if config.is_file() else _MKDOCS
    (target / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    (target / "docs").mkdir(exist_ok=True)
    (target / "docs" / "how-we-work.md").write_text(_HOW_WE_WORK, encoding="utf-8")
    first = PEOPLE["femke"]
    steps = [(365, "Initial agreements from the kick-off workshop", *first, "")] + [
        (c.days_ago, c.subject, c.author, c.email, c.body) for c in history
    ]
    for files, (days_ago, subject, author, email, body) in zip(versions, steps, strict=True):
        agreements = target / "agreements"
        if agreements.exists():
            shutil.rmtree(agreements)
        for name, text in files.items():
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        when = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(10, 30), dt.UTC)
        stamp = when.strftime("%Y-%m-%dT%H:%M:%S+0000")
        env = {
            "GIT_AUTHOR_NAME": author,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_NAME": author,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_COMMITTER_DATE": stamp,
        }
        _git(target, "add", "-A")
        message = f"{subject}\n\n{body}" if body else subject
        _git(target, "commit", "-q", "--allow-empty", "-m", message, env=env)
    (target / MARKER).write_text("built by `accord demo`; safe to delete\n", encoding="utf-8")
    return len(steps)


def prepare_target(target: Path) -> None:
    """Make `target` empty for a new demo; refuse to touch a directory that holds other work."""
    if not target.exists():
        return
    if not any(target.iterdir()):
        return
    if not (target / MARKER).exists():
        raise AccordError(
            f"{target} exists and is not an Accord demo; choose an empty or new directory"
        )
    shutil.rmtree(target)


_MKDOCS = """\
site_name: Roosterwerk agreements
theme:
  name: material
  features: [navigation.instant, search.suggest, search.highlight]
plugins:
  - search
  - accord
markdown_extensions:
  - admonition
  - tables
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""

_HOW_WE_WORK = """\
# How we work

Every rule on this wiki lives as YAML in the `agreements/` folder of this
repository. To change one, open a pull request: the owners of both sides are
asked to approve it, and the page's change history shows it once merged.
"""
