"""Which agreements a change touches, and why (pure).

An agreement counts as changed when, between the two workspaces:

* its own document was added, removed or changed — followed by kind and id, so
  moving it to another file is not a change, and a change is found wherever it
  moved;
* a file that holds it changed in any byte (a comment, the layout) — as in
  CODEOWNERS, a file is owned by the owners of every agreement in it; a file moved
  without a change to a single byte does not count;
* something it depends on changed: one of its owner roles (who holds it), a person
  who holds one of them (their team entry, such as the ``git`` handle), a KPI one of
  its commitments is measured by, or a stage such a KPI counts.

Both versions of the agreement are consulted, so a KPI that a commitment stops
using, or an owner role that is removed, counts too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from accord.domain import model as m
from accord.domain.measures import kind_of
from accord.domain.workspace import Workspace


@dataclass(frozen=True)
class FileChange:
    """One line of ``git diff --name-status -M``, paths relative to the workspace.

    Attributes:
        status: ``A`` added, ``M`` modified, ``D`` deleted, ``R`` renamed, ``C`` copied,
            ``T`` type changed.
        old: the path before (None when added).
        new: the path after (None when deleted).
        similarity: for ``R`` and ``C``, how much of the content stayed (0–100).
    """

    status: str
    old: str | None
    new: str | None
    similarity: int | None = None

    @property
    def content_changed(self) -> bool:
        """False only for a file moved without a change to a single byte."""
        return not (self.status == "R" and self.similarity == 100)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(p for p in (self.old, self.new) if p is not None)


@dataclass(frozen=True)
class ChangedAgreement:
    """An agreement the change touches.

    Attributes:
        id: the agreement's id.
        title: its title (after the change, or before when it was removed).
        reasons: what changed, in words: ``the agreement``, ``the agreement (added)``,
            ``KPI sqls-delivered``, ``owner role head-of-sales``, ``its file
            agreements/sla.yaml (comments or layout)``, …
    """

    id: str
    title: str
    reasons: tuple[str, ...]


class _Side:
    """One workspace (or none) with the lookups the comparison needs."""

    def __init__(self, ws: Workspace | None) -> None:
        self.ws = ws
        self.agreements: dict[str, m.Agreement] = dict(ws.agreements) if ws else {}
        self.roles: dict[str, m.Role] = dict(ws.roles) if ws else {}
        self.kpis: dict[str, m.Kpi] = dict(ws.kpis) if ws else {}
        self.stages: dict[str, m.Stage] = dict(ws.stages) if ws else {}
        self.people: dict[str, tuple[str, m.Person]] = (
            {p.id: (t.id, p) for t in ws.teams.values() for p in t.members} if ws else {}
        )

    def file_of(self, agreement_id: str) -> str | None:
        if self.ws is None:
            return None
        doc = self.ws.sources.get(("Agreement", agreement_id))
        return doc.file if doc is not None else None

    def stages_of(self, kpi_id: str) -> set[str]:
        kpi = self.kpis.get(kpi_id)
        if kpi is None:
            return set()
        kind = kind_of(kpi.measure)
        spec = getattr(kpi.measure, kind.name)
        stages = set()
        for _path, match in kind.references(spec):
            stage = m.as_match(match).stage
            if stage is not None:
                stages.add(stage)
        return stages


def changed_agreements(
    before: Workspace | None, after: Workspace | None, files: Sequence[FileChange]
) -> list[ChangedAgreement]:
    """The agreements that `files` and the differences between `before` and `after`
    touch, sorted by id, each with its reasons.

    Args:
        before: the workspace the change starts from (None: no agreements yet).
        after: the workspace after the change (None: every agreement file removed).
        files: the changed agreement files (`accord.approvals.FileChange`).
    """
    old, new = _Side(before), _Side(after)
    touched = {p for f in files if f.content_changed for p in f.paths}
    out: list[ChangedAgreement] = []
    for ident in sorted(set(old.agreements) | set(new.agreements)):
        a, b = old.agreements.get(ident), new.agreements.get(ident)
        reasons: list[str] = []
        if a is None:
            reasons.append("the agreement (added)")
        elif b is None:
            reasons.append("the agreement (removed)")
        elif a != b:
            reasons.append("the agreement")
        else:
            for file in sorted({f for f in (old.file_of(ident), new.file_of(ident)) if f}):
                if file in touched:
                    reasons.append(f"its file {file} (comments or layout)")
        versions = [v for v in (a, b) if v is not None]
        roles = _union(v.owners for v in versions)
        for role in roles:
            if old.roles.get(role) != new.roles.get(role):
                reasons.append(f"owner role {role}")
        holders = _union(
            side.roles[r].holders for side in (old, new) for r in roles if r in side.roles
        )
        for person in holders:
            if old.people.get(person) != new.people.get(person):
                reasons.append(f"{person}'s entry in Team members (an owner)")
        kpis = _union([c.kpi for c in v.commitments] for v in versions)
        for kpi in kpis:
            if old.kpis.get(kpi) != new.kpis.get(kpi):
                reasons.append(f"KPI {kpi}")
        stages = sorted({s for side in (old, new) for k in kpis for s in side.stages_of(k)})
        for stage in stages:
            if old.stages.get(stage) != new.stages.get(stage):
                reasons.append(f"stage {stage}")
        if reasons:
            latest = b if b is not None else a
            assert latest is not None
            out.append(ChangedAgreement(ident, latest.title, tuple(reasons)))
    return out


def _union(lists: Iterable[Iterable[str]]) -> list[str]:
    """The items of `lists` once each, in first-seen order."""
    return list(dict.fromkeys(item for items in lists for item in items))
