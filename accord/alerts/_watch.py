"""`Watcher`: one run of `accord watch` — evaluate, find what is worth an alert, record it
once in the store, send it, report.

Each `tick(at)` evaluates the commitments incrementally (an `accord.metrics.Evaluator`
kept between ticks, as the dashboard does), lists the leads waiting against a deadline
(`accord.alerts._waiting`), applies the rules of `accord.alerts._detect`, records the
alerts in the sent log (`accord.alerts._log`), then sends what it claimed. A run with
``--once`` is one tick in a new process: the sent log, not memory, says what was sent.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import socket
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from accord.alerts._channels import Channel, Masker, Retry, Sleep, send
from accord.alerts._detect import (
    CATCH_UP,
    Alert,
    Context,
    LeadInfo,
    lead_alerts,
    review_alerts,
    status_changes,
    status_escalations,
)
from accord.alerts._log import claim, ensure_tables, finish, record, recorded
from accord.alerts._table import alerts_sent
from accord.alerts._waiting import WaitingLeads
from accord.alerts._words import AlertWords
from accord.domain import model as m
from accord.domain.clock import Clock, system_now
from accord.domain.workspace import Workspace
from accord.metrics import Evaluator, lead_name
from accord.store import Store, leads

LEASE = dt.timedelta(minutes=10)
"""How long a claimed row is this watcher's to send; longer than any run of retries."""
ZERO = dt.timedelta(0)
FULL_EVERY = 30
"""Ticks between full evaluations (lead rows edited in place are seen by a full one)."""


@dataclass(frozen=True)
class Sent:
    """One row of the sent log handled in a tick."""

    alert_key: str
    channel: str
    event: str
    text: str
    error: str | None = None
    """None when the channel took it; else why not (masked)."""


@dataclass
class TickReport:
    """What one tick did."""

    at: dt.datetime
    found: int = 0
    """Alerts found (whether new or sent before)."""
    recorded: int = 0
    """New rows in the sent log."""
    held: int = 0
    """Rows waiting for working hours (quiet hours)."""
    sent: list[Sent] = field(default_factory=list)
    failed: list[Sent] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _routes(
    alerts: m.Alerts | None, alert: Alert, available: set[str], broadcast: Sequence[str]
) -> list[str]:
    """The channels an alert goes to: every ``--webhook``; the routes whose events (and
    agreements) match; for an escalation, the accountable roles' channels."""
    out: list[str] = list(broadcast)
    if alerts is not None:
        for route in alerts.routes:
            if alert.event not in route.events:
                continue
            if route.agreements and alert.agreement not in route.agreements:
                continue
            out.extend(route.channels)
        if alert.event == "escalation" and alerts.escalation is not None:
            out.extend(
                alerts.escalation.roles[r] for r in alert.roles if r in alerts.escalation.roles
            )
    return [c for c in dict.fromkeys(out) if c in available]


def working_now(ws: Workspace, at: dt.datetime) -> bool:
    """Whether `at` falls inside the calendar's working hours."""
    return ws.calendar.add(at, 0) <= at


