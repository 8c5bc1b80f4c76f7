"""The dashboard app: composition, global bindings and the `make_app` factory.

`make_app(workspace_path, store_url=..., refresh=..., at=..., clock=...)` is
what `accord dash` and the tests use. The live loop lives in
`tui.screens.main`, the data seam in `tui.data`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from accord.domain.clock import Clock, system_now
from accord.domain.workspace import Workspace
from accord.loading.validate import load_workspace
from tui.asof import WORKING_TREE, agreements_at
from tui.commands import AccordCommands
from tui.data import Source, StoreSource
from tui.screens.help import EXTRA_KEYS, HelpScreen, binding_rows
from tui.screens.main import MainScreen

HistoryFn = Callable[[tuple[str, str]], Any]
"""(kind, id) → a note (str) or (commit, changes) pairs, newest first."""


class AccordApp(App[None]):
    """The live dashboard of one workspace."""

    CSS_PATH = "app.tcss"
    TITLE = "Accord"
    COMMANDS = App.COMMANDS | {AccordCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,f10", "quit", "Quit"),
        Binding("question_mark,f1", "help", "Help"),
        Binding("ctrl+p", "command_palette", "Commands", show=False),
    ]

    def __init__(
        self,
        ws: Workspace,
        source: Source,
        *,
        refresh: float = 2.0,
        at: dt.datetime | None = None,
        per: str = "month",
        clock: Clock | None = None,
        history: HistoryFn | None = None,
        export_dir: Path | str | None = None,
    ) -> None:
        super().__init__()
        self.export_dir = export_dir
        """Where exports and screenshots go (None: ``$ACCORD_DASH_EXPORT_DIR``, else the
        working directory; `tui.export.output_folder`)."""
        self.ws = ws
        """The agreements judged by: the working tree live, as committed then when time
        travelling."""
        self.live_ws = ws
        """The working tree's agreements (kept up to date while time travelling)."""
        self.agreements = WORKING_TREE
        """The header's words for `ws` (see `tui.asof`)."""
        self.source = source
        self.refresh_seconds = max(0.05, refresh)
        self.at = at
        self.per = per
        self._clock = clock or system_now
        self._history = history
        self._history_cache: Any = None
        self.first_data_marker = os.environ.get("ACCORD_DASH_EXIT_AFTER_FIRST_DATA") == "1"

    def now(self) -> dt.datetime:
        """The current instant (the injected clock in tests)."""
        return self._clock()

    def on_mount(self) -> None:
        self.push_screen(MainScreen())

    def output_folder(self) -> Path:
        """The folder exports and screenshots are written to (it exists)."""
        from tui.export import output_folder

        return output_folder(self.export_dir)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's commands, less the ones the dashboard has its own of ("Quit" once,
        a screenshot saved where it says)."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Screenshot"):
                yield command
        yield SystemCommand(
            "Screenshot",
            "Save an SVG picture of the screen (the path is shown)",
            lambda: self.set_timer(0.1, self.save_picture),
        )

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        self.save_picture(folder=Path(path) if path else None, name=filename)

    def save_picture(self, folder: Path | None = None, name: str | None = None) -> Path | None:
        """Save an SVG screenshot to a new file in the output folder and say where."""
        from tui.export import new_path

        try:
            where = folder or self.output_folder()
            where.mkdir(parents=True, exist_ok=True)
            if name:
                path = new_path(where, Path(name).stem, Path(name).suffix or ".svg")
            else:
                stamp = self.now().astimezone(self.ws.tz).strftime("%Y%m%d-%H%M%S")
                path = new_path(where, f"accord-{stamp}", ".svg")
            with path.open("x", encoding="utf-8") as out:
                out.write(self.export_screenshot())
        except OSError as exc:
            self.notify(f"Could not save the screenshot: {exc}", severity="error", timeout=10)
            return None
        self.notify(f"Screenshot saved to {path}", timeout=10)
        return path

    def main_screen(self) -> MainScreen:
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def switch_to_main(self) -> None:
        """Close detail screens and dialogs until the main screen is on top."""
        while not isinstance(self.screen, MainScreen) and len(self.screen_stack) > 2:
            self.pop_screen()

    def help_rows(self) -> list[tuple[str, str, str]]:
        """Every binding, for the help screen."""
        from tui.screens.detail import DetailScreen
        from tui.screens.lead import LeadScreen
        from tui.widgets.attention import AttentionTable

        groups: Sequence[tuple[str, Sequence[BindingType]]] = [
            ("Anywhere", self.BINDINGS),
            ("Dashboard", MainScreen.BINDINGS),
            ("Attention", AttentionTable.BINDINGS),
            ("Lead", LeadScreen.BINDINGS),
            ("Detail", DetailScreen.BINDINGS),
        ]
        return binding_rows(groups) + EXTRA_KEYS

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_rows()))

    def history_text(self, key: tuple[str, str]) -> Any:
        """The change history of an entity (runs in a worker thread)."""
        if self._history is not None:
            return self._history(key)
        if self._history_cache is None:
            from accord.history import entity_history

            self._history_cache = entity_history(self.ws.root)
        history = self._history_cache
        if not history.available:
            return history.note or "no git history"
        entries = history.for_entity(key)
        if not entries and not history.is_committed(key):
            return "not yet committed"
        return entries

    def on_unmount(self) -> None:
        try:
            self.source.close()
        except Exception:  # noqa: BLE001 - closing must not print a traceback
            pass


def make_app(
    workspace_path: Path | str,
    *,
    store_url: str | None = None,
    refresh: float = 2.0,
    at: dt.datetime | None = None,
    clock: Clock | None = None,
    workspace: Workspace | None = None,
    source: Source | None = None,
    per: str = "month",
    history: HistoryFn | None = None,
    export_dir: Path | str | None = None,
) -> AccordApp:
    """The dashboard for the workspace at `workspace_path`.

    Args:
        workspace_path: the workspace directory.
        store_url: the ``--store`` URL; unset, the environment's ``ACCORD_STORE``, the
            workspace's ``store:``, else ``.accord/funnel.db`` (`accord.store.store_url`).
        refresh: seconds between incremental refreshes.
        at: show the numbers as of this instant instead of now, judged by the agreements
            as committed then (docs/reference/metrics.md).
        clock: "now" for live mode (default: the system clock; tests choose their own).
        workspace: an already loaded workspace (else it is loaded here).
        source: where snapshots come from (tests pass a fake; default: the store).
        per: the funnel's first period.
        history: entity history lookup (tests pass a fake; default: git).
        export_dir: where `e` (the attention list as CSV) and screenshots write (default:
            ``$ACCORD_DASH_EXPORT_DIR``, else the working directory).

    Raises:
        ValidationFailed: the agreements (the working tree's, or at `at` those committed
            then) have errors.
        HistoryError: `at` is older than every commit.
    """
    from accord.store import store_url as resolve_store_url

    live = workspace or load_workspace(Path(workspace_path))
    ws, label = live, WORKING_TREE
    if at is not None:
        ws, label, _ = agreements_at(live.root, at)
    src = source or StoreSource(resolve_store_url(live, store_url))
    app = AccordApp(
        ws, src, refresh=refresh, at=at, per=per, clock=clock, history=history,
        export_dir=export_dir,
    )  # fmt: skip
    app.live_ws, app.agreements = live, label
    return app
