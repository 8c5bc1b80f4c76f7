"""Who must approve a change: every side of every agreement it touches.

The rule is the one ``accord approvals`` checks (docs/approvals.md), read here from
each side's plain entity data so that it also works when a version has errors:

* **Touched agreements**: its own document added, removed or changed (followed by
  kind and id: moved to another file is no change); its file changed in any byte
  (a comment, the layout); one of its owner roles changed (who holds it); the Team
  entry of a holder of one (such as the ``git`` handle); a KPI one of its
  commitments is measured by; a stage such a KPI counts. Both versions of the
  agreement are consulted.
* **Sides**: its parties, then the teams of its owner roles.
* **Who approves for a side**: a holder of one of the agreement's owner roles of
  that team, **as BASE has them** — the target branch as it is now (its tip, not
  the merge base) — so a pull request cannot choose its own approvers. Only what
  BASE lacks comes from the change: the owners of a new agreement or of a side
  BASE's version has no owner of, and the roles of a team the change adds. Forge
  handles are the Team members' ``git``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from accord.changes._report import Approval, ApprovalSide, Approver, EntityChange, Side
from accord.history import EntityKey
from accord.loading.codeowners import is_handle
from accord.present import Names

Data = dict[str, Any]


def _ids(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def _union(lists: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(item for items in lists for item in items))


def _match_stage(match: Any) -> str | None:
    if isinstance(match, str):
        return match
    if isinstance(match, dict) and isinstance(match.get("stage"), str):
        return str(match["stage"])
    return None


def _stages(kpi: Data | None) -> set[str]:
    """The stages a KPI's measure counts (its ``from``, ``to``, ``of`` or ``count``)."""
    measure = kpi.get("measure") if kpi is not None else None
    found: set[str] = set()
    for kind, spec in (measure or {}).items() if isinstance(measure, dict) else ():
        matches = [spec] if kind == "count" else []
        if isinstance(spec, dict):
            matches += [spec.get(k) for k in ("from", "to", "of")]
        found.update(s for m in matches if (s := _match_stage(m)) is not None)
    return found


class _Rules:
    """Both sides' data, with BASE first wherever it decides."""

    def __init__(self, base: Side, head: Side) -> None:
        self.base, self.head = base, head
        self.names = Names(base.entities, head.entities)
        self.people: list[dict[str, Data]] = [self._people(base), self._people(head)]

    @staticmethod
    def _people(side: Side) -> dict[str, Data]:
        out: dict[str, Data] = {}
        for (kind, _), data in side.entities.items():
            if kind == "Team" and isinstance(data.get("members"), list):
                for member in data["members"]:
                    if isinstance(member, dict) and isinstance(member.get("id"), str):
                        out.setdefault(member["id"], {**member, "_team": data.get("id")})
        return out

    def get(self, which: int, kind: str, ident: str) -> Data | None:
        side = self.base if which == 0 else self.head
        return side.entities.get((kind, ident))

    def role_team(self, role: str) -> str | None:
        for which in (0, 1):
            data = self.get(which, "Role", role)
            if data is not None and isinstance(data.get("team"), str):
                return str(data["team"])
        return None

    def role(self, role: str) -> tuple[Data, int] | None:
        """The role as BASE defines it; from the change only when its team is new."""
        data = self.get(0, "Role", role)
        if data is not None:
            return data, 0
        data = self.get(1, "Role", role)
        if data is not None and self.get(0, "Team", str(data.get("team"))) is None:
            return data, 1
        return None

    def person(self, ident: str, which: int) -> Data | None:
        return self.people[0].get(ident) or self.people[which].get(ident)


