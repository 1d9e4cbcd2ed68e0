"""The appendix: every question, answer, note, evidence, who and when, grouped by area.

No length limit here: this is where the one page sends readers for the rest. One table row per
participant, gate, receipt and question; hidden questions are marked, never dropped. A merged
assessment also lists its respondents and every disagreement: the open ones (each
respondent's answer, note and evidence) and the settled ones (how, by whom, with what, and what
each respondent had said).
"""

from __future__ import annotations

from app.core.answers import display
from app.core.disputes import Dispute
from app.core.engine import severity
from app.core.explain import because
from app.core.states import badge, verdict_badge
from app.core.summary import VERDICT_MEANING
from app.export import escape
from app.export.common import table, waiver_text
from app.export.page import framework_coverage, value_lines
from app.export.seal import digest_line, pack_ref, ref_comment, seal
from app.export.snapshot import (
    RECEIPT_RULE,
    SHELF_BADGES,
    PackData,
    decision_words,
    receipt_rule,
)
from app.interchange.diff import movers

NO_LIMIT = 10_000


def render_appendix(data: PackData) -> str:
    lines = (
        _header(data)
        + _changes(data)
        + _participants(data)
        + _respondents(data)
        + _disagreements(data)
    )
    lines += _decisions(data)
    lines += _gates(data) + _receipts(data)
    lines += _values(data)
    lines += _coverage(data)
    for pack in data.packset.packs:
        lines += _area(data, pack)
    lines += _orphans(data)
    lines += ["", digest_line(data.digest, data.version)]
    return seal("\n".join(lines) + "\n")


def _header(data: PackData) -> list[str]:
    a = data.assessment
    packs = ", ".join(f"{pid} {version}" for pid, version in data.versions.items())
    ev = data.evaluation
    return [
        f"# Appendix: {escape.text(a.name)}",
        "",
        f"Date: {escape.text(data.date)} · Preflight {escape.text(data.version)}",
        f"Packs: {packs or 'none'}",
        f"Verdict: {verdict_badge(ev.verdict)} — {VERDICT_MEANING[ev.verdict]}.",
        ref_comment(a),
    ]


MAX_CHANGED_ANSWERS = 15
"""Changed answers the section lists; the rest are counted, with the command that shows all."""


def _changes(data: PackData) -> list[str]:
    """What changed since the last export, short: the headline, the verdict when it moved,
    the gates that flipped (with the answers that moved them), the answers that changed (at
    most `MAX_CHANGED_ANSWERS`), waivers expired or expiring, disagreements opened or resolved,
    and how many decisions were recorded. Nothing for a snapshot not read from a store."""
    changes = data.changes
    if changes is None:
        return []
    lines = ["", "## Changes since the last export", ""]
    if changes.first:
        return [*lines, "None to compare: this is the first export of this assessment."]
    report = changes.report
    since = escape.text(changes.since)
    lines.append(f"Since the last export, {since}: {escape.text(changes.headline)}.")
    verdict = report["verdict"]
    if verdict["old"] != verdict["new"]:
        old, new = verdict_badge(verdict["old"]), verdict_badge(verdict["new"])
        lines[-1] += "\\"
        lines.append(f"Verdict: {new} ← {old}.")
    if report["gates"]:
        lines += ["", f"Gates that changed ({len(report['gates'])}):", ""]
        for g in report["gates"]:
            item = f"{badge(g['new'])} ← {badge(g['old'])} · {g['title']}"
            if movers(g):
                item += f" · moved by {', '.join(movers(g))}"
            lines.append(f"- {escape.text(item, cell=False, start=True)}")
    answers = report["answers"]
    if answers:
        lines += ["", f"Answers changed ({len(answers)}):", ""]
        for a in answers[:MAX_CHANGED_ANSWERS]:
            lines.append(f"- {escape.text(_answer_change(a), cell=False, start=True)}")
        if len(answers) > MAX_CHANGED_ANSWERS:
            more = len(answers) - MAX_CHANGED_ANSWERS
            lines.append(
                f"- …and {more} more — run `preflight diff {pack_ref(data.assessment)} "
                f"--since {escape.text(changes.since)}`"
            )
    lines += _change_counts(report)
    return lines


