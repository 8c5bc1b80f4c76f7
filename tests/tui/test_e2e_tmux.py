"""End to end: `accord dash` in a real terminal (tmux), driven with keys."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from testclock import wall
from tui_support import fill_store, write_workspace

ACCORD = Path(sys.executable).parent / "accord"


def test_dash_in_tmux_opens_a_commitment_and_quits(tmux_available: str, tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", store="sqlite:///.accord/funnel.db")
    (root / ".accord").mkdir()
    # `accord dash` runs in its own process on the system clock: the data is placed
    # before the real instant; what is asserted (the rows, the waiting leads) does
    # not depend on the period.
    fill_store(f"sqlite:///{root}/.accord/funnel.db", now=wall() - dt.timedelta(days=7))
    server = f"accord-test-{uuid.uuid4().hex[:8]}"
    tmux = [tmux_available, "-L", server, "-f", "/dev/null"]
    command = (
        f"{shlex.quote(str(ACCORD))} dash {shlex.quote(str(root))} --refresh 1; "
        'echo "accord exited with $?"; sleep 60'
    )
    env = {k: v for k, v in os.environ.items() if k not in ("TMUX", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    subprocess.run(
        [*tmux, "new-session", "-d", "-x", "120", "-y", "36", "sh", "-c", command],
        check=True, env=env, timeout=20,
    )  # fmt: skip

    def screen() -> str:
        res = subprocess.run(
            [*tmux, "capture-pane", "-p", "-t", "0"], capture_output=True, text=True, timeout=10
        )
        return res.stdout

    def wait(found: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        end = time.monotonic() + timeout
        text = ""
        while time.monotonic() < end:
            text = screen()
            if found(text):
                return text
            time.sleep(0.2)
        raise AssertionError(f"never saw {what}; the screen was:\n{text}")

    try:
        # every part on screen at once: a capture can catch a frame half drawn
        # two hot SQLs were never contacted (fill_store): both wait, whatever the date
        ready = ("Acme Smarketing", "● live", "SQL volume", "Funnel", "Attention", "2 waiting")
        main = wait(lambda s: all(part in s for part in ready), "the dashboard with data")
        assert "Traceback" not in main
        # at 120 columns the funnel shows every stage's name in full
        for stage in ("Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Customer"):
            assert f"│ {stage} " in main, stage
        subprocess.run([*tmux, "send-keys", "-t", "0", "Down"], check=True, timeout=10)
        time.sleep(0.3)
        subprocess.run([*tmux, "send-keys", "-t", "0", "Enter"], check=True, timeout=10)
        detail = wait(lambda s: "Values per period" in s, "the detail screen")
        assert "Marketing and Sales SLA › SQL volume" in detail
        subprocess.run([*tmux, "send-keys", "-t", "0", "q"], check=True, timeout=10)
        done = wait(lambda s: "accord exited with" in s, "the process exit")
        assert "accord exited with 0" in done
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=10)
