"""Validating the data of one pack file with pydantic, and the JSON Schema of the format.

The only module that imports pydantic. It is loaded when a pack file has to be checked (a new
or changed file, see `app.core.packcache`) and by `preflight schema`; the rules themselves are
on the classes in `app.core.model`.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import re
from functools import cache
from typing import Any, get_args, get_origin, get_type_hints

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from app.core.model import ID_PATTERN, Pack


@cache
def _adapter() -> TypeAdapter[Pack]:
    return TypeAdapter(Pack)


def validate(raw: Any) -> tuple[Pack | None, list[tuple[str, str]]]:
    """The pack, or None and a `(location, message)` for each thing wrong with it."""
    try:
        return _adapter().validate_python(raw), []
    except ValidationError as exc:
        return None, [(_location(err["loc"], raw), _message(err, raw)) for err in exc.errors()]


def json_schema() -> dict[str, Any]:
    return _adapter().json_schema()


def _location(loc: tuple[int | str, ...], raw: Any = None) -> str:
    """`loc` in a pack author's words: an item of a list by its id (`gates.vendor_no_dpa.when`,
    `questions.vendor_region.options.eu.label`), by its index where it has no usable id."""
    out = ""
    node = raw
    for part in loc:
        if isinstance(part, int):
            item_id = _item_id(node, part)
            out += f".{item_id}" if item_id is not None else f"[{part}]"
            node = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
        else:
            # A quoted TOML key can be any text: show one that is not printable escaped.
            name = str(part) if str(part).isprintable() else repr(str(part))
            out += f".{name}" if out else name
            node = node.get(part) if isinstance(node, dict) else None
    return out or "pack"


_ID = re.compile(ID_PATTERN)


def _item_id(items: Any, index: int) -> str | None:
    """The id of `items[index]` when it has one that names it alone in the list."""
    if not isinstance(items, list) or not 0 <= index < len(items):
        return None
    item = items[index]
    item_id = item.get("id") if isinstance(item, dict) else None
    if not isinstance(item_id, str) or not _ID.match(item_id):
        return None
    same = [i for i in items if isinstance(i, dict) and i.get("id") == item_id]
    return item_id if len(same) == 1 else None


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the table at `loc` (a location without its last part) may hold."""
    cls: Any = Pack
    for part in loc:
        if isinstance(part, int):
            continue
        hints = _hints(cls)
        if part not in hints:
            return []
        hint = hints[part]
        while get_origin(hint) is not None:  # list[Question], Optional, Annotated
            args = [a for a in get_args(hint) if dataclasses.is_dataclass(a)]
            if not args:
                return []
            hint = args[0]
        if not dataclasses.is_dataclass(hint):
            return []
        cls = hint
    return list(_hints(cls))


def _hints(cls: Any) -> dict[str, Any]:
    try:
        hints = get_type_hints(cls)
        return {f.name: hints[f.name] for f in dataclasses.fields(cls) if f.name in hints}
    except (TypeError, NameError):
        return {}


# pydantic's error types for a dataclass's keys, in the words of a TOML file.
_KEY_MESSAGES = {
    "extra_forbidden": "unknown key",
    "unexpected_keyword_argument": "unknown key",
    "missing": "required key is missing",
    "missing_argument": "required key is missing",
}

# A value of the wrong type: what it should have been.
_TYPE_MESSAGES = {
    "bool_type": "is not true or false",
    "bool_parsing": "is not true or false",
    "string_type": "is not text (put it in quotes)",
    "int_type": "is not a number",
    "int_parsing": "is not a number",
    "float_type": "is not a number",
    "float_parsing": "is not a number",
    "list_type": "is not a list ([...])",
    "dataclass_type": "is not a table",
    "dict_type": "is not a table",
}

# Fields whose value is one of a fixed set, by the name the set goes by.
_ENUM_NAMES = {"kind": "kind", "level": "level", "receipt": "receipt", "receipts": "receipt"}


def _message(err: ErrorDetails, raw: Any = None) -> str:
    kind = err["type"]
    loc = tuple(err["loc"])
    if kind in ("extra_forbidden", "unexpected_keyword_argument") and loc:
        close = difflib.get_close_matches(str(loc[-1]), _fields_at(loc[:-1]), n=1)
        return "unknown key" + (f"; did you mean {close[0]}?" if close else "")
    if kind in _KEY_MESSAGES:
        return _KEY_MESSAGES[kind]
    if kind in _TYPE_MESSAGES:
        return f"{_show(err.get('input'))} {_TYPE_MESSAGES[kind]}"
    if kind in ("enum", "literal_error"):
        allowed = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
        field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
        what = _ENUM_NAMES.get(field, field or "value")
        given = err.get("input")
        shown = repr(given) if isinstance(given, str) and len(given) <= 40 else _show(given)
        if not allowed:  # a Literal of numbers (format = 1)
            expected = (err.get("ctx") or {}).get("expected", "")
            return f"{shown} is not a {what} Preflight reads; {what} must be {expected}"
        close = difflib.get_close_matches(given, allowed, n=1) if isinstance(given, str) else []
        hint = f"did you mean {close[0]}? " if close else ""
        if field not in _ENUM_NAMES:  # a field that is not a noun: "'most' is not a present"
            return f"{shown} is not allowed for {what}; {hint}it is one of {', '.join(allowed)}"
        return f"{shown} is not a {what}; {hint}{what}s are {', '.join(allowed)}"
    return str(err["msg"]).removeprefix("Value error, ")


def _show(value: Any) -> str:
    """A value as a TOML file spells it, cut short."""
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, str):
        shown = json.dumps(value[:41], ensure_ascii=False)
        shown = shown if len(value) <= 40 else shown[:-1] + "…"
    elif isinstance(value, int) and value.bit_length() > 128:  # repr of 10**5000 raises
        return "a number of over 38 digits"
    elif isinstance(value, (int, float)):
        shown = repr(value)
    elif isinstance(value, list):
        return "a list"
    elif isinstance(value, dict):
        return "a table"
    else:
        shown = str(value)
    return shown if len(shown) <= 42 else shown[:41] + "…"
