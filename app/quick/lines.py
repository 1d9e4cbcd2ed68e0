"""What plain mode prints: gate changes as they happen and the verdict summary.

Every state carries a symbol and a word (`✗ RED`), so colour is only a help: it is off under
NO_COLOR and whenever the stream is not a terminal.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TextIO

from app.core.agenda import Dispute, voices_line
from app.core.answers import display
from app.core.engine import GateChange, GateState, Verdict
from app.core.model import Gate
from app.core.packs import PackSet
from app.core.states import badge
from app.core.supersede import SUPERSEDED, superseded
from app.core.text import fit_words, one_line

_COLOURS = {
    "red": "31",
    "amber": "33",
    "unknown": "35",
    "clear": "32",
    "waived": "36",
    "inactive": "2",
    "unanswered": "35",
    Verdict.go.value: "32",
    Verdict.conditional.value: "33",
    Verdict.no_go.value: "31",
    Verdict.incomplete.value: "35",
}


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal and only when NO_COLOR is unset (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, state: str, colour: bool) -> str:
    code = _COLOURS.get(state)
    return f"\x1b[{code}m{text}\x1b[0m" if colour and code else text


"""Answers may come from files: no escapes or line breaks reach the terminal."""


def gate_line(change: GateChange, colour: bool = False, by: Gate | None = None) -> str:
    """`✗ RED  No named production owner — fix: …`, `✔ CLEAR  …` for one gate that moved;
    `» SUPERSEDED  … — by …` for one that cleared only because the stricter gate `by` fired."""
    gate, state = change.gate, change.after
    if by is not None:
        return f"{SUPERSEDED}  {one_line(gate.full_title)} — by {one_line(by.full_title)}"
    head = paint(badge(state.value), state.value, colour)
    title = one_line(gate.full_title)
    if state in (GateState.red, GateState.amber):
        return f"{head}  {title} — fix: {one_line(gate.fix)}"
    if state is GateState.unknown:
        return f"{head}  {title} — waiting on an answer"
    if state is GateState.clear and change.before in (GateState.red, GateState.amber):
        return f"{head}  {title} — no longer {change.before.value}"
    return f"{head}  {title}"


def gate_lines(
    changes: Iterable[GateChange], colour: bool = False, packset: PackSet | None = None
) -> list[str]:
    """One line a gate that moved; with `packset`, a gate superseded by a stricter one that
    fired with it says so rather than reading as cleared (see app.core.supersede)."""
    moved = list(changes)
    by = superseded(packset, moved) if packset is not None else {}
    return [gate_line(change, colour, by.get(change.gate.id)) for change in moved]


DISAGREE = "  Respondents disagree:"
WIDTH = 100
"""Plain mode's line budget for the voices on one line (longer: one line per voice)."""
NOTE_WIDTH = 200


def dispute_lines(packset: PackSet, dispute: Dispute, width: int = WIDTH) -> list[str]:
    """`  Respondents disagree: Ana Silva: yes · Ben Okoro: no` before a disputed question's
    prompt; one line per voice, with its note, when that is too long or a voice has a note."""
    together = f"{DISAGREE} {voices_line(packset, dispute)}"
    if len(together) <= width and not any(v.note for v in dispute.voices):
        return [together]
    question = packset.questions.get(dispute.question_id)
    out = [DISAGREE]
    for voice in dispute.voices:
        shown = display(question, voice.value) if question is not None else str(voice.value)
        line = f"    {one_line(voice.name)}: {one_line(shown)}"
        if voice.here:
            line += " (answered here)"
        if voice.note:
            line += f" — {fit_words(voice.note, NOTE_WIDTH)}"
        out.append(line)
    return out


def settled_line(packset: PackSet, question_id: str, value: object) -> str:
    """What plain mode says after an answer settles a disagreement."""
    question = packset.questions.get(question_id)
    shown = display(question, value) if question is not None else str(value)
    return f"  Disagreement settled: {one_line(shown)} (each respondent's answer is kept)"


def painter(colour: bool):
    """A `paint(text, state)` for `app.core.summary.verdict_lines`."""
    return lambda text, state: paint(text, state, colour)
