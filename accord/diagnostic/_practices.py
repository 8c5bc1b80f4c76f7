"""The checks of each practice: what this workspace has, and what it lacks, per seam.

Each check takes the `Facts` and returns (found, missing) sentences that name the
documents; `accord.diagnostic._catalogue` pairs them with their practices.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from accord.diagnostic._facts import Facts, Found, Seam, mentions, quote
from accord.domain import model as m

# --- undefined → defined ---------------------------------------------------


def _entry_stage(facts: Facts, seam: Seam) -> m.Stage | None:
    """The stage where the downstream team takes over from the upstream one."""
    funnel = facts.ws.funnel
    for before, stage in zip(funnel, funnel[1:], strict=False):
        if before.owner == seam[0] and stage.owner == seam[1]:
            return stage
    return next((s for s in funnel if s.owner == seam[1]), None)


def stage_definitions(facts: Facts) -> Found:
    found: list[str] = []
    missing: list[str] = []
    if not facts.ws.stages:
        missing.append(
            "No funnel stage is written down: add a Stage document for each step (lead, MQL, "
            "SQL, …) with its definition and the hard criteria a lead must meet."
        )
        return found, missing
    for seam in facts.seams:
        up, down = facts.name(seam[0]), facts.name(seam[1])
        stage = _entry_stage(facts, seam)
        if stage is None:
            missing.append(f"No stage is owned by {down}: write down where {down} takes over.")
        elif not (stage.criteria.hard or stage.criteria.soft):
            missing.append(
                f"Stage '{stage.id}', where {down} takes over from {up}, has no criteria: "
                f"write the checkable facts that make a lead ready for {down}."
            )
        else:
            found.append(
                f"'{stage.id}' ({stage.name}), where {down} takes over from {up}: "
                f"{len(stage.criteria.hard)} hard and {len(stage.criteria.soft)} soft criteria."
            )
    return found, missing


def _directed(ag: m.Agreement, c: m.Commitment, giver: str, taker: str) -> bool:
    """True when `c` is a promise of `giver` to `taker` (no `to`: to the other parties)."""
    by = c.by_teams
    to = c.to_teams or [p for p in ag.parties if p not in by]
    return giver in by and taker not in by and taker in to


def sla(facts: Facts) -> Found:
    found: list[str] = []
    missing: list[str] = []
    for seam in facts.seams:
        a, b = facts.name(seam[0]), facts.name(seam[1])
        active = facts.agreements(seam)
        if not active:
            drafts = facts.agreements(seam, active=False)
            note = f" ({quote(d.id for d in drafts)} is not active)" if drafts else ""
            missing.append(
                f"No active agreement between {a} and {b}{note}: write down what each side "
                "delivers to the other, each promise with a KPI and a target."
            )
            continue
        given = {
            (x, y): sum(1 for ag in active for c in ag.commitments if _directed(ag, c, x, y))
            for x, y in (seam, seam[::-1])
        }
        there, back = given[seam], given[seam[::-1]]
        found.append(
            f"{quote(ag.id for ag in active)}: {there} commitment{'' if there == 1 else 's'} "
            f"of {a} to {b}, {back} of {b} to {a}."
        )
        for (x, y), n in given.items():
            if n == 0:
                missing.append(
                    f"{facts.name(x)} commits nothing to {facts.name(y)} in "
                    f"{quote(ag.id for ag in active)}: an SLA binds both sides — add what "
                    f"{facts.name(x)} delivers, measured by a KPI."
                )
    return found, missing


def handoff(facts: Facts) -> Found:
    found: list[str] = []
    missing: list[str] = []
    for seam in facts.seams:
        with_fields = [
            ag for ag in facts.agreements(seam) if ag.handoff and ag.handoff.required_fields
        ]
        for ag in with_fields:
            assert ag.handoff is not None
            found.append(
                f"'{ag.id}' lists {len(ag.handoff.required_fields)} fields handed over "
                f"between {facts.pair(seam)}."
            )
        if not with_fields:
            missing.append(
                f"No active agreement of {facts.pair(seam)} says what is handed over: add "
                "`handoff: {required_fields: [...]}` (company, contact, pain, …) to it."
            )
    return found, missing


# --- defined → aligned -----------------------------------------------------


def liaisons(facts: Facts) -> Found:
    found: list[str] = []
    missing: list[str] = []
    for team in facts.teams():
        name = facts.name(team)
        roles = [r for r in facts.ws.roles_of_team(team) if r.liaison]
        held = [r for r in roles if r.holders]
        if held:
            for role in held:
                people = ", ".join(
                    facts.ws.people[p].person.name if p in facts.ws.people else p
                    for p in role.holders
                )
                found.append(f"{name}: '{role.id}' ({people}).")
        elif roles:
            missing.append(
                f"The liaison role {quote(r.id for r in roles)} of {name} has no holder: "
                "name who does it."
            )
        else:
            missing.append(
                f"{name} has no liaison: mark a Role of {name} with `liaison: true` and name "
                "its holder, the first contact for the other side."
            )
    return found, missing


def joint_meetings(facts: Facts) -> Found:
    found: list[str] = []
    missing: list[str] = []
    for seam in facts.seams:
        rituals = facts.joint_rituals(seam)
        if rituals:
            listed = ", ".join(f"'{r.id}' ({r.cadence})" for r in rituals)
            found.append(f"{facts.pair(seam)} meet in {listed}.")
        else:
            missing.append(
                f"No ritual is attended by both {facts.pair(seam)}: add a Ritual with a "
                "cadence and attendees from both sides."
            )
    return found, missing


def ritual_check(pattern: re.Pattern[str], what: str, fix: str) -> Callable[[Facts], Found]:
    def check(facts: Facts) -> Found:
        found: list[str] = []
        missing: list[str] = []
        for seam in facts.seams:
            joint = facts.joint_rituals(seam)
            matching = [r for r in joint if mentions(r, pattern)]
            if matching:
                found.append(f"{facts.pair(seam)}: {quote(r.id for r in matching)}.")
            elif joint:
                missing.append(
                    f"None of the rituals of {facts.pair(seam)} ({quote(r.id for r in joint)}) "
                    f"is about {what}: {fix}"
                )
            else:
                missing.append(f"{facts.pair(seam)} share no ritual, so no {what}: {fix}")
        return found, missing

    return check


PLANNING = re.compile(r"\bplan", re.IGNORECASE)
TRAINING = re.compile(r"\b(train|workshop|enablement|coach)", re.IGNORECASE)
_ROTATION = re.compile(r"\b(rotat|shadow|sits? in\b|job swap)", re.IGNORECASE)


def job_rotation(facts: Facts) -> Found:
    found: list[str] = []
    missing: list[str] = []
    for seam in facts.seams:
        seen: list[str] = []
        for team, other in (seam, seam[::-1]):
            for role in facts.ws.roles_of_team(team):
                for person in role.holders:
                    member = facts.ws.people.get(person)
                    if member is not None and member.team.id == other:
                        seen.append(
                            f"{member.person.name} of {facts.name(other)} holds '{role.id}' "
                            f"of {facts.name(team)}."
                        )
                for text in role.responsibilities:
                    if _ROTATION.search(text):
                        seen.append(f"'{role.id}': {text}")
        if seen:
            found.extend(dict.fromkeys(seen))
        else:
            missing.append(
                f"Nobody of {facts.pair(seam)} works in the other team for a while: let "
                "people sit in on the other side's stand-up or shadow its calls, and write it "
                "into a role's responsibilities."
            )
    return found, missing


# --- aligned → integrated --------------------------------------------------


def revenue_owner(facts: Facts) -> Found:
    found: list[str] = []
    missing: list[str] = []
    money: dict[str, list[str]] = {}
    for kpi in facts.ws.kpis.values():
        if kpi.unit == "money" and kpi.owner:
            money.setdefault(kpi.owner, []).append(kpi.id)
    for seam in facts.seams:
        agreements = facts.agreements(seam)
        above = [
            role
            for role in facts.ws.roles.values()
            if role.team not in seam and any(role.id in ag.owners for ag in agreements)
        ]
        owners = [r for r in above if r.id in money]
        for role in owners:
            owned = [ag.id for ag in agreements if role.id in ag.owners]
            found.append(
                f"{facts.pair(seam)}: '{role.id}' ({role.title}) owns {quote(owned)} and the "
                f"revenue KPI {quote(money[role.id])}."
            )
        if owners:
            continue
        if above:
            missing.append(
                f"{quote(r.id for r in above)} co-owns the agreements of {facts.pair(seam)} "
                "but no revenue KPI (a Kpi with unit money): make it the owner of the revenue "
                "number both teams work for."
            )
        else:
            missing.append(
                f"No role above {facts.pair(seam)} owns their agreements and the revenue: "
                "name one revenue owner (e.g. a CRO) as an owner of their agreement and of a "
                "revenue KPI."
            )
    return found, missing


def shared_kpis(facts: Facts) -> Found:
    found: list[str] = []
    missing: list[str] = []
    for seam in facts.seams:
        joint = [
            c.id
            for ag in facts.agreements(seam)
            for c in ag.commitments
            if seam[0] in c.by_teams and seam[1] in c.by_teams
        ]
        if joint:
            found.append(f"{facts.pair(seam)} commit together to {quote(joint)}.")
        else:
            missing.append(
                f"{facts.pair(seam)} make no commitment together: add one with "
                f"`by: [{seam[0]}, {seam[1]}]` (a conversion or the revenue both own) and tie "
                "both teams' rewards to it."
            )
    return found, missing


def funnel_responsibilities(facts: Facts) -> Found:
    found: list[str] = []
    missing: list[str] = []
    if not facts.ws.stages:
        missing.append(
            "No funnel stages, so nobody owns a step: write the stages, each with a RACI."
        )
        return found, missing
    complete = 0
    for stage in facts.ws.funnel:
        raci = stage.raci
        if not raci.responsible and not raci.accountable:
            missing.append(
                f"Stage '{stage.id}' has no RACI: name the roles responsible and the one "
                "accountable."
            )
        elif not raci.responsible:
            missing.append(f"Stage '{stage.id}' has no responsible role: name who does the work.")
        elif len(raci.accountable) != 1:
            missing.append(
                f"Stage '{stage.id}' has {len(raci.accountable)} accountable roles: name the "
                "one role that answers for the result."
            )
        else:
            complete += 1
    if complete:
        found.append(
            f"{complete} of {len(facts.ws.stages)} stages name a responsible and one "
            "accountable role."
        )
    return found, missing
