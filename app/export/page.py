"""The one-page receipts pack: at most 60 non-blank lines of Markdown, none over 120 characters.

Nothing a reviewer must read is cut: long text wraps, and what does not fit the page is named
and sent to the appendix. Sections in priority order: header (pilot, date, packs,
participants), verdict (on a merged assessment with the count of open disagreements; after a
previous export, one line of what changed since: the appendix has the detail), success
definition, blocking gates (one short block each: state, title, why, the values behind it,
fix, owner, due, waiver), receipts shelf, areas, scores and derived values, framework
coverage (one line a framework, when a pack in use tags anything), digest. The gates get the
lines the other sections leave, most severe first; the ones that do not fit are listed by name
"(in the appendix)".
"""

from __future__ import annotations

import math

from app.core.answers import display
from app.core.engine import OPEN, SEVERITY, GateResult, GateState, severity
from app.core.explain import because
from app.core.frameworks import FrameworkCoverage, coverage, tagged
from app.core.model import GO_NO_GO_PREFIX, Kind
from app.core.states import badge, verdict_badge
from app.core.summary import VERDICT_MEANING
from app.export import escape
from app.export.common import Safe, join_fit, number, row, table, waiver_text
from app.export.seal import digest_line, ref_comment, seal
from app.export.snapshot import SHELF_BADGES, PackData, decision_words, evidence_refs

MAX_LINES = 60
"""Non-blank lines: blank lines only separate Markdown blocks."""
WIDTH = 120
MAX_VALUES = 8
SUCCESS = (
    ("KPI target", "kpi_target"),
    ("KPI owner", "kpi_owner"),
    ("Accuracy bar", "accuracy_threshold_pct"),
    ("Go/no-go decided by", "gonogo_decider"),
)
"""The success definition a reviewer reads first, by the shipped questions that hold it (a
team pack without them simply has no such lines)."""


def render_page(data: PackData) -> str:
    """The one-page Markdown, sealed.

    The blocking gates come before the areas and the scores: when a red gate would otherwise
    be only named, or the gates do not fit even by name, the areas and then the scores move
    to the appendix, each leaving a line that says so."""
    head = _header(data) + _verdict(data) + _success(data)
    foot = ["", digest_line(data.digest, data.version)]
    sections = [_areas(data), _values(data)]
    gates, tail, step = _layout(data, head, foot, sections, [])
    # The framework coverage comes last, in the room the gates leave: it never costs a red
    # or go/no-go gate its block (why, because, fix), nor moves the areas or scores out; an
    # amber or unknown gate may be named instead, as the areas and scores allow. A line a
    # framework; where those do not fit, one line for them all; else a line saying it is in
    # the appendix (which always has it), else nothing.
    kept = _blocks_kept(gates)
    for extra in _coverage(data):
        tried = _layout(data, head, foot, sections, extra)
        if tried[2] == step and kept <= set(tried[0]):
            gates, tail, step = tried
            break
    return seal("\n".join(head + gates + tail + foot) + "\n")


def _layout(
    data: PackData, head: list[str], foot: list[str], sections: list[list[str]], extra: list[str]
) -> tuple[list[str], list[str], int]:
    """The gates and what follows them (`extra` last) within the page's lines, and which of
    the tries below made them fit.

    Tried in order: every red gate in full, keeping as many of the areas and scores as that
    allows; then any gates in full; last, as many gate names as fit."""
    tries = [
        (dropped, {"reds_in_full": strict})
        for strict in (True, False)
        for dropped in range(len(sections) + 1)
    ]
    tries.append((len(sections), {"squeeze": True}))
    for step, (dropped, how) in enumerate(tries):
        tail = _tail(data, sections, dropped) + extra
        used = _count(head) + _count(tail) + _count(foot) + 1  # + the seal line
        gates = _gates(data, MAX_LINES - used, **how)
        if gates is not None or step == len(tries) - 1:
            return gates or [], tail, step
    raise AssertionError("unreachable: the last try always returns")


