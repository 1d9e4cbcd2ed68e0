"""Numbers Preflight refuses: results beyond MAX_NUMBER (1e15) in expressions, which make a gate
UNKNOWN and say why, and number literals too large to read in pack and answer files."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from app.core.engine import GateState, evaluate
from app.core.packs import load_packs
from tests.conftest import run_cli

LITERAL = "999999999999999"  # just under 1e15, so it passes the literal check


def _balanced(leaves: list[str]) -> str:
    """`a*b*c*d` as `((a)*(b))*((c)*(d))`: many factors within the nesting limit."""
    if len(leaves) == 1:
        return leaves[0]
    half = len(leaves) // 2
    return f"({_balanced(leaves[:half])})*({_balanced(leaves[half:])})"


def growth_pack(derived: int = 4) -> str:
    """A pack whose derived values each raise the last to the 32nd power: unbounded, the fourth
    holds some 25 million digits (minutes to compute, and none of them printable)."""
    exprs = [_balanced(["x"] * 8 + [LITERAL] * 20)]
    exprs += [_balanced([f"d{i}"] * 32) for i in range(1, derived)]
    text = textwrap.dedent(
        """\
        id = "growth"
        title = "Growth"
        version = "1.0"
        description = "Derived values that grow without bound."

        [[questions]]
        id = "x"
        text = "A number?"
        help = "Any number."
        kind = "number"

        [[gates]]
        id = "huge"
        title = "Huge"
        level = "red"
        when = "d{last} > 5"
        why = "It is huge."
        fix = "Make it smaller."
        receipt = "production_plan"

        [[gates]]
        id = "halved"
        title = "Halved"
        level = "amber"
        when = "x / (x - 2) > 1"
        why = "A division."
        fix = "None."
        receipt = "production_plan"
        """
    ).format(last=derived)
    for i, source in enumerate(exprs, 1):
        text += f'\n[[derived]]\nid = "d{i}"\ntitle = "D{i}"\nexpr = "{source}"\n'
    return text


@pytest.fixture(scope="module")
def growth(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("growth")
    (folder / "growth.toml").write_text(growth_pack())
    return folder


def test_growth_is_unknown_and_says_why(growth):
    result = load_packs([growth], use_cache=False)
    assert result.ok, result.problems
    started = time.perf_counter()
    ev = evaluate(result.packset, {"x": 2})
    assert time.perf_counter() - started < 1
    assert ev.derived("d1") is None and ev.derived("d4") is None
    huge = ev.gates["huge"]
    assert huge.state is GateState.unknown
    assert huge.reason == "derived value 'd1' is out of range (over 1e15)"
    assert ev.faults["d4"] == huge.reason  # passed on from d1 through d2 and d3
    halved = ev.gates["halved"]
    assert halved.state is GateState.unknown
    assert halved.reason == "its condition cannot be computed (division by zero)"


def test_unanswered_is_unknown_without_a_reason(growth):
    ev = evaluate(load_packs([growth], use_cache=False).packset, {})
    assert ev.gates["halved"].state is GateState.unknown and ev.gates["halved"].reason is None
    # The literals' own product is out of range, whatever x is.
    assert ev.gates["huge"].reason == "derived value 'd1' is out of range (over 1e15)"


def test_check_and_export_on_growth(growth, tmp_path):
    db = tmp_path / "growth.db"
    qs = ["--questionnaires", str(growth)]
    slug = run_cli(*qs, "new", "Growth", db=db).stdout.strip()
    answers = tmp_path / "a.toml"
    answers.write_text("x = 2\n")
    assert run_cli(*qs, "quick", slug, "--answers", str(answers), db=db).returncode == 3
    check = run_cli(*qs, "check", slug, db=db)
    assert check.returncode == 3, check.stderr
    lines = check.stdout.splitlines()
    at = lines.index("  ? UNKNOWN    Huge — It is huge.")
    assert lines[at + 1].strip() == "why: derived value 'd1' is out of range (over 1e15)"
    out = tmp_path / "page.md"
    export = run_cli(*qs, "export", slug, "--out", str(out), db=db)
    assert export.returncode == 0, export.stderr
    assert "- D4: unknown" in (tmp_path / "page-appendix.md").read_text()


DIGITS = "9" * 5000  # over Python's 4,300-digit limit on reading an int
KINDS_TEXT = (Path(__file__).parent / "packs" / "kinds.toml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "location", "message"),
    [
        pytest.param("max = 100\n", f"max = {DIGITS}\n", "line 40", "number too large", id="int"),
        pytest.param(
            'id = "kinds"\n',
            f'id = "kinds"\nx = 1_{DIGITS}\n',
            "line 2",
            "number too large",
            id="int-with-underscore",
        ),
        pytest.param(
            "max = 100\n", "max = 1e999\n", "questions.k_number.max", "-1e15 to 1e15", id="inf"
        ),
        pytest.param(
            "max = 100\n", "max = 1e16\n", "questions.k_number.max", "-1e15 to 1e15", id="over"
        ),
        pytest.param(
            "max = 100\n", "max = nan\n", "questions.k_number.max", "-1e15 to 1e15", id="nan"
        ),
        pytest.param(
            "min = 0\n", "min = -inf\n", "questions.k_number.min", "-1e15 to 1e15", id="-inf"
        ),
    ],
)
def test_pack_numbers_out_of_range(tmp_path, old, new, location, message):
    path = tmp_path / "kinds.toml"
    path.write_text(KINDS_TEXT.replace(old, new, 1))
    problems = [str(p) for p in load_packs([path], use_cache=False).problems]
    assert f"{path}: {location}: " in problems[0] and message in problems[0], problems
    result = run_cli("validate", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{path}: {location}: " in result.stdout


def test_score_band_bounds_are_checked(tmp_path):
    text = (Path(__file__).parent.parent / "questionnaires/examples/vendor.toml").read_text()
    path = tmp_path / "vendor.toml"
    path.write_text(
        text.replace('{ label = "Fragile", max = 2 }', '{ label = "Fragile", max = inf }')
    )
    problems = [str(p) for p in load_packs([path], use_cache=False).problems]
    assert problems == [
        f"{path}: scores.vendor_resilience.bands[0].max: must be a number from -1e15 to 1e15"
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param("a.toml", f"k_number = {DIGITS}\n", "line 1: number too large", id="toml"),
        pytest.param(
            "a.json",
            '{\n  "k_yes": "yes",\n  "k_number": ' + DIGITS + "\n}",
            "line 3: number too large",
            id="json",
        ),
        pytest.param(
            "a.json",
            '{"k_number": {"value": 1, "note": ' + DIGITS + "}}",
            "line 1: number too large",
            id="json-in-a-note",
        ),
        pytest.param(
            "a.json", '{"k_number": 1e999}', "k_number: expected a finite number", id="inf"
        ),
        pytest.param(
            "a.json",
            '{"k_number": 1e999999999999}',
            "k_number: expected a finite number",
            id="huge-exponent",
        ),
        pytest.param("a.json", '{"k_number": NaN}', "k_number: expected a finite number", id="nan"),
        pytest.param(
            "a.json",
            '{"k_number": 1e16}',
            "k_number: 1e+16 is beyond the limit of ±1e15",
            id="1e16",
        ),
        pytest.param(  # TOML reads hex ints of any length: one must not break the message
            "a.toml",
            "k_number = 0x" + "f" * 5000 + "\n",
            "k_number: a number too large to show is beyond the limit",
            id="toml-hex",
        ),
        pytest.param(
            "a.toml",
            "k_yes = 0x" + "f" * 5000 + "\n",
            "k_yes: expected yes, no or unknown, got a number too large to show",
            id="hex-yes-no",
        ),
    ],
)
def test_answer_file_numbers_out_of_range(tmp_path, name, content, expected):
    db = tmp_path / "a.db"
    qs = ["--questionnaires", str(Path(__file__).parent / "packs")]
    slug = run_cli(*qs, "new", "Numbers", db=db).stdout.strip()
    path = tmp_path / name
    path.write_text(content)
    result = run_cli(*qs, "quick", slug, "--answers", str(path), db=db)
    assert result.returncode == 4, result.stderr
    assert f"{path}: {expected}" in result.stderr
    assert "Traceback" not in result.stderr and "nothing was applied" in result.stderr


RANGE_PACK = textwrap.dedent(
    """\
    id = "ranges"
    title = "Ranges"
    version = "1.0"
    description = "Derived values near the limit."

    [[questions]]
    id = "calls"
    text = "Calls a day?"
    help = "Bounded."
    kind = "number"
    min = 0
    max = 1000000000

    [[questions]]
    id = "open"
    text = "Any number?"
    help = "No bounds."
    kind = "number"

    [[derived]]
    id = "fine"
    title = "Fine"
    expr = "calls * 30 + open * open * open * 1000"

    [[derived]]
    id = "squared"
    title = "Squared"
    expr = "calls * calls"

    [[derived]]
    id = "divided"
    title = "Divided"
    expr = "open / calls"

    [[gates]]
    id = "g"
    title = "G"
    level = "amber"
    when = "fine > 5 and -(calls * 10000000) < 0"
    why = "W."
    fix = "F."
    receipt = "production_plan"
    """
)


def test_validate_warns_where_allowed_answers_pass_the_limit(tmp_path):
    from app.core.bounds import range_warnings

    path = tmp_path / "ranges.toml"
    path.write_text(RANGE_PACK)
    result = load_packs([path], use_cache=False)
    assert result.ok, result.problems
    assert range_warnings(result.packset) == [
        f"{path}: gates[0].when: may exceed 1e15 with allowed answers ('calls * 10000000' can "
        "reach 1e16); past 1e15 it is unknown",
        f"{path}: derived[1].expr: may exceed 1e15 with allowed answers ('calls * calls' can "
        "reach 1e18); past 1e15 it is unknown",
    ]


def test_validate_prints_growth_warnings_and_still_passes(growth):
    result = run_cli("validate", str(growth / "growth.toml"))
    assert result.returncode == 0, result.stdout
    notes = [line for line in result.stdout.splitlines() if line.startswith("note: ")]
    assert [n.split(": ")[2] for n in notes] == [f"derived[{i}].expr" for i in range(4)]
    assert "('(d1)*(d1)' can reach 1e30)" in notes[1]


def test_shipped_packs_raise_no_range_warning():
    from tests.conftest import EXAMPLES

    result = run_cli("--questionnaires", str(EXAMPLES), "validate")
    assert result.returncode == 0 and "note:" not in result.stdout, result.stdout
    assert result.stdout.count(": ok: pack") == 6
