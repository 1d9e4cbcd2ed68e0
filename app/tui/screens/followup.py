"""Edit one gate's follow-up (owner, due date, status, note) and its waiver."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Footer, Input, Label, OptionList

from app.core.days import is_day
from app.core.model import Gate
from app.core.text import one_line
from app.store.models import FollowUpStatus, GateFollowUp, Waiver

STATUSES = [("● open", "open"), ("◐ in progress", "in_progress"), ("✔ done", "done")]
"""Each status as a symbol and a word, so the chosen one reads without colour."""

KEYS = "enter saves · tab next · ↑↓ status"


def status_prompt(index: int, chosen: bool) -> str:
    """`▶ ◐ in progress` for the chosen status, `  ● open` for the others."""
    return f"{'▶' if chosen else ' '} {STATUSES[index][0]}"


class FollowUpDialog(ModalScreen[dict | None]):
    """Returns `{"followup": …, "waiver": …}` (what the gate board saves), or None.

    Enter in any field saves, as ctrl+s does (tab moves between fields); a problem shows on the
    dialog's own line and keeps it open."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "save", "Save", id="save"),
    ]

    def __init__(
        self,
        gate: Gate,
        follow: GateFollowUp | None,
        waiver: Waiver | None,
        people: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.gate, self.follow, self.waiver = gate, follow, waiver
        self.people = people or []
        """Participants' names, offered as completions for the owner and the approver."""

    def _suggester(self) -> SuggestFromList | None:
        return SuggestFromList(self.people, case_sensitive=False) if self.people else None

    def compose(self) -> ComposeResult:
        f, w = self.follow, self.waiver
        status = self.follow.status.value if self.follow else FollowUpStatus.open.value
        with Vertical(classes="dialog wide"):
            yield Label(one_line(self.gate.full_title), classes="dialog-title", markup=False)
            yield from _row(
                "Owner",
                Input(
                    one_line(f.owner or "") if f else "",
                    id="owner",
                    compact=True,
                    placeholder="who clears this gate (→ completes a participant)",
                    suggester=self._suggester(),
                ),
            )
            yield from _row(
                "Due",
                Input((f.due or "") if f else "", id="due", compact=True, placeholder="YYYY-MM-DD"),
            )
            chosen = [v for _, v in STATUSES].index(status)
            labels = (status_prompt(i, i == chosen) for i in range(len(STATUSES)))
            statuses = OptionList(*labels, id="followup-status", compact=True, markup=False)
            statuses.highlighted = chosen
            with Horizontal(classes="field status"):
                yield Label("Status", classes="label")
                yield statuses
            yield from _row(
                "Note", Input(one_line(f.note or "") if f else "", id="note", compact=True)
            )
            yield Label("Waiver (leave the reason empty for none)", classes="dim section")
            yield from _row(
                "Reason",
                Input(
                    one_line(w.reason) if w else "",
                    id="reason",
                    compact=True,
                    placeholder="why it may go ahead",
                ),
            )
            yield from _row(
                "Approver",
                Input(
                    one_line(w.approver) if w else "",
                    id="approver",
                    compact=True,
                    placeholder="who approved it",
                    suggester=self._suggester(),
                ),
            )
            yield from _row(
                "Expires",
                Input(w.expires if w else "", id="expires", compact=True, placeholder="YYYY-MM-DD"),
            )
            yield Label("", id="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Label(KEYS, classes="dim keys", markup=False)
                yield Button("Save", id="save-button", variant="primary", compact=True)
                yield Button("Cancel", id="cancel-button", compact=True)
        yield Footer()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value.strip()

    def action_save(self) -> None:
        due, expires = self._value("due"), self._value("expires")
        reason, approver = self._value("reason"), self._value("approver")
        for label, value in (("Due date", due), ("Expiry", expires)):
            if value and not is_day(value):
                self._error(f"{label} must be YYYY-MM-DD")
                return
        waiver = None
        if reason:
            if not approver or not expires:
                self._error("A waiver needs a reason, an approver and an expiry date")
                return
            if expires < dt.date.today().isoformat():
                self._error(f"That waiver expired on {expires}: give a date from today on")
                return
            waiver = {"reason": reason, "approver": approver, "expires": expires}
        followup = {
            "owner": self._value("owner") or None,
            "due": due or None,
            "status": self._status(),
            "note": self._value("note") or None,
        }
        self.dismiss({"followup": followup, "waiver": waiver})

    def _status(self) -> str:
        return STATUSES[self.query_one("#followup-status", OptionList).highlighted or 0][1]

    def _error(self, message: str) -> None:
        self.query_one("#error", Label).update(f"✗ {message}")

    @on(OptionList.OptionHighlighted, "#followup-status")
    def _status_moved(self, event: OptionList.OptionHighlighted) -> None:
        statuses = event.option_list
        for index in range(len(STATUSES)):
            statuses.replace_option_prompt_at_index(
                index, status_prompt(index, index == event.option_index)
            )

    @on(Input.Submitted)
    @on(OptionList.OptionSelected, "#followup-status")
    @on(Button.Pressed, "#save-button")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel-button")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _row(label: str, widget) -> ComposeResult:
    with Horizontal(classes="field"):
        yield Label(label, classes="label")
        yield widget
