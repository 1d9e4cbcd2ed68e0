"""Small modal dialogs: ask for one line of text, or a new assessment's name and description."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label

from app.core.text import one_line


class TextDialog(ModalScreen[str | None]):
    """Ask for one line; enter returns it, escape returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str, label: str, value: str = "") -> None:
        super().__init__()
        self.title_text, self.label, self.value = title, label, value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Label(self.label, markup=False)
            yield Input(self.value, id="dialog-input")
            yield Label("enter to confirm · escape to cancel", classes="dim")
        yield Footer()

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class NewAssessmentDialog(ModalScreen[tuple[str, str] | None]):
    """A pilot's name and an optional description; returns `(name, description)` or None.

    Enter in either field creates it (the description may stay empty; tab moves to it). With
    no name the dialog stays open and says so."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("New assessment", classes="dialog-title")
            yield Label("Pilot name")
            yield Input(id="dialog-input", placeholder="e.g. Support-ticket summariser")
            yield Label("Description (optional)", classes="section")
            yield Input(id="description", placeholder="what the pilot does, for whom")
            yield Label("", id="error", markup=False)
            yield Label("enter creates · tab next field · escape cancels", classes="dim")
        yield Footer()

    @on(Input.Submitted)
    def _submit(self) -> None:
        name = one_line(self.query_one("#dialog-input", Input).value)
        if not name:
            self.query_one("#error", Label).update("✗ Give the pilot a name (escape cancels)")
            self.query_one("#dialog-input", Input).focus()
            return
        self.dismiss((name, self.query_one("#description", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)
