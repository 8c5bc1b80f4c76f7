"""`accord diff` and `accord.changes` load no UI (the `__all__` rules are checked for
every package in tests/accord/test_exports.py)."""

from __future__ import annotations

import subprocess
import sys


def test_the_diff_command_loads_no_ui() -> None:
    code = (
        "import sys, accord._cli_diff, accord.changes; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'mkdocs', 'tui', 'site_builder')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
