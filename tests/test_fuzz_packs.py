"""Fuzz: mutated packs through load → validate → evaluate → store → export, in-process.

Each case starts from a shipped pack (questionnaires/*.toml, questionnaires/examples/vendor.toml)
and mutates it: structurally (values of the wrong type, huge or odd numbers, deep nesting,
hostile expressions, derived values that grow or read each other in a cycle, markup and escape
characters in titles) and/or as text (byte flips, truncation, dropped, duplicated or swapped
lines, inserted snippets). The promises checked:

- `load_packs` never raises: a bad file becomes Problems, each naming the mutated file and a
  location, in printable text;
- answering every question (valid values via `check_value`, some "unknown"), evaluating,
  storing and exporting (page + appendix Markdown and JSON, written by `write_pack`) raises
  nothing but the project's own errors (`PreflightError`, which `StoreError` is, and
  `AnswerError` from `check_value`);
- the exports hold no control characters, lone surrogates or bidi overrides, the JSON is ASCII
  and parses, and the page keeps its line and width limits;
- one case (all stages) takes under CAP_SECONDS; the slowest cases are listed after the run.

Default: DEFAULT_CASES derandomized examples (a few seconds). Longer run:
    PREFLIGHT_FUZZ_CASES=2000 pytest tests/test_fuzz_packs.py
`test_fuzz_packs` runs every case and fails once at the end, listing each kind of failure with
its count and shortest case; PREFLIGHT_FUZZ_SHRINK=1 makes it stop at the first failure and let
hypothesis shrink it. `test_hostile_pack` runs the hand-written hostile inputs, one test each.

Failures from defects known when this was written are raised as their own classes, so they are
easy to tell apart in the report (they are deliberately not xfailed):
    KnownDefect1IntGrowth   integer growth across derived values: slow evaluation, and
                            `ValueError: Exceeds the limit (4300 digits)` when exported
    KnownDefect2TomlBigInt  a TOML integer literal over 4,300 digits: tomllib's ValueError
                            escapes `load_packs` instead of becoming a Problem
    KnownDefect3Control     control characters in Problem text or in the exports
Anything else is a `ForeignException`, `BadProblem`, `BadExport` or `TooSlow`.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import os
import re
import signal
import time
import tomllib
import traceback
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.answers import AnswerError, check_value
from app.core.engine import evaluate
from app.core.expr import MAX_LENGTH
from app.core.model import Kind
from app.core.packcache import PackCache
from app.core.packs import load_packs, read_pack
from app.errors import PreflightError
from app.export.page import MAX_LINES, WIDTH
from app.export.snapshot import snapshot_from_store
from app.export.write import write_pack
from app.store import Store
from tests.export_md import nonblank

ROOT = Path(__file__).resolve().parent.parent
BASE_FILES = [
    *sorted((ROOT / "questionnaires").glob("*.toml")),
    ROOT / "questionnaires" / "examples" / "vendor.toml",
]
BASES: dict[str, bytes] = {p.name: p.read_bytes() for p in BASE_FILES}
RAW: dict[str, dict] = {name: tomllib.loads(data.decode()) for name, data in BASES.items()}

DEFAULT_CASES = 200
CASES = int(os.environ.get("PREFLIGHT_FUZZ_CASES") or DEFAULT_CASES)
CAP_SECONDS = 5.0
ALLOWED = (PreflightError, AnswerError)
"""What may reach a caller past the loader: `StoreError` and `NotFound` are PreflightErrors;
`AnswerError` comes from `check_value`. (`ExpressionError` and `AnswerFileError` are never
raised to these callers: expressions are checked at load, no answer file is read here.)"""

SLOWEST: list[tuple[float, str]] = []
"""(seconds, case) of the slowest cases of the run; printed by tests/conftest.py."""


# -- failure classes: one per kind of finding, so each shows apart in hypothesis' report --------


class FuzzFailure(AssertionError):
    pass


class KnownDefect1IntGrowth(FuzzFailure):
    pass


class KnownDefect2TomlBigInt(FuzzFailure):
    pass


class KnownDefect3Control(FuzzFailure):
    pass


class ForeignException(FuzzFailure):
    pass


class BadProblem(FuzzFailure):
    pass


class BadExport(FuzzFailure):
    pass


class TooSlow(FuzzFailure):
    pass


class CaseTimeout(BaseException):
    """Raised by the alarm; a BaseException so no `except Exception` in the product eats it."""


# -- writing TOML (no TOML writer is a dependency) ---------------------------------------------


class Raw(str):
    """TOML text put into the file as is: 5,000-digit integers, 10k-deep arrays, `nan`, …"""

    def __repr__(self) -> str:
        return f"Raw({_short(str(self))})"


def _short(text: str, limit: int = 60) -> str:
    return repr(text) if len(text) <= limit else f"{text[:40]!r}…<{len(text)} chars>"


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def toml_str(value: str) -> str:
    out = json.dumps(value, ensure_ascii=False)  # JSON escapes are TOML basic-string escapes
    out = out.replace("\x7f", "\\u007f")
    return "".join(f"\\u{ord(c):04x}" if 0xD800 <= ord(c) <= 0xDFFF else c for c in out)


def toml_key(key: str) -> str:
    return key if _BARE.match(key) else toml_str(key)


def toml_value(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        text = repr(value)
        return text if any(c in text for c in ".e") else text + ".0"
    if isinstance(value, str):
        return toml_str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return value.isoformat()  # dates and times


def toml_doc(data: dict) -> str:
    """Scalars first, then each top-level list of tables as `[[name]]` blocks."""
    lines, blocks = [], []
    for key, value in data.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for item in value:
                blocks.append(f"\n[[{toml_key(key)}]]")
                blocks.extend(f"{toml_key(k)} = {toml_value(v)}" for k, v in item.items())
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    return "\n".join(lines + blocks) + "\n"


# -- mutations ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Case:
    """A base pack and the mutations applied to it, in order (all plain data)."""

    base: str
    ops: tuple = ()

    def __repr__(self) -> str:
        ops = ", ".join(
            "(" + ", ".join(_short(x) if isinstance(x, str) else repr(x) for x in op) + ")"
            for op in self.ops
        )
        return f"Case({self.base!r}, [{ops}])"


STRUCTURED = {"set", "delete", "add_key", "dup_item", "append", "bulk"}


def apply(case: Case) -> bytes:
    data = copy.deepcopy(RAW[case.base])
    ops = list(case.ops)
    if any(op[0] in STRUCTURED for op in ops):
        for op in ops:
            if op[0] in STRUCTURED:
                _apply_structured(data, op)
        out = toml_doc(data).encode("utf-8", "surrogatepass")
    else:
        out = BASES[case.base]
    for op in ops:
        if op[0] not in STRUCTURED:
            out = _apply_text(out, op)
    return out


def _walk(data: Any, path: tuple) -> tuple[Any, Any] | None:
    """(container, key) of `path`, or None when the path no longer exists."""
    node = data
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    if isinstance(node, dict) or (isinstance(node, list) and isinstance(path[-1], int)):
        return node, path[-1]
    return None


def _apply_structured(data: dict, op: tuple) -> None:
    kind = op[0]
    if kind == "append":  # ("append", section, [items])
        section = data.setdefault(op[1], [])
        if isinstance(section, list):
            section.extend(copy.deepcopy(op[2]))
        return
    if kind == "bulk":  # ("bulk", section, count): many copies of the first item, new ids
        section = data.get(op[1])
        if isinstance(section, list) and section and isinstance(section[0], dict):
            for i in range(op[2]):
                item = copy.deepcopy(section[0])
                item["id"] = f"bulk_{op[1][:1]}{i}"
                section.append(item)
        return
    found = _walk(data, op[1])
    if found is None:
        return
    node, key = found
    if isinstance(node, list) and not -len(node) <= key < len(node):
        return
    if kind == "set":
        node[key] = copy.deepcopy(op[2])
    elif kind == "delete":
        if isinstance(node, dict):
            node.pop(key, None)
        else:
            del node[key]
    elif kind == "add_key":  # ("add_key", path-of-table + (new key,), value)
        if isinstance(node, dict):
            node[key] = copy.deepcopy(op[2])
    elif kind == "dup_item" and isinstance(node, list):
        node.insert(key, copy.deepcopy(node[key]))


def _apply_text(data: bytes, op: tuple) -> bytes:
    kind = op[0]
    if not data:
        return data
    if kind == "flip":
        pos = op[1] % len(data)
        return data[:pos] + bytes([op[2]]) + data[pos + 1 :]
    if kind == "truncate":
        return data[: op[1] % len(data)]
    if kind == "insert":
        pos = op[1] % (len(data) + 1)
        return data[:pos] + op[2].encode("utf-8", "surrogatepass") + data[pos:]
    lines = data.split(b"\n")
    i = op[1] % len(lines)
    if kind == "drop_line":
        del lines[i]
    elif kind == "dup_line":
        lines.insert(i, lines[i])
    elif kind == "swap_lines":
        j = op[2] % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "insert_line":
        lines.insert(i, op[2].encode("utf-8", "surrogatepass"))
    return b"\n".join(lines)


# Hostile values and text.

HUGE = [
    Raw("9" * 5000),
    Raw("-" + "1" * 4301),
    Raw("1" + "0" * 4299),  # 4,300 digits: the most int() reads from text
    Raw("0x" + "f" * 4000),  # hex is not limited: ~4,800 decimal digits
    Raw("1e308"),
    Raw("1e309"),
    Raw("-1.7976931348623157e308"),
    Raw("5e-324"),
    Raw("-0"),
    Raw("-0.0"),
    Raw("nan"),
    Raw("-nan"),
    Raw("inf"),
    Raw("-inf"),
    2**63,
    -(2**63) - 1,
    2**64,
    10**15 + 1,
]
DEEP = [
    Raw("[" * 10_000 + "]" * 10_000),
    Raw("[" * 1000 + "1" + "]" * 1000),
    Raw("[" * 60 + "]" * 60),
    Raw("{a = " * 10_000 + "1" + "}" * 10_000),
    Raw("{a = " * 200 + "1" + "}" * 200),
    Raw("[" + ", ".join(["{x = [1, {y = 2}]}"] * 20) + "]"),
]
WRONG_TYPES = [
    "",
    " ",
    "x",
    "1",
    True,
    False,
    0,
    -1,
    3.5,
    [],
    [1, "a"],
    {},
    {"id": "x"},
    Raw("1979-05-27T07:32:00Z"),
    Raw("1979-05-27"),
    Raw("07:32:00"),
    Raw("'literal\\n'"),
    Raw('"""multi\nline"""'),
]
MARKUP = [
    "[/x]",
    "[bold red]x[/]",
    "[link=https://x]y[/link]",
    "\x1b[31mred\x1b[0m",
    "\x1b]8;;http://x\x07link\x1b]8;;\x07",
    "\x9b31m",
    "\u202eevil\u202c",
    "\u2066iso\u2069",
    "a\u2028b",
    "line\nbreak",
    "tab\there",
    "\r",
    "\x00",
    "\x7f",
    "\ud800",
    "|cell|",
    "`code`",
    "<script>x</script>",
    "&amp;",
    "# heading",
    "*" * 300,
    "x" * 301,
    "é" * 1000,
    "\U0001f600" * 50,
    "\u0301" * 20,
    "   ",
]
FIXED_EXPRS = [
    "__import__('os').system('echo pwned')",
    "__builtins__",
    "open('/etc/passwd')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.y",
    "a[0]",
    "lambda: 1",
    "[x for x in (1, 2)]",
    "f'{1}'",
    "2 ** 10000",
    "9 ** 9 ** 9",
    "round(5, -10000000)",
    "round(1.5, 15)",
    "'a' * 1000000",
    "1e999",
    "9" * 5000,
    "1 / 0",
    "1 // 0",
    "1 % 0",
    "(" * 24 + "1" + ")" * 24,
    "(" * 25 + "1" + ")" * 25,
    "(" * 5000 + "1" + ")" * 5000,
    ")" * 30 + "(" * 30,
    "-" * 400 + "1",
    "not " * 120 + "true",
    "1 + " * 199 + "1",
    "1 + " * 250 + "1",
    "x" * 501,
    "1 if true else 2 if false else 3",
    "min(" * 20 + "1" + ", 2)" * 20,
    "count('" + "a" * 400 + "')",
    "has((1, 2), 1)",
    "true and unknown(1)",
    "1 < 2 < 3 < 4 < 5 < 6",
    "\x1b[31m",
    "'\x1b[31m' == '\u202e'",
    "",
    " ",
    "#",
    "1;2",
    "a := 1",
    "yield 1",
    "await x",
    "x if y",
]
SNIPPETS = [
    "\n[[questions]]\n",
    "\n[[derived]]\nid = 'fz'\ntitle = 'x'\nexpr = 'fz * fz'\n",
    "\n[x]\n",
    "\nid = 'dup'\n",
    '"',
    "'''",
    "[",
    "]",
    "{",
    "=",
    "\\",
    "\\u",
    "\\ud800",
    "\x00",
    "\ufeff",
    "\x1b[31m",
    "\u202e",
    "9" * 5000,
    "\n" * 3,
    "#",
    "\r",
]


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    out = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        path = (*prefix, key)
        out.append(path)
        if isinstance(value, (dict, list)):
            out.extend(_paths(value, path))
    return out


def _names(raw: dict) -> tuple[list[str], list[str]]:
    """All question and derived ids of a base pack, and its number questions."""
    questions = [q for q in raw.get("questions", []) if isinstance(q, dict)]
    names = [q["id"] for q in questions] + [d["id"] for d in raw.get("derived", [])]
    numbers = [q["id"] for q in questions if q.get("kind") == "number"] or names[:1]
    return names, numbers


PATHS = {name: _paths(raw) for name, raw in RAW.items()}
TEXT_KEYS = ("title", "text", "help", "label", "why", "fix", "description", "unit")
TEXT_PATHS = {
    name: [p for p in paths if p[-1] in TEXT_KEYS or (len(p) > 1 and p[-2] == "levels")]
    for name, paths in PATHS.items()
}
EXPR_SLOTS = {
    name: [("questions", i, "show_if") for i in range(len(raw["questions"]))]
    + [("gates", i, "when") for i in range(len(raw.get("gates", [])))]
    + [("derived", i, "expr") for i in range(len(raw.get("derived", [])))]
    for name, raw in RAW.items()
}


def product(name: str, factors: int) -> str:
    """`name` multiplied by itself `factors` times, in groups so the tree stays shallow:
    `(a*a*a)*(a*a*a)*…` passes the expression limits (length, parts, depth) up to ~100."""
    size = max(1, math.isqrt(factors))
    groups = ["*".join([name] * min(size, factors - i)) for i in range(0, factors, size)]
    return "*".join(f"({g})" for g in groups)


def growth(start: str, levels: int, width: int) -> list[dict]:
    """`fz0` = `start`, then derived values each the one before to the power `width` (fewer
    factors when the expression would pass `expr.MAX_LENGTH`)."""
    items = [{"id": "fz0", "title": "Growth start", "expr": start}]
    for i in range(1, levels + 1):
        previous = f"fz{i - 1}"
        factors = max(2, min(width, 100))
        source = product(previous, factors)
        while len(source) > MAX_LENGTH:
            factors -= 1
            source = product(previous, factors)
        items.append({"id": f"fz{i}", "title": f"Growth {i}", "expr": source})
    return items


def cycle(name: str, length: int) -> list[dict]:
    """Derived values reading each other in a ring, the first also reading `name`."""
    ids = [f"fz_cyc{i}" for i in range(length)]
    return [
        {"id": d, "title": "Cycle", "expr": f"{ids[(i + 1) % length]} + {name}"}
        for i, d in enumerate(ids)
    ]


def _gate_on(name: str) -> dict:
    return {
        "id": "fz_gate",
        "title": "Fuzz gate",
        "level": "red",
        "when": f"{name} > 0",
        "why": "Fuzz.",
        "fix": "Fuzz.",
        "receipt": "eval_plan",
    }


@st.composite
def expressions(draw, names: list[str]) -> str:
    name = st.sampled_from(names)
    return draw(
        st.one_of(
            st.sampled_from(FIXED_EXPRS),
            name,
            st.builds(lambda a, b: f"{a} ** {b}", name, name),
            st.builds(lambda a: f"{a}.__class__", name),
            st.builds(lambda a, k: " * ".join([a] * k), name, st.integers(2, 120)),
            st.builds(lambda d: "(" * d + "1" + ")" * d, st.integers(1, 40)),
            st.builds(lambda a, b: f"{a} > {b} and not {b}", name, name),
            st.text(max_size=40),
        )
    )


@st.composite
def structured_op(draw, base: str) -> tuple:
    raw = RAW[base]
    names, numbers = _names(raw)
    kind = draw(
        st.sampled_from(
            ["set", "set", "text", "expr", "expr", "delete", "add_key", "dup_item", "growth"]
            + ["cycle", "show_if_cycle", "bulk"]
        )
    )
    if kind == "set":
        path = draw(st.sampled_from(PATHS[base]))
        value = draw(st.sampled_from(HUGE + DEEP + WRONG_TYPES + MARKUP))
        return ("set", path, value)
    if kind == "text":
        return ("set", draw(st.sampled_from(TEXT_PATHS[base])), draw(st.sampled_from(MARKUP)))
    if kind == "expr":
        return ("set", draw(st.sampled_from(EXPR_SLOTS[base])), draw(expressions(names)))
    if kind == "delete":
        return ("delete", draw(st.sampled_from(PATHS[base])))
    if kind == "add_key":
        tables = [p for p in PATHS[base] if isinstance(p[-1], int)] + [()]
        key = draw(st.sampled_from(["extra", "Id", "__class__", "\x1b[31m", "\u202e", "min"]))
        return ("add_key", (*draw(st.sampled_from(tables)), key), draw(st.sampled_from(HUGE)))
    if kind == "dup_item":
        items = [p for p in PATHS[base] if isinstance(p[-1], int)]
        return ("dup_item", draw(st.sampled_from(items)))
    if kind == "growth":
        start = draw(st.sampled_from(numbers))
        levels, width = draw(st.integers(1, 6)), draw(st.integers(2, 99))
        return ("append", "derived", growth(start, levels, width))
    if kind == "cycle":
        return ("append", "derived", cycle(draw(st.sampled_from(names)), draw(st.integers(1, 4))))
    if kind == "show_if_cycle":
        i = draw(st.integers(0, len(raw["questions"]) - 1))
        qid = raw["questions"][i]["id"]
        return ("set", ("questions", i, "show_if"), f"fz_cyc0 > 1 or {qid} == 1")
    section = draw(st.sampled_from(["questions", "gates", "derived"]))
    return ("bulk", section, draw(st.sampled_from([20, 300])))


@st.composite
def text_op(draw) -> tuple:
    kind = draw(
        st.sampled_from(
            ["flip", "truncate", "insert", "drop_line", "dup_line", "swap_lines", "insert_line"]
        )
    )
    pos = draw(st.integers(0, 20_000))
    if kind == "flip":
        byte = draw(st.one_of(st.integers(0, 255), st.sampled_from(list(b'"[]=\n\\{}#\x00\x1b'))))
        return ("flip", pos, byte)
    if kind == "truncate":
        return ("truncate", pos)
    if kind in ("insert", "insert_line"):
        return (kind, pos, draw(st.sampled_from(SNIPPETS)))
    if kind == "swap_lines":
        return ("swap_lines", pos, draw(st.integers(0, 20_000)))
    return (kind, pos)


@st.composite
def cases(draw) -> Case:
    base = draw(st.sampled_from(sorted(BASES)))
    mode = draw(st.sampled_from(["structured", "structured", "text", "both"]))
    ops: list[tuple] = []
    if mode in ("structured", "both"):
        ops += draw(st.lists(structured_op(base), min_size=1, max_size=4))
    if mode in ("text", "both"):
        ops += draw(st.lists(text_op(), min_size=1, max_size=4))
    return Case(base, tuple(ops))


# -- answers -----------------------------------------------------------------------------------

ANSWER_TEXT = ["Acme", "x", "[/x] *a* |b| `c`", "\x1b[31mred", "\u202eevil", "a\nb", "é" * 300]
NUMBERS = [10**15, 10**9, 600000, 12345, 100, 7, 2, 1, 0, -0.0, 0.5, -1, -(10**15), 1e15, 1.5e9]


def candidates(question) -> list[Any]:
    """Values to try for a question, roughly most hostile first; `check_value` filters them."""
    kind = question.kind
    if kind is Kind.yes_no:
        return ["yes", "no", "unknown"]
    if kind is Kind.choice:
        return question.option_ids()
    if kind is Kind.multi:
        ids = question.option_ids()
        return [ids, [], ids[:1], ids[1:]]
    if kind is Kind.scale:
        return [3, 1, 2]
    if kind is Kind.number:
        bounds = [b for b in (question.max, question.min) if b is not None and math.isfinite(b)]
        # Stored numbers are ints when whole (as `parse_text` makes them): ints can grow.
        return [*(int(b) if b.is_integer() else b for b in bounds), *NUMBERS]
    if kind is Kind.person:
        return [{"name": t.replace("\n", " ") or "n", "role": "r"} for t in ANSWER_TEXT]
    if kind is Kind.date:
        return ["2026-03-02", "0001-01-01", "9999-12-31"]
    if kind is Kind.evidence:
        return ["https://ex.com/a|b)c<d>", "docs/a (1).md", "javascript:alert(1)", "x" * 2000]
    return ANSWER_TEXT


# -- one case, end to end ----------------------------------------------------------------------

_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _raise(cls: type[FuzzFailure], stage: str, message: str, exc: BaseException | None = None):
    detail = f"[{stage}] {message}"
    summary = re.split(r":| in | \(", message)[0]
    kind = f"[{stage}] {summary}" + (f" {type(exc).__name__}" if exc is not None else "")
    if exc is not None:
        tail = "".join(traceback.format_exception(exc)[-6:])
        detail += f"\n{type(exc).__name__}: {_short(str(exc), 200)}\n{tail}"
    failure = cls(detail)
    failure.kind = kind  # for the survey's grouping: stage, what, exception type
    raise failure from exc


def _classify(stage: str, exc: BaseException) -> type[FuzzFailure]:
    text = str(exc)
    if isinstance(exc, ValueError) and "Exceeds the limit" in text and "digits" in text:
        return KnownDefect2TomlBigInt if stage == "load" else KnownDefect1IntGrowth
    return ForeignException


class _Alarm:
    """Interrupt the case after `seconds` (SIGALRM), so a hang fails fast instead of for minutes."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.usable = hasattr(signal, "setitimer")

    def _fire(self, signum, frame):
        raise CaseTimeout()

    def __enter__(self):
        if self.usable:
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