def _tail(data: PackData, sections: list[list[str]], dropped: int) -> list[str]:
    """The receipts, then the areas and scores; the first `dropped` of those two replaced by a
    line saying they are in the appendix."""
    out = _shelf(data)
    for index, section in enumerate(sections):
        if not section:
            continue
        out += ["", f"{_MOVED[index]}: in the appendix."] if index < dropped else section
    return out


_MOVED = ("Areas", "Scores and costs")


def _count(lines: list[str]) -> int:
    return sum(1 for line in lines if line.strip())


def _header(data: PackData) -> list[str]:
    a = data.assessment
    title = escape.heading(a.name)
    if len("# Receipts pack: ") + len(title) <= WIDTH:
        top = [f"# Receipts pack: {title}", ""]
    else:  # a long name wraps on a line of its own rather than being cut
        top = ["# Receipts pack", "", *escape.wrap(a.name, WIDTH - 1, "Pilot: ", "  "), ""]
        top[-2] += "\\"
    packs = [f"{pid} {version}" for pid, version in data.versions.items()]
    people = [f"{p.name} ({p.role})" if p.role else p.name for p in data.participants]
    # A trailing backslash is a hard line break, so the lines stay lines.
    lines = [
        *top,
        f"Date: {escape.text(data.date)} · Preflight {escape.text(data.version)}\\",
        *_listed("Packs", packs, "none", HEADER_LINES, "\\"),
        *_listed("Participants", people, "none recorded", HEADER_LINES),
        ref_comment(a),
    ]
    return lines


HEADER_LINES = 3
"""Lines the packs, and the participants, may take on the page; the rest are counted."""


def _listed(label: str, items: list[str], empty: str, max_lines: int, end: str = "") -> list[str]:
    """`label: a, b, c` wrapped at words within `max_lines` lines; the items that do not fit
    are counted ("+3 more in the appendix"), never cut."""
    if not items:
        return [f"{label}: {empty}{end}"]
    for shown in range(len(items), -1, -1):
        rest = len(items) - shown
        text = ", ".join(items[:shown])
        if rest:
            text += (", " if shown else "") + f"+{rest} more in the appendix"
        lines = escape.wrap(f"{label}: {text}", WIDTH - len(end), "", "  ")
        if len(lines) <= max_lines:
            lines[-1] += end
            return lines
    return [f"{label}: {len(items)} (in the appendix){end}"]


def _verdict(data: PackData) -> list[str]:
    ev = data.evaluation
    counts = ev.counts()
    parts = [f"{badge(s)} {counts[s]}" for s in SEVERITY[:5]]
    answered = sum(a.answered - a.unknown_answers for a in ev.areas.values())
    unknown = sum(a.unknown_answers for a in ev.areas.values())
    missing = sum(len(a.required_missing) for a in ev.areas.values())
    visible = sum(a.visible for a in ev.areas.values())
    lines = [
        "",
        f"## Verdict: {verdict_badge(ev.verdict)}",
        "",
        f"{ev.verdict.value}: {VERDICT_MEANING[ev.verdict]}.\\",
        f"Gates: {' · '.join(parts)}.\\",
        f"Questions: {answered} answered, {unknown} answered unknown, {missing} required "
        f"unanswered (of {visible} asked).",
    ]
    if data.respondents:  # a merged assessment: say what the respondents still dispute
        lines[-1] += "\\"
        lines.append(disagreement_line(data))
    if (decided := decision_words(data)) is not None:  # who decided, beside what was computed
        lines[-1] += "\\"
        lines += escape.wrap(decided, WIDTH)
    if (since := since_line(data)) is not None:  # what moved since the last export
        lines[-1] += "\\"
        lines += escape.wrap(since, WIDTH)
    return lines


def since_line(data: PackData) -> str | None:
    """`Since 2026-11-24 (last export): 2 gates cleared, 1 new red.`, plain text; None when
    not known or this is the first export (the appendix says so)."""
    changes = data.changes
    if changes is None or changes.since is None:
        return None
    return f"Since {changes.since[:10]} (last export): {changes.headline}."


