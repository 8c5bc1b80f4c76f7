"""Which store: ``--store`` > env ``ACCORD_STORE`` > the Workspace's ``store:`` > the default,
decided by `store_url` alone."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from metrics_support import make_workspace

from accord.domain.settings import ENV_STORE, Settings
from accord.domain.workspace import DEFAULT_STORE, Workspace
from accord.store import open_store, store_url

PG = "postgresql+psycopg://accord:s3cr3t-pw@db.example.com/funnel"


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.delenv(ENV_STORE, raising=False)
    return make_workspace(tmp_path / "ws", [])


def with_store(ws: Workspace, store: str | None) -> Workspace:
    """`ws` with its ``store:`` field set to `store`."""
    return dataclasses.replace(ws, settings=ws.settings.model_copy(update={"store": store}))


def sqlite(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def test_the_default_is_relative_to_the_workspace_root(ws: Workspace) -> None:
    assert DEFAULT_STORE == "sqlite:///.accord/funnel.db"
    assert store_url(ws) == sqlite(ws.root / ".accord" / "funnel.db")


def test_the_workspace_beats_the_default(ws: Workspace, tmp_path: Path) -> None:
    assert store_url(with_store(ws, sqlite(tmp_path / "ws.db"))) == sqlite(tmp_path / "ws.db")


def test_the_environment_beats_the_workspace(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_STORE, sqlite(tmp_path / "env.db"))
    assert store_url(with_store(ws, sqlite(tmp_path / "ws.db"))) == sqlite(tmp_path / "env.db")
    assert store_url(ws) == sqlite(tmp_path / "env.db")


def test_the_flag_beats_the_environment(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_STORE, sqlite(tmp_path / "env.db"))
    flagged = with_store(ws, sqlite(tmp_path / "ws.db"))
    assert store_url(flagged, sqlite(tmp_path / "cli.db")) == sqlite(tmp_path / "cli.db")


@pytest.mark.parametrize("empty_env", [False, True])
def test_empty_flag_and_empty_env_count_as_unset(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, empty_env: bool
) -> None:
    if empty_env:
        monkeypatch.setenv(ENV_STORE, "")
    assert store_url(with_store(ws, sqlite(tmp_path / "ws.db")), "") == sqlite(tmp_path / "ws.db")
    assert store_url(ws, "" if empty_env else None) == sqlite(ws.root / ".accord" / "funnel.db")


def test_relative_sqlite_paths_are_relative_to_the_workspace_root(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = ws.root
    assert store_url(with_store(ws, "sqlite:///data/ws.db")) == sqlite(root / "data" / "ws.db")
    monkeypatch.setenv(ENV_STORE, "sqlite:///env.db")
    assert store_url(ws) == sqlite(root / "env.db")
    assert store_url(ws, "sqlite:///../cli.db") == sqlite(root.parent / "cli.db")


@pytest.mark.parametrize(
    "url", ["sqlite:////abs/funnel.db", "sqlite:///:memory:", "sqlite://", PG, "duckdb:///x.db"]
)
def test_other_urls_are_kept_as_given(ws: Workspace, url: str) -> None:
    assert store_url(ws, url) == url
    assert store_url(with_store(ws, url)) == url


def test_the_password_stays_in_the_url_and_out_of_messages(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_STORE, PG)
    assert store_url(ws) == PG
    shown = repr(Settings())
    assert "s3cr3t-pw" not in shown and "accord:***@db.example.com" in shown
    assert "s3cr3t-pw" not in str(Settings(store=PG))


def test_settings_read_the_accord_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_STORE, raising=False)
    assert ENV_STORE == "ACCORD_STORE"
    assert Settings().store is None
    monkeypatch.setenv(ENV_STORE, "sqlite:///x.db")
    assert Settings().store == "sqlite:///x.db"
    assert Settings(store="sqlite:///y.db").store == "sqlite:///y.db"


def test_every_caller_asks_store_url(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_STORE, "sqlite:///env.db")
    assert ws.store_url() == store_url(ws) == sqlite(ws.root / "env.db")
    assert ws.store_url("sqlite:///cli.db") == sqlite(ws.root / "cli.db")
    with open_store(ws) as store:
        assert store.url == sqlite(ws.root / "env.db")
    with open_store(ws, sqlite(tmp_path / "cli.db")) as store:
        assert store.url == sqlite(tmp_path / "cli.db")
