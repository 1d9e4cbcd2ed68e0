"""The wizard's sidebar rows, gate panel and verdict, as Rich text."""

from __future__ import annotations

from rich.text import Text

from app.core.engine import OPEN, AreaProgress, Evaluation, GateResult, severity
from app.core.states import verdict_badge
from app.core.text import one_line
from app.tui.render import STYLES, styled_badge


def verdict_text(evaluation: Evaluation) -> Text:
    verdict = evaluation.verdict
    return Text(verdict_badge(verdict), style=STYLES[verdict.value])


def area_line(area: AreaProgress, width: int = 31) -> Text:
    """One sidebar row: state badge, title (shortened to fit), answered/total."""
    count = f"{area.answered}/{area.visible}"
    room = max(4, width - 10 - len(count) - 1)
    title = one_line(area.title)
    title = title if len(title) <= room else title[: room - 1] + "…"
    line = styled_badge(area.state.value, 9)
    line.append(f" {title.ljust(room)} ")
    line.append(count, style="dim")
    return line


def gate_lines(evaluation: Evaluation, limit: int, width: int = 31) -> Text:
    """The gate panel: blocking and waived gates, most severe first, one line each."""
    shown = [g for g in evaluation.gates.values() if g.state in OPEN]
    shown.sort(key=lambda g: (severity(g.state), g.gate.title))
    text = Text()
    counts = evaluation.counts()
    text.append_text(verdict_text(evaluation))
    text.append(
        f"\n{counts['red']} red · {counts['amber']} amber · {counts['unknown']} unknown\n",
        style="dim",
    )
    for result in shown[:limit]:
        text.append_text(_gate_line(result, width))
        text.append("\n")
    if len(shown) > limit:
        text.append(f"… {len(shown) - limit} more: ctrl+g", style="dim")
    if not shown:
        text.append("No blocking gates.", style="green")
    return text


def _gate_line(result: GateResult, width: int = 31) -> Text:
    line = styled_badge(result.state.value, 9)
    line.append(f" {one_line(result.gate.title)}")
    line.truncate(width, overflow="ellipsis")
    return line