def _answer_change(a: dict) -> str:
    """`qid: old → new (by who, when)`, plain text (the caller escapes it)."""
    from app.core.text import fit_words

    old = "(none)" if a["old_reading"] is None else fit_words(a["old_reading"], 80)
    new = "(cleared)" if a["new_reading"] is None else fit_words(a["new_reading"], 80)
    hidden = " (hidden)" if a.get("hidden") else ""
    who = f"by {a['by']}" if a["by"] else "by nobody named"
    when = f", {a['at']}" if a["at"] else ""
    return f"{a['question']}{hidden}: {old} → {new} ({who}{when})"


def _change_counts(report: dict) -> list[str]:
    """Waivers expired or expiring, disagreements, and the counts of the rest, as list items."""
    items = []
    waivers = report["waivers"]
    for kind, label in (("expired", "waiver expired"), ("expiring", "waiver expiring")):
        for w in waivers[kind]:
            items.append(f"{label}: {w['gate']}, until {w['expires']}")
    if waivers["added"]:
        items.append(f"waivers added: {len(waivers['added'])}")
    for d in report["disagreements"]["opened"]:
        items.append(f"disagreement opened: {d['question']}")
    for d in report["disagreements"]["resolved"]:
        by = f" by {d['by']}" if d.get("by") else ""
        items.append(f"disagreement resolved: {d['question']}{by}")
    counts = (
        ("notes changed", len(report["notes"])),
        ("evidence links changed", len(report["evidence"])),
        ("follow-ups now overdue", len(report["followups_overdue"])),
        ("pack versions changed", len(report["packs"])),
        ("decisions recorded (see Decisions)", len(report.get("decisions", []))),
    )
    items += [f"{label}: {n}" for label, n in counts if n]
    if not items:
        return []
    return ["", "Also:", "", *(f"- {escape.text(i, cell=False, start=True)}" for i in items)]


def _decisions(data: PackData) -> list[str]:
    """The decision log, oldest first (nothing for an assessment without one): when, who,
    the gate a note is about, and for a go/no-go decision what was computed then."""
    if not data.decisions:
        return []
    lines = ["", "## Decisions", ""]
    for d in data.decisions:
        who = d.decided_by or "someone not named"
        head = f"{d.decided_at} · {who}"
        if d.kind == "verdict":
            head += f" · {decision_words(data, d)}"
            if d.open_gates:
                gates = "; ".join(f"{s}: {', '.join(ids)}" for s, ids in d.open_gates.items())
                head += f" Open gates then: {gates}."
            if d.text:
                head += f" Note: {d.text}"
        else:
            about = f" · gate {d.gate_id}" if d.gate_id else ""
            head += f"{about}: {d.text}"
        lines.append(f"- {escape.text(head, cell=False, start=True)}")
    return lines


def _participants(data: PackData) -> list[str]:
    lines = ["", "## Participants", ""]
    if not data.participants:
        return [*lines, "None recorded."]
    rows = [[escape.text(p.name), escape.text(p.role)] for p in data.participants]
    return lines + table(["Name", "Role"], rows)


def _respondents(data: PackData) -> list[str]:
    """Who was merged in, from where and when (`preflight merge`)."""
    if not data.respondents:
        return []
    rows = []
    for r in data.respondents:
        digest = f"sha256 {escape.text(r.source_digest)[:16]}…" if r.source_digest else ""
        rows.append(
            [
                escape.text(r.name),
                escape.text(r.source),
                digest,
                str(len(r.answers)),
                escape.text(r.merged_at),
            ]
        )
    header = ["Respondent", "Source", "File digest", "Answers", "Merged"]
    return ["", "## Respondents", "", *table(header, rows)]


def _disagreements(data: PackData) -> list[str]:
    """The open disagreements, then the settled ones, each question with every answer in it."""
    opened, settled = data.open_disputes, data.settled_disputes
    if not data.respondents and not data.disputes:
        return []
    lines = ["", "## Open disagreements", ""]
    if opened:
        lines.append(
            f"The respondents answered {len(opened)} question(s) differently. Each counts as "
            "not answered until somebody answers it here, which settles it; the answers below "
            "are kept."
        )
    else:
        lines.append("None: the respondents agree on every question they answered.")
    for qid, dispute in opened.items():
        since = f"open since {escape.text(dispute.opened_at)}"
        lines += _dispute(data, qid, dispute, since)
    if settled:
        lines += ["", "## Settled disagreements", ""]
        lines.append(f"{len(settled)} question(s) the respondents had answered differently.")
        for qid, dispute in settled.items():
            lines += _dispute(data, qid, dispute, _settled(data, qid, dispute))
    return lines


