"""One lead's story: its events, and which commitments it counts for and why.

`lead_story(ws, store, lead_id, at)` reads the lead's row and events and applies each
commitment's measure (docs/reference/metrics.md) to that one lead as of `at`: whether
the lead passes the KPI's ``where:``, its first `from` event, the `to` event after it,
the deadline on the measure's clock (working hours for ``clock: business``), and how
long it waited. It is the metric engine's rules for a single lead, written out so that
anyone can check a verdict by hand (`accord lead ID`, Enter on a lead in
`accord dash`); the numbers themselves still come from the engine.

`story_lines(ws, story)` says it in plain lines for a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from accord.domain import model as m
from accord.domain.calendar import period_bounds
from accord.domain.clock import Clock, system_now
from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics._scope import measured, resolve_at
from accord.store import events, leads

if TYPE_CHECKING:
    from accord.store import Store


@dataclass(frozen=True)
class LeadEvent:
    """One event of the lead."""

    event_id: int
    at: dt.datetime
    type: str
    stage: str | None
    actor: str | None
    future: bool = False
    """Stamped after the instant judged (a clock or import error, or time travel): it
    does not exist for the verdicts."""


@dataclass(frozen=True)
class LeadVerdict:
    """What one commitment makes of the lead."""

    ref: CommitmentRef
    counts: bool
    """Whether the lead is part of the commitment's number as of the instant."""
    verdict: str
    """In a word or two: counted, waiting, met, missed, pending, reached, not reached,
    in the cohort, not counted, filtered out."""
    reason: str
    """Why, in plain words."""
    start: LeadEvent | None = None
    """The `from` event (or the matching event of a count or sum)."""
    end: LeadEvent | None = None
    """The `to` event after it, if any."""
    deadline: dt.datetime | None = None
    waited_hours: float | None = None
    """Hours between `start` and `end` (or the instant, while waiting), on `clock`."""
    clock: str = "calendar"


@dataclass(frozen=True)
class LeadStory:
    """A lead as of an instant: its row, its events, the commitments' verdicts."""

    lead_id: str
    at: dt.datetime
    found: bool
    """Whether the store knows the lead (a row in `leads` or any event)."""
    row: dict[str, Any] = field(default_factory=dict)
    """The lead's columns (created_at, source, segment, hot, value, owner, attributes)."""
    events: tuple[LeadEvent, ...] = ()
    """Every event, oldest first, those after `at` flagged `future`."""
    verdicts: tuple[LeadVerdict, ...] = ()

    @property
    def name(self) -> str | None:
        """The company or lead name from the attributes, if any (`lead_name`)."""
        return lead_name(self.row.get("attributes"))


NAME_KEYS = (
    "company",
    "company_name",
    "account",
    "account_name",
    "organisation",
    "organization",
    "name",
    "lead_name",
    "contact_name",
)
"""Attribute keys that name a lead, in order of preference (any case)."""


def lead_name(attributes: Any) -> str | None:
    """The name in a lead's attributes (a JSON object, or its text): the first of
    `NAME_KEYS` it has, white space collapsed — what the dashboard, a lead's story and
    the alerts call a lead beside its id."""
    if isinstance(attributes, str):
        try:
            attributes = json.loads(attributes)
        except ValueError:
            return None
    if not isinstance(attributes, Mapping):
        return None
    lowered = {str(k).lower(): v for k, v in attributes.items()}
    for key in NAME_KEYS:
        value = lowered.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def lead_story(
    ws: Workspace,
    store: Store,
    lead_id: str,
    at: dt.datetime | None = None,
    *,
    now: Clock = system_now,
) -> LeadStory:
    """The lead's story as of `at` (default now), judged by the agreements of `ws` in
    force then.

    Raises:
        StoreError: the store cannot be read.
    """
    when = resolve_at(ws, at, now)
    with store.read() as conn:
        found = conn.execute(select(leads).where(leads.c.lead_id == lead_id)).mappings().first()
        rows = conn.execute(
            select(events.c.event_id, events.c.at, events.c.type, events.c.stage, events.c.actor)
            .where(events.c.lead_id == lead_id)
            .order_by(events.c.at, events.c.event_id)
        ).all()
    row = dict(found) if found is not None else {}
    history = tuple(
        LeadEvent(int(r.event_id), r.at, str(r.type), r.stage, r.actor, future=r.at > when)
        for r in rows
    )
    if found is None and not history:
        return LeadStory(lead_id, when, False)
    seen = [e for e in history if not e.future]
    verdicts = tuple(
        _verdict(ws, ref, row if found is not None else None, seen, when)
        for ref in measured(ws, when)
    )
    return LeadStory(lead_id, when, True, row, history, verdicts)


