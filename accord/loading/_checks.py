"""The document checker behind `accord.loading.validate.check_workspace`.

`Checker` validates each document against its model as it is added, then
checks what spans documents: one Workspace, unique ids, the calendar, people,
references that resolve and measures that fit their KPI's unit; the agreement
and arithmetic checks come from `accord.loading._agreement_checks`.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import ValidationError

from accord.domain import model as m
from accord.domain.calendar import parse_hours
from accord.domain.clock import Clock, today_in
from accord.domain.errors import Problem, clip
from accord.domain.measures import KINDS, kind_of
from accord.domain.workspace import Workspace
from accord.loading._agreement_checks import AgreementChecks, where_of
from accord.loading._messages import _YAML11_BOOLS, _label, describe, problems_from, suggest
from accord.loading._yaml import Document, resolve_plain
from accord.loading._yaml import Path as NodePath

AGREEMENTS_DIR = "agreements"
MEASURE_UNITS = {name: kind.unit for name, kind in KINDS.items()}
"""The unit each measure kind gives (`accord.domain.measures`)."""

MAX_NUMBER = 10**12
"""The largest number (in size) an agreement may hold: a trillion."""

TEXT_COLUMNS = ("source", "segment", "owner")
"""Lead columns that hold text; ``hot`` holds true or false (`m.LEAD_COLUMNS`)."""


def _number_problem(value: int | float, raw: str | None) -> str | None:
    """Why a number read from YAML cannot be used, or None when it can."""
    if isinstance(value, float) and math.isnan(value):
        return f"'{clip(raw or '.nan')}' (not a number) is not allowed; write a number such as 120"
    written = (raw or "").lstrip("+-")
    if isinstance(value, float) and math.isinf(value) and written.startswith("."):
        return f"'{clip(raw or '.inf')}' (infinity) is not allowed; write a number such as 120"
    if abs(value) <= MAX_NUMBER:
        return None
    digits = sum(c.isdigit() for c in written)
    size = f" ({digits} digits)" if raw is not None and digits > 20 else ""
    shown = clip(raw, 24) if raw is not None else clip(repr(value), 24)
    return (
        f"{shown}{size} is too large; numbers in agreements are at most "
        f"{MAX_NUMBER:,} (a trillion) in size"
    )


def number_problems(doc: Document) -> list[Problem]:
    """Every number of `doc` that is not finite or larger than `MAX_NUMBER`, at its place."""
    kind = doc.kind or "document"
    found: list[Problem] = []

    def walk(node: Any, path: NodePath) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*path, i))
        elif isinstance(node, int | float) and not isinstance(node, bool):
            why = _number_problem(node, doc.raw.get(path))
            if why is not None:
                found.append(doc.problem(path, f"{_label(path, kind)}: {why}"))

    walk(doc.data, ())
    return found


def _where_problem(column: str, value: Any, raw: str | None) -> str | None:
    """Why `value` cannot filter the lead column `column`, or None when it can."""
    if column == "hot":
        if isinstance(value, bool):
            return None
        hint = "; write true or false"
        if isinstance(value, str):
            if isinstance(resolve_plain(value.strip()), bool):
                hint = f"; write {value.strip().lower()} without quotes"
            elif value.strip().lower() in _YAML11_BOOLS:
                hint = " (YAML 1.2 reads yes/no/on/off as text); write true or false"
        return f"expected true or false (hot is a yes/no column), found {describe(value)}{hint}"
    if column in TEXT_COLUMNS and not isinstance(value, str):
        hint = f"; quote it to keep it as written: '{clip(raw)}'" if raw is not None else ""
        return f"expected text ({column} is a text column), found {describe(value)}{hint}"
    return None


def _zone_or_utc(settings: m.WorkspaceDoc) -> ZoneInfo:
    """The workspace's zone, or UTC while its name is wrong (reported on its own)."""
    try:
        return ZoneInfo(settings.calendar.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


class Checker(AgreementChecks):
    def __init__(self, root: Path, today: dt.date | None, now: Clock) -> None:
        self.root = root
        self._today = today
        self._now = now
        self.today = today or dt.date.min
        """The date review dates are judged against (set in `finish`, once the
        workspace's zone is known, unless given)."""
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
        bad_numbers = number_problems(doc)
        if bad_numbers:
            self.problems.extend(bad_numbers)
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
                            f"{where_of(there, ('id',))}; ids must be unique per kind",
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
                    f"{where_of(first_doc, ('kind',))}); merge them",
                )
            )
        settings = workspaces[0][1]
        assert isinstance(settings, m.WorkspaceDoc)
        ws = Workspace(self.root, settings)
        self.today = self._today or today_in(_zone_or_utc(settings), self._now)
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
            kind = kind_of(kpi.measure)
            base: NodePath = ("measure", kind.name)
            for where, ref in kind.references(kpi.measure.spec):
                if isinstance(ref, str) and kind.stages_only:
                    self._ref(doc, (*base, *where), ref, "stage", ws.stages)
                else:
                    self._check_match(ws, doc, (*base, *where), ref)
            for column, value in kpi.where.items():
                values = value if isinstance(value, list) else [value]
                for j, one in enumerate(values):
                    sub: NodePath = ("where", column)
                    if isinstance(value, list):
                        sub = (*sub, j)
                    why = _where_problem(column, one, doc.raw.get(sub))
                    if why is not None:
                        self.problems.append(doc.problem(sub, f"{_label(sub, 'Kpi')}: {why}"))
            if kpi.unit not in (kind.unit, *kind.also_fits):
                self.problems.append(
                    doc.problem(
                        ("unit",),
                        f"unit '{kpi.unit}' does not fit measure '{kind.name}', which gives "
                        f"{kind.unit}; set unit: {kind.unit}",
                    )
                )
        for ritual in ws.rituals.values():
            doc = ws.sources[("Ritual", ritual.id)]
            for i, role_id in enumerate(ritual.attendees):
                self._ref(doc, ("attendees", i), role_id, "role", ws.roles)
