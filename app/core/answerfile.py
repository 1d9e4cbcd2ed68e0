"""Answer files: a TOML or JSON mapping of question id → value, or → {value, note, evidence}.

Used by `preflight quick --answers FILE` and by the shipped demo. Reading is all or nothing:
every problem is collected as `FILE: question_id: message`, and a file with any problem yields
no answers at all. An optional `_meta` table may carry `participants = [{name, role}]` and the
`answered_as` participant's name (question ids cannot start with `_`, so it never clashes).

Two more optional tables set what the gate board sets, keyed by gate id:

- `[_followups.GATE_ID]`: `owner`, `due` (YYYY-MM-DD), `status` (open, in_progress, done),
  `note`; a key left out keeps what is stored (status `open` for a new follow-up), `""` clears
  owner, due or note.
- `[_waivers.GATE_ID]`: `reason`, `approver` and `expires` (YYYY-MM-DD, the last day it holds),
  all three required. A waiver that has already expired (before `today`) is refused, as the
  gate board refuses it: a file must not record a waiver that never held.

Their problems read `FILE: _followups.GATE_ID.field: message`, and refuse the whole file too.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.answers import TODAY_WORD, AnswerError, check_value
from app.core.days import DayError, parse_day
from app.core.model import Kind
from app.core.packs import PackSet, did_you_mean, number_location
from app.core.text import has_control, name_problem

ENTRY_KEYS = {"value", "note", "evidence"}
MAX_FILE_BYTES = 20_000_000
FOLLOWUP_KEYS = ("owner", "due", "status", "note")
WAIVER_KEYS = ("reason", "approver", "expires")
FOLLOWUP_STATUSES = ("open", "in_progress", "done")
"""The store's `FollowUpStatus` values (app.core sits below the store; a test keeps them equal)."""
MAX_PERSON = 200
"""An owner's or approver's name: as long as a participant's name may be."""
MAX_NOTE = 2000


@dataclass(frozen=True)
class AnswerEntry:
    question_id: str
    value: Any
    note: str | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class Participant:
    name: str
    role: str


@dataclass(frozen=True)
class FollowUpEntry:
    gate_id: str
    fields: dict[str, str | None]
    """Only the keys the file gives (owner, due, status, note); None clears owner, due or note."""


@dataclass(frozen=True)
class WaiverEntry:
    gate_id: str
    reason: str
    approver: str
    expires: str


@dataclass
class AnswerFile:
    path: Path
    entries: list[AnswerEntry]
    participants: list[Participant] = field(default_factory=list)
    answered_as: str | None = None
    followups: list[FollowUpEntry] = field(default_factory=list)
    waivers: list[WaiverEntry] = field(default_factory=list)

    def followup_fields(self) -> dict[str, dict[str, str | None]]:
        """Gate id → the follow-up fields given, as `Session.apply` takes them."""
        return {f.gate_id: dict(f.fields) for f in self.followups}

    def waiver_fields(self) -> dict[str, dict[str, str]]:
        """Gate id → reason, approver, expires, as `Session.apply` takes them."""
        return {
            w.gate_id: {"reason": w.reason, "approver": w.approver, "expires": w.expires}
            for w in self.waivers
        }


