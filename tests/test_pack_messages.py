"""Messages a pack author can act on: each names the item by id, echoes what was written, and
says what would be right (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core import lint
from app.core.packs import load_packs
from tests.conftest import EXAMPLES, ROOT, run_cli

VALID = (EXAMPLES / "vendor.toml").read_text()
NO_DPA = "when = 'vendor_dpa_signed == \"no\"'"
COST = 'when = "vendor_monthly_cost_10x > vendor_monthly_budget"'
REGION_OPTIONS = "options are eu, us, global"


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "vendor.toml"
    path.write_text(text)
    prefix = f"{path}: "
    found = [str(p) for p in load_packs([path], use_cache=False).problems]
    assert all(p.startswith(prefix) for p in found), found
    return [p.removeprefix(prefix) for p in found]


# -- comparisons that can never be what the author meant ----------------------------------------


@pytest.mark.parametrize(
    ("when", "message"),
    [
        pytest.param(
            'vendor_region == "asia"',
            f"never true: 'asia' is not an option of vendor_region; {REGION_OPTIONS}",
            id="eq",
        ),
        pytest.param(
            '"asia" == vendor_region',
            f"never true: 'asia' is not an option of vendor_region; {REGION_OPTIONS}",
            id="eq-reversed",
        ),
        pytest.param(
            'vendor_region != "asia"',
            f"always true: 'asia' is not an option of vendor_region; {REGION_OPTIONS}",
            id="not-eq",
        ),
        pytest.param(
            'vendor_region in ("eu", "asia")',
            f"'asia' is not an option of vendor_region; {REGION_OPTIONS}",
            id="in-one-wrong",
        ),
        pytest.param(
            'vendor_region in ["asia"]',
            f"never true: 'asia' is not an option of vendor_region; {REGION_OPTIONS}",
            id="in-all-wrong",
        ),
        pytest.param(
            'has(vendor_region, "asia")',
            f"never true: 'asia' is not an option of vendor_region; {REGION_OPTIONS}",
            id="has",
        ),
        pytest.param(
            'vendor_dpa_signed == "No"',
            "never true: 'No' is not an option of vendor_dpa_signed; options are yes, no",
            id="yes-no-case",
        ),
        pytest.param(
            'vendor_name > "m"',
            "vendor_name is a text question, and text answers cannot be ordered (<, <=, >, >=); "
            "only number and scale answers, derived values and scores can",
            id="text-ordered",
        ),
        pytest.param(
            'vendor_monthly_budget > 1 and "b" <= vendor_region',
            "vendor_region is a choice question, and choice answers cannot be ordered "
            "(<, <=, >, >=); only number and scale answers, derived values and scores can",
            id="choice-ordered",
        ),
    ],
)
def test_a_comparison_that_cannot_hold_is_an_error(tmp_path, when, message):
    text = VALID.replace(NO_DPA, f"when = '{when}'")
    assert _problems(tmp_path, text) == [f"gates.vendor_no_dpa.when: {message}"]


@pytest.mark.parametrize(
    "when",
    [
        'vendor_region == "eu" or vendor_region in ("us", "global")',
        'has(vendor_region, "eu")',
        "vendor_exit_plan >= 2 and vendor_monthly_budget < vendor_cost_per_call",
        'vendor_name == "anything"',
        "vendor_region == vendor_name",
    ],
)
def test_comparisons_that_can_hold_pass(tmp_path, when):
    assert _problems(tmp_path, VALID.replace(NO_DPA, f"when = '{when}'")) == []


@pytest.mark.parametrize(
    "when", ['vendor_dpa_signed == "unknown"', 'vendor_dpa_signed in ("no", "unknown")']
)
def test_comparing_a_yes_no_with_unknown_is_an_error(tmp_path, when):
    # A stored "unknown" reads as not known in an expression, so it equals nothing.
    assert _problems(tmp_path, VALID.replace(NO_DPA, f"when = '{when}'")) == [
        "gates.vendor_no_dpa.when: 'unknown' is never the value of vendor_dpa_signed: an answer "
        "of unknown reads as not known, like no answer; use unknown(vendor_dpa_signed)"
    ]


def test_show_if_and_derived_are_checked_too(tmp_path):
    text = VALID.replace(
        "show_if = 'vendor_region != \"eu\"'", "show_if = 'vendor_region != \"EU\"'"
    )
    text = text.replace(
        '"vendor_cost_per_call * vendor_calls_per_day * 10 * 30"',
        '"vendor_cost_per_call * 2 if vendor_region == \\"apac\\" else 1"',
    )
    assert _problems(tmp_path, text) == [
        "questions.vendor_eu_transfer_basis.show_if: always true: 'EU' is not an option of "
        f"vendor_region; {REGION_OPTIONS}",
        "derived.vendor_monthly_cost_10x.expr: never true: 'apac' is not an option of "
        f"vendor_region; {REGION_OPTIONS}",
    ]


def test_lint_reads_a_multi_question_from_either_side():
    pack = load_packs([Path(__file__).parent / "packs" / "kinds.toml"], use_cache=False)
    questions = pack.packset.questions
    multi = questions["k_multi"]
    options = ", ".join(multi.option_ids())
    assert lint.check('"zz" in k_multi', questions) == [
        f"never true: 'zz' is not an option of k_multi; options are {options}"
    ]
    assert lint.check(f'"{multi.options[0].id}" in k_multi', questions) == []
    first = multi.options[0].id
    assert lint.check(f'k_multi == "{first}"', questions) == [
        "never true: k_multi is a multi question, its answer a list of options, never one; "
        f"use has(k_multi, {first!r})"
    ]


# -- locations by id, names spelled almost right -----------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        pytest.param(
            NO_DPA,
            "when = 'vendor_dpa_signd == \"no\"'",
            "gates.vendor_no_dpa.when: unknown name(s) vendor_dpa_signd in "
            "'vendor_dpa_signd == \"no\"'; did you mean vendor_dpa_signed?",
            id="misspelled-name",
        ),
        pytest.param(
            COST,
            'when = "vendor_monthly_cost_10 > vendor_monthly_budgt"',
            "gates.vendor_cost_over_budget.when: unknown name(s) vendor_monthly_budgt, "
            "vendor_monthly_cost_10 in 'vendor_monthly_cost_10 > vendor_monthly_budgt'; did you "
            "mean vendor_monthly_budget for vendor_monthly_budgt, vendor_monthly_cost_10x for "
            "vendor_monthly_cost_10?",
            id="two-misspelled",
        ),
        pytest.param(
            COST,
            'when = "nobody_at_all > 1"',
            "gates.vendor_cost_over_budget.when: unknown name(s) nobody_at_all in "
            "'nobody_at_all > 1'",
            id="unknown-no-guess",
        ),
        pytest.param(
            'questions = ["vendor_exit_plan", "vendor_support"]',
            'questions = ["vendor_exit_plan", "vendor_suport"]',
            "scores.vendor_resilience.questions: unknown question 'vendor_suport'; "
            "did you mean vendor_support?",
            id="score-question",
        ),
        pytest.param(
            'kind = "evidence"',
            'kind = "slider"',
            "questions.vendor_eu_transfer_basis.kind: 'slider' is not a kind; kinds are yes_no, "
            "choice, multi, scale, number, text, person, date, evidence",
            id="kind",
        ),
        pytest.param(
            'kind = "yes_no"',
            'kind = "yes_or_no"',
            "questions.vendor_dpa_signed.kind: 'yes_or_no' is not a kind; did you mean yes_no? "
            "kinds are yes_no, choice, multi, scale, number, text, person, date, evidence",
            id="kind-close",
        ),
        pytest.param(
            "required = false",
            'required = "yes"',
            'questions.vendor_eu_transfer_basis.required: "yes" is not true or false',
            id="required-text",
        ),
        pytest.param(
            'level = "amber"',
            'level = "orange"',
            "gates.vendor_fragile.level: 'orange' is not a level; levels are red, amber",
            id="level",
        ),
        pytest.param(
            '{ id = "us", label = "US only" }',
            '{ id = "us", label = 5 }',
            "questions.vendor_region.options.us.label: 5 is not text (put it in quotes)",
            id="option-by-id",
        ),
        pytest.param(
            '{ label = "Fragile", max = 2 }',
            '{ label = "Fragile", max = "two" }',
            'scores.vendor_resilience.bands[0].max: "two" is not a number',
            id="band-by-index",
        ),
        pytest.param(
            "show_if = 'vendor_region",
            "shwo_if = 'vendor_region",
            "questions.vendor_eu_transfer_basis.shwo_if: unknown key; did you mean show_if?",
            id="misspelled-key",
        ),
        pytest.param(
            'short = "10x cost > budget"',
            'short = "10x cost > budget"\ngo_no_go = "maybe"',
            'gates.vendor_cost_over_budget.go_no_go: "maybe" is not true or false',
            id="go-no-go",
        ),
    ],
)
def test_locations_name_items_by_id(tmp_path, old, new, problem):
    assert old in VALID
    assert _problems(tmp_path, VALID.replace(old, new, 1)) == [problem]


def test_an_item_without_a_usable_id_is_named_by_index(tmp_path):
    text = VALID.replace('id = "vendor_no_dpa"', 'id = "Vendor No DPA"')
    assert _problems(tmp_path, text) == [
        "gates[0].id: String should match pattern '^[a-z][a-z0-9_]{0,63}$'"
    ]


def test_a_duplicate_id_says_where_the_first_one_is(tmp_path):
    text = VALID.replace('id = "vendor_fragile"', 'id = "vendor_support"')
    assert _problems(tmp_path, text) == [
        "pack: id 'vendor_support' in gates is already used in questions (questions.vendor_support)"
    ]


def test_a_show_if_cycle_prints_its_path(tmp_path):
    text = VALID.replace(
        'kind = "text"', 'kind = "text"\nshow_if = \'vendor_eu_transfer_basis != "x"\'', 1
    ).replace("show_if = 'vendor_region != \"eu\"'", "show_if = 'vendor_dpa_signed == \"yes\"'")
    text = text.replace('kind = "yes_no"', 'kind = "yes_no"\nshow_if = \'vendor_name != ""\'', 1)
    assert _problems(tmp_path, text) == [
        "questions.vendor_dpa_signed.show_if: 'vendor_dpa_signed' is part of a cycle: "
        "vendor_dpa_signed → vendor_name → vendor_eu_transfer_basis → vendor_dpa_signed",
        "questions.vendor_eu_transfer_basis.show_if: 'vendor_eu_transfer_basis' is part of a "
        "cycle: vendor_eu_transfer_basis → vendor_dpa_signed → vendor_name → "
        "vendor_eu_transfer_basis",
        "questions.vendor_name.show_if: 'vendor_name' is part of a cycle: vendor_name → "
        "vendor_eu_transfer_basis → vendor_dpa_signed → vendor_name",
    ]


def test_a_huge_number_given_for_text_is_not_echoed(tmp_path):
    text = VALID.replace('title = "Model vendor"', "title = " + "9" * 4000)
    assert _problems(tmp_path, text) == [
        "title: a number of over 38 digits is not text (put it in quotes)"
    ]


# -- validate FILE beside its folder; answer files in a pack folder -----------------------------


def test_validate_a_file_in_a_folder_in_use(tmp_path):
    (tmp_path / "vendor.toml").write_text(VALID)
    result = run_cli("--questionnaires", str(tmp_path), "validate", str(tmp_path / "vendor.toml"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "also used by" not in result.stdout
    assert f"{tmp_path / 'vendor.toml'}: ok: pack 'vendor'" in result.stdout
    env = {"PREFLIGHT_QUESTIONNAIRES": str(tmp_path)}
    result = run_cli("validate", str(tmp_path / "vendor.toml"), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "also used by" not in result.stdout


def test_validate_the_shipped_folder():
    for given in ("questionnaires", str(ROOT / "questionnaires")):
        result = run_cli("validate", given)
        assert result.returncode == 0, result.stdout
        assert "problem" not in result.stdout and "replaces" not in result.stdout
        assert result.stdout.count(": ok: pack ") == 5, result.stdout


ANSWERS = 'vendor_name = "Acme"\nvendor_dpa_signed = "yes"\n\n[_meta]\nassessment = "pilot"\n'
SKIPPED = "skipped: looks like an answer file, not a pack (no id, no [[questions]])"


def test_an_answer_file_in_a_pack_folder_is_skipped_with_a_note(tmp_path):
    (tmp_path / "vendor.toml").write_text(VALID)
    (tmp_path / "answers.toml").write_text(ANSWERS)
    result = load_packs([tmp_path], use_cache=False)
    assert result.ok, result.problems
    assert result.notices == [f"{tmp_path / 'answers.toml'}: {SKIPPED}"]
    assert [p.id for p in result.packset.packs] == ["vendor"]

    listed = run_cli("--questionnaires", str(tmp_path), "questions")
    assert listed.returncode == 0, listed.stderr
    assert listed.stderr.count(f"note: {tmp_path / 'answers.toml'}: {SKIPPED}") == 1

    checked = run_cli("--questionnaires", str(tmp_path), "validate")
    assert checked.returncode == 0, checked.stdout
    assert f"note: {tmp_path / 'answers.toml'}: {SKIPPED}" in checked.stdout


def test_an_answer_file_named_as_a_pack_is_a_problem(tmp_path):
    path = tmp_path / "answers.toml"
    path.write_text(ANSWERS)
    problems = [str(p) for p in load_packs([path], use_cache=False).problems]
    assert problems == [
        f"{path}: file: looks like an answer file, not a pack (no id, no [[questions]])"
    ]
