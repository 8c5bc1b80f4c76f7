"""What `accord diff` found: the two sides, each entity's changes, who must approve, and
the impact on the results. Plain values; `accord.changes._render` writes them out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from accord.changes._git import Revision
from accord.domain.workspace import Workspace
from accord.history import EntityKey, FieldChange
from accord.metrics import CommitmentResult, Period
from accord.present import ChangeWords

ChangeKind = Literal["added", "removed", "changed", "moved"]


@dataclass
class Side:
    """The agreements at one revision (or the working tree).

    Attributes:
        revision: which revision.
        files: the agreement files, by path relative to the workspace.
        entities: every entity's data by ``(kind, id)`` (the first of a duplicate id).
        places: the file of every entity, relative to the workspace.
        workspace: the loaded workspace; ``None`` when the agreements have errors.
        errors: the validation errors (``file:line:col: error: …``), when there are any.
        notes: files that could not be read at all.
    """

    revision: Revision
    files: dict[str, bytes] = field(default_factory=dict)
    entities: dict[EntityKey, dict[str, Any]] = field(default_factory=dict)
    places: dict[EntityKey, str] = field(default_factory=dict)
    workspace: Workspace | None = None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EntityChange:
    """What happened to one entity, in words.

    Attributes:
        key: ``(kind, id)``.
        change: ``added``, ``removed``, ``changed`` or ``moved`` (to another file,
            content unchanged).
        name: the entity's name (after the change; before it for a removed one).
        lines: the changes in the domain's words, one line each.
        fields: the field-level changes the lines word.
        file_before: its file before (``None`` when added).
        file_after: its file after (``None`` when removed).
    """

    key: EntityKey
    change: ChangeKind
    name: str
    lines: tuple[str, ...]
    fields: tuple[FieldChange, ...]
    file_before: str | None
    file_after: str | None

    @property
    def moved(self) -> bool:
        return None not in (self.file_before, self.file_after) and (
            self.file_before != self.file_after
        )


@dataclass(frozen=True)
class Approver:
    """Someone who may approve for a side: a holder of an owner role of that team.

    Attributes:
        id: the person's id.
        name: their name.
        git: their forge handle without the @ (``None``: none, or not a plain handle).
        roles: the titles of the owner roles they hold for this side.
    """

    id: str
    name: str
    git: str | None
    roles: tuple[str, ...]


@dataclass(frozen=True)
class ApprovalSide:
    """One side of an agreement (a party, or the team of an owner role) and who may
    approve for it; ``note`` says why nobody can, when that is so."""

    team: str
    name: str
    approvers: tuple[Approver, ...]
    note: str | None = None


@dataclass(frozen=True)
class Approval:
    """An agreement the change touches, why, and who approves for each of its sides.

    Attributes:
        agreement: the agreement's id.
        title: its title (after the change; before it when removed).
        reasons: ``added``, ``removed``, ``changed`` (its document), ``file:<path>`` (its
            file changed: comments or layout), ``role:<id>`` (an owner role), ``person:<id>``
            (an owner's Team entry, such as the git handle), ``kpi:<id>`` (a KPI one of its
            commitments is measured by), ``stage:<id>`` (a stage such a KPI counts).
        sides: every side, each approving with one of its approvers.
    """

    agreement: str
    title: str
    reasons: tuple[str, ...]
    sides: tuple[ApprovalSide, ...]


@dataclass(frozen=True)
class ImpactRow:
    """One commitment in one period, under the agreements before and after the change.

    Attributes:
        agreement, commitment: the ids.
        complete: the last complete period (else the current one, so far).
        period: the period (after the change; before it when no longer measured).
        before: the result under BASE's agreements (``None``: not measured there).
        after: the result under HEAD's agreements (``None``: no longer measured).
        late: for a ``within`` measure, how many more (or, negative, fewer) leads
            are late after the change.
        text: the line people read.
    """

    agreement: str
    commitment: str
    complete: bool
    period: Period
    before: CommitmentResult | None
    after: CommitmentResult | None
    late: int | None
    text: str


@dataclass(frozen=True)
class Impact:
    """The change's impact on the results, or why it was not evaluated.

    Attributes:
        available: the store was read and both sides' agreements are valid.
        note: why not (one line), when not available.
        store: the store's URL (password redacted), when one was opened.
        as_of: the instant "now" of the evaluation.
        rows: per affected commitment, the last complete period, then the current one.
    """

    available: bool
    note: str | None
    store: str | None
    as_of: dt.datetime
    rows: tuple[ImpactRow, ...] = ()


@dataclass
class ChangeReport:
    """Everything `accord diff` says about a change.

    Attributes:
        base, head: the two sides.
        words: the workspace's words (its language: HEAD's, else BASE's).
        entities: the entities that were added, removed or changed, agreements first.
        moves: entities only moved to another file (no change in content).
        approvals: the agreements that need approval, with their owners.
        notes: what could not be read or loaded, one line each.
        impact: set by `accord.changes.evaluate_impact`.
    """

    base: Side
    head: Side
    words: ChangeWords
    entities: list[EntityChange] = field(default_factory=list)
    moves: list[EntityChange] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    impact: Impact | None = None

    @property
    def language(self) -> str:
        return self.words.language
