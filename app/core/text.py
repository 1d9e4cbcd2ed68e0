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
