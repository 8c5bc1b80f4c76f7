"""The commitment detail screen: agreement text, KPI in plain words, values per period, history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from tui.data import Snapshot
from tui.describe import (
    agreement_lines,
    commitment_lines,
    history_lines,
    kpi_lines,
    period_rows,
    trend_chart,
)
from tui.live import error_line

if TYPE_CHECKING:
    from tui.app import AccordApp


def _periods(rows: list[tuple[str, str, str, str]]) -> Table:
    table = Table(box=None, padding=(0, 2), header_style="bold")
    for name in ("Period", "Value", "Target", "Status"):
        table.add_column(name, justify="right" if name == "Value" else "left", no_wrap=True)
    for row in rows:
        table.add_row(*(Text(c) for c in row))
    return table


def _grid(lines: list[tuple[str, str]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, text in lines:
        grid.add_row(Text(label), Text(text))
    return grid


class DetailScreen(Screen[None]):
    """Everything about one commitment; escape goes back."""

    BINDINGS = [
        Binding("escape,backspace,f9", "app.pop_screen", "Back"),
    ]

    def __init__(self, key: tuple[str, str], snapshot: Snapshot | None) -> None:
        super().__init__(id="detail")
        self.key = key
        self.snapshot = snapshot

    @property
    def accord(self) -> AccordApp:
        from tui.app import AccordApp

        assert isinstance(self.app, AccordApp)
        return self.app

    def compose(self) -> ComposeResult:
        ws = self.accord.ws
        snap = self.snapshot
        result = snap.result(self.key) if snap else None
        evaluating = snap is None or self.key in snap.pending
        title, facts = commitment_lines(ws, self.key, result, evaluating=evaluating)
        ref = next(r for r in ws.commitments() if r.key == self.key)
        trend = snap.trends.get(self.key, ()) if snap else ()
        none = "no data yet" if snap is not None and snap.trends_known else "computing…"
        rows = period_rows(trend, ref.bounds, ref.kpi.unit, ws.tz, result)
        yield Label(title, id="detail-title")
        with VerticalScroll(id="detail-body"):
            yield Static(_grid(facts), classes="section", id="detail-commitment")
            yield Static(_grid(kpi_lines(ws, self.key)), classes="section", id="detail-kpi")
            periods = Static(
                _periods(rows) if rows else Text(none),
                classes="section",
                id="detail-periods",
            )
            periods.border_title = "Values per period"
            periods.border_subtitle = "past periods judged against the target as agreed now"
            chart = trend_chart([v for _, v in trend], ref.bounds, ref.kpi.unit)
            yield Static(Text("\n".join(chart)) if trend else Text(""), id="detail-chart")
            yield periods
            agreement = Static(
                _grid(agreement_lines(ws, self.key[0])), classes="section", id="detail-agreement"
            )
            agreement.border_title = "Agreement"
            yield agreement
            history = Static("Reading the change history…", classes="section", id="detail-history")
            history.border_title = "Change history"
            yield history
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()
        self.run_worker(
            self._load_history, thread=True, exit_on_error=False, group="history", name="history"
        )

    def _load_history(self) -> None:
        """Runs in a worker thread; never raises."""
        ws = self.accord.ws
        try:
            text = self.accord.history_text(("Agreement", self.key[0]))
        except Exception as exc:  # noqa: BLE001 - history is optional; say why it is missing
            text = f"History unavailable: {error_line(exc)}"
        if isinstance(text, str):
            renderable: Text | Table = Text(text)
        else:
            renderable = _grid(history_lines(text, ws.tz)) if text else Text("No changes recorded.")
        self.app.call_from_thread(self._show_history, renderable)

    def _show_history(self, renderable: Text | Table) -> None:
        if self.is_attached:
            self.query_one("#detail-history", Static).update(renderable)