class AnswerFileError(ValueError):
    """Every problem in an answer file, one `FILE: question_id: message` line each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def read_answer_file(path: Path, packset: PackSet, today: str | None = None) -> AnswerFile:
    """The checked contents of `path`; AnswerFileError with every problem otherwise.

    `today` (YYYY-MM-DD, default the real date) is the day an expired waiver is judged on, and
    what `"today"` given for a date question saves."""
    name = str(path)
    raw = _read_mapping(path)
    problems: list[str] = []
    entries: list[AnswerEntry] = []
    meta = raw.pop("_meta", None)
    participants, answered_as = _read_meta(name, meta, problems)
    gate_ids = set(packset.gates)
    followups = _read_followups(name, raw.pop("_followups", None), gate_ids, problems)
    day = today or dt.date.today().isoformat()
    waivers = _read_waivers(name, raw.pop("_waivers", None), gate_ids, day, problems)
    for qid, item in raw.items():
        question = packset.questions.get(qid)
        if question is None:
            problems.append(f"{name}: {qid}: {_not_a_question(packset, qid)}")
            continue
        note = evidence = None
        if isinstance(item, dict):
            extra = sorted(set(item) - ENTRY_KEYS)
            if extra:
                problems.append(f"{name}: {qid}: unknown key(s) {', '.join(extra)}")
                continue
            if "value" not in item:
                problems.append(f"{name}: {qid}: a table needs a 'value'")
                continue
            note, evidence = item.get("note"), item.get("evidence")
            if note is not None and not isinstance(note, str):
                problems.append(f"{name}: {qid}: note must be text")
                continue
            if evidence is not None and (not isinstance(evidence, str) or "\n" in evidence):
                problems.append(f"{name}: {qid}: evidence must be one path or URL")
                continue
            item = item["value"]
        if (
            question.kind is Kind.date
            and isinstance(item, str)
            and item.strip().lower() == TODAY_WORD
        ):
            item = day  # as typed in the wizard: the day the file is applied
        try:
            value = check_value(question, item)
        except AnswerError as exc:
            problems.append(f"{name}: {qid}: {exc}")
            continue
        entries.append(AnswerEntry(qid, value, note, evidence))
    if problems:
        raise AnswerFileError(problems)
    return AnswerFile(path, entries, participants, answered_as, followups, waivers)


def _not_a_question(packset: PackSet, name: str) -> str:
    """Why `name` takes no answer: a value worked out from answers (naming what to answer
    instead: `weeks_since_kickoff` is worked out from `kickoff_date`), else an unknown id."""
    derived = packset.compiled.get(f"derived:{name}")
    if derived is not None or name in packset.scores:
        reads = sorted(
            q
            for q in (derived.names if derived else packset.scores[name].names())
            if q in packset.questions
        )
        source = f"; answer {', '.join(reads)} instead" if reads else ""
        return f"is worked out from other answers, not asked{source}"
    return "unknown question id" + did_you_mean([name], packset.questions)


def _read_mapping(path: Path) -> dict[str, Any]:
    name = str(path)
    try:
        if path.is_dir():
            raise AnswerFileError([f"{name}: file: is a directory"])
        if path.stat().st_size > MAX_FILE_BYTES:
            raise AnswerFileError([f"{name}: file: larger than {MAX_FILE_BYTES:,} bytes"])
        data = path.read_bytes()
    except OSError as exc:
        raise AnswerFileError([f"{name}: file: cannot be read: {exc.strerror or exc}"]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise AnswerFileError([f"{name}: file: is not UTF-8 text"]) from None
    try:
        if path.suffix.lower() == ".json":
            raw = json.loads(text)
        else:
            raw = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise AnswerFileError([f"{name}: file: {exc}"]) from None
    except ValueError:  # Python will not read an int of more than 4,300 digits
        raise AnswerFileError([f"{name}: {number_location(text)}: number too large"]) from None
    except (RecursionError, MemoryError):
        raise AnswerFileError([f"{name}: file: nested too deeply"]) from None
    if not isinstance(raw, dict):
        raise AnswerFileError([f"{name}: file: expected a mapping of question id to value"])
    return raw


def _read_meta(name: str, meta: Any, problems: list[str]) -> tuple[list[Participant], str | None]:
    if meta is None:
        return [], None
    if not isinstance(meta, dict) or set(meta) - {"participants", "answered_as"}:
        problems.append(f"{name}: _meta: expected a table with participants and answered_as")
        return [], None
    people: list[Participant] = []
    listed = meta.get("participants", [])
    if not isinstance(listed, list):
        problems.append(f"{name}: _meta.participants: expected a list of {{name, role}}")
        listed = []
    for index, person in enumerate(listed):
        ok = isinstance(person, dict) and set(person) == {"name", "role"}
        if not ok or not all(isinstance(v, str) and v.strip() for v in person.values()):
            problems.append(f"{name}: _meta.participants[{index}]: expected {{name, role}}")
            continue
        bad = [
            (key, problem)
            for key, what in (("name", "a name"), ("role", "a role"))
            if (problem := name_problem(person[key], what))
        ]
        for key, problem in bad:
            problems.append(f"{name}: _meta.participants[{index}].{key}: {problem}")
        if not bad:
            people.append(Participant(person["name"].strip(), person["role"].strip()))
    answered_as = meta.get("answered_as")
    if answered_as is not None and not isinstance(answered_as, str):
        problems.append(f"{name}: _meta.answered_as: expected a participant's name")
        answered_as = None
    elif answered_as is not None and answered_as not in {p.name for p in people}:
        problems.append(f"{name}: _meta.answered_as: {answered_as!r} is not a participant")
    return people, answered_as


def _gate_tables(
    name: str,
    section: str,
    table: Any,
    gate_ids: set[str],
    keys: tuple[str, ...],
    problems: list[str],
) -> list[tuple[str, dict[str, Any]]]:
    """(gate id, its known keys) for each entry of `_followups` or `_waivers` that is a table
    for a known gate; every problem (not a table, an unknown gate id, unknown keys) goes to
    `problems`."""
    if table is None:
        return []
    expected = ", ".join(keys)
    if not isinstance(table, dict):
        problems.append(f"{name}: {section}: expected a table of gate id → {{{expected}}}")
        return []
    out = []
    for gate_id, item in table.items():
        where = f"{name}: {section}.{gate_id}"
        if gate_id not in gate_ids:
            problems.append(f"{where}: unknown gate id")
            continue
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a table with {expected}")
            continue
        for key in item:
            if key not in keys:
                problems.append(f"{where}.{key}: unknown key (expected {expected})")
        # The known keys are checked too, so one reading reports every problem (a file with
        # any problem is refused whole, so nothing of this entry is applied either way).
        out.append((gate_id, {key: value for key, value in item.items() if key in keys}))
    return out


def _text(value: Any, limit: int, allow_newline: bool) -> str:
    """Trimmed text for a follow-up or waiver field; ValueError with the message otherwise."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    value = value.strip()
    if len(value) > limit:
        raise ValueError(f"is limited to {limit:,} characters")
    if has_control(value, allow_newline=allow_newline):
        breaks = "" if allow_newline else " or line breaks"
        raise ValueError(f"cannot hold control characters{breaks}")
    return value