def _dispute(data: PackData, qid: str, dispute: Dispute, status: str) -> list[str]:
    """One disagreement: the question as a heading, where and how it stands, its answers."""
    question = data.packset.questions.get(qid)
    if question is None:
        title = f"`{qid}` (a question no pack in use asks)"
        where = "not in the packs in use"
    else:
        title = f"`{qid}` {escape.heading(question.text)}"
        where = escape.text(data.packset.pack(data.packset.question_pack[qid]).title)
        where += " · required" if question.required else " · optional"
        if not data.evaluation.visible.get(qid):
            where += " · hidden"
    rows = [
        [
            escape.text(voice.name) + (" (answered here)" if voice.here else ""),
            _value(data, qid, voice.value),
            escape.text(voice.note or ""),
            escape.link(voice.evidence) if voice.evidence else "",
        ]
        for voice in dispute.voices
    ]
    header = ["Respondent", "Answer", "Note", "Evidence"]
    return ["", f"### {title}", "", f"{where} · {status}", "", *table(header, rows)]


def _settled(data: PackData, qid: str, dispute: Dispute) -> str:
    """`settled DAY by WHO, answered here: VALUE` (and the answer now, when it has changed
    since), or by a later merge (with today's answer)."""
    when = escape.text(dispute.resolved_at or "")
    if dispute.resolved_how == "merged":
        record = data.answers.get(qid)
        now = f"; the answer now: {_value(data, qid, record.value)}" if record else ""
        return f"settled {when} by a later merge: the respondents agreed{now}"
    who = escape.text(dispute.resolved_by) if dispute.resolved_by else "someone not named"
    text = f"settled {when} by {who}, answered here: {_value(data, qid, dispute.resolved_value)}"
    record = data.answers.get(qid)
    if record is None:
        return text + "; cleared since"
    if record.value != dispute.resolved_value:
        # A multi-choice answer is saved tick by tick: the first tick settled it.
        text += f"; the answer now: {_value(data, qid, record.value)}"
    return text


def _value(data: PackData, qid: str, value) -> str:
    """A voice's answer, escaped: `? UNKNOWN` for "unknown", like the areas' tables."""
    if value is None:
        return "no answer"
    if value == "unknown":
        return badge("unknown")
    question = data.packset.questions.get(qid)
    return escape.text(display(question, value) if question is not None else value)


def _gates(data: PackData) -> list[str]:
    results = sorted(data.evaluation.gates.values(), key=lambda g: severity(g.state))
    rows = []
    for g in results:
        follow = data.followups.get(g.gate.id)
        waiver = data.waivers.get(g.gate.id)
        fired = "" if g.fired is g.state else f" (fired: {badge(g.fired)})"
        rows.append(
            [
                escape.text(g.gate.full_title),
                escape.text(data.packset.pack(g.pack_id).title),
                badge(g.state) + fired,
                escape.text(g.gate.why),
                escape.text(because(data.packset, data.evaluation, g.gate.id, cut=False)),
                escape.text(g.gate.fix),
                escape.text(follow.owner or "") if follow else "",
                escape.text(follow.due or "") if follow else "",
                escape.text(follow.status.value) if follow else "",
                escape.text(follow.note or "") if follow else "",
                escape.text(waiver_text(waiver, data.date)),
            ]
        )
    header = [
        "Gate",
        "Area",
        "State",
        "Why",
        "Because",
        "Fix",
        "Owner",
        "Due",
        "Status",
        "Note",
        "Waiver",
    ]
    lines = ["", "## Gates", ""]
    return lines + (table(header, rows) if rows else ["No gates in the packs in use."])


def _receipts(data: PackData) -> list[str]:
    rows = []
    for item in data.shelf:
        titles = [escape.text(data.packset.gates[gid].full_title) for gid in item.blocking]
        rows.append(
            [
                escape.text(data.packset.receipt_title(item.receipt)),
                SHELF_BADGES[item.status],
                f"{item.answered}/{item.total}",
                ", ".join(titles),
                ", ".join(escape.link(ref) for ref in item.evidence),
            ]
        )
    header = ["Receipt", "Status", "Answered", "Open gates", "Evidence"]
    # A declared receipt with a rule of its own says so, a paragraph each, after the common rule.
    rules = [receipt_rule(r) for r in data.packset.shelf().values()]
    own = [
        line for rule in rules if rule for line in ("", escape.text(rule, cell=False, start=True))
    ]
    return ["", "## Receipts", "", *table(header, rows), "", RECEIPT_RULE, *own]


