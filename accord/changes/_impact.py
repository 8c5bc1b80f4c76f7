"""What a change does to the results: `evaluate_impact` (``accord diff --impact``).

The commitments whose measurement the change touches — a target, warning level,
period or KPI of a commitment; a commitment or agreement added or removed; an
agreement's status or effective date; the measure, filter or unit of a KPI they
use; the workspace's calendar — are evaluated against the event store twice,
under BASE's agreements and under HEAD's, for the last complete period and for
the current one (as of `now`).

Both sides are judged as if their agreements applied to those periods: the
``effective`` date is set aside (a change effective next month still shows what
it would have done to October), but only ``active`` agreements are measured, as
everywhere. A complete period's status is decided on its final value, without
pace (`accord.metrics.decide`): "breached", not "at risk".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable

from accord.changes._report import ChangeReport, Impact, ImpactRow
from accord.domain.calendar import period_bounds
from accord.domain.clock import Clock, system_now
from accord.domain.errors import StoreError
from accord.domain.workspace import Workspace
from accord.metrics import CommitmentResult, Period, decide, evaluate
from accord.present import ChangeWords
from accord.store import Store, open_store, tune_for_reading
from accord.store import store_url as resolve_store

Key = tuple[str, str]
"""(agreement id, commitment id)."""

_COMMITMENT = re.compile(r"^commitments\[([^\]]+)\](?:\.(\w+))?")
_MEASURED = ("target", "warn", "per", "kpi")
"""The fields of a commitment that change its result (not its text, `by` or `to`)."""
_ROLLING = {"30d": 30, "90d": 90}
_TICK = dt.timedelta(microseconds=1)


def _commitment_ids(*agreements: dict[str, object] | None) -> list[str]:
    out: list[str] = []
    for data in agreements:
        items = data.get("commitments") if data is not None else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] not in out:
                out.append(item["id"])
    return out


def affected(report: ChangeReport) -> list[Key]:
    """The commitments whose measurement the change touches, in the report's order."""
    base, head = report.base.entities, report.head.entities
    wanted: dict[Key, None] = {}
    kpis: set[str] = set()
    calendar = False
    for change in report.entities:
        kind, ident = change.key
        if kind == "Agreement":
            both = (base.get(change.key), head.get(change.key))
            for field in change.fields:
                found = _COMMITMENT.match(field.path)
                if found is not None and (found.group(2) in (None, *_MEASURED)):
                    wanted[(ident, found.group(1))] = None
                elif field.path.split(".")[0] in ("", "status", "effective", "commitments"):
                    wanted.update(dict.fromkeys((ident, c) for c in _commitment_ids(*both)))
        elif kind == "Kpi":
            if any(f.path.split(".")[0] in ("", "measure", "where", "unit") for f in change.fields):
                kpis.add(ident)
        elif kind == "Workspace":
            calendar = calendar or any(f.path.startswith("calendar") for f in change.fields)
    if kpis or calendar:
        for key in dict.fromkeys([*head, *base]):
            if key[0] != "Agreement":
                continue
            for side in (head, base):
                items = side.get(key, {}).get("commitments")
                for item in items if isinstance(items, list) else []:
                    if isinstance(item, dict) and (calendar or item.get("kpi") in kpis):
                        wanted[(key[1], str(item.get("id")))] = None
    return list(wanted)


def _trimmed(ws: Workspace, wanted: Iterable[Key]) -> Workspace:
    """`ws` with only the `wanted` commitments, every agreement's effective date set aside."""
    keep = set(wanted)
    agreements = {}
    for agreement in ws.agreements.values():
        mine = [c for c in agreement.commitments if (agreement.id, c.id) in keep]
        if mine:
            agreements[agreement.id] = agreement.model_copy(
                update={"commitments": mine, "effective": None}
            )
    return dataclasses.replace(ws, agreements=agreements)


def _previous(per: str, at: dt.datetime, ws: Workspace) -> dt.datetime:
    """An instant in the last complete period of `per` before the one holding `at`: its
    last one (a rolling window: the window that ends where the current one starts)."""
    start, _ = period_bounds(per, at, ws.tz)
    return start if per in _ROLLING else start - _TICK


