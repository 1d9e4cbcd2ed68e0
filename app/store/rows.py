"""Small helpers between rows and records: JSON columns, timestamps, slugs, evidence hashes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import stat
import time
import unicodedata
from pathlib import Path
from typing import Any

from app.core.disputes import Voice
from app.store.models import (
    AnswerRecord,
    Assessment,
    Decision,
    DecisionKind,
    Disagreement,
    Evidence,
    ExportRecord,
    FollowUpStatus,
    GateFollowUp,
    HistoryEntry,
    Participant,
    ResolvedHow,
    Summary,
    Waiver,
)

SLUG_MAX = 40


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dump(value: Any) -> str | None:
    """JSON text for a JSON column; readable UTF-8 unless the text holds lone surrogates."""
    if value is None:
        return None
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value)  # \udXXX escapes round-trip exactly
    return text


def load(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def slug_base(name: str) -> str:
    """`Support summariser (EU)` → `support-summariser-eu`; never empty, never only digits."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        slug = "assessment"
    elif slug.isdigit():
        # A numeric slug would read as an id in `get(ref)`.
        slug = f"assessment-{slug}"
    return slug[:SLUG_MAX].rstrip("-")


def unique_slug(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1


MAX_HASHED_BYTES = 64 * 1024 * 1024
"""Evidence files larger than this are stored by path alone ("not hashed: larger than …")."""
MAX_HASH_SECONDS = 2.0
"""Hashing runs while someone waits on a keypress: a slow disk or mount gives up after this."""
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def hash_evidence(ref: str) -> tuple[str | None, str | None]:
    """`(sha256, None)` for a readable regular local file; `(None, why)` when a path could not
    be hashed ("not hashed: …"); `(None, None)` for a URL, which is never hashed.

    Only regular files are read (never a FIFO, device or folder), at most MAX_HASHED_BYTES and
    MAX_HASH_SECONDS, and never more bytes than the file said it had: files such as
    /proc/self/pagemap report size 0 and then read for ever."""
    if _URL.match(ref):
        return None, None
    try:
        path = Path(ref).expanduser()
    except RuntimeError:  # "~nosuchuser/plan.md": no such user's home folder
        return None, "not hashed: its home folder (~user) is unknown here"
    try:
        st = path.stat()
    except FileNotFoundError:
        return None, "not hashed: no such file here"
    except (OSError, ValueError) as exc:
        return None, f"not hashed: {_why(exc)}"
    if stat.S_ISDIR(st.st_mode):
        return None, "not hashed: a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return None, "not hashed: not a regular file"
    if st.st_size > MAX_HASHED_BYTES:
        return None, f"not hashed: larger than {MAX_HASHED_BYTES // (1024 * 1024)} MiB"
    deadline = time.monotonic() + MAX_HASH_SECONDS
    digest = hashlib.sha256()
    left = st.st_size
    try:
        # O_NONBLOCK: should the path have become a FIFO since the stat, open must not wait.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None, "not hashed: not a regular file"
            while left > 0:
                block = handle.read(min(left, 1 << 20))
                if not block:
                    return None, "not hashed: the file shrank while it was read"
                digest.update(block)
                left -= len(block)
                if time.monotonic() > deadline:
                    return None, f"not hashed: reading took over {MAX_HASH_SECONDS:g} s"
            if handle.read(1):
                return None, "not hashed: the file grew while it was read"
    except (OSError, ValueError) as exc:
        return None, f"not hashed: {_why(exc)}"
    return digest.hexdigest(), None


def _why(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


_SUMMARY_FIELDS: dict[str, type[Any]] = {
    f.name: type(f.default) for f in dataclasses.fields(Summary)
}


def _summary(text: str | None) -> Summary:
    """The cached summary column. It is only a cache (rewritten on every change of answers),
    so a value of the wrong shape, from an old or hand-edited file, is dropped, not fatal."""
    try:
        found = json.loads(text) if text else {}
    except (ValueError, RecursionError):
        found = {}
    if not isinstance(found, dict):
        found = {}
    return Summary(**{k: v for k, v in found.items() if type(v) is _SUMMARY_FIELDS.get(k)})


def _packs(text: str | None) -> dict[str, str]:
    try:
        found = json.loads(text) if text else {}
    except (ValueError, RecursionError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(k): str(v) for k, v in found.items()}


def _selection(text: str | None) -> tuple[str, ...] | None:
    """A `pack_selection` column: None (every pack) for NULL or a value of the wrong shape."""
    if text is None:
        return None
    try:
        found = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(found, list):
        return None
    return tuple(str(v) for v in found)


def assessment(row: dict) -> Assessment:
    """The record for an `assessments` row (lists run to thousands of rows: kept cheap)."""
    return Assessment(
        id=int(row["id"]),
        slug=str(row["slug"]),
        name=str(row["name"]),
        description=str(row["description"] or ""),
        packs=_packs(row["packs"]),
        archived=bool(row["archived"]),
        created_at=str(row["created_at"]),
        updated_at=str(row["updated_at"]),
        summary=_summary(row.get("summary")),
        answering_as=row.get("answering_as"),
        pack_selection=_selection(row.get("pack_selection")),
    )


def answer(row: dict) -> AnswerRecord:
    evidence = None
    if row["evidence_ref"] is not None:
        evidence = Evidence(
            ref=row["evidence_ref"],
            sha256=row["evidence_sha256"],
            captured_at=row["evidence_captured_at"] or row["answered_at"],
            unhashed=row.get("evidence_unhashed"),
        )
    return AnswerRecord(
        assessment_id=row["assessment_id"],
        question_id=row["question_id"],
        value=load(row["value"]),
        note=row["note"],
        evidence=evidence,
        answered_by=row["answered_by"],
        answered_at=row["answered_at"],
    )


def history(row: dict) -> HistoryEntry:
    return HistoryEntry(
        id=row["id"],
        assessment_id=row["assessment_id"],
        question_id=row["question_id"],
        old_value=load(row["old_value"]),
        new_value=load(row["new_value"]),
        note=row["note"],
        changed_by=row["changed_by"],
        changed_at=row["changed_at"],
    )


def _known(record_type: type, row: dict) -> dict:
    """The row's columns that the record has: a column added by hand is ignored, as before."""
    return {f.name: row[f.name] for f in dataclasses.fields(record_type) if f.name in row}


def participant(row: dict) -> Participant:
    return Participant(**_known(Participant, row))


def followup(row: dict) -> GateFollowUp:
    return GateFollowUp(**_known(GateFollowUp, row) | {"status": FollowUpStatus(row["status"])})


def waiver(row: dict) -> Waiver:
    return Waiver(**_known(Waiver, row))


def disagreement(row: dict) -> Disagreement:
    how = row["resolved_how"]
    return Disagreement(
        id=row["id"],
        assessment_id=row["assessment_id"],
        question_id=row["question_id"],
        opened_at=row["opened_at"],
        earlier=load(row["earlier"]),
        earlier_by=row["earlier_by"],
        resolved_at=row["resolved_at"],
        resolved_by=row["resolved_by"],
        resolved_value=load(row["resolved_value"]),
        resolved_how=None if how is None else ResolvedHow(how),
    )


def evidence_columns(
    evidence: Evidence | None,
) -> tuple[str | None, str | None, str | None, str | None]:
    """evidence_ref, evidence_sha256, evidence_unhashed, evidence_captured_at of a record."""
    if evidence is None:
        return None, None, None, None
    return evidence.ref, evidence.sha256, evidence.unhashed, evidence.captured_at


def voice(row: dict) -> Voice:
    """A `disagreement_voices` row."""
    return Voice(
        name=row["name"],
        value=load(row["value"]),
        note=row["note"],
        evidence=row["evidence"],
        here=bool(row["here"]),
    )


def decision(row: dict) -> Decision:
    """A `decisions` row."""
    return Decision(
        id=row["id"],
        assessment_id=row["assessment_id"],
        kind=DecisionKind(row["kind"]),
        text=row["text"],
        gate_id=row["gate_id"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        verdict=row["verdict"],
        computed_verdict=row["computed_verdict"],
        digest=row["digest"],
        open_gates=load(row["open_gates"]) or {},
        override=row["override"],
    )


def export(row: dict) -> ExportRecord:
    """An `exports` row (its packs column read like the assessments' one)."""
    return ExportRecord(
        id=row["id"],
        assessment_id=row["assessment_id"],
        path=row["path"],
        format=row["format"],
        digest=row["digest"],
        packs=_packs(row["packs"]),
        exported_at=row["exported_at"],
        history_mark=int(row.get("history_mark") or 0),
        page_date=row.get("page_date") if isinstance(row.get("page_date"), str) else None,
    )
