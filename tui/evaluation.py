"""The dashboard's evaluation of the commitments, kept across refreshes and agreements reloads.

`Evaluations` holds one `accord.metrics.Evaluator` per set of commitments, each set
known by its commitments' keys (`tui.model_keys`). `refresh` brings every evaluator
up to date incrementally; after an agreements reload only the commitments whose key
changed (or that are new) are evaluated from scratch, in an evaluator of their own
over just them (`sub_workspace`), while the others keep theirs and their last values
until the next refresh. `full` (at start, on the periodic schedule, another as-of)
makes one evaluator of everything again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from accord.metrics import CommitmentResult, Evaluation

if TYPE_CHECKING:
    from accord.domain.workspace import Workspace
    from tui.model_keys import ModelKeys

Key = tuple[str, str]
OnResult = Callable[[CommitmentResult], None]


@dataclass(frozen=True)
class _Part:
    evaluator: Any
    keys: dict[Key, str]
    """The commitments it evaluates for the workspace in use: id → commitment key."""

    def still(self, keys: ModelKeys) -> _Part:
        """This part, evaluating for `keys` only the commitments whose key is unchanged."""
        mine = {i: k for i, k in self.keys.items() if keys.commitments.get(i) == k}
        return _Part(self.evaluator, mine)


def sub_workspace(ws: Workspace, keep: set[Key]) -> Workspace:
    """`ws` with only the commitments `keep` (and the agreements that hold them)."""
    agreements = {}
    for ident, agreement in ws.agreements.items():
        mine = [c for c in agreement.commitments if (ident, c.id) in keep]
        if mine:
            agreements[ident] = agreement.model_copy(update={"commitments": mine})
    return dataclasses.replace(ws, agreements=agreements)


class Evaluations:
    """The commitments of the workspace in use, evaluated incrementally (not thread-safe:
    the caller locks)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._parts: list[_Part] = []
        self._last: dict[Key, CommitmentResult] = {}
        self.evaluated = 0
        """How many commitments the last call evaluated from scratch."""

    @property
    def at(self) -> dt.datetime | None:
        """The instant of the last evaluation (None before the first)."""
        moments = [p.evaluator.at for p in self._parts]
        return None if not moments or None in moments else min(moments)

    def full(
        self, ws: Workspace, keys: ModelKeys, when: dt.datetime, on_result: OnResult | None = None
    ) -> Evaluation:
        """Every commitment of `ws` evaluated from scratch as of `when` (one evaluator)."""
        from accord import metrics

        evaluator = metrics.Evaluator(ws, self.store)
        evaluation = evaluator.full(when, on_result=on_result)
        self._parts = [_Part(evaluator, dict(keys.commitments))]
        self._last = {(r.agreement, r.id): r for r in evaluation.commitments}
        self.evaluated = len(evaluation.commitments)
        return evaluation

    def refresh(
        self, ws: Workspace, keys: ModelKeys, when: dt.datetime, on_result: OnResult | None = None
    ) -> Evaluation | None:
        """`ws` evaluated as of `when` from what is kept: the evaluators brought up to date;
        or, when some commitments are evaluated by none of them (changed, new: right after
        an agreements reload), those evaluated from scratch and the others as last
        evaluated (the next call brings them up to date), handed to `on_result` in that
        order. None when nothing can be kept (call `full`)."""
        from accord import metrics

        when = metrics.resolve_at(ws, when)
        parts = [kept for p in self._parts if (kept := p.still(keys)).keys]
        last = self.at
        if not parts or last is None or when < last:
            return None
        covered = {i for p in parts for i in p.keys}
        missing = {i: k for i, k in keys.commitments.items() if i not in covered}
        results: dict[Key, CommitmentResult] = {}
        infos = []
        if missing:
            if on_result is not None:
                for ident in covered:
                    if ident in self._last:
                        on_result(self._last[ident])
            evaluator = metrics.Evaluator(sub_workspace(ws, set(missing)), self.store)
            fresh = evaluator.full(when, on_result=on_result)
            results.update({(r.agreement, r.id): r for r in fresh.commitments})
            infos.append(fresh.store)
        for part in parts:
            if missing:  # the others as last evaluated: the next refresh brings them up
                results.update({i: self._last[i] for i in part.keys if i in self._last})
                continue
            evaluation = part.evaluator.refresh(when)
            infos.append(evaluation.store)
            for r in evaluation.commitments:
                if (r.agreement, r.id) in part.keys:
                    results[(r.agreement, r.id)] = r
        if missing:
            parts.append(_Part(evaluator, missing))
        self._parts = parts
        self._last = results
        self.evaluated = len(missing)
        ordered = [results[r.key] for r in metrics.measured(ws, when) if r.key in results]
        agreements = {
            a.id: metrics.worst([r.status for r in ordered if r.agreement == a.id])
            for a in metrics.in_force(ws, when)
        }
        info = max(infos, key=lambda i: (i.last_event_id or 0, i.events))
        return Evaluation(as_of=when, store=info, agreements=agreements, commitments=ordered)
