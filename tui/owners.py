"""Who owns what: RACI of a stage, owners of a commitment, and the people in those roles."""

from __future__ import annotations

from accord.domain.workspace import Workspace

Line = tuple[str, str]
"""(label, text); an empty label continues the previous entry."""

_RACI = (
    ("responsible", "R  Responsible"),
    ("accountable", "A  Accountable"),
    ("consulted", "C  Consulted"),
    ("informed", "I  Informed"),
)


def role_line(ws: Workspace, role_id: str) -> str:
    """``Head of Sales — Jan de Boer, Sanne Bakker`` (or ``(vacant)``)."""
    role = ws.roles.get(role_id)
    if role is None:
        return role_id
    people = ", ".join(h.person.name for h in ws.holders(role_id)) or "(vacant)"
    return f"{role.title} — {people}"


def stage_owners(ws: Workspace, stage_id: str) -> tuple[str, list[Line]]:
    """Title and lines for a funnel stage: owning team, RACI roles and their holders."""
    stage = ws.stages.get(stage_id)
    if stage is None:
        return ("Owners", [("", f"unknown stage {stage_id}")])
    team = ws.teams.get(stage.owner)
    lines: list[Line] = [("Owner team", team.name if team else stage.owner)]
    for letter, label in _RACI:
        roles = getattr(stage.raci, letter)
        if not roles:
            lines.append((label, "—"))
        for i, role in enumerate(roles):
            lines.append((label if i == 0 else "", role_line(ws, role)))
    if stage.max_days is not None:
        lines.append(("Max days", f"{stage.max_days} days in this stage"))
    return (f"Stage: {stage.name}", lines)


def commitment_owners(ws: Workspace, key: tuple[str, str]) -> tuple[str, list[Line]]:
    """Title and lines for a commitment: who promises, to whom, owners, KPI owner."""
    agreement = ws.agreements.get(key[0])
    commitment = (
        next((c for c in agreement.commitments if c.id == key[1]), None) if agreement else None
    )
    if agreement is None or commitment is None:
        return ("Owners", [("", f"unknown commitment {key[0]}/{key[1]}")])

    def teams(ids: list[str]) -> str:
        return ", ".join(ws.teams[t].name if t in ws.teams else t for t in ids) or "—"

    lines: list[Line] = [("By", teams(commitment.by_teams)), ("To", teams(commitment.to_teams))]
    for i, role in enumerate(agreement.owners):
        lines.append(("Approvers" if i == 0 else "", role_line(ws, role)))
    kpi = ws.kpis.get(commitment.kpi)
    if kpi is not None and kpi.owner:
        lines.append(("KPI owner", role_line(ws, kpi.owner)))
    return (f"Commitment: {commitment.id}", lines)
