"""Safe expressions for `show_if`, gate conditions and derived values.

Pack files are data written by anyone, so their expressions are parsed with `ast` and checked
against a small whitelist at load time; nothing from a file ever reaches `eval` or `exec`.
Compiled expressions are plain Python closures, so evaluating one on every keypress is cheap.

Evaluation is three-valued: a name whose question is unanswered (or answered "unknown") reads
as UNKNOWN, and one whose question is hidden by its `show_if` reads as HIDDEN. Both propagate
through operators the way SQL's NULL does, except that `and`/`or` short-circuit on a decisive
side (False and X is False; True or X is True).

Numbers are bounded: literals and every arithmetic result stay within MAX_NUMBER (1e15), or the
value is UNKNOWN and `evaluate_why` says it is out of range, so no pack can make an int grow to
millions of digits.
"""

from __future__ import annotations

import ast
import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.core.days import DayError, parse_day

MAX_LENGTH = 4000
"""Long enough for a 30-item rubric written out by hand with 64-character ids."""
MAX_NODES = 600
MAX_DEPTH = 24
"""How deep brackets may nest."""
MAX_TREE_DEPTH = 80
"""How deep operators may nest: `a + b + c` is as deep as it has terms, so a 30-item sum
written out fits; evaluation recurses this deep, a few frames a level."""
MAX_NUMBER = 1e15
"""The largest magnitude a literal, an answer or any arithmetic result may have; beyond it a
value is OutOfRange (int results could otherwise grow to millions of digits)."""


class _Marker:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name

    def __bool__(self) -> bool:  # pragma: no cover - a bug guard
        raise TypeError(f"{self.name} has no truth value; use the three-valued helpers")


UNKNOWN = _Marker("UNKNOWN")
"""A value nobody has given yet, or was answered "unknown"."""
HIDDEN = _Marker("HIDDEN")
"""A value whose question is hidden by its `show_if`: never counted, scored or gated."""


class ExpressionError(ValueError):
    """An expression that does not parse or uses something outside the whitelist."""


OUT_OF_RANGE = "out of range (over 1e15)"  # MAX_NUMBER, written as in a pack file


class ValueFault(ArithmeticError):
    """A value an expression cannot compute with (text in arithmetic, "x" < 1, count() of a
    number): the value is UNKNOWN and this says why. Anything else raised while evaluating is
    a bug in Preflight and is not caught."""


class OutOfRange(ArithmeticError):
    """A number beyond MAX_NUMBER: the expression's value is UNKNOWN, and this says why."""

    def __init__(self) -> None:
        super().__init__(OUT_OF_RANGE)


Env = Mapping[str, Any]
Compiled = Callable[[Env], Any]


def _is_marker(value: Any) -> bool:
    return value is UNKNOWN or value is HIDDEN


def _merge(*values: Any) -> Any:
    """The marker an operation on `values` yields: UNKNOWN beats HIDDEN."""
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    return HIDDEN


# -- named functions a pack may call -----------------------------------------------------------


def _fn_answered(value: Any) -> Any:
    if value is HIDDEN:
        return HIDDEN
    return value is not UNKNOWN


def _fn_unknown(value: Any) -> Any:
    if value is HIDDEN:
        return HIDDEN
    return value is UNKNOWN


def _fn_count(value: Any) -> Any:
    if _is_marker(value):
        return value
    if isinstance(value, (list, tuple, str)):
        return len(value)
    raise ValueFault("count() takes a multi-choice answer")


def _fn_has(value: Any, option: Any) -> Any:
    if _is_marker(value):
        return value
    if _is_marker(option):
        return option
    return option in value if isinstance(value, (list, tuple)) else value == option


