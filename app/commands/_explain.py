"""`preflight verify FILE --explain`: when a pack no longer matches, say what differs.

Two questions, answered apart:

- The digest differs from the database now: the exports log says when that digest was
  exported and which history line was the last then, so the answers as they stood are replayed
  from the history and compared with now (what `preflight diff` shows). With no export of that
  digest in the log (an older Preflight, another database) only the pack and Preflight versions
  the file names can be compared.
- The file was edited after export: its seal covers the whole body at once, so it cannot tell
  which lines changed. A fresh rendering of the same format from the database, dated as the file
  says, is compared line by line (field by field for JSON). That proves the file differs from
  what Preflight writes for these records now; it cannot prove what the file said when exported
  when the database changed since.

Every piece of file or user text goes through `app.core.text` before it is printed.
"""

from __future__ import annotations

import difflib
import json
import re
from typing import TYPE_CHECKING, Any

from app.core.text import fit_words, one_line

if TYPE_CHECKING:
    from app.core.packs import PackSet
    from app.export.seal import Sealed
    from app.export.snapshot import PackData
    from app.store import Store

MAX_LINES = 10
"""Differing lines (or JSON fields) shown; the rest are counted."""
WIDTH = 60
"""Characters of a line's text shown on each side."""
_DATE = re.compile(r"Date: (?P<day>\d{4}-\d{2}-\d{2})\b")
_PACKS = re.compile(r"^Packs: (?P<packs>.*?)\\?$", re.MULTILINE)
_VERSION = re.compile(r"Date: \d{4}-\d{2}-\d{2} · Preflight (?P<version>[^\s\\<]+)")


def file_kind(text: str) -> str:
    """ "html", "json" or "md", as `read_any` tells them apart."""
    from app.export.seal import HTML_START

    if text.startswith(HTML_START):
        return "html"
    return "json" if text.lstrip().startswith("{") else "md"


def file_date(text: str) -> str | None:
    """The pack date the file states (its `Date:` line, or the JSON `date`), if it is a day."""
    from app.core.days import DayError, parse_day

    if file_kind(text) == "json":
        try:
            found = json.loads(text).get("date")
        except (ValueError, AttributeError, RecursionError):
            return None
    else:
        match = _DATE.search(text)
        found = match["day"] if match else None
    if not isinstance(found, str):
        return None
    try:
        return parse_day(found)
    except DayError:
        return None


def file_versions(text: str) -> tuple[dict[str, str] | None, str | None]:
    """The pack versions and Preflight version the file names (None where it names none)."""
    if file_kind(text) == "json":
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            return None, None
        packs = doc.get("packs") if isinstance(doc, dict) else None
        version = doc.get("preflight") if isinstance(doc, dict) else None
        if isinstance(packs, dict):
            packs = {str(k): str(v) for k, v in packs.items()}
        else:
            packs = None
        return packs, version if isinstance(version, str) else None
    packs_found: dict[str, str] | None = None
    match = _PACKS.search(text)
    if match and match["packs"] != "none":
        packs_found = {}
        for item in match["packs"].split(", "):
            pid, _, version = item.strip().rpartition(" ")
            if pid and version and not pid.startswith("+"):
                packs_found[pid] = version
    version_match = _VERSION.search(text)
    return packs_found, version_match["version"] if version_match else None


# -- the file was edited ---------------------------------------------------------------------


def _quote(value: object) -> str:
    return f"'{fit_words(value, WIDTH)}'"


