"""Reading the two sides of a diff from the store: the answers as of a moment (replayed from
the history) against the answers now, or now against another assessment or file.

What `preflight diff`, the wizard's "Changes since…" and the receipts appendix's "Changes since
the last export" all show; `app.interchange.diff.compare` does the comparing."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from app.interchange import diff

if TYPE_CHECKING:
    from app.core.packs import PackSet
    from app.store import Store
    from app.store.models import AnswerRecord, Assessment, ExportRecord


@dataclasses.dataclass(frozen=True)
class Moment:
    """Where a comparison starts: a time in the assessment's life ("" → its creation)."""

    when: str
    what: str
    """In words, for a heading: "the last export, 2026-11-24T10:00:00Z"."""
    mark: int | None = None
    """An export's last history line: what was written after it counts, even in its second."""
    day: str | None = None
    """The day the answers then were judged on: an export's page date (None: the moment's
    own day)."""


def after_export(record: ExportRecord, what: str | None = None) -> Moment:
    """The moment export `record` was written, up to its last history line; `what` says it in
    words (default "the last export, <when>")."""
    what = what or f"the last export, {record.exported_at}"
    return Moment(record.exported_at, what, record.history_mark, record.page_date)


def last_export(store: Store, assessment: Assessment) -> Moment:
    """The moment of the assessment's last export, else its creation."""
    records = store.exports(assessment.id)
    if records:
        return after_export(records[-1])
    return Moment("", f"its creation, {assessment.created_at}")


def export_with_digest(store: Store, assessment: Assessment, digest: str) -> Moment | None:
    """The moment of the latest export whose digest is `digest` (the one an exported file
    claims), or None when the exports log has none (an older Preflight, another database)."""
    records = [r for r in store.exports(assessment.id) if r.digest == digest]
    if not records:
        return None
    return after_export(records[-1], f"the export of {records[-1].exported_at}")


def at(value: str) -> Moment:
    """A --since given by a person (raises `diff.MomentError`)."""
    when = diff.moment(value)
    return Moment(when, when)


def current(store: Store, assessment_id: int, label: str, day: str, packs: Any) -> diff.State:
    """An assessment's records now."""
    return diff.State(
        label=label,
        day=day,
        answers=store.answers(assessment_id),
        waivers=store.waivers(assessment_id),
        followups=store.followups(assessment_id),
        disagreements=store.disagreements(assessment_id, open_only=False),
        packs=dict(packs),
    )


def since(
    store: Store,
    packset: PackSet,
    assessment: Assessment,
    day: str,
    start: Moment,
    answers_now: dict[str, AnswerRecord] | None = None,
) -> tuple[dict[str, Any], str]:
    """What changed in `assessment` from `start` to now, judged on `day`, and a heading."""
    when, mark = start.when, start.mark
    new = current(store, assessment.id, assessment.slug, day, packset.versions())
    if answers_now is not None:
        new = dataclasses.replace(new, answers=answers_now)
    # Pack versions of then are known from the export made at or before it, if any.
    then = store.last_export(assessment.id, when) if when else None
    changed = store.changed_after(assessment.id, when, mark)
    lines = store.history_as_of(assessment.id, when, mark)
    old = diff.State(
        label=when or assessment.created_at,
        day=start.day or (when or assessment.created_at)[:10],
        answers=diff.as_of(new.answers, lines, when, later=changed),
        waivers={g: w for g, w in new.waivers.items() if when and w.created_at <= when},
        followups=new.followups,
        disagreements=new.disagreements,
        packs=then.packs if then is not None else None,
    )
    new = dataclasses.replace(new, changed=changed)
    found = diff.compare(packset, old, new, day, since=when)
    found["decisions"] = diff.decisions_since(store.decisions(assessment.id), when)
    found["since"] = when or assessment.created_at
    return found, f"Changes in {assessment.slug!r} since {start.what} (on {day})"


def against(
    store: Store, packset: PackSet, assessment: Assessment, day: str, old: diff.State
) -> tuple[dict[str, Any], str]:
    """What differs in `assessment` now from `old` (another assessment's or a file's state)."""
    new = current(store, assessment.id, assessment.slug, day, assessment.packs)
    found = diff.compare(packset, old, new, day)
    return found, f"Changes in {assessment.slug!r} against {old.label!r} (on {day})"
