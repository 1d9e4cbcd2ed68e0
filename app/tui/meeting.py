"""The wizard's meeting keys: what changed since the last export (f3) and recording a
decision (f4). Kept apart from the question walk in `app.tui.screens.wizard`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.core.engine import BLOCKING
from app.core.text import one_line

if TYPE_CHECKING:
    from app.session import Session
    from app.tui.screens.decision import DecisionForm


class MeetingActions:
    """Mixed into `WizardScreen` (which declares the keys: a mixin's BINDINGS are not read)."""

    session: Session
    answering_as: str | None

    def action_since(self) -> None:
        """Changes since the last export (or a moment typed there), gates that flipped first."""
        from app.tui.screens.since import SinceScreen

        self.app.push_screen(SinceScreen(self.session))  # type: ignore[attr-defined]

    def action_decide(self) -> None:
        """Record a decision in words, or the go/no-go decision, as the person answering."""
        from app.tui.screens.decision import DecisionDialog

        evaluation = self.session.evaluation
        results = list(evaluation.gates.values())
        # The gates still open first: a decision is most often about one of them.
        results.sort(key=lambda r: r.state not in BLOCKING)
        gates = [(r.gate.id, one_line(r.gate.full_title)) for r in results]
        dialog = DecisionDialog(self.answering_as, gates, evaluation.verdict.value, self._record)
        self.app.push_screen(dialog, self._decided)  # type: ignore[attr-defined]

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
