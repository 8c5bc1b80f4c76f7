"""Every panel says it is loading until its first result; a panel that waits is never shown
empty as if nothing were waiting — on start, after an agreements reload (the last values
stay, marked as updating), after a change of period or of as-of."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from test_app import SIZE, app_for, cell_text, header, started, wait_for
from textual.widget import Widget
from tui_support import NOW, SLA, FakeSource, StagedSource, snapshot, write_workspace

from accord.loading.validate import load_workspace
from tui.app import AccordApp
from tui.describe import commitment_lines
from tui.fill import ENV
from tui.screens.main import MainScreen
from tui.widgets.attention import AttentionTable
from tui.widgets.commitments import CommitmentTable
from tui.widgets.funnel import FunnelTable

SQL = "c:marketing-sales-sla/sql-volume"
CALLBACK = "c:marketing-sales-sla/hot-lead-callback"
WAITING = "c:marketing-sales-sla/no-hot-waiting"
SPEED = "c:speed/contact-time"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws")


def panels(app: AccordApp) -> tuple[CommitmentTable, FunnelTable, AttentionTable]:
    main = app.main_screen()
    return (
        main.query_one(CommitmentTable),
        main.query_one(FunnelTable),
        main.query_one(AttentionTable),
    )


def subtitle(table: Widget) -> str:
    return str(table.border_subtitle or "")


def edit_sla(root: Path, old: str, new: str) -> None:
    assert old in SLA
    (root / "agreements" / "sla.yaml").write_text(SLA.replace(old, new))


class TestFirstStart:
    async def test_before_any_result_every_panel_says_loading(self, root: Path) -> None:
        source = FakeSource()
        source.gate = threading.Event()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: bool(source.calls))
            await pilot.pause()
            commitments, funnel, attention = panels(app)
            for row in (SQL, CALLBACK, WAITING, SPEED):
                assert cell_text(commitments, row, "value") == "…"
                assert cell_text(commitments, row, "status") == "… evaluating"
                assert cell_text(commitments, row, "trend") == "…"
            assert "evaluating" in cell_text(commitments, "a:marketing-sales-sla", "status")
            assert funnel.row_count == 0 and subtitle(funnel) == "loading…"
            assert attention.row_count == 0 and subtitle(attention) == "finding who waits…"
            assert header(app, "state") == "○ connecting"
            source.gate.set()
            await started(pilot)
            assert cell_text(commitments, SQL, "value") == "57"
            assert subtitle(funnel) == "" and funnel.row_count == 4
            assert subtitle(attention).startswith("3 waiting")

    async def test_parts_that_come_later_say_loading_until_they_come(self, root: Path) -> None:
        source = StagedSource()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            commitments, funnel, attention = panels(app)
            assert cell_text(commitments, SQL, "value") == "57"  # the values first
            assert cell_text(commitments, SQL, "trend") == "…"  # trends: not yet
            assert funnel.row_count == 0 and subtitle(funnel) == "loading…"
            assert attention.row_count == 0 and subtitle(attention) == "finding who waits…"
            source.funnel_go.set()
            await wait_for(pilot, lambda: funnel.row_count == 4)
            assert subtitle(funnel) == ""
            assert subtitle(attention) == "finding who waits…"  # never "nobody waiting"
            source.slow_go.set()
            await wait_for(pilot, lambda: attention.row_count == 3)
            assert subtitle(attention).startswith("3 waiting")
            assert cell_text(commitments, SQL, "trend") not in ("…", "—")  # a sparkline
            assert cell_text(commitments, SPEED, "trend") == "—"  # known: no trend

    async def test_nobody_waiting_only_when_known(self, root: Path) -> None:
        source = StagedSource(waiting=0)
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            _, _, attention = panels(app)
            assert subtitle(attention) == "finding who waits…"
            source.slow_go.set()
            await wait_for(pilot, lambda: subtitle(attention) == "nobody waiting")


class TestReload:
    async def test_changed_commitment_loads_the_others_keep_their_values(self, root: Path) -> None:
        source = FakeSource()
        source.hold = threading.Event()
        source.hold.set()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            commitments, funnel, attention = panels(app)
            before = cell_text(commitments, CALLBACK, "value")
            waiting = cell_text(commitments, WAITING, "value")
            source.hold.clear()  # the reloaded agreements' evaluation waits
            edit_sla(root, 'warn: "90%"', 'warn: "85%"')  # hot-lead-callback only
            await wait_for(
                pilot,
                lambda: app.ws.bounds[("marketing-sales-sla", "hot-lead-callback")].warn == 0.85,
            )
            await wait_for(pilot, lambda: main.snapshot is not None and bool(main.snapshot.pending))
            await pilot.pause()
            # the changed commitment is being evaluated; the unchanged keep their values
            assert cell_text(commitments, CALLBACK, "value") == "…"
            assert cell_text(commitments, CALLBACK, "trend") == "…"
            assert cell_text(commitments, WAITING, "value") == waiting
            assert cell_text(commitments, WAITING, "status") == "… evaluating"
            assert cell_text(commitments, SQL, "trend") not in ("…", "—")  # unchanged: kept
            # the funnel and the attention list stay, marked as updating
            assert funnel.row_count == 4 and subtitle(funnel) == "updating…"
            assert attention.row_count == 3
            assert subtitle(attention).startswith("3 waiting · updating…")
            assert "evaluating…" in header(app, "freshness")
            source.hold.set()
            await wait_for(pilot, lambda: main.snapshot is not None and not main.snapshot.pending)
            await pilot.pause()
            assert cell_text(commitments, CALLBACK, "value") == before
            assert "evaluating" not in cell_text(commitments, WAITING, "status")
            assert subtitle(funnel) == "" and "updating" not in subtitle(attention)

    async def test_changed_open_commitment_says_finding_who_waits(self, root: Path) -> None:
        source = StagedSource()
        source.funnel_go.set()
        source.slow_go.set()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            _, _, attention = panels(app)
            await wait_for(pilot, lambda: attention.row_count == 3)
            source.slow_go.clear()  # the reloaded list waits
            edit_sla(root, "target: {max: 0}", "target: {max: 1}")  # no-hot-waiting (open)
            await wait_for(pilot, lambda: subtitle(attention) == "finding who waits…", timeout=4)
            assert attention.row_count == 0
            assert main.snapshot is not None and not main.snapshot.attention_known
            source.slow_go.set()
            await wait_for(pilot, lambda: attention.row_count == 3)
            assert subtitle(attention).startswith("3 waiting")

    async def test_unchanged_numbers_are_not_recomputed(self, root: Path) -> None:
        source = StagedSource()
        source.funnel_go.set()
        source.slow_go.set()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            commitments, funnel, attention = panels(app)
            await wait_for(pilot, lambda: attention.row_count == 3 and funnel.row_count == 4)
            calls, old = len(source.calls), app.ws
            edit_sla(root, "title: Marketing and Sales SLA", "title: The new SLA")
            await wait_for(pilot, lambda: app.ws is not old, timeout=4)
            await pilot.pause()
            assert cell_text(commitments, "a:marketing-sales-sla", "label") == "The new SLA"
            assert cell_text(commitments, SQL, "value") == "57"
            assert main.snapshot is not None and not main.snapshot.pending
            assert subtitle(funnel) == "" and "updating" not in subtitle(attention)
            assert len(source.calls) == calls  # nothing asked again


class TestOtherQuestions:
    async def test_another_period_loads_the_funnel(self, root: Path) -> None:
        source = StagedSource()
        source.funnel_go.set()
        source.slow_go.set()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            commitments, funnel, attention = panels(app)
            await wait_for(pilot, lambda: funnel.row_count == 4 and attention.row_count == 3)
            source.funnel_go.clear()
            await pilot.press("p")
            await wait_for(pilot, lambda: app.per == "quarter")
            await pilot.pause()
            assert funnel.row_count == 0 and subtitle(funnel) == "loading…"
            assert attention.row_count == 3  # the attention list does not depend on it
            source.funnel_go.set()
            await wait_for(pilot, lambda: funnel.row_count == 4)
            assert subtitle(funnel) == ""

    async def test_time_travel_never_shows_the_live_numbers_as_then(self, root: Path) -> None:
        source = FakeSource()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            commitments, funnel, attention = panels(app)
            source.gate = threading.Event()
            then = NOW - dt.timedelta(days=30)
            main._show_as_of(then, app.ws, "agreements as committed then")  # noqa: SLF001
            await pilot.pause()
            assert cell_text(commitments, SQL, "value") == "…"
            assert cell_text(commitments, SQL, "trend") == "…"
            assert subtitle(funnel) == "loading…" and funnel.row_count == 0
            assert subtitle(attention) == "finding who waits…" and attention.row_count == 0
            source.gate.set()
            await wait_for(pilot, lambda: cell_text(commitments, SQL, "value") == "57")
            assert isinstance(app.screen, MainScreen)


class TestFillLog:
    async def test_each_panel_once_at_start_and_after_each_reload(
        self, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        log = tmp_path / "fill.log"
        monkeypatch.setenv(ENV, str(log))
        source = StagedSource()
        app = app_for(root, source)

        def lines() -> list[tuple[str, int]]:
            if not log.exists():
                return []
            return [(w, int(n)) for w, n, _ in (x.split() for x in log.read_text().splitlines())]

        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await wait_for(pilot, lambda: ("commitments", 0) in lines())
            assert ("funnel", 0) not in lines() and ("attention", 0) not in lines()
            source.funnel_go.set()
            source.slow_go.set()
            await wait_for(pilot, lambda: len(lines()) == 5)
            assert lines()[0] == ("mount", 0)
            assert sorted(lines()[1:]) == sorted(
                (p, 0) for p in ("commitments", "funnel", "trends", "attention")
            )
            edit_sla(root, 'warn: "90%"', 'warn: "85%"')
            await wait_for(pilot, lambda: len(lines()) == 10, timeout=5)
            assert lines()[5] == ("reload", 1)
            assert {w for w, n in lines()[6:]} == {"commitments", "funnel", "trends", "attention"}
            assert all(n == 1 for _, n in lines()[6:])


class TestDetail:
    def test_now_says_evaluating_while_pending(self, root: Path) -> None:
        ws = load_workspace(root)
        key = ("marketing-sales-sla", "sql-volume")
        _, facts = commitment_lines(ws, key, None, evaluating=True)
        assert dict(facts)["Now"] == "evaluating…"
        _, facts = commitment_lines(ws, key, snapshot().result(key), evaluating=True)
        assert dict(facts)["Now"] == "57 — … evaluating"  # the last value, updating
        _, facts = commitment_lines(ws, key, None)
        assert dict(facts)["Now"] == "no data yet"
