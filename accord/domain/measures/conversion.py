"""``conversion: {from: STAGE, to: STAGE, within?}`` — the share of the period's cohort
(leads whose first `from` is in the period) with a `to` event at or after it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from accord.domain.measures._base import Cohort, Row, Value, Words


class _Converted:
    """How many rows converted (within the limit)."""

    def __init__(self, spec: Any, rows: Mapping[str, Row]) -> None:
        self.rows = rows
        self.limit = None if spec.within is None else dt.timedelta(hours=spec.within)
        self.converted = 0

    def _converted(self, r: Row) -> bool:
        if r.to_at is None:
            return False
        return self.limit is None or r.to_at <= r.first_at + self.limit

    def build(self, at: dt.datetime) -> None:
        self.converted = sum(1 for r in self.rows.values() if self._converted(r))

    def forget(self, lead: str, row: Row) -> None:
        self.converted -= self._converted(row)

    def note(self, lead: str, row: Row, at: dt.datetime) -> None:
        self.converted += self._converted(row)

    def value(self, at: dt.datetime) -> Value:
        n = len(self.rows)
        return (self.converted / n if n else None), n, None


class Conversion(Cohort):
    name = "conversion"
    unit = "ratio"
    stages_only = True

    def aggregate(self, spec: Any, rows: Mapping[str, Row]) -> _Converted:
        return _Converted(spec, rows)

    def describe(self, spec: Any, who: str, words: Words) -> str:
        limit = "" if spec.within is None else f" within {words.hours(spec.within, 'calendar')}"
        return (
            f"Share of {who} that became {words.stage(spec.from_)} in the period "
            f"and later reached {words.stage(spec.to)}{limit}"
        )


KIND = Conversion()