# --- the rules, for one lead ---------------------------------------------------------


def _matches(event: LeadEvent, match: m.Match) -> bool:
    wanted = m.as_match(match)
    return event.type == wanted.type and (wanted.stage is None or event.stage == wanted.stage)


def passes(where: Mapping[str, Any], row: Mapping[str, Any] | None) -> bool:
    """Whether a lead row passes a KPI's ``where:`` (a lead without a row fails any)."""
    if not where:
        return True
    if row is None:
        return False
    attributes = row.get("attributes") or {}
    if isinstance(attributes, str):
        try:
            attributes = json.loads(attributes)
        except ValueError:
            attributes = {}
    for key, wanted in where.items():
        have = row.get(key) if key in m.LEAD_COLUMNS else attributes.get(key)
        options = wanted if isinstance(wanted, list) else [wanted]
        if not any(_equal(have, option) for option in options):
            return False
    return True


def _equal(have: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool) or isinstance(have, bool):
        return have is not None and bool(have) == bool(wanted) and have in (0, 1, True, False)
    if isinstance(have, int | float) and isinstance(wanted, int | float):
        return float(have) == float(wanted)
    return have is not None and str(have) == str(wanted)


def _hours(ws: Workspace, start: dt.datetime, end: dt.datetime, clock: str) -> float:
    if clock == "business":
        return ws.calendar.hours_between(start, end)
    return max(0.0, (end - start) / dt.timedelta(hours=1))


def _deadline(ws: Workspace, start: dt.datetime, hours: float, clock: str) -> dt.datetime:
    if clock == "business":
        return ws.calendar.add(start, hours)
    return start + dt.timedelta(hours=hours)


def _first(
    seen: list[LeadEvent], match: m.Match, after: LeadEvent | None = None
) -> LeadEvent | None:
    for e in seen:
        if _matches(e, match) and (after is None or e.at >= after.at):
            return e
    return None


