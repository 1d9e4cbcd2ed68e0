"""Participants: add people and roles, and pick who is answering."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList

from app.core.text import one_line
from app.errors import PreflightError
from app.session import Session


class ParticipantsScreen(ModalScreen[str | None]):
    """Returns the name chosen to answer as (enter on a person), or None."""

    BINDINGS = [Binding("escape", "close", "Close", id="close")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.names: list[str] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label("Participants — enter on a person answers as them", classes="dialog-title")
            yield OptionList(id="people", markup=False)
            yield Input(id="name", placeholder="Name")
            yield Input(id="role", placeholder="Role, e.g. tech lead, security, data owner")
            yield Label("", id="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Add", id="add", variant="primary")
                yield Button("Close (esc)", id="close-button")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#name", Input).focus()

    def reload(self) -> None:
        people = self.session.participants()
        self.names = [p.name for p in people]
        listing = self.query_one("#people", OptionList)
        listing.clear_options()
        listing.add_options(Text(f"{one_line(p.name)} — {one_line(p.role)}") for p in people)
        if not people:
            listing.add_option(Text("Nobody yet: add the people in the room.", style="dim"))

    @on(Input.Submitted, "#name, #role")
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        # One spelling per person: "  Priya  Raman " is "Priya Raman".
        name = one_line(self.query_one("#name", Input).value)
        role = one_line(self.query_one("#role", Input).value)
        if not name or not role:
            self.query_one("#error", Label).update("✗ A participant needs a name and a role")
            return
        try:  # one participant per name, case aside: the session refuses a second
            self.session.add_participant(name, role)
        except PreflightError as exc:
            self.query_one("#error", Label).update(f"✗ {exc}")
            return
        self.query_one("#name", Input).value = ""
        self.query_one("#role", Input).value = ""
        self.query_one("#error", Label).update("")
        self.reload()
        self.query_one("#name", Input).focus()

    @on(OptionList.OptionSelected, "#people")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.names):
            self.dismiss(self.names[event.option_index])

    @on(Button.Pressed, "#close-button")
    def action_close(self) -> None:
        self.dismiss(None)
