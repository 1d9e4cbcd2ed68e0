"""The wizard's agenda text, as Rich text: what a merged assessment still has to discuss, why
the question shown is on it, and the respondents' answers to a disputed question side by side.

Every count and reason carries a word and a symbol as well as a colour. Respondents' names,
answers and notes are user text: they reach the screen as plain `Text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.text import Text

from app.core.agenda import DISPUTED, GROUPS, RED, UNKNOWN, Item, counts, minutes
from app.core.answers import display
from app.core.disputes import Dispute, Voice
from app.core.model import Question
from app.core.packs import PackSet
from app.core.text import lines, one_line
from app.tui.render import STYLES

SYMBOLS = {DISPUTED: "≠", RED: "✗", UNKNOWN: "?"}
_STYLE_OF = {DISPUTED: "amber", RED: "red", UNKNOWN: "unknown"}
DONE = "Agenda done: nothing disputed, red or unknown"
SETTLES = "answering here settles it"
SETTLED = "settled by your answer"
"""Said in place of SETTLES once the person's answer settled it, while they are still on it."""
HERE = "answered here"
"""How the answer this assessment held when the disagreement (re)opened is labelled: given
here, before that merge (which may itself have come after an earlier one)."""
SHORT_HERE = "answered here"
"""The same where the answers run on, one row holding several."""
NAME_COLUMN = 18
"""The widest the respondents' name column grows (a longer name is cut with "…")."""


def _style(group: str) -> str:
    # Looked up on each call: NO_COLOR swaps the styles in place after import.
    return STYLES[_STYLE_OF[group]]


def agenda_notice(
    items: Sequence[Item],
    item: Item | None = None,
    console: Console | None = None,
    width: int = 0,
    *,
    settled: bool = False,
) -> Text:
    """The notice on the agenda: the counts by group, the questions and minutes left, and (for
    `item`, the question just landed on) its place and why it is on the agenda, wrapped to
    `width` with `console` (not wrapped without them). With `settled`, `item` is a disputed
    question the person's answer just settled (so no longer on the agenda as disputed): it is
    told as settled by them."""
    if not items:
        return Text(f"✔ {DONE}", style="green")
    text = Text("Agenda: ")
    found = counts(items)
    for index, group in enumerate(GROUPS):
        if index:
            text.append(" · ", style="dim")
        text.append(f"{found[group]} {group}", style=_style(group) if found[group] else "dim")
    total = len(items)
    asked = "question" if total == 1 else "questions"
    text.append(f"\n{total} {asked}, ~{minutes(items)} min · ctrl+t next", style="dim")
    settled = settled and item is not None and item.group == DISPUTED
    if item is not None and (item in items or settled):
        text.append("\n")
        text.append_text(_why(items, item, console, width, settled))
    return text


def _why(
    items: Sequence[Item], item: Item, console: Console | None, width: int, settled: bool = False
) -> Text:
    """ "3 of 11 · ✗ red gate: Nobody on call", in at most three rows of `width`."""
    group = item.group
    if item in items:
        line = Text(f"{items.index(item) + 1} of {len(items)} · ", style="dim")
    else:
        line = Text()
    line.append(f"{SYMBOLS[group]} ", style=_style(group))
    if group == DISPUTED:
        line.append("disputed", style=_style(group))
        line.append(
            f": the answers above differ (ctrl+l: in full); {SETTLED if settled else SETTLES}"
        )
    elif item.reason == "required":
        line.append("unknown", style=_style(group))
        line.append(": required, and nobody has answered it")
    else:
        line.append(f"{group} gate", style=_style(group))
        line.append(f": {one_line(item.reason)}")
    if console is None or width <= 0:
        return line
    rows = list(line.wrap(console, width, overflow="fold"))[:3]
    for row in rows:
        row.rstrip()
    return Text("\n").join(rows)


def voices_text(
    packset: PackSet,
    dispute: Dispute,
    *,
    rows: int,
    heading: bool,
    width: int = 0,
    settled: bool = False,
    console: Console | None = None,
) -> Text:
    """The answers in a disagreement in at most `rows` rows (at least one).

    When every answer has a row of its own: name, the answer as it reads everywhere
    (`app.core.answers.display`), "(answered here)" for the answer this assessment held, and
    the note; with `console` and rows to spare, an answer longer than `width` goes on under
    its first row (the spare rows shared out one at a time, the first answers first), and one
    still too long for the rows it got is cut with "…" where shown. With `heading` (and the
    rows for it) a title row comes first; without it each row starts with "≠". When they do
    not all fit, the answers run on as "Name: answer · Name: answer", as many to a row of
    `width` as fit, and the last row ends with "…" if even that does not fit.
    """
    question = packset.questions.get(dispute.question_id)
    voices = list(dispute.voices)
    style = _style(DISPUTED)
    rows = max(1, rows)
    heading = heading and rows >= 2
    room = rows - 1 if heading else rows
    text = Text()
    if heading:
        text.append("≠ Disputed", style=style)
        text.append(f" — the answers given; {SETTLED if settled else SETTLES}\n", style="dim")
    lead = "  " if heading else "≠ "
    if len(voices) > room:
        text.append_text(_run_on(question, voices, lead, style, room, width))
        return text
    blocks = _blocks(question, voices, lead, style, width, console)
    shares = _share([len(body) for _, body, _ in blocks], room)  # at least one row each
    lines: list[Text] = []
    for (first, body, indent), share in zip(blocks, shares, strict=True):
        kept = [row.copy() for row in body[:share]]
        if share < len(body):  # the rest on its last row: cut there, at a word, with "…"
            kept[-1] = Text(" ").join([kept[-1], *body[share:]])
        lines.append(first + kept[0])
        lines.extend(Text(" " * indent) + row for row in kept[1:])
    text.append_text(Text("\n").join(lines))
    return text