def _verdict(
    ws: Workspace,
    ref: CommitmentRef,
    row: Mapping[str, Any] | None,
    seen: list[LeadEvent],
    at: dt.datetime,
) -> LeadVerdict:
    kpi = ref.kpi
    measure = kpi.measure
    kind = measure.kind
    spec = measure.spec
    if not passes(kpi.where, row):
        from accord.present import describe_filter  # (accord.present imports metrics)

        _, conditions = describe_filter(kpi.where)
        why = (
            f"the lead has no row in the store, so it fails the KPI's filter ({conditions})"
            if row is None
            else f"the KPI counts only leads with {conditions}"
        )
        return LeadVerdict(ref, False, "filtered out", why)
    if kind == "open":
        return _open(ws, ref, spec, seen, at)
    start, _ = period_bounds(ref.commitment.per, at, ws.tz)
    if kind in ("count", "sum"):
        match = spec if kind == "count" else spec.of
        hit = next((e for e in seen if _matches(e, match) and start <= e.at <= at), None)
        if hit is None:
            return LeadVerdict(ref, False, "not counted", "no matching event this period")
        return LeadVerdict(ref, True, "counted", "a matching event this period", start=hit)
    first = _first(seen, spec.from_)
    if first is None:
        return LeadVerdict(ref, False, "not counted", "no `from` event yet")
    if not start <= first.at <= at:
        return LeadVerdict(
            ref, False, "not counted", "its first `from` event is outside this period", first
        )
    end = _first(seen, spec.to, after=first)
    clock = getattr(spec, "clock", "calendar")
    if kind == "conversion":
        limit = spec.within
        if end is not None and (limit is None or end.at <= first.at + dt.timedelta(hours=limit)):
            return LeadVerdict(
                ref,
                True,
                "reached",
                "in the cohort and reached the stage",
                first,
                end,
                None,
                _hours(ws, first.at, end.at, "calendar"),
            )
        return LeadVerdict(
            ref,
            True,
            "not reached",
            "in the cohort, not reached (yet)",
            first,
            end,
            None,
            _hours(ws, first.at, at, "calendar"),
        )
    if kind == "duration":
        if end is None:
            return LeadVerdict(
                ref,
                False,
                "not counted",
                "no `to` event yet",
                first,
                None,
                None,
                _hours(ws, first.at, at, clock),
                clock,
            )
        return LeadVerdict(
            ref,
            True,
            "counted",
            "its time from `from` to `to` is counted",
            first,
            end,
            None,
            _hours(ws, first.at, end.at, clock),
            clock,
        )
    # within
    deadline = _deadline(ws, first.at, spec.limit, clock)
    if end is not None and end.at <= deadline:
        return LeadVerdict(
            ref,
            True,
            "met",
            "the `to` event came by the deadline",
            first,
            end,
            deadline,
            _hours(ws, first.at, end.at, clock),
            clock,
        )
    if at > deadline:
        stop = end.at if end is not None else at
        return LeadVerdict(
            ref,
            True,
            "missed",
            "the deadline passed before the `to` event",
            first,
            end,
            deadline,
            _hours(ws, first.at, stop, clock),
            clock,
        )
    return LeadVerdict(
        ref,
        False,
        "pending",
        "still inside its deadline: not counted yet",
        first,
        None,
        deadline,
        _hours(ws, first.at, at, clock),
        clock,
    )


def _open(
    ws: Workspace, ref: CommitmentRef, spec: m.OpenSpec, seen: list[LeadEvent], at: dt.datetime
) -> LeadVerdict:
    first = _first(seen, spec.from_)
    if first is None:
        return LeadVerdict(ref, False, "not counted", "no `from` event yet")
    end = _first(seen, spec.to, after=first)
    clock = spec.clock
    if end is not None:
        return LeadVerdict(
            ref,
            False,
            "not waiting",
            "the `to` event came",
            first,
            end,
            None,
            _hours(ws, first.at, end.at, clock),
            clock,
        )
    waited = _hours(ws, first.at, at, clock)
    if spec.older_than is None:
        return LeadVerdict(
            ref, True, "waiting", "no `to` event yet", first, None, None, waited, clock
        )
    deadline = _deadline(ws, first.at, spec.older_than, clock)
    if at > deadline:
        return LeadVerdict(
            ref,
            True,
            "waiting",
            "no `to` event, and past its deadline",
            first,
            None,
            deadline,
            waited,
            clock,
        )
    return LeadVerdict(
        ref,
        False,
        "not yet late",
        "no `to` event, but inside its deadline",
        first,
        None,
        deadline,
        waited,
        clock,
    )


# --- in words ------------------------------------------------------------------------


def _moment(moment: dt.datetime, ws: Workspace) -> str:
    return moment.astimezone(ws.tz).strftime("%a %Y-%m-%d %H:%M")


def event_words(ws: Workspace, event: LeadEvent) -> str:
    """``entered Sales Qualified Lead``, ``contacted``."""
    if event.type == "entered" and event.stage:
        stage = ws.stages.get(event.stage)
        return f"entered {stage.name if stage else event.stage}"
    return event.type + (f" ({event.stage})" if event.stage else "")


def match_words(ws: Workspace, match: m.Match) -> str:
    wanted = m.as_match(match)
    if wanted.type == "entered" and wanted.stage:
        stage = ws.stages.get(wanted.stage)
        return f"entering {stage.name if stage else wanted.stage}"
    return wanted.type + (f" {wanted.stage}" if wanted.stage else "")


