"""Answer files: a TOML or JSON mapping of question id → value, or → {value, note, evidence}.

Used by `preflight quick --answers FILE` and by the shipped demo. Reading is all or nothing:
every problem is collected as `FILE: question_id: message`, and a file with any problem yields
no answers at all. An optional `_meta` table may carry `participants = [{name, role}]` and the
`answered_as` participant's name (question ids cannot start with `_`, so it never clashes).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.answers import AnswerError, check_value
from app.core.packs import PackSet, number_location

ENTRY_KEYS = {"value", "note", "evidence"}
MAX_FILE_BYTES = 20_000_000


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


@dataclass
class AnswerFile:
    path: Path
    entries: list[AnswerEntry]
    participants: list[Participant] = field(default_factory=list)
    answered_as: str | None = None


class AnswerFileError(ValueError):
    """Every problem in an answer file, one `FILE: question_id: message` line each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def read_answer_file(path: Path, packset: PackSet) -> AnswerFile:
    name = str(path)
    raw = _read_mapping(path)
    problems: list[str] = []
    entries: list[AnswerEntry] = []
    meta = raw.pop("_meta", None)
    participants, answered_as = _read_meta(name, meta, problems)
    for qid, item in raw.items():
        question = packset.questions.get(qid)
        if question is None:
            problems.append(f"{name}: {qid}: unknown question id")
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
        try:
            value = check_value(question, item)
        except AnswerError as exc:
            problems.append(f"{name}: {qid}: {exc}")
            continue
        entries.append(AnswerEntry(qid, value, note, evidence))
    if problems:
        raise AnswerFileError(problems)
    return AnswerFile(path, entries, participants, answered_as)


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
        people.append(Participant(person["name"].strip(), person["role"].strip()))
    answered_as = meta.get("answered_as")
    if answered_as is not None and not isinstance(answered_as, str):
        problems.append(f"{name}: _meta.answered_as: expected a participant's name")
        answered_as = None
    elif answered_as is not None and answered_as not in {p.name for p in people}:
        problems.append(f"{name}: _meta.answered_as: {answered_as!r} is not a participant")
    return people, answered_as


def demo_answers_path() -> Path:
    """The shipped demo: a support-ticket summariser halfway to production."""
    from app.core.paths import shipped_dir

    return shipped_dir() / "demo" / "support-summariser.toml"
