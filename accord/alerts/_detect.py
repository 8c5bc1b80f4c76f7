"""What is worth an alert at an instant: the rules of docs/alerts.md, as pure functions.

* A commitment's status changing for the worse (on track → at risk → breached) or back
  to on track ("recovered"), judged against the last status recorded in the store
  (`Change`: recorded by a compare-and-set, so one watcher of several records it).
* A lead that has used `due_at` (75%) of its allowed time on the measure's clock
  without the `to` event, and again when it misses its deadline.
* An agreement whose review date has passed.
* Escalation: a commitment still breached, or a lead still waiting past its deadline,
  after a number of working hours.

Every alert has a key that names what happened, not when it was noticed (the lead and
its first `from` event, the commitment and the number of its status change, the
agreement and its review date), so that every watcher computes the same key for the
same thing and the store's unique key sends it once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from accord.alerts._waiting import Waiting, WaitingLeads
from accord.alerts._words import AlertWords
from accord.domain import model as m
from accord.domain.clock import iso_z
from accord.domain.workspace import CommitmentRef, Workspace
from accord.metrics import CommitmentResult, Evaluation
from accord.present import format_target, format_value

LEVEL: dict[str, int] = {"on_track": 0, "met": 0, "at_risk": 1, "breached": 2}
"""How bad a status is; `no_data` has no level (it changes nothing)."""
WORSE: dict[str, m.AlertEvent] = {"at_risk": "at_risk", "breached": "breached"}
"""The alert of a status with a level above 0."""

CATCH_UP = dt.timedelta(hours=24)
"""How long after a lead's deadline (or escalation point) it is still reported: a
watcher that was down for a weekend reports the last day's misses, not a year's."""


@dataclass(frozen=True)
class Alert:
    """One thing to tell people, in words, with where to read more."""

    key: str
    """Names what happened (unique: the store sends each key once per channel)."""
    event: m.AlertEvent
    agreement: str
    commitment: str | None
    text: str
    """The message in plain words."""
    link: str | None = None
    """The commitment's (or agreement's) wiki page, when the site's address is known."""
    roles: tuple[str, ...] = ()
    """For an escalation: the roles accountable (their channels get it)."""
    link_label: str = ""

    def message(self) -> dict[str, Any]:
        """Slack-compatible JSON: ``text`` (the notification) and ``blocks``."""
        body = _escape(self.text)
        text = body if self.link is None else f"{body} <{self.link}|{_escape(self.link_label)}>"
        blocks: list[dict[str, Any]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": body}}
        ]
        if self.link is not None:
            blocks.append(
                {
                    "type": "context",
                    "elements": [
                        {"type": "mrkdwn", "text": f"<{self.link}|{_escape(self.link_label)}>"}
                    ],
                }
            )
        return {"text": text, "blocks": blocks}


@dataclass(frozen=True)
class Change:
    """A commitment's status level changed: record it, and send `alert` if any."""

    subject: str
    seq: int | None
    """The recorded change number it follows (None: nothing recorded yet)."""
    value: str
    alert: Alert | None


@dataclass(frozen=True)
class Recorded:
    """The last status recorded for a subject."""

    value: str
    seq: int
    since: dt.datetime


@dataclass(frozen=True)
class LeadInfo:
    owner: str | None = None
    hot: bool | None = None
    company: str | None = None


