"""Fixtures of the `accord watch` tests; the helpers live in alerts_kit.py (a module
name of its own: every conftest.py is the module `conftest` on the shared path)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alerts_kit import Hooks, World

from accord.store import ENV_STORE, Store


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    server = Hooks()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.delenv(ENV_STORE, raising=False)
    w = World(tmp_path / "ws")
    w.write()
    Store.open(w.url).close()
    return w
