"""What the wizard's notice says when gates move: the news among the changes, and the notice
(five rows: what moved them, then the gate, why, the values behind it, the fix) with the whole
story kept for ctrl+l. Pure text building; the wizard decides when to tell it."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from app.core.engine import BLOCKING, Evaluation, GateChange, GateState
from app.core.explain import because
from app.core.model import Gate
from app.core.packs import PackSet
from app.core.states import badge
from app.core.supersede import SUPERSEDED, superseded
from app.core.text import one_line
from app.tui.render import STYLES

NOTICE_STATES = (GateState.red, GateState.amber)
NOTICE_ROWS = 5
"""The notice's fixed height (preflight.tcss): what moved, then the gate, why, because, fix."""


def is_news(change: GateChange) -> bool:
    """A gate change the notice tells: into or out of red or amber, an unknown gate answered,
    and a clear gate open again for want of an answer (CLEAR → UNKNOWN: a merge elsewhere
    disputed a question it reads, an answer was cleared). A gate first asked (INACTIVE →
    UNKNOWN) is not: while a kickoff is under way that is most of them, and no news."""
    if change.after in NOTICE_STATES or change.before in BLOCKING:
        return True
    return change.after is GateState.unknown and change.before is GateState.clear


def notice_text(
    packset: PackSet, evaluation: Evaluation, news: Sequence[GateChange], label: str
) -> tuple[Text, Text]:
    """The notice for `news` (red first), headed by `label` (what moved them), and the same
    changes in full for the changes view (nothing cut)."""
    notice = Text(label + "\n", style="dim")
    full = Text(label + "\n", style="bold")
    rows = NOTICE_ROWS - 1
    # A gate cleared only because a stricter one on the same question fired is no good news:
    # it is told as superseded by that gate, never under "✔ cleared".
    by = superseded(packset, news)
    for change in news:
        full.append_text(gate_story(packset, evaluation, change, by.get(change.gate.id)))
    blocking = [c for c in news if c.after in NOTICE_STATES]
    if 1 <= len(blocking) <= 2:
        # Each blocking gate with its why, the values behind it and the fix; the others
        # (cleared, or open again for want of an answer) go on the first title line, so
        # nothing is pushed out of the box.
        also = ""
        for word, group in (
            ("? unknown", [c for c in news if c.after is GateState.unknown]),
            (
                "✔ cleared",
                [c for c in news if c.after not in BLOCKING and c.gate.id not in by],
            ),
        ):
            if group:
                also += f"  · {word}: " + "; ".join(one_line(c.gate.full_title) for c in group)
        if by:
            also += "  · superseded: " + "; ".join(
                f"{one_line(c.gate.full_title)} (by {one_line(by[c.gate.id].full_title)})"
                for c in news
                if c.gate.id in by
            )
        for index, change in enumerate(blocking):
            gate = change.gate
            notice.append(badge(change.after.value), style=STYLES[change.after.value])
            notice.append(f"  {one_line(gate.full_title)}")
            notice.append((also if index == 0 else "") + "\n", style="dim")
            because_text = f"because {because(packset, evaluation, gate.id)}"
            if len(blocking) == 1:
                notice.append(f"{one_line(gate.why)}\n")
                notice.append(f"{because_text}\n", style="dim")
                notice.append(f"fix: {one_line(gate.fix)}")
            else:  # two gates: the values and the fix of each; ctrl+l has the why
                notice.append(f"  {because_text} · ", style="dim")
                notice.append(f"fix: {one_line(gate.fix)}" + ("\n" if index == 0 else ""))
    else:
        lines = [gate_line(packset, evaluation, c, by.get(c.gate.id)) for c in news]
        if not lines:
            lines = [Text("no gate moved", style="dim")]
        if len(lines) > rows:
            more = len(lines) - rows + 1
            lines = [*lines[: rows - 1], Text(f"… {more} more: ctrl+l", style="dim")]
        for index, line in enumerate(lines):
            notice.append_text(line)
            if index < len(lines) - 1:
                notice.append("\n")
    return notice, full


def gate_line(
    packset: PackSet, evaluation: Evaluation, change: GateChange, by: Gate | None = None
) -> Text:
    """One gate's change on one line: its state, title and the values behind it (or what it
    was); a gate superseded `by` a stricter one says so instead of "✔ CLEAR"."""
    state = change.after.value
    line = Text()
    if by is not None:
        line.append(SUPERSEDED, style="dim")
        line.append(f"  {one_line(change.gate.full_title)}")
        line.append(f" — by {one_line(by.full_title)}", style="dim")
        return line
    line.append(badge(state), style=STYLES[state])
    line.append(f"  {one_line(change.gate.full_title)}")
    if change.after in NOTICE_STATES:
        line.append(f" — because {because(packset, evaluation, change.gate.id)}", style="dim")
    elif change.before in BLOCKING or change.after is GateState.unknown:
        line.append(f" (was {badge(change.before.value)})", style="dim")
    return line


def gate_story(
    packset: PackSet, evaluation: Evaluation, change: GateChange, by: Gate | None = None
) -> Text:
    """One gate's change in full, for the changes view: nothing cut."""
    gate, state = change.gate, change.after.value
    story = Text()
    if by is not None:
        story.append(SUPERSEDED, style="dim")
        story.append(f"  {one_line(gate.full_title)}  (was {badge(change.before.value)})\n")
        story.append(f"  by {one_line(by.full_title)}, a stricter gate on the same question\n")
        return story
    story.append(badge(state), style=STYLES[state])
    story.append(f"  {one_line(gate.full_title)}  (was {badge(change.before.value)})\n")
    if change.after in NOTICE_STATES:
        story.append(f"  why: {one_line(gate.why)}\n")
        story.append(f"  because {because(packset, evaluation, gate.id)}\n")
        story.append(f"  fix: {one_line(gate.fix)}\n")
    return story
