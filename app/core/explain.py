""" "Because" lines: the answers and derived values a gate's rule reads, with their values.

Pure: an `Evaluation` and the pack set in, one line of text out. The wizard's notice shows it
under a gate that moved (`because accuracy_measured_pct=84 % < accuracy_threshold_pct=90 %`),
so a team sees the numbers that decided a gate, not only its title.
"""

from __future__ import annotations

import ast
from typing import Any

from app.core import expr
from app.core.answers import display
from app.core.engine import Evaluation
from app.core.packs import PackSet
from app.core.text import format_number, one_line

MAX_VALUE = 40
"""A value longer than this (a long text answer) is shown cut, with "…"."""


def reading(packset: PackSet, evaluation: Evaluation, name: str, cut: bool = True) -> str:
    """What `name` (a question, derived value or score) holds now, for people, with its unit;
    a long text answer is shortened with "…" unless `cut` is False (the receipts pages)."""
    shorten = _cut if cut else one_line
    value = evaluation.values.get(name, expr.UNKNOWN)
    if value is expr.HIDDEN:
        return "not asked"
    if value is expr.UNKNOWN:
        fault = evaluation.faults.get(name)
        return f"unknown ({fault})" if fault else "unknown"
    question = packset.questions.get(name)
    if question is not None:
        return shorten(display(question, _stored(question, value)))
    derived = packset.derived.get(name)
    unit = f" {derived.unit}" if derived is not None and derived.unit else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        text = format_number(value) + unit
        score = evaluation.scores.get(name)
        if score is not None and score.band is not None:
            text += f" ({shorten(score.band.label)})"
        elif isinstance(label := evaluation.values.get(f"band:{name}"), str):
            text += f" ({shorten(label)})"  # a derived value's band (format 2)
        return text
    return shorten(str(value)) + unit


def because(packset: PackSet, evaluation: Evaluation, gate_id: str, cut: bool = True) -> str:
    """The gate's rule with each name followed by its value: `a=84 % < b=90 %`; "" if none.
    `cut` shortens long text values (the wizard's notice); the receipts pages keep them whole."""
    compiled = packset.compiled.get(f"gate:{gate_id}")
    if compiled is None:
        return ""
    source = compiled.source.strip()
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError:  # pragma: no cover - it parsed when the pack loaded
        return ""
    starts = [0]
    for line in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    spots = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in compiled.names:
            end_line, end_col = node.end_lineno or node.lineno, node.end_col_offset or 0
            spots.append(
                (starts[node.lineno - 1] + node.col_offset, starts[end_line - 1] + end_col)
            )
    spots.sort()
    out, at = [], 0
    for start, end in spots:
        name = source[start:end]
        out.append(source[at:end])
        out.append(f"={reading(packset, evaluation, name, cut)}")
        at = end
    out.append(source[at:])
    return one_line("".join(out))


def _stored(question: Any, value: Any) -> Any:
    """The stored shape `display` reads from what an expression saw (a person is a name)."""
    if question.kind == "multi" and isinstance(value, tuple):
        return list(value)
    if question.kind == "person" and isinstance(value, str):
        return {"name": value, "role": ""}
    return value


def _cut(text: str) -> str:
    text = one_line(text)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1].rstrip() + "…"
