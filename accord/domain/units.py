"""Parsers for the typed values written as text in agreements.

* durations: ``"4h"``, ``"2d"``, ``"90m"``, ``"1w"`` (or a plain number of hours) → hours,
  more than 0 and at most `MAX_DURATION_HOURS` (10 years)
* percentages: ``"95%"`` or a ratio ``0.95`` → ratio in [0, 1]
* dates: ``2026-01-01`` → `datetime.date`

Each raises `ValueError` with a message a team lead can act on; pydantic turns
it into a positioned validation error.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from accord.domain.errors import clip

_DURATION = re.compile(r"^\s*(?P<num>-?\d+(?:\.\d+)?)\s*(?P<unit>m|min|h|d|w)\s*$")
_FACTORS = {"m": 1 / 60, "min": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
_PERCENT = re.compile(r"^\s*(?P<num>-?\d+(?:\.\d+)?)\s*%\s*$")

MAX_DURATION_HOURS = 24 * 3653
"""The longest duration an agreement may state: 10 years (3653 days)."""


def _shown(value: Any) -> str:
    """A value as a message quotes it: text clipped to one short line, numbers as written."""
    return f"'{clip(value)}'" if isinstance(value, str) else clip(repr(value))


def parse_duration(value: Any) -> float:
    """Hours of a duration such as ``"4h"``; a bare number is hours.

    A duration is more than 0 and at most 10 years (`MAX_DURATION_HOURS`).
    """
    if isinstance(value, bool):
        raise ValueError(f'expected a duration such as "4h", "2d" or "90m", found {value!r}')
    if isinstance(value, int | float):
        try:
            hours = float(value)
        except OverflowError:
            hours = math.inf
    elif isinstance(value, str):
        m = _DURATION.match(value)
        if not m:
            raise ValueError(
                f"{_shown(value)} is not a duration; write a number with a unit: "
                '"90m" (minutes), "4h" (hours), "2d" (days) or "1w" (weeks)'
            )
        hours = float(m["num"]) * _FACTORS[m["unit"]]
    else:
        raise ValueError(f'expected a duration such as "4h", found {type(value).__name__}')
    if math.isnan(hours):
        raise ValueError('a duration must be a number; write one such as "4h" or "2d"')
    if hours < 0:
        raise ValueError(f"duration {_shown(value)} is negative; durations must be more than 0")
    if hours == 0:
        raise ValueError(f"duration {_shown(value)} is zero; durations must be more than 0")
    if hours > MAX_DURATION_HOURS:
        raise ValueError(
            f"duration {_shown(value)} is longer than 10 years; durations are at most "
            '"3653d" (10 years)'
        )
    return hours


def parse_ratio(value: Any) -> float:
    """A ratio in [0, 1] from ``0.95`` or ``"95%"``."""
    if isinstance(value, bool):
        raise ValueError(f'expected a ratio such as 0.95 or "95%", found {value!r}')
    if isinstance(value, str):
        m = _PERCENT.match(value)
        if not m:
            raise ValueError(f'{_shown(value)} is not a percentage; write "95%" or 0.95')
        ratio = float(m["num"]) / 100
        if ratio > 1:
            raise ValueError(f"percentage {clip(value)} is over 100%; a share is 0% to 100%")
        if ratio < 0:
            raise ValueError(f"percentage {clip(value)} is negative; a share is 0% to 100%")
        return ratio
    if isinstance(value, int | float):
        try:
            ratio = float(value)
        except OverflowError:
            ratio = math.inf
        if not 0 <= ratio <= 1:  # also NaN
            raise ValueError(
                f"ratio {_shown(value)} is outside 0..1; write a share such as 0.95 or a "
                'percentage "95%"'
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
    raise ValueError(f"{_shown(value)} is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31")


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
                {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_DURATION_HOURS},
            ],
            "description": 'A duration: "90m", "4h", "2d", "1w", or a number of hours '
            "(more than 0, at most 10 years).",
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
