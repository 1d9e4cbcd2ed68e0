"""The latest gate changes in full (ctrl+l in the wizard): what moved them, each gate's state,
why it blocks, the values that decided it and the fix; on a disputed question, first each
respondent's answer whole. Nothing is cut: lines wrap."""

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

    def __init__(
        self, history: list[Text], voices: list[Text] | None = None, question: str = ""
    ) -> None:
        super().__init__()
        self.entries = list(reversed(history))
        """Newest first."""
        self.voices = voices or []
        """The respondents' answers to the disputed question shown, whole."""
        self.question = question

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="changes"):
            if self.voices:
                yield Label("The answers in full", classes="dialog-title")
                yield Static(Text(self.question, style="bold"), classes="change")
                for voice in self.voices:
                    yield Static(voice, classes="change")
            yield Label("Latest gate changes, newest first", classes="dialog-title")
            if not self.entries:
                yield Static(Text("No gate has moved yet in this sitting.", style="dim"))
            for entry in self.entries:
                yield Static(entry, classes="change")
            yield Static(  # a Static wraps at words; a Label was cut at the dialog's edge
                "f3 in the wizard: changes since the last export · f4: record a decision",
                classes="dim section",
            )
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)
