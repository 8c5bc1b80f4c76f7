"""Fixtures for the wiki tests (helpers live in wikikit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from wikikit import Repo, workspace_files


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A repository holding the example workspace, committed by two authors."""
    r = Repo(tmp_path / "ws")
    files = workspace_files()
    r.write({k: v for k, v in files.items() if k != "agreements/sla.yaml"})
    r.commit("Add the team structure", author="Eva Jansen", email="eva@x", date="2026-01-05")
    r.write({"agreements/sla.yaml": files["agreements/sla.yaml"]})
    r.commit("Add the SLA (#3)", author="Jan de Boer", email="jan@x", date="2026-01-10")
    r.write(workspace_files(volume=120))
    r.commit(
        "Merge pull request #12 from acme/raise-volume",
        author="Sanne Bakker",
        email="sanne@x",
        date="2026-02-01",
    )
    return r
