"""The diagnostic's tests share a small valid workspace: the golden base files
(Marketing and Sales, a 4-statement questionnaire with bands 4–7, 8–11, 12–15,
16–20, one round of 2026-03-15), copied into ``tmp_path``."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from testclock import NOW, fixed

from accord.domain.workspace import Workspace
from accord.loading import load_workspace

BASE = Path(__file__).parents[1] / "golden" / "_base"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A workspace folder holding the golden base files."""
    (tmp_path / "agreements").mkdir()
    for path in BASE.glob("*.yaml"):
        shutil.copy(path, tmp_path / "agreements" / path.name)
    return tmp_path


@pytest.fixture
def load() -> Callable[[Path], Workspace]:
    """Load a workspace at the tests' instant."""
    return lambda root: load_workspace(root, now=fixed(NOW))