def _values(data: PackData) -> list[str]:
    values = value_lines(data)
    lines = [f"- {escape.text(v, cell=False, start=True)}" for v in values]
    return ["", "## Scores and costs", "", *lines] if values else []


def _coverage(data: PackData) -> list[str]:
    """Per framework: its line, its source, a row for each item the packs cover (the questions
    and gates tagged with it, their states, the evidence links), then the items nothing covers."""
    found = framework_coverage(data)
    if not found:
        return []
    lines = ["", "## Framework coverage"]
    for cov in found:
        fw = cov.framework
        lines += [
            "",
            f"{escape.text(cov.line(), cell=False, start=True)}.\\",
            f"Source: {escape.text(fw.source, cell=False)}.",
            "",
        ]
        rows = []
        for item in cov.items:
            if not item.touched:
                continue
            questions = [
                f"{q.id} ({_QUESTION_STATE.get(q.state, q.state)})" for q in item.questions
            ]
            gates = [f"{g.id} ({g.state})" for g in item.gates]
            links = [escape.link(ref) for q in item.questions for ref in q.evidence]
            rows.append(
                [
                    escape.text(item.item.id),
                    escape.text(item.item.title),
                    escape.text(", ".join(questions)),
                    escape.text(", ".join(gates)),
                    ", ".join(links),
                ]
            )
        header = ["Item", "In short", "Questions", "Gates", "Evidence"]
        lines += table(header, rows)
        missing = ", ".join(i.id for i in cov.untouched)
        text = (
            f"Nothing covers: {missing}." if missing else f"Every one of the {fw.unit} is covered."
        )
        lines += ["", escape.text(text, cell=False, start=True)]
    return lines


_QUESTION_STATE = {"hidden": "not asked"}


def _area(data: PackData, pack) -> list[str]:
    ev = data.evaluation
    area = ev.areas[pack.id]
    lines = [
        "",
        f"## {escape.text(pack.title)} ({pack.id} {pack.version})",
        "",
        f"Answered {area.answered} of {area.visible} shown · {badge(area.state)} · "
        f"red {area.red} · amber {area.amber} · unknown {area.unknown_gates}",
        "",
    ]
    rows = []
    for q in pack.questions:
        record = data.answers.get(q.id)
        shown = "yes" if ev.visible.get(q.id) else "hidden"
        answer = escape.text(display(q, record.value)) if record else ""
        if record is not None and record.value == "unknown":
            answer = badge("unknown")
        if record is None and ev.visible.get(q.id) and q.required:
            answer = "unanswered (required)"
        if record is None and q.id in data.open_disputes:
            answer = "disputed (see Open disagreements)"
        rows.append(
            [
                f"`{q.id}` {escape.text(q.text)}",
                shown,
                answer,
                escape.text(record.note or "") if record else "",
                _evidence(record),
                escape.text(record.answered_by or "") if record else "",
                escape.text(record.answered_at) if record else "",
            ]
        )
    header = ["Question", "Shown", "Answer", "Note", "Evidence", "By", "When"]
    return lines + table(header, rows)


def _evidence(record) -> str:
    if record is None or record.evidence is None:
        return ""
    out = escape.link(record.evidence.ref)
    if record.evidence.sha256:
        out += f" (sha256 {escape.text(record.evidence.sha256)[:16]}…)"
    elif record.evidence.unhashed:
        out += f" ({escape.text(record.evidence.unhashed)})"
    return out


def _orphans(data: PackData) -> list[str]:
    """Stored answers to questions no pack in use asks (e.g. a pack was removed)."""
    orphans = [r for qid, r in data.answers.items() if qid not in data.packset.questions]
    if not orphans:
        return []
    rows = [
        [
            escape.text(r.question_id),
            escape.text(r.value),
            escape.text(r.note or ""),
            _evidence(r),
            escape.text(r.answered_by or ""),
            escape.text(r.answered_at),
        ]
        for r in orphans
    ]
    header = ["Question id", "Value", "Note", "Evidence", "By", "When"]
    return ["", "## Answers to questions not in the packs in use", "", *table(header, rows)]
