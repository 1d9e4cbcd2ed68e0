"""Participants: add people and roles, and pick who is answering."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, OptionList
from textual.widgets.option_list import Option

from app.core.text import one_line
from app.errors import PreflightError
from app.session import Session

KEYS = "enter: name → role → add · shift+tab: the list"


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
            with Horizontal(classes="field"):
                yield Label("Name", classes="label")
                yield Input(id="name", compact=True, placeholder="e.g. Priya Raman")
            with Horizontal(classes="field"):
                yield Label("Role", classes="label")
                yield Input(
                    id="role", compact=True, placeholder="e.g. tech lead, security, data owner"
                )
            yield Label("", id="notice", markup=False)
            with Horizontal(classes="buttons"):
                yield Label(KEYS, classes="dim keys", markup=False)
                yield Button("Add", id="add", variant="primary", compact=True)
                yield Button("Close", id="close-button", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#name", Input).focus()

    def reload(self, highlight: str | None = None) -> None:
        """Refill the list; the first person (or `highlight`) is highlighted, so enter on the
        list picks someone at once."""
        people = self.session.participants()
        self.names = [p.name for p in people]
        listing = self.query_one("#people", OptionList)
        listing.clear_options()
        listing.add_options(Text(f"{one_line(p.name)} — {one_line(p.role)}") for p in people)
        if not people:
            empty = Text("Nobody yet: add the people in the room.", style="dim")
            listing.add_option(Option(empty, disabled=True))
        elif highlight in self.names:
            listing.highlighted = self.names.index(highlight)
        else:
            listing.highlighted = 0

    def _say(self, message: str) -> None:
        self.query_one("#notice", Label).update(message)

    @on(Input.Submitted, "#name")
    def _name_entered(self) -> None:
        if not one_line(self.query_one("#role", Input).value):
            # Enter on the name goes on to the role, as tab does; the role's enter adds.
            if one_line(self.query_one("#name", Input).value):
                self._say("")
            self.query_one("#role", Input).focus()
            return
        self._add()

    @on(Input.Submitted, "#role")
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        # One spelling per person: "  Priya  Raman " is "Priya Raman".
        name = one_line(self.query_one("#name", Input).value)
        role = one_line(self.query_one("#role", Input).value)
        if not name or not role:
            self._say(f"✗ A participant needs a {'name' if not name else 'role'} as well")
            self.query_one("#name" if not name else "#role", Input).focus()
            return
        try:  # one participant per name, case aside: the session refuses a second
            person = self.session.add_participant(name, role)
        except PreflightError as exc:
            self._say(f"✗ {exc}")
            return
        self.query_one("#name", Input).value = ""
        self.query_one("#role", Input).value = ""
        self.reload(highlight=person.name)
        self._say(f"✔ Added {one_line(person.name)} ({one_line(person.role)})")
        self.query_one("#name", Input).focus()

    @on(OptionList.OptionSelected, "#people")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.names):
            self.dismiss(self.names[event.option_index])

    @on(Button.Pressed, "#close-button")
    def action_close(self) -> None:
        self.dismiss(None)
