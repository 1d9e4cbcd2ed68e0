"""Making user text safe for Markdown: the one place every name, note, answer and link goes through.

Rules, in order:

- `one_line` (app.core.text) removes what must never reach a file: C0 and C1 control characters (ESC included),
  DEL, lone surrogates and the invisible bidi overrides used to make text read differently
  than it is; line and paragraph breaks and tabs become spaces and whitespace runs collapse,
  so one field is always one line.
- `text` also backslash-escapes every ASCII punctuation character Markdown, GFM tables or HTML
  could read as syntax (pipes, backticks, emphasis, brackets, angle brackets, entities, …), so
  user text renders as the characters typed and never as markup, a link or a table cell break.
- `fit` does the same within a width, cutting the raw text (never an escape in half) and
  ending with `…`.
- `link` makes a link only of an http(s) URL or something that looks like a file path, with the
  destination percent-encoded; anything else (`javascript:`, `data:`, …) is plain escaped text.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from app.core.text import one_line

# ASCII punctuation that is Markdown, GFM or HTML syntax anywhere in a line. Block markers
# (`-`, `+`, `1.`, `=`) only matter at the start of a line, and exports never start a line
# with user text: it always follows a label, a list marker or a table pipe.
_SPECIAL = set("\\`*_[]<>#~|!&()")
_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)
_PATH = re.compile(r"^(?:\.{0,2}/|~/|[A-Za-z]:[\\/])?[\w.\-][\w.\-/\\ +@%,]*$")
_URL_SAFE = "/?#@!$&*+,;=%-._~:"


"""One line of printable text (see `app.core.text.one_line`)."""


def text(value: object) -> str:
    """`value` as inline Markdown that renders literally (safe inside a table cell)."""
    return _escape(one_line(value))


def _escape(raw: str) -> str:
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in raw)


def fit(value: object, width: int) -> str:
    """Like `text`, cut so the escaped result is at most `width` characters (ending in `…`)."""
    raw = one_line(value)
    escaped = _escape(raw)
    if len(escaped) <= width:
        return escaped
    used, cut = 1, 0  # the ellipsis
    for ch in raw:
        cost = 2 if ch in _SPECIAL else 1
        if used + cost > width:
            break
        used += cost
        cut += 1
    return _escape(raw[:cut].rstrip()) + "…"


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
