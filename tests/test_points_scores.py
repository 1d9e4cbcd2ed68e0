"""Points on options, scores over any numeric item, sum(), booleans as 0/1 and text derived
values (pack format 2): the two published rubrics of issue 18 written naturally
(tests/packs/rubrics), score methods against a plain-Python reference, and the format gate."""

from __future__ import annotations

import json
import math
import textwrap
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import expr
from app.core.engine import GateState, evaluate
from app.core.explain import because, reading
from app.core.model import pack_from_data
from app.core.packs import load_packs
from app.export.jsonout import document
from app.export.page import value_lines
from tests.export_support import assessment, record

RUBRICS = Path(__file__).resolve().parent / "packs" / "rubrics"
SECTIONS = ("data", "model", "infra", "monitor")
HEAD = 'format = 2\nid = "t"\ntitle = "T"\nversion = "1.0"\ndescription = "Test."\n'


def load(tmp_path: Path, body: str, head: str = HEAD):
    file = tmp_path / "t.toml"
    file.write_text(head + textwrap.dedent(body))
    return load_packs([file], use_cache=False)


def packset(tmp_path: Path, body: str, head: str = HEAD):
    result = load(tmp_path, body, head)
    assert result.ok, [str(p) for p in result.problems]
    return result.packset


def messages(result) -> str:
    return " | ".join(str(p) for p in result.problems)


@pytest.fixture(scope="module")
def rubrics():
    result = load_packs([RUBRICS], use_cache=False)
    assert result.ok, [str(p) for p in result.problems]
    return result.packset


def ml_answers(value: str = "auto") -> dict:
    return {f"{s}_{i}": value for s in SECTIONS for i in range(1, 8)}


# -- the ML test score rubric: 0 / 0.5 / 1, summed per section, min over sections, six bands --


def test_ml_rubric_all_automated_is_exceptional(rubrics):
    ev = evaluate(rubrics, ml_answers())
    assert ev.values["data_score"] == 7
    assert ev.scores["ml_score"].value == 7
    assert ev.scores["ml_score"].band.label == "Exceptional"
    assert ev.scores["ml_score"].maximum == 7
    assert ev.values["readiness"] == "ready for production"
    assert ev.values["all_automated"] is True
    assert ev.gates["research_project"].state is GateState.clear


def test_ml_rubric_final_score_is_the_weakest_section(rubrics):
    answers = ml_answers()
    answers.update({f"monitor_{i}": "manual" for i in range(1, 8)})  # 3.5
    answers["monitor_1"] = "no"  # 3.0
    ev = evaluate(rubrics, answers)
    assert ev.values["monitor_score"] == 3
    assert ev.values["ml_score"] == 3
    assert ev.values["band:ml_score"] == "Reasonably tested"
    answers.update({f"data_{i}": "no" for i in range(1, 8)})
    ev = evaluate(rubrics, answers)
    assert ev.values["ml_score"] == 0
    assert ev.scores["ml_score"].band.label == "More of a research project"
    assert ev.gates["research_project"].state is GateState.red
    assert ev.values["readiness"] == "not ready"


def test_ml_rubric_unknown_test_leaves_the_score_unknown(rubrics):
    answers = ml_answers()
    del answers["infra_3"]
    ev = evaluate(rubrics, answers)
    assert ev.values["infra_score"] is expr.UNKNOWN
    assert ev.values["ml_score"] is expr.UNKNOWN
    assert ev.scores["ml_score"].value is None
    assert ev.gates["research_project"].state is GateState.unknown
    assert ev.values["readiness"] is expr.UNKNOWN


# -- the impact assessment: 0-4 points, mitigation discount at 80 %, level by percentage ----

IMPACT = {
    "decision_reversible": "hard",  # 3, weight 2
    "affected_rights": ["economic", "health"],  # max: 3
    "autonomy": "reviewed",  # 2
    "personal_data": "yes",  # 2
    "bias_tested": "yes",  # 4
    "appeal_route": "yes",  # 3
    "documentation": "partial",  # 1
}


