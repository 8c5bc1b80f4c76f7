"""Gathering the monthly pack: the period's results, breaches, changes, reviews, maturity.

`build_report` evaluates every commitment twice — as of the period's end (or the
report's instant while the period runs) and as of the end of the month before —
under the agreements in force at each instant when the workspace's git history can
say which those were (`accord.metrics.workspace_at`), else under the working tree's.
It reads the store only through `accord.metrics` and the history only through
`accord.history`; the clock is the caller's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from accord.diagnostic import gaps, score_round
from accord.domain.clock import Clock, system_now
from accord.domain.errors import AccordError
from accord.domain.workspace import CommitmentRef, Workspace
from accord.history import History
from accord.metrics import CommitmentResult, Evaluation, attention, evaluate, workspace_at
from accord.present import ChangeWords, format_target
from accord.report._model import (
    Breach,
    Change,
    Changed,
    Due,
    LeadRow,
    Line,
    Maturity,
    Month,
    Report,
)
from accord.store import Store

_TICK = dt.timedelta(microseconds=1)
LEADS_SHOWN = 25
"""Leads listed under one breach (the rest are counted)."""
REVIEW_WINDOW = 31
"""Days after the report's instant within which a review date counts as due."""


def build_report(
    ws: Workspace,
    store: Store | None,
    period: Month,
    *,
    now: Clock = system_now,
    history: History | None = None,
    root: Path | None = None,
    why_no_store: str | None = None,
) -> Report:
    """The monthly pack for `period`.

    Args:
        ws: the workspace (the working tree's agreements).
        store: the event store, or None to report without numbers (`why_no_store`).
        period: the month reported on.
        now: the clock; the period's results are as of its end, or of ``now()`` while
            it runs.
        history: the agreements' git history, for the changes made in the period.
        root: the workspace folder: with it, each instant is judged by the agreements
            committed then (docs/reference/metrics.md).
        why_no_store: why `store` is None, said in the report.

    Raises:
        ValueError: the period begins after ``now()``.
        StoreError: the store cannot be read.
    """
    tz = ws.tz
    made_at = now().astimezone(dt.UTC)
    start, end = period.bounds(tz)
    if made_at < start:
        raise ValueError(f"the period {period} has not begun yet")
    running = made_at < end
    as_of = min(end - _TICK, made_at)
    previous_as_of = start - _TICK
    notes: list[str] = []
    words = ChangeWords.for_workspace(ws)

    def at(moment: dt.datetime) -> Workspace:
        if root is None:
            return ws
        try:
            found, note = workspace_at(root, moment)
        except AccordError as exc:
            notes.append(f"{exc}; judged by the agreements in the working tree")
            return ws
        if note and note not in notes:
            notes.append(note)
        return found

    current: Evaluation | None = None
    previous: Evaluation | None = None
    current_ws = ws
    if store is not None:
        current_ws = at(as_of)
        current = evaluate(current_ws, store, as_of, now=now)
        previous = evaluate(at(previous_as_of), store, previous_as_of, now=now)
    lines = _lines(ws, words, current, previous)
    breaches = _breaches(current_ws, store, as_of, lines, words) if store is not None else []
    if store is None and why_no_store:
        notes.insert(0, why_no_store)
    today = as_of.astimezone(tz).date()
    due = [
        Due(a.id, a.title, a.review_by, a.review_by < today)
        for a in ws.review_due(today, REVIEW_WINDOW)
        if a.review_by is not None
    ]
    if history is not None and not history.available and history.note:
        notes.append(history.note)
    return Report(
        workspace=ws.settings.name,
        language=ws.settings.language,
        tz=tz,
        period=period,
        as_of=as_of,
        previous_as_of=previous_as_of,
        made_at=made_at,
        store=current.store if current is not None else None,
        lines=tuple(lines),
        breaches=tuple(breaches),
        changed=tuple(_changed(ws, words, history, period)),
        due=tuple(due),
        maturity=_maturity(ws, today),
        running=running,
        notes=tuple(notes),
    )


def _key(r: CommitmentResult) -> tuple[str, str]:
    return r.agreement, r.id