def line_differences(file_text: str, fresh: str) -> list[str]:
    """`line N: file has '…' / exported '…'` for each line that differs, in file order (lines
    inserted or removed do not shift the ones after them)."""
    mine, theirs = file_text.splitlines(), fresh.splitlines()
    out = []
    matcher = difflib.SequenceMatcher(a=mine, b=theirs, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            a = mine[i1 + k] if i1 + k < i2 else None
            b = theirs[j1 + k] if j1 + k < j2 else None
            number = i1 + k + 1 if a is not None else i2
            if a is not None and b is not None:  # show where they part, not a shared start
                a, b = _from_difference(a, b)
            has = _quote(a) if a is not None else "no line here"
            exported = _quote(b) if b is not None else "no line here"
            out.append(f"line {number}: file has {has} / exported {exported}")
    return out


def _from_difference(a: str, b: str) -> tuple[str, str]:
    """Both lines from a little before their first differing character, when a long shared
    start would push the difference past what is shown."""
    same = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    if same <= WIDTH // 2:
        return a, b
    start = same - 20
    return "…" + a[start:], "…" + b[start:]


def _flatten(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in value:
            out.update(_flatten(value[key], f"{path}.{key}" if path else str(key)))
        return out or {path: {}}
    if isinstance(value, list):
        out = {}
        for i, item in enumerate(value):
            out.update(_flatten(item, f"{path}[{i}]"))
        return out or {path: []}
    return {path: value}


def field_differences(file_text: str, fresh: str) -> list[str]:
    """`field F: file has '…' / exported '…'` for each JSON field that differs (the seal
    aside), in the fresh rendering's order, then the fields only the file has."""
    try:
        mine = json.loads(file_text)
    except (ValueError, RecursionError):
        return ["the file is not valid JSON any more"]
    theirs = json.loads(fresh)
    if isinstance(mine, dict):
        mine = {k: v for k, v in mine.items() if k != "seal"}
    theirs = {k: v for k, v in theirs.items() if k != "seal"}
    a, b = _flatten(mine), _flatten(theirs)
    out = []

    def show(value: Any) -> str:
        return "nothing" if value is _MISSING else _quote(json.dumps(value, ensure_ascii=False))

    for key in [*b, *(k for k in a if k not in b)]:
        old, new = a.get(key, _MISSING), b.get(key, _MISSING)
        if old != new or type(old) is not type(new):
            out.append(f"field {one_line(key)}: file has {show(old)} / exported {show(new)}")
    return out


_MISSING = object()


def edited(data: PackData, text: str) -> list[str]:
    """Where the file differs from a fresh rendering of its format (see the module doc)."""
    from app.export.write import redate, render

    kind = file_kind(text)
    day = file_date(text)
    if day is not None and day != data.date:
        data = redate(data, day)
    if kind == "json":
        found = field_differences(text, render(data, "json"))
    elif kind == "html":
        found = line_differences(text, render(data, "html"))
    else:  # the page or the appendix: whichever the file is closer to
        tries = [line_differences(text, render(data, k)) for k in ("page", "appendix")]
        found = min(tries, key=len)
    dated = f"dated {day}" if day is not None else f"dated {data.date} (the file names no date)"
    what = ("field" if kind == "json" else "line") + ("" if len(found) == 1 else "s")
    verb = "differs" if len(found) == 1 else "differ"
    out = [
        f"compared with a fresh {kind.upper()} rendering from the database now, {dated}: "
        f"{len(found)} {what} {verb}" + (":" if found else "")
    ]
    out += [f"  {line}" for line in found[:MAX_LINES]]
    if len(found) > MAX_LINES:
        out.append(f"  … and {len(found) - MAX_LINES} more")
    if not found:
        out.append(
            "  the text matches a fresh rendering, so the edit is in the seal line itself or in "
            "the line breaks at the end of the file"
        )
    return out


# -- the database changed --------------------------------------------------------------------


def changed(
    store: Store,
    packset: PackSet,
    data: PackData,
    claim: Sealed,
    text: str,
    today: str | None = None,
) -> list[str]:
    """What changed in the database since the export whose digest the file claims."""
    from app import __version__
    from app.interchange import changes
    from app.interchange.diff import render_text
    from app.session import Session

    assert claim.digest is not None
    start = changes.export_with_digest(store, data.assessment, claim.digest)
    file_packs, file_version = file_versions(text)
    out: list[str] = []
    version_moved = file_version is not None and file_version != __version__
    if start is None:
        out.append(
            "no export in this database's log has the file's digest (exported by an older "
            "Preflight or from another database), so the state it was built from cannot be "
            "rebuilt from the history"
        )
        if file_packs is not None:
            now = data.versions
            moved = [
                f"{one_line(pid)} {one_line(file_packs.get(pid, '(none)'))} → "
                f"{one_line(now.get(pid, '(none)'))}"
                for pid in sorted(set(file_packs) | set(now))
                if file_packs.get(pid) != now.get(pid)
            ]
            out.append(
                "  pack versions: " + ", ".join(moved)
                if moved
                else "  pack versions: the same as the file names"
            )
    else:
        session = Session.open(store, packset, data.assessment.id)
        found, heading = session.changes(start, today=today)
        out += [f"  {line}" if line else "" for line in render_text(found, heading)]
    if version_moved:
        out.append(
            f"  the file was made by Preflight {one_line(file_version)}, this is {__version__}: "
            "the digest covers the Preflight version too"
        )
    return out