def test_impact_discount_and_level(rubrics):
    ev = evaluate(rubrics, IMPACT)
    assert ev.values["raw_impact"] == 13
    assert ev.scores["raw_impact"].maximum == 18
    assert ev.values["mitigation"] == 8
    assert ev.values["discounted"] is True
    assert ev.values["impact_pct"] == round(13 * 0.85 / 18 * 100, 1)
    assert ev.values["level"] == "Level III"
    assert ev.gates["level_three"].state is GateState.amber
    assert ev.gates["level_four"].state is GateState.clear
    # No discount below 80 % of the mitigation's maximum: level IV.
    ev = evaluate(rubrics, IMPACT | {"documentation": "none", "decision_reversible": "never"})
    assert ev.values["discounted"] is False
    assert ev.values["impact_pct"] == round(15 / 18 * 100, 1)
    assert ev.values["level"] == "Level IV"
    assert ev.gates["level_four"].state is GateState.red


def test_impact_unknown_points_stay_unknown(rubrics):
    ev = evaluate(rubrics, IMPACT | {"personal_data": "unknown"})
    assert ev.values["points:personal_data"] is expr.UNKNOWN
    assert ev.values["raw_impact"] is expr.UNKNOWN
    assert ev.values["level"] is expr.UNKNOWN
    assert ev.gates["level_four"].state is GateState.unknown


def test_text_and_boolean_values_read_as_text(rubrics):
    ev = evaluate(rubrics, IMPACT | ml_answers())
    assert reading(rubrics, ev, "level") == "Level III"
    assert reading(rubrics, ev, "discounted") == "yes"
    assert reading(rubrics, ev, "impact_pct") == "61.4 % (Level III)"
    assert reading(rubrics, ev, "ml_score") == "7 (Exceptional)"
    assert because(rubrics, ev, "level_three") == 'level=Level III == "Level III"'


def _data(packset, answers):
    from app.export.snapshot import make_snapshot

    return make_snapshot(
        assessment=assessment(),
        participants=[],
        answers={q: record(q, v) for q, v in answers.items()},
        followups={},
        waivers={},
        packset=packset,
        date="2026-03-02",
    )


def test_page_and_json_show_text_bands_and_scores(rubrics):
    data = _data(rubrics, IMPACT | ml_answers())
    lines = value_lines(data)
    assert "Impact level: Level III" in lines
    assert "Mitigation discount applies: yes" in lines
    assert "Readiness: ready for production" in lines
    assert any(
        line.startswith("Impact: 61.4 % — Level III (bands: Level I under 25;") for line in lines
    )
    assert any("Level IV 75–100" in line for line in lines)
    assert "ML test score: 7 of 7 — Exceptional (bands:" in " ".join(lines)
    assert "Raw impact: 13 of 18" in lines
    doc = json.loads(json.dumps(document(data)))
    derived = {d["id"]: d for d in doc["derived"]}
    assert derived["level"]["value"] == "Level III"
    assert derived["discounted"]["value"] is True
    assert derived["impact_pct"]["band"] == "Level III"
    assert "band" not in derived["level"]


def test_format_2_pack_round_trips_through_the_cache(rubrics):
    for pack in rubrics.packs:
        assert pack_from_data(json.loads(json.dumps(asdict(pack)))) == pack


# -- points --------------------------------------------------------------------------------

POINTED = """
[[questions]]
id = "pick"
text = "Pick"
help = "H"
kind = "multi"
{points_of}
options = [
  {{ id = "a", label = "A", points = 1 }},
  {{ id = "b", label = "B", points = 2.5 }},
  {{ id = "c", label = "C", points = 0 }},
]

[[questions]]
id = "ok"
text = "OK?"
help = "H"
kind = "yes_no"
points = {{ yes = 1, no = -1 }}

[[derived]]
id = "total"
title = "Total"
expr = "points(pick) + points(ok)"
"""


@pytest.mark.parametrize(
    ("points_of", "ticked", "want"),
    [
        ("", ["a", "b"], 3.5),
        ('points_of = "sum"', ["a", "b"], 3.5),
        ('points_of = "max"', ["a", "b"], 2.5),
        ('points_of = "max"', [], 0),
        ("", [], 0),
    ],
)
def test_multi_points_sum_or_max(tmp_path, points_of, ticked, want):
    ps = packset(tmp_path, POINTED.format(points_of=points_of))
    ev = evaluate(ps, {"pick": ticked, "ok": "no"})
    assert ev.values["points:pick"] == want
    assert ev.values["total"] == want - 1
    assert evaluate(ps, {"pick": ticked}).values["total"] is expr.UNKNOWN


