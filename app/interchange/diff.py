"""What changed between two states of an assessment: `preflight diff`.

Pure over records: the caller reads two `State`s (the answers as of a moment, replayed from the
history, and the answers now; or the current states of two assessments or files) and `compare`
says which gates flipped and which answers moved them, which answers, notes and evidence
changed, which waivers were added, expired or expire soon, which follow-ups became overdue,
which disagreements opened or were resolved, and which pack versions changed. The day
waivers and follow-ups are judged on is handed in (`today`): nothing here reads a clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from app.core.answers import display
from app.core.engine import SEVERITY, Evaluation, evaluate
from app.core.explain import because
from app.core.packs import PackSet
from app.store.models import (
    AnswerRecord,
    Decision,
    Disagreement,
    GateFollowUp,
    HistoryEntry,
    Waiver,
)

EXPIRING_DAYS = 14
"""A waiver that ends within this many days of today is listed as expiring."""


@dataclasses.dataclass(frozen=True)
class State:
    """One side of a comparison: an assessment's records as they stood on `day`."""

    label: str
    day: str
    """The day its waivers are judged on, and what `today` reads (YYYY-MM-DD)."""
    answers: dict[str, AnswerRecord]
    waivers: dict[str, Waiver]
    followups: dict[str, GateFollowUp]
    disagreements: list[Disagreement]
    packs: dict[str, str] | None = None
    """Pack id → version, or None when not known for this side."""
    changed: dict[str, HistoryEntry] = dataclasses.field(default_factory=dict)
    """Question id → the latest history line that led here (who, when), where known."""


def as_of(
    answers_now: Mapping[str, AnswerRecord],
    lines: Mapping[str, HistoryEntry],
    when: str,
    later: Collection[str] = (),
) -> dict[str, AnswerRecord]:
    """The answers as they stood at `when`, from each question's last history line at or
    before it (`lines`, see `Store.history_as_of`). Evidence is not kept in the history: an
    answer keeps the evidence it has now when that was captured by `when`. `later`: the
    questions with a history line after the moment (`Store.changed_after`): one of them with
    no line before it was not answered then, even if answered in the moment's own second."""
    out: dict[str, AnswerRecord] = {}
    for qid, line in lines.items():
        if line.new_value is None:
            continue  # cleared by then
        now = answers_now.get(qid)
        evidence = None
        if now is not None and now.evidence is not None and now.evidence.captured_at <= when:
            evidence = now.evidence
        out[qid] = AnswerRecord(
            assessment_id=line.assessment_id,
            question_id=qid,
            value=line.new_value,
            note=line.note,
            evidence=evidence,
            answered_by=line.changed_by,
            answered_at=line.changed_at,
        )
    for qid, now in answers_now.items():
        # An answer with no history line at all (restored from an older file): there from
        # when it was given.
        if qid not in lines and qid not in later and now.answered_at <= when:
            out[qid] = now
    return out


def replay(history: list[HistoryEntry], when: str) -> dict[str, HistoryEntry]:
    """Each question's last history line (by time, then order written) at or before `when`:
    what `Store.history_as_of` reads in SQL, for a history in hand (a file)."""
    out: dict[str, HistoryEntry] = {}
    for line in history:
        if line.changed_at <= when:
            kept = out.get(line.question_id)
            if kept is None or (kept.changed_at, kept.id) <= (line.changed_at, line.id):
                out[line.question_id] = line
    return out


def _open_at(disagreement: Disagreement, when: str | None) -> bool:
    if when is None:
        return disagreement.open
    return disagreement.opened_at <= when and (
        disagreement.resolved_at is None or disagreement.resolved_at > when
    )


