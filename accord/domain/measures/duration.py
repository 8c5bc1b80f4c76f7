"""``duration: {from, to, percentile, clock}`` — over the cohort leads with a `to` event at
or after their first `from`, the nearest-rank percentile of the hours between them."""

from __future__ import annotations

import datetime as dt
import math
from bisect import insort
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from accord.domain.measures._base import Cohort, Row, Timing, Value, Words, discard


def nearest_rank(values: list[float], percentile: float, *, ordered: bool = False) -> float | None:
    """The nearest-rank `percentile` (0 < P <= 100) of `values` (already sorted when
    `ordered`); None when empty."""
    if not values:
        return None
    if not ordered:
        values = sorted(values)
    rank = math.ceil(Fraction(str(percentile)) * len(values) / 100)
    return values[max(rank, 1) - 1]


class _Hours:
    """The sorted hours of the rows that reached `to`."""

    def __init__(self, spec: Any, rows: Mapping[str, Row]) -> None:
        self.rows = rows
        self.percentile: float = spec.percentile
        self.hours: list[float] = []

    def build(self, at: dt.datetime) -> None:
        self.hours = sorted(r.hours for r in self.rows.values() if r.hours is not None)

    def forget(self, lead: str, row: Row) -> None:
        if row.hours is not None:
            discard(self.hours, row.hours)

    def note(self, lead: str, row: Row, at: dt.datetime) -> None:
        if row.hours is not None:
            insort(self.hours, row.hours)

    def value(self, at: dt.datetime) -> Value:
        return nearest_rank(self.hours, self.percentile, ordered=True), len(self.hours), None


class Duration(Cohort):
    name = "duration"
    unit = "hours"

    def row(self, spec: Any, first_at: dt.datetime, to_at: dt.datetime | None, t: Timing) -> Row:
        if to_at is None:
            return Row(first_at, to_at)
        return Row(first_at, to_at, None, t.hours(first_at, to_at, spec.clock))

    def aggregate(self, spec: Any, rows: Mapping[str, Row]) -> _Hours:
        return _Hours(spec, rows)

    def describe(self, spec: Any, who: str, words: Words) -> str:
        which = (
            "Median" if spec.percentile == 50 else f"{words.ordinal(spec.percentile)} percentile of"
        )
        unit = "working hours" if spec.clock == "business" else "hours"
        return (
            f"{which} {unit} from {words.event(spec.from_, gerund=True)} to "
            f"{words.event(spec.to, gerund=True)}, over {who} in the period"
        )


KIND = Duration()
