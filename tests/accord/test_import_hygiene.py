"""The core imports no UI: `import accord` pulls in neither textual nor mkdocs."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN = ("textual", "mkdocs", "material", "tui", "site_builder")


@pytest.mark.parametrize(
    "module", ["accord", "accord.cli", "accord.loading.validate", "accord.loading.schema"]
)
def test_importing_the_core_imports_no_ui(module: str) -> None:
    code = f"import json, sys\nimport {module}\nprint(json.dumps(sorted(sys.modules)))\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(proc.stdout)
    assert "accord" in loaded
    leaked = [m for m in loaded if m.split(".")[0] in FORBIDDEN]
    assert leaked == []
