"""Checks of agreements and questionnaires for `accord.loading.validate`.

`AgreementChecks` is the part of the validator that judges agreements
(targets that fit their KPI's unit, owners from both sides, review dates),
questionnaires (bands that cover every score) and funnel arithmetic that
cannot add up; `_ref` reports a reference that does not resolve.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from accord.domain import model as m
from accord.domain.errors import Problem, clip
from accord.domain.units import parse_duration, parse_ratio
from accord.domain.workspace import Bounds, Workspace
from accord.loading._messages import suggest
from accord.loading._yaml import Document
from accord.loading._yaml import Path as NodePath


class AgreementChecks:
    """Agreement, questionnaire and arithmetic checks; mixed into the validator's `Checker`."""

    problems: list[Problem]
    today: dt.date
    duplicate_people: bool

    def _ref(
        self,
        doc: Document,
        path: NodePath,
        ident: str,
        kind: str,
        table: Mapping[str, Any],
        *,
        key: bool = False,
    ) -> bool:
        """True when `ident` names a `kind` in `table`; else report it with a suggestion."""
        if ident in table:
            return True
        message = f"unknown {kind} '{clip(ident)}'{suggest(ident, table)}"
        if not table:
            message += f"; no {_plural(kind)} are defined"
        elif len(table) <= 12:
            message += f" ({_plural(kind)}: {', '.join(sorted(table))})"
        self.problems.append(doc.problem(path, message, key=key))
        return False

    def _bound(self, doc: Document, path: NodePath, value: Any, kpi: m.Kpi) -> float | None:
        """`value` of a target or warn bound in the unit of `kpi`, or None after reporting it."""
        if value is None:
            return None
        unit = kpi.unit
        where = f"KPI '{kpi.id}' (unit: {unit})"
        try:
            if unit == "ratio":
                if isinstance(value, str) and not value.strip().endswith("%"):
                    raise ValueError(
                        f"'{clip(value)}' does not fit {where}; write a share such as 0.95 "
                        'or a percentage such as "95%"'
                    )
                return parse_ratio(value)
            if unit == "hours":
                if isinstance(value, str) and value.strip().endswith("%"):
                    raise ValueError(
                        f"'{clip(value)}' does not fit {where}; write a duration such as "
                        '"4h", "2d" or "90m"'
                    )
                return parse_duration(value)
            if isinstance(value, str):
                raise ValueError(
                    f"'{clip(value)}' does not fit {where}; write a plain number such as 120"
                )
            if value < 0:
                raise ValueError(f"{value} is negative; a {unit} target must be 0 or more")
            number = float(value)
            if not math.isfinite(number):  # pragma: no cover - number_problems comes first
                raise ValueError(f"{clip(repr(value))} is not a finite number")
            return number
        except ValueError as exc:
            label = ".".join(str(p) for p in path[2:])
            self.problems.append(doc.problem(path, f"{label}: {exc}"))
            return None

    def _check_alerts(self, ws: Workspace) -> None:
        """The Workspace's ``site_url`` and ``alerts:`` section (docs/alerts.md): channel
        names that resolve, environment variable names (never an address: secrets stay
        out of the YAML, and out of this message), roles and agreements that exist."""
        doc = ws.sources[("Workspace", "workspace")]
        site = ws.settings.site_url
        if site is not None and not re.match(r"^https?://[^\s/]+", site):
            self.problems.append(
                doc.problem(
                    ("site_url",),
                    f"site_url '{clip(site)}' is not a web address; write the published "
                    "wiki's address, e.g. https://wiki.example.com/sla/",
                )
            )
        alerts = ws.settings.alerts
        if alerts is None:
            return
        for name, channel in alerts.channels.items():
            env = channel.url_env
            if re.match(m.ENV_NAME_PATTERN, env):
                continue
            what = (
                "an address, not the name of an environment variable: put the address in "
                "an environment variable and name the variable here (secrets never go in "
                "the YAML)"
                if "://" in env or "@" in env
                else "not the name of an environment variable (capital letters, digits and "
                "'_', not starting with a digit), e.g. ACCORD_SLACK_SALES"
            )
            self.problems.append(
                doc.problem(
                    ("alerts", "channels", name, "url_env"),
                    f"alerts.channels.{name}.url_env is {what}",
                )
            )
        for i, route in enumerate(alerts.routes):
            for j, name in enumerate(route.channels):
                self._ref(
                    doc, ("alerts", "routes", i, "channels", j), name, "channel", alerts.channels
                )
            for j, ident in enumerate(route.agreements):
                self._ref(
                    doc, ("alerts", "routes", i, "agreements", j), ident, "agreement", ws.agreements
                )
        if alerts.escalation is not None:
            for role, name in alerts.escalation.roles.items():
                path: NodePath = ("alerts", "escalation", "roles", role)
                self._ref(doc, path, role, "role", ws.roles, key=True)
                self._ref(doc, path, name, "channel", alerts.channels)

    def _check_agreements(self, ws: Workspace) -> None:
        self._check_alerts(ws)
        for agreement in ws.agreements.values():
            doc = ws.sources[("Agreement", agreement.id)]
            first_party: dict[str, int] = {}
            for i, team in enumerate(agreement.parties):
                if team in first_party:
                    pos = doc.at(("parties", first_party[team]))
                    self.problems.append(
                        doc.problem(
                            ("parties", i),
                            f"duplicate party '{clip(team)}' (first at line {pos.line}:{pos.col}); "
                            "each team is a party once, and the parties must be different teams",
                        )
                    )
                    continue
                first_party[team] = i
                self._ref(doc, ("parties", i), team, "team", ws.teams)
            owner_teams: set[str] = set()
            for i, role_id in enumerate(agreement.owners):
                if self._ref(doc, ("owners", i), role_id, "role", ws.roles):
                    owner_teams.add(ws.roles[role_id].team)
            parties = [p for p in first_party if p in ws.teams]
            missing = [p for p in parties if p not in owner_teams]
            if agreement.status == "active":
                if len(first_party) < 2:
                    self.problems.append(
                        doc.problem(
                            ("parties",),
                            "an active agreement needs at least two parties (the teams it binds)",
                        )
                    )
                elif missing:
                    self.problems.append(
                        doc.problem(
                            ("owners",),
                            f"owners come from one side only; add an owner role from "
                            f"{', '.join(missing)} (both sides must approve)",
                        )
                    )
            if agreement.review_by is not None and agreement.status != "retired":
                if agreement.review_by < self.today:
                    self.problems.append(
                        doc.problem(
                            ("review_by",),
                            f"review date {agreement.review_by.isoformat()} has passed; review the "
                            "agreement with both sides and set a new review_by",
                            warning=True,
                        )
                    )
            for team in parties:
                if self.duplicate_people or (agreement.status == "active" and team in missing):
                    continue  # who holds the roles is unclear, or the error already says it
                holders = [
                    h
                    for role_id in agreement.owners
                    if role_id in ws.roles and ws.roles[role_id].team == team
                    for h in ws.holders(role_id)
                ]
                if not any(h.person.git for h in holders):
                    self.problems.append(
                        doc.problem(
                            ("owners",),
                            f"no owner from {team} has a git handle; add 'git:' to a holder of "
                            f"an owner role from {team} so CODEOWNERS asks them to approve",
                            warning=True,
                        )
                    )
            seen: dict[str, int] = {}
            for i, c in enumerate(agreement.commitments):
                path: NodePath = ("commitments", i)
                if c.id in seen:
                    pos = doc.at(("commitments", seen[c.id], "id"))
                    self.problems.append(
                        doc.problem(
                            (*path, "id"),
                            f"duplicate commitment id '{c.id}' in agreement '{agreement.id}': "
                            f"also at line {pos.line}:{pos.col}; commitment ids must be unique "
                            "within an agreement",
                        )
                    )
                seen.setdefault(c.id, i)
                for side in ("by", "to"):
                    value = getattr(c, side)
                    teams = c.by_teams if side == "by" else c.to_teams
                    for j, team in enumerate(teams):
                        sub = (*path, side) if isinstance(value, str) else (*path, side, j)
                        self._ref(doc, sub, team, "team", ws.teams)
                if not self._ref(doc, (*path, "kpi"), c.kpi, "KPI", ws.kpis):
                    continue
                kpi = ws.kpis[c.kpi]
                bounds = Bounds(
                    self._bound(doc, (*path, "target", "min"), c.target.min, kpi),
                    self._bound(doc, (*path, "target", "max"), c.target.max, kpi),
                    self._bound(doc, (*path, "warn"), c.warn, kpi),
                )
                if bounds.min is not None and bounds.max is not None and bounds.min > bounds.max:
                    self.problems.append(
                        doc.problem(
                            (*path, "target"),
                            f"target: min {c.target.min} is above max {c.target.max}; "
                            "no value can meet both",
                        )
                    )
                elif bounds.warn is not None:
                    self._check_warn(doc, path, c, bounds)
                ws.bounds[(agreement.id, c.id)] = bounds

    def _check_warn(self, doc: Document, path: NodePath, c: m.Commitment, bounds: Bounds) -> None:
        """A warn bound lies beyond its target: below a min, above a max (outside both)."""
        warn = bounds.warn
        assert warn is not None
        low, high = bounds.min, bounds.max
        if low is None and high is None:
            return  # the target's bounds were reported on their own
        if (low is not None and warn < low) or (high is not None and warn > high):
            return
        if low is not None and high is not None:
            wanted = f"below the target's min {c.target.min} or above its max {c.target.max}"
        elif low is not None:
            wanted = f"below the target's min {c.target.min}"
        else:
            wanted = f"above the target's max {c.target.max}"
        self.problems.append(
            doc.problem(
                (*path, "warn"),
                f"warn: {clip(str(c.warn))} is on the wrong side of the target; a warn bound is a "
                f"softer limit, so it must be {wanted} (between warn and target the status is "
                "at_risk)",
            )
        )

    def _check_questionnaires(self, ws: Workspace) -> None:
        for q in ws.questionnaires.values():
            doc = ws.sources[("Questionnaire", q.id)]
            ids: dict[str, int] = {}
            for i, s in enumerate(q.statements):
                if s.id in ids:
                    self.problems.append(
                        doc.problem(("statements", i, "id"), f"duplicate statement id '{s.id}'")
                    )
                ids.setdefault(s.id, i)
            n = len(q.statements)
            low, high = n, 5 * n
            covered: dict[int, str] = {}
            for i, band in enumerate(q.bands):
                if band.min > band.max:
                    self.problems.append(
                        doc.problem(
                            ("bands", i), f"band '{band.stage}': min {band.min} > max {band.max}"
                        )
                    )
                    continue
                # only the possible scores matter (and a huge `max` costs nothing)
                possible = range(max(band.min, low), min(band.max, high) + 1)
                overlap = next((s for s in possible if s in covered), None)
                if overlap is not None:
                    self.problems.append(
                        doc.problem(
                            ("bands", i),
                            f"band '{band.stage}' overlaps band '{covered[overlap]}' at score "
                            f"{overlap}; each score belongs to exactly one band",
                        )
                    )
                # the band's other scores are covered all the same: no false gap after it
                for score in possible:
                    covered.setdefault(score, band.stage)
            gaps = [s for s in range(low, high + 1) if s not in covered]
            if n and q.bands and gaps:
                self.problems.append(
                    doc.problem(
                        ("bands",),
                        f"bands leave {'score' if len(gaps) == 1 else 'scores'} {_ranges(gaps)} "
                        f"uncovered; with {n} statements scored "
                        f"1–5 the bands must cover {low}–{high}",
                    )
                )
        for a in ws.assessments.values():
            doc = ws.sources[("Assessment", a.id)]
            if not self._ref(
                doc, ("questionnaire",), a.questionnaire, "questionnaire", ws.questionnaires
            ):
                continue
            n = len(ws.questionnaires[a.questionnaire].statements)
            for team, scores in a.responses.items():
                self._ref(doc, ("responses", team), team, "team", ws.teams, key=True)
                if len(scores) != n:
                    self.problems.append(
                        doc.problem(
                            ("responses", team),
                            f"team '{team}' gave {len(scores)} scores; questionnaire "
                            f"'{a.questionnaire}' has {n} statements (one score each, in order)",
                        )
                    )

    def _check_arithmetic(self, ws: Workspace) -> None:
        """Warn where the agreed numbers of active agreements cannot all be true at once."""
        refs = [
            (a, i, c, ws.bounds[(a.id, c.id)])
            for a in ws.agreements.values()
            if a.status == "active"
            for i, c in enumerate(a.commitments)
            if (a.id, c.id) in ws.bounds
        ]

        def place(a: m.Agreement, i: int, bound: str) -> str:
            return where_of(ws.sources[("Agreement", a.id)], ("commitments", i, "target", bound))

        # 1. A minimum promised above a maximum stated elsewhere (same KPI and period).
        maxima: dict[tuple[str, str], list[tuple[m.Agreement, int, m.Commitment, Bounds]]] = {}
        for a, i, c, b in refs:
            if b.max is not None:
                maxima.setdefault((c.kpi, c.per), []).append((a, i, c, b))
        for a1, i1, c1, b1 in refs:
            if b1.min is None:
                continue
            for a2, i2, c2, b2 in maxima.get((c1.kpi, c1.per), []):
                if c2 is c1 or b2.max is None:
                    continue
                if b1.min > b2.max:
                    doc = ws.sources[("Agreement", a1.id)]
                    self.problems.append(
                        doc.problem(
                            ("commitments", i1, "target", "min"),
                            f"funnel arithmetic: '{c1.id}' asks at least {c1.target.min} "
                            f"'{c1.kpi}' per {c1.per}, but '{c2.id}' ({place(a2, i2, 'max')}) "
                            f"allows at most {c2.target.max}; both cannot be met",
                            warning=True,
                        )
                    )
        # 2. count(from) minimum × conversion(from → to) minimum must reach count(to) minimum.
        supply: dict[tuple[str, str], tuple[float, m.Agreement, int, m.Commitment]] = {}
        demands: list[tuple[str, str, float, m.Agreement, int, m.Commitment]] = []
        for a, i, c, b in refs:
            kpi = ws.kpis[c.kpi]
            if kpi.measure.count is None or b.min is None or kpi.where:
                continue
            match = m.as_match(kpi.measure.count)
            if match.type == "entered" and match.stage:
                key = (match.stage, c.per)
                if key not in supply or b.min > supply[key][0]:
                    supply[key] = (b.min, a, i, c)
                demands.append((match.stage, c.per, b.min, a, i, c))
        for a, i, c, b in refs:
            kpi = ws.kpis[c.kpi]
            conv = kpi.measure.conversion
            rate = b.min
            if conv is None or rate is None or kpi.where or (conv.from_, c.per) not in supply:
                continue
            low, sa, si, sc = supply[(conv.from_, c.per)]
            for stage, per, need, da, di, dc in demands:
                if stage != conv.to or per != c.per or low * rate + 1e-9 >= need:
                    continue
                doc = ws.sources[("Agreement", da.id)]
                self.problems.append(
                    doc.problem(
                        ("commitments", di, "target", "min"),
                        f"funnel arithmetic: '{dc.id}' asks at least {need:g} '{stage}' per "
                        f"{per}, but {low:g} '{conv.from_}' ('{sc.id}', {place(sa, si, 'min')}) "
                        f"× {rate:.0%} conversion ('{c.id}', {place(a, i, 'min')}) gives "
                        f"{low * rate:g}; raise one of those targets or lower this one",
                        warning=True,
                    )
                )


def _ranges(values: list[int]) -> str:
    out: list[str] = []
    start = prev = values[0]
    for v in [*values[1:], None]:
        if v is not None and v == prev + 1:
            prev = v
            continue
        out.append(f"{start}" if start == prev else f"{start}–{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(out)


def where_of(doc: Document, path: NodePath) -> str:
    """``file:line:col`` of the node at `path`, for messages that name a second place."""
    pos = doc.at(path)
    return f"{doc.file}:{pos.line}:{pos.col}"


_PLURALS = {"person": "people", "KPI": "KPIs"}


def _plural(kind: str) -> str:
    return _PLURALS.get(kind, kind + "s")
