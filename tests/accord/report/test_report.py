"""`accord report`: the monthly pack from a real git repository and a real SQLite store."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from gitrepo import GitRepo
from metrics_support import agreement_yaml, ams, ev, make_workspace, put
from testclock import NOW, fixed

from accord._cli_report import report as report_command
from accord.cli import CliContext
from accord.history import entity_history
from accord.loading import load_workspace
from accord.report import Month, build_report, parse_period, render_html, render_markdown
from accord.store import Store

COMMITMENTS = [
    {"id": "sql-volume", "kpi": "sqls", "target": {"min": 3}},
    {"id": "no-hot-lead-waiting", "kpi": "waiting-hot", "target": {"max": 0}, "per": "day"},
]
ME = ("Mia", "mia@x")


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[tuple[Path, Store]]:
    root = tmp_path / "ws"
    repo = GitRepo(root)
    make_workspace(root, [{"id": "sql-volume", "kpi": "sqls", "target": {"min": 2}}])
    repo.git("add", "-A")
    repo.run_as(["commit", "-q", "--no-gpg-sign", "-m", "Start"], ME, "2026-01-02T10:00:00+01:00")
    (root / "agreements/sla.yaml").write_text(agreement_yaml(COMMITMENTS))
    repo.git("add", "-A")
    message = "Raise the SQL target, no hot lead waits (#8)\n\nReviewed-by: Sam <sam@x>"
    repo.run_as(["commit", "-q", "--no-gpg-sign", "-m", message], ME, "2026-11-03T10:00:00+01:00")
    store = Store.open(f"sqlite:///{root}/.accord/funnel.db")
    leads = [
        {"lead_id": f"o{i}", "created_at": ams(2026, 10, 2), "hot": False} for i in range(4)
    ] + [
        {"lead_id": "n1", "created_at": ams(2026, 11, 2), "hot": False},
        {"lead_id": "hot1", "created_at": ams(2026, 11, 16), "hot": True, "owner": "sam"},
    ]
    events = [ev(f"o{i}", ams(2026, 10, 5 + i, 10), "sql") for i in range(4)]
    events += [ev("n1", ams(2026, 11, 4, 10), "sql"), ev("hot1", ams(2026, 11, 16, 10), "sql")]
    put(store, leads, events)
    try:
        yield root, store
    finally:
        store.close()


def _report(root: Path, store: Store, month: Month, now: dt.datetime = NOW):  # type: ignore[no-untyped-def]
    ws = load_workspace(root)
    return build_report(ws, store, month, now=fixed(now), history=entity_history(root), root=root)


def test_results_for_the_month_and_the_one_before(workspace: tuple[Path, Store]) -> None:
    root, store = workspace
    pack = _report(root, store, Month(2026, 11))
    assert pack.running and pack.as_of == NOW
    volume = next(line for line in pack.lines if line.commitment == "sql-volume")
    assert volume.title == "SQL volume"
    assert volume.current is not None and volume.current.value == 2
    assert volume.previous is not None and volume.previous.value == 4
    # October is judged by the agreement as committed then: the target of 2, not 3
    assert volume.previous.status == "met"
    assert volume.previous.ref is not None and volume.previous.ref.bounds.min == 2
    # the new commitment did not exist in October
    waiting = next(line for line in pack.lines if line.commitment == "no-hot-lead-waiting")
    assert waiting.previous is None


def test_breaches_name_the_leads_behind_them(workspace: tuple[Path, Store]) -> None:
    root, store = workspace
    pack = _report(root, store, Month(2026, 11))
    breach = next(b for b in pack.breaches if b.line.commitment == "no-hot-lead-waiting")
    assert breach.line.status == "breached" and breach.leads_known
    (lead,) = breach.leads
    assert lead.lead_id == "hot1" and lead.owner == "Sam"
    assert lead.waiting_hours is not None and lead.waiting_hours > 4


def test_changes_approvals_and_maturity_of_the_period(workspace: tuple[Path, Store]) -> None:
    root, store = workspace
    pack = _report(root, store, Month(2026, 11))
    (changed,) = pack.changed
    (change,) = changed.changes
    assert change.title == "Raise the SQL target, no hot lead waits" and change.pr == "8"
    assert change.approvers == ("Sam",)
    assert any("SQL volume target raised from 2 to 3" in line for line in change.lines)
    assert _report(root, store, Month(2026, 10)).changed == ()
    assert pack.maturity is None  # no assessment in this workspace


def test_markdown_and_html_in_the_team_language(workspace: tuple[Path, Store]) -> None:
    root, store = workspace
    pack = _report(root, store, Month(2026, 11))
    md = render_markdown(pack)
    assert md.startswith("# Monthly report: November 2026\n")
    # no sides are named in this SLA; 2 of 3 with the month half gone: on track
    assert "| SQL volume |  | ≥ 3 | 4 | 2 | ●\u00a0on track |" in md
    assert "18 November 2026, 11:00" in md  # the instant, in the workspace's zone
    assert "approved by Sam" in md
    for language, title, date in (
        ("nl", "# Maandrapport: november 2026", "18 november 2026"),
        ("pl", "# Raport miesięczny: listopad 2026", "18 listopada 2026"),
    ):
        translated = render_markdown(_with_language(pack, language))
        assert translated.startswith(title) and date in translated


def _with_language(pack, language: str):  # type: ignore[no-untyped-def]
    import dataclasses

    return dataclasses.replace(pack, language=language)


def test_every_text_is_escaped(workspace: tuple[Path, Store]) -> None:
    root, store = workspace
    sla = (root / "agreements/sla.yaml").read_text()
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) {{ x }} | cell"
    (root / "agreements/sla.yaml").write_text(sla.replace("title: SLA", f"title: '{hostile}'"))
    pack = _report(root, store, Month(2026, 11))
    md = render_markdown(pack)
    assert "<script>" not in md and "](javascript" not in md and "{{" not in md
    page = render_html(pack)
    assert "<script" not in page and 'href="javascript' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # self-contained and printable: no outside resources, a print stylesheet
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@media print" in page and page.startswith("<!DOCTYPE html>")


def test_period() -> None:
    assert parse_period("2026-11") == Month(2026, 11)
    assert Month(2026, 1).previous == Month(2025, 12)
    for bad in ("2026-13", "nov", "2026/11"):
        with pytest.raises(ValueError, match="YYYY-MM"):
            parse_period(bad)


def test_a_period_that_has_not_begun_is_refused(workspace: tuple[Path, Store]) -> None:
    root, store = workspace
    with pytest.raises(ValueError, match="not begun"):
        _report(root, store, Month(2026, 12))


def test_report_command(workspace: tuple[Path, Store], tmp_path: Path) -> None:
    root, _ = workspace
    runner = CliRunner()
    obj = CliContext(now=fixed(NOW))
    done = runner.invoke(report_command, [str(root), "--period", "2026-11"], obj=obj)
    assert done.exit_code == 0, done.output
    assert done.output.startswith("# Monthly report: November 2026")
    out = tmp_path / "pack.html"
    args = [str(root), "--format", "html", "--out", str(out)]  # default: the month before
    done = runner.invoke(report_command, args, obj=obj)
    assert done.exit_code == 0, done.output
    assert "Monthly report: October 2026" in out.read_text(encoding="utf-8")
    done = runner.invoke(report_command, [str(root), "--period", "2026-XI"], obj=obj)
    assert done.exit_code == 2 and "YYYY-MM" in done.output
    missing = f"sqlite:///{tmp_path}/none.db"
    done = runner.invoke(report_command, [str(root), "--store", missing], obj=obj)
    assert done.exit_code == 1 and "no event store" in done.output
