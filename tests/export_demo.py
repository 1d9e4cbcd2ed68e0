"""Loading the shipped demo answers into a store (or into records, for golden files)."""

from __future__ import annotations

import functools
from pathlib import Path

from app.core.answerfile import demo_answers_path, read_answer_file
from app.core.packs import PackSet, load_packs
from app.core.paths import shipped_dir
from app.export.snapshot import PackData, make_snapshot
from app.store.models import AnswerRecord, Assessment, Evidence, Participant
from tests.export_support import STAMP


@functools.cache
def shipped_packset() -> PackSet:
    result = load_packs([shipped_dir()])
    assert result.ok, result.problems
    return result.packset


def load_demo(store, packset: PackSet, name: str = "Support summariser") -> Assessment:
    """Create the demo assessment in `store` from the shipped answer file."""
    answers = read_answer_file(demo_answers_path(), packset)
    a = store.create(name, "Support-ticket summariser", packs=packset.versions())
    for p in answers.participants:
        store.add_participant(a.id, p.name, p.role)
    store.replace_answers(a.id, answers.entries, answered_by=answers.answered_as)
    return store.get(a.id)


def demo_data(packset: PackSet | None = None) -> PackData:
    """The demo as fixed records (timestamps pinned), for golden files."""
    packset = packset or shipped_packset()
    answers = read_answer_file(demo_answers_path(), packset)
    a = Assessment(
        id=1,
        slug="support-summariser",
        name="Support summariser",
        packs=packset.versions(),
        created_at="2026-01-05T09:00:00Z",
        updated_at=STAMP,
    )
    people = [
        Participant(id=i, assessment_id=1, name=p.name, role=p.role)
        for i, p in enumerate(answers.participants, 1)
    ]
    records = {}
    for e in answers.entries:
        ev = Evidence(ref=e.evidence, captured_at=STAMP) if e.evidence else None
        records[e.question_id] = AnswerRecord(
            assessment_id=1,
            question_id=e.question_id,
            value=e.value,
            note=e.note,
            evidence=ev,
            answered_by=answers.answered_as,
            answered_at=STAMP,
        )
    return make_snapshot(a, people, records, {}, {}, packset)


DEMO = Path(demo_answers_path())
