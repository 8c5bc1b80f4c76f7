"""The command palette (ctrl+p): the dashboard's actions and "jump to commitment …"."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.rows import commitment_title

if TYPE_CHECKING:
    from tui.app import AccordApp


def palette_entries(app: AccordApp) -> list[tuple[str, str, Callable[[], object]]]:
    """(name, help, callback) of every palette command, actions first."""
    from tui.screens.main import MainScreen

    def on_main(action: str) -> Callable[[], object]:
        def run() -> object:
            main = app.main_screen()
            if app.screen is not main:
                app.switch_to_main()
            return app.run_action(action, main)

        return run

    entries: list[tuple[str, str, Callable[[], object]]] = [
        (
            "Cycle period",
            "Day → week → month → quarter for the funnel (p)",
            on_main("cycle_period"),
        ),
        ("Time travel…", "Show the numbers as of another time (t)", on_main("time_travel")),
        ("Back to live", "Show the numbers as of now", on_main("clear")),
        ("Filter…", "Show only matching commitments and leads (/)", on_main("filter")),
        ("Refresh now", "Read the store now (r)", on_main("refresh")),
        (
            "Export the attention list",
            "Write the waiting leads as CSV to a new file and show its path (e)",
            lambda: app.main_screen().export_attention(),
        ),
        ("Help", "Every key binding (?)", partial(app.run_action, "help")),
        ("Quit", "Leave the dashboard (q)", partial(app.run_action, "quit")),
    ]
    assert MainScreen is not None
    for ref in app.ws.commitments():
        key = ref.key

        def jump(key: tuple[str, str] = key) -> None:
            app.switch_to_main()
            main = app.main_screen()
            main.jump_to(key)
            main.open_commitment(key)

        title = commitment_title(app.ws, ref.commitment.id)
        entries.append((f"Jump to commitment {title} ({ref.agreement.title})",
                        ref.commitment.text, jump))  # fmt: skip
    return entries


class AccordCommands(Provider):
    """Palette provider for the dashboard."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        from tui.app import AccordApp

        app = self.app
        return palette_entries(app) if isinstance(app, AccordApp) else []

    async def discover(self) -> Hits:
        for name, help_text, callback in self._entries():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._entries():
            score = matcher.match(f"{name} {help_text}")
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, text=name, help=help_text)
