"""The main screen: header, banners, the four panels, composition, painting and actions.

The live refresh loop (timers, workers, their messages) is in the base class,
`tui.screens._live.LiveScreen`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.events import Resize
from textual.widgets import Footer, Static

from tui.asof import WORKING_TREE, agreements_at
from tui.headline import freshness, relationship
from tui.live import agreement_stamp, error_line
from tui.logic import cycle_period, describe_period, format_moment
from tui.messages import (
    CommitmentOpened,
    CommitmentSelected,
    ExportAsked,
    LeadOpened,
    StageSelected,
    TravelFailed,
    TravelReady,
)
from tui.screens._live import LiveScreen
from tui.views import unanswered
from tui.widgets.attention import AttentionTable
from tui.widgets.banner import Banner
from tui.widgets.commitments import CommitmentTable
from tui.widgets.funnel import FunnelTable
from tui.widgets.header import StatusHeader
from tui.widgets.owners import OwnersPanel

if TYPE_CHECKING:
    from accord.domain.workspace import Workspace

MIN_WIDTH, MIN_HEIGHT = 80, 24
WIDE = 110
"""From this width the panels sit side by side; below it they stack and scroll."""


def left_column(ws: Workspace, width: int) -> int:
    """The width of the funnel's column side by side: every stage name in full, and a
    bar when the terminal is wide (at most 30% of it), never less than 44."""
    name = max((len(stage.name) for stage in ws.funnel), default=8)
    wanted = 2 + (max(name, 5) + 2) + (7 + 2) + (6 + 2) + (12 + 2)  # name count conv bar
    return max(44, min(wanted, int(width * 0.3)))


class MainScreen(LiveScreen):
    """The dashboard."""

    BINDINGS = [
        Binding("p,f2", "cycle_period", "Period"),
        Binding("t,f3", "time_travel", "Time travel"),
        Binding("slash,f4", "filter", "Filter"),
        Binding("r,f5", "refresh", "Refresh"),
        Binding("escape", "clear", "Clear filter / back to live", show=False),
        Binding("1", "focus_panel('funnel')", "Funnel panel", show=False),
        Binding("2", "focus_panel('commitments')", "Commitments panel", show=False),
        Binding("3", "focus_panel('attention')", "Attention panel", show=False),
        Binding("4", "focus_panel('owners')", "Owners panel", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="main")
        self.query_text = ""
        self._travel_to: dt.datetime | None = None
        """The as-of instant whose agreements are being loaded (time travel pending)."""

    # --- composition ---------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader(id="header")
        yield Banner(level="error", id="stale-banner")
        yield Banner(level="warning", id="reload-banner")
        yield Static("", id="too-small")
        with Grid(id="body"):
            yield FunnelTable(id="funnel")
            yield CommitmentTable(id="commitments")
            yield OwnersPanel(id="owners")
            yield AttentionTable(id="attention")
        yield Footer()

    def on_mount(self) -> None:
        app = self.accord
        self._stamp = agreement_stamp(app.ws.root)
        self._paint_header()
        self.query_one(CommitmentTable).show(app.ws, None)
        if app.ws.funnel:
            self.query_one(OwnersPanel).show_stage(app.ws, app.ws.funnel[0].id)
        self.query_one(CommitmentTable).focus()
        self.set_interval(app.refresh_seconds, self._refresh_timer, name="refresh")
        self.set_interval(1.0, self._second_timer, name="tick")
        self._start_fetch()
        self.fill_log.mounted()

    # --- painting ------------------------------------------------------------------

    def paint(self) -> None:
        """Bring every panel up to date with the snapshot (changed cells only)."""
        app = self.accord
        snap = self.snapshot
        self._paint_header()
        self.query_one(CommitmentTable).show(app.ws, snap, self.query_text)
        if snap is None:
            return
        self.query_one(FunnelTable).show(snap.funnel, loading=not snap.funnel_known)
        ages_at = app.now() if snap.live else snap.as_of
        self.query_one(AttentionTable).show(
            app.ws,
            snap.attention,
            ages_at,
            total=snap.attention_total,
            query=self.query_text,
            loading=not snap.attention_known,
        )
        self.fill_log.painted(snap, self.app.call_after_refresh)

    def _paint_header(self) -> None:
        app = self.accord
        header = self.query_one(StatusHeader)
        tz = app.ws.tz
        snap = self.snapshot
        as_of = app.at or (snap.as_of if snap else app.now())
        period = describe_period(app.per, as_of, tz)
        header.show("title", f"Accord · {app.ws.settings.name}", app.ws.settings.name)
        header.show("period", f"funnel per {app.per}: {period}", period)
        if app.at is not None:
            header.show(
                "asof",
                f"TIME TRAVEL as of {format_moment(app.at, tz)} (esc: live)",
                f"TIME TRAVEL {format_moment(app.at, tz)}",
            )
        else:
            header.show("asof", f"as of {format_moment(as_of, tz)} (live)", "")
        header.show("filter", f"filter: {self.query_text}" if self.query_text else "")
        header.show("band", *relationship(app.ws, as_of.astimezone(tz).date()))
        label = app.agreements
        short = label.replace("agreements as committed ", "as committed ")
        header.show("agreements", label, "" if label == WORKING_TREE else short)
        fresh = self.freshness
        if snap is not None and snap.pending:
            total = len(app.ws.commitments())
            text = f"evaluating… {total - len(snap.pending)} of {total} commitments"
            header.show("freshness", text, text)
        elif snap is not None:
            header.show("freshness", *freshness(snap, app.now(), tz, fresh.last_refresh))
        else:
            header.show("freshness", "loading…", "loading…")
        if fresh.stale and fresh.failing_since is not None:
            since = fresh.failing_since.astimezone(tz).strftime("%H:%M")
            header.show("state", f"STALE since {since}")
        elif app.at is not None:
            header.show("state", "◷ time travel" if snap is not None else "○ connecting")
        else:
            header.show("state", "● live" if snap is not None else "○ connecting")
        header.set_stale(fresh.stale)

    # --- selection --------------------------------------------------------------------

    @on(StageSelected)
    def _stage(self, message: StageSelected) -> None:
        self.query_one(OwnersPanel).show_stage(self.accord.ws, message.stage_id)

    @on(CommitmentSelected)
    def _commitment(self, message: CommitmentSelected) -> None:
        self.query_one(OwnersPanel).show_commitment(self.accord.ws, message.key)

    @on(CommitmentOpened)
    def _open(self, message: CommitmentOpened) -> None:
        self.open_commitment(message.key)

    @on(LeadOpened)
    def _lead(self, message: LeadOpened) -> None:
        self.open_lead(message.lead_id)

    def open_lead(self, lead_id: str) -> None:
        """The lead's story: its events, the commitments it counts for and why."""
        from tui.screens.lead import LeadScreen

        self.app.push_screen(LeadScreen(lead_id, self.accord.at))

    @on(ExportAsked)
    def _export(self, message: ExportAsked) -> None:
        self.export_attention()

    def export_attention(self) -> Path | None:
        """Write the attention list (as listed: filtered, sorted, every page) to a new CSV
        file and say where; None when it could not be written (the reason is shown)."""
        from tui.export import export_attention

        app = self.accord
        table = self.query_one(AttentionTable)
        snap = self.snapshot
        now = app.now() if snap is None or snap.live else snap.as_of
        try:
            path = export_attention(app.ws, table.leads, now, app.output_folder())
        except OSError as exc:
            self.notify(f"Could not export the list: {exc}", severity="error", timeout=10)
            return None
        self.notify(f"{len(table.leads):,} leads exported to {path}", timeout=10)
        return path

    def open_commitment(self, key: tuple[str, str]) -> None:
        from tui.screens.detail import DetailScreen

        app = self.accord
        if not any(ref.key == key for ref in app.ws.commitments()):
            self.notify(f"No commitment {key[0]}/{key[1]}", severity="warning")
            return
        self.app.push_screen(DetailScreen(key, self.snapshot))

    def jump_to(self, key: tuple[str, str]) -> None:
        """Select a commitment in its panel (clearing a filter that hides it)."""
        table = self.query_one(CommitmentTable)
        if not table.select(key):
            self.query_text = ""
            self.paint()
            table.select(key)
        table.focus()

    # --- size -----------------------------------------------------------------------------

    def on_resize(self, event: Resize) -> None:
        width, height = event.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        self.set_class(width < WIDE, "-narrow")
        if width >= WIDE:
            body = self.query_one("#body", Grid)
            body.styles.grid_columns = f"{left_column(self.accord.ws, width)} 1fr"
        if small:
            self.query_one("#too-small", Static).update(
                f"The terminal is {width}×{height}; the dashboard needs at least "
                f"{MIN_WIDTH}×{MIN_HEIGHT}. Enlarge the window (q quits)."
            )

    # --- actions --------------------------------------------------------------------------

    def action_cycle_period(self) -> None:
        app = self.accord
        app.per = cycle_period(app.per)
        self.generation += 1
        if self.snapshot is not None:  # the funnel of another period: loading
            self.snapshot = replace(self.snapshot, per=app.per, funnel=(), funnel_known=False)
        self.paint()
        self._start_fetch()

    def action_time_travel(self) -> None:
        from tui.dialogs.as_of import AsOfDialog

        app = self.accord
        self.app.push_screen(AsOfDialog(app.ws.tz, app.at), self._travel)

    def _travel(self, result: dt.datetime | None | bool) -> None:
        if result is False:  # cancelled
            return
        self.set_as_of(result if isinstance(result, dt.datetime) else None)

    def set_as_of(self, at: dt.datetime | None) -> None:
        """Evaluate as of `at` (None: now, live, by the working tree).

        Time travel first loads the agreements as committed at `at` (docs/reference/metrics.md) in a
        worker; the view changes when they are there (`TravelReady`), or stays as it
        was with a message saying why not (`TravelFailed`).
        """
        app = self.accord
        if at is None:
            self._travel_to = None
            if app.at is None:
                return
            self._show_as_of(None, app.live_ws, WORKING_TREE)
            return
        if app.at == at or self._travel_to == at:
            return
        self._travel_to = at
        self.run_worker(
            partial(self._load_travel, app.live_ws.root, at),
            thread=True,
            exit_on_error=False,
            group="travel",
            name="travel",
            description="travel",
        )

    def _load_travel(self, root: Path, at: dt.datetime) -> None:
        """Runs in a worker thread: the agreements in force at `at`; never raises."""
        try:
            ws, label, note = agreements_at(root, at)
        except Exception as exc:  # noqa: BLE001 - HistoryError, invalid agreements then
            self.post_message(TravelFailed(at, error_line(exc)))
        else:
            self.post_message(TravelReady(at, ws, label, note))

    @on(TravelReady)
    def _travel_ready(self, message: TravelReady) -> None:
        if message.at != self._travel_to:
            return  # another time (or live) was asked for meanwhile
        self._travel_to = None
        self._show_as_of(message.at, message.workspace, message.label)
        if message.note:
            self.notify(message.note, severity="warning")

    @on(TravelFailed)
    def _travel_failed(self, message: TravelFailed) -> None:
        if message.at != self._travel_to:
            return
        self._travel_to = None
        app = self.accord
        kept = "live" if app.at is None else f"as of {format_moment(app.at, app.ws.tz)}"
        self.query_one("#reload-banner", Banner).say(
            f"Cannot travel to {format_moment(message.at, app.ws.tz)}: {message.error} "
            f"(still showing {kept})"
        )

    def _show_as_of(self, at: dt.datetime | None, ws: Workspace, label: str) -> None:
        """Switch to `at` judged by `ws` (a new question: older answers are dropped)."""
        app = self.accord
        app.at, app.ws, app.agreements = at, ws, label
        self.generation += 1
        if self.snapshot is not None:  # another question: every panel is loading
            snap = self.snapshot
            self.snapshot = unanswered(ws, at, app.now(), per=app.per, store=snap.store)
        self.query_one("#reload-banner", Banner).say("")
        self.query_one(OwnersPanel).repaint(ws)
        self.paint()
        self._start_fetch()

    def action_filter(self) -> None:
        from tui.dialogs.filter import FilterDialog

        self.app.push_screen(FilterDialog(self.query_text), self._filtered)

    def _filtered(self, result: str | None) -> None:
        if result is None:
            return
        self.set_filter(result)

    def set_filter(self, text: str) -> None:
        self.query_text = text.strip()
        self.paint()

    def action_refresh(self) -> None:
        self._start_fetch()

    def action_clear(self) -> None:
        if self.query_text:
            self.set_filter("")
        elif self.accord.at is not None:
            self.set_as_of(None)

    def action_focus_panel(self, panel: str) -> None:
        self.query_one(f"#{panel}").focus()
