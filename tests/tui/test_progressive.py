"""The first frame paints progressively: each commitment as its result arrives, the
others shown as "…"/evaluating; later refreshes are not progressive."""

from __future__ import annotations

import threading
from pathlib import Path

from test_app import SIZE, app_for, cell_text, header, wait_for
from tui_support import NOW, FakeSource, fill_store, workspace, write_workspace

from tui.data import Snapshot, StoreSource
from tui.rows import commitment_cells
from tui.widgets.attention import AttentionTable
from tui.widgets.commitments import CommitmentTable

FIRST = "c:marketing-sales-sla/sql-volume"
LATER = "c:speed/contact-time"


class TestStoreSource:
    def test_partial_snapshots_then_the_complete_one(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'funnel.db'}"
        fill_store(url)
        ws = workspace(tmp_path / "ws")
        source = StoreSource(url)
        seen: list[Snapshot] = []
        try:
            snap = source.fetch(ws, at=None, now=NOW, per="month", on_partial=seen.append)
            again: list[Snapshot] = []
            source.fetch(ws, at=None, now=NOW, per="month", on_partial=again.append)
        finally:
            source.close()
        total = len(snap.evaluation.commitments)
        assert total >= 2 and len(seen) == total
        assert [len(s.pending) for s in seen] == list(range(total - 1, -1, -1))
        assert not snap.pending and snap.store.events > 0
        final = {(c.agreement, c.id): c.value for c in snap.evaluation.commitments}
        for c in seen[-1].evaluation.commitments:
            assert final[(c.agreement, c.id)] == c.value
        assert again == []  # an incremental refresh: nothing to paint progressively
        # while loading, the attention list is not claimed to be empty
        assert all(not s.attention_known for s in seen)

    def test_pending_rows_show_evaluating(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 'funnel.db'}"
        fill_store(url)
        ws = workspace(tmp_path / "ws")
        source = StoreSource(url)
        seen: list[Snapshot] = []
        try:
            source.fetch(ws, at=None, now=NOW, per="month", on_partial=seen.append)
        finally:
            source.close()
        cells = {c.key: c for c in commitment_cells(ws, seen[0])}
        pending = [c for c in cells.values() if c.key.startswith("c:") and c.value == "…"]
        assert len(pending) == len(seen[0].pending)
        assert all(c.status == "evaluating" for c in pending)
        done = [c for c in cells.values() if c.key.startswith("c:") and c.value != "…"]
        assert len(done) == 1 and done[0].status != "evaluating"


class TestProgressiveFrame:
    async def test_values_paint_as_they_arrive(self, tmp_path: Path) -> None:
        root = write_workspace(tmp_path / "ws")
        source = FakeSource()
        source.hold = threading.Event()
        app = app_for(root, source)
        async with app.run_test(size=SIZE) as pilot:
            main = app.main_screen()
            await wait_for(pilot, lambda: main.snapshot is not None)
            table = main.query_one(CommitmentTable)
            await wait_for(pilot, lambda: cell_text(table, FIRST, "value") != "…")
            assert cell_text(table, LATER, "value") == "…"
            assert "evaluating" in cell_text(table, LATER, "status")
            assert header(app, "freshness").startswith("evaluating… 1 of ")
            # the attention list is not known yet: it says so, never "nobody waiting"
            attention = main.query_one(AttentionTable)
            assert attention.border_subtitle == "finding who waits…"
            source.hold.set()
            await wait_for(pilot, lambda: cell_text(table, LATER, "value") != "…")
            assert "evaluating" not in cell_text(table, LATER, "status")
            assert "events" in header(app, "freshness")
            await wait_for(pilot, lambda: "waiting" in str(attention.border_subtitle))
            assert "finding" not in str(attention.border_subtitle)
            # the next refresh (same question) is not progressive
            await pilot.press("r")
            await wait_for(pilot, lambda: len(source.calls) >= 2)
            assert source.calls[-1]["partial"] is None