def _fn_numeric(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        markers = [a for a in args if _is_marker(a)]
        if markers:
            return _merge(*markers)
        try:
            return _bounded(fn(*args))
        except TypeError:  # min("a", 1), abs("a"), round("a")
            raise ValueFault(f"{name}() takes numbers") from None

    call.__name__ = name
    return call


def _round(value: Any, ndigits: Any = 0) -> Any:
    # Python's round(5, -10**7) runs for seconds: a pack must not be able to hang the app.
    if isinstance(ndigits, bool) or not isinstance(ndigits, int) or not -15 <= ndigits <= 15:
        raise ValueFault("round() takes 0-15 digits")
    return round(value, ndigits)


def _fn_sum(*args: Any) -> Any:
    """The sum of numbers, given one by one or as one list: hidden ones are left out (as in a
    score); UNKNOWN if any other is unknown; HIDDEN if all are hidden; true and false count 1
    and 0."""
    values = args[0] if len(args) == 1 and isinstance(args[0], tuple) else args
    shown = [v for v in values if v is not HIDDEN]
    if not shown and values:
        return HIDDEN
    if any(v is UNKNOWN for v in shown):
        return UNKNOWN
    total: Any = 0
    for v in shown:
        if not isinstance(v, (int, float)):
            raise ValueFault("sum() takes numbers")
        total = _arith(lambda a, b: a + b, total, int(v) if isinstance(v, bool) else v)
    return total


def _fn_days_between(start: Any, end: Any) -> Any:
    """The days from the day `start` to the day `end` (negative when `end` comes first)."""
    markers = [v for v in (start, end) if _is_marker(v)]
    if markers:
        return _merge(*markers)
    try:
        first, last = dt.date.fromisoformat(parse_day(start)), dt.date.fromisoformat(parse_day(end))
    except DayError:
        raise ValueFault("days_between() takes two days as YYYY-MM-DD") from None
    return (last - first).days


def _fn_lookup(value: Any) -> Any:  # pragma: no cover - points() and band() compile to lookups
    return value


FUNCTIONS: dict[str, tuple[Callable[..., Any], int, int]] = {
    # name: (function, min args, max args)
    "answered": (_fn_answered, 1, 1),
    "unknown": (_fn_unknown, 1, 1),
    "count": (_fn_count, 1, 1),
    "has": (_fn_has, 2, 2),
    "min": (_fn_numeric("min", min), 2, 8),
    "max": (_fn_numeric("max", max), 2, 8),
    "abs": (_fn_numeric("abs", abs), 1, 1),
    "round": (_fn_numeric("round", _round), 1, 2),
    "days_between": (_fn_days_between, 2, 2),
    # Format 2:
    "sum": (_fn_sum, 1, 50),
    "points": (_fn_lookup, 1, 1),
    "band": (_fn_lookup, 1, 1),
}
"""The whole vocabulary of callable names; anything else is rejected at load."""

TODAY = "today"
"""The name that reads the day the answers are judged on (YYYY-MM-DD), handed in by whoever
evaluates: the session's day, an export's pack date, the day a portfolio is built. It is the
only input that is not an answer, so `days_between(kickoff_date, today)` can say how long a
pilot has run without anyone typing it at each review."""

RESERVED_NAMES = frozenset(FUNCTIONS) | {"true", "false", "none", "and", "or", "not", "in", TODAY}
FORMAT_2_FUNCTIONS = frozenset({"sum", "points", "band"})
"""Functions a pack may call only with `format = 2`."""
LOOKUPS = {"points": "points:", "band": "band:"}
"""`points(q)` and `band(x)` read what the engine puts under these prefixes: a question's
points, the label of the band a score or derived value falls in."""


# -- compiling ---------------------------------------------------------------------------------

_BINOPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
}
_CMPOPS: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


_EQ, _NOT_EQ, _IN, _NOT_IN = (_CMPOPS[t] for t in (ast.Eq, ast.NotEq, ast.In, ast.NotIn))


@dataclass(frozen=True)
class Expression:
    """A checked, compiled expression and the names it reads."""

    source: str
    names: frozenset[str]
    _fn: Compiled
    calls: frozenset[str] = frozenset()
    """The functions it calls."""
    lookups: frozenset[tuple[str, str]] = frozenset()
    """`(function, name)` for each `points(name)` and `band(name)`."""

    def evaluate(self, env: Env) -> Any:
        """The value, UNKNOWN or HIDDEN. Faults of the values (x / 0, "a" < 1, beyond 1e15)
        read as UNKNOWN; they are all ArithmeticErrors."""
        try:
            return self._fn(env)
        except ArithmeticError:
            return UNKNOWN

    def evaluate_why(self, env: Env) -> tuple[Any, str | None]:
        """`evaluate`, and why the value is UNKNOWN when a fault, not a missing answer, did it."""
        try:
            return self._fn(env), None
        except ZeroDivisionError:
            return UNKNOWN, "division by zero"
        except ArithmeticError as exc:
            return UNKNOWN, str(exc) or type(exc).__name__