def _reasons(rules: _Rules, ident: str, own: str | None) -> list[str]:
    key: EntityKey = ("Agreement", ident)
    old, new = rules.base.entities.get(key), rules.head.entities.get(key)
    reasons = [own] if own is not None else []
    if own is None:
        before, after = rules.base.places.get(key), rules.head.places.get(key)
        if before and after and rules.base.files.get(before) != rules.head.files.get(after):
            reasons.append(f"file:{after}")
    versions = [v for v in (old, new) if v is not None]
    roles = _union(_ids(v.get("owners", [])) for v in versions)
    reasons += [f"role:{r}" for r in roles if rules.get(0, "Role", r) != rules.get(1, "Role", r)]
    holders = _union(
        _ids(data.get("holders", []))
        for which in (0, 1)
        for r in roles
        if (data := rules.get(which, "Role", r)) is not None
    )
    reasons += [f"person:{p}" for p in holders if rules.people[0].get(p) != rules.people[1].get(p)]
    kpis = _union(
        [c["kpi"] for c in v.get("commitments", []) if isinstance(c, dict) and "kpi" in c]
        for v in versions
        if isinstance(v.get("commitments"), list)
    )
    reasons += [f"kpi:{k}" for k in kpis if rules.get(0, "Kpi", k) != rules.get(1, "Kpi", k)]
    stages = sorted({s for w in (0, 1) for k in kpis for s in _stages(rules.get(w, "Kpi", k))})
    reasons += [
        f"stage:{s}" for s in stages if rules.get(0, "Stage", s) != rules.get(1, "Stage", s)
    ]
    return reasons


def approvals_for(
    base: Side, head: Side, changes: Iterable[EntityChange], authority: Side | None = None
) -> list[Approval]:
    """The agreements the change touches — those `changes` lists first, then by id — each
    with why and who approves for each side.

    What changed is read between `base` (the merge base) and `head`; who may approve
    from `authority`, the target branch as it is now, when it moved on since `base`.
    """
    rules = _Rules(base, head)
    judge = _Rules(authority, head) if authority is not None else rules
    own = {c.key[1]: c.change for c in changes if c.key[0] == "Agreement"}
    known = {i for k, i in (*base.entities, *head.entities) if k == "Agreement"}
    out: list[Approval] = []
    for ident in [i for i in own if i in known] + sorted(known - own.keys()):
        reasons = _reasons(rules, ident, own.get(ident))
        if not reasons:
            continue
        key: EntityKey = ("Agreement", ident)
        old, new = judge.base.entities.get(key), head.entities.get(key)
        data = new if new is not None else old if old is not None else base.entities.get(key)
        title = (data or {}).get("title")
        out.append(
            Approval(
                agreement=ident,
                title=title if isinstance(title, str) else ident,
                reasons=tuple(reasons),
                sides=tuple(_side(judge, team, old, new) for team in _teams(judge, old, new)),
            )
        )
    return out


def _teams(rules: _Rules, old: Data | None, new: Data | None) -> list[str]:
    """The sides: parties (before, then those the change adds), then owner roles' teams."""
    versions = [v for v in (old, new) if v is not None]
    teams = [t for v in versions for t in _ids(v.get("parties", []))]
    for v in versions:
        teams += [t for r in _ids(v.get("owners", [])) if (t := rules.role_team(r)) is not None]
    return list(dict.fromkeys(teams))


def _side(rules: _Rules, team: str, old: Data | None, new: Data | None) -> ApprovalSide:
    name = rules.names.team(team)
    chosen = [r for r in _ids((old or {}).get("owners", [])) if rules.role_team(r) == team]
    if not chosen and new is not None:
        chosen = [r for r in _ids(new.get("owners", [])) if rules.role_team(r) == team]
    held: dict[str, tuple[Data, list[str]]] = {}
    pending: list[str] = []
    for role_id in chosen:
        found = rules.role(role_id)
        if found is None:
            pending.append(role_id)
            continue
        role, which = found
        for person_id in _ids(role.get("holders", [])):
            person = rules.person(person_id, which)
            if person is not None:
                title = role.get("title") if isinstance(role.get("title"), str) else role_id
                held.setdefault(person_id, (person, []))[1].append(str(title))
    approvers = []
    for person_id, (person, titles) in held.items():
        handle = person.get("git")
        handle = handle.removeprefix("@") if isinstance(handle, str) else None
        usable = handle if handle is not None and is_handle(handle) else None
        who = person.get("name") if isinstance(person.get("name"), str) else person_id
        approvers.append(Approver(person_id, str(who), usable, tuple(titles)))
    note = None
    if not chosen:
        note = "no_owner"
    elif pending and not approvers:
        note = "pending"
    elif not any(a.git for a in approvers):
        note = "no_handle"
    return ApprovalSide(team, name, tuple(approvers), note)
