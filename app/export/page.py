"""The one-page receipts pack: at most 60 non-blank lines of Markdown, none over 120 characters.

Sections in priority order: header (pilot, date, packs, participants), verdict, blocking gates,
receipts shelf, areas, scores and derived values, digest. Every section but the gates has a
fixed ceiling; the gates table gets the lines that are left, most severe first, and says how
many more the appendix lists.
"""

from __future__ import annotations

from app.core.engine import OPEN, SEVERITY, GateState, severity
from app.core.model import Kind, receipt_title
from app.core.states import badge, verdict_badge
from app.core.summary import VERDICT_MEANING
from app.export import escape
from app.export.common import (
    Safe,
    fit_row,
    join_fit,
    number,
    person,
    row,
    table,
    waiver_text,
)
from app.export.seal import digest_line, ref_comment, seal
from app.export.snapshot import SHELF_BADGES, PackData

MAX_LINES = 60
WIDTH = 120
MAX_AREAS = 8
MAX_VALUES = 8


def render_page(data: PackData) -> str:
    """The one-page Markdown, sealed."""
    head = _header(data) + _verdict(data)
    tail = _shelf(data) + _areas(data) + _values(data)
    foot = ["", digest_line(data.digest, data.version)]
    used = _count(head) + _count(tail) + _count(foot) + 1  # + the seal line
    gates = _gates(data, MAX_LINES - used)
    lines = head + gates + tail + foot
    return seal("\n".join(lines) + "\n")


def _count(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip())


def _header(data: PackData) -> list[str]:
    a = data.assessment
    packs = [f"{pid} {version}" for pid, version in data.versions.items()]
    people = [person(p, 60) for p in data.participants]
    return [
        f"# Receipts pack: {escape.fit(a.name, WIDTH - 17)}",
        "",
        # A trailing backslash is a hard line break, so the three lines stay three lines.
        f"Date: {escape.text(data.date)} · Preflight {escape.text(data.version)}\\",
        "Packs: " + (join_fit(packs, WIDTH - 8) or "none") + "\\",
        "Participants: " + (join_fit(people, WIDTH - 14) or "none recorded"),
        ref_comment(a),
    ]


def _verdict(data: PackData) -> list[str]:
    ev = data.evaluation
    counts = ev.counts()
    missing = sum(len(area.required_missing) for area in ev.areas.values())
    parts = [f"{badge(s)} {counts[s]}" for s in SEVERITY[:5]]
    return [
        "",
        f"## Verdict: {verdict_badge(ev.verdict)}",
        "",
        f"{ev.verdict.value}: {VERDICT_MEANING[ev.verdict]}.",
        f"Gates: {' · '.join(parts)}; required questions unanswered: {missing}.",
    ]


def gate_rows(data: PackData) -> list[tuple]:
    """Gates that block, then waived ones: (result, follow-up, waiver), most severe first."""
    results = [g for g in data.evaluation.gates.values() if g.state in OPEN]
    results.sort(key=lambda g: severity(g.state))
    return [(g, data.followups.get(g.gate.id), data.waivers.get(g.gate.id)) for g in results]


def _gates(data: PackData, budget: int) -> list[str]:
    rows = gate_rows(data)
    waived = any(result.state is GateState.waived for result, _, _ in rows)
    lines = ["", "## Blocking and waived gates" if waived else "## Blocking gates", ""]
    if not rows:
        return [*lines, "None: no gate blocks production."]
    room = budget - 4  # heading, table header and separator, overflow line
    shown = rows if len(rows) <= room + 1 else rows[: max(room, 1)]
    cells = []
    for result, follow, waiver in shown:
        owner = follow.owner if follow and follow.owner else ""
        due = follow.due if follow and follow.due else ""
        why = result.gate.why
        cells.append(
            fit_row(
                [
                    result.gate.full_title,
                    Safe(badge(result.state)),
                    why,
                    owner,
                    due,
                    waiver_text(waiver, data.date),
                ],
                WIDTH,
            )
        )
    lines += table(["Gate", "State", "Why it blocks", "Owner", "Due", "Waiver"], cells)
    if len(shown) < len(rows):
        # A blank line first: GFM would read a plain line right after a table as one more row.
        lines += ["", f"…and {len(rows) - len(shown)} more in the appendix."]
    return lines


