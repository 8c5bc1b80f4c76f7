"""The help screen: every key binding of the dashboard, generated from the bindings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

_KEY_NAMES = {
    "slash": "/",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "Esc",
    "enter": "Enter",
    "backspace": "Backspace",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "ctrl+p": "Ctrl+P",
    "ctrl+c": "Ctrl+C",
    "left": "←",
    "right": "→",
    "up": "↑",
    "down": "↓",
}


def key_name(key: str) -> str:
    """How a key is written for people: ``slash`` → ``/``, ``f2`` → ``F2``."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("f") and key[1:].isdigit():
        return key.upper()
    return key


def binding_rows(groups: Sequence[tuple[str, Iterable[BindingType]]]) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every described binding, keys joined with ``/``."""
    rows = []
    for where, bindings in groups:
        for b in bindings:
            if not isinstance(b, Binding) or not b.description:
                continue
            keys = " / ".join(key_name(k.strip()) for k in b.key.split(","))
            rows.append((where, keys, b.description))
    return rows


EXTRA_KEYS: list[tuple[str, str, str]] = [
    ("Panels", "Tab / Shift+Tab", "Next / previous panel"),
    ("Panels", "← / →", "Previous / next panel"),
    ("Panels", "↑ / ↓", "Move the cursor in a panel"),
    ("Commitments", "Enter", "Open the commitment's detail"),
    ("Command palette", "Ctrl+P", "Every action, and jump to a commitment"),
]


class HelpScreen(ModalScreen[None]):
    """A table of every binding; any of escape, q, ? or F1 closes it."""

    BINDINGS = [Binding("escape,question_mark,f1,q", "dismiss", "Close help")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__(id="help", classes="dialog")
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, padding=(0, 2), show_header=True, header_style="bold")
        table.add_column("Where")
        table.add_column("Keys", no_wrap=True)
        table.add_column("Does")
        for where, keys, what in self.rows:
            table.add_row(Text(where), Text(keys), Text(what))
        with VerticalScroll(classes="dialog-box", id="help-box"):
            yield Label("Accord dashboard — keys", classes="dialog-title")
            yield Static(table, id="help-table")
            yield Label("Esc, q, ? or F1 closes this help.", classes="dialog-hint")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
