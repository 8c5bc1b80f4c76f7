"""The relationship's band in the dashboard header (issue 14): the latest assessment on
or before the day judged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from accord.loading import load_workspace
from tui.headline import relationship

REPO = Path(__file__).resolve().parents[2]


def test_the_band_of_the_latest_assessment_on_or_before_the_day() -> None:
    ws = load_workspace(REPO)  # the demo team: rounds on 2025-11-18, 2026-05-19, 2026-11-17
    assert relationship(ws, dt.date(2026, 11, 18)) == ("relationship: Aligned (71)", "Aligned")
    assert relationship(ws, dt.date(2026, 11, 16))[1] != "" and (
        relationship(ws, dt.date(2026, 11, 16)) != relationship(ws, dt.date(2026, 11, 18))
    )
    assert relationship(ws, dt.date(2025, 1, 1)) == ("", "")