def _lines(
    ws: Workspace, words: ChangeWords, current: Evaluation | None, previous: Evaluation | None
) -> list[Line]:
    now_results = {_key(r): r for r in current.commitments} if current else {}
    before = {_key(r): r for r in previous.commitments} if previous else {}
    refs: dict[tuple[str, str], CommitmentRef] = {}
    for results in (now_results, before):
        for key, r in results.items():
            if r.ref is not None:
                refs.setdefault(key, r.ref)
    if current is None:  # no store: the working tree's active commitments, without results
        refs = {ref.key: ref for ref in ws.commitments(active_only=True)}
    out = []
    for key, ref in refs.items():
        c, a = ref.commitment, ref.agreement
        by = ", ".join(words.names.team(t) for t in c.by_teams)
        to = ", ".join(words.names.team(t) for t in c.to_teams)
        out.append(
            Line(
                agreement=a.id,
                agreement_title=a.title,
                commitment=c.id,
                title=words.names.title(c.id),
                text=c.text,
                by_to=f"{by} → {to}" if to else by,
                target=format_target(ref.bounds, ref.kpi.unit, warn=False),
                unit=ref.kpi.unit,
                current=now_results.get(key),
                previous=before.get(key),
            )
        )
    return out


def _breaches(
    ws: Workspace, store: Store, as_of: dt.datetime, lines: list[Line], words: ChangeWords
) -> list[Breach]:
    bad = [ln for ln in lines if ln.status in ("breached", "at_risk")]
    bad.sort(key=lambda ln: (ln.status != "breached", ln.agreement, ln.commitment))
    listed = [ln for ln in bad if ln.current is not None and ln.current.leads is not None]
    waiting = attention(ws, store, as_of) if listed else []
    out = []
    for ln in bad:
        assert ln.current is not None
        if ln.current.leads is None:
            out.append(Breach(ln, (), leads_known=False))
            continue
        rows = tuple(
            LeadRow(
                item.lead_id,
                words.names.person(item.owner) if item.owner else None,
                item.age_hours,
                words.names.stage(item.stage) if item.stage else None,
            )
            for item in waiting
            if item.agreement == ln.agreement and item.commitment == ln.commitment
        )
        out.append(Breach(ln, rows))
    return out


def _changed(
    ws: Workspace, words: ChangeWords, history: History | None, period: Month
) -> list[Changed]:
    if history is None or not history.available:
        return []
    found: dict[str, list[Change]] = {}
    for commit in reversed(history.commits):  # oldest first
        if not period.contains(commit.date.astimezone(ws.tz).date()):
            continue
        for (kind, ident), changes in commit.changes.items():
            if kind != "Agreement" or not changes:
                continue
            found.setdefault(ident, []).append(
                Change(
                    date=commit.date.astimezone(ws.tz).date(),
                    title=commit.headline,
                    author=commit.author,
                    pr=commit.pr,
                    approvers=commit.approvers,
                    lines=tuple(words.changes((kind, ident), changes)),
                )
            )
    out = []
    for ident, made in sorted(found.items()):
        agreement = ws.agreements.get(ident)
        title = agreement.title if agreement is not None else words.names.name(("Agreement", ident))
        out.append(Changed(ident, title, tuple(made)))
    return out


def _maturity(ws: Workspace, today: dt.date) -> Maturity | None:
    rounds = [a for a in ws.assessments.values() if a.date <= today]
    if not rounds:
        return None
    latest = max(rounds, key=lambda a: (a.date, a.id))
    q = ws.questionnaires.get(latest.questionnaire)
    if q is None:
        return None
    scores = score_round(q, latest)
    if scores.combined is None:
        return None
    team: Callable[[str], str] = lambda t: ws.teams[t].name if t in ws.teams else t  # noqa: E731
    differing = [g for g in gaps(q, latest) if g.size > 0]
    return Maturity(
        assessment=latest.id,
        date=latest.date,
        score=scores.combined.total,
        high=scores.high,
        stage=scores.combined.stage,
        teams=tuple((team(s.who), s.total) for s in scores.teams),
        largest_gap=(differing[0].statement.text, differing[0].size) if differing else None,
    )
