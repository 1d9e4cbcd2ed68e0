"""The latest gate changes in full (ctrl+l in the wizard): what moved them, each gate's state,
why it blocks, the values that decided it and the fix. Nothing is cut: lines wrap."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static


class ChangesScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,ctrl+l,enter", "close", "Close", id="close"),
    ]

    def __init__(self, history: list[Text]) -> None:
        super().__init__()
        self.entries = list(reversed(history))
        """Newest first."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="changes"):
            yield Label("Latest gate changes, newest first", classes="dialog-title")
            if not self.entries:
                yield Static(Text("No gate has moved yet in this sitting.", style="dim"))
            for entry in self.entries:
                yield Static(entry, classes="change")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
