"""Edit one gate's follow-up (owner, due date, status, note) and its waiver."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList

from app.core.days import is_day
from app.core.model import Gate
from app.core.text import one_line
from app.store.models import FollowUpStatus, GateFollowUp, Waiver

STATUSES = [("open", "open"), ("in progress", "in_progress"), ("done", "done")]


class FollowUpDialog(ModalScreen[dict | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("ctrl+s", "save", "Save", id="save"),
    ]

    def __init__(self, gate: Gate, follow: GateFollowUp | None, waiver: Waiver | None) -> None:
        super().__init__()
        self.gate, self.follow, self.waiver = gate, follow, waiver

    def compose(self) -> ComposeResult:
        f, w = self.follow, self.waiver
        status = self.follow.status.value if self.follow else FollowUpStatus.open.value
        with Vertical(classes="dialog wide"):
            yield Label(one_line(self.gate.title), classes="dialog-title", markup=False)
            yield from _row(
                "Owner",
                Input(
                    one_line(f.owner or "") if f else "",
                    id="owner",
                    compact=True,
                    placeholder="who clears this gate",
                ),
            )
            yield from _row(
                "Due",
                Input((f.due or "") if f else "", id="due", compact=True, placeholder="YYYY-MM-DD"),
            )
            labels = (label for label, _ in STATUSES)
            statuses = OptionList(*labels, id="followup-status", compact=True)
            statuses.highlighted = [v for _, v in STATUSES].index(status)
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
                ),
            )
            yield from _row(
                "Expires",
                Input(w.expires if w else "", id="expires", compact=True, placeholder="YYYY-MM-DD"),
            )
            yield Label("", id="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Save (ctrl+s)", id="save-button", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel-button", compact=True)

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
