"""What every measure kind provides (`MeasureKind`), and the pieces they share.

A measure kind is one module of this package holding one `MeasureKind` object:
its unit, whether pace applies, how costly it is, the events it matches, and —
for the kinds computed per lead (`Cohort` kinds) — how a lead's row is made and
how the rows add up to a value, kept up to date row by row (`Aggregate`). Its
description in words is part of it too. The metric engine (`accord.metrics`)
runs the SQL and keeps the rows; it asks the kind for everything else.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal, NamedTuple, Protocol

from accord.domain import model as m

Clock = Literal["business", "calendar"]
Value = tuple[float | None, int | None, list[str] | None]
"""(value, cohort size, lead ids) of a commitment as of an instant."""


class Row(NamedTuple):
    """One lead of a cohort. A tuple of atoms: compact, and untracked by the garbage
    collector, whose passes over a large cohort would otherwise dominate a refresh."""

    first_at: dt.datetime
    to_at: dt.datetime | None
    deadline: dt.datetime | None = None
    hours: float | None = None


class Timing(Protocol):
    """The evaluation's clockwork: the instant and the workspace's business calendar."""

    at: dt.datetime

    def deadline(self, start: dt.datetime, hours: float, clock: str) -> dt.datetime: ...

    def hours(self, start: dt.datetime, end: dt.datetime, clock: str) -> float: ...


class Words(Protocol):
    """How events, stages and durations read (`accord.present` provides it)."""

    def stage(self, stage_id: str) -> str: ...

    def event(self, match: m.Match, *, gerund: bool = False) -> str: ...

    def event_clause(self, match: m.Match) -> str: ...

    def hours(self, hours: float, clock: str) -> str: ...

    def ordinal(self, n: float) -> str: ...


class Aggregate(Protocol):
    """Running totals over a cohort's rows, so a refresh costs what changed."""

    def build(self, at: dt.datetime) -> None:
        """Compute the totals from all rows."""

    def forget(self, lead: str, row: Row) -> None:
        """Take a lead's row out (called while the rows still hold it)."""

    def note(self, lead: str, row: Row, at: dt.datetime) -> None:
        """Add a lead's new row."""

    def value(self, at: dt.datetime) -> Value:
        """The value as of `at`."""


class MeasureKind(Protocol):
    """One kind of measure (``count``, ``within``, …): everything Accord knows of it."""

    @property
    def name(self) -> str:
        """The key under ``measure:`` in a KPI."""

    @property
    def unit(self) -> str:
        """The unit its values are in (a KPI with this measure must say so)."""

    @property
    def also_fits(self) -> tuple[str, ...]:
        """Other KPI units it may be given."""

    @property
    def paced(self) -> bool:
        """Whether a running calendar period projects its value to the period's end."""

    @property
    def period_bound(self) -> bool:
        """Whether it is evaluated per period (`open` is not: it lists who waits now)."""

    @property
    def cost(self) -> int:
        """Cost of a full evaluation: 0 one SQL aggregate, 1 a period's cohort, 2 all time."""

    @property
    def amount(self) -> Literal["count", "sum"] | None:
        """For kinds that are one SQL aggregate: which one. None for cohort kinds."""

    @property
    def stages_only(self) -> bool:
        """Whether its references are stage ids (conversion), not event matchers."""

    def references(self, spec: Any) -> list[tuple[tuple[str, ...], m.Match]]:
        """The stages or events its spec names, each with its path under the kind's key
        (for the validator's "unknown stage" errors)."""

    def matchers(self, spec: Any) -> list[m.EventMatch]:
        """The events it reads: ``[match]`` for amounts, ``[from, to]`` for cohorts."""

    def row(self, spec: Any, first_at: dt.datetime, to_at: dt.datetime | None, t: Timing) -> Row:
        """A cohort lead's row, from its first `from` event and the first `to` after it."""

    def aggregate(self, spec: Any, rows: Mapping[str, Row]) -> Aggregate:
        """Fresh running totals over `rows` (kept in step by the engine)."""

    def from_amount(self, amount: Decimal) -> Value:
        """The value of an amount kind from its SQL aggregate."""

    def describe(self, spec: Any, who: str, words: Words) -> str:
        """One sentence saying what it measures, for `who` ("hot leads (hot = true)")."""


class _Kind:
    """What every kind has unless it says otherwise."""

    name = ""
    unit = "count"
    also_fits: tuple[str, ...] = ()
    paced = False
    period_bound = True
    cost = 1
    amount: Literal["count", "sum"] | None = None
    stages_only = False


class Amount(_Kind):
    """Base of the kinds that are one SQL aggregate over a period (count, sum)."""

    paced = True
    cost = 0

    def row(self, spec: Any, first_at: dt.datetime, to_at: dt.datetime | None, t: Timing) -> Row:
        raise TypeError(f"{self.name} is not computed per lead")

    def aggregate(self, spec: Any, rows: Mapping[str, Row]) -> Aggregate:
        raise TypeError(f"{self.name} is not computed per lead")


class Cohort(_Kind):
    """Base of the kinds computed from a cohort's rows (conversion, within, duration, open)."""

    unit = "ratio"

    def references(self, spec: Any) -> list[tuple[tuple[str, ...], m.Match]]:
        return [(("from",), spec.from_), (("to",), spec.to)]

    def matchers(self, spec: Any) -> list[m.EventMatch]:
        return [m.as_match(spec.from_), m.as_match(spec.to)]

    def row(self, spec: Any, first_at: dt.datetime, to_at: dt.datetime | None, t: Timing) -> Row:
        return Row(first_at, to_at)

    def from_amount(self, amount: Decimal) -> Value:
        raise TypeError(f"{self.name} is not one SQL aggregate")


def discard(ordered: list[Any], value: Any) -> None:
    """Remove one occurrence of `value` from the sorted list `ordered`."""
    i = bisect_left(ordered, value)
    assert i < len(ordered) and ordered[i] == value
    del ordered[i]