def _results(
    ws: Workspace, wanted: list[Key], store: Store, at: dt.datetime, clock: Clock
) -> dict[tuple[str, str, bool], CommitmentResult]:
    """Each wanted commitment's result in its last complete period (True) and now (False)."""
    trim = _trimmed(ws, wanted)
    refs = trim.commitments()
    moments = dict.fromkeys([at, *(_previous(r.commitment.per, at, trim) for r in refs)])
    out: dict[tuple[str, str, bool], CommitmentResult] = {}
    for moment in moments:
        for result in evaluate(trim, store, moment, now=clock).commitments:
            ref = result.ref
            if ref is None:
                continue
            if moment == at:
                out[(result.agreement, result.id, False)] = result
            if moment == _previous(ref.commitment.per, at, trim):
                final = decide(result.value, ref.bounds, paced=False, projected=None)
                out[(result.agreement, result.id, True)] = dataclasses.replace(
                    result, status=final, projected=None
                )
    return out


def _missed(result: CommitmentResult) -> int:
    """Leads late in a `within` result: the decided ones that were not met."""
    decided = result.cohort or 0
    return decided - round((result.value or 0.0) * decided)


def _row(
    words: ChangeWords,
    key: Key,
    complete: bool,
    before: CommitmentResult | None,
    after: CommitmentResult | None,
    at: dt.datetime,
    sides: tuple[Workspace | None, Workspace | None],
) -> ImpactRow:
    shown = after if after is not None else before
    ws = sides[1] if after is not None else sides[0]
    assert shown is not None and shown.ref is not None and ws is not None
    per = shown.ref.commitment.per
    moment = _previous(per, at, ws) if complete else at
    start, end = period_bounds(per, moment, ws.tz)
    period = words.period(start, end, per, ws.tz)
    when = words.say("under_new" if complete else "so_far", period=period)
    late: int | None = None
    new_limit: str | None = None
    if before is not None and after is not None and before.ref and after.ref:
        old, new = before.ref.kpi.measure, after.ref.kpi.measure
        if old.kind == new.kind == "within":
            late = _missed(after) - _missed(before)
            if old.spec.limit != new.spec.limit or old.spec.clock != new.spec.clock:
                new_limit = words.hours(new.spec.limit, new.spec.clock)
    text = words.impact(
        words.commitment(key[1]), when, before, after, new_limit=new_limit, late=late
    )
    return ImpactRow(key[0], key[1], complete, Period(start, end), before, after, late, text)


def evaluate_impact(
    report: ChangeReport, *, store_url: str | None = None, now: Clock = system_now
) -> Impact:
    """Evaluate the change's impact and set it on `report` (also returned).

    Args:
        report: the change (`accord.changes.compare`).
        store_url: ``--store``; else env ``ACCORD_STORE``, else HEAD's workspace's store.
        now: the clock; the current period is the one holding ``now()``.

    Never raises for a store that cannot be read or agreements with errors: the
    `Impact` then says why, on one line.
    """
    at = now().astimezone(dt.UTC)
    words = report.words
    base, head = report.base.workspace, report.head.workspace
    for side, label in ((report.base, "BASE"), (report.head, "HEAD")):
        if side.workspace is None and side.files:
            report.impact = Impact(False, words.say("has_errors", side=label), None, at)
            return report.impact
    wanted = affected(report)
    chosen = head or base  # whose store: HEAD's, unless the change removes every agreement
    if not wanted or chosen is None:
        report.impact = Impact(True, None, None, at)
        return report.impact
    try:
        tune_for_reading(resolve_store(chosen, store_url))
        opened = open_store(chosen, store_url, readonly=True)
    except StoreError as exc:
        report.impact = Impact(False, str(exc), None, at)
        return report.impact
    with opened as store:
        try:
            before = _results(base, wanted, store, at, now) if base is not None else {}
            after = _results(head, wanted, store, at, now) if head is not None else {}
        except StoreError as exc:
            report.impact = Impact(False, str(exc), store.url, at)
            return report.impact
    rows = []
    for key in wanted:
        for complete in (True, False):
            old, new = before.get((*key, complete)), after.get((*key, complete))
            if old is not None or new is not None:
                rows.append(_row(words, key, complete, old, new, at, (base, head)))
    report.impact = Impact(True, None, store.url, at, tuple(rows))
    return report.impact