def test_points_of_hidden_question_is_hidden(tmp_path):
    body = POINTED.format(points_of="").replace(
        'kind = "yes_no"', 'kind = "yes_no"\nshow_if = "count(pick) > 0"'
    )
    ps = packset(tmp_path, body)
    ev = evaluate(ps, {"pick": [], "ok": "yes"})
    assert ev.values["points:ok"] is expr.HIDDEN
    assert ev.values["total"] is expr.HIDDEN


# -- scores against a reference ------------------------------------------------------------

METHODS = ("sum", "mean", "min", "max", "weighted_mean")


def _reference(method, parts):
    """parts: (value, weight) with value None (unknown) or "hidden"."""
    shown = [(v, w) for v, w in parts if v != "hidden"]
    if not shown:
        return "hidden"
    if any(v is None for v, _ in shown):
        return None
    values = [v for v, _ in shown]
    if method == "sum":
        return sum(v * w for v, w in shown)
    if method == "mean":
        return sum(values) / len(values)
    if method == "weighted_mean":
        return sum(v * w for v, w in shown) / sum(w for _, w in shown)
    return min(values) if method == "min" else max(values)


def _score_pack(method: str, weights: list[float | None]) -> str:
    out = []
    for i in range(len(weights)):
        out.append(
            f'[[questions]]\nid = "n{i}"\ntext = "N{i}"\nhelp = "H"\nkind = "number"\n'
            f'required = false\nshow_if = "shown{i} != 0"\n'
            f'[[questions]]\nid = "shown{i}"\ntext = "S"\nhelp = "H"\nkind = "number"\nrequired = false\n'
        )
    items = ", ".join(
        f'"n{i}"' if w is None else f'{{ id = "n{i}", weight = {w!r} }}'
        for i, w in enumerate(weights)
    )
    out.append(f'[[scores]]\nid = "s"\ntitle = "S"\nitems = [{items}]\nmethod = "{method}"\n')
    return "\n".join(out)


_value = st.one_of(
    st.none(),
    st.just("hidden"),
    st.integers(-1000, 1000),
    st.floats(-1000, 1000).map(lambda f: round(f, 3)),
)


@settings(max_examples=60, deadline=None)
@given(
    method=st.sampled_from(METHODS),
    parts=st.lists(
        st.tuples(_value, st.one_of(st.none(), st.sampled_from([0.5, 1, 2, 3.25]))),
        min_size=1,
        max_size=6,
    ),
)
def test_score_methods_match_a_reference(tmp_path_factory, method, parts):
    if method not in ("sum", "weighted_mean"):
        parts = [(v, None) for v, _ in parts]
    tmp = tmp_path_factory.mktemp("score")
    ps = packset(tmp, _score_pack(method, [w for _, w in parts]))
    answers = {}
    for i, (value, _) in enumerate(parts):
        answers[f"shown{i}"] = 0 if value == "hidden" else 1
        if value not in (None, "hidden"):
            answers[f"n{i}"] = value
    ev = evaluate(ps, answers)
    want = _reference(method, [(v, 1 if w is None else w) for v, w in parts])
    got = ev.values["s"]
    if want == "hidden":
        assert got is expr.HIDDEN
    elif want is None:
        assert got is expr.UNKNOWN
        assert ev.scores["s"].value is None
    else:
        assert got == pytest.approx(want, abs=1e-9)
        assert ev.scores["s"].value == got


def test_score_reads_derived_values_and_scores_and_booleans(tmp_path):
    ps = packset(
        tmp_path,
        """
        [[questions]]
        id = "level"
        text = "L"
        help = "H"
        kind = "scale"
        levels = ["a", "b", "c"]

        [[derived]]
        id = "double"
        title = "D"
        expr = "level * 2"

        [[derived]]
        id = "high"
        title = "High"
        expr = "level == 3"

        [[scores]]
        id = "inner"
        title = "Inner"
        items = ["level", { id = "double", weight = 0.5 }]

        [[scores]]
        id = "outer"
        title = "Outer"
        items = ["inner", "high"]
        method = "max"
        """,
    )
    ev = evaluate(ps, {"level": 3})
    assert ev.values["inner"] == 6
    assert ev.values["outer"] == 6
    assert ev.scores["inner"].maximum is None  # a derived value has no known maximum
    assert evaluate(ps, {}).values["outer"] is expr.UNKNOWN


