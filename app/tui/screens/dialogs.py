"""Small modal dialogs: ask for one line of text, or a new assessment's name, description and
packs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from app.core.text import fit_words, one_line
from app.errors import PreflightError

if TYPE_CHECKING:
    from app.core.packs import PackSet


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


NewAssessment = tuple[str, str, list[str] | None]
"""Name, description and the packs chosen (None: every pack in use)."""


class NewAssessmentDialog(ModalScreen[NewAssessment | None]):
    """A pilot's name, an optional description and its packs; returns `(name, description,
    packs)` or None.

    Enter in any field creates it (the description may stay empty; tab moves on). The packs
    field comes filled with the default selection (comma-separated ids, their titles below)
    and is checked like `preflight new --packs`. With no name, or packs that do not fit, the
    dialog stays open and says why."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(
        self,
        packset: PackSet | None = None,
        default: Sequence[str] | None = None,
        problem: str = "",
    ) -> None:
        super().__init__()
        self.packset = packset
        self.default = None if default is None else list(default)
        self.problem = problem

    def _all_ids(self) -> list[str]:
        return [p.id for p in self.packset.packs] if self.packset is not None else []

    def compose(self) -> ComposeResult:
        chosen = self.default if self.default is not None else self._all_ids()
        with Vertical(classes="dialog"):
            yield Label("New assessment", classes="dialog-title")
            yield Label("Pilot name")
            yield Input(id="dialog-input", placeholder="e.g. Support-ticket summariser")
            yield Label("Description (optional)", classes="section")
            yield Input(id="description", placeholder="what the pilot does, for whom")
            if self.packset is not None:
                # On one line (comma-separated ids), so the dialog with its error still fits
                # 80×24.
                with Horizontal(classes="field"):
                    yield Label("Packs", classes="label")
                    yield Input(", ".join(chosen), id="packs", compact=True)
                yield Label(self._titles(chosen), id="pack-titles", classes="dim", markup=False)
            yield Static(self.problem, id="error", markup=False)  # wraps: an error may be long
            yield Label("enter creates · tab next field · escape cancels", classes="dim")
        yield Footer()

    def _titles(self, ids: Sequence[str]) -> str:
        assert self.packset is not None
        titles = {p.id: one_line(p.title) for p in self.packset.packs}
        shown = [titles[i] for i in ids if i in titles]
        known = ", ".join(self._all_ids())
        line = " · ".join(shown) if shown else f"in use: {known}"
        return fit_words(line, 54)  # the dialog's inner width: one line, cut at a word

    @on(Input.Changed, "#packs")
    def _packs_changed(self, event: Input.Changed) -> None:
        ids = [i.strip() for i in event.value.split(",") if i.strip()]
        self.query_one("#pack-titles", Label).update(self._titles(ids))

    def _packs(self) -> list[str] | None:
        """The packs given, checked (raises PreflightError); None: every pack, no default."""
        if self.packset is None:
            return None
        from app.session import choose_packs

        given = self.query_one("#packs", Input).value.split(",")
        chosen = choose_packs(self.packset, given)
        if self.default is None and chosen == self._all_ids():
            return None
        return chosen

    @on(Input.Submitted)
    def _submit(self) -> None:
        name = one_line(self.query_one("#dialog-input", Input).value)
        if not name:
            self.query_one("#error", Static).update("✗ Give the pilot a name (escape cancels)")
            self.query_one("#dialog-input", Input).focus()
            return
        try:
            packs = self._packs()
        except PreflightError as exc:
            self.query_one("#error", Static).update(f"✗ {one_line(exc)}")
            self.query_one("#packs", Input).focus()
            return
        self.dismiss((name, self.query_one("#description", Input).value.strip(), packs))

    def action_cancel(self) -> None:
        self.dismiss(None)
