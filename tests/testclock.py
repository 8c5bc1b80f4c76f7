"""The instants the tests decide: the suite passes on any date (docs/testing.md).

No test builds data from the wall clock and then asserts on it. Tests hand the
product a clock (`fixed`, `running`) through its one injectable place: the
`now` of `Evaluator`, `evaluate`, `stream`, `load_workspace`, `build_site`,
`make_app(clock=...)` and the CLI's `CliContext` (`Cli` below).

Two tests must run in real time because a separate process reads the system
clock (the dashboard in tmux, the demo's live stream); they place their data
relative to `wall()` so that it lies inside the period they assert on.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from click.testing import CliRunner, Result

from accord.cli import CliContext
from accord.domain.clock import Clock

NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC)
"""A Wednesday, 11:00 in Amsterdam: inside working hours, mid-month."""


def fixed(at: dt.datetime = NOW) -> Clock:
    """A clock that always says `at`."""
    return lambda: at


def running(start: dt.datetime = NOW) -> Clock:
    """A clock that starts at `start` and runs at real speed (for retries and back-off
    that must see time pass)."""
    origin = time.monotonic()
    return lambda: start + dt.timedelta(seconds=time.monotonic() - origin)


def wall() -> dt.datetime:
    """The real instant, for the few tests whose product runs in another process on
    the system clock. Nothing else in the suite reads it."""
    return dt.datetime.fromtimestamp(time.time(), dt.UTC)


class Cli(CliRunner):
    """A `CliRunner` whose commands run at the test's instant (`NOW` unless told)."""

    def __init__(self, now: dt.datetime = NOW, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.now = now

    def invoke(self, *args: Any, **kwargs: Any) -> Result:
        kwargs.setdefault("obj", CliContext(now=fixed(self.now)))
        return super().invoke(*args, **kwargs)
