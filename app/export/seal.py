"""The digest line and seal at the foot of every exported Markdown file, and reading them back.

A pack ends with three machine-readable pieces:

    <!-- preflight-pack ref=support-summariser -->           (near the top: which assessment)
    Digest: sha256:<answers digest> · …                     (answers + pack versions + tool)
    <!-- preflight-page-sha256:<hex> -->                     (last line: SHA-256 of all above)

An HTML pack (app/export/html.py) carries the same three: the ref comment and a
`<meta name="preflight-digest" content="sha256:…">` in its <head>, and the same seal line last.

`preflight verify` recomputes the answers digest from the database and the page digest from the
file, so it notices both a changed answer and a hand-edited file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.export.snapshot import canonical_json

if TYPE_CHECKING:  # app.store imports SQLite; the builder only needs the record types
    from app.store.models import Assessment


_SAFE_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")
REF_LINE = re.compile(r"^<!-- preflight-pack ref=(?P<ref>[A-Za-z0-9_.-]+) -->$", re.MULTILINE)
DIGEST_LINE = re.compile(r"^Digest: sha256:(?P<digest>[0-9a-f]{64})\b", re.MULTILINE)
SEAL_LINE = re.compile(r"^<!-- preflight-page-sha256:(?P<sha>[0-9a-f]{64}) -->$")
DIGEST_META = re.compile(
    r'^<meta name="preflight-digest" content="sha256:(?P<digest>[0-9a-f]{64})">$', re.MULTILINE
)
HTML_START = "<!DOCTYPE html>"


def pack_ref(assessment: Assessment) -> str:
    """Names the assessment for `verify`: by slug when it is plain, by id otherwise."""
    return assessment.slug if _SAFE_REF.match(assessment.slug) else str(assessment.id)


def ref_comment(assessment: Assessment) -> str:
    return f"<!-- preflight-pack ref={pack_ref(assessment)} -->"


def json_seal(doc: dict[str, Any]) -> str:
    """The `seal` of an exported JSON document: SHA-256 of the canonical JSON of the rest."""
    body = {k: v for k, v in doc.items() if k != "seal"}
    return hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()


def digest_line(digest: str, version: str) -> str:
    return f"Digest: sha256:{digest} · answers + packs + Preflight {version}"


def seal(body: str) -> str:
    """`body` (ending in a newline) followed by the seal line over it."""
    sha = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return f"{body}<!-- preflight-page-sha256:{sha} -->\n"


@dataclass(frozen=True)
class Sealed:
    ref: str | None
    digest: str | None
    intact: bool
    """The seal line is there and matches everything above it."""


def read_sealed(text: str) -> Sealed:
    """What a Markdown pack says about itself, and whether it was edited after export."""
    body, _, last = text.rstrip("\n").rpartition("\n")
    match = SEAL_LINE.match(last)
    intact = False
    if match:
        sha = hashlib.sha256((body + "\n").encode("utf-8")).hexdigest()
        intact = sha == match["sha"] and text.endswith("\n") and not text.endswith("\n\n")
    ref = REF_LINE.search(text)
    digest = DIGEST_LINE.search(text)
    return Sealed(ref["ref"] if ref else None, digest["digest"] if digest else None, intact)


def read_html(text: str) -> Sealed:
    """`read_sealed` for an exported HTML pack: the same seal; ref and digest from <head> only,
    so nothing in the (escaped) body can stand in for them."""
    head = text.partition("</head>")[0]
    ref = REF_LINE.search(head)
    digest = DIGEST_META.search(head)
    intact = read_sealed(text).intact
    return Sealed(ref["ref"] if ref else None, digest["digest"] if digest else None, intact)


def read_any(text: str) -> Sealed:
    """`read_sealed` for Markdown, or the same reading of an exported JSON or HTML document."""
    if text.startswith(HTML_START):
        return read_html(text)
    if not text.lstrip().startswith("{"):
        return read_sealed(text)
    import json

    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return Sealed(None, None, False)
    if not isinstance(doc, dict):
        return Sealed(None, None, False)
    ref, digest = doc.get("ref"), doc.get("digest")
    ref = ref if isinstance(ref, str) and _SAFE_REF.match(ref) else None
    digest = digest if isinstance(digest, str) else None
    return Sealed(ref, digest, doc.get("seal") == json_seal(doc))
