r"""Making user text safe for Markdown: the one place every name, note, answer and link goes through.

Rules, in order:

- `one_line` (app.core.text) removes what must never reach a file: C0 and C1 control characters
  (ESC included), DEL, lone surrogates and the invisible bidi overrides used to make text read
  differently than it is; line and paragraph breaks and tabs become spaces and whitespace runs
  collapse, so one field is always one line.
- `text` backslash-escapes only what would start markup where the text stands, so a pasted
  page reads as typed (`Priya Raman (Tech lead)`, `in_progress`, `Security & compliance` need
  no backslash): everywhere `` ` `` `*` `[` `]`, `~` unless spaces surround it, `<` unless a
  space follows, `\` before punctuation or at the end,
  `_` unless it sits inside a word, `&` before an entity; in a table cell also `|`; where the
  text starts a line or follows a list marker (`start=True`) also a leading `#` `>` `-` `+` `=`
  or the `.`/`)` of `1.`/`1)`, so `1. Cost` after `- ` does not become a nested list.
- `fit` does the same within a width, cutting the raw text (never an escape in half) and
  ending with `…`; the one-page receipts page never cuts (it wraps, `wrap`).
- `link` makes a link only of an http(s) URL or something that looks like a file path, with the
  destination percent-encoded; anything else (`javascript:`, `data:`, …) is plain escaped text.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from app.core.text import one_line

_ALWAYS = set("`*[]")
"""Inline markup in any position (code, emphasis, links and images, HTML and autolinks, GFM
strikethrough)."""
_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK_START = re.compile(r"^(?:[#>+=-]|\d{1,9}[.)])")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
_PATH = re.compile(r"^(?:\.{0,2}/|~/|[A-Za-z]:[\\/])?[\w.\-][\w.\-/\\ +@%,]*$")
_URL_SAFE = "/?#@!$&*+,;=%-._~:"


def text(value: object, *, cell: bool = True, start: bool = False) -> str:
    """`value` as inline Markdown that renders literally where it is placed: mid-line by
    default, inside a GFM table cell with `cell`, at the start of a line (or right after a
    list marker) with `start`."""
    return _escape(one_line(value), cell=cell, start=start)


def heading(value: object) -> str:
    """Text for a `#` heading: a `#` anywhere could close it, so every `#` is escaped."""
    return text(value).replace("#", "\\#")


_MAYBE = re.compile(r"[`*\[\]\\_&<~|]")
"""Any character that might need a backslash: most text has none and is returned as is."""


def _escape(raw: str, *, cell: bool = True, start: bool = False) -> str:
    if not _MAYBE.search(raw):
        return _block_start(raw) if start else raw
    out = []
    last = len(raw) - 1
    for index, ch in enumerate(raw):
        if ch in _ALWAYS or (cell and ch == "|"):
            out.append("\\" + ch)
        elif ch == "\\":
            following = raw[index + 1] if index < last else ""
            out.append("\\\\" if not following or following in _ASCII_PUNCT else ch)
        elif ch == "_":
            before = raw[index - 1] if index else ""
            after = raw[index + 1] if index < last else ""
            # Inside a word (`in_progress`) an underscore can neither open nor close emphasis.
            out.append("_" if before.isalnum() and after.isalnum() else "\\_")
        elif ch == "~":
            before = raw[index - 1] if index else " "
            after = raw[index + 1] if index < last else " "
            # GFM strikethrough opens before and closes after a non-space: `~ WAIVED` is text.
            out.append("~" if before.isspace() and after.isspace() else "\\~")
        elif ch == "<" and raw[index + 1 : index + 2] not in ("", " ", "=", "-"):
            # Raw HTML and autolinks start `<` + a letter, `/`, `!` or `?`: `p95 < 3 s` is text.
            out.append("\\<")
        elif ch == "&" and _ENTITY.match(raw, index):
            out.append("\\&")
        else:
            out.append(ch)
    escaped = "".join(out)
    return _block_start(escaped) if start else escaped


def _block_start(text: str) -> str:
    """`text` with the last character of a leading block marker escaped (`1\\.`, `\\-`)."""
    found = _BLOCK_START.match(text)
    if not found:
        return text
    marker = found.group(0)
    return marker[:-1] + "\\" + marker[-1] + text[len(marker) :]


def fit(value: object, width: int, *, cell: bool = True) -> str:
    """Like `text`, cut so the escaped result is at most `width` characters (ending in `…`)."""
    raw = one_line(value)
    escaped = _escape(raw, cell=cell)
    if len(escaped) <= width:
        return escaped
    cut = len(raw)
    while cut > 0 and len(_escape(raw[:cut].rstrip(), cell=cell)) + 1 > width:
        cut -= 1
    return _escape(raw[:cut].rstrip(), cell=cell) + "…"


def wrap(
    value: object, width: int, first: str = "", rest: str = "", *, cell: bool = False
) -> list[str]:
    """`value` escaped and wrapped at spaces into lines of at most `width` characters, the
    first starting with `first` (say `- `), the others with `rest` (say two spaces). Nothing is
    cut: a word longer than a line is split across lines (shown with a space at the split)."""
    words = one_line(value).split(" ") if one_line(value) else []
    lines: list[str] = []
    prefix, current = first, ""
    for word in words:
        while word:
            candidate = f"{current} {word}" if current else word
            if len(prefix) + len(_escape(candidate, cell=cell, start=True)) <= width:
                current = candidate
                word = ""
                continue
            if current:
                lines.append(prefix + _escape(current, cell=cell, start=True))
                prefix, current = rest, ""
                continue
            # One word longer than a whole line: split it (the only way to keep it all).
            room = max(1, width - len(prefix) - 2)
            part, word = word[:room], word[room:]
            while part and len(_escape(part, cell=cell, start=True)) > width - len(prefix):
                part, word = part[:-1], part[-1] + word
            lines.append(prefix + _escape(part, cell=cell, start=True))
            prefix = rest
    if current or not lines:
        lines.append(prefix + _escape(current, cell=cell, start=True))
    return lines


def is_linkable(ref: str) -> bool:
    """An http(s) URL, or a relative or absolute file path without a URL scheme."""
    ref = one_line(ref)
    if not ref or ref.startswith("//"):
        return False
    if _URL.match(ref):
        return True
    return bool(_PATH.match(ref)) and "://" not in ref


def destination(ref: str) -> str:
    """The percent-encoded link target: no spaces, brackets, parentheses, pipes or quotes."""
    ref = one_line(ref)
    if _URL.match(ref):
        return quote(ref, safe=_URL_SAFE)
    return quote(ref.replace("\\", "/"), safe="/.-_~@%+,:")


def link(ref: object, label: str | None = None, width: int = 0) -> str:
    """A Markdown link for a URL or path, escaped text for anything else.

    `label` is the visible text (default: the reference itself); `width`, when given, bounds the
    whole result, falling back to the label alone when the link would not fit.
    """
    raw = one_line(ref)
    shown = label if label is not None else raw
    if not is_linkable(raw):
        return fit(raw, width) if width else text(raw)
    target = destination(raw)
    visible = fit(shown, max(8, width - len(target) - 4)) if width else text(shown)
    out = f"[{visible}]({target})"
    if width and len(out) > width:
        return fit(shown, width)
    return out


def compact_link(ref: object) -> str:
    """The shortest safe link: `<url>` for an http(s) URL, `[name](path)` for a path, else text."""
    raw = one_line(ref)
    if _URL.match(raw):
        return f"<{destination(raw)}>"
    return link(raw, short_ref(raw))


def short_ref(ref: object) -> str:
    """A short label for a reference: the last path segment or the host."""
    raw = one_line(ref).rstrip("/")
    if _URL.match(raw):
        rest = raw.split("://", 1)[1]
        host, _, path = rest.partition("/")
        last = path.rsplit("/", 1)[-1].split("?")[0].split("#")[0]
        return last or host
    return re.split(r"[\\/]", raw)[-1] or raw