def test_a_text_item_makes_the_score_unknown_with_a_reason(tmp_path):
    ps = packset(
        tmp_path,
        """
        [[questions]]
        id = "n"
        text = "N"
        help = "H"
        kind = "number"

        [[derived]]
        id = "word"
        title = "W"
        expr = '"big" if n > 1 else "small"'

        [[scores]]
        id = "s"
        title = "S"
        items = ["n", "word"]
        """,
    )
    ev = evaluate(ps, {"n": 2})
    assert ev.values["s"] is expr.UNKNOWN
    assert "'word' is not a number" in ev.faults["s"]


def test_weighted_mean_and_mean(tmp_path):
    body = "\n".join(
        f'[[questions]]\nid = "q{i}"\ntext = "Q"\nhelp = "H"\nkind = "scale"\nlevels = ["a", "b", "c"]\n'
        for i in range(3)
    )
    ps = packset(
        tmp_path,
        body + '[[scores]]\nid = "w"\ntitle = "W"\nmethod = "weighted_mean"\n'
        'items = [{ id = "q0", weight = 3 }, "q1", { id = "q2", weight = 0.5 }]\n'
        '[[scores]]\nid = "m"\ntitle = "M"\nmethod = "mean"\nitems = ["q0", "q1", "q2"]\n',
    )
    ev = evaluate(ps, {"q0": 3, "q1": 1, "q2": 2})
    assert ev.values["w"] == pytest.approx((9 + 1 + 1) / 4.5)
    assert ev.values["m"] == 2
    assert ev.scores["m"].maximum == 3


# -- expressions: sum(), booleans, the length limit ------------------------------------------


def test_sum_and_booleans_in_format_2():
    e = expr.parse("sum(a, b, c) + (a > 1)", format=2)
    assert e.evaluate({"a": 2, "b": 0.5, "c": True}) == 4.5
    assert e.evaluate({"a": 2, "b": expr.UNKNOWN, "c": True}) is expr.UNKNOWN
    assert expr.parse("sum([a, b])", format=2).evaluate({"a": expr.HIDDEN, "b": 3}) == 3
    assert (
        expr.parse("sum(a, b)", format=2).evaluate({"a": expr.HIDDEN, "b": expr.HIDDEN})
        is expr.HIDDEN
    )
    assert expr.parse("sum(a, 1)", format=2).evaluate({"a": "x"}) is expr.UNKNOWN
    assert expr.parse("-(a > 1)", format=2).evaluate({"a": 2}) == -1
    # Format 1 reads as before: arithmetic on a boolean is unknown.
    assert expr.parse("(a > 1) + 1").evaluate({"a": 2}) is expr.UNKNOWN


def test_a_30_item_rubric_expression_fits():
    names = [f"rubric_section_{i:02d}_" + "x" * 40 for i in range(30)]
    assert all(len(n) <= 64 for n in names)
    weighted = " + ".join(f"{n} * 0.5" for n in names)
    assert len(weighted) <= expr.MAX_LENGTH
    e = expr.parse(weighted, format=2)
    assert e.evaluate(dict.fromkeys(names, 2)) == 30
    assert expr.parse(f"sum({', '.join(names)})", format=2).evaluate(dict.fromkeys(names, 1)) == 30


# -- what a pack may not do ----------------------------------------------------------------

FORMAT_1 = 'id = "t"\ntitle = "T"\nversion = "1.0"\ndescription = "Test."\n'


@pytest.mark.parametrize(
    ("body", "want"),
    [
        (POINTED.format(points_of=""), "points (question 'pick') needs `format = 2`"),
        (
            '[[questions]]\nid = "q"\ntext = "Q"\nhelp = "H"\nkind = "number"\n'
            '[[derived]]\nid = "d"\ntitle = "D"\nexpr = "sum(q, 1)"\n',
            "sum() needs `format = 2` at the top of the pack",
        ),
        (
            '[[questions]]\nid = "q"\ntext = "Q"\nhelp = "H"\nkind = "number"\n'
            '[[scores]]\nid = "s"\ntitle = "S"\nitems = ["q"]\n',
            "items (score 's') needs `format = 2`",
        ),
        (
            '[[questions]]\nid = "q"\ntext = "Q"\nhelp = "H"\nkind = "number"\n'
            '[[derived]]\nid = "d"\ntitle = "D"\nexpr = "q"\nbands = [{ label = "a" }]\n',
            "bands (derived value 'd') needs `format = 2`",
        ),
    ],
)
def test_format_2_keys_need_format_2(tmp_path, body, want):
    result = load(tmp_path, body, FORMAT_1)
    assert want in messages(result)