def voices_rows(
    packset: PackSet,
    dispute: Dispute,
    *,
    heading: bool,
    width: int = 0,
    console: Console | None = None,
) -> int:
    """The rows `voices_text` needs to show every answer whole (one each without `console`)."""
    question = packset.questions.get(dispute.question_id)
    lead = "  " if heading else "≠ "
    blocks = _blocks(question, list(dispute.voices), lead, _style(DISPUTED), width, console)
    return sum(len(rows) for _, rows, _ in blocks) + (1 if heading else 0)


def _blocks(
    question: Question | None,
    voices: Sequence[Voice],
    lead: str,
    style: str,
    width: int,
    console: Console | None,
) -> list[tuple[Text, list[Text], int]]:
    """Each answer as its first row's start (lead and name), the rows of what follows (the
    answer, "(answered here)", the note: wrapped to `width` with `console`, else one row),
    and the indent of the rows after the first."""
    names = [Text(_name(v), style="bold") for v in voices]
    column = min(max((n.cell_len for n in names), default=0), NAME_COLUMN)
    if width > 0:
        column = min(column, max(6, width // 2 - 2))  # the answer keeps half the row
    indent = len(lead) + column + 2
    blocks = []
    for voice, name in zip(voices, names, strict=True):
        name.truncate(column, overflow="ellipsis", pad=True)  # in cells: wide letters too
        first = Text(lead, style=style)
        first.append_text(name)
        first.append("  ")
        body = Text(_shown(question, voice))
        if voice.here:
            body.append(f" ({HERE})", style="italic")
        if voice.note and voice.note.strip():
            body.append(f" — {one_line(voice.note)}", style="dim")
        if console is None or width - indent < 12 or indent + body.cell_len <= width:
            blocks.append((first, [body], indent))
            continue
        rows = list(body.wrap(console, width - indent, overflow="fold"))
        for row in rows:
            row.rstrip()
        blocks.append((first, rows, indent))
    return blocks


def _share(needs: Sequence[int], room: int) -> list[int]:
    """Rows for each of len(needs) answers within `room` (>= len(needs)): one each, then the
    spare rows one at a time to those that need more, in order, round and round."""
    shares = [1] * len(needs)
    spare = room - len(needs)
    while spare > 0:
        given = False
        for index, need in enumerate(needs):
            if spare and shares[index] < need:
                shares[index] += 1
                spare -= 1
                given = True
        if not given:
            break
    return shares


def voices_in_full(packset: PackSet, dispute: Dispute) -> list[Text]:
    """Each answer in a disagreement whole, one block each (ctrl+l): name, the answer with
    nothing cut, whether it was given here, its note and evidence, lines kept."""
    question = packset.questions.get(dispute.question_id)
    out = []
    for voice in dispute.voices:
        block = Text()
        block.append("≠ ", style=_style(DISPUTED))
        block.append(one_line(voice.name), style="bold")
        if voice.here:
            block.append(f" ({HERE})", style="italic")
        block.append("\n")
        shown = str(voice.value) if question is None else display(question, voice.value)
        block.append(lines(shown))  # whole, line breaks kept; never a terminal escape
        if voice.note and voice.note.strip():
            block.append(f"\nNote: {lines(voice.note)}", style="dim")
        if voice.evidence:
            block.append(f"\nEvidence: {one_line(voice.evidence)}", style="dim")
        out.append(block)
    return out


def _run_on(
    question: Question | None,
    voices: Sequence[Voice],
    lead: str,
    style: str,
    rows: int,
    width: int,
) -> Text:
    """ "≠ Ana: yes · Ben: no · Chen: unknown" in `rows` rows of `width` (0: one row), each
    answer kept whole on a row; "…" ends the last row when some do not fit."""
    pieces = []
    for voice in voices:
        piece = Text(_name(voice), style="bold")
        piece.append(f": {_shown(question, voice)}")
        if voice.here:
            piece.append(f" ({SHORT_HERE})", style="italic")
        pieces.append(piece)
    lines = [Text(lead, style=style)]
    for piece in pieces:
        line = lines[-1]
        if line.cell_len <= len(lead):
            line.append_text(piece)
        elif width <= 0 or line.cell_len + 3 + piece.cell_len <= width:
            line.append(" · ", style="dim")
            line.append_text(piece)
        else:
            lines.append(Text(" " * len(lead)) + piece)
    if len(lines) > rows:
        lines = lines[:rows]
        last = lines[-1]
        if width > 0 and last.cell_len > width - 2:
            last.truncate(width - 2)
            cut = last.plain.rfind(" ", 0, width - 2)
            if cut >= width // 2:  # at a word: never "score a sa …"
                last = lines[-1] = last[:cut]
            last.rstrip()
        last.append(" …", style="dim")
    return Text("\n").join(lines)


def _name(voice: Voice) -> str:
    return one_line(voice.name) or "?"


def _shown(question: Question | None, voice: Voice) -> str:
    if question is None:  # a question the packs in use no longer ask
        return one_line(voice.value)
    return one_line(display(question, voice.value))
