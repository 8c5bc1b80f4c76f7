"""Snapshot tests of the dashboard (pytest-textual-snapshot): fixed as-of time, fixed data.

Update the SVGs with ``pytest tests/tui/test_snapshots.py --snapshot-update`` only
after reading the diff (the report opens in a browser).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_support import FakeSource, fixed_clock, write_workspace

from tui.app import AccordApp, make_app
from tui.screens.main import MainScreen

SnapCompare = Callable[..., bool]


def fixed_history(key: tuple[str, str]) -> Any:
    return "history is read from git; this test has a fixed note instead"


def dashboard(root: Path, source: FakeSource | None = None) -> AccordApp:
    return make_app(
        root, source=source or FakeSource(), clock=fixed_clock, refresh=3600,
        history=fixed_history,
    )  # fmt: skip


async def data_shown(pilot: Pilot[None]) -> None:
    app = pilot.app
    assert isinstance(app, AccordApp)
    for _ in range(200):
        if isinstance(app.screen, MainScreen) and app.screen.snapshot is not None:
            break
        await pilot.pause(0.02)
    await pilot.pause()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_workspace(tmp_path)


class TestMainScreen:
    def test_main_120x36(self, snap_compare: SnapCompare, root: Path) -> None:
        assert snap_compare(dashboard(root), terminal_size=(120, 36), run_before=data_shown)

    def test_main_200x50(self, snap_compare: SnapCompare, root: Path) -> None:
        assert snap_compare(dashboard(root), terminal_size=(200, 50), run_before=data_shown)

    def test_main_80x24(self, snap_compare: SnapCompare, root: Path) -> None:
        assert snap_compare(dashboard(root), terminal_size=(80, 24), run_before=data_shown)

    def test_too_small(self, snap_compare: SnapCompare, root: Path) -> None:
        assert snap_compare(dashboard(root), terminal_size=(60, 16), run_before=data_shown)


class TestDetail:
    def test_detail_screen(self, snap_compare: SnapCompare, root: Path) -> None:
        async def open_detail(pilot: Pilot[None]) -> None:
            await data_shown(pilot)
            await pilot.press("down", "down", "enter")
            await pilot.pause(0.2)

        assert snap_compare(dashboard(root), terminal_size=(120, 36), run_before=open_detail)


class TestAttention:
    def test_sorted_by_owner_120x36(self, snap_compare: SnapCompare, root: Path) -> None:
        async def by_owner(pilot: Pilot[None]) -> None:
            await data_shown(pilot)
            await pilot.press("3", "o")
            await pilot.pause()

        app = dashboard(root, FakeSource(waiting=6))
        assert snap_compare(app, terminal_size=(120, 36), run_before=by_owner)


class TestHelp:
    def test_help_screen(self, snap_compare: SnapCompare, root: Path) -> None:
        async def open_help(pilot: Pilot[None]) -> None:
            await data_shown(pilot)
            await pilot.press("question_mark")
            await pilot.pause()

        assert snap_compare(dashboard(root), terminal_size=(120, 36), run_before=open_help)


class TestStale:
    def test_stale_marker(self, snap_compare: SnapCompare, root: Path) -> None:
        source = FakeSource()

        async def fail(pilot: Pilot[None]) -> None:
            await data_shown(pilot)
            source.fail = "cannot reach the event store at postgresql+psycopg://accord:pw@db/x"
            await pilot.press("r")
            app = pilot.app
            assert isinstance(app, AccordApp)
            for _ in range(200):
                if app.main_screen().freshness.stale:
                    break
                await pilot.pause(0.02)
            await pilot.pause()

        assert snap_compare(dashboard(root, source), terminal_size=(120, 36), run_before=fail)
