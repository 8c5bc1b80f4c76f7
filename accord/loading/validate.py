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
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from accord.domain.clock import Clock, system_now
from accord.domain.errors import LoadError, Problem, ValidationFailed, clip
from accord.domain.workspace import Workspace
from accord.loading._checks import AGREEMENTS_DIR as AGREEMENTS_DIR
from accord.loading._checks import MEASURE_UNITS as MEASURE_UNITS
from accord.loading._checks import Checker
from accord.loading._yaml import MAX_BYTES, load_bytes, too_big


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


_FOLDER_LINK = (
    "this is a link to a folder; Accord does not read folders through links, so the "
    "agreements in it are not checked, measured or published (move the folder here, "
    "or link each file)"
)
_OUTSIDE = (
    "{subject} is a link to a {what} outside the workspace; Accord reads only files inside "
    "the workspace (put the {what} itself here instead of a link)"
)


def read_agreement_files(root: Path) -> tuple[dict[str, bytes], list[Problem]]:
    """The ``agreements/**/*.yaml|yml`` files under `root`, and the problems of reading them.

    Files are read only inside the workspace: the agreements folder and each file are
    resolved (following links), and one whose real place is outside `root` is not
    read but reported at ``FILE:1:1`` by its own name, never its target's. Links to
    folders inside ``agreements/`` are not followed; each gets a warning, so files
    left unread are never a surprise. A file over `MAX_BYTES` is
    reported without being read.
    """
    base = root / AGREEMENTS_DIR
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    if not base.is_dir():
        return files, problems
    home = root.resolve()
    if not base.resolve().is_relative_to(home):
        problems.append(
            Problem(
                AGREEMENTS_DIR, 1, 1, _OUTSIDE.format(subject=f"{AGREEMENTS_DIR}/", what="folder")
            )
        )
        return files, problems
    for path in sorted(base.rglob("*")):
        if path.is_symlink() and path.is_dir():
            name = clip(path.relative_to(root).as_posix(), 200)
            problems.append(Problem(name, 1, 1, _FOLDER_LINK, "warning"))
            continue
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        name = path.relative_to(root).as_posix()
        real = path.resolve()
        if not real.is_relative_to(home):
            problems.append(
                Problem(clip(name, 200), 1, 1, _OUTSIDE.format(subject="this file", what="file"))
            )
            continue
        try:  # the place that was checked is read, not the link again
            size = real.stat().st_size
            if size > MAX_BYTES:
                problems.append(too_big(name, size))
                continue
            files[name] = real.read_bytes()
        except OSError as exc:
            why = os.strerror(exc.errno) if exc.errno else type(exc).__name__
            problems.append(Problem(clip(name, 200), 1, 1, f"the file cannot be read ({why})"))
    return files, problems


def agreement_files(root: Path) -> dict[str, bytes]:
    """Relative path → bytes of every ``agreements/**/*.yaml|yml`` file under `root`
    that may be read (see `read_agreement_files`; the refused ones are left out)."""
    return read_agreement_files(root)[0]


_CODEOWNERS_SPECIAL = frozenset("#!*?[]\\")


def bad_file_name(name: str) -> str | None:
    """Why a file's path cannot be an agreement file, or None when it can.

    CODEOWNERS gives each agreement file its owners by path; white space, control
    characters and the pattern characters ``# ! * ? [ ] \\`` cannot be written there
    safely (a line break would even start a rule of its own).
    """
    for ch in name:
        if ch == " ":
            return "a space"
        if ch.isspace() or not ch.isprintable():
            return f"the invisible character U+{ord(ch):04X}"
        if ch in _CODEOWNERS_SPECIAL:
            return f"the character '{ch}'"
    return None


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
    checker = Checker(root, today, now)
    if files is None:
        files, unread = read_agreement_files(root)
        if unread:
            checker.problems.extend(unread)
            checker.unreadable = True
    for name in sorted(files):
        data = files[name]
        why = bad_file_name(name)
        if why is not None:
            checker.problems.append(
                Problem(
                    clip(name, 200),
                    1,
                    1,
                    f"the file's name holds {why}, which CODEOWNERS cannot match safely; "
                    "rename it with letters, digits, '-', '_', '.' and '/'",
                )
            )
            checker.unreadable = True
            continue
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
