"""Fixtures for the export tests: the example pack and records built without a store."""

from __future__ import annotations

from pathlib import Path

from app.core.packs import PackSet, load_packs
from app.export.snapshot import PackData, make_snapshot
from app.store.models import (
    AnswerRecord,
    Assessment,
    Evidence,
    GateFollowUp,
    Participant,
    Waiver,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"
STAMP = "2026-03-02T09:30:00Z"

VENDOR_ANSWERS = {
    "vendor_name": ("Acme Models", "Chosen after the bake-off", None),
    "vendor_dpa_signed": ("yes", None, "https://legal.example.com/dpa/acme.pdf"),
    "vendor_region": ("global", None, None),
    "vendor_exit_plan": (1, "Prompts tuned for one API", None),
    "vendor_support": (1, None, None),
    "vendor_cost_per_call": (0.004, None, None),
    "vendor_calls_per_day": (12000, None, "docs/pilot-logs.md"),
    "vendor_monthly_budget": (5000, None, None),
}


def vendor_packset() -> PackSet:
    result = load_packs([EXAMPLES])
    assert result.ok, result.problems
    return result.packset


def assessment(name: str = "Support summariser", slug: str = "support-summariser") -> Assessment:
    return Assessment(
        id=1,
        slug=slug,
        name=name,
        packs={"vendor": "1.0"},
        created_at="2026-02-01T08:00:00Z",
        updated_at=STAMP,
    )


def record(qid, value, note=None, evidence=None, by="Ana Ruiz", at=STAMP) -> AnswerRecord:
    return AnswerRecord(
        assessment_id=1,
        question_id=qid,
        value=value,
        note=note,
        evidence=Evidence(ref=evidence, captured_at=at) if evidence else None,
        answered_by=by,
        answered_at=at,
    )


def vendor_data(**overrides) -> PackData:
    """The example pack with fixed answers: cost over budget (red), fragile vendor (amber)."""
    answers = {
        qid: record(qid, value, note, ev) for qid, (value, note, ev) in VENDOR_ANSWERS.items()
    }
    people = [
        Participant(id=1, assessment_id=1, name="Ana Ruiz", role="Product owner"),
        Participant(id=2, assessment_id=1, name="Bo Chen", role="ML engineer"),
    ]
    followups = {
        "vendor_cost_over_budget": GateFollowUp(
            assessment_id=1,
            gate_id="vendor_cost_over_budget",
            owner="Bo Chen",
            due="2026-04-01",
            updated_at=STAMP,
        )
    }
    waivers = {
        "vendor_fragile": Waiver(
            assessment_id=1,
            gate_id="vendor_fragile",
            reason="Second provider trial booked for Q2",
            approver="CTO",
            expires="2026-06-30",
            created_at=STAMP,
        )
    }
    kwargs = dict(
        assessment=assessment(),
        participants=people,
        answers=answers,
        followups=followups,
        waivers=waivers,
        packset=vendor_packset(),
    )
    kwargs.update(overrides)
    return make_snapshot(**kwargs)
