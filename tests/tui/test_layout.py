"""`tui.layout.fit`: names first, numbers never cut, a clear drop order."""

from __future__ import annotations

from tui.layout import Col, fit


def columns() -> list[Col]:
    return [
        Col("name", "Commitment", 28, "name", minimum=15),
        Col("value", "Value", 9, justify="right"),
        Col("status", "Status", 12),
        Col("pace", "Pace", 8, drop=2),
        Col("trend", "Trend", 6, "decor", minimum=6, maximum=12, step=6, drop=4),
        Col("who", "By → to", 20, "name", minimum=20, drop=8),
    ]


def test_wide_shows_everything_and_the_trend_grows_by_steps() -> None:
    widths = fit(columns(), 200)
    assert widths == {"name": 28, "value": 9, "status": 12, "pace": 8, "trend": 12, "who": 20}


def test_the_drop_order() -> None:
    # the extra column goes first, then the trend, then the name narrows, then the pace
    assert "who" not in fit(columns(), 90) and fit(columns(), 90)["name"] == 28
    narrow = fit(columns(), 70)
    assert "trend" not in narrow and narrow["name"] == 28 and "pace" in narrow
    narrower = fit(columns(), 60)
    assert "pace" in narrower and narrower["name"] == 60 - 2 * 4 - 9 - 12 - 8
    tight = fit(columns(), 50)
    assert "pace" not in tight and tight["name"] == 50 - 2 * 3 - 9 - 12


def test_numbers_are_never_cut() -> None:
    for width in range(30, 200):
        widths = fit(columns(), width)
        assert widths["value"] == 9 and widths["status"] == 12
        assert widths.get("pace", 8) == 8
