"""The test infrastructure itself: real PostgreSQL, headless Chromium, tmux."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text

if TYPE_CHECKING:
    from pgserver import PostgresServer
    from playwright.sync_api import Browser


def test_postgres_serves_sql(postgres_url: str) -> None:
    assert postgres_url.startswith("postgresql+psycopg://accord@127.0.0.1:")
    assert postgres_url.endswith("/accord_test")
    engine = create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            version = conn.execute(text("SELECT version()")).scalar_one()
            database = conn.execute(text("SELECT current_database()")).scalar_one()
    finally:
        engine.dispose()
    assert version.startswith("PostgreSQL ")
    assert database == "accord_test"


def test_postgres_restart_keeps_data_and_new_engine_connects(
    postgres_server: PostgresServer,
) -> None:
    table = f"infra_probe_{uuid.uuid4().hex[:8]}"
    engine = create_engine(postgres_server.url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {table} (id integer PRIMARY KEY, note text)"))
            conn.execute(text(f"INSERT INTO {table} VALUES (1, 'before restart')"))
    finally:
        engine.dispose()

    port = postgres_server.port
    postgres_server.restart()
    assert postgres_server.running and postgres_server.port == port

    engine = create_engine(postgres_server.url)
    try:
        with engine.begin() as conn:
            note = conn.execute(text(f"SELECT note FROM {table} WHERE id = 1")).scalar_one()
            conn.execute(text(f"DROP TABLE {table}"))
    finally:
        engine.dispose()
    assert note == "before restart"


def test_chromium_renders_local_file(chromium_browser: Browser, tmp_path: Path) -> None:
    page_file = tmp_path / "probe.html"
    page_file.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Accord probe ✓</title>"
        "</head><body><h1 id='h'>Hello, Chromium</h1></body></html>",
        encoding="utf-8",
    )
    page = chromium_browser.new_page()
    try:
        page.goto(page_file.as_uri())
        assert page.title() == "Accord probe ✓"
        assert page.inner_text("#h") == "Hello, Chromium"
    finally:
        page.close()


def test_asyncio_run_works_after_chromium_test() -> None:
    """Playwright's sync API must not leave its loop marked as running."""

    async def probe() -> int:
        await asyncio.sleep(0)
        return 42

    assert asyncio.run(probe()) == 42


def test_chromium_still_usable_after_asyncio_test(chromium_browser: Browser) -> None:
    page = chromium_browser.new_page()
    try:
        page.set_content("<title>again</title>")
        assert page.title() == "again"
    finally:
        page.close()


def test_tmux_runs_a_command(tmux_available: str) -> None:
    server = f"accord-test-{uuid.uuid4().hex[:8]}"  # private tmux server
    tmux = [tmux_available, "-L", server, "-f", "/dev/null"]
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "probe", "-x", "80", "-y", "24", "echo hi; sleep 30"],
        check=True,
        timeout=10,
    )
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            out = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "probe"],
                check=True,
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout
            lines = [line.strip() for line in out.splitlines()]
            if "hi" in lines:
                break
            time.sleep(0.05)
        assert "hi" in lines
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=10)