@dataclass
class _Context:
    names: set[str]
    count: list[int]
    booleans: bool = False
    """Format 2: true and false are 1 and 0 in arithmetic (format 1: unknown)."""
    calls: set[str] | None = None
    lookups: set[tuple[str, str]] | None = None


def parse(source: str, *, format: int = 1) -> Expression:
    """Check `source` against the whitelist and compile it; raise ExpressionError if it fails.
    `format` is the pack's format: from 2, true and false count as 1 and 0 in arithmetic."""
    if not isinstance(source, str):
        raise ExpressionError("an expression must be a string")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters")
    if not source.strip():
        raise ExpressionError("empty expression")
    if "\x00" in source:
        raise ExpressionError("contains a NUL character")
    # ast.parse recurses on nesting; bound it before the parser ever sees the text.
    depth = 0
    for ch in source:
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise ExpressionError(f"nested deeper than {MAX_DEPTH} levels")
        elif ch in ")]}":
            depth -= 1
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"does not parse: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("too complex to parse") from None
    ctx = _Context(set(), [0], format >= 2, set(), set())
    fn = _compile(tree.body, ctx, 0)
    return Expression(
        source=source,
        names=frozenset(ctx.names),
        _fn=fn,
        calls=frozenset(ctx.calls or ()),
        lookups=frozenset(ctx.lookups or ()),
    )


