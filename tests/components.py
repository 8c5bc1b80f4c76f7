"""`require`: a missing system component skips a test on a developer machine and fails it
under CI=true (.ci/run installs every component). Imported by tests/conftest.py and
by tests that check for a component themselves."""

from __future__ import annotations

import os

import pytest

__all__ = ["require"]


def require(component_ok: bool, reason: str) -> None:
    """Skip (developer machine) or fail (CI=true) when a component is missing."""
    if component_ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"required test component missing under CI: {reason}", pytrace=False)
    pytest.skip(reason)
