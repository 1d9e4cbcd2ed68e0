"""The wizard: areas and live gates on the left, the current question on the right.

Every answer is saved through the `Session` before the status line says "Saved"; the sidebar,
the gate panel and the verdict repaint in place, and a notice names any gate that turned red or
amber, or cleared.

On a merged assessment (one with respondents) it opens on the agenda's first item and ctrl+t
walks the agenda (`app.core.agenda`: disputed, then red, then unknown); a disputed question
shows each respondent's answer under it until somebody answers it here (the person who does
keeps them in view, "settled by your answer", until they leave the question).

Another Preflight's writes show within WATCH_EVERY seconds; the question on screen shows what
is stored now unless the person has typed over it, and what they have not touched is never
written back over the other's answer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static

from app.core.agenda import Item, following
from app.core.answers import AnswerError, display, parse_text
from app.core.disputes import Dispute
from app.core.engine import Evaluation, GateChange, changes, severity
from app.core.text import one_line
from app.errors import PreflightError
from app.session import Session
from app.store.errors import NotFound
from app.tui.agenda_lines import agenda_notice
from app.tui.gate_notice import NOTICE_ROWS, is_news, notice_text
from app.tui.meeting import MeetingActions
from app.tui.panels import area_line, gate_lines, verdict_text
from app.tui.render import literal
from app.tui.widgets.answer_input import AnswerInput
from app.tui.widgets.keys_footer import KeysFooter
from app.tui.widgets.meeting_header import MeetingHeader
from app.tui.widgets.text_lines import TextLines
from app.tui.widgets.voices import Voices

if TYPE_CHECKING:
    from app.store.models import AnswerRecord

LINK_IS_ANSWER = "not needed: the answer above is the link"
"""The Link field's placeholder on an evidence question, where the field is off."""

ADVANCE_AFTER = 0.04
"""Seconds between an answer's frame and showing the next question."""
SETTLE_AFTER = 1.5
"""Seconds after the last tick of a multi-choice answer before its net gate change is told
(each tick is saved at once; telling every intermediate tick flashed false alarms)."""
WATCH_EVERY = 0.5
"""Seconds between looks at the database for another Preflight's writes (PRAGMA
data_version: microseconds a look)."""
HISTORY = 10
"""Gate changes kept for the changes view (ctrl+l)."""
OUTSIDE = "↻ updated by another Preflight"
NOBODY = "Nobody to answer as yet: ctrl+o adds people."
SHORT_SCREEN = 30
"""Below this many rows the wizard drops its blank rows (preflight.tcss `.-short`)."""