def _compile(node: ast.AST, ctx: _Context, depth: int) -> Compiled:
    names, count = ctx.names, ctx.count
    count[0] += 1
    if count[0] > MAX_NODES:
        raise ExpressionError(f"more than {MAX_NODES} parts")
    if depth > MAX_TREE_DEPTH:
        raise ExpressionError(f"nested deeper than {MAX_TREE_DEPTH} levels")
    sub = depth + 1

    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return lambda env: value
        if isinstance(value, (int, float)):
            # An int is compared exactly (math.isfinite would overflow on 10**400).
            if abs(value) > MAX_NUMBER or (isinstance(value, float) and not math.isfinite(value)):
                shown = f"{value!r}" if len(str(value)) <= 30 else "with over 30 digits"
                raise ExpressionError(f"number {shown} is out of range (limit ±1e15)")
            return lambda env: value
        raise ExpressionError(f"literal {type(value).__name__} is not allowed")

    if isinstance(node, ast.Name):
        ident = node.id
        lowered = ident.lower()
        if lowered in ("true", "false"):
            constant = lowered == "true"
            return lambda env: constant
        if ident.startswith("_"):
            raise ExpressionError(f"name {ident!r} is not allowed")
        if ident in FUNCTIONS:
            raise ExpressionError(f"{ident} is a function; call it as {ident}(...)")
        names.add(ident)
        return lambda env: env.get(ident, UNKNOWN)

    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_compile(elt, ctx, sub) for elt in node.elts]
        if len(items) > 50:
            raise ExpressionError("a list may hold at most 50 items")
        return lambda env: tuple(item(env) for item in items)

    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, ctx, sub) for v in node.values]
        if isinstance(node.op, ast.And):
            return lambda env: _and(parts, env)
        return lambda env: _or(parts, env)

    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand, ctx, sub)
        if isinstance(node.op, ast.Not):
            return lambda env: _not(operand(env))
        if isinstance(node.op, ast.USub):
            if ctx.booleans:
                return lambda env: _arith(lambda v: -v, _number(operand(env)))
            return lambda env: _arith(lambda v: -v, operand(env))
        if isinstance(node.op, ast.UAdd):
            if ctx.booleans:
                return lambda env: _arith(lambda v: +v, _number(operand(env)))
            return lambda env: _arith(lambda v: +v, operand(env))
        raise ExpressionError(f"operator {type(node.op).__name__} is not allowed")

    if isinstance(node, ast.BinOp):
        binop = _BINOPS.get(type(node.op))
        if binop is None:
            what = "** (powers)" if isinstance(node.op, ast.Pow) else type(node.op).__name__
            raise ExpressionError(f"operator {what} is not allowed")
        left = _compile(node.left, ctx, sub)
        right = _compile(node.right, ctx, sub)
        if ctx.booleans:
            return lambda env: _arith(binop, _number(left(env)), _number(right(env)))
        return lambda env: _arith(binop, left(env), right(env))

    if isinstance(node, ast.Compare):
        ops = []
        for op_node in node.ops:
            op = _CMPOPS.get(type(op_node))
            if op is None:
                raise ExpressionError(f"comparison {type(op_node).__name__} is not allowed")
            ops.append(op)
        left = _compile(node.left, ctx, sub)
        rights = [_compile(c, ctx, sub) for c in node.comparators]
        return lambda env: _compare(left, ops, rights, env)

    if isinstance(node, ast.IfExp):
        test = _compile(node.test, ctx, sub)
        body = _compile(node.body, ctx, sub)
        orelse = _compile(node.orelse, ctx, sub)

        def if_exp(env: Env) -> Any:
            chosen = test(env)
            if _is_marker(chosen):
                return chosen
            return body(env) if chosen else orelse(env)

        return if_exp

    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError("only the named functions may be called")
        name = node.func.id
        if name not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExpressionError(f"function {name!r} is not allowed (allowed: {allowed})")
        if node.keywords:
            raise ExpressionError(f"{name}() takes no keyword arguments")
        function, low, high = FUNCTIONS[name]
        if not low <= len(node.args) <= high:
            takes = str(low) if low == high else f"{low}–{high}"
            raise ExpressionError(f"{name}() takes {takes} argument{'s' * (high != 1)}")
        if ctx.calls is not None:
            ctx.calls.add(name)
        if name in LOOKUPS:
            target = node.args[0]
            if not isinstance(target, ast.Name) or target.id in FUNCTIONS:
                raise ExpressionError(f"{name}() takes the id of a question, score or value")
            ident = target.id
            if ident.startswith("_"):
                raise ExpressionError(f"name {ident!r} is not allowed")
            names.add(ident)
            if ctx.lookups is not None:
                ctx.lookups.add((name, ident))
            key = LOOKUPS[name] + ident
            return lambda env: env.get(key, UNKNOWN)
        if name == "round" and len(node.args) == 2:
            # A literal is checked now; a name is checked when it is read (see `_round`).
            digits = _literal_int(node.args[1])
            literal = isinstance(node.args[1], (ast.Constant, ast.UnaryOp))
            if literal and (digits is None or not 0 <= digits <= 15):
                raise ExpressionError("round() takes a number of digits from 0 to 15")
        args = [_compile(a, ctx, sub) for a in node.args]
        return lambda env: function(*(a(env) for a in args))

    if isinstance(node, ast.Attribute):
        raise ExpressionError("attribute access (a.b) is not allowed")
    if isinstance(node, ast.Subscript):
        raise ExpressionError("subscripts (a[b]) are not allowed")
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        raise ExpressionError("comprehensions are not allowed")
    if isinstance(node, ast.Lambda):
        raise ExpressionError("lambda is not allowed")
    raise ExpressionError(f"{type(node).__name__} is not allowed")


def _literal_int(node: ast.AST) -> int | None:
    """The int a node spells out (`2`, `-1`), or None for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _literal_int(node.operand)
        return -inner if inner is not None else None
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _arith(op: Callable[..., Any], *values: Any) -> Any:
    markers = [v for v in values if _is_marker(v)]
    if markers:
        return _merge(*markers)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ValueFault("arithmetic on a value that is not a number")
        if not abs(v) <= MAX_NUMBER:
            raise OutOfRange()
    # Operands within 1e15 keep every op cheap (a product is at most 1e30); checking each result
    # keeps it so, since no intermediate value can then pass the bound.
    result = op(*values)
    if not abs(result) <= MAX_NUMBER:  # `not <=` so nan is caught too
        raise OutOfRange()
    return result


def _number(value: Any) -> Any:
    """Format 2's arithmetic reads true and false as 1 and 0."""
    return int(value) if isinstance(value, bool) else value


