"""Pilot tests of the dashboard: every binding, live refresh, STALE and recovery, reloads."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from tui_support import NOW, SLA, FakeSource, fill_store, fixed_clock, write_workspace

from tui.app import AccordApp, make_app
from tui.dialogs.as_of import AsOfDialog
from tui.dialogs.filter import FilterDialog
from tui.screens.detail import DetailScreen
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.attention import AttentionTable
from tui.widgets.banner import Banner
from tui.widgets.commitments import CommitmentTable
from tui.widgets.header import StatusHeader
from tui.widgets.owners import OwnersPanel

SIZE = (120, 36)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds."""
    loops = int(timeout / 0.02)
    for _ in range(loops):
        if condition():
            return
        await pilot.pause(0.02)
    assert condition(), "condition not reached in time"


def main_of(app: AccordApp) -> MainScreen:
    return app.main_screen()


def header(app: AccordApp, part: str) -> str:
    return main_of(app).query_one(StatusHeader).text(part)


def plain(widget: Static) -> str:
    """The text a Static shows (Rich renderables rendered wide, without styles)."""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()


def cell_text(table: DataTable[Any], row: str, column: str) -> str:
    return str(getattr(table.get_cell(row, column), "plain", table.get_cell(row, column)))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_workspace(tmp_path)


def app_for(
    root: Path, source: FakeSource | None = None, *, refresh: float = 60.0, **kw: object
) -> AccordApp:
    return make_app(
        root,
        source=source or FakeSource(),
        clock=kw.pop("clock", fixed_clock),  # type: ignore[arg-type]
        refresh=refresh,
        history=kw.pop("history", lambda key: "no history in this test"),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )


async def started(pilot: Pilot[None]) -> MainScreen:
    app = pilot.app
    assert isinstance(app, AccordApp)
    await wait_for(  # a complete snapshot (not a progressive first frame)
        pilot,
        lambda: (
            isinstance(app.screen, MainScreen)
            and app.screen.snapshot is not None
            and not app.screen.snapshot.pending
        ),
    )
    await pilot.pause()
    return main_of(app)


