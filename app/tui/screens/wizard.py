"""The wizard: areas and live gates on the left, the current question on the right.

Every answer is saved through the `Session` before the status line says "Saved"; the sidebar,
the gate panel and the verdict repaint in place, and a notice names any gate that turned red or
amber, or cleared.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, OptionList, Static

from app.core.answers import AnswerError, parse_text
from app.core.engine import BLOCKING, GateChange, GateState
from app.core.states import badge
from app.core.text import one_line
from app.errors import PreflightError
from app.session import Session
from app.tui.panels import area_line, gate_lines, verdict_text
from app.tui.render import STYLES, literal
from app.tui.widgets.answer_input import AnswerInput
from app.tui.widgets.text_lines import TextLines

ADVANCE_AFTER = 0.04
"""Seconds between an answer's frame and showing the next question."""
NOTICE_STATES = (GateState.red, GateState.amber)


class WizardScreen(Screen):
    """Walks one assessment's questions, area by area."""

    BINDINGS = [
        Binding("ctrl+n,pagedown", "next", "Next", id="next"),
        Binding("ctrl+b,pageup", "previous", "Prev", id="previous"),
        Binding("ctrl+t", "skip", "Next unanswered", id="skip"),
        Binding("ctrl+g", "gates", "Gates", id="gates"),
        Binding("ctrl+r", "preview", "Pack", id="preview"),
        Binding("ctrl+o", "people", "People", id="people"),
        Binding("f2", "switch_person", "Answer as", id="switch_person"),
        Binding("f8", "clear_answer", "Clear", id="clear_answer"),
        Binding("escape", "home", "Home", id="home"),
    ]
    """Screen keys avoid those Input uses for editing (ctrl+a/e/k/u/w/d/x/c/v)."""

    def __init__(self, session: Session, start: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.current: str = start or self._first_open()
        self.answering_as: str | None = None
        self._as_index = 0
        self._advance_timer: Timer | None = None
        self._painted: dict[str, Text] = {}
        """What the sidebar last showed, so a repaint touches only what changed."""

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="left"):
                yield OptionList(id="areas", markup=False)
                yield TextLines(id="gate-panel")
            with VerticalScroll(id="main"):
                yield Static(id="crumb", markup=False)
                yield Static(id="question", markup=False)
                yield Static(id="why", markup=False)
                yield AnswerInput(id="answer")
                yield TextLines(id="notice", wrap=True)
                with Horizontal(classes="field"):
                    yield Static("Note ", classes="label")
                    yield Input(
                        id="note",
                        compact=True,
                        select_on_focus=False,
                        placeholder="optional; enter saves",
                    )
                with Horizontal(classes="field"):
                    yield Static("Link ", classes="label")
                    yield Input(
                        id="evidence",
                        compact=True,
                        select_on_focus=False,
                        placeholder="evidence path or URL",
                    )
                yield TextLines(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = one_line(self.session.assessment.name)
        areas = self.query_one("#areas", OptionList)
        areas.add_options(literal(p.title) for p in self.session.packset.packs)
        self._refresh_panels()
        self.show_question(self.current)

    def on_resize(self) -> None:
        self.call_after_refresh(self._refresh_panels)

    # -- what is shown ----------------------------------------------------------------------

    @property
    def order(self) -> list[str]:
        """Visible questions in pack order (hidden ones disappear and return as answers change)."""
        visible = self.session.evaluation.visible
        return [q.id for p in self.session.packset.packs for q in p.questions if visible.get(q.id)]

    def _first_open(self) -> str:
        answers = self.session.answers
        order = self.order
        return next((qid for qid in order if qid not in answers), order[0])

    def show_question(self, qid: str) -> None:
        packset = self.session.packset
        question = packset.questions[qid]
        pack = packset.pack(packset.question_pack[qid])
        self.current = qid
        visible = [q for q in pack.questions if self.session.evaluation.visible.get(q.id)]
        position = next((i for i, q in enumerate(visible, 1) if q.id == qid), 0)
        optional = "" if question.required else " · optional"
        self.query_one("#crumb", Static).update(
            literal(f"{pack.title} · question {position} of {len(visible)}{optional}", "dim")
        )
        self.query_one("#question", Static).update(literal(question.text, "bold"))
        self.query_one("#why", Static).update(literal("Why: " + question.help, "italic"))
        record = self.session.answers.get(qid)
        self.query_one(AnswerInput).show(question, record.value if record else None)
        self.query_one("#note", Input).value = one_line(record.note or "") if record else ""
        evidence = record.evidence.ref if record and record.evidence else ""
        self.query_one("#evidence", Input).value = one_line(evidence)
        areas = self.query_one("#areas", OptionList)
        areas.highlighted = [p.id for p in packset.packs].index(pack.id)
        self._status(record)

    def _status(self, record: Any) -> None:
        """Two fixed lines: when (and as whom) the answer was saved, and who is answering."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if record is not None:
            text.append("✔ Saved ", style="green")
            by = f" by {one_line(record.answered_by)}" if record.answered_by else ""
            text.append(f"{record.answered_at}{by}", style="dim")
        else:
            text.append("○ Not answered yet", style="dim")
        who = one_line(self.answering_as) if self.answering_as else "—"
        text.append(f"\nAnswering as {who} (F2 to switch)", style="dim")
        self.query_one("#status", TextLines).update(text)

    def _refresh_panels(self) -> None:
        """Repaint what an answer can change: area rows, gate panel, verdict in the title.

        Only what changed is touched: a replaced option or an updated Static costs a repaint,
        and this runs on every answer key.
        """
        evaluation = self.session.evaluation
        width = max(31, self.query_one("#left").size.width - 3)
        areas = self.query_one("#areas", OptionList)
        for index, pack in enumerate(self.session.packset.packs):
            line = area_line(evaluation.areas[pack.id], width)
            if self._painted.get(pack.id) != line:
                self._painted[pack.id] = line
                areas.replace_option_prompt_at_index(index, line)
        height = max(3, self.size.height - 14)
        # Only the lines that changed repaint (TextLines compares them).
        self.query_one("#gate-panel", TextLines).update(
            gate_lines(evaluation, limit=height, width=width)
        )
        verdict = verdict_text(evaluation).plain
        if self.sub_title != verdict:
            self.sub_title = verdict

    # -- answering ----------------------------------------------------------------------------

    @on(AnswerInput.Answered)
    def _answered(self, event: AnswerInput.Answered) -> None:
        question = self.session.packset.questions[self.current]
        answer = self.query_one(AnswerInput)
        try:
            value = parse_text(question, event.value) if event.typed else event.value
        except AnswerError as exc:
            answer.set_hint(f"✗ {exc}", error=True)
            return
        advance = question.kind not in ("multi",)
        self.save(value, advance=advance)

    def save(self, value: Any, advance: bool = False) -> bool:
        """Commit the answer (with the note and link as typed), then repaint; True if saved."""
        stored = self.session.answers.get(self.current)
        note = self._edited("#note", stored.note if stored else None)
        link = stored.evidence.ref if stored and stored.evidence else None
        evidence = self._edited("#evidence", link)
        answer = self.query_one(AnswerInput)
        try:
            record, moved = self.session.answer(
                self.current, value, note=note, evidence=evidence, answered_by=self.answering_as
            )
        except AnswerError as exc:
            answer.set_hint(f"✗ {exc}", error=True)
            return False
        except PreflightError as exc:
            # Nothing was saved; what the person typed stays in the inputs.
            self.notify(f"✗ Not saved: {exc}", severity="error", timeout=10, markup=False)
            answer.set_hint("✗ Not saved — see the message; your input is kept.", error=True)
            return False
        # The sidebar, gate panel, notice and the ● on the answer go out in one frame; the
        # move to the next question follows a beat later, so that frame is not held up by
        # rebuilding the question (~25 ms) and the person sees what their answer changed.
        self._refresh_panels()
        self._announce(moved)
        answer.mark(record.value)
        self._status(record)
        self._cancel_advance()
        if advance:
            self._advance_timer = self.set_timer(ADVANCE_AFTER, self.action_next)
        return True

    def _edited(self, selector: str, stored: str | None) -> str | None:
        """The field's text, or None (the store keeps what it has) while the field still shows
        the stored text: a field is one line, and a note from an answer file may have several,
        which re-answering must not flatten. An emptied field is "" and removes the text."""
        typed = self.query_one(selector, Input).value.strip()
        if stored is not None and typed == one_line(stored):
            return None
        return typed

    def _cancel_advance(self) -> None:
        """Drop a pending move to the next question (a second answer or a navigation key
        came first: one answer moves on once, and never against the person's own move)."""
        if self._advance_timer is not None:
            self._advance_timer.stop()
            self._advance_timer = None

    def _announce(self, moved: list[GateChange]) -> None:
        """Name each gate that turned red or amber (and why), and the gates that cleared, on the
        notice line under the answer: it stays until the next answer and covers nothing."""
        text = Text()
        cleared = []
        for change in moved:
            gate = change.gate
            if change.after in NOTICE_STATES:
                text.append(badge(change.after.value), style=STYLES[change.after.value])
                text.append(f"  {one_line(gate.title)} — {one_line(gate.why)}\n")
            elif change.after is GateState.clear and change.before in BLOCKING:
                cleared.append(one_line(gate.title))
        if cleared:
            text.append(badge("clear"), style=STYLES["clear"])
            text.append(f"  cleared: {'; '.join(cleared)}")
        text.rstrip()
        notice = self.query_one("#notice", TextLines)
        # One gate: its reason wraps over the notice's lines. Several: one line each (cut with
        # "…"), so no gate's title is pushed out of the fixed-height box.
        notice.wrap = "\n" not in text.plain
        notice.update(text)

    @on(Input.Submitted, "#note, #evidence")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        record = self.session.answers.get(self.current)
        if record is None:
            self.query_one(AnswerInput).set_hint("Answer the question first; the note is kept.")
            return
        self.save(record.value)

    # -- actions ------------------------------------------------------------------------------

    def go(self, qid: str) -> None:
        """Show another question, first saving what was typed here (or staying to fix it)."""
        self._cancel_advance()
        if qid == self.current or self._keep_typed():
            self.show_question(qid)

    def _keep_typed(self) -> bool:
        """Save typed-but-unsaved text before leaving; False (stay) if it does not fit."""
        answer = self.query_one(AnswerInput)
        pending = answer.pending_text()
        if pending is not None and pending.strip():
            question = self.session.packset.questions[self.current]
            try:
                value = parse_text(question, pending)
            except AnswerError as exc:
                answer.set_hint(
                    f"✗ Not saved: {exc}. Fix it, or empty the field to leave it.", error=True
                )
                return False
            return self.save(value)
        record = self.session.answers.get(self.current)
        note = self.query_one("#note", Input).value.strip()
        link = self.query_one("#evidence", Input).value.strip()
        if record is None:
            if note or link:
                self.notify(
                    "The note and link are saved with an answer; this one has none.",
                    severity="warning",
                    markup=False,
                )
            return True
        stored_link = record.evidence.ref if record.evidence else ""
        if note != one_line(record.note or "") or link != one_line(stored_link):
            return self.save(record.value)
        return True

    def _step(self, offset: int) -> None:
        order = self.order
        if self.current in order:
            index = order.index(self.current) + offset
        else:  # the current question just became hidden: start again from the first
            index = 0
        if 0 <= index < len(order):
            self.go(order[index])
        elif index >= len(order) and self._keep_typed():
            self.notify("That was the last question. ctrl+r shows the receipts pack.")

    def action_next(self) -> None:
        self._step(+1)

    def action_previous(self) -> None:
        self._step(-1)

    def action_skip(self) -> None:
        order, answers = self.order, self.session.answers
        start = order.index(self.current) + 1 if self.current in order else 0
        rest = order[start:] + order[:start]
        target = next((qid for qid in rest if qid not in answers), None)
        if target is None:
            self.notify("Every visible question is answered.")
        else:
            self.go(target)

    def action_area(self, index: int) -> None:
        """Go to the first unanswered (else the first) question of the `index`-th area."""
        pack = self.session.packset.packs[index]
        order = [q for q in self.order if self.session.packset.question_pack[q] == pack.id]
        if order:
            answers = self.session.answers
            self.go(next((q for q in order if q not in answers), order[0]))

    def action_clear_answer(self) -> None:
        try:
            moved = self.session.clear(self.current, answered_by=self.answering_as)
        except PreflightError as exc:
            self.notify(f"✗ Not cleared: {exc}", severity="error", markup=False)
            return
        self._refresh_panels()
        self._announce(moved)
        self.show_question(self.current)

    @on(OptionList.OptionSelected, "#areas")
    def _area_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_area(event.option_index)

    @on(AnswerInput.Advance)
    def _on_advance_key(self) -> None:
        question = self.session.packset.questions[self.current]
        if question.kind == "multi" and self.current not in self.session.answers:
            self.save([], advance=True)  # enter with nothing ticked: "none of these"
        else:
            self.action_next()

    def action_switch_person(self) -> None:
        """Cycle nobody → each participant in turn → nobody."""
        people = [p.name for p in self.session.participants()]
        if not people:
            self.notify("Nobody to answer as yet: ctrl+o adds participants.")
            return
        cycle = [None, *people]
        self._as_index = (self._as_index + 1) % len(cycle)
        self.answering_as = cycle[self._as_index]
        self._status(self.session.answers.get(self.current))

    def action_gates(self) -> None:
        from app.tui.screens.gate_board import GateBoardScreen

        self.app.push_screen(GateBoardScreen(self.session), lambda _: self._after_board())

    def _after_board(self) -> None:
        self._refresh_panels()

    def action_preview(self) -> None:
        from app.tui.screens.preview import PreviewScreen

        self.app.push_screen(PreviewScreen(self.session))

    def action_people(self) -> None:
        from app.tui.screens.participants import ParticipantsScreen

        self.app.push_screen(ParticipantsScreen(self.session), self._people_closed)

    def _people_closed(self, chosen: str | None) -> None:
        if chosen:
            self.answering_as = chosen
            people = [p.name for p in self.session.participants()]
            self._as_index = people.index(chosen) + 1 if chosen in people else 0
        self._status(self.session.answers.get(self.current))

    def action_home(self) -> None:
        if self._keep_typed():
            self.dismiss(None)
