"""The diagnostic package keeps the core's house rules: a sorted, complete `__all__`,
and importing it (or the `assess` command) loads no UI."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import pytest

import accord.diagnostic as diagnostic
from accord.domain.errors import AccordError


def test_all_is_sorted_and_complete() -> None:
    exported = list(diagnostic.__all__)
    assert exported == sorted(exported)
    public = {
        name
        for name, value in vars(diagnostic).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name not in ("annotations", "TYPE_CHECKING")
    }
    assert public == set(exported)


def test_errors_share_the_base() -> None:
    assert issubclass(diagnostic.BadAnswers, diagnostic.DiagnosticError)
    assert issubclass(diagnostic.DiagnosticError, AccordError)


@pytest.mark.parametrize("module", ["accord.diagnostic", "accord._cli_assess"])
def test_importing_loads_no_ui(module: str) -> None:
    code = f"import json, sys\nimport {module}\nprint(json.dumps(sorted(sys.modules)))\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(proc.stdout)
    leaked = [m for m in loaded if m.split(".")[0] in ("textual", "mkdocs", "tui", "site_builder")]
    assert leaked == []