def _plus_days(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def _active(waivers: Mapping[str, Waiver], day: str) -> set[str]:
    return {gid for gid, w in waivers.items() if w.active_on(day)}


def _overdue(followup: GateFollowUp, day: str) -> bool:
    return followup.status != "done" and followup.due is not None and followup.due < day


def _reading(packset: PackSet, qid: str, record: AnswerRecord | None) -> str | None:
    if record is None:
        return None
    question = packset.questions.get(qid)
    return display(question, record.value) if question is not None else str(record.value)


def _evidence_ref(record: AnswerRecord | None) -> str | None:
    return record.evidence.ref if record is not None and record.evidence is not None else None


def _text_change(old: str | None, new: str | None) -> str | None:
    if (old or None) == (new or None):
        return None
    if not old:
        return "added"
    if not new:
        return "removed"
    return "changed"


def _waiver(w: Waiver) -> dict[str, Any]:
    return {
        "gate": w.gate_id,
        "reason": w.reason,
        "approver": w.approver,
        "expires": w.expires,
        "created_at": w.created_at,
    }


def evaluate_state(packset: PackSet, state: State) -> Evaluation:
    values = {qid: a.value for qid, a in state.answers.items()}
    return evaluate(packset, values, _active(state.waivers, state.day), state.day)


def compare(
    packset: PackSet, old: State, new: State, today: str, since: str | None = None
) -> dict[str, Any]:
    """Everything that differs from `old` to `new`, as plain data (the `--json` shape).

    With `since` (a moment in one assessment's life), disagreements are those opened or
    resolved after it; without, the two states' open disagreements are compared."""
    before, after = evaluate_state(packset, old), evaluate_state(packset, new)

    answers: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    moved: set[str] = set()
    order = {qid: i for i, qid in enumerate(packset.questions)}
    qids = sorted(set(old.answers) | set(new.answers), key=lambda q: (order.get(q, 1 << 30), q))
    for qid in qids:
        was, now = old.answers.get(qid), new.answers.get(qid)
        question = packset.questions.get(qid)
        text = question.text if question is not None else None
        hidden = not after.visible.get(qid, True) if question is not None else False
        line = new.changed.get(qid)
        by = line.changed_by if line is not None else (now.answered_by if now else None)
        at = line.changed_at if line is not None else (now.answered_at if now else None)
        if (was.value if was else None) != (now.value if now else None):
            moved.add(qid)
            answers.append(
                {
                    "question": qid,
                    "text": text,
                    "old": was.value if was else None,
                    "new": now.value if now else None,
                    "old_reading": _reading(packset, qid, was),
                    "new_reading": _reading(packset, qid, now),
                    "by": by,
                    "at": at,
                    "hidden": hidden,
                    "known": question is not None,
                }
            )
        change = _text_change(was.note if was else None, now.note if now else None)
        if change:
            notes.append(
                {
                    "question": qid,
                    "change": change,
                    "old": was.note if was else None,
                    "new": now.note if now else None,
                    "hidden": hidden,
                }
            )
        change = _text_change(_evidence_ref(was), _evidence_ref(now))
        if change:
            evidence.append(
                {
                    "question": qid,
                    "change": change,
                    "old": _evidence_ref(was),
                    "new": _evidence_ref(now),
                    "hidden": hidden,
                }
            )

    rank = {state: i for i, state in enumerate(SEVERITY)}
    gates: list[dict[str, Any]] = []
    for gid, result in after.gates.items():
        prior = before.gates.get(gid)
        if prior is None or prior.state == result.state:
            continue
        gates.append(
            {
                "gate": gid,
                "title": result.gate.title,
                "old": prior.state.value,
                "new": result.state.value,
                "because": because(packset, after, gid),
                "moved_by": [q for q in packset.gate_reads(gid) if q in moved],
                "day": [old.day, new.day]
                if old.day != new.day and packset.gate_reads_day(gid)
                else None,
            }
        )
    gates.sort(key=lambda g: (rank[after.gates[str(g["gate"])].state], str(g["gate"])))

    soon = _plus_days(today, EXPIRING_DAYS)
    added = [
        _waiver(w)
        for gid, w in sorted(new.waivers.items())
        if gid not in old.waivers or old.waivers[gid].created_at != w.created_at
    ]
    expired = [
        _waiver(w)
        for _, w in sorted(new.waivers.items())
        if w.expires < today and w.expires >= old.day
    ]
    expiring = [_waiver(w) for _, w in sorted(new.waivers.items()) if today <= w.expires <= soon]

    overdue = []
    for gid, f in sorted(new.followups.items()):
        was_f = old.followups.get(gid)
        if _overdue(f, today) and not (was_f is not None and _overdue(was_f, old.day)):
            overdue.append({"gate": gid, "owner": f.owner, "due": f.due, "status": str(f.status)})

    opened: list[dict[str, Any]] = []
    resolved: list[dict[str, Any]] = []
    if since is not None:
        for d in new.disagreements:
            if d.opened_at > since:
                opened.append({"question": d.question_id, "at": d.opened_at})
            if d.resolved_at is not None and d.resolved_at > since:
                resolved.append(
                    {"question": d.question_id, "at": d.resolved_at, "by": d.resolved_by}
                )
    else:
        was_open = {d.question_id for d in old.disagreements if d.open}
        now_open = {d.question_id: d for d in new.disagreements if d.open}
        opened = [
            {"question": q, "at": now_open[q].opened_at} for q in sorted(set(now_open) - was_open)
        ]
        resolved = [
            {"question": q, "at": None, "by": None} for q in sorted(was_open - set(now_open))
        ]

    packs = []
    if old.packs is not None and new.packs is not None:
        for pid in sorted(set(old.packs) | set(new.packs)):
            if old.packs.get(pid) != new.packs.get(pid):
                packs.append({"pack": pid, "old": old.packs.get(pid), "new": new.packs.get(pid)})

    return {
        "old": old.label,
        "new": new.label,
        "since": since,
        "today": today,
        "verdict": {"old": before.verdict.value, "new": after.verdict.value},
        "gates": gates,
        "answers": answers,
        "notes": notes,
        "evidence": evidence,
        "waivers": {"added": added, "expired": expired, "expiring": expiring},
        "followups_overdue": overdue,
        "disagreements": {"opened": opened, "resolved": resolved},
        "packs": packs,
    }


def is_empty(report: Mapping[str, Any]) -> bool:
    """No change of any kind (the verdict aside, which follows from the rest)."""
    return not any(
        [
            report["gates"],
            report["answers"],
            report["notes"],
            report["evidence"],
            *report["waivers"].values(),
            report["followups_overdue"],
            *report["disagreements"].values(),
            report["packs"],
            report.get("decisions", []),
        ]
    )


_CLEARED = ("clear", "waived", "inactive")
"""A gate in one of these states no longer stops GO."""


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def movers(gate: Mapping[str, Any]) -> list[str]:
    """What moved a gate of a report: the answers read, then the day when the rule reads
    `today` and the two sides were judged on other days (a pilot that stalled with time)."""
    out = [str(q) for q in gate["moved_by"]]
    if gate.get("day"):
        out.append(f"the day ({gate['day'][0]} → {gate['day'][1]})")
    return out


def headline(report: Mapping[str, Any]) -> str:
    """A report in one short line, what a reviewer asks first: "2 gates cleared, 1 new red,
    3 answers changed" (gates that stopped blocking, that turned red, amber or unknown, and
    the answers that moved). When none of those changed, the other kinds of change are
    counted instead ("1 note changed, 1 decision recorded"); "no changes" when nothing did."""
    gates = report["gates"]
    cleared = sum(1 for g in gates if g["new"] in _CLEARED and g["old"] not in _CLEARED)
    turned = {s: sum(1 for g in gates if g["new"] == s and g["old"] != s) for s in _TURNED}
    parts = [_counted(cleared, "gate cleared", "gates cleared")] if cleared else []
    parts += [f"{n} new {state}" for state, n in turned.items() if n]
    if report["answers"]:
        parts.append(_counted(len(report["answers"]), "answer changed", "answers changed"))
    if parts:
        return ", ".join(parts)
    waivers, disputes = report["waivers"], report["disagreements"]
    others = (
        (len(gates), "gate changed", "gates changed"),
        (len(report["notes"]), "note changed", "notes changed"),
        (len(report["evidence"]), "evidence link changed", "evidence links changed"),
        (len(waivers["added"]), "waiver added", "waivers added"),
        (len(waivers["expired"]), "waiver expired", "waivers expired"),
        (len(waivers["expiring"]), "waiver expiring", "waivers expiring"),
        (len(report["followups_overdue"]), "follow-up overdue", "follow-ups overdue"),
        (len(disputes["opened"]), "disagreement opened", "disagreements opened"),
        (len(disputes["resolved"]), "disagreement resolved", "disagreements resolved"),
        (len(report.get("decisions", [])), "decision recorded", "decisions recorded"),
        (len(report["packs"]), "pack version changed", "pack versions changed"),
    )
    parts = [_counted(n, one, many) for n, one, many in others if n]
    return ", ".join(parts) if parts else "no changes"


_TURNED = ("red", "amber", "unknown")
"""The blocking states a headline counts gates newly in ("1 new red")."""


def decisions_since(decisions: Sequence[Decision], since: str) -> list[dict[str, Any]]:
    """The decisions recorded after `since` ("" → all), oldest first, as the report has them."""
    out = []
    for d in decisions:
        if since and d.decided_at <= since:
            continue
        out.append(
            {
                "kind": d.kind.value,
                "text": d.text,
                "gate": d.gate_id,
                "by": d.decided_by,
                "at": d.decided_at,
                "verdict": d.verdict,
                "computed": d.computed_verdict,
                "open_gates": d.open_gates,
                "override": d.override,
            }
        )
    return out


class MomentError(ValueError):
    """A --since that is neither a day nor a date and time."""


def moment(value: str) -> str:
    """`YYYY-MM-DD` or an ISO date and time (a `Z` or offset is honoured; none means UTC) as
    the store's timestamp form, `YYYY-MM-DDTHH:MM:SSZ`. A day means its first second."""
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat() + "T00:00:00Z"
        stamp = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise MomentError(
            f"--since {value!r} is not a date (YYYY-MM-DD) or a date and time "
            "(YYYY-MM-DDTHH:MM[:SS][Z])"
        ) from None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _badge(state: str) -> str:
    from app.core.states import badge

    return badge(state)


def render_text(report: Mapping[str, Any], heading: str) -> list[str]:
    """The report for a terminal, gate flips first; every piece of user or pack text goes
    through the one cleaner."""
    from app.core.decisions import decision_line
    from app.core.states import verdict_badge
    from app.core.text import fit_words, one_line

    def q(item: Mapping[str, Any]) -> str:
        label = one_line(item["question"])
        return label + (" (hidden)" if item.get("hidden") else "")

    out = [one_line(heading)]
    verdict = report["verdict"]
    if verdict["old"] != verdict["new"]:
        out.append(f"Verdict: {verdict_badge(verdict['new'])} ← {verdict_badge(verdict['old'])}")
    else:
        out.append(f"Verdict: {verdict_badge(verdict['new'])} (unchanged)")
    if is_empty(report):
        out.append("No changes.")
        return out
    if report["gates"]:
        out += ["", f"Gates that changed ({len(report['gates'])})"]
        for g in report["gates"]:
            line = f"  {_badge(g['new'])} ← {_badge(g['old'])}  {one_line(g['title'])}"
            if g["because"]:
                line += f" — because {fit_words(g['because'], 160)}"
            out.append(line)
            if movers(g):
                out.append(f"      moved by: {', '.join(one_line(m) for m in movers(g))}")
    if report["answers"]:
        out += ["", f"Answers changed ({len(report['answers'])})"]
        for a in report["answers"]:
            old = "(none)" if a["old_reading"] is None else fit_words(a["old_reading"], 60)
            new = "(cleared)" if a["new_reading"] is None else fit_words(a["new_reading"], 60)
            who = f"by {one_line(a['by'])}" if a["by"] else "by nobody named"
            when = f", {one_line(a['at'])}" if a["at"] else ""
            out.append(f"  {q(a)}: {old} → {new}  ({who}{when})")
            if a["text"]:
                out.append(f"      {fit_words(a['text'], 100)}")
    for key, title in (("notes", "Notes"), ("evidence", "Evidence")):
        if report[key]:
            out += ["", f"{title} ({len(report[key])})"]
            for n in report[key]:
                if n["change"] == "removed":
                    detail = f"was {fit_words(n['old'], 80)}"
                else:
                    detail = fit_words(n["new"], 80)
                out.append(f"  {n['change']}: {q(n)}: {detail}")
    waivers = report["waivers"]
    if any(waivers.values()):
        out += ["", "Waivers"]
        for kind, label in (
            ("added", "added"),
            ("expired", "expired"),
            ("expiring", f"expiring within {EXPIRING_DAYS} days"),
        ):
            for w in waivers[kind]:
                out.append(
                    f"  {label}: {one_line(w['gate'])} — until {w['expires']}, approved by "
                    f"{one_line(w['approver'])}: {fit_words(w['reason'], 80)}"
                )
    if report["followups_overdue"]:
        out += ["", "Follow-ups now overdue"]
        for f in report["followups_overdue"]:
            owner = one_line(f["owner"]) if f["owner"] else "no owner"
            out.append(f"  {one_line(f['gate'])}: due {f['due']} ({owner}, {f['status']})")
    disputes = report["disagreements"]
    if any(disputes.values()):
        out += ["", "Disagreements"]
        for d in disputes["opened"]:
            out.append(f"  opened: {one_line(d['question'])}")
        for d in disputes["resolved"]:
            by = f" by {one_line(d['by'])}" if d.get("by") else ""
            out.append(f"  resolved: {one_line(d['question'])}{by}")
    if report.get("decisions"):
        out += ["", f"Decisions ({len(report['decisions'])})"]
        for d in report["decisions"]:
            if d["kind"] == "verdict":
                line = decision_line(
                    verdict=d["verdict"],
                    by=d["by"],
                    day=d["at"][:10],
                    computed=d["computed"],
                    gates=d["open_gates"],
                    override=d["override"],
                    changed=False,
                )
                out.append(f"  {fit_words(line, 200)}")
            else:
                about = f" ({one_line(d['gate'])})" if d["gate"] else ""
                who = f" — {one_line(d['by'])}" if d["by"] else ""
                out.append(f"  {fit_words(d['text'] or '', 160)}{about}{who}, {d['at']}")
    if report["packs"]:
        out += ["", "Pack versions"]
        for p in report["packs"]:
            out.append(
                f"  {one_line(p['pack'])}: {one_line(p['old'] or '(none)')} → "
                f"{one_line(p['new'] or '(none)')}"
            )
    return out
