"""User and pack text made safe for one line of a terminal or a file.

The one cleaner every front end uses before showing text it did not write: the wizard, plain
mode, `preflight list` and the receipts pack (which escapes Markdown on top, in
`app.export.escape`).
"""

from __future__ import annotations

import re
import unicodedata

_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_BREAKS = set("\n\r\t\v\f\x85\u2028\u2029")
_SPACES = re.compile(r"\s+")


def one_line(value: object) -> str:
    """Printable text on one line: C0/C1 controls (ESC included), DEL, lone surrogates and
    bidi overrides removed; breaks and tabs become spaces; whitespace runs collapse."""
    raw = str(value)
    if raw.isprintable() and raw == raw.strip() and "  " not in raw:
        return raw  # the common case, without a per-character walk
    out = []
    for ch in raw:
        if ch in _BREAKS:
            out.append(" ")
            continue
        if unicodedata.category(ch) in ("Cc", "Cs") or ch in _BIDI:
            continue
        out.append(ch)
    return _SPACES.sub(" ", "".join(out)).strip()


def fit_words(value: object, width: int) -> str:
    """`one_line(value)` in at most `width` characters: cut after the last whole word that fits,
    with "…", never inside a word (unless the first word alone is too long)."""
    text = one_line(value)
    if len(text) <= width:
        return text
    if width < 2:
        return "…"[:width]
    head = text[: width - 1]
    if text[width - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return (head.rstrip(" ,;:—–-/·") or text[: width - 1]) + "…"


def lines(value: object) -> str:
    """Like `one_line` for each line of a multi-line message, keeping its line breaks."""
    return "\n".join(one_line(line) for line in str(value).splitlines())


_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff" + "".join(sorted(_BIDI)) + "]")
"""What `json.dumps(ensure_ascii=False)` leaves raw that a terminal could act on (it already
escapes C0 controls): DEL, C1 controls, lone surrogates, bidi overrides."""


def terminal_json(value: object, indent: int | None = 2) -> str:
    """JSON text as readable UTF-8 whose every character is safe on a terminal: DEL, C1
    controls (0x9b starts an escape on some terminals), bidi overrides and lone surrogates are
    written as \\uXXXX escapes, so the data still reads back exactly."""
    import json

    text = json.dumps(value, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def has_control(value: str, allow_newline: bool = False) -> bool:
    """Does `value` hold a C0 or C1 control character or DEL (ANSI escapes among them)?

    The one printable rule for text Preflight stores: pack text, names, evidence links.
    `allow_newline` lets longer texts (pack help, a description) keep their line breaks."""
    return bool((_CONTROL_BUT_NEWLINE if allow_newline else _CONTROL).search(value))


MAX_NAME = 200
"""The longest assessment or participant name (and role) Preflight stores."""


def name_problem(value: object, what: str = "a name") -> str | None:
    """Why `value` cannot be a stored name or role, or None: the one rule for both."""
    if not isinstance(value, str) or not value.strip():
        return f"{what} cannot be empty"
    if len(value.strip()) > MAX_NAME:
        return f"{what} is limited to {MAX_NAME} characters"
    if has_control(value):
        return f"{what} cannot hold control characters or line breaks"
    return None


def one_spelling(name: str) -> str:
    """A person's or an assessment's name as stored: "  Priya  Raman " is "Priya Raman"."""
    return " ".join(name.split())


def name_key(name: str) -> str:
    """What makes two participant names the same person: spelling and case aside."""
    return one_spelling(name).casefold()


def format_number(value: object) -> str:
    """A number for people: thousands separators, at most two decimals (3.5, 1,200, 0.01)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        value = int(value)
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")
