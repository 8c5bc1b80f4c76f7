"""The main screen's live loop: timers, the fetch workers and the messages they post.

`LiveScreen` keeps the snapshot up to date and says when to draw (`paint`,
`_paint_header`, which `tui.screens.main.MainScreen` provides). Refreshes run in
thread workers (the UI never waits on the store); results come back as messages
tagged with a generation number, so an answer to an older question (another
period, as-of or workspace) is dropped. Every timer and worker catches its
exceptions: a data problem shows in a banner, it never ends the app.
Textual finds the ``@on`` handlers here through the screen's MRO.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from textual import on
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from accord.loading.validate import load_workspace
from tui.data import REFRESH_SHARE, Snapshot, spacing, with_current
from tui.fill import FillLog
from tui.live import Freshness, agreement_stamp, error_line, retry_delay
from tui.logic import format_clock
from tui.messages import (
    DataFailed,
    DataFetched,
    DataPartial,
    FunnelFetched,
    SlowFetched,
    WorkspaceInvalid,
    WorkspaceReloaded,
)
from tui.model_keys import model_keys
from tui.views import carry, reloaded
from tui.widgets.attention import AttentionTable
from tui.widgets.banner import Banner
from tui.widgets.owners import OwnersPanel

if TYPE_CHECKING:
    from accord.domain.workspace import Workspace
    from tui.app import AccordApp

PARTIAL_EVERY = 0.1
"""Seconds between repaints of a progressive first frame (at most ~10 a second)."""


class LiveScreen(Screen[None]):
    """A screen whose snapshot is kept up to date by workers (the dashboard's base)."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.snapshot: Snapshot | None = None
        self.freshness = Freshness()
        self.generation = 0
        self._fetching = False
        self._again = False
        self._last_attempt: dt.datetime | None = None
        self._started = 0.0
        """When the last fetch started (monotonic seconds)."""
        self._stamp: tuple[tuple[str, int, int], ...] = ()
        self._loading = False
        self._slow_worker: Worker[None] | None = None
        self._slow_generation = -1
        """The generation the slow worker (attention, trends) works for."""
        self._funnel_running = False
        self._complete_for: tuple[int, dt.datetime | None] | None = None
        """(workspace id, as-of) of the last complete snapshot: without one for the current
        question, the evaluation paints progressively (`DataPartial`)."""
        self._partial: DataPartial | None = None
        self._partial_due = False
        self._partial_painted = 0.0
        self._first_painted = False
        self.fill_log = FillLog.from_environment()
        """bench/dash.py's record of when each panel first showed its data."""

    @property
    def accord(self) -> AccordApp:
        from tui.app import AccordApp

        assert isinstance(self.app, AccordApp)
        return self.app

    def paint(self) -> None:
        """Bring the view up to date with the snapshot (the subclass draws)."""
        raise NotImplementedError

    def _paint_header(self) -> None:
        """Bring the header up to date (the subclass draws)."""
        raise NotImplementedError

    # --- live loop --------------------------------------------------------------

    def _refresh_timer(self) -> None:
        try:
            app = self.accord
            if self._fetching:  # the next tick comes soon enough
                return
            if self.freshness.failures and self._last_attempt is not None:
                wait = retry_delay(self.freshness.failures, app.refresh_seconds)
                if (app.now() - self._last_attempt).total_seconds() < wait - 0.05:
                    return
            cost = getattr(app.source, "refresh_cost", 0.0)
            every = spacing(cost, app.refresh_seconds, REFRESH_SHARE)
            if every > app.refresh_seconds and time.monotonic() - self._started < every:
                return  # an expensive refresh: at most `REFRESH_SHARE` of a core
            self._start_fetch()
        except Exception as exc:  # noqa: BLE001 - a timer never ends the app
            self._timer_failed(exc)

    def _second_timer(self) -> None:
        try:
            app = self.accord
            if self.snapshot is not None and app.at is None:
                self.query_one(AttentionTable).tick(app.now())
            stamp = agreement_stamp(app.ws.root)
            if stamp != self._stamp and not self._loading:
                self._stamp = stamp
                self._loading = True
                self.run_worker(
                    partial(self._reload, app.ws.root),
                    thread=True,
                    exit_on_error=False,
                    group="reload",
                    name="reload",
                    description="reload",
                )
        except Exception as exc:  # noqa: BLE001 - a worker's failure is shown, never raised
            self._timer_failed(exc)

    def _timer_failed(self, exc: Exception) -> None:
        self.query_one("#reload-banner", Banner).say(f"Internal error: {error_line(exc)}")

    def _start_fetch(self) -> None:
        """Ask the source for a snapshot in a worker thread (at most one at a time)."""
        if self._fetching:
            self._again = True
            return
        app = self.accord
        self._fetching = True
        self._again = False
        now = app.now()
        self._last_attempt = now
        self._started = time.monotonic()
        progressive = self._complete_for != (id(app.ws), app.at)
        work = partial(self._fetch, app.ws, app.at, app.per, now, self.generation, progressive)
        self.run_worker(
            work, thread=True, exit_on_error=False, group="fetch", name="fetch", description="fetch"
        )

    def _fetch(
        self,
        ws: Workspace,
        at: dt.datetime | None,
        per: str,
        now: dt.datetime,
        generation: int,
        progressive: bool = False,
    ) -> None:
        """Runs in a worker thread: never raises. With `progressive`, results are posted
        as they arrive (`DataPartial`), before the complete snapshot."""

        def arrived(snap: Snapshot) -> None:
            self.post_message(DataPartial(snap, generation=generation))

        try:
            on_partial = arrived if progressive else None
            snap = self.accord.source.fetch(ws, at=at, now=now, per=per, on_partial=on_partial)
        except Exception as exc:  # noqa: BLE001 - shown as STALE
            self.post_message(DataFailed(error_line(exc), generation=generation))
        else:
            self.post_message(DataFetched(snap, generation=generation))

    def _start_funnel(self, base: Snapshot) -> None:
        """The funnel, in its own worker, when the source says it changed."""
        source = self.accord.source
        if self._funnel_running or not getattr(source, "funnel_due", False):
            return
        self._funnel_running = True
        self._run_part("funnel", base)

    def _run_part(self, part: Literal["funnel", "slow"], base: Snapshot) -> Worker[None]:
        """Start the worker that fetches `part` of the snapshot on top of `base`."""
        app = self.accord
        work = partial(self._fetch_part, part, app.ws, base, app.at, app.now(), self.generation)
        return self.run_worker(
            work, thread=True, exit_on_error=False, group=part, name=part, description=part
        )

    def _fetch_part(
        self,
        part: Literal["funnel", "slow"],
        ws: Workspace,
        base: Snapshot,
        at: dt.datetime | None,
        now: dt.datetime,
        generation: int,
    ) -> None:
        """Runs in a worker thread: never raises. Calls the source's ``fetch_<part>``
        and posts `FunnelFetched` or `SlowFetched` (the slow part also as it goes:
        the attention list, then trends)."""
        source: Any = self.accord.source  # the parts are optional (`tui.data.Source`)
        message = FunnelFetched if part == "funnel" else SlowFetched
        try:
            if part == "funnel":
                snap = source.fetch_funnel(ws, base, at=at, now=now)
            else:
                worker = get_current_worker()

                def on_part(snap: Snapshot) -> None:
                    self.post_message(SlowFetched(snap, "", generation=generation))

                snap = source.fetch_slow(
                    ws, base, at=at, now=now, on_part=on_part, cancelled=lambda: worker.is_cancelled
                )
        except Exception as exc:  # noqa: BLE001 - shown as STALE
            self.post_message(message(None, error_line(exc), generation=generation))
        else:
            self.post_message(message(snap, "", generation=generation))

    def _part_arrived(self, message: FunnelFetched | SlowFetched) -> Snapshot | None:
        """The part's snapshot when it belongs to the current one; None when there is
        nothing to paint (a failure is shown as STALE)."""
        if message.snapshot is None:
            self.freshness = self.freshness.failed(message.error, self.accord.now())
            self._paint_stale()
            self._paint_header()
            return None
        if message.generation != self.generation or self.snapshot is None:
            return None
        return message.snapshot

    @on(FunnelFetched)
    def _funnel_fetched(self, message: FunnelFetched) -> None:
        self._funnel_running = False
        part = self._part_arrived(message)
        if part is None or self.snapshot is None:
            return
        self.snapshot = replace(self.snapshot, funnel=part.funnel, funnel_known=True)
        self.paint()

    def _start_slow(self, base: Snapshot) -> None:
        """The attention list and trends, in their own worker (the source says when); one
        still working for an older question is cancelled (what it computed is kept)."""
        source = self.accord.source
        if not getattr(source, "slow_due", False):
            return
        running = self._slow_worker
        if running is not None and not running.is_finished:
            if self._slow_generation == self.generation:
                return
            running.cancel()
        self._slow_generation = self.generation
        self._slow_worker = self._run_part("slow", base)

    @on(SlowFetched)
    def _slow_fetched(self, message: SlowFetched) -> None:
        slow = self._part_arrived(message)
        if slow is None or self.snapshot is None:
            return
        snap = self.snapshot
        self.snapshot = replace(
            snap,
            trends=with_current(slow.trends, snap.evaluation),
            trends_known=slow.trends_known,
            attention=slow.attention if slow.attention_known else snap.attention,
            attention_total=slow.attention_total if slow.attention_known else snap.attention_total,
            attention_known=slow.attention_known or snap.attention_known,
        )
        self.paint()

    def _reload(self, root: object) -> None:
        """Runs in a worker thread: load the changed agreements; never raises."""
        try:
            ws = load_workspace(self.accord.ws.root)
        except Exception as exc:  # noqa: BLE001 - invalid edits keep the last good model
            self.post_message(WorkspaceInvalid(error_line(exc)))
        else:
            self.post_message(WorkspaceReloaded(ws))

    def _fetch_done(self) -> None:
        self._fetching = False
        if self._again:
            self._start_fetch()

    @on(DataPartial)
    def _partial_arrived(self, message: DataPartial) -> None:
        """Keep the newest partial snapshot; repaint at most every `PARTIAL_EVERY` s."""
        if message.generation != self.generation:
            return
        self._partial = message
        if self._partial_due:
            return
        self._partial_due = True
        wait = PARTIAL_EVERY - (time.monotonic() - self._partial_painted)
        if wait <= 0:
            self._paint_partial()
        else:
            self.set_timer(wait, self._paint_partial, name="partial")

    def _paint_partial(self) -> None:
        self._partial_due = False
        message, self._partial = self._partial, None
        if message is None or message.generation != self.generation:
            return
        self._partial_painted = time.monotonic()
        self.snapshot = carry(self.snapshot, message.snapshot)
        self.paint()
        self._start_funnel(self.snapshot)  # one query: it need not wait for the evaluation
        self._mark_first_frame()

    def _mark_first_frame(self) -> None:
        """bench/dash.py: note when the first value was painted."""
        if self.accord.first_data_marker and not self._first_painted:
            self._first_painted = True
            self.app.call_after_refresh(self._write_marker, "first")

    @on(DataFetched)
    def _fetched(self, message: DataFetched) -> None:
        if message.generation != self.generation:
            self._again = True
            self._fetch_done()
            return
        self._partial = None
        self._complete_for = (id(self.accord.ws), self.accord.at)
        self.freshness = self.freshness.succeeded(self.accord.now())
        self.query_one("#stale-banner", Banner).say("")
        self.snapshot = carry(self.snapshot, message.snapshot)
        self.paint()
        self._fetch_done()
        self._start_funnel(self.snapshot)
        self._start_slow(message.snapshot)
        self._mark_first_frame()
        if self.accord.first_data_marker:  # bench/dash.py: stop once everything is painted
            self.accord.first_data_marker = False
            self.app.call_after_refresh(self._write_marker, "all")

    def _write_marker(self, what: str) -> None:
        """bench/dash.py: append "<what> <time>" to ACCORD_DASH_FIRST_DATA_FILE ("first":
        the first commitment value painted; "all": every commitment painted, then exit)."""
        import os

        marker = os.environ.get("ACCORD_DASH_FIRST_DATA_FILE")
        if marker:
            with open(marker, "a", encoding="utf-8") as out:
                out.write(f"{what} {time.time()}\n")
        if what == "all":
            self.app.exit(None, 0, "first data frame")

    @on(DataFailed)
    def _failed(self, message: DataFailed) -> None:
        now = self.accord.now()
        self.freshness = self.freshness.failed(message.error, now)
        self._paint_stale()
        self._paint_header()
        self._fetch_done()

    @on(WorkspaceReloaded)
    def _reloaded(self, message: WorkspaceReloaded) -> None:
        self._loading = False
        app = self.accord
        app.live_ws = message.workspace
        if app.at is not None:  # time travelling: the agreements of then stay in use
            return
        old, app.ws = app.ws, message.workspace
        old_keys, new_keys = model_keys(old), model_keys(app.ws)
        app.source.reset()
        self.fill_log.reloaded()
        self.query_one("#reload-banner", Banner).say("")
        self.query_one(OwnersPanel).repaint(app.ws)
        if old_keys == new_keys:  # no number changes (a touch, a new summary): new texts now
            self.paint()
            return
        self.generation += 1
        if self.snapshot is not None:  # the last values, marked as updating
            self.snapshot = reloaded(self.snapshot, old_keys, new_keys)
        self.paint()
        self._start_fetch()

    @on(WorkspaceInvalid)
    def _invalid(self, message: WorkspaceInvalid) -> None:
        self._loading = False
        self.query_one("#reload-banner", Banner).say(
            f"Agreements not reloaded (showing the last good version): {message.error}"
        )

    # --- painting ------------------------------------------------------------------
    def _paint_stale(self) -> None:
        fresh = self.freshness
        banner = self.query_one("#stale-banner", Banner)
        if not fresh.stale or fresh.failing_since is None:
            banner.say("")
            return
        tz = self.accord.ws.tz
        since = fresh.failing_since.astimezone(tz).strftime("%H:%M")
        shown = (
            f"the numbers are from {format_clock(fresh.last_refresh, tz)}"
            if fresh.last_refresh is not None and self.snapshot is not None
            else "no numbers yet"
        )
        banner.say(f"STALE since {since} — {shown}; retrying. {fresh.error}")
