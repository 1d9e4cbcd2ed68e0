"""Record a decision (f4 in the wizard): a note in words, maybe about one gate, or the
go/no-go decision itself — what `preflight decide` records, by the person answering.

The dialog asks the wizard to record it (`record`, which calls the session) and stays open
with the reason when the session refuses (not a participant, not the named decider, an
override needed), so nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from app.core.text import fit_words, one_line
from app.tui.render import STYLES, literal

KINDS = (
    ("note", "A decision in words"),
    ("go", "Go/no-go: GO"),
    ("conditional", "Go/no-go: CONDITIONAL"),
    ("no-go", "Go/no-go: NO-GO"),
)
NO_GATE = ""


GATE_ROW = 54
"""Characters of a gate's row in the list (the dialog is 72 wide, less label and padding)."""


def _one_row(title: str, gate_id: str) -> Text:
    """A gate on one row of the list: its id, then its title cut at a word to fit."""
    return literal(fit_words(f"{gate_id}: {title}", GATE_ROW))


@dataclass(frozen=True)
class DecisionForm:
    kind: str
    """"note", or the verdict: "go", "conditional", "no-go"."""
    text: str
    """The decision (a note), or the verdict's note; may be empty for a verdict."""
    gate_id: str | None
    override: str | None


class DecisionDialog(ModalScreen[str | None]):
    """Returns what was recorded, in one line, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(
        self,
        by: str | None,
        gates: list[tuple[str, str]],
        computed: str,
        record: Callable[[DecisionForm], str],
    ) -> None:
        """`gates`: (id, title) of the gates a note may be about, the open ones first;
        `computed`: the verdict Preflight computes now; `record` records the form and returns
        what was recorded (PreflightError when refused)."""
        super().__init__()
        self.by, self.gates, self.computed, self.record = by, gates, computed, record

    def compose(self) -> ComposeResult:
        who = one_line(self.by) if self.by else "nobody named (f2 or ctrl+o says who)"
        with Vertical(classes="dialog wide", id="decision"):
            yield Label("Record a decision", classes="dialog-title")
            yield Static(
                literal(f"By {who} · Preflight computes {self.computed} now"), id="decision-by"
            )
            with Horizontal(classes="field"):
                yield Static("Decision ", classes="label")
                yield Input(
                    id="decision-text",
                    compact=True,
                    placeholder="what was decided (a verdict: an optional note)",
                )
            with Horizontal(classes="field kinds"):
                yield Static("Kind ", classes="label")  # 4 rows: every kind in view
                yield OptionList(
                    *(Option(literal(title), id=kind) for kind, title in KINDS),
                    id="decision-kind",
                    markup=False,
                )
            with Horizontal(classes="field status"):
                yield Static("Gate ", classes="label")
                yield OptionList(
                    Option(literal("no particular gate"), id="gate-none"),
                    *(
                        Option(_one_row(title, gid), id=f"gate-{i}")
                        for i, (gid, title) in enumerate(self.gates)
                    ),
                    id="decision-gate",
                    markup=False,
                )
            with Horizontal(classes="field"):
                yield Static("Override ", classes="label")
                yield Input(
                    id="decision-override",
                    compact=True,
                    placeholder="why, when deciding GO over what Preflight computes",
                )
            yield Static("", id="decision-error", markup=False)
            yield Label(
                "enter records · tab next field · escape cancels",
                classes="dim",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#decision-kind", OptionList).highlighted = 0
        self.query_one("#decision-gate", OptionList).highlighted = 0
        self.query_one("#decision-text", Input).focus()

    def form(self) -> DecisionForm:
        kind_list = self.query_one("#decision-kind", OptionList)
        kind = KINDS[kind_list.highlighted or 0][0]
        gate_list = self.query_one("#decision-gate", OptionList)
        at = gate_list.highlighted or 0
        gate_id = self.gates[at - 1][0] if at > 0 else None
        override = self.query_one("#decision-override", Input).value.strip() or None
        text = self.query_one("#decision-text", Input).value.strip()
        return DecisionForm(kind, text, gate_id, override)

    @on(OptionList.OptionSelected)
    def _chosen(self) -> None:
        self.focus_next()

    @on(Input.Submitted)
    def _submit(self) -> None:
        from app.errors import PreflightError

        try:
            recorded = self.record(self.form())
        except PreflightError as exc:
            self.query_one("#decision-error", Static).update(literal(f"✗ {exc}", STYLES["red"]))
            return
        self.dismiss(recorded)

    def action_cancel(self) -> None:
        self.dismiss(None)
