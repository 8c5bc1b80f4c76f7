"""The agreement kinds of docs/reference/kinds.md, one strict pydantic model per kind.

Every model refuses unknown fields and does not coerce types (``"4"`` is not
4, ``on`` is not true). Field docstrings become the JSON Schema descriptions
(`accord schema`) and the wiki's field help. Durations, percentages and dates
written as text are parsed into typed values by `accord.domain.units`.

`KINDS` maps each ``kind:`` value to its model.
"""

from __future__ import annotations

import ast
import inspect
import sys
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from accord.domain.units import MAX_DURATION_HOURS, Date, Duration

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
"""An identifier: lowercase letters, digits and '-', starting with a letter or digit."""

_HANDLE_PART = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,38}"
GIT_HANDLE_PATTERN = rf"^@?{_HANDLE_PART}(?:/{_HANDLE_PART})?$"
"""A forge handle: a user (letters, digits, '-', '_', '.'; at most 39, starting with a
letter or digit) or an ``org/team``; a leading '@' is allowed and dropped."""

GitHandle = Annotated[
    str,
    StringConstraints(pattern=GIT_HANDLE_PATTERN),
    AfterValidator(lambda handle: handle.removeprefix("@")),
]
"""A handle on the code forge, such as rvisser or acme/sales-leads (without the @)."""

_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_PATTERN = rf"^[A-Za-z0-9.!#$%&'*+=?^_`{{|}}~-]{{1,64}}@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+$"
"""An e-mail address: name@example.com (no spaces, quotes, brackets or commas)."""

Email = Annotated[str, StringConstraints(pattern=EMAIL_PATTERN, max_length=254)]
"""An e-mail address."""

Number = int | float
Scalar = str | int | float | bool

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Per = Literal["day", "week", "month", "quarter", "30d", "90d"]
Unit = Literal["count", "ratio", "hours", "money"]
Clock = Literal["business", "calendar"]
MaturityStage = Literal["undefined", "defined", "aligned", "integrated"]
WORKWEEK: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
MATURITY_STAGES: tuple[MaturityStage, ...] = ("undefined", "defined", "aligned", "integrated")


