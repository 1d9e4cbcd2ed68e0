"""Typed records the store takes and returns; no SQL above the store ever sees a row.

These models are the contract between the store and every front end (wizard, plain mode,
CLI, export). Timestamps are ISO 8601 strings in UTC (`2026-11-23T10:51:49Z`); dates are
`YYYY-MM-DD`.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Any, TypeVar, dataclass_transform

from app.core.disputes import Voice

T = TypeVar("T")


# Plain frozen dataclasses, not pydantic: the store builds them from rows it wrote itself, so
# there is nothing to validate, and the home screen and `list` start without loading pydantic
# (~40 ms). Rows the store did not shape itself are checked in `app.store.rows`.
# `dataclass_transform` tells type checkers the fields are the constructor's keywords.
@dataclass_transform(frozen_default=True, kw_only_default=True)
def record(cls: type[T]) -> type[T]:
    return dataclasses.dataclass(frozen=True, slots=True, kw_only=True)(cls)


@record
class Summary:
    """What `preflight list` and the home screen show, cached on each change of answers."""

    answered: int = 0
    total: int = 0
    verdict: str = "INCOMPLETE"
    red: int = 0
    amber: int = 0
    unknown: int = 0


@record
class Assessment:
    id: int
    slug: str
    name: str
    description: str = ""
    packs: dict[str, str] = dataclasses.field(default_factory=dict)
    """Pack id → version in use."""
    archived: bool = False
    created_at: str
    updated_at: str
    summary: Summary = dataclasses.field(default_factory=Summary)
    answering_as: str | None = None
    """The participant the wizard last answered as (kept across reopenings)."""
    pack_selection: tuple[str, ...] | None = None
    """The ids of the packs this assessment is made of; None: every pack in use."""


@record
class Participant:
    id: int
    assessment_id: int
    name: str
    role: str


@record
class Evidence:
    ref: str
    """A path or URL."""
    sha256: str | None = None
    """SHA-256 of a local file at the time it was captured, when the path was readable."""
    captured_at: str
    unhashed: str | None = None
    """Why a local path has no hash ("not hashed: no such file here"); None for a URL."""


@record
class AnswerRecord:
    assessment_id: int
    question_id: str
    value: Any
    note: str | None = None
    evidence: Evidence | None = None
    answered_by: str | None = None
    """The participant name the answer was given as (None when nobody was chosen)."""
    answered_at: str


@record
class HistoryEntry:
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


@record
class GateFollowUp:
    assessment_id: int
    gate_id: str
    owner: str | None = None
    due: str | None = None
    status: FollowUpStatus = FollowUpStatus.open
    note: str | None = None
    updated_at: str


@record
class Waiver:
    assessment_id: int
    gate_id: str
    reason: str
    approver: str
    expires: str
    """YYYY-MM-DD; from the day after, the waiver no longer clears its gate."""
    created_at: str

    def active_on(self, day: str) -> bool:
        return day <= self.expires


@record
class Respondent:
    """One self-assessment merged into this one (`preflight merge`), known by its name."""

    id: int
    assessment_id: int
    name: str
    source: str
    """The slug or file it was merged from, as given."""
    source_digest: str | None = None
    """The assessment file's digest (None when merged from a slug in this database)."""
    merged_at: str
    answers: dict[str, AnswerRecord] = dataclasses.field(default_factory=dict)
    """Question id → the respondent's own answer (`answered_by` as in their assessment)."""


class ResolvedHow(StrEnum):
    answered = "answered"
    """Somebody answered the question here."""
    merged = "merged"
    """A later merge brought the respondents into agreement."""


@record
class Disagreement:
    """Respondents answered a question differently; it counts as not answered while open."""

    id: int
    assessment_id: int
    question_id: str
    opened_at: str
    earlier: Any = None
    """The answer this assessment held, given here, that the respondents disputed (or None)."""
    earlier_by: str | None = None
    resolved_at: str | None = None
    resolved_by: str | None = None
    resolved_value: Any = None
    resolved_how: ResolvedHow | None = None
    voices: tuple[Voice, ...] = ()
    """For a settled one: each answer as it stood when it was settled (empty while open: the
    respondents' answers as they are now apply)."""

    @property
    def open(self) -> bool:
        return self.resolved_at is None


@record
class ExportRecord:
    """One receipts pack written to disk (the exports log)."""

    id: int
    assessment_id: int
    path: str
    """As written: a relative path stays relative to where the export ran."""
    format: str
    digest: str
    packs: dict[str, str] = dataclasses.field(default_factory=dict)
    """Pack id → version the pack was built from."""
    exported_at: str
    history_mark: int = 0
    """The last answer_history id of the assessment when it was written: "since the last
    export" is every history line after it, even one written in the same second."""
    page_date: str | None = None
    """The day the page was judged on (its pack date, or `--date`); None for older exports."""


@record
class MergeChange:
    """What one `preflight merge` writes, in one transaction (`app.interchange.merge` plans it)."""

    respondents: list[Respondent]
    """Each source, matched to a stored respondent by name (case and spacing aside): its answers
    replace the ones stored for it; ids are ignored."""
    participants: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    """(name, role) to add where the name is not yet a participant."""
    answers: list[AnswerRecord] = dataclasses.field(default_factory=list)
    """Answers the respondents agree on, to set (their evidence is kept as recorded)."""
    cleared: list[str] = dataclasses.field(default_factory=list)
    """Questions whose answer is removed because the respondents now dispute it."""
    opened: dict[str, tuple[Any, str | None]] = dataclasses.field(default_factory=dict)
    """Question id → (the answer given here that is disputed, by whom): new disagreements."""
    closed: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Open disagreements this merge settles: question id → the value now agreed (None when
    no respondent answers it any more)."""
    merged: dict[str, Any] = dataclasses.field(default_factory=dict)
    """Question id → the value this merge agreed on, or None to forget an earlier one."""


class DecisionKind(StrEnum):
    note = "note"
    """A decision in words (`preflight decide SLUG "TEXT"`), maybe about one gate."""
    verdict = "verdict"
    """The go/no-go decision, with what Preflight computed at that moment."""


@record
class Decision:
    """One entry of the decision log (`preflight decide`), oldest first."""

    id: int
    assessment_id: int
    kind: DecisionKind
    text: str | None = None
    """The decision (a note), or the note given with a verdict."""
    gate_id: str | None = None
    decided_by: str | None = None
    """A participant's name, as spelled among the participants."""
    decided_at: str
    verdict: str | None = None
    """GO, CONDITIONAL or NO-GO: what was decided (a verdict only)."""
    computed_verdict: str | None = None
    """The verdict Preflight computed when it was decided."""
    digest: str | None = None
    """The pack digest (the export's `answers_digest`) when it was decided."""
    open_gates: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    """Gate state (red, amber, unknown) → the gate ids in it when it was decided."""
    override: str | None = None
    """Why the verdict goes against the computed one (needed for GO over NO-GO or INCOMPLETE)."""