def _escape(text: str) -> str:
    """Text for Slack's mrkdwn: &, < and > as entities (no link or mention sneaks in)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Context:
    """What the rules need besides the data: the workspace, its words and settings."""

    ws: Workspace
    words: AlertWords
    results: Mapping[tuple[str, str], CommitmentResult] = field(default_factory=dict)
    due_at: float = 0.75
    escalate_after: float | None = None

    def link(self, agreement: str, commitment: str | None = None) -> str | None:
        site = self.ws.settings.site_url
        if not site:
            return None
        page = f"{site.rstrip('/')}/agreements/{agreement}/"
        return page if commitment is None else f"{page}#commitment-{commitment}"

    def alert(
        self,
        key: str,
        event: m.AlertEvent,
        agreement: str,
        commitment: str | None,
        text: str,
        roles: tuple[str, ...] = (),
    ) -> Alert:
        return Alert(
            key=key,
            event=event,
            agreement=agreement,
            commitment=commitment,
            text=text,
            link=self.link(agreement, commitment),
            roles=roles,
            link_label=self.words.say("open_link"),
        )

    def commitment(self, ref: CommitmentRef) -> str:
        """ "Sales contacts 95% of hot leads within 4 working hours — this month 93%"."""
        text = " ".join(ref.commitment.text.split()).rstrip(".")
        result = self.results.get(ref.key)
        if result is None:
            return text
        value = format_value(result.value, result.unit, cohort=result.cohort)
        per = None if result.period is None else ref.commitment.per
        return f"{text} — {self.words.period(per)} {value}"

    def target(self, ref: CommitmentRef) -> str:
        return format_target(ref.bounds, ref.kpi.unit)


def accountable(ws: Workspace, ref: CommitmentRef) -> tuple[str, ...]:
    """The roles that answer for a commitment: the KPI's owner, else the agreement's
    owners from the team that makes the promise, else all its owners."""
    if ref.kpi.owner:
        return (ref.kpi.owner,)
    by = set(ref.commitment.by_teams)
    owners = [r for r in ref.agreement.owners if r in ws.roles and ws.roles[r].team in by]
    return tuple(owners or ref.agreement.owners)


# --- statuses --------------------------------------------------------------------------


def status_changes(
    ctx: Context, evaluation: Evaluation, recorded: Mapping[str, Recorded]
) -> list[Change]:
    """The commitments whose status level differs from the recorded one."""
    out: list[Change] = []
    for result in evaluation.commitments:
        ref = result.ref
        level = LEVEL.get(result.status)
        if ref is None or level is None:
            continue
        subject = f"{result.agreement}/{result.id}"
        before = recorded.get(subject)
        if before is not None and LEVEL.get(before.value, 0) == level:
            continue
        seq = None if before is None else before.seq
        number = 1 if seq is None else seq + 1
        key = f"status:{subject}:{number}"
        target = ctx.target(ref)
        said = ctx.commitment(ref)
        alert: Alert | None = None
        if before is None:
            if level > 0:
                label = ctx.words.label(result.status)
                text = ctx.words.say("status_first", label=label, commitment=said, target=target)
                alert = ctx.alert(key, WORSE[result.status], result.agreement, result.id, text)
        elif level > LEVEL.get(before.value, 0):
            label = ctx.words.label(result.status)
            old = ctx.words.status(before.value)
            text = ctx.words.say(
                "status_worse", label=label, commitment=said, target=target, old=old
            )
            alert = ctx.alert(key, WORSE[result.status], result.agreement, result.id, text)
        elif level == 0:
            label = ctx.words.label("recovered")
            old = ctx.words.status(before.value)
            text = ctx.words.say("recovered", label=label, commitment=said, target=target, old=old)
            alert = ctx.alert(key, "recovered", result.agreement, result.id, text)
        out.append(Change(subject, seq, result.status, alert))
    return out


def status_escalations(
    ctx: Context, evaluation: Evaluation, recorded: Mapping[str, Recorded], at: dt.datetime
) -> list[Alert]:
    """Commitments recorded as breached, and still breached, for `escalate_after`
    working hours."""
    if ctx.escalate_after is None:
        return []
    out: list[Alert] = []
    for result in evaluation.commitments:
        ref = result.ref
        subject = f"{result.agreement}/{result.id}"
        before = recorded.get(subject)
        if ref is None or before is None or before.value != "breached":
            continue
        if result.status != "breached":
            continue
        worked = ctx.ws.calendar.hours_between(before.since, at)
        if worked < ctx.escalate_after:
            continue
        text = ctx.words.say(
            "escalate_status",
            hours=ctx.words.duration(worked, "business"),
            commitment=ctx.commitment(ref),
            target=ctx.target(ref),
        )
        key = f"escalation:status:{subject}:{before.seq}"
        roles = accountable(ctx.ws, ref)
        out.append(ctx.alert(key, "escalation", result.agreement, result.id, text, roles))
    return out


# --- leads -----------------------------------------------------------------------------


def describe_lead(ctx: Context, lead: str, info: LeadInfo) -> str:
    """ "Hot lead L-1042 (Acme BV, owner Sanne Bakker)"."""
    words = ctx.words
    head = words.say("hot_lead" if info.hot else "lead")
    if info.owner:
        member = ctx.ws.people.get(info.owner)
        owner = words.say("owner", name=member.person.name if member else info.owner)
    else:
        owner = words.say("no_owner")
    parts = [_clean(p) for p in (info.company, owner) if p]
    return f"{head} {_clean(lead)} ({', '.join(parts)})"


def _clean(text: str) -> str:
    """Text from the store on one line, without control or format characters (no
    terminal escape sequence or bidi override reaches a screen)."""
    kept = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(kept.split())


def lead_alerts(
    ctx: Context,
    waiting: Iterable[Waiting],
    leads: WaitingLeads,
    details: Mapping[str, LeadInfo],
    at: dt.datetime,
) -> list[Alert]:
    """Due (past `due_at` of the allowed time, before the deadline), missed (deadline
    passed within `CATCH_UP`) and escalated (still waiting `escalate_after` working
    hours after the deadline) leads."""
    out: list[Alert] = []
    tz = ctx.ws.tz
    for w in waiting:
        deadline = leads.deadline(w)
        subject = f"{w.ref.agreement.id}/{w.ref.commitment.id}:{w.lead}:{iso_z(w.since)}"
        who = describe_lead(ctx, w.lead, details.get(w.lead, LeadInfo()))
        said = ctx.commitment(w.ref)
        when = ctx.words.moment(deadline, tz)
        a_id, c_id = w.ref.agreement.id, w.ref.commitment.id
        if at < deadline:
            if leads.deadline(w, ctx.due_at) <= at:
                left = (
                    ctx.ws.calendar.hours_between(at, deadline)
                    if w.clock == "business"
                    else (deadline - at) / dt.timedelta(hours=1)
                )
                text = ctx.words.say(
                    "due",
                    lead=who,
                    left=ctx.words.duration(left, w.clock),
                    deadline=when,
                    commitment=said,
                )
                out.append(ctx.alert(f"due:{subject}", "due", a_id, c_id, text))
            continue
        if at - deadline <= CATCH_UP:
            text = ctx.words.say("missed", lead=who, deadline=when, commitment=said)
            out.append(ctx.alert(f"missed:{subject}", "missed", a_id, c_id, text))
        if ctx.escalate_after is None:
            continue
        escalate = ctx.ws.calendar.add(deadline, ctx.escalate_after)
        if escalate <= at and at - escalate <= CATCH_UP:
            past = ctx.ws.calendar.hours_between(deadline, at)
            text = ctx.words.say(
                "escalate_lead",
                lead=who,
                hours=ctx.words.duration(past, "business"),
                deadline=when,
                commitment=said,
            )
            roles = accountable(ctx.ws, w.ref)
            key = f"escalation:lead:{subject}"
            out.append(ctx.alert(key, "escalation", a_id, c_id, text, roles))
    return out


# --- review dates ----------------------------------------------------------------------


def review_alerts(ctx: Context, at: dt.datetime) -> list[Alert]:
    """Agreements (not retired) whose review date has passed (the day after it)."""
    today = at.astimezone(ctx.ws.tz).date()
    out: list[Alert] = []
    for agreement in ctx.ws.agreements.values():
        if agreement.status == "retired" or agreement.review_by is None:
            continue
        if agreement.review_by >= today:
            continue
        owners = ", ".join(
            ctx.ws.roles[r].title if r in ctx.ws.roles else r for r in agreement.owners
        )
        text = ctx.words.say(
            "review",
            title=" ".join(agreement.title.split()),
            date=agreement.review_by.isoformat(),
            owners=owners,
        )
        key = f"review:{agreement.id}:{agreement.review_by.isoformat()}"
        out.append(ctx.alert(key, "review", agreement.id, None, text))
    return out
