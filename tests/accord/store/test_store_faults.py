"""Faults around the store (issue 17): a store path that is not a regular file is refused
before SQLite can block on it, an in-memory store is refused to the commands that write,
and the `.accord/` folder the store creates keeps git away from the database."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gitrepo import GitRepo
from metrics_support import make_workspace
from testclock import Cli

from accord.cli import main
from accord.domain.errors import StoreError
from accord.domain.workspace import Workspace
from accord.store import ENV_STORE, Store, open_store


@pytest.fixture(autouse=True)
def no_env_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_STORE, raising=False)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "ws", [])


def within(seconds: float, action: Callable[[], Any]) -> Any:
    """Run `action` in a thread; fail (instead of hanging the suite) if it blocks."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = action()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still blocked after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


# --- a path that is not a regular file --------------------------------------------------


@pytest.fixture
def special(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Path, str]]:
    """A FIFO or a socket at a path; (path, how the message names it)."""
    path = tmp_path / "funnel.db"
    if request.param == "fifo":
        os.mkfifo(path)
        yield path, "a FIFO (named pipe)"
    else:
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
            yield path, "a socket"


@pytest.mark.parametrize("special", ["fifo", "socket"], indirect=True)
@pytest.mark.parametrize("readonly", [True, False], ids=["read", "write"])
def test_a_store_path_that_is_not_a_file_is_refused(
    special: tuple[Path, str], readonly: bool
) -> None:
    path, kind = special
    with pytest.raises(StoreError) as caught:
        within(10, lambda: Store.open(f"sqlite:///{path}", readonly=readonly))
    assert str(caught.value) == (
        f"the event store at {path} cannot be used: {path} is {kind}, not a regular file; "
        "give the path of a SQLite database file"
    )


def test_a_device_is_refused() -> None:
    with pytest.raises(StoreError, match="/dev/null is a character device, not a regular file"):
        within(10, lambda: Store.open("sqlite:////dev/null", readonly=True))


@pytest.mark.parametrize("suffix", ["-wal", "-journal"])
def test_a_fifo_beside_the_database_is_refused(tmp_path: Path, suffix: str) -> None:
    url = f"sqlite:///{tmp_path / 'funnel.db'}"
    Store.open(url).close()
    os.mkfifo(tmp_path / f"funnel.db{suffix}")
    with pytest.raises(StoreError, match=f"funnel.db{suffix} is a FIFO"):
        within(10, lambda: Store.open(url, readonly=True))


def test_status_on_a_fifo_says_so_and_exits_1(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws", [])
    fifo = tmp_path / "funnel.db"
    os.mkfifo(fifo)
    result = within(
        30, lambda: Cli().invoke(main, ["status", str(ws.root), "--store", f"sqlite:///{fifo}"])
    )
    assert result.exit_code == 1
    assert f"error: the event store at {fifo} cannot be used: {fifo} is a FIFO" in result.output


# --- in-memory stores -------------------------------------------------------------------


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_store_is_refused_to_write(ws: Workspace, url: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(ws, url)
    assert str(caught.value) == (
        f"the event store {url} is an in-memory database: what is written there is gone when "
        "the command ends; give a file (sqlite:///path/funnel.db) or a database server"
    )


def test_an_in_memory_store_from_the_environment_too(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_STORE, "sqlite://")
    with pytest.raises(StoreError, match="is an in-memory database"):
        open_store(ws)


def test_in_memory_stays_usable_where_nothing_is_lost(ws: Workspace) -> None:
    """Reading one says it is empty; `Store.open` (tests, scripts) still opens one."""
    with pytest.raises(StoreError, match="has no events or leads table"):
        open_store(ws, "sqlite://", readonly=True)
    with Store.open("sqlite://") as store:
        assert store.info().events == 0


# --- .accord/.gitignore -------------------------------------------------------------------


def test_the_default_store_folder_is_ignored_by_git(ws: Workspace) -> None:
    repo = GitRepo(ws.root)
    with open_store(ws) as store:
        assert store.url.endswith("/.accord/funnel.db")
    ignore = ws.root / ".accord" / ".gitignore"
    assert "\n*\n" in ignore.read_text()
    repo.git("add", "-A")
    staged = repo.git("diff", "--cached", "--name-only").splitlines()
    assert staged and not [name for name in staged if name.startswith(".accord")]
    assert repo.git("check-ignore", ".accord/funnel.db") == ".accord/funnel.db"


def test_an_existing_gitignore_is_never_overwritten(ws: Workspace) -> None:
    folder = ws.root / ".accord"
    folder.mkdir()
    (folder / ".gitignore").write_text("funnel.db\n")
    open_store(ws).close()
    assert (folder / ".gitignore").read_text() == "funnel.db\n"


def test_only_a_folder_the_store_creates_gets_one(ws: Workspace, tmp_path: Path) -> None:
    """An existing `.accord/` is the user's; other folders are never touched."""
    (ws.root / ".accord").mkdir()
    open_store(ws).close()
    assert not (ws.root / ".accord" / ".gitignore").exists()
    open_store(ws, f"sqlite:///{tmp_path / 'data' / 'funnel.db'}").close()
    assert not (tmp_path / "data" / ".gitignore").exists()
    open_store(ws, f"sqlite:///{tmp_path / 'x' / '.accord' / 'deep' / 'f.db'}").close()
    assert (tmp_path / "x" / ".accord" / ".gitignore").exists()
    assert not (tmp_path / "x" / ".accord" / "deep" / ".gitignore").exists()


def test_a_reader_creates_nothing(ws: Workspace) -> None:
    with pytest.raises(StoreError, match="no event store at"):
        open_store(ws, readonly=True)
    assert not (ws.root / ".accord").exists()
