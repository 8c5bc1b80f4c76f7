"""Validation of a workspace: every problem, positioned, sorted.

`check_workspace` reads the agreement files (from disk, or from a mapping of
path → bytes such as a git revision), validates each document against its
model, then checks what spans documents: one Workspace, unique ids, references
that resolve, targets that fit their KPI's unit, owners from both sides, and
the warnings of docs/reference/kinds.md (review date passed, no owner with a git handle,
funnel arithmetic that cannot add up).

`load_workspace` returns the `Workspace` or raises `ValidationFailed`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from accord.domain.clock import Clock, system_now
from accord.domain.errors import LoadError, Problem, ValidationFailed
from accord.domain.workspace import Workspace
from accord.loading._checks import AGREEMENTS_DIR as AGREEMENTS_DIR
from accord.loading._checks import MEASURE_UNITS as MEASURE_UNITS
from accord.loading._checks import Checker
from accord.loading._yaml import load_bytes


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
    now: Clock = system_now,
) -> CheckResult:
    """Validate the workspace at `root` and collect every problem, sorted by file and line.

    Review dates are judged against `today`, by default the workspace-local date at
    `now()`.
    """
    root = Path(root)
    if files is None:
        files = agreement_files(root)
    checker = Checker(root, today, now)
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
    root: Path,
    *,
    today: dt.date | None = None,
    files: Mapping[str, bytes] | None = None,
    now: Clock = system_now,
) -> Workspace:
    """The workspace at `root`.

    Raises:
        ValidationFailed: when any document has an error (warnings do not fail).
    """
    result = check_workspace(root, today=today, files=files, now=now)
    if result.workspace is None:
        raise ValidationFailed(result.problems)
    return result.workspace