def disagreement_line(data: PackData) -> str:
    """`Open disagreements: 4 among 3 respondents (…)`: the count a merged page carries."""
    people = len(data.respondents)
    among = f"among {people} respondent{'s' if people != 1 else ''}"
    opened, settled = len(data.open_disputes), len(data.settled_disputes)
    done = f"{settled} settled" if settled else ""
    if opened:
        also = f"; {done}" if done else ""
        return (
            f"Open disagreements: {opened} {among}, each counted as unanswered "
            f"(listed in the appendix{also})."
        )
    return f"Open disagreements: none {among}" + (f" ({done}, in the appendix)." if done else ".")


def _success(data: PackData) -> list[str]:
    """What success means and who decides, from the answers (shipped packs)."""
    lines = []
    for label, qid in SUCCESS:
        question = data.packset.questions.get(qid)
        if question is None or not data.evaluation.visible.get(qid):
            continue
        record = data.answers.get(qid)
        shown = display(question, record.value) if record else "not answered yet"
        if record is None and qid in data.open_disputes:
            shown = "not answered yet: the respondents disagree (see the appendix)"
        lines += escape.wrap(f"{label}: {shown}", WIDTH, "- ", "  ")
    return ["", "## Success definition", "", *lines] if lines else []


def gate_rows(data: PackData) -> list[tuple]:
    """Gates that block, then waived ones: (result, follow-up, waiver), most severe first."""
    results = [g for g in data.evaluation.gates.values() if g.state in OPEN]
    results.sort(key=lambda g: severity(g.state))
    return [(g, data.followups.get(g.gate.id), data.waivers.get(g.gate.id)) for g in results]


def gate_block(data: PackData, result: GateResult, follow, waiver) -> list[str]:
    """One gate in full, a list item: state and title with owner, due and status; then why,
    the values behind it, the fix, and a waiver with its reason and approver."""
    gate = result.gate
    owner = follow.owner if follow and follow.owner else "—"
    due = follow.due if follow and follow.due else "—"
    status = follow.status.value.replace("_", " ") if follow else "open"
    title = f"**{badge(result.state)} · {escape.text(gate.full_title, cell=False)}**"
    parts = []
    if len(title) + 40 <= WIDTH:
        who = f"owner {owner} · due {due} · {status}"
        head = escape.wrap(who, WIDTH - 1, f"- {title} · ", "  ")
    else:  # a title too long for one line wraps on lines of its own (bold spans them)
        head = escape.wrap(f"{badge(result.state)} · {gate.full_title}", WIDTH - 3, "- **", "  ")
        head[-1] += "**"
        parts.append(("Owner", f"{owner} · due {due} · {status}"))
    parts.append(("Why", gate.why))
    reason = because(data.packset, data.evaluation, gate.id, cut=False)
    if reason:
        parts.append(("Because", reason))
    parts.append(("Fix", gate.fix))
    if waiver is not None:
        parts.append(("Waiver", waiver_text(waiver, data.date)))
    head[-1] += "\\"
    lines = head
    for index, (label, value) in enumerate(parts):
        wrapped = escape.wrap(f"{label}: {value}", WIDTH - 1, "  ", "  ")
        if index < len(parts) - 1:
            wrapped[-1] += "\\"
        lines += wrapped
    return lines


def _gates(
    data: PackData, budget: int, squeeze: bool = False, reds_in_full: bool = False
) -> list[str] | None:
    """The gates within `budget` non-blank lines: as many in full as fit, most severe first,
    the rest named "(in the appendix)". None when even that does not fit, or with
    `reds_in_full` when a red gate would only be named (unless `squeeze`: then as many names
    as fit, and a count of the others)."""
    rows = gate_rows(data)
    waived = any(result.state is GateState.waived for result, _, _ in rows)
    lines = ["", "## Blocking and waived gates" if waived else "## Blocking gates", ""]
    if not rows:
        return [*lines, "None: no gate blocks production."]
    room = budget - 1  # the heading
    blocks = [gate_block(data, *item) for item in rows]
    shown: list[list[str]] = []
    for index, block in enumerate(blocks):
        rest = _named(rows[index + 1 :], WIDTH)
        if sum(len(b) for b in shown) + len(block) + len(rest) > room:
            break
        shown.append(block)
    body = [line for block in shown for line in block]
    left = rows[len(shown) :]
    if reds_in_full and any(result.state is GateState.red for result, _, _ in left):
        return None
    if left:
        named = _named(left, WIDTH)
        if len(body) + len(named) > room:
            if not squeeze:
                return None
            named = _named(left, WIDTH, room - len(body))
        # A blank line first: it closes the list, so the names are a paragraph of their own.
        body += ["", *named]
    return lines + body


