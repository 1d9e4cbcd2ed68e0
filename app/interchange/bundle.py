"""The assessment file (`preflight share` / `preflight import`): build, read back, digest.

An assessment file is one JSON object holding everything the store keeps about one assessment
(its answers with notes and evidence, the whole answer history, participants, follow-ups and
waivers, and for a merged assessment its respondents with their own answers, its disagreements
open and settled and what the last merge agreed; timestamps as stored) plus the packs it was
answered against (id, version, a hash of the pack file and of each question's definition) and a
`digest`: the SHA-256 of the canonical JSON of everything else, so an edited file is noticed.

Version 2 (written since `preflight merge`) adds `respondents`, `disagreements`, `merged` and
`decisions` (the decision log); version 1 files are still read (no respondents, no
disagreements, nothing merged, no decisions).

Reading is strict: duplicate keys, unknown or missing keys, wrong types and a newer
`format_version` are refused with a `BundleError` naming the field (`answers[3].value`);
nothing here writes. The store's own rules decide what text is accepted: notes, descriptions,
reasons may hold any text (line breaks, markup, escapes: every front end escapes on output);
names and ids follow the store's and the packs' rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.days import DayError, parse_day
from app.core.disputes import Voice
from app.core.model import ID_PATTERN, Question
from app.core.packs import PackSet
from app.core.text import has_control, name_key, one_line
from app.store.models import (
    AnswerRecord,
    Assessment,
    Decision,
    DecisionKind,
    Disagreement,
    Evidence,
    FollowUpStatus,
    GateFollowUp,
    HistoryEntry,
    Participant,
    ResolvedHow,
    Respondent,
    Waiver,
)

FORMAT = "preflight-assessment"
FORMAT_VERSION = 2
"""What `build` writes; `read` takes this and every earlier version (1: before merging)."""
SUFFIX = ".preflight.json"
MAX_FILE_BYTES = 50 * 1024 * 1024
"""A larger file is refused before it is read."""
MAX_NAME = 200
SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$"
"""What the store's slugs look like (`app.store.rows.slug_base`): at most 40 characters."""
_SLUG = re.compile(SLUG_PATTERN)
_ID = re.compile(ID_PATTERN)
_SHA = re.compile(r"^[0-9a-f]{64}$")
_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class BundleError(ValueError):
    """What is wrong with an assessment file, at `field` (`answers[3].value`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# -- hashing ---------------------------------------------------------------------------------


def canonical_json(value: Any) -> str:
    """Sorted keys, no spaces, ASCII: the bytes the digest and the question hashes are over
    (the same rule as the receipts pack's `app.export.snapshot.canonical_json`)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(content: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of everything in `content` but its `digest`."""
    return _sha256(canonical_json({k: v for k, v in content.items() if k != "digest"}))


def question_hash(question: Question) -> str:
    """SHA-256 of a question's definition (text, kind, options, bounds, show_if, …).

    A field added to the pack format later (`agree_within`) counts only when set, so files
    written before it was added still match the packs they were answered against."""
    definition = dataclasses.asdict(question)
    definition.pop("prep", None)  # a meeting hint, not part of what is asked
    definition.pop("frameworks", None)  # a crosswalk tag, not part of what is asked
    if definition.get("agree_within") is None:
        definition.pop("agree_within", None)
    return _sha256(canonical_json(definition))


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def packs_in_use(packset: PackSet) -> list[dict[str, Any]]:
    """Each pack's id, version, the SHA-256 of its file's bytes and each question's hash."""
    out = []
    for pack in packset.packs:
        source = packset.sources.get(pack.id)
        out.append(
            {
                "id": pack.id,
                "version": pack.version,
                "sha256": file_sha256(source) if source is not None else "0" * 64,
                "questions": {q.id: question_hash(q) for q in pack.questions},
            }
        )
    return out


# -- building --------------------------------------------------------------------------------


def _evidence(evidence: Evidence | None) -> dict[str, Any] | None:
    if evidence is None:
        return None
    return {
        "ref": evidence.ref,
        "sha256": evidence.sha256,
        "unhashed": evidence.unhashed,
        "captured_at": evidence.captured_at,
    }


def _answer(record: AnswerRecord) -> dict[str, Any]:
    return {
        "question_id": record.question_id,
        "value": record.value,
        "note": record.note,
        "evidence": _evidence(record.evidence),
        "answered_by": record.answered_by,
        "answered_at": record.answered_at,
    }


def build(
    assessment: Assessment,
    participants: Iterable[Participant],
    answers: Mapping[str, AnswerRecord],
    history: Iterable[HistoryEntry],
    followups: Mapping[str, GateFollowUp],
    waivers: Mapping[str, Waiver],
    packs: Sequence[Mapping[str, Any]],
    *,
    respondents: Iterable[Respondent] = (),
    disagreements: Iterable[Disagreement] = (),
    merged: Mapping[str, Any] | None = None,
    decisions: Iterable[Decision] = (),
) -> dict[str, Any]:
    """The file's content for these records (as the store returns them), digest included.

    `packs` is `packs_in_use(packset)`; `respondents` in the order first merged,
    `disagreements` oldest first, open and settled (`store.disagreements(id)`), `merged` as
    `store.merged_values(id)`, `decisions` oldest first (`store.decisions(id)`). Nothing here
    reads a clock: the same stored records give the same content."""
    content: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "assessment": {
            "slug": assessment.slug,
            "name": assessment.name,
            "description": assessment.description,
            "archived": assessment.archived,
            "created_at": assessment.created_at,
            "updated_at": assessment.updated_at,
            "packs": dict(sorted(assessment.packs.items())),
            "answering_as": assessment.answering_as,
        },
        "packs": [dict(p) for p in packs],
        "participants": [{"name": p.name, "role": p.role} for p in participants],
        "answers": [_answer(r) for _, r in sorted(answers.items())],
        "history": [
            {
                "question_id": h.question_id,
                "old_value": h.old_value,
                "new_value": h.new_value,
                "note": h.note,
                "changed_by": h.changed_by,
                "changed_at": h.changed_at,
            }
            for h in history
        ],
        "followups": [
            {
                "gate_id": f.gate_id,
                "owner": f.owner,
                "due": f.due,
                "status": f.status.value,
                "note": f.note,
                "updated_at": f.updated_at,
            }
            for _, f in sorted(followups.items())
        ],
        "waivers": [
            {
                "gate_id": w.gate_id,
                "reason": w.reason,
                "approver": w.approver,
                "expires": w.expires,
                "created_at": w.created_at,
            }
            for _, w in sorted(waivers.items())
        ],
        "respondents": [
            {
                "name": p.name,
                "source": p.source,
                "source_digest": p.source_digest,
                "merged_at": p.merged_at,
                "answers": [_answer(r) for _, r in sorted(p.answers.items())],
            }
            for p in respondents
        ],
        "disagreements": [
            {
                "question_id": d.question_id,
                "opened_at": d.opened_at,
                "earlier": d.earlier,
                "earlier_by": d.earlier_by,
                "resolved_at": d.resolved_at,
                "resolved_by": d.resolved_by,
                "resolved_value": d.resolved_value,
                "resolved_how": None if d.resolved_how is None else d.resolved_how.value,
                "voices": [
                    {
                        "name": v.name,
                        "value": v.value,
                        "note": v.note,
                        "evidence": v.evidence,
                        "here": v.here,
                    }
                    for v in d.voices
                ],
            }
            for d in disagreements
        ],
        "merged": dict(sorted((merged or {}).items())),
        "decisions": [
            {
                "kind": DecisionKind(d.kind).value,
                "text": d.text,
                "gate_id": d.gate_id,
                "decided_by": d.decided_by,
                "decided_at": d.decided_at,
                "verdict": d.verdict,
                "computed_verdict": d.computed_verdict,
                "digest": d.digest,
                "open_gates": {state: list(ids) for state, ids in d.open_gates.items()},
                "override": d.override,
            }
            for d in decisions
        ],
    }
    content["digest"] = digest(content)
    return content


