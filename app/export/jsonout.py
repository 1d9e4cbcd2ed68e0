"""The receipts pack as JSON, for machines: the same content as the Markdown files.

Values are stored values (question id → value, exactly as the digest reads them) beside their
display text. The output is ASCII-only (`ensure_ascii`), so no control character can reach the
file raw, and it carries a `seal`: SHA-256 of the canonical JSON of everything else, which
`preflight verify` checks like the page digest. A merged assessment also carries
`respondents` and `disputes` (open and settled, each with every answer in it); the keys are
left out for one never merged. An assessment with a decision log carries `decisions` (left out
when there is none, so earlier packs keep their bytes). A pack exported from a store carries
`changes_since_last_export`: null on the first export, else what changed since the last one.
When a pack in use declares receipts, `declared_receipts` gives each one's title, rule and pack
(the `receipts` list has their status, like the shipped ones'). When a pack in use tags
questions or gates with framework items, `coverage` gives, per framework, its counts, each
covered item with its questions and gates and their states, and the items nothing covers
(`app.core.frameworks.as_dict`; left out when nothing is tagged).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from app.core.answers import display
from app.core.disputes import Dispute
from app.core.frameworks import as_dict
from app.export.common import waiver_text
from app.export.page import framework_coverage
from app.export.seal import json_seal, pack_ref
from app.export.snapshot import RECEIPT_RULE, PackData, receipt_rule

if TYPE_CHECKING:
    from app.store.models import Decision, Evidence

FORMAT = 1


def document(data: PackData) -> dict[str, Any]:
    a, ev = data.assessment, data.evaluation
    answers = []
    for pack in data.packset.packs:
        for q in pack.questions:
            r = data.answers.get(q.id)
            answers.append(
                {
                    "question_id": q.id,
                    "pack": pack.id,
                    "text": q.text,
                    "kind": q.kind.value,
                    "visible": bool(ev.visible.get(q.id)),
                    "required": q.required,
                    "value": r.value if r else None,
                    "display": display(q, r.value) if r else None,
                    "note": r.note if r else None,
                    "evidence": _evidence(r.evidence) if r and r.evidence else None,
                    "answered_by": r.answered_by if r else None,
                    "answered_at": r.answered_at if r else None,
                }
            )
    known = data.packset.questions
    orphans = [
        asdict(r) | {"evidence": _evidence(r.evidence) if r.evidence else None}
        for qid, r in data.answers.items()
        if qid not in known
    ]
    gates = []
    for gid, g in ev.gates.items():
        follow, waiver = data.followups.get(gid), data.waivers.get(gid)
        gates.append(
            {
                "id": gid,
                "pack": g.pack_id,
                "title": g.gate.full_title,
                "short": g.gate.short,
                "go_no_go": g.gate.go_no_go,
                "level": g.gate.level.value,
                "state": g.state.value,
                "fired": g.fired.value,
                "why": g.gate.why,
                "fix": g.gate.fix,
                "receipt": g.gate.receipt,
                "followup": asdict(follow) if follow else None,
                "waiver": asdict(waiver) if waiver else None,
                "waiver_text": waiver_text(waiver, data.date) or None,
            }
        )
    doc = {
        "format": FORMAT,
        "ref": pack_ref(a),
        "assessment": {"id": a.id, "slug": a.slug, "name": a.name, "description": a.description},
        "date": data.date,
        "preflight": data.version,
        "packs": data.versions,
        "digest": data.digest,
        "verdict": ev.verdict.value,
        "gate_counts": ev.counts(),
        "reasons": [{"state": r.state, "text": r.text, "ref": r.ref} for r in ev.reasons],
        "participants": [{"name": p.name, "role": p.role} for p in data.participants],
        "receipt_rule": RECEIPT_RULE,
        "receipts": [
            {
                "receipt": item.receipt,
                "status": item.status,
                "answered": item.answered,
                "unknown": item.unknown,
                "total": item.total,
                "blocking_gates": item.blocking,
                "evidence": item.evidence,
            }
            for item in data.shelf
        ],
        "areas": [
            {
                "pack": area.pack_id,
                "title": area.title,
                "answered": area.answered,
                "visible": area.visible,
                "state": area.state.value,
                "red": area.red,
                "amber": area.amber,
                "unknown": area.unknown_gates,
                "required_missing": area.required_missing,
            }
            for area in ev.areas.values()
        ],
        "scores": [
            {
                "id": s.id,
                "title": s.title,
                "value": s.value,
                "maximum": s.maximum,
                "band": s.band.label if s.band else None,
            }
            for s in ev.scores.values()
        ],
        "derived": [
            {"id": d.id, "title": d.title, "value": _finite(ev.derived(d.id)), "unit": d.unit}
            | ({"band": ev.derived(f"band:{d.id}")} if d.bands else {})
            for d in data.packset.derived.values()
        ],
        "gates": gates,
        "answers": answers,
        "other_answers": orphans,
    }
    if data.packset.receipt_pack:  # receipts a pack declares (packs without keep their bytes)
        doc["declared_receipts"] = [
            {
                "receipt": rid,
                "title": data.packset.receipts[rid].title,
                "present": data.packset.receipts[rid].present.value,
                "pack": pack_id,
                "rule": receipt_rule(data.packset.receipts[rid]) or RECEIPT_RULE,
            }
            for rid, pack_id in data.packset.receipt_pack.items()
        ]
    if found := framework_coverage(data):  # framework tags (untagged packs keep their bytes)
        doc["coverage"] = as_dict(found)
    if data.respondents or data.disputes:  # a merged assessment (unmerged ones read as before)
        doc["respondents"] = [
            {
                "name": r.name,
                "source": r.source,
                "source_digest": r.source_digest,
                "merged_at": r.merged_at,
                "answers": len(r.answers),
            }
            for r in data.respondents
        ]
        doc["disputes"] = [_dispute(data, d) for d in data.disputes.values()]
    if data.decisions:  # the decision log (left out when there is none, as before)
        doc["decisions"] = [_decision(data, d) for d in data.decisions]
    if data.changes is not None:  # read from a store: null on the first export
        doc["changes_since_last_export"] = _changes(data)
    return doc


def _changes(data: PackData) -> dict[str, Any] | None:
    """What changed since the last export: when it was, the headline, and the report as
    `preflight diff --json` gives it; None on the first export."""
    changes = data.changes
    if changes is None or changes.first:
        return None
    return {"since": changes.since, "headline": changes.headline} | {
        k: v for k, v in changes.report.items() if k != "since"
    }


def _dispute(data: PackData, dispute: Dispute) -> dict[str, Any]:
    """One disagreement as stored, with display text beside each value."""
    question = data.packset.questions.get(dispute.question_id)

    def shown(value: Any) -> str | None:
        if value is None:
            return None
        return display(question, value) if question is not None else str(value)

    return {
        "question_id": dispute.question_id,
        "pack": data.packset.question_pack.get(dispute.question_id),
        "open": dispute.open,
        "opened_at": dispute.opened_at,
        "voices": [
            {
                "name": v.name,
                "value": v.value,
                "display": shown(v.value),
                "note": v.note,
                "evidence": v.evidence,
                "here": v.here,
            }
            for v in dispute.voices
        ],
        "resolved_at": dispute.resolved_at,
        "resolved_by": dispute.resolved_by,
        "resolved_value": dispute.resolved_value,
        "resolved_display": shown(dispute.resolved_value),
        "resolved_how": dispute.resolved_how,
    }


def _decision(data: PackData, decision: Decision) -> dict[str, Any]:
    """One decision as stored (no row ids); a go/no-go one says whether the answers changed
    since (the pack digest then and now differ)."""
    out = asdict(decision)
    del out["id"], out["assessment_id"]
    out["kind"] = str(decision.kind)
    if decision.kind == "verdict":
        out["answers_changed"] = decision.digest != data.digest
    return out


def render_json(data: PackData) -> str:
    doc = document(data)
    doc["seal"] = json_seal(doc)
    return json.dumps(doc, indent=2, ensure_ascii=True) + "\n"


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity; a derived value that is not a finite number reads as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _evidence(evidence: Evidence) -> dict[str, Any]:
    """The evidence as stored; `unhashed` (why a path has no hash) only when there is one."""
    out = asdict(evidence)
    if out.get("unhashed") is None:
        out.pop("unhashed", None)
    return out