def _named(rows: list[tuple], width: int, limit: int | None = None) -> list[str]:
    """The gates the page has no room for, each by state and full title, "(in the appendix)";
    a name is never split across lines unless it is longer than a line. With `limit` lines,
    the last of them says how many more there are."""
    if not rows:
        return []
    lines: list[str] = []
    done: list[int] = []
    """For each line: how many gates are named in full up to the end of it."""
    current = "Also open (in the appendix):"
    for index, (result, _, _) in enumerate(rows):
        raw = f"{badge(result.state)} {result.gate.full_title}"
        item = escape.text(raw, cell=False)
        joiner = " " if current.endswith(":") else " · "
        if len(current) + len(joiner) + len(item) <= width:
            current += joiner + item
        else:
            lines.append(current)
            done.append(index)
            if len(item) + 2 <= width:
                current = "· " + item  # the separator starts the line: it still reads as one
            else:  # longer than a whole line: it wraps like any long text
                *full, current = escape.wrap(raw, width)
                lines += full
                done += [index] * len(full)
    lines.append(current)
    done.append(len(rows))
    if limit is None or len(lines) <= limit:
        return lines
    keep = max(0, limit - 1)
    shown = done[keep - 1] if keep else 0
    return [*lines[:keep], f"…and {len(rows) - shown} more gates (in the appendix)."]


def _shelf(data: PackData) -> list[str]:
    cells = []
    for item in data.shelf:
        first = [
            escape.text(data.packset.receipt_title(item.receipt)),
            SHELF_BADGES[item.status],
            f"{item.answered} · {item.unknown} · {item.total - item.answered - item.unknown}",
            str(len(item.blocking)),
        ]
        room = WIDTH - len(row([*first, ""])) - 1
        links = [escape.compact_link(ref) for ref in item.evidence]
        links = [link for link in links if len(link) <= room]
        # A reference too long to show as a link still counts in "+N in the appendix".
        shown = join_fit(links, room, "+{n} in the appendix", total=len(item.evidence))
        cells.append([*first, Safe(shown)])
    header = ["Receipt", "Status", "Answered · unknown · open", "Open gates", "Evidence"]
    return ["", "## Receipts", "", *table(header, cells)]


def _areas(data: PackData) -> list[str]:
    """One line an area: a list wraps where a table would have to cut a long title."""
    lines = ["", "## Areas", ""]
    for area in data.evaluation.areas.values():
        real = area.answered - area.unknown_answers
        text = (
            f"{badge(area.state)} {area.title}: {real} answered, {area.unknown_answers} "
            f"unknown of {area.visible} · gates {area.red} red, {area.amber} amber, "
            f"{area.unknown_gates} unknown"
        )
        lines += escape.wrap(text, WIDTH, "- ", "  ")
    return lines


