"""The verdict as plain text lines, and its exit code: what `preflight check` prints and what
plain mode prints at the end, from one place."""

from __future__ import annotations

from collections.abc import Callable, Collection

from app.core.engine import Evaluation, Verdict
from app.core.states import SYMBOLS, badge, verdict_badge
from app.core.text import one_line
from app.errors import EXIT_FAIL, EXIT_INCOMPLETE, EXIT_OK

VERDICT_MEANING = {
    Verdict.go: "nothing blocks production",
    Verdict.conditional: "production may go ahead once the amber gates are fixed or accepted",
    Verdict.no_go: "red gates block production",
    Verdict.incomplete: "unknown gates or unanswered required questions block a decision",
}


VERDICT_EXIT = {
    Verdict.go: EXIT_OK,
    Verdict.conditional: EXIT_OK,
    Verdict.no_go: EXIT_FAIL,
    Verdict.incomplete: EXIT_INCOMPLETE,
}
"""0 GO/CONDITIONAL, 1 NO-GO, 3 INCOMPLETE (2 stays the usage-error code)."""

Paint = Callable[[str, str], str]


def exit_code(verdict: Verdict, strict: bool = False) -> int:
    """`strict` fails CONDITIONAL too."""
    if strict and verdict is Verdict.conditional:
        return EXIT_FAIL
    return VERDICT_EXIT[verdict]


def verdict_lines(
    evaluation: Evaluation,
    heading: str,
    paint: Paint = lambda text, state: text,
    max_gates: int | None = None,
    max_unanswered: int = 10,
    disputed: Collection[str] = (),
) -> list[str]:
    """`heading: ✗ NO-GO — why`, the counts, then each blocking gate and unanswered question.
    Questions in `disputed` are left out of the unanswered ones (the caller lists them with
    each respondent's answer).

    `heading` must already be safe to print (the caller cleans user text); the reasons (pack
    text) are cleaned here.
    """
    verdict = evaluation.verdict
    counts = evaluation.counts()
    answered = sum(a.answered for a in evaluation.areas.values())
    visible = sum(a.visible for a in evaluation.areas.values())
    head = paint(verdict_badge(verdict), verdict.value)
    out = [
        f"{heading}: {head} — {VERDICT_MEANING[verdict]}",
        f"  {answered}/{visible} answered · {counts['red']} red · {counts['amber']} amber · "
        f"{counts['unknown']} unknown · {counts['waived']} waived",
    ]
    gates = [r for r in evaluation.reasons if r.state in SYMBOLS]
    missing = [r for r in evaluation.reasons if r.state not in SYMBOLS and r.ref not in disputed]
    shown = gates if max_gates is None else gates[:max_gates]
    for reason in shown:
        label = badge(reason.state)
        pad = " " * (12 - len(label))
        out.append(f"  {paint(label, reason.state)}{pad} {one_line(reason.text)}")
        gate = evaluation.gates.get(reason.ref)
        if reason.state == "unknown" and gate is not None and gate.reason:
            # A fault, not a missing answer: answering more questions will not clear it.
            out.append(f"{' ' * 15}why: {one_line(gate.reason)}")
    if len(gates) > len(shown):
        out.append(f"  … and {len(gates) - len(shown)} more gate(s)")
    for reason in missing[:max_unanswered]:
        label = "? UNANSWERED"
        out.append(f"  {paint(label, 'unknown')} {one_line(reason.text)}")
    if len(missing) > max_unanswered:
        out.append(f"  … and {len(missing) - max_unanswered} more unanswered required question(s)")
    return out
