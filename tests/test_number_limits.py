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
