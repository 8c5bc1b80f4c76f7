"""Validation of a workspace: every problem, positioned, sorted.

`check_workspace` reads the agreement files (from disk, or from a mapping of
path → bytes such as a git revision), validates each document against its
model, then checks what spans documents: one Workspace, unique ids, references
that resolve, targets that fit their KPI's unit, owners from both sides, and
the warnings of SPEC §2 (review date passed, no owner with a git handle,
funnel arithmetic that cannot add up).

`load_workspace` returns the `Workspace` or raises `ValidationFailed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import ValidationError

from accord import model as m
from accord._calendar import parse_hours
from accord._errors import LoadError, Problem, ValidationFailed
from accord._messages import problems_from, suggest
from accord._units import parse_duration, parse_ratio
from accord._yaml import Document, Path as NodePath, load_bytes
from accord.workspace import Bounds, Workspace

AGREEMENTS_DIR = "agreements"
MEASURE_UNITS = {
    "count": "count",
    "sum": "money",
    "conversion": "ratio",
    "within": "ratio",
    "duration": "hours",
    "open": "count",
}


@dataclass
class CheckResult:
    """What `check_workspace` found: the workspace when it has no errors, and every problem."""

    workspace: Workspace | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def agreement_files(root: Path) -> dict[str, bytes]:
    """Relative path → bytes of every ``agreements/**/*.yaml|yml`` file under `root`."""
    base = root / AGREEMENTS_DIR
    files: dict[str, bytes] = {}
    if not base.is_dir():
        return files
    for path in sorted(base.rglob("*")):
        if path.suffix in (".yaml", ".yml") and path.is_file():
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def check_workspace(
    root: Path,
    *,
    today: dt.date | None = None,
    files: Mapping[str, bytes] | None = None,
) -> CheckResult:
    """Validate the workspace at `root` and collect every problem, sorted by file and line."""
    root = Path(root)
    today = today or dt.date.today()
    if files is None:
        files = agreement_files(root)
    checker = _Checker(root, today)
    for name, data in files.items():
        try:
            docs = load_bytes(data, name)
        except LoadError as exc:
            checker.problems.extend(exc.problems)
            continue
        for doc in docs:
            checker.add(doc)
    ws = checker.finish(bool(files))
    problems = sorted(set(checker.problems))
    has_errors = any(p.severity == "error" for p in problems)
    return CheckResult(None if has_errors else ws, problems)


def load_workspace(
    root: Path, *, today: dt.date | None = None, files: Mapping[str, bytes] | None = None
) -> Workspace:
    """The workspace at `root`.

    Raises:
        ValidationFailed: when any document has an error (warnings do not fail).
    """
    result = check_workspace(root, today=today, files=files)
    if result.workspace is None:
        raise ValidationFailed(result.problems)
    return result.workspace


class _Checker:
    def __init__(self, root: Path, today: dt.date) -> None:
        self.root = root
        self.today = today
        self.problems: list[Problem] = []
        self.docs: list[tuple[Document, m.Strict]] = []
        self.first: dict[tuple[str, str], Document] = {}

    # --- per document -------------------------------------------------------

    def add(self, doc: Document) -> None:
        if "kind" not in doc.data:
            self.problems.append(
                doc.problem((), "missing 'kind'; one of: " + ", ".join(m.KINDS))
            )
            return
        kind = doc.data["kind"]
        if not isinstance(kind, str) or kind not in m.KINDS:
            shown = kind if isinstance(kind, str) else repr(kind)
            self.problems.append(
                doc.problem(
                    ("kind",),
                    f"unknown kind '{shown}'{suggest(str(shown), m.KINDS)} "
                    f"(kinds: {', '.join(m.KINDS)})",
                )
            )
            return
        model = m.KINDS[kind]
        try:
            obj = model.model_validate(doc.data)
        except ValidationError as exc:
            self.problems.extend(problems_from(exc, doc, model))
            return
        if kind != "Workspace":
            key = (kind, doc.data["id"])
            if key in self.first:
                other = self.first[key]
                self.problems.append(
                    doc.problem(
                        ("id",),
                        f"duplicate {kind} id '{key[1]}': also defined at "
                        f"{other.file}:{other.at(('id',)).line}:{other.at(('id',)).col}",
                    )
                )
                return
            self.first[key] = doc
        self.docs.append((doc, obj))

    # --- across documents ---------------------------------------------------

    def finish(self, any_files: bool) -> Workspace | None:
        workspaces = [(d, o) for d, o in self.docs if isinstance(o, m.WorkspaceDoc)]
        if not workspaces:
            if not any_files:
                self.problems.append(
                    Problem(AGREEMENTS_DIR, 1, 1, "no agreement files: add YAML files under agreements/")
                )
            elif not any(p.message.startswith("kind") or "Workspace" in p.message for p in self.problems):
                self.problems.append(
                    Problem(
                        AGREEMENTS_DIR,
                        1,
                        1,
                        "no Workspace document; add exactly one document with 'kind: Workspace'",
                    )
                )
            return None
        first_doc = workspaces[0][0]
        for doc, _ in workspaces[1:]:
            self.problems.append(
                doc.problem(
                    ("kind",),
                    "a second Workspace document; there must be exactly one (the first is at "
                    f"{first_doc.file}:{first_doc.pos.line}:{first_doc.pos.col})",
                )
            )
        settings = workspaces[0][1]
        assert isinstance(settings, m.WorkspaceDoc)
        ws = Workspace(self.root, settings)
        ws.sources[("Workspace", "workspace")] = first_doc
        self._check_calendar(first_doc, settings)
        for doc, obj in self.docs:
            if isinstance(obj, m.WorkspaceDoc):
                continue
            kind = doc.data["kind"]
            ws.table(kind)[obj.id] = obj  # type: ignore[index, attr-defined]
            ws.sources[(kind, obj.id)] = doc  # type: ignore[attr-defined]
        self._check_people(ws)
        self._check_references(ws)
        self._check_agreements(ws)
        self._check_questionnaires(ws)
        self._check_arithmetic(ws)
        return ws

    def _ref(
        self, ws: Workspace, doc: Document, path: NodePath, ident: str, kind: str, table: Mapping[str, Any]
    ) -> bool:
        if ident in table:
            return True
        self.problems.append(
            doc.problem(path, f"unknown {kind} '{ident}'{suggest(ident, table)}"
                        + (f" ({kind}s: {', '.join(sorted(table))})" if len(table) <= 12 and table else ""))
        )
        return False

    def _check_calendar(self, doc: Document, settings: m.WorkspaceDoc) -> None:
        cal = settings.calendar
        try:
            ZoneInfo(cal.timezone)
            if "/" not in cal.timezone and cal.timezone != "UTC":
                raise ZoneInfoNotFoundError(cal.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zones = available_timezones()
            self.problems.append(
                doc.problem(
                    ("calendar", "timezone"),
                    f"unknown time zone '{cal.timezone}'{suggest(cal.timezone, zones)}; "
                    "use an IANA name such as Europe/Amsterdam",
                )
            )
        try:
            parse_hours(cal.hours)
        except ValueError as exc:
            self.problems.append(doc.problem(("calendar", "hours"), f"calendar.hours: {exc}"))

    def _check_people(self, ws: Workspace) -> None:
        seen: dict[str, tuple[Document, int]] = {}
        for team in ws.teams.values():
            doc = ws.sources[("Team", team.id)]
            ids = [p.id for p in team.members]
            for i, person in enumerate(team.members):
                if person.id in seen:
                    odoc, oi = seen[person.id]
                    pos = odoc.at(("members", oi, "id"))
                    self.problems.append(
                        doc.problem(
                            ("members", i, "id"),
                            f"duplicate person id '{person.id}': also defined at "
                            f"{odoc.file}:{pos.line}:{pos.col}",
                        )
                    )
                else:
                    seen[person.id] = (doc, i)
            if team.lead is not None and team.lead not in ids:
                self.problems.append(
                    doc.problem(
                        ("lead",),
                        f"lead '{team.lead}' is not a member of team '{team.id}'{suggest(team.lead, ids)}",
                    )
                )

    def _check_match(self, ws: Workspace, doc: Document, path: NodePath, match: m.Match) -> None:
        stage = match if isinstance(match, str) else match.stage
        if stage is not None:
            sub = path if isinstance(match, str) else (*path, "stage")
            self._ref(ws, doc, sub, stage, "stage", ws.stages)

    def _check_references(self, ws: Workspace) -> None:
        people = ws.people
        for role in ws.roles.values():
            doc = ws.sources[("Role", role.id)]
            self._ref(ws, doc, ("team",), role.team, "team", ws.teams)
            for i, holder in enumerate(role.holders):
                self._ref(ws, doc, ("holders", i), holder, "person", people)
        orders: dict[int, str] = {}
        for stage in ws.funnel:
            doc = ws.sources[("Stage", stage.id)]
            self._ref(ws, doc, ("owner",), stage.owner, "team", ws.teams)
            if stage.order in orders:
                self.problems.append(
                    doc.problem(
                        ("order",),
                        f"order {stage.order} is also used by stage '{orders[stage.order]}'; "
                        "each stage needs its own place in the funnel",
                    )
                )
            orders.setdefault(stage.order, stage.id)
            for letter in ("responsible", "accountable", "consulted", "informed"):
                for i, role_id in enumerate(getattr(stage.raci, letter)):
                    self._ref(ws, doc, ("raci", letter, i), role_id, "role", ws.roles)
        for kpi in ws.kpis.values():
            doc = ws.sources[("Kpi", kpi.id)]
            if kpi.owner is not None:
                self._ref(ws, doc, ("owner",), kpi.owner, "role", ws.roles)
            kind = kpi.measure.kind
            spec = kpi.measure.spec
            base: NodePath = ("measure", kind)
            if kind == "count":
                self._check_match(ws, doc, base, spec)
            elif kind == "sum":
                self._check_match(ws, doc, (*base, "of"), spec.of)
            elif kind == "conversion":
                self._ref(ws, doc, (*base, "from"), spec.from_, "stage", ws.stages)
                self._ref(ws, doc, (*base, "to"), spec.to, "stage", ws.stages)
            else:
                self._check_match(ws, doc, (*base, "from"), spec.from_)
                self._check_match(ws, doc, (*base, "to"), spec.to)
            if MEASURE_UNITS[kind] != kpi.unit and not (kind == "sum" and kpi.unit == "count"):
                self.problems.append(
                    doc.problem(
                        ("unit",),
                        f"unit '{kpi.unit}' does not fit measure '{kind}', which gives "
                        f"{MEASURE_UNITS[kind]}; set unit: {MEASURE_UNITS[kind]}",
                    )
                )
        for ritual in ws.rituals.values():
            doc = ws.sources[("Ritual", ritual.id)]
            for i, role_id in enumerate(ritual.attendees):
                self._ref(ws, doc, ("attendees", i), role_id, "role", ws.roles)

    def _bound(self, doc: Document, path: NodePath, value: Any, unit: str) -> float | None:
        if value is None:
            return None
        try:
            if unit == "ratio":
                return parse_ratio(value)
            if unit == "hours":
                return parse_duration(value)
            if isinstance(value, str):
                raise ValueError(
                    f"'{value}' does not fit unit '{unit}'; write a plain number, e.g. 120"
                )
            if value < 0:
                raise ValueError(f"{value} is negative; a {unit} target must be 0 or more")
            return float(value)
        except ValueError as exc:
            self.problems.append(doc.problem(path, f"target does not fit KPI unit '{unit}': {exc}"))
            return None

    def _check_agreements(self, ws: Workspace) -> None:
        for agreement in ws.agreements.values():
            doc = ws.sources[("Agreement", agreement.id)]
            for i, team in enumerate(agreement.parties):
                self._ref(ws, doc, ("parties", i), team, "team", ws.teams)
            owner_teams: set[str] = set()
            for i, role_id in enumerate(agreement.owners):
                if self._ref(ws, doc, ("owners", i), role_id, "role", ws.roles):
                    owner_teams.add(ws.roles[role_id].team)
            parties = [p for p in agreement.parties if p in ws.teams]
            if agreement.status == "active":
                missing = [p for p in parties if p not in owner_teams]
                if len(agreement.parties) < 2:
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
                            f"no owner from {team} has a git handle; add 'git:' to a holder of an "
                            f"owner role so CODEOWNERS can ask them to approve",
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
                            f"also at line {pos.line}",
                        )
                    )
                seen.setdefault(c.id, i)
                for side in ("by", "to"):
                    value = getattr(c, side)
                    teams = c.by_teams if side == "by" else c.to_teams
                    for j, team in enumerate(teams):
                        sub = (*path, side) if isinstance(value, str) else (*path, side, j)
                        self._ref(ws, doc, sub, team, "team", ws.teams)
                if not self._ref(ws, doc, (*path, "kpi"), c.kpi, "KPI", ws.kpis):
                    continue
                unit = ws.kpis[c.kpi].unit
                bounds = Bounds(
                    self._bound(doc, (*path, "target", "min"), c.target.min, unit),
                    self._bound(doc, (*path, "target", "max"), c.target.max, unit),
                    self._bound(doc, (*path, "warn"), c.warn, unit),
                )
                if bounds.min is not None and bounds.max is not None and bounds.min > bounds.max:
                    self.problems.append(
                        doc.problem((*path, "target"), "target.min is larger than target.max")
                    )
                ws.bounds[(agreement.id, c.id)] = bounds

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
                        doc.problem(("bands", i), f"band '{band.stage}': min {band.min} > max {band.max}")
                    )
                    continue
                for score in range(band.min, band.max + 1):
                    if score in covered:
                        self.problems.append(
                            doc.problem(
                                ("bands", i),
                                f"band '{band.stage}' overlaps band '{covered[score]}' at score {score}",
                            )
                        )
                        break
                    covered[score] = band.stage
            gaps = [s for s in range(low, high + 1) if s not in covered]
            if n and q.bands and gaps:
                self.problems.append(
                    doc.problem(
                        ("bands",),
                        f"bands leave scores {_ranges(gaps)} uncovered; with {n} statements scored "
                        f"1–5 the bands must cover {low}–{high}",
                    )
                )
        for a in ws.assessments.values():
            doc = ws.sources[("Assessment", a.id)]
            if not self._ref(ws, doc, ("questionnaire",), a.questionnaire, "questionnaire", ws.questionnaires):
                continue
            n = len(ws.questionnaires[a.questionnaire].statements)
            for team, scores in a.responses.items():
                self._ref(ws, doc, ("responses", team), team, "team", ws.teams)
                if len(scores) != n:
                    self.problems.append(
                        doc.problem(
                            ("responses", team),
                            f"team '{team}' gave {len(scores)} scores; questionnaire "
                            f"'{a.questionnaire}' has {n} statements (one score each, in order)",
                        )
                    )

    def _check_arithmetic(self, ws: Workspace) -> None:
        """Warn where the agreed numbers cannot all be true at once."""
        refs = [
            (a, i, c)
            for a in ws.agreements.values()
            if a.status == "active"
            for i, c in enumerate(a.commitments)
            if (a.id, c.id) in ws.bounds
        ]
        # 1. A minimum promised by one side above a maximum stated by the other (same KPI, period).
        for a1, i1, c1 in refs:
            b1 = ws.bounds[(a1.id, c1.id)]
            if b1.min is None:
                continue
            for a2, _i2, c2 in refs:
                b2 = ws.bounds[(a2.id, c2.id)]
                if c2 is c1 or b2.max is None or c2.kpi != c1.kpi or c2.per != c1.per:
                    continue
                if b1.min > b2.max:
                    doc = ws.sources[("Agreement", a1.id)]
                    self.problems.append(
                        doc.problem(
                            ("commitments", i1, "target", "min"),
                            f"funnel arithmetic: '{c1.id}' asks at least {b1.min:g} per {c1.per} "
                            f"but '{c2.id}' allows at most {b2.max:g} for the same KPI "
                            f"'{c1.kpi}'; both cannot be met",
                            warning=True,
                        )
                    )
        # 2. count(from) minimum x conversion(from → to) minimum must reach count(to) minimum.
        count_min: dict[tuple[str, str], float] = {}
        for a, _i, c in refs:
            kpi = ws.kpis[c.kpi]
            bound = ws.bounds[(a.id, c.id)].min
            if kpi.measure.count is not None and bound is not None and not kpi.where:
                match = m.as_match(kpi.measure.count)
                if match.type == "entered" and match.stage:
                    key = (match.stage, c.per)
                    count_min[key] = max(count_min.get(key, 0.0), bound)
        for a, i, c in refs:
            kpi = ws.kpis[c.kpi]
            conv = kpi.measure.conversion
            rate = ws.bounds[(a.id, c.id)].min
            if conv is None or rate is None or kpi.where:
                continue
            supply = count_min.get((conv.from_, c.per))
            demand = count_min.get((conv.to, c.per))
            if supply is None or demand is None:
                continue
            if supply * rate + 1e-9 < demand:
                doc = ws.sources[("Agreement", a.id)]
                self.problems.append(
                    doc.problem(
                        ("commitments", i, "target", "min"),
                        f"funnel arithmetic: {supply:g} '{conv.from_}' per {c.per} × {rate:.0%} "
                        f"conversion = {supply * rate:g} '{conv.to}', below the agreed minimum of "
                        f"{demand:g}; raise one of the targets or lower the other",
                        warning=True,
                    )
                )


def _ranges(values: list[int]) -> str:
    out: list[str] = []
    start = prev = values[0]
    for v in values[1:] + [None]:  # type: ignore[list-item]
        if v is not None and v == prev + 1:
            prev = v
            continue
        out.append(f"{start}" if start == prev else f"{start}–{prev}")
        if v is not None:
            start = prev = v
    return ", ".join(out)