QUESTIONS = """
[[questions]]
id = "c"
text = "C"
help = "H"
kind = "choice"
options = [{ id = "a", label = "A", points = 1 }, { id = "b", label = "B" }]
"""


@pytest.mark.parametrize(
    ("body", "want"),
    [
        (QUESTIONS, "every option needs points once one has them (missing: b)"),
        (
            '[[questions]]\nid = "t"\ntext = "T"\nhelp = "H"\nkind = "text"\npoints = { yes = 1, no = 0 }\n',
            "points for a text question go only on yes_no questions",
        ),
        (
            '[[questions]]\nid = "m"\ntext = "M"\nhelp = "H"\nkind = "multi"\npoints_of = "max"\n'
            'options = [{ id = "a", label = "A" }, { id = "b", label = "B" }]\n',
            "points_of only fits a multi question whose options have points",
        ),
        (
            '[[questions]]\nid = "t"\ntext = "T"\nhelp = "H"\nkind = "text"\n'
            '[[scores]]\nid = "s"\ntitle = "S"\nitems = ["t"]\n',
            "'t', a text question without points",
        ),
        (
            '[[questions]]\nid = "n"\ntext = "N"\nhelp = "H"\nkind = "number"\n'
            '[[scores]]\nid = "s"\ntitle = "S"\nmethod = "min"\nitems = [{ id = "n", weight = 2 }]\n',
            "weights only fit the sum and weighted_mean methods, not min",
        ),
        (
            '[[questions]]\nid = "n"\ntext = "N"\nhelp = "H"\nkind = "number"\n'
            '[[scores]]\nid = "s"\ntitle = "S"\nitems = ["nope"]\n',
            "scores.s.items[0]: unknown name 'nope'",
        ),
        (
            '[[questions]]\nid = "n"\ntext = "N"\nhelp = "H"\nkind = "number"\n'
            '[[scores]]\nid = "s"\ntitle = "S"\nitems = ["n", "n"]\n',
            "lists n more than once",
        ),
        (
            '[[questions]]\nid = "n"\ntext = "N"\nhelp = "H"\nkind = "number"\n'
            '[[scores]]\nid = "s"\ntitle = "S"\n',
            "a score needs either `questions` or `items`",
        ),
        (
            '[[questions]]\nid = "n"\ntext = "N"\nhelp = "H"\nkind = "number"\n'
            '[[derived]]\nid = "d"\ntitle = "D"\nexpr = "points(n)"\n',
            "points(n): 'n' is not a question with points",
        ),
        (
            '[[questions]]\nid = "n"\ntext = "N"\nhelp = "H"\nkind = "number"\n'
            '[[derived]]\nid = "d"\ntitle = "D"\nexpr = "band(n)"\n',
            "band(n): 'n' is not a score or derived value with bands",
        ),
        (
            '[[questions]]\nid = "n"\ntext = "N"\nhelp = "H"\nkind = "number"\n'
            '[[scores]]\nid = "a"\ntitle = "A"\nitems = ["b"]\n'
            '[[scores]]\nid = "b"\ntitle = "B"\nitems = ["a"]\n',
            "scores.a.items: 'a' is part of a cycle: a → b → a",
        ),
    ],
)
def test_bad_points_and_scores_are_clear_problems(tmp_path, body, want):
    result = load(tmp_path, body)
    assert want in messages(result), messages(result)


def test_band_and_points_take_a_name():
    with pytest.raises(expr.ExpressionError, match="takes the id"):
        expr.parse("band(1 + 2)", format=2)


def test_maximum_of_a_sum_of_points(rubrics):
    ev = evaluate(rubrics, {})
    assert ev.scores["mitigation"].maximum == 10
    assert ev.scores["data_score"].maximum == 7
    assert math.isclose(ev.scores["raw_impact"].maximum, 18)
