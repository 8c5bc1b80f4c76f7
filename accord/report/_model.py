"""The monthly pack as data: what `build_report` found, ready for any renderer."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from accord.domain.calendar import period_bounds
from accord.metrics import CommitmentResult, Status
from accord.store import StoreInfo

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, the report's period (``2026-11``)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1970 <= self.year <= 9999:
            raise ValueError(f"not a month: {self.year}-{self.month}")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    @property
    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def bounds(self, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """Start (inclusive) and end (exclusive) in UTC, local midnights in `tz`."""
        start = dt.datetime.combine(self.first_day, dt.time(12), tz)
        return period_bounds("month", start, tz)

    def contains(self, day: dt.date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    @classmethod
    def of(cls, moment: dt.datetime, tz: ZoneInfo) -> Month:
        """The month of `moment` in `tz`."""
        local = moment.astimezone(tz)
        return cls(local.year, local.month)


def parse_period(text: str) -> Month:
    """``2026-11`` → `Month`; `ValueError` with what is allowed otherwise."""
    found = _MONTH.match(text)
    try:
        if found is None:
            raise ValueError
        return Month(int(found.group(1)), int(found.group(2)))
    except ValueError:
        raise ValueError(f"--period {text!r}: expected a month as YYYY-MM, e.g. 2026-11") from None


@dataclass(frozen=True)
class Line:
    """One commitment: its result in the period and in the one before."""

    agreement: str
    agreement_title: str
    commitment: str
    title: str
    """The commitment in words ("SQL volume")."""
    text: str
    by_to: str
    """``Marketing → Sales``."""
    target: str
    """``≥ 120``."""
    unit: str
    current: CommitmentResult | None
    """The result as of the period's end (or the report's instant, while it runs);
    None when the commitment was not in force then."""
    previous: CommitmentResult | None

    @property
    def status(self) -> Status | None:
        return self.current.status if self.current is not None else None


@dataclass(frozen=True)
class LeadRow:
    """A lead behind a breach."""

    lead_id: str
    owner: str | None
    """The owner's name (or id when not a team member)."""
    waiting_hours: float | None
    stage: str | None


@dataclass(frozen=True)
class Breach:
    """A commitment breached (or at risk) at the period's end, with its leads."""

    line: Line
    leads: tuple[LeadRow, ...] = ()
    leads_known: bool = True
    """False when the measure has no per-lead list (only `open` measures have one)."""


@dataclass(frozen=True)
class Change:
    """One commit that changed an agreement in the period."""

    date: dt.date
    title: str
    author: str
    pr: str | None
    approvers: tuple[str, ...]
    lines: tuple[str, ...]
    """The changes in words (`accord.present.ChangeWords`)."""


@dataclass(frozen=True)
class Changed:
    """An agreement changed in the period."""

    agreement: str
    title: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Due:
    """An agreement whose review date has passed or falls before the next meeting."""

    agreement: str
    title: str
    review_by: dt.date
    overdue: bool


@dataclass(frozen=True)
class Maturity:
    """The latest diagnostic round at the period's end."""

    assessment: str
    date: dt.date
    score: int
    high: int
    stage: str | None
    teams: tuple[tuple[str, int], ...]
    """(team name, score)."""
    largest_gap: tuple[str, int] | None
    """(statement, gap) where the teams disagree most; None when they agree."""


@dataclass(frozen=True)
class Report:
    """The pack for the joint monthly meeting."""

    workspace: str
    language: str
    tz: ZoneInfo
    period: Month
    as_of: dt.datetime
    """The instant the period's results are as of: its end, or the report's instant
    while the period runs."""
    previous_as_of: dt.datetime
    made_at: dt.datetime
    store: StoreInfo | None
    lines: tuple[Line, ...]
    breaches: tuple[Breach, ...]
    changed: tuple[Changed, ...]
    due: tuple[Due, ...]
    maturity: Maturity | None
    running: bool = False
    """The period had not ended when the report was made: its results are so far."""
    notes: tuple[str, ...] = field(default=())
    """What could not be read (history, agreements in force), one line each."""
