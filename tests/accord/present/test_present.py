"""`accord.present`: one vocabulary for values, targets, statuses and paces on every face."""

from __future__ import annotations

import pytest

from accord.domain.workspace import Bounds
from accord.present import (
    format_conversion,
    format_hours,
    format_projection,
    format_target,
    format_value,
    status_label,
)


class TestStatus:
    @pytest.mark.parametrize(
        ("status", "text"),
        [
            ("breached", "✖ breached"),
            ("at_risk", "▲ at risk"),
            ("on_track", "● on track"),
            ("met", "✔ met"),
            ("no_data", "○ no data"),
        ],
    )
    def test_symbol_and_word_not_colour_only(self, status: str, text: str) -> None:
        assert status_label(status) == text

    def test_unknown_status_still_readable(self) -> None:
        assert status_label("weird_one") == "? weird one"


class TestNumbers:
    @pytest.mark.parametrize(
        ("value", "unit", "text"),
        [
            (57, "count", "57"),
            (1234567, "count", "1,234,567"),
            (12.5, "count", "12.5"),
            (0.95, "ratio", "95%"),
            (0.875, "ratio", "87.5%"),
            (1.0, "ratio", "100%"),
            (0.28, "ratio", "28%"),
            (0.07, "ratio", "7%"),
            (0.0995, "ratio", "10%"),
            (3.25, "hours", "3h 15m"),
            (0.75, "hours", "45m"),
            (52, "hours", "2d 4h"),
            (950, "money", "950"),
            (45300, "money", "45,300"),
            (1234.5, "money", "1,234.5"),
        ],
    )
    def test_format_value_by_unit(self, value: float, unit: str, text: str) -> None:
        assert format_value(value, unit) == text

    def test_no_value_is_no_data_with_cohort_never_100_percent(self) -> None:
        assert format_value(None, "ratio") == "no data"
        assert format_value(None, "ratio", cohort=0) == "no data (0 leads)"
        assert format_value(float("nan"), "ratio") == "no data"

    def test_hours(self) -> None:
        assert format_hours(4) == "4h"
        assert format_hours(-1.5) == "-1h 30m"
        assert format_hours(float("inf")) == "—"

    def test_bounds(self) -> None:
        assert format_target(Bounds(120, None, None), "count") == "≥ 120"
        assert format_target(Bounds(None, 4, None), "hours") == "≤ 4h"
        assert format_target(Bounds(0.95, None, 0.9), "ratio") == "≥ 95% (warn 90%)"
        assert format_target(Bounds(0.95, None, 0.9), "ratio", warn=False) == "≥ 95%"
        assert format_target(Bounds(0.9, 1.0, None), "ratio") == "90%–100%"
        assert format_target(Bounds(None, None, None), "count") == "—"

    def test_projection_and_conversion(self) -> None:
        assert format_projection(None, "count") == "—"
        assert format_projection(130.2, "count") == "→ 130"
        assert format_projection(1_229_830.7, "money") == "→ 1,229,831"
        assert format_projection(0.5, "ratio") == "→ 50%"
        assert format_conversion(None) == "—"
        assert format_conversion(57 / 410) == "13.9%"

    def test_money_compact_where_space_is_short(self) -> None:
        assert format_value(45300, "money", compact=True) == "45.3k"
        assert format_value(1_200_000, "money", compact=True) == "1.2M"
        assert format_value(950, "money", compact=True) == "950"
        assert format_target(Bounds(630_000, None, None), "money", compact=True) == "≥ 630.0k"


def test_a_within_measure_reads_as_a_sentence() -> None:
    """'Share of leads had a accepted event …' was the sentence before."""
    from pathlib import Path

    from accord.loading.validate import load_workspace
    from accord.present import describe_measure

    ws = load_workspace(Path(__file__).parents[3])  # the repository's agreements/
    said = {k.id: describe_measure(k, ws) for k in ws.kpis.values()}
    assert said["sql-acceptance-rate"] == (
        "Share of leads that had an accepted event within 7 days of becoming SQL"
    )
    assert said["handover-in-time"] == (
        "Share of leads that had a handed-over event within 16 working hours of becoming Customer"
    )
    assert said["hot-lead-response"] == (
        "Share of hot leads (hot = true) contacted within 4 working hours of becoming SQL"
    )
