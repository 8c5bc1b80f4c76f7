"""bench/dash.py's hook: when each panel first shows its data, at start and after reloads.

With ``ACCORD_DASH_FILL_LOG=PATH`` in the environment the dashboard appends a line
``<panel> <n> <unix time>`` to PATH when a panel first shows data computed for the
agreements in use: the commitments (every value), the funnel, the trends (every
sparkline) and the attention list. ``n`` is 0 after start and counts the agreements
reloads; each reload first writes ``reload <n> <unix time>`` when the reloaded
agreements are taken into use, and the start ``mount 0 <unix time>`` when the
dashboard's screen is mounted (before any data). The time is taken after the frame
is drawn.
Without the variable (the default) nothing is written.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from tui.data import Snapshot

ENV = "ACCORD_DASH_FILL_LOG"
PANELS = ("commitments", "funnel", "trends", "attention")


def filled(snap: Snapshot) -> list[str]:
    """The panels `snap` fills with data computed for its question."""
    known = {
        "commitments": not snap.pending,
        "funnel": snap.funnel_known,
        "trends": snap.trends_known,
        "attention": snap.attention_known,
    }
    return [panel for panel in PANELS if known[panel]]


class FillLog:
    """Appends the fill times to a file (a no-op without one)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.reloads = 0
        self._done: set[str] = set()

    @classmethod
    def from_environment(cls) -> FillLog:
        path = os.environ.get(ENV)
        return cls(Path(path) if path else None)

    def mounted(self) -> None:
        """The dashboard's screen is up (before any data)."""
        if self.path is not None:
            self._write("mount", 0)

    def reloaded(self) -> None:
        """The reloaded agreements are in use: every panel fills again."""
        if self.path is None:
            return
        self.reloads += 1
        self._done = set()
        self._write("reload", self.reloads)

    def painted(self, snap: Snapshot | None, after_refresh: Callable[..., object]) -> None:
        """`snap` was painted; `after_refresh` (the app's ``call_after_refresh``) runs the
        write once the frame is drawn."""
        if self.path is None or snap is None:
            return
        for panel in filled(snap):
            if panel not in self._done:
                self._done.add(panel)
                after_refresh(self._write, panel, self.reloads)

    def _write(self, what: str, reloads: int) -> None:
        assert self.path is not None
        with self.path.open("a", encoding="utf-8") as out:
            out.write(f"{what} {reloads} {time.time():.3f}\n")