def value_lines(data: PackData) -> list[str]:
    """Every score against its bands, then every derived value with its unit and budget, as
    plain text (each caller escapes and wraps it for its place)."""
    ev = data.evaluation
    out = []
    for score in data.packset.scores.values():
        result = ev.scores[score.id]
        fmt = _format(data, data.packset.score_pack.get(score.id))
        if result.value is None:
            reading = "not scored yet (a component is unanswered)"
            if score.items and ev.faults.get(score.id):
                reading = f"unknown ({ev.faults[score.id]})"
        else:
            band = result.band.label if result.band else "outside every band"
            if not score.items:  # format 1, as it always read
                reading = f"{number(result.value)} of {result.maximum} — {band}"
            else:
                top = f" of {number(result.maximum)}" if result.maximum is not None else ""
                reading = f"{number(result.value)}{top}" + (f" — {band}" if score.bands else "")
        bands = "; ".join(_band(b, fmt, b is _highest(score.bands)) for b in score.bands)
        out.append(f"{score.title}: {reading}" + (f" (bands: {bands})" if bands else ""))
    for pack in data.packset.packs:
        budgets = _budgets(data, pack)
        for derived in pack.derived:
            value = ev.derived(derived.id)
            unit = f" {derived.unit}" if derived.unit else ""
            if isinstance(value, bool):
                out.append(f"{derived.title}: {'yes' if value else 'no'}")
                continue
            if isinstance(value, str):
                out.append(f"{derived.title}: {value}{unit}")
                continue
            if not isinstance(value, (int, float)):
                why = ev.faults.get(derived.id)
                out.append(f"{derived.title}: unknown{unit}" + (f" ({why})" if why else ""))
                continue
            line = f"{derived.title}: {number(value)}{unit}"
            if derived.bands:  # format 2: the band it falls in, then every band
                label = ev.values.get(f"band:{derived.id}")
                fmt = _format(data, data.packset.derived_pack.get(derived.id))
                top = _highest(derived.bands)
                every = "; ".join(_band(b, fmt, b is top) for b in derived.bands)
                line += f" — {label if isinstance(label, str) else 'outside every band'}"
                line += f" (bands: {every})"
            budget = budgets.get(derived.unit or "")
            if budget is not None:
                # Words, not gate states: which gate (if any) reads this value is the pack's call.
                mark = "✗ OVER" if value > budget else "✔ WITHIN"
                line += f" — {mark} the budget of {number(budget)}{unit}"
            out.append(line)
    return out


def _format(data: PackData, pack_id: str | None) -> int:
    return next((p.format for p in data.packset.packs if p.id == pack_id), 1)


def _highest(bands):
    """The band with the highest `min`: in format 2 the one that includes its `max`."""
    return max(bands, key=lambda b: -math.inf if b.min is None else b.min, default=None)


def _band(band, fmt: int = 1, highest: bool = False) -> str:
    if fmt >= 2 and band.max is not None and not highest:
        start = f"{number(band.min)} to " if band.min is not None else ""
        return f"{band.label} {start}under {number(band.max)}"
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
    for value in values[:MAX_VALUES]:
        lines += escape.wrap(value, WIDTH, "- ", "  ")
    if len(values) > MAX_VALUES:
        lines += ["", f"…and {len(values) - MAX_VALUES} more in the appendix."]
    return lines


def framework_coverage(data: PackData) -> list[FrameworkCoverage]:
    """The framework crosswalk of the assessment (`app.core.frameworks.coverage`); empty when
    no pack in use tags a question or gate, so such packs export as before."""
    if not tagged(data.packset):
        return []
    evidence = {
        qid: evidence_refs(q.kind, data.answers.get(qid))
        for qid, q in data.packset.questions.items()
    }
    values = {qid: record.value for qid, record in data.answers.items()}
    return coverage(data.packset, data.evaluation, values, evidence)


def _blocks_kept(gates: list[str]) -> set[str]:
    """The first lines of the red and go/no-go gate blocks shown: nothing may cost them."""
    red = f"- **{escape.text(badge('red'))}"
    return {
        line
        for line in gates
        if line.startswith(red) or (line.startswith("- **") and GO_NO_GO_PREFIX in line)
    }


def _coverage(data: PackData) -> list[list[str]]:
    """The ways to show the framework coverage on the page, longest first: a line a framework
    (how many of its items the packs touch, with an open gate, with evidence), one line for
    them all, a line pointing to the appendix. None when no pack in use tags anything."""
    found = framework_coverage(data)
    if not found:
        return []
    full = ["", "## Framework coverage", ""]
    for cov in found:
        full += escape.wrap(cov.line(), WIDTH, "- ", "  ")
    summary = "Framework coverage: " + " · ".join(cov.short() for cov in found)
    short = ["", *escape.wrap(summary + " (per item in the appendix).", WIDTH, "", "")]
    tries = [full, short]
    tight = "Framework items touched (with evidence): " + " · ".join(c.tight() for c in found)
    if len(tight) < WIDTH:  # one line on a full page (the appendix has every item)
        tries.append(["", escape.text(tight + ".", start=True)])
    return [*tries, ["", "Framework coverage: in the appendix."]]
