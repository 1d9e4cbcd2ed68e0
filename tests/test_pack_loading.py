"""Loading pack files: the example is valid, and broken or hostile files become clear problems
naming file and location, never a traceback."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.packs import load_packs, read_pack
from tests.conftest import EXAMPLES

VALID = (EXAMPLES / "vendor.toml").read_text()


def test_example_pack_is_valid():
    result = load_packs([EXAMPLES])
    assert result.ok, result.problems
    pack = result.packset.pack("vendor")
    assert len(pack.questions) == 9
    order = result.packset.eval_order
    assert order.index("vendor_monthly_cost_10x") > order.index("vendor_calls_per_day")


def _problems(tmp_path: Path, text: str | bytes, name: str = "p.toml"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return [str(p) for p in load_packs([path]).problems]


@pytest.mark.parametrize(
    ("mutate", "location", "message"),
    [
        pytest.param(lambda s: "", "file", "empty", id="empty"),
        pytest.param(lambda s: "\x00\x01\x02binary", "file", "binary", id="binary"),
        pytest.param(lambda s: s + "\n[[questions]\n", "toml", "", id="broken-toml"),
        pytest.param(lambda s: "colour = 1\n" + s, "colour", "unknown key", id="unknown-key"),
        pytest.param(
            lambda s: s.replace('kind = "yes_no"', 'kind = "maybe"'),
            "questions.vendor_dpa_signed.kind",
            "",
            id="unknown-kind",
        ),
        pytest.param(
            lambda s: s.replace("when = 'vendor_dpa_signed == \"no\"'", 'when = "__import__(1)"'),
            "gates.vendor_no_dpa.when",
            "not allowed",
            id="hostile-expression",
        ),
        pytest.param(
            lambda s: s.replace("when = 'vendor_dpa_signed == \"no\"'", 'when = "nobody > 1"'),
            "gates.vendor_no_dpa.when",
            "unknown name",
            id="unknown-name",
        ),
        pytest.param(
            lambda s: s.replace('id = "vendor_support"', 'id = "vendor_name"'),
            "pack",
            "already used",
            id="duplicate-id",
        ),
        pytest.param(
            lambda s: s.replace('receipt = "production_plan"', 'receipt = "vibes"', 1),
            "gates.vendor_cost_over_budget.receipt",
            "",
            id="bad-receipt",
        ),
        pytest.param(
            lambda s: s.replace(
                'levels = ["Locked in", "Weeks of work", "Ready to switch"]', 'levels = ["one"]'
            ),
            "questions.vendor_exit_plan",
            "three levels",
            id="scale-levels",
        ),
        pytest.param(
            lambda s: s.replace(
                "vendor_cost_per_call * vendor_calls_per_day * 10 * 30",
                "vendor_monthly_cost_10x + 1",
            ),
            "derived.vendor_monthly_cost_10x.expr",
            "cycle",
            id="derived-cycle",
        ),
        pytest.param(
            lambda s: s.replace(
                "show_if = 'vendor_region != \"eu\"'",
                "show_if = 'vendor_eu_transfer_basis != \"x\"'",
            ),
            "questions.vendor_eu_transfer_basis.show_if",
            "cycle",
            id="show-if-cycle",
        ),
    ],
)
def test_broken_pack_names_file_and_location(tmp_path, mutate, location, message):
    problems = _problems(tmp_path, mutate(VALID))
    assert problems, "expected a problem"
    assert any(p.startswith(f"{tmp_path / 'p.toml'}: {location}") for p in problems), problems
    assert any(message in p for p in problems), problems


def test_not_utf8(tmp_path):
    problems = _problems(tmp_path, b'id = "\xff\xfe"\n')
    assert problems == [f"{tmp_path / 'p.toml'}: file: is not UTF-8 text (byte 6)"]


def test_same_id_in_another_folder_replaces_and_says_so(tmp_path):
    team = tmp_path / "team"
    team.mkdir()
    (team / "vendor.toml").write_text(VALID.replace('version = "1.0"', 'version = "2.0"'))
    result = load_packs([EXAMPLES, team])
    assert result.ok
    assert result.packset.pack("vendor").version == "2.0"
    assert any("replaces" in n for n in result.notices)


def test_question_id_clash_across_packs(tmp_path):
    other = VALID.replace('id = "vendor"', 'id = "other"', 1)
    (tmp_path / "a.toml").write_text(VALID)
    (tmp_path / "b.toml").write_text(other)
    problems = [str(p) for p in load_packs([tmp_path]).problems]
    # Packs load in id order: "other" first, so "vendor" is the one that clashes.
    assert any(
        "a.toml: questions.vendor_name.id: id 'vendor_name' is already used by pack 'other' "
        f"({tmp_path / 'b.toml'}: questions.vendor_name)" in p
        for p in problems
    ), problems


# -- property-based: whatever the bytes, a list of problems and no exception -----------------

toml_scalars = st.one_of(
    st.text(max_size=30), st.integers(), st.floats(allow_nan=False), st.booleans()
)
keys = st.sampled_from(
    [
        "id",
        "title",
        "version",
        "description",
        "questions",
        "gates",
        "kind",
        "when",
        "x",
        "help",
        "options",
        "levels",
        "show_if",
        "min",
        "max",
        "derived",
        "scores",
        "receipts",
        "text",
    ]
)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.encode("unicode_escape").decode().replace('"', '\\"') + '"'
    return repr(value)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_random_bytes_never_raise(tmp_path, data):
    path = tmp_path / "fuzz.toml"
    path.write_bytes(data)
    pack, problems = read_pack(path)
    assert pack is None or not problems
    for problem in problems:
        assert problem.file == str(path) and problem.location and problem.message


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    drop=st.integers(min_value=0, max_value=200),
    key=keys,
    value=toml_scalars,
    garbage=st.text(alphabet=string.printable, max_size=40),
)
def test_mutated_valid_pack_never_raises(tmp_path, drop, key, value, garbage):
    lines = VALID.splitlines()
    if drop < len(lines):
        lines[drop] = f"{key} = {_toml_value(value)}" if drop % 2 else garbage
    path = tmp_path / "mut.toml"
    path.write_text("\n".join(lines))
    result = load_packs([path])
    for problem in result.problems:
        assert str(problem).startswith(f"{path}: ")
        assert problem.location


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(expression=st.text(max_size=120))
def test_any_expression_text_is_a_problem_or_valid(tmp_path, expression):
    text = VALID.replace(
        "when = 'vendor_dpa_signed == \"no\"'",
        "when = " + _toml_value(expression),
    )
    path = tmp_path / "expr.toml"
    path.write_text(text)
    result = load_packs([path])
    for problem in result.problems:
        assert problem.location and problem.file == str(path)


def test_deep_nesting_in_toml(tmp_path):
    problems = _problems(tmp_path, "x = " + "[" * 5000 + "]" * 5000)
    assert problems and "p.toml" in problems[0]


def test_huge_power_rejected(tmp_path):
    text = VALID.replace('"vendor_cost_per_call * vendor_calls_per_day * 10 * 30"', '"9**9**9"')
    problems = _problems(tmp_path, text)
    assert any("derived.vendor_monthly_cost_10x.expr" in p and "power" in p for p in problems), (
        problems
    )


def test_readme_template_matches_the_example():
    """The README's pack example is taken from the template file; keep them saying the same."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert "questionnaires/examples/vendor.toml" in readme
    section = readme.split("## Writing a questionnaire pack", 1)[1]
    block = section.split("```toml", 1)[1].split("```", 1)[0]
    lines = [line.split("#")[0].strip() for line in block.splitlines()]
    lines = [line for line in lines if line and not line.startswith("bands")]
    missing = [line for line in lines if line not in VALID]
    assert not missing


def test_control_characters_in_pack_text_are_refused(tmp_path):
    text = VALID.replace(
        'title = "No data processing agreement"', 'title = "No DPA \\u001b[31mRED\\u001b[0m"'
    )
    problems = _problems(tmp_path, text)
    assert any("gates.vendor_no_dpa.title: contains a control character" in p for p in problems), (
        problems
    )
