"""The domain: what an agreement is, independent of files, stores and screens.

* `model` — one strict pydantic model per kind (``from accord.domain import model as m``).
* `Workspace`, `CommitmentRef`, `Bounds`, `Member`, `maturity` — the loaded documents,
  cross-referenced.
* `BusinessCalendar`, `period_bounds`, `elapsed_fraction` — time on the business clock
  and calendar periods.
* `parse_duration`, `parse_ratio`, `format_hours` — the typed values written as text.
* `Clock`, `system_now`, `parse_instant`, `today_in`, `iso_z` — "now" and as-of instants.
* `AccordError` and its subclasses, `Problem` — every area's errors.
"""

from accord.domain import model
from accord.domain.calendar import (
    WEEKDAYS,
    BusinessCalendar,
    Per,
    calendar_hours_add,
    elapsed_fraction,
    parse_hours,
    period_bounds,
)
from accord.domain.clock import Clock, end_of_day, iso_z, parse_instant, system_now, today_in
from accord.domain.errors import (
    AccordError,
    HistoryError,
    ImportRejected,
    LoadError,
    MetricError,
    Problem,
    Severity,
    StoreError,
    ValidationFailed,
    redact_url,
)
from accord.domain.units import format_hours, parse_date, parse_duration, parse_ratio
from accord.domain.workspace import (
    DEFAULT_STORE,
    Bounds,
    CommitmentRef,
    Member,
    Workspace,
    maturity,
)

__all__ = [
    "AccordError",
    "Bounds",
    "BusinessCalendar",
    "Clock",
    "CommitmentRef",
    "DEFAULT_STORE",
    "HistoryError",
    "ImportRejected",
    "LoadError",
    "Member",
    "MetricError",
    "Per",
    "Problem",
    "Severity",
    "StoreError",
    "ValidationFailed",
    "WEEKDAYS",
    "Workspace",
    "calendar_hours_add",
    "elapsed_fraction",
    "end_of_day",
    "format_hours",
    "iso_z",
    "maturity",
    "model",
    "parse_date",
    "parse_duration",
    "parse_hours",
    "parse_instant",
    "parse_ratio",
    "period_bounds",
    "redact_url",
    "system_now",
    "today_in",
]
