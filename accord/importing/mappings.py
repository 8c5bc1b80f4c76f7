"""Column mappings for `accord import`: how a CRM export's columns become ours.

A `Mapping` says, for each of Accord's column names (``lead_id``, ``at``,
``stage``, …), which column names of a foreign file hold it (alternatives, first
present wins, compared case-insensitively), how values translate (e.g. HubSpot's
lifecycle stage "Marketing Qualified Lead" → our stage id ``mql``), defaults for
columns the file lacks (``type: entered``), date columns that become ``entered``
events of a stage (HubSpot's "Became a … Date"), and extra time formats.

Two mappings are built in, `hubspot` and `salesforce` (see docs/import.md);
`load_mapping` also reads a YAML mapping file through Accord's safe YAML loader.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from accord.domain.errors import LoadError, Problem
from accord.loading import Document, load_bytes

_FORMAT_PROBE = dt.datetime(2000, 1, 2, 3, 4, 5)
"""A fixed instant to try a time format on (strftime refuses a malformed one)."""

LEAD_FIELDS = ("lead_id", "created_at", "source", "segment", "hot", "value", "owner")
"""Columns of a leads file (other columns become the lead's attributes)."""
EVENT_FIELDS = ("lead_id", "at", "type", "stage", "actor", "event_id")
"""Columns of an events file (other columns become the event's extra data)."""
FIELDS = tuple(dict.fromkeys((*LEAD_FIELDS, *EVENT_FIELDS)))


@dataclass(frozen=True)
class Mapping:
    """How the columns and values of a foreign file map to Accord's."""

    name: str
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Our column → their column names (alternatives, first present wins)."""
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Our column → {their value (case-insensitive) → our value}; None means empty."""
    defaults: dict[str, str] = field(default_factory=dict)
    """Our column → value used when the file has no such column (e.g. type: entered)."""
    stage_dates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Stage id → date columns of a leads file; each date becomes an `entered` event."""
    time_formats: tuple[str, ...] = ()
    """strptime formats tried after ISO-8601 (e.g. "%m/%d/%Y %I:%M %p")."""

    def value_map(self, column: str) -> dict[str, Any]:
        """The value map of `column`, keyed by casefolded foreign value."""
        return {k.casefold(): v for k, v in self.values.get(column, {}).items()}


PLAIN = Mapping(name="accord")
"""No mapping: the file uses Accord's own column names."""

_HUBSPOT_STAGES: dict[str, Any] = {
    "subscriber": "lead",
    "lead": "lead",
    "marketing qualified lead": "mql",
    "marketingqualifiedlead": "mql",
    "mql": "mql",
    "sales qualified lead": "sql",
    "salesqualifiedlead": "sql",
    "sql": "sql",
    "opportunity": "opportunity",
    "customer": "customer",
    "evangelist": "retained",
    "other": None,
}

HUBSPOT = Mapping(
    name="hubspot",
    columns={
        "lead_id": ("Record ID", "Contact ID", "hs_object_id"),
        "created_at": ("Create Date", "createdate"),
        "source": ("Original Source", "hs_analytics_source"),
        "segment": ("Industry", "industry"),
        "owner": ("HubSpot Owner", "Contact owner", "hubspot_owner_id"),
        "value": ("Amount", "Deal Amount"),
        "at": ("Date", "Timestamp", "Change Date"),
        "stage": ("Lifecycle Stage", "lifecyclestage"),
        "type": ("Event Type",),
        "actor": ("Changed By", "Actor"),
    },
    values={"stage": _HUBSPOT_STAGES},
    defaults={"type": "entered"},
    stage_dates={
        "lead": ("Became a Lead Date",),
        "mql": ("Became a Marketing Qualified Lead Date",),
        "sql": ("Became a Sales Qualified Lead Date",),
        "opportunity": ("Became an Opportunity Date",),
        "customer": ("Became a Customer Date",),
        "retained": ("Became an Evangelist Date",),
    },
)

SALESFORCE = Mapping(
    name="salesforce",
    columns={
        "lead_id": ("Lead ID", "Lead Id", "Id"),
        "created_at": ("Created Date", "CreatedDate"),
        "source": ("Lead Source", "LeadSource"),
        "segment": ("Industry",),
        "hot": ("Rating",),
        "owner": ("Owner Name", "Lead Owner", "Owner"),
        "value": ("Annual Revenue", "Amount", "AnnualRevenue"),
        "at": ("Date", "Edit Date", "Activity Date"),
        "stage": ("Stage", "Lead Stage"),
        "type": ("Event Type",),
        "actor": ("Edited By", "Assigned", "Actor"),
    },
    values={
        "hot": {"Hot": True, "Warm": False, "Cold": False},
        "stage": {
            "Open": "lead",
            "Marketing Qualified": "mql",
            "Sales Qualified": "sql",
            "Prospecting": "opportunity",
            "Qualification": "opportunity",
            "Closed Won": "customer",
        },
    },
    defaults={"type": "entered"},
    stage_dates={"opportunity": ("Converted Date",)},
    time_formats=("%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M", "%m/%d/%Y"),
)

BUILTIN: dict[str, Mapping] = {"hubspot": HUBSPOT, "salesforce": SALESFORCE}
"""The named mappings, by name."""

_KEYS = ("name", "extends", "columns", "values", "defaults", "stage_dates", "time_formats")


def load_mapping(spec: str | None) -> Mapping:
    """The mapping named `spec` (hubspot, salesforce) or read from the YAML file `spec`.

    Raises:
        LoadError: the file cannot be read or is not a valid mapping (with line and column).
    """
    if spec is None:
        return PLAIN
    if spec.casefold() in BUILTIN:
        return BUILTIN[spec.casefold()]
    path = Path(spec)
    if not path.is_file():
        names = ", ".join(BUILTIN)
        raise LoadError(
            [Problem(spec, 1, 1, f"no mapping named '{spec}' and no such file (named: {names})")]
        )
    docs = load_bytes(path.read_bytes(), spec)
    if len(docs) != 1:
        raise LoadError([docs[1].problem((), "a mapping file holds exactly one YAML document")])
    return mapping_from_document(docs[0])


def mapping_from_document(doc: Document) -> Mapping:
    """Build a mapping from a parsed YAML document, with positioned errors."""
    data = doc.data
    problems: list[Problem] = []

    def fail(path: tuple[str | int, ...], message: str, *, key: bool = False) -> None:
        problems.append(doc.problem(path, message, key=key))

    for key in data:
        if key not in _KEYS:
            hint = difflib.get_close_matches(key, _KEYS, n=1)
            extra = f"; did you mean '{hint[0]}'?" if hint else f" (allowed: {', '.join(_KEYS)})"
            fail((key,), f"unknown key '{key}'{extra}", key=True)
    base = PLAIN
    if "extends" in data:
        name = data["extends"]
        if not isinstance(name, str) or name.casefold() not in BUILTIN:
            fail(("extends",), f"extends must name a built-in mapping: {', '.join(BUILTIN)}")
        else:
            base = BUILTIN[name.casefold()]
    name = data.get("name", doc.file)
    if not isinstance(name, str):
        fail(("name",), "name must be text")
        name = doc.file

    def names(path: tuple[str | int, ...], value: Any) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) for i in items):
            fail(path, "expected a column name or a list of column names")
            return ()
        return tuple(items)

    def section(key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            fail((key,), f"{key} must be a mapping")
            return {}
        return value

    columns = dict(base.columns)
    for ours, theirs in section("columns").items():
        if ours not in FIELDS:
            hint = difflib.get_close_matches(ours, FIELDS, n=1)
            more = f"did you mean '{hint[0]}'? " if hint else ""
            fail(
                ("columns", ours),
                f"unknown column '{ours}'; {more}(ours: {', '.join(FIELDS)})",
                key=True,
            )
            continue
        columns[ours] = names(("columns", ours), theirs)
    values = {k: dict(v) for k, v in base.values.items()}
    for ours, table in section("values").items():
        if ours not in FIELDS:
            fail(("values", ours), f"unknown column '{ours}' (ours: {', '.join(FIELDS)})", key=True)
            continue
        if not isinstance(table, dict):
            fail(("values", ours), "expected a mapping of their value → our value")
            continue
        values.setdefault(ours, {}).update(table)
    defaults = dict(base.defaults)
    for ours, value in section("defaults").items():
        if ours not in FIELDS or not isinstance(value, str):
            fail(("defaults", ours), "defaults map one of our columns to a text value")
            continue
        defaults[ours] = value
    stage_dates = dict(base.stage_dates)
    for stage, theirs in section("stage_dates").items():
        stage_dates[stage] = names(("stage_dates", stage), theirs)
    formats = data.get("time_formats", list(base.time_formats))
    if isinstance(formats, str):
        formats = [formats]
    if not isinstance(formats, list) or not all(isinstance(f, str) for f in formats):
        fail(("time_formats",), "time_formats must be a list of strptime formats")
        formats = []
    for i, fmt in enumerate(formats):
        try:
            _FORMAT_PROBE.strftime(fmt)
        except ValueError:
            fail(("time_formats", i), f"'{fmt}' is not a valid strptime format")
    if problems:
        raise LoadError(problems)
    return replace(
        base,
        name=name,
        columns=columns,
        values=values,
        defaults=defaults,
        stage_dates=stage_dates,
        time_formats=tuple(formats),
    )
