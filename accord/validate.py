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
from accord._messages import describe, problems_from, suggest
from accord._units import parse_duration, parse_ratio
from accord._yaml import Document, load_bytes
from accord._yaml import Path as NodePath
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
    for name in sorted(files):
        data = files[name]
        try:
            docs = load_bytes(data, name)
        except LoadError as exc:
            checker.problems.extend(exc.problems)
            checker.unreadable = True
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
        self.saw_workspace = False
        """A document said ``kind: Workspace`` (even if it had errors)."""
        self.unreadable = False
        """A file could not be loaded, so it may hold the Workspace."""
        self.duplicate_people = False
        self.shadowed_people: set[str] = set()
        """Members of a Team that was dropped as a duplicate."""
        """Person ids repeat, so who holds a role is ambiguous."""

    # --- per document -------------------------------------------------------

    def add(self, doc: Document) -> None:
        kinds = ", ".join(m.KINDS)
        if "kind" not in doc.data:
            self.problems.append(
                doc.problem((), f"document has no 'kind'; add 'kind:' with one of: {kinds}")
            )
            return
        kind = doc.data["kind"]
        if kind == "Workspace":
            self.saw_workspace = True
        if not isinstance(kind, str):
            self.problems.append(
                doc.problem(
                    ("kind",), f"kind must be text, found {describe(kind)}; one of: {kinds}"
                )
            )
            return
        if kind not in m.KINDS:
            self.problems.append(
                doc.problem(
                    ("kind",), f"unknown kind '{kind}'{suggest(kind, m.KINDS)} (kinds: {kinds})"
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
                for here, there in ((doc, other), (other, doc)):
                    self.problems.append(
                        here.problem(
                            ("id",),
                            f"duplicate {kind} id '{key[1]}': also defined at "
                            f"{_where(there, ('id',))}; ids must be unique per kind",
                        )
                    )
                if isinstance(obj, m.Team):
                    # its members are not lost: do not report them as unknown people
                    self.shadowed_people.update(p.id for p in obj.members)
                    self.duplicate_people = True
                return
            self.first[key] = doc
        self.docs.append((doc, obj))

    # --- across documents ---------------------------------------------------

    def finish(self, any_files: bool) -> Workspace | None:
        workspaces = [(d, o) for d, o in self.docs if isinstance(o, m.WorkspaceDoc)]
        if not workspaces:
            if not any_files:
                self.problems.append(
                    Problem(
                        AGREEMENTS_DIR, 1, 1, "no agreement files: add YAML files under agreements/"
                    )
                )
            elif not self.saw_workspace and not self.unreadable:
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
                    f"{_where(first_doc, ('kind',))}); merge them",
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
        message = f"unknown {kind} '{ident}'{suggest(ident, table)}"
        if not table:
            message += f"; no {_plural(kind)} are defined"
        elif len(table) <= 12:
            message += f" ({_plural(kind)}: {', '.join(sorted(table))})"
        self.problems.append(doc.problem(path, message, key=key))
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
                    f"unknown time zone '{cal.timezone}'; use an IANA name such as "
                    f"Europe/Amsterdam{suggest(cal.timezone, zones)}",
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
                    self.duplicate_people = True
                    self.problems.append(
                        doc.problem(
                            ("members", i, "id"),
                            f"duplicate person id '{person.id}': also defined at "
                            f"{odoc.file}:{pos.line}:{pos.col}; a person belongs to one team",
                        )
                    )
                else:
                    seen[person.id] = (doc, i)
            if team.lead is not None and team.lead not in ids:
                self.problems.append(
                    doc.problem(
                        ("lead",),
                        f"lead '{team.lead}' is not a member of team '{team.id}'"
                        f"{suggest(team.lead, ids)} (members: {', '.join(ids) or 'none'}); "
                        "add them to members or choose a member",
                    )
                )

    def _check_match(self, ws: Workspace, doc: Document, path: NodePath, match: m.Match) -> None:
        stage = match if isinstance(match, str) else match.stage
        if stage is not None:
            sub = path if isinstance(match, str) else (*path, "stage")
            self._ref(doc, sub, stage, "stage", ws.stages)

    def _check_references(self, ws: Workspace) -> None:
        people = ws.people
        for role in ws.roles.values():
            doc = ws.sources[("Role", role.id)]
            self._ref(doc, ("team",), role.team, "team", ws.teams)
            for i, holder in enumerate(role.holders):
                if holder not in self.shadowed_people:
                    self._ref(doc, ("holders", i), holder, "person", people)
        orders: dict[int, str] = {}
        for stage in ws.funnel:
            doc = ws.sources[("Stage", stage.id)]
            self._ref(doc, ("owner",), stage.owner, "team", ws.teams)
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
                    self._ref(doc, ("raci", letter, i), role_id, "role", ws.roles)
        for kpi in ws.kpis.values():
            doc = ws.sources[("Kpi", kpi.id)]
            if kpi.owner is not None:
                self._ref(doc, ("owner",), kpi.owner, "role", ws.roles)
            kind = kpi.measure.kind
            spec = kpi.measure.spec
            base: NodePath = ("measure", kind)
            if kind == "count":
                self._check_match(ws, doc, base, spec)
            elif kind == "sum":
                self._check_match(ws, doc, (*base, "of"), spec.of)
            elif kind == "conversion":
                self._ref(doc, (*base, "from"), spec.from_, "stage", ws.stages)
                self._ref(doc, (*base, "to"), spec.to, "stage", ws.stages)
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
                self._ref(doc, ("attendees", i), role_id, "role", ws.roles)

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
                        f"'{value}' does not fit {where}; write a share such as 0.95 "
                        'or a percentage such as "95%"'
                    )
                return parse_ratio(value)
            if unit == "hours":
                if isinstance(value, str) and value.strip().endswith("%"):
                    raise ValueError(
                        f"'{value}' does not fit {where}; write a duration such as "
                        '"4h", "2d" or "90m"'
                    )
                return parse_duration(value)
            if isinstance(value, str):
                raise ValueError(
                    f"'{value}' does not fit {where}; write a plain number such as 120"
                )
            if value < 0:
                raise ValueError(f"{value} is negative; a {unit} target must be 0 or more")
            return float(value)
        except ValueError as exc:
            label = ".".join(str(p) for p in path[2:])
            self.problems.append(doc.problem(path, f"{label}: {exc}"))
            return None

    def _check_agreements(self, ws: Workspace) -> None:
        for agreement in ws.agreements.values():
            doc = ws.sources[("Agreement", agreement.id)]
            for i, team in enumerate(agreement.parties):
                self._ref(doc, ("parties", i), team, "team", ws.teams)
            owner_teams: set[str] = set()
            for i, role_id in enumerate(agreement.owners):
                if self._ref(doc, ("owners", i), role_id, "role", ws.roles):
                    owner_teams.add(ws.roles[role_id].team)
            parties = [p for p in agreement.parties if p in ws.teams]
            missing = [p for p in parties if p not in owner_teams]
            if agreement.status == "active":
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
                        doc.problem(
                            ("bands", i), f"band '{band.stage}': min {band.min} > max {band.max}"
                        )
                    )
                    continue
                for score in range(band.min, band.max + 1):
                    if score in covered:
                        self.problems.append(
                            doc.problem(
                                ("bands", i),
                                f"band '{band.stage}' overlaps band '{covered[score]}' at score "
                                f"{score}; each score belongs to exactly one band",
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
            return _where(ws.sources[("Agreement", a.id)], ("commitments", i, "target", bound))

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


def _where(doc: Document, path: NodePath) -> str:
    """``file:line:col`` of the node at `path`, for messages that name a second place."""
    pos = doc.at(path)
    return f"{doc.file}:{pos.line}:{pos.col}"


_PLURALS = {"person": "people", "KPI": "KPIs"}


def _plural(kind: str) -> str:
    return _PLURALS.get(kind, kind + "s")
