"""A lead's story (Enter on a lead, `accord lead ID`): its events, which commitments it
counts for and why, with the deadline on the business clock across a weekend and a
holiday; and the header's freshness in words, events stamped in the future flagged."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from test_app import app_for, started, wait_for
from testclock import Cli
from tui_support import NOW, FakeSource, snapshot, write_workspace

from accord._cli_lead import lead
from tui.app import make_app
from tui.headline import Part, ago, fit_row, freshness
from tui.screens.lead import LeadScreen
from tui.widgets.attention import AttentionTable

TZ_NOTE = "Europe/Amsterdam"
FRIDAY_16 = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
"""Friday 16:00 in Amsterdam: one working hour left that day."""
THEN = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
"""Wednesday 11:00 in Amsterdam, after a weekend and a holiday (Monday 23 November)."""


def holiday_workspace(root: Path) -> Path:
    write_workspace(root, store="sqlite:///.accord/funnel.db")
    path = root / "agreements" / "workspace.yaml"
    text = path.read_text()
    path.write_text(text.replace('  hours: "09:00-17:00"\n', '  hours: "09:00-17:00"\n'
                                 "  holidays: [2026-11-23]\n", 1))  # fmt: skip
    (root / ".accord").mkdir()
    return root


def fill(root: Path, *, future: bool = False) -> str:
    from accord.store import Store, add_events, add_leads

    url = f"sqlite:///{root}/.accord/funnel.db"
    store = Store.open(url)
    rows: list[dict[str, Any]] = [
        {"lead_id": "L-HOT", "at": FRIDAY_16 - dt.timedelta(hours=5), "type": "entered",
         "stage": "lead"},
        {"lead_id": "L-HOT", "at": FRIDAY_16, "type": "entered", "stage": "sql"},
    ]  # fmt: skip
    if future:
        rows.append({"lead_id": "L-HOT", "at": dt.datetime(2027, 1, 21, 9, tzinfo=dt.UTC),
                     "type": "contacted"})  # fmt: skip
    try:
        with store.write() as conn:
            add_leads(conn, [{"lead_id": "L-HOT", "created_at": FRIDAY_16, "hot": True,
                              "owner": "sanne", "source": "web", "value": 1000,
                              "attributes": {"company": "Blue Retail"}}])  # fmt: skip
            add_events(conn, rows)
    finally:
        store.close()
    return url


class TestLeadStory:
    async def test_enter_on_a_lead_tells_its_story(self, tmp_path: Path) -> None:
        root = holiday_workspace(tmp_path)
        url = fill(root, future=True)
        app = make_app(root, store_url=url, clock=lambda: THEN, refresh=60.0)
        async with app.run_test(size=(120, 36)) as pilot:
            main = await started(pilot)
            table = main.query_one(AttentionTable)
            await wait_for(pilot, lambda: len(table.leads) == 1, 10)
            assert table.leads[0].name == "Blue Retail"
            await pilot.press("3", "enter")
            await wait_for(pilot, lambda: isinstance(app.screen, LeadScreen))
            screen = app.screen
            assert isinstance(screen, LeadScreen)
            await wait_for(pilot, lambda: bool(screen.lines), 10)
            text = "\n".join(f"{a} {b}" for a, b in screen.lines)
            assert "Blue Retail · L-HOT · owner Sanne Bakker · hot" in text
            assert "Fri 2026-11-20 16:00  entered Sales Qualified Lead" in text
            # the contact stamped in 2027 is shown, flagged, and counts for nothing
            assert "Thu 2027-01-21 10:00  contacted  ⚠ stamped in the future" in text
            # 4 working hours from Friday 16:00: 1 on Friday, none on the weekend or on
            # the holiday, 3 on Tuesday: due Tuesday 12:00
            assert "No hot waiting (Marketing and Sales SLA): waiting" in text
            assert "deadline: Tue 2026-11-24 12:00 (4h of working hours after the from" in text
            # Friday 1h + Tuesday 8h + Wednesday 09:00–11:00 2h
            assert "waited: 11h in working hours" in text
            assert "Hot lead callback (Marketing and Sales SLA): missed" in text
            assert "SQL volume (Marketing and Sales SLA): counted" in text
            await pilot.press("escape")
            assert not isinstance(app.screen, LeadScreen)

    def test_accord_lead_prints_the_same_story(self, tmp_path: Path) -> None:
        root = holiday_workspace(tmp_path)
        fill(root)
        result = Cli(now=THEN).invoke(lead, ["L-HOT", str(root)])
        assert result.exit_code == 0, result.output
        assert "deadline: Tue 2026-11-24 12:00" in result.output
        assert "waited: 11h in working hours" in result.output
        # before the deadline the lead is not late yet
        early = Cli(now=dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)).invoke(
            lead, ["L-HOT", str(root)]
        )
        assert "No hot waiting (Marketing and Sales SLA): not yet late" in early.output
        assert "waited: 2h in working hours" in early.output  # Fri 1h + Tue 09:00–10:00
        missing = Cli(now=THEN).invoke(lead, ["L-NOPE", str(root)])
        assert missing.exit_code == 1 and "no lead 'L-NOPE'" in missing.output


class TestFreshness:
    def test_in_words(self) -> None:
        assert ago(2) == "just now"
        assert ago(61) == "1 minute ago" and ago(180) == "3 minutes ago"
        assert ago(7200) == "2 hours ago" and ago(86400 * 3) == "3 days ago"

    def test_future_events_are_flagged_not_newest(self) -> None:
        import zoneinfo

        tz = zoneinfo.ZoneInfo(TZ_NOTE)
        snap = snapshot()
        text, _ = freshness(snap, NOW, tz, NOW)
        assert "newest event 3 minutes ago" in text and "refreshed 11:00:00" in text
        future = replace(
            snap,
            store=replace(snap.store, last_event_at=dt.datetime(2027, 1, 21, tzinfo=dt.UTC)),
            newest_event=NOW - dt.timedelta(minutes=3),
            later_events=1,
            later_first=dt.datetime(2027, 1, 21, tzinfo=dt.UTC),
        )
        text, short = freshness(future, NOW, tz, NOW)
        assert "newest event 3 minutes ago" in text
        assert "⚠ 1 event stamped in the future (2027-01-21), not counted" in text
        assert "2027" not in text.split("⚠")[0] and "⚠" in short

    def test_header_rows_fit(self) -> None:
        parts = [
            Part("title", "Accord · Roosterwerk", "Roosterwerk", 3),
            Part("asof", "as of 2026-12-02 11:31 (live)", "", 9),
            Part("period", "funnel per month: Dec 2026", "Dec 2026", 2),
        ]
        assert fit_row(parts, 200)["period"] == "funnel per month: Dec 2026"
        fitted = fit_row(parts, 78)
        assert fitted["period"] == "Dec 2026" and fitted["asof"].startswith("as of")
        assert sum(len(t) + 2 for t in fitted.values() if t) <= 78

    async def test_header_at_80_columns(self, tmp_path: Path) -> None:
        from tui.widgets.header import StatusHeader

        app = app_for(write_workspace(tmp_path), FakeSource())
        async with app.run_test(size=(80, 24)) as pilot:
            main = await started(pilot)
            header = main.query_one(StatusHeader)
            row2 = "  ".join(t for t in (header.shown("state"), header.shown("freshness"),
                                         header.shown("agreements")) if t)  # fmt: skip
            assert len(row2) <= 78 and "newest event 3 minutes ago" in row2
