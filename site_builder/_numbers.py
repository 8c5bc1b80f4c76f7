"""The numbers of one wiki build: every commitment evaluated once, as of the build.

`read_numbers` opens the workspace's event store read-only (`accord.store.open_store`:
``--store`` > ``ACCORD_STORE`` > the Workspace's ``store:`` > the default SQLite
file), evaluates every commitment of the agreements in force as of the build's
instant (`accord.metrics.evaluate`) and the leads waiting in `open` measures
(`accord.metrics.attention`), and closes the store. When the store is switched
off, missing or fails, the result holds no evaluation and says why in one line:
the pages then say so and the build passes.

The instant comes from the caller's clock (the plugin's ``clock``, `build_site`'s
``now``); nothing here reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from accord.domain.clock import Clock
from accord.domain.errors import AccordError
from accord.domain.workspace import Workspace
from accord.metrics import AttentionItem, Evaluation, attention, evaluate
from accord.store import Store, open_store

__all__ = ["Numbers", "read_numbers"]


@dataclass(frozen=True)
class Numbers:
    """What the store said at one build."""

    at: dt.datetime
    """The build's instant (UTC)."""
    evaluation: Evaluation | None = None
    """Every commitment in force, evaluated as of `at`; None without a store."""
    waiting: list[AttentionItem] = field(default_factory=list)
    """The leads waiting in `open` measures as of `at`, longest wait first."""
    why: str | None = None
    """Why there are no numbers (`evaluation` is None): "disabled" or the store's error."""
    store: Store | None = field(default=None, compare=False, repr=False)
    """The store, kept open for the monthly report's own evaluations; `close` it."""

    def close(self) -> None:
        """Release the store's connections."""
        if self.store is not None:
            self.store.close()


def read_numbers(
    ws: Workspace, now: Clock, *, url: str | None = None, enabled: bool = True
) -> Numbers:
    """Evaluate every commitment once, as of ``now()``; never raises for the store.

    Args:
        ws: the loaded workspace.
        now: the build's clock.
        url: the store URL (``--store``), else the workspace's choice.
        enabled: false: no store is read (``--no-store``, plugin option ``store: false``).
    """
    at = now().astimezone(dt.UTC)
    if not enabled:
        return Numbers(at, why="disabled")
    store: Store | None = None
    try:
        store = open_store(ws, url, readonly=True)
        evaluation = evaluate(ws, store, at, now=now)
        waiting = attention(ws, store, at, now=now)
    except (AccordError, OSError) as exc:
        if store is not None:
            store.close()
        return Numbers(at, why=str(exc) or type(exc).__name__)
    return Numbers(at, evaluation, waiting, store=store)
