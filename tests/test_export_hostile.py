"""Hostile text in every user field never breaks the pack's structure, limits or bytes."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.text import one_line
from app.export import escape
from app.export.appendix import render_appendix
from app.export.jsonout import render_json
from app.export.page import MAX_LINES, WIDTH, render_page
from app.store.models import GateFollowUp, Participant, Waiver
from tests.export_md import html_tags, links, nonblank, structure
from tests.export_support import STAMP, assessment, record, vendor_data, vendor_packset

NASTY = [
    "|",
    "||",
    "\\",
    "`",
    "```",
    "*",
    "_",
    "[x](javascript:alert(1))",
    "<script>",
    "</td>",
    "<!--",
    "-->",
    "&amp;",
    "&#27;",
    "# ",
    "\n",
    "\r\n",
    "\n\n| a | b |\n|---|---|\n",
    "\x1b[31m",
    "\x1b]8;;http://x\x07",
    "\x9b",
    "\x00",
    "\u202e",
    "\u2028",
    "~~",
    "![i](x)",
    "<http://x>",
    "    ",
    "\t",
    "- ",
    "1. ",
    "> ",
    "===",
    "---",
    "$(rm)",
    "\ud800",
]
hostile = st.lists(
    st.one_of(st.sampled_from(NASTY), st.text(max_size=12)), min_size=1, max_size=8
).map("".join)
refs = st.one_of(
    hostile,
    st.sampled_from(
        ["javascript:alert(1)", "https://ex.com/a|b)c<d>`e", "docs/a (1).md", "data:text/html,x"]
    ),
)
PAGE_H2 = ["Blocking gates", "Receipts", "Areas", "Scores and costs"]


def _data(draw_name, people, notes, evidence, text_answer, owner, reason, approver):
    answers = vendor_data().answers
    answers["vendor_name"] = record("vendor_name", text_answer or "x", note=notes)
    answers["vendor_dpa_signed"] = record(
        "vendor_dpa_signed", "yes", note=notes, evidence=evidence, by=owner
    )
    answers["vendor_region"] = record("vendor_region", "us")
    answers["vendor_eu_transfer_basis"] = record(
        "vendor_eu_transfer_basis", evidence or "x", note=reason
    )
    participants = [
        Participant(id=i, assessment_id=1, name=n or "n", role=r) for i, (n, r) in enumerate(people)
    ]
    followups = {
        gid: GateFollowUp(
            assessment_id=1,
            gate_id=gid,
            owner=owner,
            due="2026-04-01",
            note=notes,
            updated_at=STAMP,
        )
        for gid in ("vendor_cost_over_budget", "vendor_fragile")
    }
    waivers = {
        "vendor_fragile": Waiver(
            assessment_id=1,
            gate_id="vendor_fragile",
            reason=reason or "r",
            approver=approver or "a",
            expires="2026-12-31",
            created_at=STAMP,
        )
    }
    return vendor_data(
        assessment=assessment(name=draw_name or "n"),
        participants=participants,
        answers=answers,
        followups=followups,
        waivers=waivers,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=hostile,
    people=st.lists(st.tuples(hostile, hostile), max_size=12),
    notes=hostile,
    evidence=refs,
    text_answer=hostile,
    owner=hostile,
    reason=hostile,
    approver=hostile,
)
def test_hostile_fields_keep_the_structure(
    name, people, notes, evidence, text_answer, owner, reason, approver
):
    data = _data(name, people, notes, evidence, text_answer, owner, reason, approver)
    page, appendix, js = render_page(data), render_appendix(data), render_json(data)
    for text in (page, appendix, js):
        assert "\x1b" not in text and "\x9b" not in text and "\x00" not in text
        assert "\u202e" not in text
        text.encode("utf-8")  # no lone surrogate reaches a file
    lines = nonblank(page)
    assert len(lines) <= MAX_LINES
    assert max(len(line) for line in lines) <= WIDTH

    headings, tables = structure(page)
    assert headings[0] == (1, f"Receipts pack: {one_line(name or 'n')}"[: len(headings[0][1])])
    h2 = [h for level, h in headings if level == 2][1:]
    # The gates table is titled "Blocking and waived gates" when a waiver is in it.
    assert [h.replace("Blocking and waived gates", "Blocking gates") for h in h2] == PAGE_H2
    assert [len(t.rows) for t in tables] == [len(data.shelf)]  # gates and areas are lists
    for table in tables:
        assert all(len(row) == len(table.header) for row in table.rows)
    assert len(html_tags(page)) == 2  # the two machine comments, nothing from users
    assert not any(href.lower().startswith(("javascript", "data")) for href in links(page))

    headings, tables = structure(appendix)
    assert [h for level, h in headings if level == 2][0] == "Participants"
    by_header = {tuple(t.header): t for t in tables}
    if data.participants:
        assert len(by_header[("Name", "Role")].rows) == len(data.participants)
    questions = by_header[("Question", "Shown", "Answer", "Note", "Evidence", "By", "When")]
    assert len(questions.rows) == len(vendor_packset().questions)
    for table in tables:
        assert all(len(row) == len(table.header) for row in table.rows)
    assert len(html_tags(appendix)) == 2
    assert not any(href.lower().startswith(("javascript", "data")) for href in links(appendix))

    doc = json.loads(js)
    assert {a["question_id"]: a["value"] for a in doc["answers"]}["vendor_name"] == (
        text_answer or "x"
    )


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_escaped_text_renders_as_typed(value):
    """Whatever the input, `escape.text` renders as exactly the cleaned text, no markup."""
    from tests.export_md import MD, rendered_text

    tokens = MD.parse(f"x {escape.text(value)} x")
    inline = [t for t in tokens if t.type == "inline"]
    shown = rendered_text(inline[0]) if inline else ""
    assert shown == f"x {one_line(value)} x".strip()
    assert all(c.type in ("text", "softbreak") for c in inline[0].children)


@given(st.text(), st.integers(min_value=8, max_value=200))
def test_fit_stays_within_width(value, width):
    assert len(escape.fit(value, width)) <= width