def _shelf(data: PackData) -> list[str]:
    cells = []
    for item in data.shelf:
        first = [
            receipt_title(item.receipt),
            SHELF_BADGES[item.status],
            f"{item.answered}/{item.total}",
            str(len(item.blocking)),
        ]
        room = WIDTH - len(row([*first, ""])) - 1
        links = [escape.compact_link(ref) for ref in item.evidence]
        links = [link for link in links if len(link) <= room]
        # A reference too long to show as a link still counts in "+N in the appendix".
        shown = join_fit(links, room, "+{n} in the appendix", total=len(item.evidence))
        cells.append([*first, Safe(shown)])
    return [
        "",
        "## Receipts",
        "",
        *table(["Receipt", "Status", "Answered", "Open gates", "Evidence"], cells),
        "",
        "Rule: present = required questions answered and no open gate; missing = nothing "
        "answered; partial = between.",
    ]


def _areas(data: PackData) -> list[str]:
    areas = list(data.evaluation.areas.values())
    cells = [
        [
            escape.fit(area.title, 40),
            f"{area.answered}/{area.visible}",
            badge(area.state),
            str(area.red),
            str(area.amber),
            str(area.unknown_gates),
        ]
        for area in areas[:MAX_AREAS]
    ]
    lines = ["", "## Areas", ""]
    lines += table(["Area", "Answered", "State", "Red", "Amber", "Unknown"], cells)
    if len(areas) > MAX_AREAS:
        lines += ["", f"…and {len(areas) - MAX_AREAS} more areas in the appendix."]
    return lines


def value_lines(data: PackData, width: int = WIDTH) -> list[str]:
    """Every score against its bands, then every derived value with its unit and budget."""
    ev = data.evaluation
    out = []
    for score in data.packset.scores.values():
        result = ev.scores[score.id]
        if result.value is None:
            reading = "not scored yet (a component is unanswered)"
        else:
            band = result.band.label if result.band else "outside every band"
            reading = f"{number(result.value)} of {result.maximum} — {band}"
        out.append(escape.fit(f"{score.title}: {reading}", width - 2))
        bands = "; ".join(_band(b) for b in score.bands)
        if bands:
            out.append("  " + escape.fit(f"bands: {bands}", width - 4))
    for pack in data.packset.packs:
        budgets = _budgets(data, pack)
        for derived in pack.derived:
            value = ev.derived(derived.id)
            unit = f" {derived.unit}" if derived.unit else ""
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                out.append(escape.fit(f"{derived.title}: unknown{unit}", width - 2))
                continue
            line = f"{derived.title}: {number(value)}{unit}"
            budget = budgets.get(derived.unit or "")
            if budget is not None:
                # Words, not gate states: which gate (if any) reads this value is the pack's call.
                mark = "✗ OVER" if value > budget else "✔ WITHIN"
                line += f" — {mark} the budget of {number(budget)}{unit}"
            out.append(escape.fit(line, width - 2))
    return out


def _band(band) -> str:
    if band.min is not None and band.max is not None:
        return f"{band.label} {number(band.min)}–{number(band.max)}"
    if band.min is not None:
        return f"{band.label} ≥ {number(band.min)}"
    if band.max is not None:
        return f"{band.label} ≤ {number(band.max)}"
    return band.label


def _budgets(data: PackData, pack) -> dict[str, float]:
    """Answered number questions of the pack whose id mentions a budget, by unit."""
    out: dict[str, float] = {}
    for q in pack.questions:
        if q.kind is Kind.number and "budget" in q.id and data.evaluation.visible.get(q.id):
            value = data.evaluation.values.get(q.id)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.setdefault(q.unit or "", value)
    return out


def _values(data: PackData) -> list[str]:
    values = value_lines(data)
    if not values:
        return []
    lines = ["", "## Scores and costs", ""]
    lines += [v if v.startswith("  ") else f"- {v}" for v in values[:MAX_VALUES]]
    if len(values) > MAX_VALUES:
        lines.append(f"…and {len(values) - MAX_VALUES} more in the appendix.")
    return lines
