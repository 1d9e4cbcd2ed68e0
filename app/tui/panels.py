"""The wizard's sidebar rows, gate panel and verdict, as Rich text."""

from __future__ import annotations

from collections.abc import Collection

from rich.text import Text

from app.core.engine import PANEL_ORDER, AreaProgress, Evaluation, GateResult
from app.core.model import GO_NO_GO_MARK, Gate
from app.core.states import verdict_badge
from app.core.text import fit_words, one_line
from app.tui.render import STYLES, styled_badge

_PANEL_RANK = {state: rank for rank, state in enumerate(PANEL_ORDER)}


def verdict_text(evaluation: Evaluation) -> Text:
    verdict = evaluation.verdict
    return Text(verdict_badge(verdict), style=STYLES[verdict.value])


def area_line(area: AreaProgress, width: int = 31) -> Text:
    """One sidebar row: state badge, title (shortened to fit), answered/total."""
    count = f"{area.answered}/{area.visible}".rjust(5)
    room = max(4, width - 10 - len(count) - 1)
    title = one_line(area.title)
    if len(title) > room:  # cut at a word, never mid-word
        cut = title.rfind(" ", 0, room - 1)
        title = (title[:cut] if cut >= room // 3 else title[: room - 1]).rstrip(" &,") + "…"
    line = styled_badge(area.state.value, 9)
    line.append(f" {title.ljust(room)} ")
    line.append(count, style="dim")
    return line


def gate_lines(
    evaluation: Evaluation,
    limit: int | None = None,
    width: int = 31,
    *,
    rows: int | None = None,
    changed: Collection[str] = (),
) -> Text:
    """The gate panel: the verdict, the counts, then one line per red, amber, waived and unknown
    gate, in `PANEL_ORDER` (unknown last).

    `rows` is the panel's whole height in lines: the two heading lines and a "… N more" line
    (when some gates do not fit, and there are 4 rows or more) come out of it, and every other
    row shows a gate.
    Without it, `limit` is the number of gate lines. Gates in `changed` (ids of gates that
    just moved) are chosen first, so one an answer just turned amber is always on the panel;
    the lines shown keep the panel order.
    """
    shown = [g for g in evaluation.gates.values() if g.state in _PANEL_RANK]
    # A stable sort: within a state, gates keep pack order (the order of the areas).
    shown.sort(key=lambda g: _PANEL_RANK[g.state])
    room = len(shown) if limit is None else limit
    if rows is not None:
        room = max(1, rows - 2)
        if len(shown) > room > 1:
            room -= 1  # the "… N more" row
    more = len(shown) > room and (rows is None or rows >= 2 + room + 1)
    if len(shown) > room:
        first = [g.gate.id for g in shown if g.gate.id in changed][:room]
        picked = set(first)
        for result in shown:
            if len(picked) >= room:
                break
            picked.add(result.gate.id)
        listed = [g for g in shown if g.gate.id in picked]
    else:
        listed = shown
    text = Text()
    counts = evaluation.counts()
    text.append_text(verdict_text(evaluation))
    text.append(
        f"\n{counts['red']} red · {counts['amber']} amber · {counts['unknown']} unknown",
        style="dim",
    )
    for result in listed:
        text.append("\n")
        text.append_text(_gate_line(result, width))
    if more:
        text.append(f"\n… {len(shown) - len(listed)} more: ctrl+g", style="dim")
    if not shown:
        text.append("\nNo blocking gates.", style="green")
    return text


def gate_title(gate: Gate, width: int) -> str:
    """The gate's title in `width` characters: the title if it fits, else its `short` title,
    else the title cut after the last whole word that fits, with "…" (never inside a word)."""
    title = one_line(gate.title)
    if len(title) <= width or not gate.short:
        return fit_words(title, width)
    return fit_words(gate.short, width)


def marked_title(gate: Gate, width: int) -> str:
    """`gate_title` with "◆ " first for a go/no-go gate, in `width` characters in all."""
    if gate.go_no_go:
        return f"{GO_NO_GO_MARK} {gate_title(gate, max(1, width - 2))}"
    return gate_title(gate, width)


def _gate_line(result: GateResult, width: int = 31) -> Text:
    line = styled_badge(result.state.value, 9)
    line.append(f" {marked_title(result.gate, max(1, width - 10))}")
    return line
