"""The repository's .pre-commit-hooks.yaml: teams run `accord validate` from pre-commit."""

from __future__ import annotations

import shlex
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[3]


def test_hooks_run_accord_on_agreement_files() -> None:
    hooks = YAML(typ="safe", pure=True).load((ROOT / ".pre-commit-hooks.yaml").read_text())
    by_id = {hook["id"]: hook for hook in hooks}
    assert list(by_id) == ["accord-validate", "accord-codeowners"]
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit installs this repository itself
        assert hook["pass_filenames"] is False  # the whole workspace is checked
        assert hook["files"].startswith("^(agreements/") or hook["files"].startswith("^agreements/")
    assert shlex.split(by_id["accord-validate"]["entry"]) == ["accord", "validate"]
    assert "accord codeowners | diff - CODEOWNERS" in by_id["accord-codeowners"]["entry"]