class Runner:
    """Writes a case's file, then loads, answers, evaluates, stores and exports it."""

    def __init__(self, folder: Path, store: Store) -> None:
        self.folder = folder
        self.store = store
        self.count = 0

    def run(self, case: Case, pick=None) -> None:
        """`pick(question, values)` chooses an answer (None: leave unanswered); default: the
        first value that passes."""
        self.count += 1
        case_dir = self.folder / f"case{self.count}"
        case_dir.mkdir()
        path = case_dir / case.base
        path.write_bytes(apply(case))
        stage = "load"
        started = time.perf_counter()
        try:
            with _Alarm(CAP_SECONDS):
                result = load_packs([path], use_cache=False)
                self._check_problems(path, result.problems)
                stage = "cache"
                self._check_cache(path, case_dir, result)
                if not result.packset.packs:
                    return
                stage = "answers"
                answers = self._answers(result.packset, pick)
                stage = "evaluate"
                evaluate(result.packset, {q: v for q, (v, _, _) in answers.items()})
                stage = "export"
                self._export(case_dir, result.packset, answers)
        except CaseTimeout:
            cls = KnownDefect1IntGrowth if stage in ("evaluate", "export") else TooSlow
            _raise(cls, stage, f"over {CAP_SECONDS:g} s")
        except FuzzFailure:
            raise
        except ALLOWED as exc:
            if stage not in ("answers", "export"):  # the loader and the engine raise nothing
                _raise(ForeignException, stage, f"{type(exc).__name__} escaped", exc)
        except BaseException as exc:  # noqa: BLE001 - that is the point: nothing else escapes
            if isinstance(exc, KeyboardInterrupt) or type(exc).__module__.startswith("hypothesis"):
                raise  # hypothesis' own control flow (a draw past its buffer, …)
            _raise(_classify(stage, exc), stage, "foreign exception", exc)
        finally:
            elapsed = time.perf_counter() - started
            SLOWEST.append((elapsed, repr(case)))
            SLOWEST.sort(reverse=True)
            del SLOWEST[5:]
        if elapsed > CAP_SECONDS:
            _raise(TooSlow, stage, f"{elapsed:.1f} s")

    @staticmethod
    def _check_problems(path: Path, problems) -> None:
        for problem in problems:
            if problem.file != str(path):
                _raise(BadProblem, "load", f"problem names another file: {problem}")
            if not (isinstance(problem.location, str) and problem.location.strip()):
                _raise(BadProblem, "load", f"problem without a location: {problem!r}")
            if not (isinstance(problem.message, str) and problem.message.strip()):
                _raise(BadProblem, "load", f"problem without a message: {problem!r}")
            text = f"{problem.location}: {problem.message}"
            if "\n" in text or _CONTROL.search(text):
                _raise(KnownDefect3Control, "load", f"control character in {problem!r}")

    @staticmethod
    def _check_cache(path: Path, case_dir: Path, result) -> None:
        """A pack that passed reads back from the pack cache as the same pack."""
        if result.problems or not result.packset.packs:
            return
        cache = PackCache(case_dir / "cache")
        fresh, problems = read_pack(path, cache)
        cache.save()
        cached, _ = read_pack(path, PackCache(case_dir / "cache"))
        if problems or cached is None or repr(cached) != repr(fresh):
            _raise(BadProblem, "cache", f"pack changed through the cache: {problems}")

    def _answers(self, packset, pick) -> dict[str, tuple[Any, str | None, str | None]]:
        """Each question's candidate values that `check_value` takes (AnswerError: not one of
        them); `pick` chooses one or None (unanswered), else the first is used."""
        out = {}
        for qid, question in packset.questions.items():
            valid = []
            for value in candidates(question):
                try:
                    checked = check_value(question, value)
                except AnswerError:
                    continue
                if checked not in valid:
                    valid.append(checked)
            chosen = pick(question, valid) if pick else (valid[0] if valid else None)
            if chosen is not None:
                out[qid] = (chosen, None, None)
        return out

    def _export(self, case_dir: Path, packset, answers) -> None:
        title = packset.packs[0].title
        try:
            assessment = self.store.create(title)
        except PreflightError:
            assessment = self.store.create("fuzz")
        entries = [
            (qid, value, "note [/x] \x1b[31m", "docs/evidence.md" if i % 3 == 0 else None)
            for i, (qid, (value, _, _)) in enumerate(answers.items())
        ]
        self.store.replace_answers(assessment.id, entries, answered_by="Fuzz")
        gates = list(packset.gates)
        if gates:
            self.store.set_waiver(
                assessment.id, gates[0], reason="\u202e[/x]", approver="A", expires="9999-12-31"
            )
            self.store.set_followup(assessment.id, gates[-1], owner="\x1b[31mO", note="|x|")
        snapshot = snapshot_from_store(self.store, assessment.id, packset)
        out = case_dir / "out"
        written = write_pack(snapshot, out, force=True, fmt="md")
        written += write_pack(snapshot, out, force=True, fmt="json")
        for file in written:
            text = file.read_text("utf-8")
            if file.suffix == ".json":
                if not text.isascii():
                    _raise(BadExport, "export", f"JSON is not ASCII ({file.name})")
                json.loads(text)
                continue
            found = _CONTROL.search(text)
            if found:
                _raise(
                    KnownDefect3Control,
                    "export",
                    f"control character {found.group()!r} in {file.name}",
                )
            if file.name.endswith("-receipts.md"):
                lines = nonblank(text)
                if len(lines) > MAX_LINES or max(len(line) for line in lines) > WIDTH:
                    _raise(BadExport, "export", f"page over its limits ({file.name})")


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    with Store.open(folder / "fuzz.db") as store:
        yield Runner(folder, store)


