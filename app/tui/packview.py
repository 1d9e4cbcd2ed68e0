"""The receipts pack as the wizard shows and exports it (the per-area summary until the
export builder is wired in)."""

from __future__ import annotations

from pathlib import Path

from app.core.engine import badge
from app.session import Session


def pack_markdown(session: Session) -> str:
    evaluation = session.evaluation
    lines = [f"# Receipts pack: {session.assessment.slug}", "",
             f"**Verdict:** {evaluation.verdict.value}", "", "| Area | Answered | State |",
             "| --- | --- | --- |"]
    for area in evaluation.areas.values():
        lines.append(f"| {area.title} | {area.answered}/{area.visible} | {badge(area.state)} |")
    return "\n".join(lines) + "\n"


def export(session: Session) -> list[Path]:
    raise NotImplementedError
