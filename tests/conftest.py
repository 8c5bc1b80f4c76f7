"""Shared test infrastructure: real PostgreSQL, headless Chromium, tmux.

Each system component goes through `require()`: when it is missing the tests
that need it are skipped on a developer machine and fail under CI=true (see
.ci/run, which installs them).
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def require(component_ok: bool, reason: str) -> None:
    """Skip (developer machine) or fail (CI=true) when a component is missing."""
    if component_ok:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"required test component missing under CI: {reason}", pytrace=False)
    pytest.skip(reason)


# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

PG_USER = "accord"
PG_DATABASE = "accord_test"


def find_postgres_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<ver>/bin with initdb and pg_ctl, else PATH."""
    found: list[tuple[tuple[int, ...], Path]] = []
    for bindir in Path("/usr/lib/postgresql").glob("*/bin"):
        if not all(os.access(bindir / tool, os.X_OK) for tool in ("initdb", "pg_ctl")):
            continue
        try:
            version = tuple(int(part) for part in bindir.parent.name.split("."))
        except ValueError:
            continue
        found.append((version, bindir))
    if found:
        return max(found)[1]
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(pg_ctl).parent
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _others_can_traverse(path: Path) -> bool:
    """True if every directory from / down to `path` is searchable by others."""
    for part in [path, *path.parents]:
        if not part.stat().st_mode & stat.S_IXOTH:
            return False
    return True


class PostgresServer:
    """A throwaway PostgreSQL cluster on 127.0.0.1:<port>, trust auth, user `accord`.

    As root the server binaries run as the `postgres` user via runuser (initdb
    refuses root); otherwise they run directly.
    """

    def __init__(self, bindir: Path, base: Path, run_as: str | None) -> None:
        self.bindir = bindir
        self.base = base  # also the unix-socket directory
        self.datadir = base / "data"
        self.logfile = base / "server.log"
        self.run_as = run_as
        self.port = 0
        self.running = False

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the test database."""
        return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.port}/{PG_DATABASE}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.logfile.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _run(self, tool: str, *args: str, as_server_user: bool = True) -> None:
        cmd = [str(self.bindir / tool), *args]
        if as_server_user and self.run_as:
            cmd = ["runuser", "-u", self.run_as, "--", *cmd]
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(LC_ALL="C", LANG="C")
        res = subprocess.run(
            cmd, cwd=self.base, env=env, capture_output=True, text=True, timeout=120
        )
        if res.returncode != 0:
            raise RuntimeError(
                f"{' '.join(cmd)} exited with {res.returncode}\n{res.stdout}{res.stderr}"
                f"\n--- server log ---\n{self.log_tail()}"
            )

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.datadir), "-A", "trust", "-U", PG_USER,
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        """Start the server (on the same port as before); no-op when running."""
        if self.running:
            return
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`pg_ctl stop -m fast`); no-op when stopped."""
        if not self.running:
            return
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def restart(self) -> None:
        """Stop, then start again on the same port: open connections die."""
        self.stop()
        self.start()

    def create_database(self, name: str = PG_DATABASE) -> None:
        self._run(
            "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", PG_USER, name,
            as_server_user=False,
        )  # fmt: skip


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session (`.url`, `.restart()`,
    `.stop()`, `.start()`). A test that stops it must start it again."""
    bindir = find_postgres_bindir()
    require(bindir is not None, "PostgreSQL server binaries not found (apt-get install postgresql)")
    assert bindir is not None
    run_as: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            require(False, "running as root but there is no `postgres` user for initdb")
        require(shutil.which("runuser") is not None, "running as root but `runuser` is missing")
        run_as = "postgres"

    tmp_root = Path(tempfile.gettempdir())
    if run_as and not _others_can_traverse(tmp_root):
        tmp_root = Path("/tmp")
    base = Path(tempfile.mkdtemp(prefix="accord-pg-", dir=tmp_root))
    server = PostgresServer(bindir, base, run_as)
    try:
        if run_as:
            owner = pwd.getpwnam(run_as)
            os.chown(base, owner.pw_uid, owner.pw_gid)
        server.init()
        for attempt in range(3):  # the free port can be taken before the server binds it
            server.port = free_port()
            try:
                server.start()
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        server.create_database()
        yield server
    finally:
        try:
            server.stop()
        except RuntimeError:
            server.stop("immediate")
        finally:
            shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """`postgresql+psycopg://accord@127.0.0.1:PORT/accord_test` of the session server."""
    return postgres_server.url


@pytest.fixture(scope="session")
def restart_postgres(postgres_server: PostgresServer) -> Callable[[], None]:
    """Restart the session server (same port): for tests of reconnects."""
    return postgres_server.restart


# --------------------------------------------------------------------------
# Chromium through Playwright
# --------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API marks its private event loop as *running* in the main
# thread between calls, and needs that mark for every call. Left in place it
# breaks asyncio.run() (Textual, anyio) in every later test. The hooks below
# keep the mark only during setup, call and teardown of tests that use
# `chromium_browser` (directly or through another fixture).
_playwright_loop: list[asyncio.AbstractEventLoop] = []


def _mark_playwright_loop(on: bool) -> None:
    if _playwright_loop:
        asyncio._set_running_loop(_playwright_loop[0] if on else None)


def _uses_chromium(item: pytest.Item) -> bool:
    return "chromium_browser" in getattr(item, "fixturenames", ())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    _mark_playwright_loop(_uses_chromium(item))
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    _mark_playwright_loop(_uses_chromium(item))
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    _mark_playwright_loop(_uses_chromium(item))
    try:
        return (yield)
    finally:
        _mark_playwright_loop(False)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """Headless Debian Chromium driven by Playwright's sync API; never downloads
    a browser. Make pages/contexts per test (function scope): a wider-scoped
    fixture built on it must not make Playwright calls outside such tests."""
    require(os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} not found (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright Python package is not installed")
        raise
    playwright = sync_playwright().start()
    _playwright_loop.append(asyncio.get_running_loop())
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            _mark_playwright_loop(True)
            browser.close()
    finally:
        _mark_playwright_loop(True)
        playwright.stop()
        _mark_playwright_loop(False)
        _playwright_loop.clear()


# --------------------------------------------------------------------------
# tmux
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tmux_available() -> str:
    """Path of a working tmux binary. Use a private server: `tmux -L NAME ...`."""
    tmux = shutil.which("tmux")
    require(tmux is not None, "tmux not found (apt-get install tmux)")
    assert tmux is not None
    res = subprocess.run([tmux, "-V"], capture_output=True, text=True, timeout=10)
    require(res.returncode == 0, f"`tmux -V` failed: {res.stderr.strip()}")
    return tmux
