"""What the panels show while a question is being answered, from the last snapshot.

A new question (start, an agreements reload, another period or as-of) is answered
in parts (`tui.data`): each panel says it is loading until its part arrives, or
shows the last values marked as updating when they answered the same question.

- `carry(old, new)`: `new` completed with what `old` knew (the screen keeps one
  snapshot and carries it into each new one).
- `reloaded(old, old_keys, new_keys)`: the snapshot to show right after an
  agreements reload: the unchanged commitments' values, all of it updating.
- `unanswered(ws, at, now, ...)`: the snapshot of a question with no answer yet.
- `same_view(old, new)`: whether two snapshots answer the same question.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from accord.metrics import Evaluation
from accord.store import StoreInfo
from tui.data import Snapshot, with_current
from tui.model_keys import ModelKeys

if TYPE_CHECKING:
    from accord.domain.workspace import Workspace


def same_view(old: Snapshot, new: Snapshot) -> bool:
    """Whether `old` answered the same question as `new` (live both, or the same as-of),
    so its values may stand in for parts `new` does not know yet."""
    return old.live == new.live and (new.live or old.as_of == new.as_of)


def carry(old: Snapshot | None, new: Snapshot) -> Snapshot:
    """`new`, with what it does not know yet taken from `old` when that answered the same
    question (`same_view`; the screen makes `old` forget what a new question changes):
    the previous results of commitments still `pending` (shown as updating), the funnel
    (same period), the attention list and the trends, each with `old`'s known flag."""
    if old is None or not same_view(old, new):
        return new
    changes: dict[str, Any] = {}
    if new.pending:
        have = {(c.agreement, c.id) for c in new.evaluation.commitments}
        stand_in = [
            c
            for c in old.evaluation.commitments
            if (c.agreement, c.id) in new.pending and (c.agreement, c.id) not in have
        ]
        if stand_in:
            commitments = [*new.evaluation.commitments, *stand_in]
            changes["evaluation"] = replace(new.evaluation, commitments=commitments)
    if not new.funnel_known and old.per == new.per:
        changes.update(funnel=old.funnel, funnel_known=old.funnel_known)
    if not new.attention_known:
        changes.update(
            attention=old.attention,
            attention_total=old.attention_total,
            attention_known=old.attention_known,
        )
    if not new.trends_known:
        trends = with_current({**old.trends, **new.trends}, new.evaluation)
        changes.update(trends=trends, trends_known=old.trends_known)
    return replace(new, **changes) if changes else new


def reloaded(old: Snapshot, old_keys: ModelKeys, new_keys: ModelKeys) -> Snapshot:
    """What to show while the reloaded agreements (`new_keys`) are evaluated: `old`'s
    values of the commitments whose key is unchanged, every commitment pending, every
    part unknown (the panels say updating, or loading for what changed)."""
    kept = {
        ident
        for ident, key in new_keys.commitments.items()
        if old_keys.commitments.get(ident) == key
    }
    results = [c for c in old.evaluation.commitments if (c.agreement, c.id) in kept]
    return replace(
        old,
        evaluation=replace(old.evaluation, commitments=results, agreements={}),
        pending=frozenset(new_keys.commitments),
        trends={k: v for k, v in old.trends.items() if k in kept},
        trends_known=False,
        funnel_known=False,
        attention_known=False,
        attention=old.attention if old_keys.attention == new_keys.attention else (),
        attention_total=old.attention_total if old_keys.attention == new_keys.attention else 0,
    )


def unanswered(
    ws: Workspace, at: dt.datetime | None, now: dt.datetime, *, per: str, store: StoreInfo
) -> Snapshot:
    """What to show while another question (as of `at`; None: live at `now`) is being
    answered: every commitment pending, every part unknown (each panel says loading)."""
    as_of = now if at is None else at
    return Snapshot(
        as_of=as_of,
        live=at is None,
        per=per,
        store=store,
        evaluation=Evaluation(as_of=as_of, store=store, agreements={}, commitments=[]),
        pending=frozenset(ref.key for ref in ws.commitments()),
        attention_known=False,
        funnel_known=False,
        trends_known=False,
    )
