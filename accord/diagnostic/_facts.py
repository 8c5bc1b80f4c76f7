"""What the practice checks read from a workspace: the seams between teams, and the
documents that bind, meet or commit both sides of a seam."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from accord.domain import model as m
from accord.domain.workspace import Workspace

Seam = tuple[str, str]
"""(upstream team id, downstream team id): where work passes from one team to the other."""


@dataclass(frozen=True)
class Facts:
    """A workspace and the seams its practices are checked for."""

    ws: Workspace
    seams: tuple[Seam, ...]

    def name(self, team: str) -> str:
        found = self.ws.teams.get(team)
        return found.name if found is not None else team

    def pair(self, seam: Seam) -> str:
        return f"{self.name(seam[0])} and {self.name(seam[1])}"

    def teams(self) -> list[str]:
        return list(dict.fromkeys(t for seam in self.seams for t in seam))

    def agreements(self, seam: Seam, *, active: bool = True) -> list[m.Agreement]:
        """The agreements whose parties include both teams (active ones, or the others)."""
        return [
            ag
            for ag in self.ws.agreements.values()
            if seam[0] in ag.parties and seam[1] in ag.parties and (ag.status == "active") == active
        ]

    def role_team(self, role_id: str) -> str | None:
        role = self.ws.roles.get(role_id)
        return role.team if role is not None else None

    def joint_rituals(self, seam: Seam) -> list[m.Ritual]:
        """Rituals attended by roles of both teams."""
        out = []
        for ritual in self.ws.rituals.values():
            teams = {self.role_team(r) for r in ritual.attendees}
            if seam[0] in teams and seam[1] in teams:
                out.append(ritual)
        return out


def quote(ids: Iterable[str]) -> str:
    return ", ".join(f"'{i}'" for i in ids)


def mentions(ritual: m.Ritual, pattern: re.Pattern[str]) -> bool:
    text = " ".join([ritual.name, ritual.purpose or "", *ritual.agenda])
    return pattern.search(text) is not None


Found = tuple[list[str], list[str]]
"""(found, missing) sentences of one check."""


def seams(ws: Workspace, teams: Sequence[str] | None = None) -> tuple[Seam, ...]:
    """The pairs of teams where work passes from one to the other.

    Where the funnel's stage owner changes (Marketing's MQL → Sales' SQL) is a seam,
    upstream team first. Given `teams` (the teams that answered a round), the seams
    between two of them count; when there are none, the seams of any of them (one
    team answered so far: its own seams); when the funnel gives none at all, every
    pair of `teams` (without `teams`: of the workspace's teams).
    """
    found: list[Seam] = []
    funnel = ws.funnel
    for before, stage in zip(funnel, funnel[1:], strict=False):
        pair = (before.owner, stage.owner)
        if pair[0] != pair[1] and pair not in found and pair[::-1] not in found:
            found.append(pair)
    if teams:
        wanted = set(teams)
        found = [p for p in found if p[0] in wanted and p[1] in wanted] or [
            p for p in found if p[0] in wanted or p[1] in wanted
        ]
    if not found:
        pool = list(teams) if teams else list(ws.teams)
        found = list(combinations(dict.fromkeys(pool), 2))
    return tuple(found)
