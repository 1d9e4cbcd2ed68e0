"""Expressions that parse but cannot mean what their author wrote.

`expr.parse` checks that an expression is safe; this checks it against the questions it reads:
a comparison with an option a question does not have (`vendor_region == "asia"` is never
true), or an ordering (`<`, `>`) of answers that have no order (text, a choice). Pure: it reads
the expression's syntax tree and each question's kind and options.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping

from app.core.days import is_day
from app.core.model import Kind, Question

ORDERED_KINDS = (Kind.number, Kind.scale)
"""The kinds whose answers `<`, `<=`, `>`, `>=` may compare (derived values and scores too)."""
_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_YES_NO = ("yes", "no")


def check(source: str, questions: Mapping[str, Question]) -> list[str]:
    """What is wrong with `source` (already checked by `expr.parse`), one message each."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except (SyntaxError, RecursionError, MemoryError, ValueError):  # expr.parse reported it
        return []
    problems: list[str] = _days(tree, questions)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for op, left, right in zip(node.ops, sides, sides[1:], strict=False):
                problems.extend(_compare(op, left, right, questions))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "has" and len(node.args) == 2:
                question = _question(node.args[0], questions)
                literal = _text(node.args[1])
                if question is not None and literal is not None:
                    problems.extend(_options(question, [literal], "never true"))
    return list(dict.fromkeys(problems))


TODAY_ONLY_IN_DAYS_BETWEEN = (
    "today is a day: read it through days_between(day, today) (e.g. "
    "days_between(kickoff_date, today) > 180), not on its own"
)


def _days(tree: ast.AST, questions: Mapping[str, Question]) -> list[str]:
    """`days_between` takes two days (date questions, `today`, "YYYY-MM-DD" text), and
    `today` is read only through it: anything else is unknown on every evaluation."""
    problems: list[str] = []
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id != "days_between":
            continue
        for arg in node.args:
            allowed.add(id(arg))
            question = _question(arg, questions)
            if question is not None and question.kind is not Kind.date:
                problems.append(
                    f"days_between() takes days; {question.id} is a {question.kind} question"
                )
            elif isinstance(arg, ast.Constant) and not (
                isinstance(arg.value, str) and is_day(arg.value)
            ):
                problems.append(f"days_between() takes days as YYYY-MM-DD, not {arg.value!r}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == "today" and id(node) not in allowed:
            problems.append(TODAY_ONLY_IN_DAYS_BETWEEN)
    return problems


def _compare(
    op: ast.cmpop, left: ast.expr, right: ast.expr, questions: Mapping[str, Question]
) -> list[str]:
    if isinstance(op, _ORDERING):
        out = []
        for side in (left, right):
            question = _question(side, questions)
            if question is not None and question.kind not in ORDERED_KINDS:
                out.append(
                    f"{question.id} is a {question.kind} question, and {question.kind} answers "
                    "cannot be ordered (<, <=, >, >=); only number and scale answers, derived "
                    "values and scores can"
                )
        return out
    if isinstance(op, (ast.Eq, ast.NotEq)):
        outcome = "never true" if isinstance(op, ast.Eq) else "always true"
        for name_side, value_side in ((left, right), (right, left)):
            question = _question(name_side, questions)
            literal = _text(value_side)
            if question is not None and literal is not None:
                if question.kind is Kind.multi:  # its value is the list of options picked
                    return [
                        f"{outcome}: {question.id} is a multi question, its answer a list of "
                        f"options, never one; use has({question.id}, {literal!r})"
                    ]
                return _options(question, [literal], outcome)
        return []
    if isinstance(op, (ast.In, ast.NotIn)):
        outcome = "never true" if isinstance(op, ast.In) else "always true"
        question = _question(left, questions)
        if question is not None and isinstance(right, (ast.Tuple, ast.List)):
            literals = [t for t in map(_text, right.elts) if t is not None]
            if len(literals) < len(right.elts):  # a name among them: cannot tell
                return []
            return _options(question, literals, outcome if literals else None)
        question = _question(right, questions)  # "eu" in vendor_regions (a multi answer)
        literal = _text(left)
        if question is not None and literal is not None and question.kind is Kind.multi:
            return _options(question, [literal], outcome)
    return []


def _options(question: Question, literals: list[str], outcome: str | None) -> list[str]:
    """A message for each literal that is not one of the question's options."""
    allowed = option_ids(question)
    if allowed is None:
        return []
    if question.kind is Kind.yes_no and "unknown" in literals:
        # engine reads a stored "unknown" as a missing answer: `== "unknown"` never fires.
        return [
            f"'unknown' is never the value of {question.id}: an answer of unknown reads as not "
            f"known, like no answer; use unknown({question.id})"
        ]
    wrong = [t for t in literals if t not in allowed]
    if not wrong:
        return []
    # The whole comparison is decided only when no literal could match.
    prefix = f"{outcome}: " if outcome is not None and len(wrong) == len(literals) else ""
    shown = ", ".join(allowed)
    return [f"{prefix}{t!r} is not an option of {question.id}; options are {shown}" for t in wrong]


def option_ids(question: Question) -> list[str] | None:
    """The values a comparison with `question` can match, or None when any text can."""
    if question.kind is Kind.yes_no:
        return list(_YES_NO)
    if question.kind in (Kind.choice, Kind.multi):
        ids = [o.id for o in question.options]
        # A pack may let a choice be answered "unknown" (allow_unknown, where there is one).
        if getattr(question, "allow_unknown", False):
            ids.append("unknown")
        return ids
    return None


def _question(node: ast.expr, questions: Mapping[str, Question]) -> Question | None:
    return questions.get(node.id) if isinstance(node, ast.Name) else None


def _text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None
