"""Parsers for the typed values written as text in agreements.

* durations: ``"4h"``, ``"2d"``, ``"90m"``, ``"1w"`` (or a plain number of hours) → hours
* percentages: ``"95%"`` or a ratio ``0.95`` → ratio in [0, 1]
* dates: ``2026-01-01`` → `datetime.date`

Each raises `ValueError` with a message a team lead can act on; pydantic turns
it into a positioned validation error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

_DURATION = re.compile(r"^\s*(?P<num>-?\d+(?:\.\d+)?)\s*(?P<unit>m|min|h|d|w)\s*$")
_FACTORS = {"m": 1 / 60, "min": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
_PERCENT = re.compile(r"^\s*(?P<num>-?\d+(?:\.\d+)?)\s*%\s*$")


def parse_duration(value: Any) -> float:
    """Hours of a duration such as ``"4h"``; a bare number is hours."""
    if isinstance(value, bool):
        raise ValueError(f'expected a duration such as "4h", "2d" or "90m", found {value!r}')
    if isinstance(value, int | float):
        hours = float(value)
    elif isinstance(value, str):
        m = _DURATION.match(value)
        if not m:
            raise ValueError(
                f"'{value}' is not a duration; write a number with a unit: "
                '"90m" (minutes), "4h" (hours), "2d" (days) or "1w" (weeks)'
            )
        hours = float(m["num"]) * _FACTORS[m["unit"]]
    else:
        raise ValueError(f'expected a duration such as "4h", found {type(value).__name__}')
    if hours < 0:
        raise ValueError(f"duration {value!r} is negative; durations must be 0 or more")
    return hours


def parse_ratio(value: Any) -> float:
    """A ratio in [0, 1] from ``0.95`` or ``"95%"``."""
    if isinstance(value, bool):
        raise ValueError(f'expected a ratio such as 0.95 or "95%", found {value!r}')
    if isinstance(value, str):
        m = _PERCENT.match(value)
        if not m:
            raise ValueError(f"'{value}' is not a percentage; write \"95%\" or 0.95")
        ratio = float(m["num"]) / 100
        if ratio > 1:
            raise ValueError(f"percentage {value} is over 100%; a share is 0% to 100%")
        if ratio < 0:
            raise ValueError(f"percentage {value} is negative; a share is 0% to 100%")
        return ratio
    if isinstance(value, int | float):
        ratio = float(value)
        if not 0 <= ratio <= 1:
            raise ValueError(
                f'ratio {value} is outside 0..1; write a share such as 0.95 or a percentage "95%"'
            )
        return ratio
    raise ValueError(f'expected a ratio such as 0.95 or "95%", found {type(value).__name__}')


def parse_date(value: Any) -> dt.date:
    """A calendar date written ``YYYY-MM-DD``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31")


def format_hours(hours: float) -> str:
    """Shortest unit that writes `hours` exactly: ``4h``, ``2d``, ``90m``."""
    if hours and hours % 24 == 0:
        return f"{hours / 24:g}d"
    if hours == int(hours):
        return f"{hours:g}h"
    return f"{hours * 60:g}m"


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    PlainSerializer(format_hours, return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^\d+(\.\d+)?\s*(m|min|h|d|w)$"},
                {"type": "number", "minimum": 0},
            ],
            "description": 'A duration: "90m", "4h", "2d", "1w", or a number of hours.',
        }
    ),
]
"""Hours, written as ``"4h"``, ``"2d"``, ``"90m"``."""

Date = Annotated[
    dt.date,
    BeforeValidator(parse_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
"""A date written YYYY-MM-DD."""