class TestMainScreen:
    async def test_panels_show_the_snapshot(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            assert header(app, "title") == "Accord · Acme Smarketing"
            assert header(app, "asof") == "as of 2026-11-18 11:00 (live)"
            assert header(app, "period") == "funnel per month: Nov 2026"
            assert header(app, "state") == "● live"
            assert "123,456 events" in header(app, "freshness")
            assert "refreshed 11:00:00" in header(app, "freshness")
            commitments = main.query_one(CommitmentTable)
            assert commitments.row_count == 6
            assert cell_text(commitments, "c:marketing-sales-sla/sql-volume", "value") == "57"
            status = cell_text(commitments, "c:marketing-sales-sla/hot-lead-callback", "status")
            assert status == "✖ breached"
            assert main.query_one("#funnel", DataTable).row_count == 4
            assert main.query_one(AttentionTable).row_count == 3
            assert app.focused is commitments

    async def test_moving_the_cursor_shows_who_owns_what(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            owners = main.query_one(OwnersPanel)
            await pilot.press("down")  # first commitment under the agreement heading
            await wait_for(
                pilot, lambda: owners.subject == ("commitment", "marketing-sales-sla/sql-volume")
            )
            await pilot.press("1")  # the funnel panel
            assert app.focused is main.query_one("#funnel")
            await pilot.press("down", "down")
            await wait_for(pilot, lambda: owners.subject == ("stage", "sql"))
            body = plain(owners.query_one("#owners-body", Static))
            assert owners.border_subtitle == "Stage: Sales Qualified Lead"
            assert "Sales Development Rep — Sanne Bakker" in body

    async def test_panel_keys_tab_and_arrows_move_focus(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            for key, panel in (("1", "funnel"), ("2", "commitments"), ("3", "attention"),
                               ("4", "owners")):  # fmt: skip
                await pilot.press(key)
                assert app.focused is not None and app.focused.id == panel
            await pilot.press("2")
            await pilot.press("tab")
            assert app.focused is main.query_one("#owners")
            await pilot.press("2", "right")
            assert app.focused is not main.query_one("#commitments")
            await pilot.press("2", "left")
            assert app.focused is main.query_one("#funnel")

    async def test_too_small_says_how_large(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=(70, 20)) as pilot:
            main = await started(pilot)
            message = main.query_one("#too-small", Static)
            assert main.has_class("-too-small") and message.display
            assert "70×20" in plain(message) and "80×24" in plain(message)
            assert not main.query_one("#body").display or main.has_class("-too-small")

    async def test_80_by_24_stacks_the_panels(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=(80, 24)) as pilot:
            main = await started(pilot)
            assert main.has_class("-narrow") and not main.has_class("-too-small")
            await pilot.press("3")
            assert app.focused is main.query_one(AttentionTable)

    async def test_no_color_is_respected(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("NO_COLOR", "1")
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            assert app.no_color
            commitments = main.query_one(CommitmentTable)
            status = cell_text(commitments, "c:marketing-sales-sla/sql-volume", "status")
            assert status == "● on track"  # the word and symbol carry the meaning


class TestBindings:
    async def test_p_cycles_the_period(self, root: Path) -> None:
        source = FakeSource()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            seen = []
            for _ in range(4):
                await pilot.press("p")
                seen.append(app.per)
                await wait_for(pilot, lambda: source.calls[-1]["per"] == app.per)
            assert seen == ["quarter", "day", "week", "month"]
            await pilot.press("f2")
            assert app.per == "quarter"
            assert header(app, "period") == "funnel per quarter: Q4 2026"

    async def test_t_time_travels_and_escape_returns_to_live(self, root: Path) -> None:
        source = FakeSource()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            await pilot.press("t")
            assert isinstance(app.screen, AsOfDialog)
            await pilot.press(*"yesterday", "enter")
            error = app.screen.query_one("#as-of-error", Static)
            assert "not an ISO-8601 date or time" in plain(error)
            app.screen.query_one(Input).value = "2026-10-31"
            await pilot.press("enter")
            assert isinstance(app.screen, MainScreen)
            target = dt.datetime(2026, 10, 31, 22, 59, 59, 999999, tzinfo=dt.UTC)
            await wait_for(pilot, lambda: app.at == target)  # after loading the agreements then
            await wait_for(pilot, lambda: source.calls[-1]["at"] == target)
            await wait_for(pilot, lambda: main.snapshot is not None and not main.snapshot.live)
            assert header(app, "asof").startswith("TIME TRAVEL as of 2026-10-31 23:59")
            # no live marker while time travelling, and the newest event is the one then
            await wait_for(pilot, lambda: header(app, "state") == "◷ time travel")
            assert "live" not in header(app, "state")
            assert "refreshed" not in header(app, "freshness")
            await pilot.press("t", "escape")  # cancel keeps the time
            assert app.at == target
            await pilot.press("escape")
            assert app.at is None
            assert header(app, "asof") == "as of 2026-11-18 11:00 (live)"

    async def test_slash_filters_and_escape_clears(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            await pilot.press("slash")
            assert isinstance(app.screen, FilterDialog)
            await pilot.press(*"speed", "enter")
            table = main.query_one(CommitmentTable)
            assert table.row_count == 2
            assert header(app, "filter") == "filter: speed"
            assert main.query_one(AttentionTable).row_count == 0
            await pilot.press("slash", *"jan", "escape")  # cancelled: filter unchanged
            assert main.query_text == "speed"
            await pilot.press("escape")
            assert table.row_count == 6 and main.query_text == ""

    async def test_question_mark_lists_every_binding(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            rows = app.screen.rows
            described = {what for _, _, what in rows}
            for binding in [*AccordApp.BINDINGS, *MainScreen.BINDINGS, *AttentionTable.BINDINGS,
                            *DetailScreen.BINDINGS]:  # fmt: skip
                assert binding.description in described  # type: ignore[union-attr]
            keys = {k for _, k, _ in rows}
            assert {"p / F2", "t / F3", "/ / F4", "q / F10", "? / F1", "[ / F7"} <= keys
            await pilot.press("escape")
            assert isinstance(app.screen, MainScreen)
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("q")  # closes help, does not quit
            assert isinstance(app.screen, MainScreen) and app.is_running

    async def test_enter_opens_the_detail_and_escape_returns(self, root: Path) -> None:
        app = app_for(root, history=lambda key: [])
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            await pilot.press("down", "down")  # hot-lead-callback
            await pilot.press("enter")
            assert isinstance(app.screen, DetailScreen)
            assert app.screen.key == ("marketing-sales-sla", "hot-lead-callback")
            kpi = plain(app.screen.query_one("#detail-kpi", Static))
            assert "within 4 working hours" in kpi
            history = app.screen.query_one("#detail-history", Static)
            await wait_for(pilot, lambda: "No changes recorded" in plain(history))
            assert "Hot leads contacted in time" in kpi
            await pilot.press("escape")
            screen: object = app.screen  # narrowed to DetailScreen above
            assert screen is main

    async def test_enter_on_an_agreement_opens_its_first_commitment(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("enter")
            assert isinstance(app.screen, DetailScreen)
            assert app.screen.key == ("marketing-sales-sla", "sql-volume")

    async def test_r_refreshes_now(self, root: Path) -> None:
        source = FakeSource()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            before = len(source.calls)
            await pilot.press("r")
            await wait_for(pilot, lambda: len(source.calls) > before)

    async def test_q_quits(self, root: Path) -> None:
        source = FakeSource()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running or app._exit  # noqa: SLF001
        assert source.closed

    async def test_attention_pages_with_brackets(self, root: Path) -> None:
        app = app_for(root, FakeSource(waiting=120))
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            table = main.query_one(AttentionTable)
            assert table.row_count == 50
            assert "120 waiting · page 1/3" in str(table.border_subtitle)
            await pilot.press("3", "right_square_bracket", "right_square_bracket")
            assert table.page == 2 and table.row_count == 20
            await pilot.press("f7")
            assert table.page == 1 and table.row_count == 50

    async def test_command_palette_jumps_to_a_commitment(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("ctrl+p")
            await pilot.press(*"jump to commitment speed")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            assert isinstance(app.screen, DetailScreen)
            assert app.screen.key == ("speed", "contact-time")

    async def test_command_palette_runs_actions(self, root: Path) -> None:
        app = app_for(root)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("ctrl+p")
            await pilot.press(*"cycle period")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await wait_for(pilot, lambda: app.per == "quarter")


class TestLive:
    async def test_ages_tick_every_second_without_requerying(self, root: Path) -> None:
        moments = [NOW]
        source = FakeSource()
        app = app_for(root, source, clock=lambda: moments[0])
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            table = main.query_one(AttentionTable)
            row = table.current_key()
            assert row is not None
            assert cell_text(table, row, "age") == "2h 00m"
            calls = len(source.calls)
            moments[0] = NOW + dt.timedelta(minutes=3, seconds=5)
            await wait_for(pilot, lambda: cell_text(table, row, "age") == "2h 03m", timeout=3)
            assert len(source.calls) == calls

    async def test_refresh_runs_on_its_interval(self, root: Path) -> None:
        source = FakeSource()
        app = app_for(root, source, refresh=0.1)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await wait_for(pilot, lambda: len(source.calls) >= 4)

    async def test_store_failure_shows_stale_then_recovers(self, root: Path) -> None:
        source = FakeSource()
        app = app_for(root, source, refresh=0.05)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            table = main.query_one(CommitmentTable)
            source.fail = "cannot reach postgresql+psycopg://accord:hunter2@db.example/funnel"
            banner = main.query_one("#stale-banner", Banner)
            await wait_for(pilot, lambda: banner.display)
            assert banner.message.startswith("STALE since 11:00 — the numbers are from 11:00:00")
            assert "hunter2" not in banner.message and "***" in banner.message
            assert header(app, "state") == "STALE since 11:00"
            # the last good numbers stay
            assert cell_text(table, "c:marketing-sales-sla/sql-volume", "value") == "57"
            source.fail = None
            await wait_for(pilot, lambda: not banner.display, timeout=8)
            assert header(app, "state") == "● live"
            assert app.is_running

    async def test_any_worker_exception_keeps_the_app_running(self, root: Path) -> None:
        class Exploding(FakeSource):
            def fetch(self, *args: object, **kw: object) -> object:  # type: ignore[override]
                raise ZeroDivisionError("division by zero in a widget's data")

        app = app_for(root, Exploding(), refresh=0.05)
        async with app.run_test(size=SIZE) as pilot:
            main = main_of(app)
            banner = main.query_one("#stale-banner", Banner)
            await wait_for(pilot, lambda: banner.display)
            assert "ZeroDivisionError" in banner.message
            assert "no numbers yet" in banner.message
            assert header(app, "state").startswith("STALE")
            await pilot.pause(0.2)
            assert app.is_running and app.return_code is None

    async def test_invalid_edit_keeps_the_last_good_model_then_reloads(self, root: Path) -> None:
        source = FakeSource()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            good = app.ws
            banner = main.query_one("#reload-banner", Banner)
            sla = root / "agreements" / "sla.yaml"
            sla.write_text(SLA.replace("    target: {min: 120}", "    tagret: {min: 120}"))
            await wait_for(pilot, lambda: banner.display, timeout=4)
            assert banner.message.startswith("Agreements not reloaded")
            assert "sla.yaml:" in banner.message and "tagret" in banner.message
            assert app.ws is good
            assert main.query_one(CommitmentTable).row_count == 6
            sla.write_text(SLA.replace("title: Marketing and Sales SLA", "title: The new SLA"))
            await wait_for(pilot, lambda: app.ws is not good, timeout=4)
            await wait_for(pilot, lambda: not banner.display)
            table = main.query_one(CommitmentTable)
            assert cell_text(table, "a:marketing-sales-sla", "label") == "The new SLA"
            assert source.resets >= 1


class TestRealStore:
    async def test_missing_store_file_says_so(self, root: Path) -> None:
        url = f"sqlite:///{root}/nowhere/funnel.db"
        app = make_app(root, store_url=url, clock=fixed_clock, refresh=60)
        async with app.run_test(size=SIZE) as pilot:
            main = main_of(app)
            banner = main.query_one("#stale-banner", Banner)
            await wait_for(pilot, lambda: banner.display)
            assert "STALE" in banner.message and "funnel.db" in banner.message
        assert not (root / "nowhere" / "funnel.db").exists()  # never created

    async def test_corrupt_store_goes_stale_and_recovers(self, root: Path) -> None:
        db = root / "funnel.db"
        url = f"sqlite:///{db}"
        fill_store(url)
        app = make_app(root, store_url=url, clock=fixed_clock, refresh=0.05)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            table = main.query_one(CommitmentTable)
            value = cell_text(table, "c:marketing-sales-sla/sql-volume", "value")
            assert value == "10"
            attention = main.query_one(AttentionTable)  # trends and waiting leads: slow worker
            await wait_for(pilot, lambda: attention.row_count == 2)
            assert main.snapshot is not None and main.snapshot.trends
            good = db.read_bytes()
            banner = main.query_one("#stale-banner", Banner)
            db.write_bytes(b"this is not a database" * 100)
            await wait_for(pilot, lambda: banner.display, timeout=8)
            assert "STALE since" in banner.message
            assert cell_text(table, "c:marketing-sales-sla/sql-volume", "value") == "10"
            db.write_bytes(good)
            await wait_for(pilot, lambda: not banner.display, timeout=10)
            assert header(app, "state") == "● live"
