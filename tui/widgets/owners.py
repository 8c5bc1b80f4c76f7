"""The who-owns-what panel for the selected stage or commitment."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from accord.domain.workspace import Workspace
from tui.owners import commitment_owners, stage_owners


class OwnersPanel(VerticalScroll):
    """Shows the RACI of a stage or the owners of a commitment; scrolls when long."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(Static("", id="owners-body"), name=name, id=id, classes=classes)
        self.subject: tuple[str, str] | None = None
        """("stage", id) or ("commitment", "agreement/commitment")."""

    def on_mount(self) -> None:
        self.border_title = "Who owns what"

    def show_stage(self, ws: Workspace, stage_id: str) -> None:
        self.subject = ("stage", stage_id)
        self._paint(*stage_owners(ws, stage_id))

    def show_commitment(self, ws: Workspace, key: tuple[str, str]) -> None:
        self.subject = ("commitment", f"{key[0]}/{key[1]}")
        self._paint(*commitment_owners(ws, key))

    def repaint(self, ws: Workspace) -> None:
        """Show the same subject again from a reloaded workspace."""
        if self.subject is None:
            return
        kind, ident = self.subject
        if kind == "stage":
            self.show_stage(ws, ident)
        else:
            agreement, _, commitment = ident.partition("/")
            self.show_commitment(ws, (agreement, commitment))

    def _paint(self, title: str, lines: list[tuple[str, str]]) -> None:
        self.border_subtitle = title
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column()
        for label, text in lines:
            grid.add_row(Text(label), Text(text))
        self.query_one("#owners-body", Static).update(grid)