class WizardScreen(MeetingActions, Screen):
    """Walks one assessment's questions, area by area."""

    BINDINGS = [
        # Next and Prev are not in the footer (80 columns hold eight keys and the palette's):
        # an answer moves on by itself, pagedown/pageup do it too, and the palette lists them.
        # Priority: an option list would take pagedown/pageup for its own paging.
        Binding("ctrl+n,pagedown", "next", "Next", id="next", show=False, priority=True),
        Binding("ctrl+b,pageup", "previous", "Prev", id="previous", show=False, priority=True),
        # One key, two meanings: on a merged assessment (it has respondents) ctrl+t walks the
        # agenda, elsewhere the unanswered questions; `check_action` turns the first off.
        Binding(
            "ctrl+t",
            "agenda",
            "Agenda",
            tooltip="Next on the agenda: disputed, then red, then unknown",
            id="agenda",
        ),
        Binding("ctrl+t", "skip", "To do", tooltip="Next unanswered question", id="skip"),
        Binding("ctrl+g", "gates", "Gates", id="gates"),
        Binding("ctrl+r", "preview", "Pack", tooltip="The receipts pack", id="preview"),
        Binding("ctrl+o", "people", "Who", tooltip="Participants", id="people"),
        Binding("f2", "switch_person", "As", tooltip="Answer as the next person", id="as"),
        Binding("f8", "clear_answer", "Clear", id="clear_answer"),
        Binding("ctrl+l", "changes", "Changes", tooltip="The latest gate changes", id="changes"),
        # Not in the footer (80 columns are full): the palette and ctrl+l's screen list them.
        Binding("f3", "since", "Since", tooltip="Changes since the last export", show=False),
        Binding("f4", "decide", "Decide", tooltip="Record a decision", show=False),
        Binding("f6", "next_area", "Next area", tooltip="The next area's agenda", show=False),
        Binding("escape", "home", "Home", id="home"),
    ]
    """Screen keys avoid those Input uses for editing (ctrl+a/e/k/u/w/d/x/c/v)."""

    def __init__(
        self,
        session: Session,
        start: str | None = None,
        minutes: int | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """`minutes`: start the meeting clock with that many (`preflight open --minutes`);
        `clock`: monotonic seconds for it (tests hand one in)."""
        super().__init__()
        self.session = session
        self._minutes = minutes
        if clock is not None:
            self.clock = clock
        self.merged = bool(session.respondents())
        """The assessment has respondents (`preflight merge`): ctrl+t walks its agenda."""
        items = self._agenda_items() if self.merged else []
        landing = items[0] if items and start is None else None
        self.current: str = start or (landing.question_id if landing else self._first_open())
        self._landed = landing
        """The agenda item the wizard opened on, told once the notice has its width."""
        self._agenda_at: str | None = landing.question_id if landing else None
        """The agenda item ctrl+t last went to (or the wizard opened on)."""
        self._agenda_was: list[str] = [i.question_id for i in items]
        """The agenda (question ids) as ctrl+t last saw it: the walk goes on from there."""
        self._agenda_told: Item | None = None
        """The agenda item the notice tells (None: the notice tells something else)."""
        self._agenda_on_notice = False
        """The notice tells the agenda (a save that moves no gate updates its counts)."""
        self.answering_as: str | None = self._remembered_person()
        self._advance_timer: Timer | None = None
        self._pending_multi: tuple[str, Evaluation] | None = None
        """A multi-choice answer being ticked: its question and the evaluation before it."""
        self._settle_timer: Timer | None = None
        self.history: deque[Text] = deque(maxlen=HISTORY)
        """The latest gate changes, newest last, each in full (gate, why, because, fix)."""
        self._seen_version = 0
        self._readback: str | None = None
        """How the last typed answer was read (`0.012 USD`), told under the next question."""
        self._told: tuple[list[GateChange], str] | None = None
        """What the notice tells now (the changes and what moved them), to retell with new
        values."""
        self._recent: list[str] = []
        """Gates the last change moved: the panel always lists them."""
        self._painted: dict[str, Text] = {}
        """What the sidebar last showed, so a repaint touches only what changed."""
        self._known: tuple[dict[str, AnswerRecord], dict[str, Dispute], Evaluation] | None = None
        """The answers, open disagreements and evaluation the screen last showed: the watcher
        tells what another Preflight changed from these (the session may already hold a write
        of theirs, read by a save of ours that found the rows changed)."""
        self._settled_here: Dispute | None = None
        """The disagreement an answer to the question shown settled: its answers stay on show
        ("settled by your answer") until the person leaves the question, so that ticking a
        multi-choice answer (each tick is saved, the first settles it) keeps them in view."""
        self._hint_before_nobody = ""
        """The hint F2 replaced with NOBODY (no participants yet), shown again once there are."""
        self._shown: AnswerRecord | None = None
        """The stored answer the question, note and link fields were last filled from (or
        saved as): what the person has not changed is what they saw, not what the store holds
        now, which another Preflight may have written since."""

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield MeetingHeader()
        with Horizontal():
            with Vertical(id="left"):
                yield OptionList(id="areas", markup=False)
                yield TextLines(id="gate-panel")
            with VerticalScroll(id="main"):
                yield Static(id="crumb", markup=False)
                yield Static(id="question", markup=False)
                yield Static(id="why", markup=False)
                yield Voices(id="voices")
                yield AnswerInput(id="answer")
                yield TextLines(id="notice")
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
        yield KeysFooter(compact=True)

    def on_mount(self) -> None:
        # Before the first layout (on_resize comes after it): a first layout with the tall
        # margins can overflow and leave a scroll bar that narrows every line.
        self.set_class(self.app.size.height < SHORT_SCREEN, "-short")
        self.title = one_line(self.session.assessment.name)
        areas = self.query_one("#areas", OptionList)
        areas.add_options(literal(p.title) for p in self.session.packset.packs)
        self._refresh_panels()
        self._offer_people()
        self.show_question(self.current)
        self._seen_version = self.session.data_version()
        self.set_interval(WATCH_EVERY, self._watch)
        if self.merged:
            # After the first layout: the notice wraps the reason to its own width.
            self.call_after_refresh(self._tell_agenda, self._agenda_items(), self._landed)
        if self._minutes is not None:
            self.start_meeting(self._minutes)

    def _remembered_person(self) -> str | None:
        remembered = self.session.assessment.answering_as
        known = self.session.participant_named(remembered) if remembered else None
        return known.name if known else None

    def on_resize(self) -> None:
        self.set_class(self.size.height < SHORT_SCREEN, "-short")
        self.call_after_refresh(self._refresh_panels)
        self.call_after_refresh(self._show_voices)
        self.call_after_refresh(self._rewrap_agenda)

    def _rewrap_agenda(self) -> None:
        """The agenda notice is wrapped to the notice's width when told: tell it again at the
        new one."""
        if self._agenda_on_notice:
            self._tell_agenda(self._agenda_items(), self._agenda_told)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+t is "Agenda" on a merged assessment, "To do" elsewhere (see BINDINGS)."""
        if action == "agenda":
            return self.merged
        return True

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
        left = qid != self.current
        self.current = qid
        if left and self._settled_here is not None:
            self._settled_here = None
            if self._agenda_on_notice and self._agenda_told is not None:
                self._tell_agenda(self._agenda_items(), self._agenda_told)  # no longer "yours"
        visible = [q for q in pack.questions if self.session.evaluation.visible.get(q.id)]
        position = next((i for i, q in enumerate(visible, 1) if q.id == qid), 0)
        optional = "" if question.required else " · optional"
        self.meeting_moved_to(qid)
        self.query_one("#crumb", Static).update(
            literal(f"{pack.title} · question {position} of {len(visible)}{optional}", "dim")
        )
        self.query_one("#question", Static).update(literal(question.text, "bold"))
        self.query_one("#why", Static).update(literal("Why: " + question.help, "italic"))
        self._show_voices()
        record = self.session.answers.get(qid)
        self._shown = record
        self.query_one(AnswerInput).show(question, record.value if record else None)
        self.query_one("#note", Input).value = one_line(record.note or "") if record else ""
        evidence = record.evidence.ref if record and record.evidence else ""
        link_field = self.query_one("#evidence", Input)
        link_field.value = one_line(evidence)
        # An evidence question's answer is the link: no second Link to fill in.
        link_field.disabled = question.kind == "evidence"
        link_field.placeholder = (
            LINK_IS_ANSWER if question.kind == "evidence" else "evidence path or URL"
        )
        areas = self.query_one("#areas", OptionList)
        areas.highlighted = [p.id for p in packset.packs].index(pack.id)
        self._status(record)
        if self._readback:
            answer = self.query_one(AnswerInput)
            answer.set_hint(f"{self._readback} · {answer.hint_text}")
            self._readback = None

    def _status(self, record: Any) -> None:
        """Two fixed lines: when (and as whom) the answer was saved, and who is answering."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if record is not None:
            text.append("✔ Saved ", style="green")
            by = f" by {one_line(record.answered_by)}" if record.answered_by else ""
            text.append(f"{record.answered_at}{by}", style="dim")
        else:
            text.append("○ Not answered yet", style="dim")
        who = one_line(self.answering_as) if self.answering_as else "nobody named"
        author = record.answered_by if record is not None else None
        if author and author != self.answering_as:
            text.append(f"\nAnswering as {who} (F2) · ", style="dim")
            text.append(f"replaces {one_line(author)}'s answer", style="yellow")
        else:
            text.append(f"\nAnswering as {who} (F2 switches)", style="dim")
        self.query_one("#status", TextLines).update(text)

    def _refresh_panels(self, changed: list[str] | None = None) -> None:
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
        if changed:
            self._recent = list(changed)  # kept on the panel until other gates move
        panel = self.query_one("#gate-panel", TextLines)
        # Only the lines that changed repaint (TextLines compares them).
        panel.update(
            gate_lines(
                evaluation,
                width=width,
                rows=max(3, panel.content_size.height or self.size.height - 8),
                changed=self._recent,
            )
        )
        verdict = verdict_text(evaluation).plain
        if self.sub_title != verdict:
            self.sub_title = verdict
        self._known = (dict(self.session.answers), dict(self.session.disputes()), evaluation)

    # -- answering ----------------------------------------------------------------------------

    @on(AnswerInput.Answered)
    def _answered(self, event: AnswerInput.Answered) -> None:
        question = self.session.packset.questions[self.current]
        answer = self.query_one(AnswerInput)
        try:
            value = self._read_typed(event.value) if event.typed else event.value
        except AnswerError as exc:
            answer.set_hint(f"✗ {exc}", error=True)
            return
        advance = question.kind not in ("multi",)
        self.save(value, advance=advance)

    def _read_typed(self, text: str) -> Any:
        """What a person typed, as a value: a participant's name alone answers a person
        question (with the role they were added with)."""
        question = self.session.packset.questions[self.current]
        if question.kind == "person" and "(" not in text:
            known = self.session.participant_named(text)
            if known is not None and known.role:
                return {"name": known.name, "role": known.role}
        value = parse_text(question, text)
        if question.kind == "person":
            known = self.session.participant_named(value["name"])
            if known is not None:  # one spelling per person: "priya raman" is Priya Raman
                value = {"name": known.name, "role": value["role"]}
        return value

    def save(self, value: Any, advance: bool = False) -> bool:
        """Commit the answer (with the note and link as typed), then repaint; True if saved."""
        question = self.session.packset.questions[self.current]
        ticking = question.kind == "multi" and not advance
        pending = self._pending_multi
        before = pending[1] if pending and pending[0] == self.current else self.session.evaluation
        shown = self._shown
        note = self._edited("#note", shown.note if shown else None)
        link = shown.evidence.ref if shown and shown.evidence else None
        evidence = self._edited("#evidence", link)
        answer = self.query_one(AnswerInput)
        dispute = self.session.disputes().get(self.current)
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
        del moved  # told from `before` instead: a multi-choice answer is told net of its ticks
        if dispute is not None:
            self._settled_here = dispute  # settled by this answer (the store did it with it)
        # A field left as it was filled keeps what the store holds, which another Preflight
        # may have written since: show that, and count it as what the person has seen.
        if note is None:
            self._fill("#note", record.note)
        if evidence is None:
            self._fill("#evidence", record.evidence.ref if record.evidence else None)
        self._shown = record
        readback = answer.saved(record.value)
        self._readback = readback if advance else None
        if ticking:
            self._pending_multi = (self.current, before)
            self._restart_settle()
            self._refresh_panels()
            if dispute is not None and self._agenda_on_notice:
                self._tell_agenda(self._agenda_items(), self._agenda_told)  # "settled by you"
        else:
            self._pending_multi = None
            self._refresh_panels(changed=self._tell(before, self.current))
        answer.mark(record.value)
        self._status(record)
        self._show_voices()  # answering settled its disagreement, if it had one
        self._cancel_advance()
        if advance:
            self._advance_timer = self.set_timer(ADVANCE_AFTER, self.action_next)
        return True

    def _tell(self, before: Evaluation, source: str) -> list[str]:
        """Announce what moved since `before`; the ids of the gates that did."""
        moved = changes(before, self.session.evaluation)
        self._announce(moved, source)
        return [c.gate.id for c in moved]

    def _restart_settle(self) -> None:
        if self._settle_timer is not None:
            self._settle_timer.stop()
        self._settle_timer = self.set_timer(SETTLE_AFTER, self._settle)

    def _settle(self) -> None:
        """Tell the net change of the multi-choice answer being ticked, if one is."""
        if self._settle_timer is not None:
            self._settle_timer.stop()
            self._settle_timer = None
        if self._pending_multi is not None:
            qid, before = self._pending_multi
            self._pending_multi = None
            self._refresh_panels(changed=self._tell(before, qid))

    def _edited(self, selector: str, shown: str | None) -> str | None:
        """The field's text, or None (the store keeps what it has) while the field still shows
        the text it was filled with (`shown`): a field is one line, and a note from an answer
        file may have several, which re-answering must not flatten; and another Preflight may
        have written a note since, which a field the person never touched must not undo. An
        emptied field is "" and removes the text."""
        if not self._typed_over(selector, shown):
            return None
        return self.query_one(selector, Input).value.strip()

    def _fill(self, selector: str, stored: str | None) -> None:
        """Show `stored` in a note or link field (on one line), unless it shows it already."""
        field = self.query_one(selector, Input)
        if self._typed_over(selector, stored):
            field.value = one_line(stored or "")

    def _cancel_advance(self) -> None:
        """Drop a pending move to the next question (a second answer or a navigation key
        came first: one answer moves on once, and never against the person's own move)."""
        if self._advance_timer is not None:
            self._advance_timer.stop()
            self._advance_timer = None

    def _announce(self, moved: list[GateChange], source: str) -> None:
        """Tell the gates that moved on the notice under the answer, labelled with what moved
        them (`source`: a question id, or OUTSIDE), and keep the whole story for ctrl+l.

        A save that moved nothing leaves the notice as it was: it still tells the last change,
        and its label says which question that came from.
        """
        news = [c for c in moved if is_news(c)]
        news.sort(key=lambda c: severity(c.after))  # red first, as everywhere
        if not news and source != OUTSIDE:
            if self._agenda_on_notice:  # the agenda told again, with what is left of it
                self._tell_agenda(self._agenda_items(), self._agenda_told)
            else:
                self._retell()
            return
        self._told = (news, source) if news else None
        self._agenda_on_notice = False
        notice, full = notice_text(
            self.session.packset, self.session.evaluation, news, self._source_label(source)
        )
        if news:
            self.history.append(full)
        self.query_one("#notice", TextLines).update(notice)

    def _retell(self) -> None:
        """A save that moved no gate may still change the values behind the gates the notice
        tells (a budget raised, still too low): tell them again with today's values, while
        their states are what the notice says."""
        if self._told is None:
            return
        news, source = self._told
        gates = self.session.evaluation.gates
        if all(gates.get(c.gate.id) and gates[c.gate.id].state is c.after for c in news):
            self._told = None  # told again below; history keeps only real changes
            size = len(self.history)
            self._announce(news, source)
            while len(self.history) > size:
                self.history.pop()

    def _source_label(self, source: str) -> str:
        if source == OUTSIDE:
            return OUTSIDE
        question = self.session.packset.questions.get(source)
        text = one_line(question.text) if question else source
        return f"after: {text}"

    @on(Input.Submitted, "#note, #evidence")
    def _note_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        record = self.session.answers.get(self.current)
        answer = self.query_one(AnswerInput)
        pending = answer.pending_text()
        if pending is not None and pending.strip():
            # A typed answer still in its box: Enter in the note or link saves all three.
            try:
                value = self._read_typed(answer.accepted_text(pending))
            except AnswerError as exc:
                answer.set_hint(f"✗ Not saved: {exc}", error=True)
                answer.focus_control()
                return
            self.save(value)
            return
        if record is None:
            # Back to the answer (y/n/1-9 work again there); the note is saved with it.
            answer.set_hint("Now answer the question: the note is saved with the answer.")
            answer.focus_control()
            return
        self.save(record.value)
        answer.focus_control()

    # -- actions ------------------------------------------------------------------------------

    def go(self, qid: str) -> None:
        """Show another question, first saving what was typed here (or staying to fix it)."""
        self._cancel_advance()
        self._settle()
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
        if not self._fields_differ():
            return True  # nothing typed: nothing to save (and nothing stale written back)
        record = self.session.answers.get(self.current)
        if record is None:
            self.notify(
                "The note and link are saved with an answer; this one has none.",
                severity="warning",
                markup=False,
            )
            return True
        return self.save(record.value)

    def _step(self, offset: int) -> None:
        order = self.order
        if self.current in order:
            index = order.index(self.current) + offset
        else:  # the current question just became hidden: start again from the first
            index = 0
        if 0 <= index < len(order):
            self.go(order[index])
        elif index >= len(order) and self._keep_typed():
            self.query_one(AnswerInput).set_hint(
                "That was the last question: ctrl+r shows the receipts pack, ctrl+g the gates."
            )

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
            self.query_one(AnswerInput).set_hint("Every visible question is answered.")
        else:
            self.go(target)

    def action_agenda(self) -> None:
        """The next question on the agenda after this one (wrapping), told with why it is on
        it; the agenda is read again each time, as every answer changes it."""
        self._cancel_advance()
        self._settle()
        if not self._keep_typed():
            return
        items = self._agenda_items()
        here = self.current
        ids = [i.question_id for i in items]
        if here not in self._agenda_was and self._agenda_at is not None:
            # Moved on by answering, to a question that was not on the agenda (it may be now,
            # the answer having turned its gate red): the walk goes on from its own item.
            here = self._agenda_at
        target = following(items, here, self._agenda_was)
        self._agenda_was = ids
        if target is not None:
            self._agenda_at = target.question_id
            self.show_question(target.question_id)
        self._tell_agenda(items, target)

    def _agenda_items(self) -> list[Item]:
        """`Session.agenda` (it leaves out questions the answers now hide: they are not asked)."""
        return self.session.agenda()

    def _tell_agenda(self, items: list[Item], item: Item | None = None) -> None:
        """The notice tells the agenda: what is left, and where `item` stands on it and why."""
        notice = self.query_one("#notice", TextLines)
        width = notice.content_size.width
        settled = self._settled(item.question_id) if item is not None else None
        notice.update(agenda_notice(items, item, self.app.console, width, settled=bool(settled)))
        self._told = None  # a later save retells the agenda, not older gate news
        self._agenda_told = item
        self._agenda_on_notice = True

    def _show_voices(self) -> None:
        """Under a disputed question, each respondent's answer; once it is answered (that
        settles the disagreement) nothing, except while the person who settled it is still
        on it ("settled by your answer")."""
        dispute = self.session.disputes().get(self.current)
        settled = self._settled(self.current)
        if self.current in self.session.answers:
            dispute = settled
        short = self.has_class("-short")
        voices = self.query_one(Voices)
        voices.show(
            self.session.packset,
            dispute,
            short=short,
            settled=dispute is not None and dispute is settled,
        )

    def _settled(self, qid: str) -> Dispute | None:
        """The disagreement on `qid` an answer here settled, while its question is shown."""
        settled = self._settled_here
        if settled is None or settled.question_id != qid or qid != self.current:
            return None
        if qid not in self.session.answers:
            return None  # cleared since (f8, another Preflight): open again, or gone
        return settled

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
        self._refresh_panels(changed=[c.gate.id for c in moved])
        self._announce(moved, self.current)
        self.show_question(self.current)

    @on(OptionList.OptionSelected, "#areas")
    def _area_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_area(event.option_index)

    @on(AnswerInput.Advance)
    def _on_advance_key(self) -> None:
        self._settle()
        question = self.session.packset.questions[self.current]
        if question.kind == "multi" and self.current not in self.session.answers:
            self.save([], advance=True)  # enter with nothing ticked: "none of these"
        else:
            self.action_next()

    def action_switch_person(self) -> None:
        """Cycle through the participants (never to "nobody": a saved answer would lose its
        author); the choice is remembered for this assessment."""
        people = [p.name for p in self.session.participants()]
        if not people:
            answer = self.query_one(AnswerInput)
            if answer.hint_text != NOBODY:
                self._hint_before_nobody = answer.hint_text
            answer.set_hint(NOBODY)
            return
        at = people.index(self.answering_as) + 1 if self.answering_as in people else 0
        self._answer_as(people[at % len(people)])

    def _answer_as(self, name: str | None) -> None:
        self.answering_as = name
        try:
            self.session.set_answering_as(name)
        except PreflightError:
            pass  # remembering who answers is a convenience; the answer itself is unaffected
        self._status(self.session.answers.get(self.current))
        self._offer_people()

    def _unsay_nobody(self) -> None:
        """Once there are participants, the hint that there are none gives way to what it
        said before."""
        answer = self.query_one(AnswerInput)
        if answer.hint_text == NOBODY and self.session.participants():
            answer.set_hint(self._hint_before_nobody)

    def _offer_people(self) -> None:
        """Person questions complete a participant's name as it is typed."""
        names = [f"{p.name} ({p.role})" if p.role else p.name for p in self.session.participants()]
        self.query_one(AnswerInput).offer(names)

    def action_changes(self) -> None:
        """The latest gate changes in full: gate, state, why, because, fix; on a disputed
        question, each respondent's answer whole first."""
        from app.tui.agenda_lines import voices_in_full
        from app.tui.screens.changes import ChangesScreen

        dispute = self.session.disputes().get(self.current) or self._settled(self.current)
        if dispute is None or not dispute.voices:
            self.app.push_screen(ChangesScreen(list(self.history)))
            return
        question = self.session.packset.questions[self.current].text
        voices = voices_in_full(self.session.packset, dispute)
        self.app.push_screen(ChangesScreen(list(self.history), voices, question))

    def tell_line(self, text: str) -> None:
        """A line on the notice (a decision recorded): literal text, wrapped to the notice's
        width (NOTICE_ROWS rows at most)."""
        notice = self.query_one("#notice", TextLines)
        line = literal(text, "green")
        width = notice.content_size.width
        if width > 0:
            rows = list(line.wrap(self.app.console, width, overflow="fold"))[:NOTICE_ROWS]
            line = Text("\n").join(rows)
        notice.update(line)
        self._told = None
        self._agenda_on_notice = False

    def _watch(self) -> None:
        """Another Preflight (a script applying an answer file, a second wizard) wrote: read
        the assessment again and repaint, within WATCH_EVERY seconds."""
        try:
            version = self.session.data_version()
        except PreflightError:
            return  # locked or gone for a moment: look again on the next tick
        if version == self._seen_version:
            return
        self._seen_version = version
        known = self._known
        try:
            self.session.refresh()
        except NotFound:
            # Deleted by another Preflight: its id is never given again, so nothing can be
            # saved to another assessment by mistake; say so where the person is looking.
            self.query_one(AnswerInput).set_hint(
                "✗ This assessment was deleted by another Preflight: nothing more can be saved "
                "(esc goes home)",
                error=True,
            )
            return
        except PreflightError as exc:
            self.query_one(AnswerInput).set_hint(f"✗ Could not re-read: {exc}", error=True)
            return
        self.title = one_line(self.session.assessment.name)
        merged = bool(self.session.respondents())
        if merged != self.merged:  # a merge into this assessment from outside
            self.merged = merged
            self.refresh_bindings()
        self._show_voices()
        if self.current in self.order:
            record = self.session.answers.get(self.current)
            if record != self._shown and self._untouched():
                # Written elsewhere (a merge that settled it, a second wizard) and nothing
                # typed here: show what is stored now, so leaving it writes nothing stale back.
                self.show_question(self.current)
                self._tell_outside_answer(record)
        if known is None:
            self._refresh_panels()
            return
        answers, disputes, before = known
        session = self.session
        if session.answers == answers and session.disputes() == disputes:
            if not changes(before, session.evaluation):
                # Nothing the screen shows: a write it already read (a save of ours found the
                # rows changed and told what moved), or one it does not show (who is answering).
                self._refresh_panels()
                return
        self._refresh_panels(changed=self._tell(before, OUTSIDE))

    def _tell_outside_answer(self, record: AnswerRecord | None) -> None:
        """Under a question another Preflight just answered (or cleared): what it holds now."""
        answer = self.query_one(AnswerInput)
        question = self.session.packset.questions[self.current]
        if record is None:
            told = "↻ Cleared by another Preflight"
        else:
            told = f"↻ Saved elsewhere as {one_line(display(question, record.value))}"
        answer.set_hint(f"{told} · {answer.hint_text}")

    def _untouched(self) -> bool:
        """Nothing typed here that is not saved: the question may be shown again safely."""
        return self.query_one(AnswerInput).pending_text() is None and not self._fields_differ()

    def _fields_differ(self) -> bool:
        """Has the person changed the note or link fields from what they were filled with?"""
        record = self._shown
        link = record.evidence.ref if record and record.evidence else None
        return self._typed_over("#note", record.note if record else None) or self._typed_over(
            "#evidence", link
        )

    def _typed_over(self, selector: str, stored: str | None) -> bool:
        """The field's text differs from `stored` as the field shows it (one line)."""
        return self.query_one(selector, Input).value.strip() != one_line(stored or "")

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
            self._answer_as(chosen)
        else:
            self._status(self.session.answers.get(self.current))
            self._offer_people()
        self._unsay_nobody()

    def action_home(self) -> None:
        self._settle()
        if self._keep_typed():
            self.dismiss(None)
