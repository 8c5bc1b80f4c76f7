"""The approval rule (docs/approvals.md): every side of every changed agreement approves.

Pure: it takes the workspaces and the reviews and returns a `ApprovalReport`.

* **The sides** of an agreement are the teams that are its parties and the teams
  of its owner roles (the Marketing–Sales SLA owned by the Head of Marketing, the
  Head of Sales and the CRO has three: Marketing, Sales and the CRO's team). A
  party added or removed by the change is a side too.
* **A side approves** when a holder of one of the agreement's owner roles of that
  team — matched by the ``git`` handle in Team members — approved, and no such
  holder's latest review requests changes. Several owner roles of one team, or
  several holders of one role, are any-of.
* **Who may approve is read from BASE**, the target branch before the change, so a
  pull request cannot choose its own approvers (GitHub reads CODEOWNERS from the
  base branch for the same reason). Only what BASE does not have is read from the
  change: the owners of a new agreement or of a side the change adds, and the
  roles of a team the change adds. A role the change adds to an existing team
  approves once it is merged.
* The pull request's **author** (`author`) approves for every side they are an
  owner of: GitHub does not let authors approve their own pull request, and
  proposing the change is their consent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from accord.approvals._changes import ChangedAgreement
from accord.approvals._reviews import Reviews
from accord.domain import model as m
from accord.domain.workspace import Workspace

SideStatus = Literal["approved", "missing", "changes_requested"]


@dataclass(frozen=True)
class Approver:
    """Someone who may approve for a side: a holder of an owner role of that team."""

    person: str
    """Person id."""
    name: str
    """Full name."""
    handle: str | None
    """Forge handle (``git`` in Team members), without the @."""
    roles: tuple[str, ...]
    """Titles of the owner roles they hold for this side."""

    def label(self) -> str:
        """``@rvisser (Ruben Visser, Head of Sales)``, or the name when there is no handle."""
        who = f"{self.name}, {', '.join(self.roles)}"
        if self.handle is None:
            return f"{who} (no git handle)"
        return f"@{self.handle} ({who})"


@dataclass(frozen=True)
class SideApproval:
    """One side of a changed agreement and whether it approved."""

    team: str
    """Team id."""
    team_name: str
    """Team name."""
    status: SideStatus
    """approved, missing, or changes_requested (an owner's latest review asks for changes)."""
    approvers: tuple[Approver, ...]
    """Everyone who may approve for the side."""
    approved_by: tuple[Approver, ...] = ()
    """Those whose approval counts (the author when `author` was given and is one)."""
    changes_requested_by: tuple[Approver, ...] = ()
    """Owners whose latest review requests changes: the side has not agreed."""
    note: str | None = None
    """Why nobody can approve, when that is so."""

    @property
    def approved(self) -> bool:
        return self.status == "approved"


@dataclass(frozen=True)
class AgreementApproval:
    """A changed agreement with the verdict of each of its sides."""

    id: str
    title: str
    reasons: tuple[str, ...]
    """Why it counts as changed (`ChangedAgreement.reasons`)."""
    sides: tuple[SideApproval, ...]
    notes: tuple[str, ...] = ()
    """Reviews that did not count, e.g. ``@sbakker approved but holds no owner role``."""

    @property
    def approved(self) -> bool:
        return bool(self.sides) and all(s.approved for s in self.sides)

    @property
    def missing(self) -> tuple[SideApproval, ...]:
        return tuple(s for s in self.sides if not s.approved)


@dataclass(frozen=True)
class ApprovalReport:
    """The verdict for every changed agreement, sorted by id."""

    agreements: tuple[AgreementApproval, ...]
    author: str | None = None
    """The pull request's author, when given."""

    @property
    def approved(self) -> bool:
        """True when every changed agreement is approved by every side (or none changed)."""
        return all(a.approved for a in self.agreements)


class _Rules:
    """Who may approve: BASE first, the change only for what BASE does not know."""

    def __init__(self, base: Workspace | None, head: Workspace | None) -> None:
        self.base = base
        self.head = head

    def role(self, role_id: str) -> tuple[m.Role, Workspace] | None:
        """The role as BASE defines it; from the change only when its team is new."""
        if self.base is not None and role_id in self.base.roles:
            return self.base.roles[role_id], self.base
        if self.head is not None and role_id in self.head.roles:
            role = self.head.roles[role_id]
            if self.base is None or role.team not in self.base.teams:
                return role, self.head
        return None

    def role_team(self, role_id: str) -> str | None:
        for ws in (self.base, self.head):
            if ws is not None and role_id in ws.roles:
                return ws.roles[role_id].team
        return None

    def team_name(self, team_id: str) -> str:
        for ws in (self.base, self.head):
            if ws is not None and team_id in ws.teams:
                return ws.teams[team_id].name
        return team_id

    def person(self, person_id: str, source: Workspace) -> m.Person | None:
        """The person as BASE knows them (their handle included), else as `source` does."""
        for ws in (self.base, source):
            if ws is not None and person_id in ws.people:
                return ws.people[person_id].person
        return None


def check_approvals(
    base: Workspace | None,
    head: Workspace | None,
    changed: Sequence[ChangedAgreement],
    reviews: Reviews,
    *,
    author: str | None = None,
) -> ApprovalReport:
    """Decide whether every side of every changed agreement approved.

    Args:
        base: the workspace on the target branch (who may approve); None when it has
            no agreements yet.
        head: the workspace after the change.
        changed: the agreements the change touches (`changed_agreements`).
        reviews: the pull request's reviews (`parse_reviews`).
        author: the pull request author's handle, who approves for the sides they own.
    """
    rules = _Rules(base, head)
    author_key = author.removeprefix("@").casefold() if author else None
    results = []
    for change in changed:
        old = base.agreements.get(change.id) if base is not None else None
        new = head.agreements.get(change.id) if head is not None else None
        sides = tuple(
            _side(rules, team, old, new, reviews, author_key) for team in _teams(rules, old, new)
        )
        owners = {a.handle.casefold() for s in sides for a in s.approvers if a.handle}
        notes = []
        for login in reviews.approvers():
            if login.casefold() not in owners:
                notes.append(f"@{login} approved but holds no owner role of this agreement")
        for key in sorted(owners):
            if reviews.states.get(key) == "DISMISSED":
                notes.append(f"@{reviews.logins[key]}'s review was dismissed")
        results.append(
            AgreementApproval(change.id, change.title, change.reasons, sides, tuple(notes))
        )
    return ApprovalReport(tuple(results), author.removeprefix("@") if author else None)


def _teams(rules: _Rules, old: m.Agreement | None, new: m.Agreement | None) -> list[str]:
    """The sides: parties (before, then those the change adds), then owner roles' teams."""
    versions = [v for v in (old, new) if v is not None]
    teams = [t for v in versions for t in v.parties]
    for v in versions:
        teams.extend(t for r in v.owners if (t := rules.role_team(r)) is not None)
    return list(dict.fromkeys(teams))


def _side(
    rules: _Rules,
    team: str,
    old: m.Agreement | None,
    new: m.Agreement | None,
    reviews: Reviews,
    author: str | None,
) -> SideApproval:
    name = rules.team_name(team)
    # The agreement's owners of this team as BASE has them; the change's owners only
    # for a new agreement or a side BASE's version has no owner of.
    chosen = [r for r in (old.owners if old else []) if rules.role_team(r) == team]
    if not chosen and new is not None:
        chosen = [r for r in new.owners if rules.role_team(r) == team]
    held: dict[str, tuple[m.Person, list[str]]] = {}
    pending: list[str] = []
    for role_id in chosen:
        found = rules.role(role_id)
        if found is None:
            pending.append(role_id)
            continue
        role, source = found
        for person_id in role.holders:
            person = rules.person(person_id, source)
            if person is not None:
                held.setdefault(person.id, (person, []))[1].append(role.title)
    approvers = tuple(Approver(p.id, p.name, p.git, tuple(t)) for p, t in held.values())
    note = None
    if not chosen:
        note = f"the agreement names no owner role of {name}; add one to its owners"
    elif pending and not approvers:
        note = (
            f"owner role {', '.join(pending)} is new in this change; its holders can approve "
            "changes once it is merged"
        )
    elif not any(a.handle for a in approvers):
        note = f"no holder of its {name} owner roles has a git handle in Team members"

    def state(a: Approver) -> str | None:
        if a.handle is None:
            return None
        if author is not None and a.handle.casefold() == author:
            return "AUTHOR"
        return reviews.state(a.handle)

    approved = tuple(a for a in approvers if state(a) in ("APPROVED", "AUTHOR"))
    objecting = tuple(a for a in approvers if state(a) == "CHANGES_REQUESTED")
    status: SideStatus = "changes_requested" if objecting else "approved" if approved else "missing"
    return SideApproval(team, name, status, approvers, approved, objecting, note)
