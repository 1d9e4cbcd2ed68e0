"""The wizard's meeting keys: what changed since the last export (f3), recording a decision
(f4), and the meeting clock: each area's minutes in the header and f6 to the next area.
Kept apart from the question walk in `app.tui.screens.wizard`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from app.core.engine import BLOCKING
from app.core.text import one_line

if TYPE_CHECKING:
    from textual.screen import Screen

    from app.core.agenda import Item
    from app.session import Session
    from app.tui.screens.decision import DecisionForm
    from app.tui.timekeeper import Timekeeper

    _Screen = Screen
else:
    _Screen = object

DEFAULT_MINUTES = 45
"""The meeting length the palette's "Keep time" offers (what `preflight agenda` assumes)."""
TICK = 1.0
"""Seconds between repaints of the meeting clock."""


class MeetingActions(_Screen):
    """Mixed into `WizardScreen` (which declares the keys: a mixin's BINDINGS are not read)."""

    session: Session
    answering_as: str | None
    current: str
    timekeeper: Timekeeper | None = None
    clock: Callable[[], float] = time.monotonic  # a builtin: not bound as a method

    def _agenda_items(self) -> list[Item]:
        raise NotImplementedError

    def go(self, qid: str) -> None:
        raise NotImplementedError

    def action_area(self, index: int) -> None:
        raise NotImplementedError

    # -- the meeting clock ------------------------------------------------------------------

    def start_meeting(self, minutes: int) -> None:
        """Share `minutes` among the areas with something to discuss now (the boxes stay as
        shared: settling items does not move the plan) and start the clock."""
        from app.core.agenda import timeboxes
        from app.tui.timekeeper import Timekeeper

        packset = self.session.packset
        boxes = timeboxes(packset, self._agenda_items(), minutes)
        first = self.timekeeper is None
        self.timekeeper = Timekeeper(boxes, minutes, self.clock, [p.id for p in packset.packs])
        self.timekeeper.enter(packset.question_pack[self.current])
        if first:
            self.set_interval(TICK, self.show_time)
        self.show_time()

    def show_time(self) -> None:
        """The header's countdown: the current area's time against its box."""
        from app.tui.widgets.meeting_header import Timebox

        if self.timekeeper is not None:
            self.query_one(Timebox).update(self.timekeeper.reading().text())

    def meeting_moved_to(self, qid: str) -> None:
        """The question shown is now `qid`: its area's time starts counting."""
        if self.timekeeper is not None:
            self.timekeeper.enter(self.session.packset.question_pack[qid])
            self.show_time()

    def action_keep_time(self) -> None:
        """Ask for the meeting's minutes and start (or restart) the clock."""
        from app.tui.screens.dialogs import TextDialog

        dialog = TextDialog(
            "Keep time",
            "Minutes for the meeting (each area with something to discuss gets its share)",
            str(self.timekeeper.minutes if self.timekeeper else DEFAULT_MINUTES),
        )
        self.app.push_screen(dialog, self._minutes_given)

    def _minutes_given(self, value: str | None) -> None:
        if value is None:
            return
        try:
            minutes = int(value)
        except ValueError:
            minutes = 0
        if not 1 <= minutes <= 24 * 60:
            self.tell_line(f"✗ {one_line(value)!r} is not a number of minutes (1 to 1440)")
            return
        self.start_meeting(minutes)
        boxes = self.timekeeper.boxes if self.timekeeper else []
        if not boxes:
            self.tell_line(f"⏱ Keeping {minutes} min; nothing is on the agenda to share it")
            return
        plan = ", ".join(f"{one_line(b.title)} {b.minutes}" for b in boxes)
        self.tell_line(f"⏱ Keeping {minutes} min: {plan}")

    def action_next_area(self) -> None:
        """To the next area's first agenda item (with the meeting clock: the next area with a
        box), else its first unanswered question: no need to leave the question first."""
        packset = self.session.packset
        ids = [p.id for p in packset.packs]
        here = packset.question_pack[self.current]
        target = self.timekeeper.next_area() if self.timekeeper is not None else None
        if target is None:
            target = ids[(ids.index(here) + 1) % len(ids)]
        item = next((i for i in self._agenda_items() if i.area == target), None)
        if item is not None:
            self.go(item.question_id)
        else:
            self.action_area(ids.index(target))

    def action_since(self) -> None:
        """Changes since the last export (or a moment typed there), gates that flipped first."""
        from app.tui.screens.since import SinceScreen

        self.app.push_screen(SinceScreen(self.session))

    def action_decide(self) -> None:
        """Record a decision in words, or the go/no-go decision, as the person answering."""
        from app.tui.screens.decision import DecisionDialog

        evaluation = self.session.evaluation
        results = list(evaluation.gates.values())
        # The gates still open first: a decision is most often about one of them.
        results.sort(key=lambda r: r.state not in BLOCKING)
        gates = [(r.gate.id, one_line(r.gate.full_title)) for r in results]
        dialog = DecisionDialog(self.answering_as, gates, evaluation.verdict.value, self._record)
        self.app.push_screen(dialog, self._decided)

    def _record(self, form: DecisionForm) -> str:
        """Record `form` through the session; what was recorded, in one line (PreflightError
        when the session refuses it)."""
        from app.errors import EXIT_USAGE, PreflightError

        if form.kind == "note":
            decision = self.session.note_decision(
                form.text, gate_id=form.gate_id, by=self.answering_as
            )
            about = f" ({one_line(form.gate_id)})" if form.gate_id else ""
            return f"✔ Decision recorded{about}: {one_line(decision.text or '')}"
        if not self.answering_as:
            raise PreflightError(
                "say who is deciding first: f2 or ctrl+o chooses who is answering", EXIT_USAGE
            )
        from app.tui.packview import digest

        decision = self.session.decide(
            form.kind,
            self.answering_as,
            digest=digest(self.session),
            note=form.text or None,
            override=form.override,
        )
        from app.core.decisions import decision_line

        return "✔ Recorded: " + one_line(
            decision_line(
                verdict=decision.verdict or "",
                by=decision.decided_by,
                day=decision.decided_at[:10],
                computed=decision.computed_verdict,
                gates=decision.open_gates,
                override=decision.override,
                changed=False,
            )
        )

    def _decided(self, recorded: str | None) -> None:
        if recorded:
            self.tell_line(recorded)

    def tell_line(self, text: str) -> None:
        raise NotImplementedError