def _bounded(value: Any) -> Any:
    """`value` unchanged if it is not a number beyond MAX_NUMBER (inf and nan included)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not abs(value) <= MAX_NUMBER:  # `not <=` so nan is caught too
            raise OutOfRange()
    return value


def _compare(left: Compiled, ops: list, rights: list[Compiled], env: Env) -> Any:
    """A chain `a < b < c`: False as soon as one known pair fails; else the merge of every
    marker met on the way (UNKNOWN beats HIDDEN wherever it was met); else True."""
    a = left(env)
    pending: list[Any] = []
    for op, right in zip(ops, rights, strict=True):
        b = right(env)
        outcome = _compare_pair(op, a, b)
        if outcome is False:
            return False
        if _is_marker(outcome):
            pending.append(outcome)
        a = b
    return _merge(*pending) if pending else True


def _compare_pair(op: Callable[[Any, Any], bool], a: Any, b: Any) -> Any:
    if _is_marker(a) or _is_marker(b):
        return _merge(*(v for v in (a, b) if _is_marker(v)))
    if op in (_IN, _NOT_IN) and isinstance(b, tuple):
        # `x in (a, b)` with `a` unknown: a miss among the known items decides nothing.
        markers = [v for v in b if _is_marker(v)]
        found = _known_in(a, [v for v in b if not _is_marker(v)])
        if _is_marker(found):
            return found
        if not found and markers:
            return _merge(*markers)
        return found if op is _IN else not found
    if op in (_EQ, _NOT_EQ):
        same = _equal(a, b)
        return same if _is_marker(same) or op is _EQ else not same
    if _markers_in(a) or _markers_in(b):  # ordering tuples that hold a marker
        return _merge(*_markers_in(a), *_markers_in(b))
    try:
        return op(a, b)
    except TypeError:  # "x" < 1, 1 in 5: a value of the wrong kind, not a bug
        raise ValueFault("compares values of different kinds") from None


def _known_in(a: Any, items: list[Any]) -> Any:
    """Is `a` among `items`, three-valued: a tuple item holding a marker may be it."""
    return _any3(_equal(a, item) for item in items)


def _equal(a: Any, b: Any) -> Any:
    """`a == b` where tuples may hold markers: `(u, 1) == (1, 1)` with `u` unknown is UNKNOWN,
    `(u, 2) == (1, 1)` is False (a known position differs)."""
    if _is_marker(a) or _is_marker(b):
        return _merge(*(v for v in (a, b) if _is_marker(v)))
    if isinstance(a, tuple) and isinstance(b, tuple):
        if len(a) != len(b):
            return False
        return _all3(_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _markers_in(value: Any) -> list[Any]:
    if _is_marker(value):
        return [value]
    if isinstance(value, tuple):
        return [m for item in value for m in _markers_in(item)]
    return []


def _truth(value: Any) -> Any:
    return value if _is_marker(value) else bool(value)


def _not(value: Any) -> Any:
    value = _truth(value)
    return value if _is_marker(value) else not value


def _and(parts: list[Compiled], env: Env) -> Any:
    return _all3(_truth(part(env)) for part in parts)


def _or(parts: list[Compiled], env: Env) -> Any:
    return _any3(_truth(part(env)) for part in parts)


def _all3(values: Iterable[Any]) -> Any:
    """Three-valued "all", lazy: False at the first False; else the merge of the markers met
    (UNKNOWN beats HIDDEN); else True."""
    markers = []
    for value in values:
        if value is False:
            return False
        if _is_marker(value):
            markers.append(value)
    return _merge(*markers) if markers else True


def _any3(values: Iterable[Any]) -> Any:
    """Three-valued "any", lazy: True at the first True; else the markers' merge; else False."""
    markers = []
    for value in values:
        if value is True:
            return True
        if _is_marker(value):
            markers.append(value)
    return _merge(*markers) if markers else False
