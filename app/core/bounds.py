"""How large an expression's numbers can get, worked out from the pack alone: `preflight validate`
warns where allowed answers take a result past MAX_NUMBER (there it is unknown when answered).

Each number an expression reads has an interval: a number question with min and max its
[min, max]; a scale [1, 3]; a score [0, 3 per question]; a derived value the interval of its own
expression. A number question with an open side stands for one allowed answer (1, or the
declared bound nearest it), so open questions alone never warn and only literals and declared
bounds drive the estimate: a warning means some allowed answers really do go past the limit.
Only for `validate`: nothing here runs when a pack is loaded for use.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from pathlib import Path

from app.core.expr import MAX_NUMBER
from app.core.model import Kind, Pack, Question
from app.core.packs import PackSet

Interval = tuple[float, float] | None
"""Lowest and highest value; None for something that is not a number, or cannot be bounded."""


@dataclass
class _Walk:
    names: dict[str, Interval]
    first: tuple[ast.AST, float] | None = None
    """The first arithmetic result past MAX_NUMBER, and how far it can go."""

    def bounded(self, node: ast.AST, lo: float, hi: float) -> Interval:
        """A result's interval, clamped to what evaluation lets through (past it: unknown)."""
        peak = max(abs(lo), abs(hi))
        if peak > MAX_NUMBER and self.first is None:
            self.first = (node, peak)
        return _clamp(lo), _clamp(hi)


def _clamp(value: float) -> float:
    return min(max(value, -MAX_NUMBER), MAX_NUMBER)


def range_warnings(packset: PackSet, files: set[Path] | None = None) -> list[str]:
    """`file: location: may exceed 1e15 (…)` for each expression that can, in `files` (or all)."""
    walk = _Walk({})
    for name in packset.eval_order:
        if name in packset.questions:
            walk.names[name] = _question_interval(packset.questions[name])
        elif name in packset.scores:
            score = packset.scores[name]  # format 2 scores (items) are not bounded here
            walk.names[name] = None if score.items else (0.0, 3.0 * len(score.questions))
        elif (compiled := packset.compiled.get(f"derived:{name}")) is not None:
            walk.names[name] = _interval(_tree(compiled.source), walk)
    out: list[str] = []
    for pack in packset.packs:
        file = packset.sources[pack.id]
        if files is not None and file.resolve() not in files:
            continue
        for key, location in _locations(pack):
            compiled = packset.compiled.get(key)
            if compiled is None:
                continue
            walk.first = None
            source = compiled.source.strip()
            _interval(_tree(source), walk)
            if walk.first is not None:
                out.append(f"{file}: {location}: {_warning(source, *walk.first)}")
    return out


def _warning(source: str, node: ast.AST, peak: float) -> str:
    part = ast.get_source_segment(source, node) or source
    part = part if len(part) <= 60 else part[:57] + "..."
    reach = f"{peak:.0e}".replace("e+", "e")
    return (
        f"may exceed 1e15 with allowed answers ({part!r} can reach {reach}); "
        "past 1e15 it is unknown"
    )


def _locations(pack: Pack) -> list[tuple[str, str]]:
    out = [(f"show_if:{q.id}", f"questions[{i}].show_if") for i, q in enumerate(pack.questions)]
    out += [(f"gate:{g.id}", f"gates[{i}].when") for i, g in enumerate(pack.gates)]
    out += [(f"derived:{d.id}", f"derived[{i}].expr") for i, d in enumerate(pack.derived)]
    return out


def _tree(source: str) -> ast.AST:
    return ast.parse(source.strip(), mode="eval").body  # checked by expr.parse already


def _question_interval(question: Question) -> Interval:
    if question.kind is Kind.scale:
        return (1.0, 3.0)
    if question.kind is not Kind.number:
        return None
    if question.min is not None and question.max is not None:
        return (question.min, question.max)
    # An open side: one allowed answer near 1, so that an unbounded question never warns alone.
    low = question.min if question.min is not None else -math.inf
    high = question.max if question.max is not None else math.inf
    point = min(max(1.0, low), high)
    return (point, point)


def _interval(node: ast.AST, walk: _Walk) -> Interval:
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        return (float(value), float(value))
    if isinstance(node, ast.Name):
        return walk.names.get(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _interval(node.operand, walk)
        if inner is None:
            return None
        return walk.bounded(node, -inner[1], -inner[0]) if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp):
        return _binop(node, _interval(node.left, walk), _interval(node.right, walk), walk)
    if isinstance(node, ast.IfExp):
        _interval(node.test, walk)
        sides = [s for s in (_interval(node.body, walk), _interval(node.orelse, walk)) if s]
        return (min(s[0] for s in sides), max(s[1] for s in sides)) if sides else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return _call(node.func.id, [_interval(a, walk) for a in node.args])
    for child in ast.iter_child_nodes(node):  # comparisons, and/or, lists: walked for their parts
        _interval(child, walk)
    return None


def _binop(node: ast.BinOp, a: Interval, b: Interval, walk: _Walk) -> Interval:
    if a is None or b is None:
        return None
    op = node.op
    if isinstance(op, ast.Add):
        return walk.bounded(node, a[0] + b[0], a[1] + b[1])
    if isinstance(op, ast.Sub):
        return walk.bounded(node, a[0] - b[1], a[1] - b[0])
    if isinstance(op, ast.Mult):
        corners = [x * y for x in a for y in b]
        return walk.bounded(node, min(corners), max(corners))
    if b[0] <= 0 <= b[1]:
        return None  # a divisor that may be 0, or as small as you like: no bound to give
    if isinstance(op, ast.Mod):
        return (min(0.0, b[0]), max(0.0, b[1]))
    corners = [x / y for x in a for y in b]
    if isinstance(op, ast.FloorDiv):
        corners = [math.floor(c) if math.isfinite(c) else c for c in corners]
    return walk.bounded(node, min(corners), max(corners))


def _call(name: str, given: list[Interval]) -> Interval:
    args = [a for a in given if a is not None]
    if name not in ("min", "max", "abs", "round") or len(args) < len(given):
        return None
    if name == "min":
        return (min(a[0] for a in args), min(a[1] for a in args))
    if name == "max":
        return (max(a[0] for a in args), max(a[1] for a in args))
    low, high = args[0]
    if name == "abs":
        floor = 0.0 if low <= 0 <= high else min(abs(low), abs(high))
        return (floor, max(abs(low), abs(high)))
    return args[0] if len(args) == 1 or args[1][0] >= 0 else None  # round to digits, or 10s