# -- the tests ---------------------------------------------------------------------------------


def test_bases_pass_unmutated(runner):
    for name in BASES:
        runner.run(Case(name))


def _hostile_cases() -> dict[str, Case]:
    """The brief's hostile inputs, one case each; ids starting K1-/K2- hit known defect 1/2."""
    prod = "production.toml"
    raw = RAW[prod]
    number = next(i for i, q in enumerate(raw["questions"]) if q["kind"] == "number")
    gate_title = ("gates", 0, "title")
    cases = {
        f"K2-min-{label[3:]}" if label.startswith("K2-") else f"min-{label}": Case(
            prod, (("set", ("questions", number, "min"), value),)
        )
        for label, value in [
            ("K2-int-5000-digits", HUGE[0]),
            ("K2-int-4301-digits-negative", HUGE[1]),
            ("int-4300-digits", HUGE[2]),
            ("hex-4000-digits", HUGE[3]),
            ("1e308", HUGE[4]),
            ("1e309", HUGE[5]),
            ("minus-0", HUGE[8]),
            ("nan", HUGE[10]),
            ("inf", HUGE[12]),
            ("-inf", HUGE[13]),
        ]
    }
    cases["K2-format-5000-digits"] = Case(prod, (("set", ("format",), HUGE[0]),))
    cases["array-10k-deep"] = Case(prod, (("set", ("title",), DEEP[0]),))
    cases["inline-table-10k-deep"] = Case(prod, (("set", ("title",), DEEP[3]),))
    cases["inline-table-200-deep-as-question"] = Case(prod, (("set", ("questions", 0), DEEP[4]),))
    for label, source in [
        ("import", FIXED_EXPRS[0]),
        ("attribute", "cost_per_call_usd.__class__"),
        ("power", "cost_per_call_usd ** pilot_calls_per_day"),
        ("long", "cost_per_call_usd + " * 40 + "1"),
        ("parens-24", FIXED_EXPRS[19]),
        ("parens-5000", FIXED_EXPRS[21]),
        ("literal-5000-digits", FIXED_EXPRS[15]),
        ("round-huge", FIXED_EXPRS[11]),
    ]:
        cases[f"expr-{label}"] = Case(prod, (("set", ("derived", 0, "expr"), source),))
    for levels, width in [(1, 100), (2, 100), (4, 100)]:
        chain = growth("pilot_calls_per_day", levels, width)
        gate = _gate_on(chain[-1]["id"])
        known = "K1-" if levels > 1 else ""  # 9 digits to the 100th, twice: 90,000 digits
        cases[f"{known}growth-{levels}x{width}"] = Case(
            prod, (("append", "derived", chain), ("append", "gates", [gate]))
        )
    cases["cycle-derived"] = Case(prod, (("append", "derived", cycle("pilot_calls_per_day", 2)),))
    cases["cycle-show-if"] = Case(
        prod,
        (
            ("append", "derived", [{"id": "fz_cyc0", "title": "C", "expr": "cost_per_call_usd"}]),
            ("set", ("questions", number, "show_if"), "fz_cyc0 > 1"),
        ),
    )
    for label, text in [
        ("rich-close", "[/x]"),
        ("ansi", "\x1b[31mred"),
        ("bidi", "\u202eevil"),
        ("bidi-isolate", "\u2066x\u2069"),
        ("line-separator", "a\u2028b"),
        ("markdown", "| `x` *y* <b>"),
    ]:
        cases[f"title-{label}"] = Case(prod, (("set", gate_title, text), ("set", ("title",), text)))
    cases["text-lone-surrogate-escape"] = Case(prod, (("insert", 0, 'x = "\\ud800"\n'),))
    cases["text-invalid-utf8"] = Case(prod, (("flip", 10, 0xFF),))
    cases["text-nul"] = Case(prod, (("flip", 10, 0),))
    cases["text-bom"] = Case(prod, (("insert", 0, "\ufeff"),))
    cases["text-empty"] = Case(prod, (("truncate", 0),))
    cases["K2-text-int-5000-digits-line"] = Case(prod, (("insert_line", 0, "x = " + "9" * 5000),))
    return cases


