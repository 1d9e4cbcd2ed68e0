"""The receipts page a reviewer accepts: within its limits, nothing cut, every blocking gate in
full or named "(in the appendix)", the numbers behind each gate, only the escapes needed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from app.core.answers import CHOICE_SEPARATOR, display
from app.core.engine import BLOCKING
from app.core.packs import load_packs
from app.core.paths import shipped_dir
from app.export.appendix import render_appendix
from app.export.page import MAX_LINES, WIDTH, render_page
from app.export.snapshot import PackData, make_snapshot
from tests.export_demo import demo_data, shipped_packset
from tests.export_md import MD, nonblank
from tests.export_support import assessment, record


def _all_red(tmp_path: Path) -> PackData:
    """The shipped packs with every gate turned red: the page at its fullest."""
    folder = tmp_path / "red"
    folder.mkdir()
    for source in sorted(shipped_dir().glob("*.toml")):
        text = source.read_text()
        text = re.sub(r'(?m)^level = "amber"$', 'level = "red"', text)
        text = re.sub(r"(?m)^when = .*$", 'when = "1 == 1"', text)
        (folder / source.name).write_text(text)
    result = load_packs([folder])
    assert result.ok, result.problems
    packset = result.packset
    return make_snapshot(assessment(), [], {}, {}, {}, packset)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(params=["demo", "all-red"])
def data(request, tmp_path):
    return demo_data() if request.param == "demo" else _all_red(tmp_path)


def test_the_page_stays_within_its_limits(data):
    page = render_page(data)
    lines = nonblank(page)
    assert len(lines) <= MAX_LINES, "at most 60 non-blank lines"
    assert max(len(line) for line in lines) <= WIDTH


def test_no_line_of_the_page_ends_in_a_cut_word(data):
    for line in render_page(data).splitlines():
        if line.startswith("…and "):
            continue  # "…and 3 more gates (in the appendix).": a count, not a cut
        assert "…" not in line, line


def test_every_blocking_gate_is_on_the_page_in_full_or_named(data):
    page = _flat(render_page(data).replace("\\", ""))
    blocking = [g for g in data.evaluation.gates.values() if g.state in BLOCKING]
    assert blocking
    named_only = 0
    for result in blocking:
        gate = result.gate
        if gate.full_title in page and gate.why in page and gate.fix in page:
            continue
        named_only += 1
        if f"{gate.full_title}" in page:
            assert "(in the appendix)" in page
        else:
            assert re.search(r"…and \d+ more gates \(in the appendix\)", page), gate.id
    appendix = _flat(render_appendix(data).replace("\\", ""))
    for result in blocking:
        assert result.gate.why in appendix and result.gate.fix in appendix


def test_each_gate_shown_carries_the_numbers_behind_it():
    page = render_page(demo_data())
    assert "Because: accuracy_measured_pct=86 % < accuracy_threshold_pct=90 %" in page
    assert "monthly_cost_10x=14,400 USD/month > monthly_budget_usd=12,000 USD/month" in page


def test_the_success_definition_stands_at_the_top():
    page = render_page(demo_data())
    top = page.split("## Blocking gates")[0]
    assert "## Success definition" in top
    assert "- KPI owner: Dana Whitfield (Head of Customer Support)" in top
    assert "- Go/no-go decided by: " in top
    assert "- KPI target: " in top


def test_answered_unknown_and_unanswered_are_counted_apart():
    page = render_page(demo_data())
    assert "Questions: 69 answered, 1 answered unknown, 2 required unanswered" in page
    assert "| Success definition | ◐ PARTIAL | 12 · 1 · 0 |" in page


def test_only_the_escapes_markup_needs():
    for text in (render_page(demo_data()), render_appendix(demo_data())):
        for needless in ("\\(", "\\)", "\\&", "\\_", "\\#", "\\!"):
            assert needless not in text, needless
    assert "Priya Raman (Tech lead)" in render_page(demo_data())


def test_a_title_that_looks_like_a_list_item_stays_text(tmp_path):
    source = Path(__file__).parent.parent / "questionnaires" / "examples" / "vendor.toml"
    text = source.read_text().replace('title = "Model vendor"', 'title = "1. Cost"', 1)
    text = text.replace('title = "Monthly cost at 10x traffic"', 'title = "1. Cost at 10x"')
    text = text.replace('title = "Vendor resilience"', 'title = "- 2) Resilience"')
    assert "1. Cost at 10x" in text and "- 2) Resilience" in text
    (tmp_path / "vendor.toml").write_text(text)
    packset = load_packs([tmp_path]).packset
    answers = {"vendor_dpa_signed": record("vendor_dpa_signed", "no")}
    data = make_snapshot(assessment(), [], answers, {}, {}, packset)
    for rendered in (render_page(data), render_appendix(data)):
        tokens = MD.parse(rendered)
        nested = [t for t in tokens if t.type in ("ordered_list_open", "bullet_list_open")]
        # Lists the page itself makes are flat: no list opens inside a list item.
        depth, deepest = 0, 0
        for token in tokens:
            if token.type in ("ordered_list_open", "bullet_list_open"):
                depth += 1
                deepest = max(deepest, depth)
            elif token.type in ("ordered_list_close", "bullet_list_close"):
                depth -= 1
        assert deepest <= 1, "a pack title became a nested list"
        assert not any(t.type == "ordered_list_open" for t in nested)
    assert "1. Cost" in _flat(render_page(data).replace("\\", ""))


def test_multi_choice_answers_use_a_separator_labels_cannot_hold(tmp_path):
    packset = shipped_packset()
    question = next(q for q in packset.questions.values() if q.kind == "multi")
    labels = [o.label for o in question.options[:2]]
    shown = display(question, [o.id for o in question.options[:2]])
    assert shown == CHOICE_SEPARATOR.join(labels)
    pack = tomllib.loads((shipped_dir() / "acceptance.toml").read_text())
    bad = (
        (shipped_dir() / "acceptance.toml")
        .read_text()
        .replace(pack["questions"][0]["text"], pack["questions"][0]["text"], 1)
    )
    multi = next(q for q in pack["questions"] if q["kind"] == "multi")
    label = multi["options"][0]["label"]
    (tmp_path / "acceptance.toml").write_text(bad.replace(label, "Tier 1 • Tier 2", 1))
    problems = load_packs([tmp_path]).problems
    assert any("separates the choices" in p.message for p in problems), problems


def test_derived_text_and_true_false_values_show_their_value(tmp_path):
    source = Path(__file__).parent.parent / "questionnaires" / "examples" / "vendor.toml"
    text = source.read_text() + (
        '\n[[derived]]\nid = "vendor_is_eu"\ntitle = "Serves only the EU"\n'
        "expr = 'vendor_region == \"eu\"'\n"
    )
    (tmp_path / "vendor.toml").write_text(text)
    packset = load_packs([tmp_path]).packset
    answers = {"vendor_region": record("vendor_region", "eu")}
    page = render_page(make_snapshot(assessment(), [], answers, {}, {}, packset))
    assert "Serves only the EU: yes" in page


def test_red_gates_come_before_the_areas_and_scores():
    """More red gates than the page holds beside the areas and scores: the areas (then the
    scores) move to the appendix, so every red gate is shown in full."""
    data = demo_data()
    answers = dict(data.answers)
    more_reds = (
        ("data_approved_for_ai", "no"),
        ("data_flows_approved", "no"),
        ("kpi_owner_agreed", "no"),
        ("observability_live", "no"),
    )
    for qid, value in more_reds:
        if qid in data.packset.questions:
            answers[qid] = record(qid, value)
    richer = make_snapshot(
        data.assessment, data.participants, answers, {}, {}, data.packset, date=data.date
    )
    page = render_page(richer)
    flat = _flat(page.replace("\\", ""))
    reds = [g.gate for g in richer.evaluation.gates.values() if g.state.value == "red"]
    assert len(reds) >= 7
    for gate in reds:
        assert gate.why in flat and gate.fix in flat, gate.id
    assert "Areas: in the appendix." in page
    assert len(nonblank(page)) <= MAX_LINES