class Strict(BaseModel):
    """Base of every model: strict types, unknown fields refused, immutable."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        populate_by_name=False,
        # Built at the end of this module, once `_document_fields` has given every
        # field its docstring (pydantic's `use_attribute_docstrings`, done faster).
        defer_build=True,
    )


# --- Workspace -----------------------------------------------------------


class Calendar(Strict):
    """The working calendar that business-clock deadlines count in."""

    timezone: str
    """IANA time zone of the team, e.g. Europe/Amsterdam. Periods and working hours are local."""
    workdays: list[Weekday] = Field(default_factory=lambda: list(WORKWEEK))
    """Working days, e.g. [mon, tue, wed, thu, fri] (the default)."""
    hours: str = "09:00-17:00"
    """Working hours as "HH:MM-HH:MM" in the local zone (default "09:00-17:00")."""
    holidays: list[Date] = Field(default_factory=list)
    """Dates (YYYY-MM-DD) on which nobody works; business-clock deadlines skip them."""


# --- Alerts (the Workspace's `alerts:` section, docs/alerts.md) ---------------------

ENV_NAME_PATTERN = r"^[A-Z_][A-Z0-9_]*$"
"""The name of an environment variable: capitals, digits and '_', not starting with a digit."""

AlertEvent = Literal["at_risk", "breached", "recovered", "due", "missed", "review", "escalation"]
ALERT_EVENTS: tuple[AlertEvent, ...] = (
    "at_risk",
    "breached",
    "recovered",
    "due",
    "missed",
    "review",
    "escalation",
)


class AlertChannel(Strict):
    """A place alerts go to. Its address is a secret: it is read from an environment
    variable named here, never written in the YAML."""

    url_env: str
    """Name of the environment variable holding the address: an https webhook that takes
    Slack-style JSON (Slack, Mattermost, Rocket.Chat…) or an apprise URL (msteams://,
    ntfy://, mailto://…)."""
    format: Literal["auto", "slack", "apprise"] = "auto"
    """How to send: slack posts Slack-style JSON to the address, apprise hands it to
    apprise; auto (the default) posts JSON to http(s) addresses and uses apprise for the
    others."""


class AlertRoute(Strict):
    """Which alerts go to which channels."""

    events: list[AlertEvent] = Field(default_factory=lambda: list(ALERT_EVENTS))
    """at_risk, breached, recovered, due (a lead at 75% of its time), missed, review,
    escalation; default: all."""
    channels: list[Id]
    """Channel names (keys of alerts.channels)."""
    agreements: list[Id] = Field(default_factory=list)
    """Only alerts about these agreements (default: every agreement)."""


class Escalation(Strict):
    """A breach still open after some working hours also goes to the accountable role."""

    after: Duration
    """Working hours a commitment stays breached, or a lead stays past its deadline,
    before the alert is escalated, e.g. "8h"."""
    roles: dict[Id, Id] = Field(default_factory=dict)
    """Role id → channel name: the channel of each role that may be accountable (the
    KPI's owner, else the agreement's owners)."""


class Alerts(Strict):
    """What `accord watch` sends, and where (docs/alerts.md)."""

    channels: dict[Id, AlertChannel] = Field(default_factory=dict)
    """Channel name → how to reach it."""
    routes: list[AlertRoute] = Field(default_factory=list)
    """Which events go to which channels (an alert may match several routes)."""
    escalation: Escalation | None = None
    """Escalate breaches still open after a number of working hours."""
    quiet_hours: bool = False
    """Hold alerts outside the calendar's working hours and send them at the next
    opening (default: off, alerts go out at once)."""
    due_at: Annotated[float, Field(gt=0, lt=1)] = 0.75
    """Share of a lead's allowed time after which it is reported as about to miss
    (default 0.75)."""


class WorkspaceDoc(Strict):
    """The workspace: exactly one per repository."""

    kind: Literal["Workspace"]
    """Always "Workspace"."""
    name: str
    """The company or team name shown on the wiki and the dashboard."""
    language: str = "en"
    """Language of the wiki's headings and labels: en, nl, …"""
    calendar: Calendar
    """Time zone, working days, working hours and holidays."""
    store: str | None = None
    """SQLAlchemy URL of the event store; sqlite paths are relative to the workspace root.
    Default: sqlite:///.accord/funnel.db."""
    repo_url: str | None = None
    """Web address of the repository, for links to commits and pull requests."""
    description: str | None = None
    """A sentence about the workspace for the wiki's home page."""
    site_url: str | None = None
    """Web address of the published wiki (e.g. https://wiki.example.com/sla/), for deep
    links from alerts to a commitment's page."""
    alerts: Alerts | None = None
    """Where `accord watch` sends its alerts: channels, routes, escalation, quiet hours
    (docs/alerts.md)."""


# --- Teams and roles -----------------------------------------------------


class Person(Strict):
    """A member of a team."""

    id: Id
    """Identifier of the person, used by roles and team leads."""
    name: str
    """Full name."""
    email: Email | None = None
    """Work e-mail address, e.g. name@example.com."""
    git: GitHandle | None = None
    """Handle on the code forge (a user such as rvisser, or org/team; a leading @ is
    dropped); used for CODEOWNERS and approvals."""


class Team(Strict):
    """A department, such as Marketing or Sales."""

    kind: Literal["Team"]
    """Always "Team"."""
    id: Id
    """Identifier of the team."""
    name: str
    """Name of the team."""
    lead: Id | None = None
    """Person id of the team lead (one of the members)."""
    description: str | None = None
    """What the team does."""
    members: list[Person]
    """The people in the team."""


class Role(Strict):
    """A role that people hold, used by RACI, agreement owners and rituals."""

    kind: Literal["Role"]
    """Always "Role"."""
    id: Id
    """Identifier of the role."""
    title: str
    """Title of the role, e.g. Head of Sales."""
    team: Id
    """Team the role belongs to."""
    holders: list[Id] = Field(default_factory=list)
    """Person ids of the people who hold the role (members of any team)."""
    responsibilities: list[str] = Field(default_factory=list)
    """What the role is responsible for, one sentence each."""
    liaison: bool = False
    """True when the role is the liaison between the teams."""


# --- Funnel --------------------------------------------------------------


class Criteria(Strict):
    """What a lead must satisfy to enter a stage."""

    hard: list[str] = Field(default_factory=list)
    """Checkable facts: company size, visits, requested material."""
    soft: list[str] = Field(default_factory=list)
    """Judgements: has a pain, wants a conversation."""


class Raci(Strict):
    """Who is responsible, accountable, consulted and informed for a stage."""

    responsible: list[Id] = Field(default_factory=list)
    """Role ids that do the work."""
    accountable: list[Id] = Field(default_factory=list)
    """Role ids that answer for the result (normally one)."""
    consulted: list[Id] = Field(default_factory=list)
    """Role ids asked before decisions."""
    informed: list[Id] = Field(default_factory=list)
    """Role ids told afterwards."""


class Stage(Strict):
    """A funnel stage with its written definition."""

    kind: Literal["Stage"]
    """Always "Stage"."""
    id: Id
    """Identifier of the stage; events name it (`entered` with stage)."""
    name: str
    """Name of the stage, e.g. Sales Qualified Lead."""
    order: int
    """Position in the funnel, lowest first."""
    owner: Id
    """Team that owns leads in this stage."""
    definition: str
    """One-paragraph definition both teams agreed."""
    criteria: Criteria = Field(default_factory=Criteria)
    """Hard and soft criteria for entering the stage."""
    raci: Raci = Field(default_factory=Raci)
    """RACI roles for the stage."""
    max_days: int | None = Field(default=None, ge=0, le=MAX_DURATION_HOURS // 24)
    """Days a lead may stay in this stage before it needs attention."""


class Term(Strict):
    """A glossary entry."""

    kind: Literal["Term"]
    """Always "Term"."""
    id: Id
    """Identifier of the term."""
    term: str
    """The word or abbreviation."""
    definition: str
    """What it means here."""
    aliases: list[str] = Field(default_factory=list)
    """Other words for the same thing (any language)."""


# --- KPIs ------------------------------------------------------------------


class EventMatch(Strict):
    """Matches events by type and, optionally, stage."""

    type: str
    """Event type: entered, contacted, rejected or a word the team uses."""
    stage: Id | None = None
    """Stage id, for `entered` events."""


Match = Id | EventMatch
"""A bare stage id (means {type: entered, stage: ID}) or {type, stage}."""


def as_match(match: Match) -> EventMatch:
    """The event matcher a `Match` stands for."""
    if isinstance(match, str):
        return EventMatch(type="entered", stage=match)
    return match


class SumSpec(Strict):
    """Sum of a lead field over the leads with a matching event."""

    field: Literal["value"] = "value"
    """The lead field to sum (value)."""
    of: Match
    """The event that puts a lead in the sum."""


class ConversionSpec(Strict):
    """Share of leads that reached a stage after another."""

    from_: Id = Field(alias="from")
    """Stage whose first entry puts a lead in the cohort."""
    to: Id
    """Stage the lead should reach."""
    within: Duration | None = None
    """Optional calendar time limit, e.g. "90d"."""


class WithinSpec(Strict):
    """Share of leads where the `to` event came before a deadline."""

    from_: Match = Field(alias="from")
    """Event that starts the clock."""
    to: Match
    """Event that stops the clock."""
    limit: Duration
    """Time allowed, e.g. "4h"."""
    clock: Clock = "calendar"
    """business: count only working hours; calendar: plain hours."""


class DurationSpec(Strict):
    """Percentile of the time between two events."""

    from_: Match = Field(alias="from")
    """Event that starts the clock."""
    to: Match
    """Event that stops the clock."""
    percentile: float = Field(default=50, gt=0, le=100)
    """Nearest-rank percentile, e.g. 50 (median) or 90."""
    clock: Clock = "calendar"
    """business or calendar hours."""


class OpenSpec(Strict):
    """Leads still waiting: a `from` event without a `to` event."""

    from_: Match = Field(alias="from")
    """Event that opens the wait."""
    to: Match
    """Event that closes it."""
    older_than: Duration | None = None
    """Only leads waiting longer than this."""
    clock: Clock = "calendar"
    """business or calendar hours for older_than."""


MEASURE_KINDS = ("count", "sum", "conversion", "within", "duration", "open")


class Measure(Strict):
    """How a KPI is computed from events: exactly one of the measure kinds."""

    count: Match | None = None
    """Distinct leads with a matching event in the period."""
    sum: SumSpec | None = None
    """Sum of lead value over leads with a matching event in the period."""
    conversion: ConversionSpec | None = None
    """Share of the period's `from` cohort that reached `to`."""
    within: WithinSpec | None = None
    """Share of the period's `from` cohort whose `to` event came in time."""
    duration: DurationSpec | None = None
    """Percentile of hours between `from` and `to`."""
    open: OpenSpec | None = None
    """Leads waiting for `to` (not period-bound); their ids are listed."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Measure:
        given = [k for k in MEASURE_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "a measure has exactly one of: "
                + ", ".join(MEASURE_KINDS)
                + (f" (found {', '.join(given)})" if given else "")
            )
        return self

    @property
    def kind(self) -> str:
        return next(k for k in MEASURE_KINDS if getattr(self, k) is not None)

    @property
    def spec(self) -> Any:
        return getattr(self, self.kind)


LEAD_COLUMNS = ("source", "segment", "hot", "owner")


class Kpi(Strict):
    """A number both teams agreed how to measure."""

    kind: Literal["Kpi"]
    """Always "Kpi"."""
    id: Id
    """Identifier of the KPI; commitments name it."""
    name: str
    """Name of the KPI."""
    description: str | None = None
    """What the number means, in plain words."""
    unit: Unit
    """count, ratio, hours or money."""
    owner: Id | None = None
    """Role that owns the number."""
    measure: Measure
    """How it is computed from funnel events."""
    where: dict[str, Scalar | list[Scalar]] = Field(default_factory=dict)
    """Lead filter: column (source, segment, hot, owner) or attribute → value or list of values."""


# --- Agreements ----------------------------------------------------------


TargetValue = Number | str


class Target(Strict):
    """The agreed bound(s) of a commitment."""

    min: TargetValue | None = None
    """At least this much (counts, money: numbers; ratios: 0.95 or "95%"; hours: "4h")."""
    max: TargetValue | None = None
    """At most this much."""

    @model_validator(mode="after")
    def _one_bound(self) -> Target:
        if self.min is None and self.max is None:
            raise ValueError("a target needs min, max or both")
        return self


class Commitment(Strict):
    """One measurable promise of one side to the other."""

    id: Id
    """Identifier of the commitment, unique within the agreement."""
    by: Id | list[Id] | None = None
    """Team(s) making the promise."""
    to: Id | list[Id] | None = None
    """Team(s) the promise is made to."""
    text: str
    """The promise in one sentence."""
    kpi: Id
    """The KPI that measures it."""
    target: Target
    """The agreed bound(s) in the KPI's unit."""
    warn: TargetValue | None = None
    """A softer bound: between warn and target the status is at_risk instead of breached."""
    per: Per
    """Measurement period: day, week, month, quarter (calendar) or 30d, 90d (rolling)."""

    @property
    def by_teams(self) -> list[str]:
        return _as_list(self.by)

    @property
    def to_teams(self) -> list[str]:
        return _as_list(self.to)


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


class Handoff(Strict):
    """What Marketing hands over with each lead."""

    required_fields: list[str] = Field(default_factory=list)
    """Fields every handed-over lead carries."""


class Agreement(Strict):
    """What the teams agreed, approved by owners of both sides."""

    kind: Literal["Agreement"]
    """Always "Agreement"."""
    id: Id
    """Identifier of the agreement; its wiki page is agreements/<id>/."""
    title: str
    """Title of the agreement."""
    parties: list[Id]
    """Teams bound by the agreement."""
    owners: list[Id]
    """Roles that approve changes; both sides must be represented."""
    status: Literal["draft", "active", "retired"]
    """draft, active or retired; only active agreements are measured."""
    effective: Date | None = None
    """Date from which it applies."""
    review_by: Date | None = None
    """Date by which the owners review it again."""
    summary: str | None = None
    """What the agreement is about, in a paragraph."""
    commitments: list[Commitment]
    """The measurable promises."""
    handoff: Handoff | None = None
    """What is handed over with each lead."""


class Ritual(Strict):
    """A recurring meeting of both teams."""

    kind: Literal["Ritual"]
    """Always "Ritual"."""
    id: Id
    """Identifier of the ritual."""
    name: str
    """Name of the meeting."""
    cadence: Literal["weekly", "biweekly", "monthly", "quarterly"]
    """How often it meets."""
    attendees: list[Id] = Field(default_factory=list)
    """Role ids that attend."""
    purpose: str | None = None
    """Why the meeting exists."""
    agenda: list[str] = Field(default_factory=list)
    """Standing agenda items."""


# --- Maturity diagnostic -------------------------------------------------


class Statement(Strict):
    """A statement each team scores from 1 (not at all) to 5 (fully)."""

    id: Id
    """Identifier of the statement."""
    text: str
    """The statement."""


class Band(Strict):
    """A score range that maps to a relationship stage."""

    stage: MaturityStage
    """undefined, defined, aligned or integrated."""
    min: int
    """Lowest score in the band (inclusive)."""
    max: int
    """Highest score in the band (inclusive)."""


class Questionnaire(Strict):
    """The relationship-maturity diagnostic."""

    kind: Literal["Questionnaire"]
    """Always "Questionnaire"."""
    id: Id
    """Identifier of the questionnaire."""
    title: str | None = None
    """Question shown above the statements."""
    statements: list[Statement]
    """Statements scored 1–5."""
    bands: list[Band]
    """Score ranges to stages, covering every possible score without gaps or overlaps."""


class Assessment(Strict):
    """One round of the diagnostic."""

    kind: Literal["Assessment"]
    """Always "Assessment"."""
    id: Id
    """Identifier of the round."""
    questionnaire: Id
    """The questionnaire answered."""
    date: Date
    """When the round was held."""
    responses: dict[str, list[Annotated[int, Field(ge=1, le=5)]]]
    """Team id → scores 1–5, one per statement, in statement order."""
    notes: str | None = None
    """What the teams concluded."""


Document = (
    WorkspaceDoc
    | Team
    | Role
    | Stage
    | Term
    | Kpi
    | Agreement
    | Ritual
    | Questionnaire
    | Assessment
)

KINDS: dict[str, type[Strict]] = {
    "Workspace": WorkspaceDoc,
    "Team": Team,
    "Role": Role,
    "Stage": Stage,
    "Term": Term,
    "Kpi": Kpi,
    "Agreement": Agreement,
    "Ritual": Ritual,
    "Questionnaire": Questionnaire,
    "Assessment": Assessment,
}


def _field_docstrings(body: list[ast.stmt]) -> dict[str, str]:
    """The docstrings of a class body's fields: a string right after ``name: type``."""
    found: dict[str, str] = {}
    for before, stmt in zip(body, body[1:], strict=False):
        if (
            isinstance(before, ast.AnnAssign)
            and isinstance(before.target, ast.Name)
            and isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            found[before.target.id] = inspect.cleandoc(stmt.value.value)
    return found


def _document_fields() -> None:
    """Give every model's fields their docstrings as descriptions (the JSON Schema's and
    the wiki's field help), as pydantic's ``use_attribute_docstrings`` does, then build
    the models' schemas in the order they are defined.

    Pydantic would find each class's source on its own — for 27 classes, through the
    call stack, a tokenizer and two parses each: 40 ms of every command's start-up.
    Here the module is parsed once, before any schema is built (`Strict` defers the
    building to here), so the schemas carry the same descriptions. Without the source
    (a frozen build) the fields have no description, as with pydantic.
    """
    try:
        tree = ast.parse(inspect.getsource(sys.modules[__name__]))
    except (OSError, TypeError):  # pragma: no cover - no source to read
        tree = ast.Module(body=[], type_ignores=[])
    docs = {
        node.name: _field_docstrings(node.body)
        for node in tree.body
        if isinstance(node, ast.ClassDef)
    }
    for model in [v for v in globals().values() if isinstance(v, type) and issubclass(v, Strict)]:
        found = docs.get(model.__name__, {})
        for name, info in model.model_fields.items():
            if info.description is None and name in found:
                info.description = found[name]
        model.model_rebuild()


_document_fields()