class Watcher:
    """Watches one workspace's store and tells the channels, never twice."""

    def __init__(
        self,
        ws: Workspace,
        store: Store,
        channels: Sequence[Channel],
        *,
        broadcast: Sequence[str] = (),
        now: Clock = system_now,
        sleep: Sleep = time.sleep,
        retry: Retry | None = None,
        mask: Masker | None = None,
        ident: str | None = None,
    ) -> None:
        """
        Args:
            ws: the workspace.
            store: its event store, opened for writing (the sent log lives there).
            channels: every channel this watcher can send to.
            broadcast: names of channels that get every alert (``--webhook``).
            now: the clock a tick without `at` runs at.
            sleep: how to wait between retries (tests pass a recorder).
            retry: attempts and back-off per message (default `Retry()`).
            mask: hides the channels' secrets (default: their URLs).
            ident: this watcher's name in claims (default host, pid and a random part).
        """
        self.ws = ws
        self.store = store
        self.channels = {c.name: c for c in channels}
        self.broadcast = list(broadcast)
        self.now = now
        self.sleep = sleep
        self.retry = retry or Retry()
        self.mask = mask or Masker(c.url for c in channels)
        self.ident = ident or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.settings = ws.settings.alerts
        self.words = AlertWords(ws.settings.language)
        self._evaluator = Evaluator(ws, store, now=now)
        self._waiting = WaitingLeads(ws, store, now=now)
        self._ticks = 0
        ensure_tables(store)

    def tick(self, at: dt.datetime | None = None) -> TickReport:
        """Evaluate as of `at` (default now), record new alerts, send what is due."""
        when = at if at is not None else self.now()
        full = self._ticks % FULL_EVERY == 0
        self._ticks += 1
        evaluation = self._evaluator.full(when) if full else self._evaluator.refresh(when)
        waiting = self._waiting.refresh(when, full=full)
        settings = self.settings
        escalate = None
        if settings is not None and settings.escalation is not None:
            escalate = settings.escalation.after
        ctx = Context(
            ws=self.ws,
            words=self.words,
            results={(r.agreement, r.id): r for r in evaluation.commitments},
            due_at=settings.due_at if settings is not None else 0.75,
            escalate_after=escalate,
        )
        before = recorded(self.store)
        horizon = CATCH_UP + (self._waiting.span(escalate, "business") if escalate else ZERO)
        near = self._waiting.near(waiting, when, horizon)
        details = self._lead_details(sorted({w.lead for w in near}))
        changes = status_changes(ctx, evaluation, before)
        alerts = [
            *status_escalations(ctx, evaluation, before, when),
            *lead_alerts(ctx, near, self._waiting, details, when),
            *review_alerts(ctx, when),
        ]
        everything = alerts + [c.alert for c in changes if c.alert is not None]
        available = set(self.channels)
        routes = {a.key: _routes(settings, a, available, self.broadcast) for a in everything}
        quiet = settings is not None and settings.quiet_hours and not working_now(self.ws, when)
        due = self.ws.calendar.add(when, 0) if quiet else when
        report = TickReport(at=when, found=len(everything))
        report.recorded = record(self.store, changes, alerts, routes, when, due)
        if quiet:
            report.notes.append(
                f"quiet hours: new alerts wait until {self.words.moment(due, self.ws.tz)}"
            )
        for row in claim(self.store, self.ident, available, when, LEASE):
            channel = self.channels[row.channel]
            tries, error = send(
                channel, row.message, retry=self.retry, sleep=self.sleep, mask=self.mask
            )
            finish(self.store, self.ident, row, tries, self.now() if at is None else when, error)
            done = Sent(row.alert_key, row.channel, row.event, _plain(row.message), error)
            (report.sent if error is None else report.failed).append(done)
        report.held = self._held(when)
        return report

    def _held(self, at: dt.datetime) -> int:
        """Rows waiting for working hours (quiet hours)."""
        t = alerts_sent.c
        with self.store.read() as conn:
            held = conn.execute(
                select(func.count()).where(t.sent_at.is_(None), t.due_at > at)
            ).scalar()
        return int(held or 0)

    def _lead_details(self, ids: list[str]) -> dict[str, LeadInfo]:
        out: dict[str, LeadInfo] = {}
        if not ids:
            return out
        with self.store.read() as conn:
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                rows = conn.execute(
                    select(leads.c.lead_id, leads.c.owner, leads.c.hot, leads.c.attributes).where(
                        leads.c.lead_id.in_(chunk)
                    )
                )
                for r in rows:
                    out[r.lead_id] = LeadInfo(r.owner, r.hot, lead_name(r.attributes))
        return out


def _plain(message: dict[str, Any]) -> str:
    """A sent message as plain text for a terminal: its first block's words and its link."""
    try:
        text = html.unescape(str(message["blocks"][0]["text"]["text"]))
    except (KeyError, IndexError, TypeError):
        return str(message.get("text", ""))
    links = re.findall(r"<(https?://[^|>]+)\|", str(message.get("text", "")))
    return f"{text} {links[0]}" if links else text