def dumps(content: Mapping[str, Any]) -> bytes:
    """The file's bytes: indented UTF-8 JSON (escapes where text holds lone surrogates)."""
    try:
        return (json.dumps(content, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(content, indent=2, ensure_ascii=True) + "\n").encode("ascii")


# -- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bundle:
    """An assessment file read back as store records (ids 0: the store gives new ones)."""

    assessment: Assessment
    participants: list[Participant]
    answers: dict[str, AnswerRecord]
    history: list[HistoryEntry]
    followups: dict[str, GateFollowUp]
    waivers: dict[str, Waiver]
    packs: list[dict[str, Any]]
    digest: str
    respondents: list[Respondent] = dataclasses.field(default_factory=list)
    """In the order first merged, each with their own answers (none in a version 1 file)."""
    disagreements: list[Disagreement] = dataclasses.field(default_factory=list)
    """Oldest first, open and settled."""
    merged: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Question id → the value the last merge agreed."""
    decisions: list[Decision] = dataclasses.field(default_factory=list)
    """The decision log, oldest first (none in a version 1 file)."""
    format_version: int = FORMAT_VERSION


def value_problems(found: Bundle, packset: PackSet) -> list[str]:
    """`answers[i].value: why` for each answer that does not fit its question in `packset`
    (the file's digest only proves it was not edited since it was written, not that whoever
    wrote it played by the rules), then `respondents[i].answers[j].value: why` for the
    respondents' own answers (a later merge takes the answer they agree on as it is). Answers
    to questions no pack in use asks are kept as they are: they show in the appendix, read by
    nobody. Disagreements' values and merge marks are a record of what was, like the history:
    not checked."""
    out = _misfits(found.answers, packset, "answers")
    for i, person in enumerate(found.respondents):
        out += _misfits(person.answers, packset, f"respondents[{i}].answers")
    return out


def _misfits(answers: Mapping[str, AnswerRecord], packset: PackSet, where: str) -> list[str]:
    from app.core.answers import AnswerError, check_value

    out = []
    for index, (qid, record) in enumerate(answers.items()):
        question = packset.questions.get(qid)
        if question is None:
            continue
        try:
            fits = check_value(question, record.value) == record.value
        except AnswerError as exc:
            out.append(f"{where}[{index}].value: {exc}")
            continue
        if not fits:
            out.append(
                f"{where}[{index}].value: "
                f"not in the shape Preflight stores for a {question.kind.value}"
            )
    return out


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):  # built in C first: the loop runs only for a bad file
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse(data: bytes) -> Any:
    """The JSON value in `data`; BundleError ("json: …") for bad UTF-8, bad JSON, NaN or
    Infinity, a key given twice in one object, or nesting too deep."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError("json", f"not UTF-8 text (byte {exc.start})") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_constant)
    except _DuplicateKey as exc:
        raise BundleError("json", f"the key {one_line(repr(exc.key))} appears twice") from None
    except json.JSONDecodeError as exc:
        raise BundleError("json", f"{exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise BundleError("json", "nested too deeply") from None
    except ValueError as exc:  # NaN / Infinity, an integer of too many digits
        raise BundleError("json", one_line(exc)) from None


def read(data: bytes) -> Bundle:
    """Check the file's bytes and return its records; BundleError names the field at fault."""
    content = parse(data)
    if not isinstance(content, dict):
        raise BundleError("(top level)", f"expected an object, got {_kind(content)}")
    if content.get("format") != FORMAT:
        raise BundleError("format", f"expected {FORMAT!r}: not a Preflight assessment file")
    version = content.get("format_version")
    if type(version) is not int:
        raise BundleError("format_version", "expected a whole number")
    if version > FORMAT_VERSION:
        raise BundleError(
            "format_version",
            f"{version} is newer than this Preflight reads ({FORMAT_VERSION}); upgrade Preflight",
        )
    if version < 1:
        raise BundleError("format_version", f"{version} is not a format version")
    stated = content.get("digest")
    if not isinstance(stated, str):
        raise BundleError("digest", "missing (expected the SHA-256 of the content)")
    if stated != digest(content):
        raise BundleError("digest", "does not match its content (edited?)")
    _keys(content, "(top level)", TOP_KEYS if version >= 2 else TOP_KEYS_V1)
    return _records(content, stated, version)


MERGE_KEYS = ("respondents", "disagreements", "merged", "decisions")
"""The top-level keys version 2 added (a merged assessment's respondents and disagreements,
and the decision log)."""
TOP_KEYS = (
    "format",
    "format_version",
    "assessment",
    "packs",
    "participants",
    "answers",
    "history",
    "followups",
    "waivers",
    *MERGE_KEYS,
    "digest",
)
TOP_KEYS_V1 = tuple(k for k in TOP_KEYS if k not in MERGE_KEYS)
ASSESSMENT_KEYS = (
    "slug",
    "name",
    "description",
    "archived",
    "created_at",
    "updated_at",
    "packs",
    "answering_as",
)
PACK_KEYS = ("id", "version", "sha256", "questions")
PARTICIPANT_KEYS = ("name", "role")
ANSWER_KEYS = ("question_id", "value", "note", "evidence", "answered_by", "answered_at")
EVIDENCE_KEYS = ("ref", "sha256", "unhashed", "captured_at")
HISTORY_KEYS = ("question_id", "old_value", "new_value", "note", "changed_by", "changed_at")
FOLLOWUP_KEYS = ("gate_id", "owner", "due", "status", "note", "updated_at")
WAIVER_KEYS = ("gate_id", "reason", "approver", "expires", "created_at")
RESPONDENT_KEYS = ("name", "source", "source_digest", "merged_at", "answers")
DISAGREEMENT_KEYS = (
    "question_id",
    "opened_at",
    "earlier",
    "earlier_by",
    "resolved_at",
    "resolved_by",
    "resolved_value",
    "resolved_how",
    "voices",
)
VOICE_KEYS = ("name", "value", "note", "evidence", "here")
DECISION_KEYS = (
    "kind",
    "text",
    "gate_id",
    "decided_by",
    "decided_at",
    "verdict",
    "computed_verdict",
    "digest",
    "open_gates",
    "override",
)
DECIDED_VERDICTS = ("GO", "CONDITIONAL", "NO-GO")
COMPUTED_VERDICTS = (*DECIDED_VERDICTS, "INCOMPLETE")
OPEN_GATE_STATES = ("red", "unknown", "amber")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def _keys(value: Any, where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if type(value) is dict and value.keys() == _keyset(keys):
        return value  # the usual case, checked in one step; the loops below say what is wrong
    if not isinstance(value, dict):
        raise BundleError(where, f"expected an object, got {_kind(value)}")
    for key in value:
        if key not in keys:
            raise BundleError(_at(where, key), "unknown key")
    for key in keys:
        if key not in value:
            raise BundleError(_at(where, key), "missing")
    return value


def _at(where: str, key: str) -> str:
    key = one_line(key)[:60]
    return key if where == "(top level)" else f"{where}.{key}"


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise BundleError(where, f"expected a list, got {_kind(value)}")
    return value


@functools.cache
def _keyset(keys: tuple[str, ...]) -> frozenset[str]:
    return frozenset(keys)


def _text(value: Any, where: str, *, empty: bool = True) -> str:
    if not isinstance(value, str):
        raise BundleError(where, f"expected text, got {_kind(value)}")
    if not value.isascii() and _SURROGATE.search(value):  # ASCII holds no surrogate
        raise BundleError(where, "holds a lone surrogate (not valid Unicode text)")
    if not empty and not value.strip():
        raise BundleError(where, "cannot be empty")
    return value


def _opt_text(value: Any, where: str) -> str | None:
    return None if value is None else _text(value, where)


def _name(value: Any, where: str) -> str:
    text = _text(value, where, empty=False)
    if len(text) > MAX_NAME:
        raise BundleError(where, f"is limited to {MAX_NAME} characters")
    if has_control(text):
        raise BundleError(where, "cannot hold control characters or line breaks")
    return text


def _opt_name(value: Any, where: str) -> str | None:
    return None if value is None else _name(value, where)


def _ident(value: Any, where: str) -> str:
    text = _text(value, where)
    if not _ID.match(text):
        raise BundleError(where, f"{one_line(repr(text))[:60]} is not an id ({ID_PATTERN})")
    return text


def _stamp(value: Any, where: str) -> str:
    text = _text(value, where)
    try:
        if not _STAMP.match(text):
            raise ValueError
        # The pattern fixed the shape; the date and time must exist (strptime is ~10× slower,
        # and a merge of 20 files reads thousands of stamps).
        dt.datetime.fromisoformat(text[:19])
    except ValueError:
        raise BundleError(where, "expected a UTC time like 2026-11-23T10:51:49Z") from None
    return text


def _day(value: Any, where: str) -> str:
    text = _text(value, where)
    try:
        day = parse_day(text)
    except DayError as exc:
        raise BundleError(where, str(exc)) from None
    if day != text:
        raise BundleError(where, "expected a day as YYYY-MM-DD")
    return day


def _sha(value: Any, where: str) -> str:
    text = _text(value, where)
    if not _SHA.match(text):
        raise BundleError(where, "expected a SHA-256 as 64 lowercase hex digits")
    return text


def _value(value: Any, where: str, *, nullable: bool = False) -> Any:
    """An answer's stored value: any JSON value but null (text, a number, true/false, a list of
    choices, a person as {name, role}); null only where the history says "none"."""
    if value is None:
        if nullable:
            return None
        raise BundleError(where, "expected an answer, got null (leave the answer out instead)")
    return value


def _records(content: dict[str, Any], stated: str, version: int) -> Bundle:
    a = _keys(content["assessment"], "assessment", ASSESSMENT_KEYS)
    slug = _text(a["slug"], "assessment.slug")
    if not valid_slug(slug):
        raise BundleError("assessment.slug", "expected lowercase letters, digits and dashes")
    if not isinstance(a["archived"], bool):
        raise BundleError("assessment.archived", f"expected true/false, got {_kind(a['archived'])}")
    versions = a["packs"]
    if not isinstance(versions, dict):
        raise BundleError("assessment.packs", f"expected an object, got {_kind(versions)}")
    for pid, ver in versions.items():
        _text(pid, "assessment.packs")
        _text(ver, f"assessment.packs.{one_line(pid)[:60]}")
    description = _text(a["description"], "assessment.description")
    assessment = Assessment(
        id=0,
        slug=slug,
        name=_name(a["name"], "assessment.name"),
        description=description,
        packs=dict(versions),
        archived=a["archived"],
        created_at=_stamp(a["created_at"], "assessment.created_at"),
        updated_at=_stamp(a["updated_at"], "assessment.updated_at"),
        answering_as=_opt_name(a["answering_as"], "assessment.answering_as"),
    )

    packs = []
    seen_packs: set[str] = set()
    for i, item in enumerate(_list(content["packs"], "packs")):
        where = f"packs[{i}]"
        p = _keys(item, where, PACK_KEYS)
        pid = _ident(p["id"], f"{where}.id")
        if pid in seen_packs:
            raise BundleError(f"{where}.id", f"the pack {pid} appears twice")
        seen_packs.add(pid)
        questions = p["questions"]
        if not isinstance(questions, dict):
            raise BundleError(f"{where}.questions", f"expected an object, got {_kind(questions)}")
        for qid, qhash in questions.items():
            _ident(qid, f"{where}.questions")
            _sha(qhash, f"{where}.questions.{qid}")
        packs.append(
            {
                "id": pid,
                "version": _text(p["version"], f"{where}.version", empty=False),
                "sha256": _sha(p["sha256"], f"{where}.sha256"),
                "questions": dict(questions),
            }
        )

    participants = []
    seen_people: dict[str, int] = {}
    for i, item in enumerate(_list(content["participants"], "participants")):
        where = f"participants[{i}]"
        p = _keys(item, where, PARTICIPANT_KEYS)
        name = _name(p["name"], f"{where}.name")
        key = name_key(name)
        if key in seen_people:
            raise BundleError(f"{where}.name", f"repeats participants[{seen_people[key]}]")
        seen_people[key] = i
        participants.append(
            Participant(id=0, assessment_id=0, name=name, role=_text(p["role"], f"{where}.role"))
        )

    answers = _read_answers(content["answers"], "answers")

    history = []
    for i, item in enumerate(_list(content["history"], "history")):
        where = f"history[{i}]"
        h = _keys(item, where, HISTORY_KEYS)
        history.append(
            HistoryEntry(
                id=0,
                assessment_id=0,
                question_id=_ident(h["question_id"], f"{where}.question_id"),
                old_value=_value(h["old_value"], f"{where}.old_value", nullable=True),
                new_value=_value(h["new_value"], f"{where}.new_value", nullable=True),
                note=_opt_text(h["note"], f"{where}.note"),
                changed_by=_opt_text(h["changed_by"], f"{where}.changed_by"),
                changed_at=_stamp(h["changed_at"], f"{where}.changed_at"),
            )
        )

    followups: dict[str, GateFollowUp] = {}
    for i, item in enumerate(_list(content["followups"], "followups")):
        where = f"followups[{i}]"
        f = _keys(item, where, FOLLOWUP_KEYS)
        gid = _ident(f["gate_id"], f"{where}.gate_id")
        if gid in followups:
            raise BundleError(f"{where}.gate_id", f"a second follow-up for {gid}")
        try:
            status = FollowUpStatus(f["status"])
        except ValueError:
            choices = ", ".join(s.value for s in FollowUpStatus)
            raise BundleError(f"{where}.status", f"expected one of {choices}") from None
        followups[gid] = GateFollowUp(
            assessment_id=0,
            gate_id=gid,
            owner=_opt_text(f["owner"], f"{where}.owner"),
            due=None if f["due"] is None else _day(f["due"], f"{where}.due"),
            status=status,
            note=_opt_text(f["note"], f"{where}.note"),
            updated_at=_stamp(f["updated_at"], f"{where}.updated_at"),
        )

    waivers: dict[str, Waiver] = {}
    for i, item in enumerate(_list(content["waivers"], "waivers")):
        where = f"waivers[{i}]"
        w = _keys(item, where, WAIVER_KEYS)
        gid = _ident(w["gate_id"], f"{where}.gate_id")
        if gid in waivers:
            raise BundleError(f"{where}.gate_id", f"a second waiver for {gid}")
        waivers[gid] = Waiver(
            assessment_id=0,
            gate_id=gid,
            reason=_text(w["reason"], f"{where}.reason", empty=False),
            approver=_text(w["approver"], f"{where}.approver", empty=False),
            expires=_day(w["expires"], f"{where}.expires"),
            created_at=_stamp(w["created_at"], f"{where}.created_at"),
        )

    return Bundle(
        assessment=assessment,
        participants=participants,
        answers=answers,
        history=history,
        followups=followups,
        waivers=waivers,
        packs=packs,
        digest=stated,
        respondents=_read_respondents(content["respondents"]) if version >= 2 else [],
        disagreements=_open_unanswered(
            _read_disagreements(content["disagreements"]) if version >= 2 else [], answers
        ),
        merged=_read_merged(content["merged"]) if version >= 2 else {},
        decisions=_read_decisions(content["decisions"]) if version >= 2 else [],
        format_version=version,
    )


def _open_unanswered(
    disagreements: list[Disagreement], answers: Mapping[str, AnswerRecord]
) -> list[Disagreement]:
    """An open disagreement means its question has no answer (it counts as unanswered until
    answered, which settles it): a file holding both is refused."""
    for i, d in enumerate(disagreements):
        if d.open and d.question_id in answers:
            raise BundleError(
                f"disagreements[{i}].question_id",
                f"{d.question_id} is open here but has an answer in `answers`",
            )
    return disagreements


def _read_answers(value: Any, where: str) -> dict[str, AnswerRecord]:
    """A list of answers (the assessment's, or one respondent's), at most one per question."""
    answers: dict[str, AnswerRecord] = {}
    for i, item in enumerate(_list(value, where)):
        at = f"{where}[{i}]"
        r = _keys(item, at, ANSWER_KEYS)
        qid = _ident(r["question_id"], f"{at}.question_id")
        if qid in answers:
            raise BundleError(f"{at}.question_id", f"a second answer to {qid}")
        answers[qid] = AnswerRecord(
            assessment_id=0,
            question_id=qid,
            value=_value(r["value"], f"{at}.value"),
            note=_opt_text(r["note"], f"{at}.note"),
            evidence=_read_evidence(r["evidence"], f"{at}.evidence"),
            answered_by=_opt_text(r["answered_by"], f"{at}.answered_by"),
            answered_at=_stamp(r["answered_at"], f"{at}.answered_at"),
        )
    return answers


def _read_respondents(value: Any) -> list[Respondent]:
    """Respondents are known by their name (the store matches a later merge of the same person
    by it, case and spacing aside): a name, under the participants' rules, each once."""
    out = []
    seen: dict[str, int] = {}
    for i, item in enumerate(_list(value, "respondents")):
        where = f"respondents[{i}]"
        p = _keys(item, where, RESPONDENT_KEYS)
        name = _name(p["name"], f"{where}.name")
        key = name_key(name)
        if key in seen:
            raise BundleError(f"{where}.name", f"repeats respondents[{seen[key]}]")
        seen[key] = i
        source_digest = p["source_digest"]
        out.append(
            Respondent(
                id=0,
                assessment_id=0,
                name=name,
                source=_text(p["source"], f"{where}.source"),
                source_digest=None
                if source_digest is None
                else _sha(source_digest, f"{where}.source_digest"),
                merged_at=_stamp(p["merged_at"], f"{where}.merged_at"),
                answers=_read_answers(p["answers"], f"{where}.answers"),
            )
        )
    return out


def _read_disagreements(value: Any) -> list[Disagreement]:
    """Oldest first; settled ones say when, by whom, with what and how; open ones say none of
    that, and a question has at most one open."""
    out = []
    open_at: dict[str, int] = {}
    hows = [h.value for h in ResolvedHow]
    for i, item in enumerate(_list(value, "disagreements")):
        where = f"disagreements[{i}]"
        d = _keys(item, where, DISAGREEMENT_KEYS)
        how = d["resolved_how"]
        if how is not None and (not isinstance(how, str) or how not in hows):
            raise BundleError(f"{where}.resolved_how", f"expected null, {' or '.join(hows)}")
        found = Disagreement(
            id=0,
            assessment_id=0,
            question_id=_ident(d["question_id"], f"{where}.question_id"),
            opened_at=_stamp(d["opened_at"], f"{where}.opened_at"),
            earlier=_value(d["earlier"], f"{where}.earlier", nullable=True),
            earlier_by=_opt_text(d["earlier_by"], f"{where}.earlier_by"),
            resolved_at=None
            if d["resolved_at"] is None
            else _stamp(d["resolved_at"], f"{where}.resolved_at"),
            resolved_by=_opt_text(d["resolved_by"], f"{where}.resolved_by"),
            resolved_value=_value(d["resolved_value"], f"{where}.resolved_value", nullable=True),
            resolved_how=None if how is None else ResolvedHow(how),
            voices=_read_voices(d["voices"], f"{where}.voices"),
        )
        qid = found.question_id
        if found.open and found.voices:
            raise BundleError(
                f"{where}.voices",
                "expected [] while it is open (its voices are the respondents' answers now)",
            )
        if found.open:
            for key in ("resolved_by", "resolved_value", "resolved_how"):
                if d[key] is not None:
                    raise BundleError(f"{where}.{key}", "expected null while resolved_at is null")
            if qid in open_at:
                raise BundleError(
                    f"{where}.question_id",
                    f"a second open disagreement about {qid} (disagreements[{open_at[qid]}])",
                )
            open_at[qid] = i
        elif how is None:
            raise BundleError(
                f"{where}.resolved_how",
                f"expected {' or '.join(hows)}: the disagreement is settled (resolved_at is set)",
            )
        out.append(found)
    return out


def _read_voices(value: Any, where: str) -> tuple[Voice, ...]:
    """What each respondent had answered when a disagreement was settled."""
    out = []
    for i, item in enumerate(_list(value, where)):
        at = f"{where}[{i}]"
        v = _keys(item, at, VOICE_KEYS)
        if not isinstance(v["here"], bool):
            raise BundleError(f"{at}.here", f"expected true/false, got {_kind(v['here'])}")
        out.append(
            Voice(
                name=_text(v["name"], f"{at}.name", empty=False),
                value=_value(v["value"], f"{at}.value"),
                note=_opt_text(v["note"], f"{at}.note"),
                evidence=_opt_text(v["evidence"], f"{at}.evidence"),
                here=v["here"],
            )
        )
    return tuple(out)


def _read_merged(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BundleError("merged", f"expected an object, got {_kind(value)}")
    out = {}
    for qid, agreed in value.items():
        _ident(qid, "merged")
        out[qid] = _value(agreed, f"merged.{qid}")
    return out


def _read_decisions(value: Any) -> list[Decision]:
    """Oldest first. A note has its text and no verdict; a go/no-go decision has its verdict,
    the computed one, the digest and the open gates then (state → gate ids)."""
    out = []
    for i, item in enumerate(_list(value, "decisions")):
        where = f"decisions[{i}]"
        d = _keys(item, where, DECISION_KEYS)
        kind = d["kind"]
        if kind not in ("note", "verdict"):
            raise BundleError(f"{where}.kind", "expected note or verdict")
        text = _opt_text(d["text"], f"{where}.text")
        gates = d["open_gates"]
        if not isinstance(gates, dict):
            raise BundleError(f"{where}.open_gates", f"expected an object, got {_kind(gates)}")
        open_gates: dict[str, list[str]] = {}
        for state, ids in gates.items():
            at = f"{where}.open_gates.{one_line(state)[:20]}"
            if state not in OPEN_GATE_STATES:
                raise BundleError(at, "expected red, unknown or amber")
            open_gates[state] = [_ident(g, f"{at}[{j}]") for j, g in enumerate(_list(ids, at))]
        verdict, computed, stated = d["verdict"], d["computed_verdict"], d["digest"]
        if kind == "note":
            if text is None or not text.strip():
                raise BundleError(f"{where}.text", "a note needs its text")
            for key in ("verdict", "computed_verdict", "digest", "override"):
                if d[key] is not None:
                    raise BundleError(f"{where}.{key}", "expected null for a note")
            if open_gates:
                raise BundleError(f"{where}.open_gates", "expected {} for a note")
        else:
            if verdict not in DECIDED_VERDICTS:
                raise BundleError(f"{where}.verdict", "expected GO, CONDITIONAL or NO-GO")
            if computed not in COMPUTED_VERDICTS:
                raise BundleError(
                    f"{where}.computed_verdict", "expected GO, CONDITIONAL, NO-GO or INCOMPLETE"
                )
            _sha(stated, f"{where}.digest")
            if d["gate_id"] is not None:
                raise BundleError(f"{where}.gate_id", "expected null for a go/no-go decision")
        out.append(
            Decision(
                id=0,
                assessment_id=0,
                kind=DecisionKind(kind),
                text=text,
                gate_id=None if d["gate_id"] is None else _ident(d["gate_id"], f"{where}.gate_id"),
                decided_by=_opt_name(d["decided_by"], f"{where}.decided_by"),
                decided_at=_stamp(d["decided_at"], f"{where}.decided_at"),
                verdict=verdict,
                computed_verdict=computed,
                digest=stated,
                open_gates=open_gates,
                override=_opt_text(d["override"], f"{where}.override"),
            )
        )
    return out


def _read_evidence(value: Any, where: str) -> Evidence | None:
    if value is None:
        return None
    e = _keys(value, where, EVIDENCE_KEYS)
    return Evidence(
        ref=_text(e["ref"], f"{where}.ref", empty=False),
        sha256=None if e["sha256"] is None else _sha(e["sha256"], f"{where}.sha256"),
        unhashed=_opt_text(e["unhashed"], f"{where}.unhashed"),
        captured_at=_stamp(e["captured_at"], f"{where}.captured_at"),
    )


def valid_slug(slug: str) -> bool:
    return bool(_SLUG.match(slug)) and not slug.isdigit()


# -- comparing packs -------------------------------------------------------------------------


def pack_changes(
    file_packs: Sequence[Mapping[str, Any]],
    installed: Sequence[Mapping[str, Any]],
    answered: Iterable[str] = (),
) -> list[str]:
    """One line per pack of the file that differs from the packs in use (missing, another
    version, other bytes), and per question whose definition changed or went away; then one
    line for answers to questions no pack in use asks. Empty when everything matches."""
    here = {p["id"]: p for p in installed}
    asked = {qid for p in installed for qid in p["questions"]}
    out = []
    for pack in file_packs:
        pid = one_line(pack["id"])
        mine = here.get(pack["id"])
        if mine is None:
            out.append(f"pack {pid} {one_line(pack['version'])} is not in use here")
            continue
        if mine["version"] != pack["version"]:
            out.append(
                f"pack {pid}: version {one_line(pack['version'])} in the file, "
                f"{mine['version']} in use here"
            )
        elif mine["sha256"] != pack["sha256"]:
            out.append(f"pack {pid} {mine['version']}: its file differs from the one in use here")
        for qid, qhash in pack["questions"].items():
            now = mine["questions"].get(qid)
            if now is None:
                if qid not in asked:
                    out.append(f"question {one_line(qid)} ({pid}) is not in the packs in use")
            elif now != qhash:
                out.append(
                    f"question {one_line(qid)} ({pid}) has changed since the file was written"
                )
    orphans = sorted(set(answered) - asked)
    if orphans:
        shown = ", ".join(one_line(q) for q in orphans[:5]) + (" …" if len(orphans) > 5 else "")
        out.append(f"{len(orphans)} answer(s) to questions not in the packs in use, kept: {shown}")
    return out


# -- the JSON Schema -------------------------------------------------------------------------


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of an assessment file, written by hand beside the reader."""
    text = {"type": "string"}
    opt_text = {"type": ["string", "null"]}
    stamp = {"type": "string", "pattern": _STAMP.pattern, "description": "UTC, ISO 8601"}
    day = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    ident = {"type": "string", "pattern": ID_PATTERN}
    sha = {"type": "string", "pattern": _SHA.pattern}
    value = {
        "description": "An answer as stored: text, a number, true/false, a list of choices, "
        "a person as {name, role}.",
        "type": ["string", "number", "boolean", "array", "object"],
    }

    def obj(props: dict[str, Any], description: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "required": list(props),
            "properties": props,
        }
        if description:
            out["description"] = description
        return out

    name = {"type": "string", "minLength": 1, "maxLength": MAX_NAME}
    nullable = {"anyOf": [value, {"type": "null"}]}
    answer = obj(
        {
            "question_id": ident,
            "value": value,
            "note": opt_text,
            "evidence": {
                "oneOf": [
                    {"type": "null"},
                    obj(
                        {
                            "ref": {"type": "string", "minLength": 1},
                            "sha256": {"anyOf": [sha, {"type": "null"}]},
                            "unhashed": opt_text,
                            "captured_at": stamp,
                        }
                    ),
                ]
            },
            "answered_by": opt_text,
            "answered_at": stamp,
        }
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Preflight assessment file",
        "description": "One assessment with its answers, history, participants, follow-ups, "
        "waivers and, when merged, its respondents and disagreements (`preflight share`, "
        "`preflight import`). `digest` is the SHA-256 (hex) of the canonical JSON (sorted keys, "
        f"no spaces, ASCII) of the object without `digest`. This is version {FORMAT_VERSION}; "
        "Preflight also reads version 1, which has no `respondents`, `disagreements`, `merged` "
        "or `decisions`.",
        **obj(
            {
                "format": {"const": FORMAT},
                "format_version": {"const": FORMAT_VERSION},
                "assessment": obj(
                    {
                        "slug": {"type": "string", "pattern": SLUG_PATTERN},
                        "name": name,
                        "description": text,
                        "archived": {"type": "boolean"},
                        "created_at": stamp,
                        "updated_at": stamp,
                        "packs": {
                            "type": "object",
                            "additionalProperties": text,
                            "description": "Pack id → version the assessment was started with.",
                        },
                        "answering_as": {"type": ["string", "null"]},
                    }
                ),
                "packs": {
                    "type": "array",
                    "description": "The packs in use when the file was written.",
                    "items": obj(
                        {
                            "id": ident,
                            "version": text,
                            "sha256": {**sha, "description": "SHA-256 of the pack file's bytes"},
                            "questions": {
                                "type": "object",
                                "additionalProperties": sha,
                                "description": "Question id → SHA-256 of its definition.",
                            },
                        }
                    ),
                },
                "participants": {
                    "type": "array",
                    "items": obj({"name": name, "role": text}),
                },
                "answers": {"type": "array", "items": answer},
                "history": {
                    "type": "array",
                    "description": "Every change of an answer, oldest first (append-only).",
                    "items": obj(
                        {
                            "question_id": ident,
                            "old_value": nullable,
                            "new_value": nullable,
                            "note": opt_text,
                            "changed_by": opt_text,
                            "changed_at": stamp,
                        }
                    ),
                },
                "followups": {
                    "type": "array",
                    "items": obj(
                        {
                            "gate_id": ident,
                            "owner": opt_text,
                            "due": {"anyOf": [day, {"type": "null"}]},
                            "status": {"enum": [s.value for s in FollowUpStatus]},
                            "note": opt_text,
                            "updated_at": stamp,
                        }
                    ),
                },
                "waivers": {
                    "type": "array",
                    "items": obj(
                        {
                            "gate_id": ident,
                            "reason": {"type": "string", "minLength": 1},
                            "approver": {"type": "string", "minLength": 1},
                            "expires": day,
                            "created_at": stamp,
                        }
                    ),
                },
                "respondents": {
                    "type": "array",
                    "description": "Each self-assessment merged in (`preflight merge`), in the "
                    "order first merged, with the answers it gave. A name appears once (case and "
                    "spacing aside): a later merge of the same person updates them.",
                    "items": obj(
                        {
                            "name": name,
                            "source": {
                                **text,
                                "description": "The file or slug it was merged from, as given.",
                            },
                            "source_digest": {
                                "anyOf": [sha, {"type": "null"}],
                                "description": "The merged file's digest (null for a slug).",
                            },
                            "merged_at": stamp,
                            "answers": {"type": "array", "items": answer},
                        }
                    ),
                },
                "disagreements": {
                    "type": "array",
                    "description": "Questions the respondents answered differently, oldest "
                    "first, open (resolved_* null; at most one per question) and settled.",
                    "items": obj(
                        {
                            "question_id": ident,
                            "opened_at": stamp,
                            "earlier": {
                                **nullable,
                                "description": "The answer given here that was disputed.",
                            },
                            "earlier_by": opt_text,
                            "resolved_at": {"anyOf": [stamp, {"type": "null"}]},
                            "resolved_by": opt_text,
                            "resolved_value": nullable,
                            "resolved_how": {
                                "enum": [None, *(h.value for h in ResolvedHow)],
                                "description": "answered: somebody answered it here; merged: a "
                                "later merge brought the respondents into agreement.",
                            },
                            "voices": {
                                "type": "array",
                                "description": "Settled: each answer as it stood then (the "
                                "respondents', then the one given here); [] while open.",
                                "items": obj(
                                    {
                                        "name": {"type": "string", "minLength": 1},
                                        "value": value,
                                        "note": opt_text,
                                        "evidence": opt_text,
                                        "here": {"type": "boolean"},
                                    }
                                ),
                            },
                        }
                    ),
                },
                "merged": {
                    "type": "object",
                    "propertyNames": ident,
                    "additionalProperties": value,
                    "description": "Question id → the value the last merge agreed on.",
                },
                "decisions": {
                    "type": "array",
                    "description": "The decision log (`preflight decide`), oldest first: notes "
                    "(text, maybe a gate) and go/no-go decisions (verdict, the verdict computed "
                    "then, the pack digest then, the open gates then, an override's reason).",
                    "items": obj(
                        {
                            "kind": {"enum": ["note", "verdict"]},
                            "text": opt_text,
                            "gate_id": {"anyOf": [ident, {"type": "null"}]},
                            "decided_by": {"anyOf": [name, {"type": "null"}]},
                            "decided_at": stamp,
                            "verdict": {"enum": [None, *DECIDED_VERDICTS]},
                            "computed_verdict": {"enum": [None, *COMPUTED_VERDICTS]},
                            "digest": {"anyOf": [sha, {"type": "null"}]},
                            "open_gates": {
                                "type": "object",
                                "propertyNames": {"enum": list(OPEN_GATE_STATES)},
                                "additionalProperties": {"type": "array", "items": ident},
                                "description": "Gate state → the ids of the gates in it.",
                            },
                            "override": opt_text,
                        }
                    ),
                },
                "digest": sha,
            }
        ),
    }
