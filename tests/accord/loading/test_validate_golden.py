"""Golden tests: each broken input gives its exact `file:line:col: severity: message` output.

Every ``tests/accord/golden/<case>.yaml`` is placed at ``agreements/<case>.yaml``
beside the valid base workspace in ``golden/_base/`` and validated with a fixed
``today``; the text output must equal ``golden/<case>.expected`` byte for byte.
A first line ``# golden: drop=FILE`` leaves that base file out (e.g. the
Workspace). Generated inputs (too big to store) are listed in `GENERATED`.

To regenerate after a deliberate change of a message, run
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/accord/loading/test_validate_golden.py`` and
read the diff of the ``.expected`` files before committing it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from accord.loading._yaml import MAX_BYTES
from accord.loading.output import format_problems
from accord.loading.validate import check_workspace

GOLDEN = Path(__file__).parents[1] / "golden"
BASE = GOLDEN / "_base"
TODAY = dt.date(2026, 6, 1)
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
_OPTIONS = re.compile(rb"^# golden:(?P<opts>[^\n]*)")


def _oversize() -> bytes:
    entry = b"  - A line of filler text that makes the glossary far too long to review.\n"
    head = b"kind: Term\nid: huge\nterm: Huge\ndefinition: x\naliases:\n"
    return head + entry * (MAX_BYTES // len(entry) + 1)


GENERATED: dict[str, Callable[[], bytes]] = {"oversize_file": _oversize}


def base_files() -> dict[str, bytes]:
    return {f"agreements/{p.name}": p.read_bytes() for p in sorted(BASE.glob("*.yaml"))}


def case_names() -> list[str]:
    return sorted([p.stem for p in GOLDEN.glob("*.yaml")] + list(GENERATED))


def case_input(name: str) -> bytes:
    if name in GENERATED:
        return GENERATED[name]()
    return (GOLDEN / f"{name}.yaml").read_bytes()


def run_case(name: str) -> str:
    data = case_input(name)
    files = base_files()
    options = _OPTIONS.match(data)
    if options:
        for opt in options["opts"].decode().split():
            if opt.startswith("drop="):
                del files[f"agreements/{opt.removeprefix('drop=')}"]
    files[f"agreements/{name}.yaml"] = data
    result = check_workspace(Path("/nonexistent"), today=TODAY, files=files)
    return format_problems(result.problems, "text") + "\n"


def test_base_workspace_is_valid() -> None:
    result = check_workspace(Path("/nonexistent"), today=TODAY, files=base_files())
    assert result.problems == []
    assert result.workspace is not None


def test_there_are_enough_cases() -> None:
    assert len(case_names()) >= 35


@pytest.mark.parametrize("name", case_names())
def test_golden(name: str) -> None:
    actual = run_case(name)
    expected_path = GOLDEN / f"{name}.expected"
    if UPDATE:
        expected_path.write_text(actual, encoding="utf-8")
    if not expected_path.exists():
        pytest.fail(f"{expected_path.name} is missing; run with UPDATE_GOLDEN=1 and review it")
    assert actual == expected_path.read_text(encoding="utf-8")
    # every broken input is reported, and never as a valid workspace
    assert actual != "valid: no problems\n"


def test_every_expected_file_has_a_case() -> None:
    stale = {p.stem for p in GOLDEN.glob("*.expected")} - set(case_names())
    assert not stale, f"stale .expected files: {sorted(stale)}"
