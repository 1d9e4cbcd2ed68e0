"""Validating the data of one pack file with pydantic, and the JSON Schema of the format.

The only module that imports pydantic. It is loaded when a pack file has to be checked (a new
or changed file, see `app.core.packcache`) and by `preflight schema`; the rules themselves are
on the classes in `app.core.model`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from app.core.model import Pack


@cache
def _adapter() -> TypeAdapter[Pack]:
    return TypeAdapter(Pack)


def validate(raw: Any) -> tuple[Pack | None, list[tuple[str, str]]]:
    """The pack, or None and a `(location, message)` for each thing wrong with it."""
    try:
        return _adapter().validate_python(raw), []
    except ValidationError as exc:
        return None, [(_location(err["loc"]), _message(err)) for err in exc.errors()]


def json_schema() -> dict[str, Any]:
    return _adapter().json_schema()


def _location(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            # A quoted TOML key can be any text: show one that is not printable escaped.
            name = str(part) if str(part).isprintable() else repr(str(part))
            out += f".{name}" if out else name
    return out or "pack"


# pydantic's error types for a dataclass's keys, in the words of a TOML file.
_KEY_MESSAGES = {
    "extra_forbidden": "unknown key",
    "unexpected_keyword_argument": "unknown key",
    "missing": "required key is missing",
    "missing_argument": "required key is missing",
}


def _message(err: ErrorDetails) -> str:
    if err["type"] in _KEY_MESSAGES:
        return _KEY_MESSAGES[err["type"]]
    return str(err["msg"]).removeprefix("Value error, ")
