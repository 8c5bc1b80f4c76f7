"""Shared test infrastructure: real PostgreSQL, headless Chromium, tmux.

Each system component goes through `require()`: when it is missing the tests
that need it are skipped on a developer machine and fail under CI=true (see
.ci/run, which installs them).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from components import require
from pgserver import PostgresServer, PostgresUnavailable

if TYPE_CHECKING:
    from playwright.sync_api import Browser


# --------------------------------------------------------------------------
# PostgreSQL (tests/pgserver.py)
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole session (`.url`, `.restart()`,
    `.stop()`, `.start()`). A test that stops it must start it again."""
    try:
        server = PostgresServer.launch()
    except PostgresUnavailable as exc:
        require(False, str(exc))
        raise
    try:
        yield server
    finally:
        server.close()


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
