"""Bands on scores and derived values: format 1 reads as it always did (both bounds inclusive,
overlaps refused); format 2 bands run from `min` up to, not including, `max` (the highest
includes its `max`) and must neither overlap nor leave a gap; `band(x)` reads the label."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core import expr
from app.core.engine import evaluate
from app.core.model import Band, band_problem, find_band
from app.core.packs import load_packs

ROOT = Path(__file__).resolve().parent.parent
HEAD = 'id = "t"\ntitle = "T"\nversion = "1.0"\ndescription = "Test."\n'
VALUE = """
[[questions]]
id = "n"
text = "N"
help = "H"
kind = "number"

[[derived]]
id = "d"
title = "D"
expr = "n"
bands = [{bands}]

[[gates]]
id = "g"
title = "Strong"
level = "amber"
when = 'band(d) == "Strong"'
why = "W"
fix = "F"
receipt = "eval_plan"
"""
THREE = (
    '{ label = "Weak", max = 1.5 }, { label = "Fair", min = 1.5, max = 2.5 }, '
    '{ label = "Strong", min = 2.5, max = 3 }'
)


def load(tmp_path: Path, body: str, head: str = "format = 2\n" + HEAD):
    file = tmp_path / "t.toml"
    file.write_text(head + textwrap.dedent(body))
    return load_packs([file], use_cache=False)


def test_band_reads_the_label_and_gates_can_use_it(tmp_path):
    result = load(tmp_path, VALUE.format(bands=THREE))
    assert result.ok, [str(p) for p in result.problems]
    ps = result.packset
    cases = {-4: "Weak", 1.49: "Weak", 1.5: "Fair", 2.4999: "Fair", 2.5: "Strong", 3: "Strong"}
    for value, label in cases.items():
        assert evaluate(ps, {"n": value}).values["band:d"] == label, value
    ev = evaluate(ps, {"n": 2.5})
    assert ev.gates["g"].state == "amber"
    assert evaluate(ps, {"n": 3.01}).values["band:d"] is expr.UNKNOWN  # above every band
    unknown = evaluate(ps, {})
    assert unknown.values["band:d"] is expr.UNKNOWN
    assert unknown.gates["g"].state == "unknown"


@pytest.mark.parametrize(
    ("bands", "want"),
    [
        ('{ label = "A", max = 2 }, { label = "B", min = 1.5 }', "bands 'A' and 'B' overlap"),
        ('{ label = "A", max = 2 }, { label = "B", min = 2.5 }', "leave a gap from 2 to 2.5"),
        ('{ label = "A" }, { label = "B", min = 1 }', "bands 'A' and 'B' overlap"),
        ('{ label = "A", min = 2, max = 2 }', "has min 2 not below max 2"),
        ('{ label = "A", min = 3, max = 2 }', "has min 3 not below max 2"),
    ],
)
def test_overlaps_and_gaps_are_refused_in_format_2(tmp_path, bands, want):
    result = load(tmp_path, VALUE.format(bands=bands))
    assert any(want in str(p) for p in result.problems), [str(p) for p in result.problems]


SCORE_1 = """
[[questions]]
id = "s1"
text = "S"
help = "H"
kind = "scale"
levels = ["a", "b", "c"]

[[scores]]
id = "sc"
title = "Sc"
questions = ["s1"]
bands = [{bands}]
"""


def test_format_1_bands_stay_inclusive_and_may_step_over_integers(tmp_path):
    result = load(
        tmp_path,
        SCORE_1.format(bands='{ label = "Low", max = 1 }, { label = "High", min = 2 }'),
        HEAD,
    )
    assert result.ok, [str(p) for p in result.problems]
    ps = result.packset
    assert evaluate(ps, {"s1": 1}).scores["sc"].band.label == "Low"
    assert evaluate(ps, {"s1": 2}).scores["sc"].band.label == "High"


def test_format_1_overlapping_bands_are_refused(tmp_path):
    bands = '{ label = "Low", max = 2 }, { label = "High", min = 2 }'  # 2 is in both
    result = load(tmp_path, SCORE_1.format(bands=bands), HEAD)
    assert any("bands 'Low' and 'High' overlap" in str(p) for p in result.problems)


def test_shipped_packs_bands_are_valid():
    for folder in (ROOT / "questionnaires", ROOT / "questionnaires" / "examples"):
        result = load_packs([folder], use_cache=False)
        assert result.ok, [str(p) for p in result.problems]
        for pack in result.packset.packs:
            for score in pack.scores:
                assert band_problem(score.bands, pack.format) is None


# -- properties ------------------------------------------------------------------------------

_cuts = st.lists(
    st.floats(-1000, 1000).map(lambda f: round(f, 2)), min_size=1, max_size=6, unique=True
)


def _contiguous(cuts: list[float], open_low: bool, open_high: bool) -> list[Band]:
    """Bands meeting at `cuts` (sorted): each band's max is the next one's min."""
    cuts = sorted(cuts)
    edges: list[float | None] = [
        None if open_low else cuts[0] - 1,
        *cuts,
        None if open_high else cuts[-1] + 1,
    ]
    return [
        Band(label=f"b{i}", min=lo, max=hi)
        for i, (lo, hi) in enumerate(zip(edges, edges[1:], strict=False))
    ]


@settings(max_examples=100, deadline=None)
@given(cuts=_cuts, open_low=st.booleans(), open_high=st.booleans(), data=st.data())
def test_contiguous_bands_hold_every_value_exactly_once(cuts, open_low, open_high, data):
    bands = _contiguous(cuts, open_low, open_high)
    shuffled = data.draw(st.permutations(bands))
    assert band_problem(shuffled, 2) is None
    low = bands[0].min if bands[0].min is not None else -2000
    high = bands[-1].max if bands[-1].max is not None else 2000
    values = [*cuts, low, high, data.draw(st.floats(low, high))]
    for value in values:
        holding = [b for i, b in enumerate(bands) if b.holds(value, i == len(bands) - 1)]
        assert len(holding) == 1, (value, bands)
        assert find_band(shuffled, value, 2) is holding[0]


@settings(max_examples=100, deadline=None)
@given(cuts=_cuts, shift=st.floats(0.01, 50).map(lambda f: round(f, 2)), data=st.data())
def test_moving_one_edge_makes_an_overlap_or_a_gap(cuts, shift, data):
    bands = _contiguous(cuts, True, True)
    if len(bands) < 2:
        return
    i = data.draw(st.integers(0, len(bands) - 2))
    a = bands[i]
    moved = a.max + data.draw(st.sampled_from([shift, -shift]))
    if a.min is not None and moved <= a.min:
        return
    bands[i] = Band(label=a.label, min=a.min, max=moved)
    problem = band_problem(bands, 2)
    assert problem is not None
    assert ("overlap" in problem) == (moved > a.max)


def test_format_1_find_band_is_the_old_first_match():
    bands = [Band("Pilot trap", max=8), Band("Workable", min=9, max=12), Band("Strong", min=13)]
    assert [getattr(find_band(bands, v, 1), "label", None) for v in (0, 8, 8.5, 9, 12, 13)] == [
        "Pilot trap",
        "Pilot trap",
        None,
        "Workable",
        "Workable",
        "Strong",
    ]