def _field(key: str, value: Any) -> str | None:
    """One follow-up or waiver field as stored ("" → None); ValueError with the message."""
    if key in ("due", "expires"):
        if value == "":
            return None
        try:
            return parse_day(value)
        except DayError as exc:
            raise ValueError(str(exc)) from None
    if key == "status":
        if value not in FOLLOWUP_STATUSES:
            raise ValueError(f"must be one of {', '.join(FOLLOWUP_STATUSES)}, got {value!r}")
        return str(value)
    person = key in ("owner", "approver")
    text = _text(value, MAX_PERSON if person else MAX_NOTE, allow_newline=not person)
    return " ".join(text.split()) if person else (text or None)


def _read_followups(
    name: str, table: Any, gate_ids: set[str], problems: list[str]
) -> list[FollowUpEntry]:
    out = []
    for gate_id, item in _gate_tables(name, "_followups", table, gate_ids, FOLLOWUP_KEYS, problems):
        fields: dict[str, str | None] = {}
        for key, value in item.items():
            try:
                fields[key] = _field(key, value) or None
            except ValueError as exc:
                problems.append(f"{name}: _followups.{gate_id}.{key}: {exc}")
        if len(fields) == len(item):
            out.append(FollowUpEntry(gate_id, fields))
    return out


def _read_waivers(
    name: str, table: Any, gate_ids: set[str], today: str, problems: list[str]
) -> list[WaiverEntry]:
    out = []
    for gate_id, item in _gate_tables(name, "_waivers", table, gate_ids, WAIVER_KEYS, problems):
        fields: dict[str, str] = {}
        for key in WAIVER_KEYS:
            where = f"{name}: _waivers.{gate_id}.{key}"
            try:
                value = _field(key, item.get(key, ""))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
                continue
            if not value:
                problems.append(f"{where}: a waiver needs a reason, an approver and an expiry date")
            elif key == "expires" and value < today:
                problems.append(
                    f"{where}: the waiver expired on {value} (today is {today}); "
                    "give a date from today on"
                )
            else:
                fields[key] = value
        if len(fields) == len(WAIVER_KEYS):
            out.append(WaiverEntry(gate_id, **fields))
    return out


def demo_answers_path() -> Path:
    """The shipped demo: a support-ticket summariser halfway to production."""
    from app.core.paths import shipped_dir

    return shipped_dir() / "demo" / "support-summariser.toml"
