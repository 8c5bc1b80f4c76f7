"""The loaded workspace: every document, typed and cross-referenced.

`load_workspace(root)` reads ``agreements/**/*.yaml|yml``, validates every
document (`accord.loading.validate`) and returns a `Workspace` whose lookups resolve
references — commitment → KPI → stage, role → team → people — so no caller
walks ids by hand. It raises `ValidationFailed` with every problem when the
agreements have errors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from accord.domain import model as m
from accord.domain.calendar import WEEKDAYS, BusinessCalendar, parse_hours

if TYPE_CHECKING:  # loading builds a Workspace; the domain only names the type
    from accord.loading import Document

DEFAULT_STORE = "sqlite:///.accord/funnel.db"
"""The store when neither ``--store``, ``ACCORD_STORE`` nor the workspace names one."""


@dataclass(frozen=True)
class Bounds:
    """A commitment's target and warn bound, in the KPI's unit (ratios 0–1, hours)."""

    min: float | None
    max: float | None
    warn: float | None


@dataclass(frozen=True)
class Member:
    """A person together with the team they belong to."""

    person: m.Person
    team: m.Team

    @property
    def id(self) -> str:
        return self.person.id


@dataclass(frozen=True)
class CommitmentRef:
    """A commitment with its agreement, KPI and normalized bounds."""

    agreement: m.Agreement
    commitment: m.Commitment
    kpi: m.Kpi
    bounds: Bounds

    @property
    def key(self) -> tuple[str, str]:
        return (self.agreement.id, self.commitment.id)


@dataclass
class Workspace:
    """Every document of a workspace, with resolved cross-references."""

    root: Path
    settings: m.WorkspaceDoc
    teams: dict[str, m.Team] = field(default_factory=dict)
    roles: dict[str, m.Role] = field(default_factory=dict)
    stages: dict[str, m.Stage] = field(default_factory=dict)
    terms: dict[str, m.Term] = field(default_factory=dict)
    kpis: dict[str, m.Kpi] = field(default_factory=dict)
    agreements: dict[str, m.Agreement] = field(default_factory=dict)
    rituals: dict[str, m.Ritual] = field(default_factory=dict)
    questionnaires: dict[str, m.Questionnaire] = field(default_factory=dict)
    assessments: dict[str, m.Assessment] = field(default_factory=dict)
    sources: dict[tuple[str, str], Document] = field(default_factory=dict)
    """(kind, id) → the YAML document it came from (file and positions)."""
    bounds: dict[tuple[str, str], Bounds] = field(default_factory=dict)
    """(agreement id, commitment id) → normalized target bounds."""

    # --- people and roles ---------------------------------------------------

    @cached_property
    def people(self) -> dict[str, Member]:
        """Person id → the person and their team."""
        return {p.id: Member(p, t) for t in self.teams.values() for p in t.members}

    def holders(self, role_id: str) -> list[Member]:
        """The people holding a role."""
        role = self.roles[role_id]
        return [self.people[p] for p in role.holders if p in self.people]

    def role_team(self, role_id: str) -> m.Team:
        return self.teams[self.roles[role_id].team]

    def roles_of_team(self, team_id: str) -> list[m.Role]:
        return [r for r in self.roles.values() if r.team == team_id]

    def stage_raci(self, stage_id: str) -> dict[str, list[m.Role]]:
        """RACI letter name → roles, for one stage."""
        raci = self.stages[stage_id].raci
        return {
            letter: [self.roles[r] for r in getattr(raci, letter) if r in self.roles]
            for letter in ("responsible", "accountable", "consulted", "informed")
        }

    def owner_handles(self, agreement_id: str) -> list[str]:
        """Git handles of the holders of an agreement's owner roles, sorted, unique."""
        handles = {
            h.person.git
            for role in self.agreements[agreement_id].owners
            if role in self.roles
            for h in self.holders(role)
            if h.person.git
        }
        return sorted(handles)

    # --- funnel and measures -------------------------------------------------

    @cached_property
    def funnel(self) -> list[m.Stage]:
        """Stages in funnel order."""
        return sorted(self.stages.values(), key=lambda s: (s.order, s.id))

    def commitments(self, *, active_only: bool = True) -> list[CommitmentRef]:
        """Every commitment with its agreement, KPI and bounds (active agreements by default)."""
        out = []
        for agreement in self.agreements.values():
            if active_only and agreement.status != "active":
                continue
            for c in agreement.commitments:
                out.append(
                    CommitmentRef(agreement, c, self.kpis[c.kpi], self.bounds[(agreement.id, c.id)])
                )
        return out

    def kpi_of(self, commitment: m.Commitment) -> m.Kpi:
        return self.kpis[commitment.kpi]

    # --- calendar and store --------------------------------------------------

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.calendar.timezone)

    @cached_property
    def calendar(self) -> BusinessCalendar:
        cal = self.settings.calendar
        start, end = parse_hours(cal.hours)
        return BusinessCalendar(
            tz=self.tz,
            workdays=frozenset(WEEKDAYS[d] for d in cal.workdays),
            start=start,
            end=end,
            holidays=frozenset(cal.holidays),
        )

    def store_url(self, override: str | None = None) -> str:
        """The event store URL: `override` (``--store``) > env ``ACCORD_STORE`` > the
        workspace's ``store:`` > `DEFAULT_STORE`; see `accord.domain.settings.store_url`."""
        # Imported here: settings imports this module, and only the commands that
        # open a store pay for importing pydantic-settings.
        from accord.domain.settings import store_url

        return store_url(self, override)

    def source(self, kind: str, ident: str) -> Document | None:
        return self.sources.get((kind, ident))

    def latest_assessment(self) -> m.Assessment | None:
        if not self.assessments:
            return None
        return max(self.assessments.values(), key=lambda a: (a.date, a.id))

    def review_due(self, today: dt.date, within_days: int = 0) -> list[m.Agreement]:
        """Non-retired agreements whose review date has passed or falls within `within_days`."""
        limit = today + dt.timedelta(days=within_days)
        return sorted(
            (
                a
                for a in self.agreements.values()
                if a.status != "retired" and a.review_by is not None and a.review_by <= limit
            ),
            key=lambda a: (a.review_by or today, a.id),
        )

    def iter_entities(self) -> Iterator[tuple[str, str, m.Strict]]:
        """(kind, id, model) for every document except the Workspace."""
        for kind, table in self._tables().items():
            for ident, obj in table.items():
                yield kind, ident, obj

    def _tables(self) -> Mapping[str, Mapping[str, m.Strict]]:
        return {
            "Team": self.teams,
            "Role": self.roles,
            "Stage": self.stages,
            "Term": self.terms,
            "Kpi": self.kpis,
            "Agreement": self.agreements,
            "Ritual": self.rituals,
            "Questionnaire": self.questionnaires,
            "Assessment": self.assessments,
        }

    def table(self, kind: str) -> Mapping[str, m.Strict]:
        return self._tables()[kind]


def maturity(ws: Workspace, assessment: m.Assessment) -> dict[str, tuple[int, str | None]]:
    """Team id (and "combined") → (score, stage) for one assessment (docs/reference/kinds.md)."""
    q = ws.questionnaires.get(assessment.questionnaire)
    bands = q.bands if q else []

    def stage(score: int) -> str | None:
        return next((b.stage for b in bands if b.min <= score <= b.max), None)

    out: dict[str, tuple[int, str | None]] = {}
    sums = []
    for team, scores in assessment.responses.items():
        total = sum(scores)
        sums.append(total)
        out[team] = (total, stage(total))
    if sums:
        # mean of the team sums, rounded half up
        combined = (2 * sum(sums) + len(sums)) // (2 * len(sums))
        out["combined"] = (combined, stage(combined))
    return out