def _none_yet(ws: Workspace, match: m.Match) -> str:
    wanted = m.as_match(match)
    if wanted.type == "entered" and wanted.stage:
        stage = ws.stages.get(wanted.stage)
        return f"not yet (no entry into {stage.name if stage else wanted.stage})"
    return f"not yet (no “{wanted.type}” event)"


def story_lines(ws: Workspace, story: LeadStory) -> list[tuple[str, str]]:
    """The story as (label, text) lines: who the lead is, its events, and for every
    commitment whether it counts and why (the verdict's own words)."""
    from accord.present import format_hours, format_value, human_title, status_label

    def term(key: str) -> str | None:
        found = ws.terms.get(key)
        return found.term if found is not None else None

    if not story.found:
        return [("Lead", f"{story.lead_id}: not in the store")]
    row = story.row
    facts = [story.lead_id]
    if story.name:
        facts.insert(0, story.name)
    owner = row.get("owner")
    if owner:
        member = ws.people.get(str(owner))
        facts.append(f"owner {member.person.name if member else owner}")
    if row.get("hot"):
        facts.append("hot")
    for key in ("source", "segment"):
        if row.get(key):
            facts.append(f"{key} {row[key]}")
    if row.get("value") is not None:
        facts.append(f"value {format_value(float(row['value']), 'money')}")
    lines: list[tuple[str, str]] = [("Lead", " · ".join(facts))]
    lines.append(("As of", f"{_moment(story.at, ws)} ({ws.tz.key})"))
    for i, event in enumerate(story.events):
        flag = "  ⚠ stamped in the future: not counted" if event.future else ""
        actor = f" by {event.actor}" if event.actor else ""
        lines.append(
            (
                "Events" if i == 0 else "",
                f"{_moment(event.at, ws)}  {event_words(ws, event)}{actor}{flag}",
            )
        )
    if not story.events:
        lines.append(("Events", "none"))
    quiet: list[str] = []
    for v in sorted(story.verdicts, key=lambda v: (not v.counts, v.ref.agreement.id)):
        title = human_title(v.ref.commitment.id, term)
        if not v.counts and v.verdict in ("not counted", "filtered out", "not waiting"):
            quiet.append(f"{title}: {v.reason}")
            continue
        head = f"{title} ({v.ref.agreement.title}): {v.verdict}"
        lines.append(("Counts for" if v.counts else "Not yet", head))
        measure = v.ref.kpi.measure
        spec = measure.spec
        if v.start is not None:
            label = "event" if measure.kind in ("count", "sum") else "from"
            lines.append(("", f"  {label}: {event_words(ws, v.start)} {_moment(v.start.at, ws)}"))
        if measure.kind not in ("count", "sum") and v.start is not None:
            to = (
                f"{event_words(ws, v.end)} {_moment(v.end.at, ws)}"
                if v.end is not None
                else _none_yet(ws, spec.to)
            )
            lines.append(("", f"  to: {to}"))
        if v.deadline is not None:
            allowed = getattr(spec, "limit", None) or getattr(spec, "older_than", None)
            span = format_hours(float(allowed or 0))
            rule = (
                f"{span} of working hours after the from event, on the business clock"
                if v.clock == "business"
                else f"{span} after the from event, in calendar time"
            )
            lines.append(("", f"  deadline: {_moment(v.deadline, ws)} ({rule})"))
        if v.waited_hours is not None:
            words = "in working hours" if v.clock == "business" else "in calendar time"
            lines.append(("", f"  waited: {format_hours(v.waited_hours)} {words}"))
        lines.append(("", f"  why: {v.reason}"))
    for i, text in enumerate(quiet):
        lines.append(("Not counted" if i == 0 else "", text))
    if any(e.future for e in story.events):
        lines.append(
            (
                "Note",
                status_label("at_risk") + ": events stamped after the instant "
                "judged are shown but not counted",
            )
        )
    return lines
