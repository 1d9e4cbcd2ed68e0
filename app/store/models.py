"""Typed records the store takes and returns; no SQL above the store ever sees a row.

These models are the contract between the store and every front end (wizard, plain mode,
CLI, export). Timestamps are ISO 8601 strings in UTC (`2026-11-23T10:51:49Z`); dates are
`YYYY-MM-DD`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    # defer_build: the schema is built on first validation, not at import (the home screen
    # lists rows with model_construct and starts ~40 ms sooner).
    model_config = ConfigDict(frozen=True, defer_build=True)


class Summary(Record):
    """What `preflight list` and the home screen show, cached on each change of answers."""

    answered: int = 0
    total: int = 0
    verdict: str = "INCOMPLETE"
    red: int = 0
    amber: int = 0
    unknown: int = 0


class Assessment(Record):
    id: int
    slug: str
    name: str
    description: str = ""
    packs: dict[str, str] = Field(default_factory=dict)
    """Pack id → version in use."""
    archived: bool = False
    created_at: str
    updated_at: str
    summary: Summary = Field(default_factory=Summary)


class Participant(Record):
    id: int
    assessment_id: int
    name: str
    role: str


class Evidence(Record):
    ref: str
    """A path or URL."""
    sha256: str | None = None
    """SHA-256 of a local file at the time it was captured, when the path was readable."""
    captured_at: str


class AnswerRecord(Record):
    assessment_id: int
    question_id: str
    value: Any
    note: str | None = None
    evidence: Evidence | None = None
    answered_by: str | None = None
    """The participant name the answer was given as (None when nobody was chosen)."""
    answered_at: str


class HistoryEntry(Record):
    id: int
    assessment_id: int
    question_id: str
    old_value: Any = None
    new_value: Any = None
    """None when the answer was cleared."""
    note: str | None = None
    changed_by: str | None = None
    changed_at: str


class FollowUpStatus(StrEnum):
    open = "open"
    in_progress = "in_progress"
    done = "done"


class GateFollowUp(Record):
    assessment_id: int
    gate_id: str
    owner: str | None = None
    due: str | None = None
    status: FollowUpStatus = FollowUpStatus.open
    note: str | None = None
    updated_at: str


class Waiver(Record):
    assessment_id: int
    gate_id: str
    reason: str
    approver: str
    expires: str
    """YYYY-MM-DD; from the day after, the waiver no longer clears its gate."""
    created_at: str

    def active_on(self, day: str) -> bool:
        return day <= self.expires
