"""Pilot tests of the attention list for action: sorting (keys and header clicks),
export as CSV, and the files the dashboard writes (never over another)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from test_app import SIZE, app_for, started, wait_for
from textual.widgets import DataTable
from tui_support import NOW, FakeSource, write_workspace

from tui.commands import palette_entries
from tui.export import CSV_HEADER, attention_rows, new_path, output_folder
from tui.rows import person_name
from tui.widgets.attention import AttentionTable


def owners(table: AttentionTable) -> list[str]:
    ws = table._ws  # noqa: SLF001 - the workspace the table shows
    assert ws is not None
    return [person_name(ws, lead.owner) for lead in table.leads]


class TestSorting:
    async def test_keys_and_header_clicks_sort(self, tmp_path: Path) -> None:
        app = app_for(write_workspace(tmp_path), FakeSource(waiting=6))
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            table = main.query_one(AttentionTable)
            await wait_for(pilot, lambda: len(table.leads) == 6)
            waits = [lead.since for lead in table.leads]  # the source's: longest wait first
            await pilot.press("3", "o")
            assert owners(table) == ["Jan de Boer"] * 2 + ["Sanne Bakker"] * 2 + ["—"] * 2
            # each owner's leads longest wait first
            assert table.leads[0].since < table.leads[1].since
            assert "by owner" in str(table.border_subtitle)
            assert "Owner ▼" in [str(c.label) for c in table.columns.values()]
            await pilot.press("o")  # again: the other way round
            assert owners(table) == ["—"] * 2 + ["Sanne Bakker"] * 2 + ["Jan de Boer"] * 2
            await pilot.press("w")
            assert [lead.since for lead in table.leads] == waits
            # a click on a header sorts by that column
            column = next(k for k in table.columns if k.value == "owner")
            index = list(table.columns).index(column)
            table.post_message(
                DataTable.HeaderSelected(table, column, index, table.columns[column].label)
            )
            await wait_for(pilot, lambda: table.sort_by == "owner")
            assert owners(table)[0] == "Jan de Boer"
            column = next(k for k in table.columns if k.value == "age")
            index = list(table.columns).index(column)
            table.post_message(
                DataTable.HeaderSelected(table, column, index, table.columns[column].label)
            )
            await wait_for(pilot, lambda: table.sort_by == "waiting")
            assert [lead.since for lead in table.leads] == waits

    async def test_every_column_has_a_header(self, tmp_path: Path) -> None:
        app = app_for(write_workspace(tmp_path), FakeSource(waiting=3))
        async with app.run_test(size=(200, 50)) as pilot:
            main = await started(pilot)
            table = main.query_one(AttentionTable)
            await wait_for(pilot, lambda: table.row_count == 3)
            labels = [str(c.label).strip() for c in table.columns.values()]
            assert all(labels), labels
            assert "Hot" in labels and "Owner" in labels


class TestExport:
    async def test_e_writes_the_list_as_csv_and_never_overwrites(self, tmp_path: Path) -> None:
        out = tmp_path / "exports" / "attention"  # does not exist yet: created
        app = app_for(write_workspace(tmp_path / "ws"), FakeSource(waiting=120), export_dir=out)
        async with app.run_test(size=SIZE) as pilot:
            main = await started(pilot)
            table = main.query_one(AttentionTable)
            await wait_for(pilot, lambda: len(table.leads) == 120)
            await pilot.press("3", "o", "e")
            await wait_for(pilot, lambda: out.is_dir() and len(list(out.iterdir())) == 1)
            first = next(out.iterdir())
            assert first.name == "attention-20261118-110000.csv"
            with first.open(newline="", encoding="utf-8") as f:
                rows = list(csv.reader(f))
            assert tuple(rows[0]) == CSV_HEADER
            # every page, in the order listed (by owner), cell for cell
            expected = attention_rows(app.ws, table.leads, NOW)
            assert [tuple(r) for r in rows[1:]] == expected
            assert [r[1] for r in rows[1:]] == [lead.lead_id for lead in table.leads]
            assert rows[1][6] == "Jan de Boer"  # the owner's full name
            # the path is said, and a second export writes a new file
            await pilot.press("e")
            await wait_for(pilot, lambda: len(list(out.iterdir())) == 2)
            assert (out / "attention-20261118-110000-2.csv").is_file()
            assert first.read_text(encoding="utf-8").count("\n") == 121

    def test_output_folder_is_created_or_the_working_directory(
        self, tmp_path: Path, monkeypatch: object
    ) -> None:
        import pytest

        mp = pytest.MonkeyPatch()
        try:
            mp.chdir(tmp_path)
            mp.delenv("ACCORD_DASH_EXPORT_DIR", raising=False)
            assert output_folder() == tmp_path
            wanted = tmp_path / "a" / "b"
            assert output_folder(wanted) == wanted and wanted.is_dir()
            blocked = tmp_path / "file"
            blocked.write_text("x")
            assert output_folder(blocked / "sub") == tmp_path  # cannot create: cwd
            (tmp_path / "x.csv").write_text("")
            assert new_path(tmp_path, "x", ".csv") == tmp_path / "x-2.csv"
        finally:
            mp.undo()


class TestPaletteAndScreenshots:
    async def test_palette_has_no_duplicates(self, tmp_path: Path) -> None:
        app = app_for(write_workspace(tmp_path))
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            names = [name for name, _, _ in palette_entries(app)]
            names += [c.title for c in app.get_system_commands(app.screen)]
            assert names.count("Quit") == 1
            assert len(names) == len(set(names)), names
            assert any(name.startswith("Export") for name in names)
            assert any("SQL volume" in name for name in names)

    async def test_screenshot_goes_to_a_folder_that_exists(self, tmp_path: Path) -> None:
        out = tmp_path / "shots"  # missing: created
        app = app_for(write_workspace(tmp_path / "ws"), export_dir=out)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            path = app.save_picture()
            assert path is not None and path.parent == out and path.suffix == ".svg"
            assert path.read_text(encoding="utf-8").startswith("<svg")
            second = app.save_picture()
            assert second is not None and second != path


def test_rows_for_sorting_use_each_leads_clock(tmp_path: Path) -> None:
    from tui_support import snapshot, workspace

    from tui.rows import sort_leads

    ws = workspace(tmp_path)
    leads = snapshot(waiting=3).attention
    later = NOW + dt.timedelta(hours=1)
    # on the business clock L-0000 (since 05:47) and L-0001 (since 21:47 the day before)
    # have both waited 09:00–12:00: equal, so by id; L-0002 waited a day longer
    assert [x.lead_id for x in sort_leads(ws, leads, "waiting", later)] == [
        "L-0002",
        "L-0000",
        "L-0001",
    ]