HOSTILE = _hostile_cases()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_pack(runner, name):
    runner.run(HOSTILE[name])


def _summary(findings: dict[str, list[tuple[str, str]]], cases: int) -> str:
    lines = [f"{sum(map(len, findings.values()))} of {cases} cases failed:"]
    for name, found in sorted(findings.items()):
        case, message = min(found, key=lambda f: len(f[0]))
        lines.append(f"  {name}: {len(found)} case(s); shortest: {case[:400]}")
        lines.append(f"    {message[:400]}")
    return "\n".join(lines)


def test_fuzz_packs(runner):
    """CASES mutated packs. Every failing case is collected and the test fails once at the end,
    listing each failure class with its count and shortest case; PREFLIGHT_FUZZ_SHRINK=1
    instead raises on the first failure and lets hypothesis shrink it."""
    findings: dict[str, list[tuple[str, str]]] = {}
    shrink = os.environ.get("PREFLIGHT_FUZZ_SHRINK") == "1"

    @settings(
        max_examples=CASES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(), data=st.data())
    def check(case, data):
        def pick(question, values):
            return data.draw(st.sampled_from([None, *values]), label=question.id)

        try:
            runner.run(case, pick)
        except FuzzFailure as exc:
            if shrink:
                raise
            lines = [line.strip() for line in str(exc).split("\n")[:2] if line.strip()]
            detail = " | ".join(lines)
            kind = f"{type(exc).__name__} {getattr(exc, 'kind', '')}"
            findings.setdefault(kind, []).append((repr(case), detail))

    check()
    assert not findings, _summary(findings, CASES)
