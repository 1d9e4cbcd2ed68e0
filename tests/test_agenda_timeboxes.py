"""Keeping time: the meeting's minutes shared among the areas (timeboxes), the prep list, the
`prep` pack field, and `preflight agenda` end to end, plain and merged."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from app.core.agenda import (
    DISPUTED,
    FLOOR_MINUTES,
    GROUPS,
    RED,
    UNKNOWN,
    Item,
    is_answered,
    prep_questions,
    timeboxes,
)
from app.core.engine import evaluate
from app.core.packs import load_packs
from app.core.paths import shipped_dir

AREAS = ["a", "b", "c", "d", "e"]


def _pack(area: str) -> str:
    return f"""
id = "{area}"
title = "Area {area.upper()}"
version = "1.0"
description = "Area {area}."

[[questions]]
id = "{area}_q"
text = "Question?"
help = "Help."
kind = "yes_no"
"""


@pytest.fixture(scope="module")
def fives(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fives")
    for area in AREAS:
        (folder / f"{area}.toml").write_text(_pack(area))
    result = load_packs([folder], use_cache=False)
    assert result.ok, result.problems
    return result.packset


def _items(work: dict[str, list[int]]) -> list[Item]:
    return [
        Item(f"{area}_{n}", area, GROUPS[n % 3], "why", seconds)
        for area, seconds_list in work.items()
        for n, seconds in enumerate(seconds_list)
    ]


def _mixes(seed: int = 7, count: int = 300):
    rng = random.Random(seed)
    for _ in range(count):
        areas = rng.sample(AREAS, rng.randint(1, len(AREAS)))
        yield {a: [rng.choice((30, 60, 70)) for _ in range(rng.randint(1, 12))] for a in areas}


TOTALS = [1, 2, 3, 4, 5, 7, 9, 10, 14, 15, 16, 30, 45, 60, 90, 240]


def test_allotments_sum_to_the_total_for_every_mix_and_total(fives):
    for work, total in itertools.product(_mixes(), TOTALS):
        boxes = timeboxes(fives, _items(work), total)
        assert sum(b.minutes for b in boxes) == total, (work, total)
        assert all(b.minutes >= 0 for b in boxes)
        assert [b.area for b in boxes] == [a for a in AREAS if a in work]  # pack order


def test_more_work_never_gets_fewer_minutes(fives):
    for work, total in itertools.product(_mixes(), TOTALS):
        boxes = timeboxes(fives, _items(work), total)
        for x, y in itertools.permutations(boxes, 2):
            if x.seconds > y.seconds:
                assert x.minutes >= y.minutes, (work, total, x, y)


def test_the_floor_holds_when_there_is_room_and_shrinks_evenly_when_not(fives):
    for work, total in itertools.product(_mixes(), TOTALS):
        boxes = timeboxes(fives, _items(work), total)
        least = min(b.minutes for b in boxes)
        if total >= FLOOR_MINUTES * len(boxes):
            assert least >= FLOOR_MINUTES, (work, total)
        else:
            assert least >= total // len(boxes), (work, total)
        if total >= len(boxes):
            assert least >= 1, (work, total)  # 0 only when there are fewer minutes than boxes


def test_the_rest_follows_the_work(fives):
    items = _items({"a": [60] * 9, "c": [60]})  # 9 min of work against 1
    a, c = timeboxes(fives, items, 45)
    # 3 each, then 39 shared 9:1 → 35.1 and 3.9 → 35 and 4 by largest remainder
    assert (a.minutes, c.minutes) == (38, 7)
    assert (a.title, c.title) == ("Area A", "Area C")
    assert [i.question_id for i in a.items] == [i.question_id for i in items if i.area == "a"]


def test_fewer_minutes_than_areas_goes_to_the_most_work(fives):
    items = _items({"a": [30], "b": [70, 70], "c": [60]})
    assert [b.minutes for b in timeboxes(fives, items, 1)] == [0, 1, 0]
    assert [b.minutes for b in timeboxes(fives, items, 2)] == [0, 1, 1]
    assert [b.minutes for b in timeboxes(fives, items, 4)] == [1, 2, 1]  # floor 1 each, then 1


def test_areas_without_items_get_no_box_and_no_items_no_boxes(fives):
    assert timeboxes(fives, [], 45) == []
    boxes = timeboxes(fives, _items({"e": [30]}), 45)
    assert [(b.area, b.minutes) for b in boxes] == [("e", 45)]


@pytest.mark.parametrize("minutes", [0, -5])
def test_minutes_below_one_are_refused(fives, minutes):
    with pytest.raises(ValueError):
        timeboxes(fives, _items({"a": [30]}), minutes)


# -- the prep field and list ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    result = load_packs([shipped_dir()])
    assert result.ok, result.problems
    return result.packset


def test_the_shipped_measurements_are_marked_prep(shipped):
    marked = {q.id for q in shipped.questions.values() if q.prep}
    for qid in ("cost_per_call_usd", "p95_latency_ms", "pilot_calls_per_day", "monthly_budget_usd"):
        assert qid in marked
    assert all(shipped.questions[q].kind.value == "number" for q in marked)
    assert "kickoff_date" not in marked  # nobody has to look that one up


def test_prep_questions_are_the_visible_marked_ones_in_pack_order(shipped):
    evaluation = evaluate(shipped, {"p95_latency_ms": 420})
    found = prep_questions(shipped, evaluation)
    order = list(shipped.questions)
    ids = [q.id for q in found]
    assert ids == sorted(ids, key=order.index)
    assert all(q.prep and evaluation.visible[q.id] for q in found)
    hidden = [q.id for q in shipped.questions.values() if q.prep and not evaluation.visible[q.id]]
    assert hidden and not set(hidden) & set(ids)  # judge_agreement_pct waits on its show_if
    assert is_answered(evaluation, "p95_latency_ms")
    assert not is_answered(evaluation, "cost_per_call_usd")


BAD_PREP = """
id = "vendor"
title = "Vendor"
version = "1.0"
description = "A pack."

[[questions]]
id = "vendor_cost"
text = "Cost per call?"
help = "Help."
kind = "number"
prep = {value}
"""


@pytest.mark.parametrize("value", ['"yes"', "1", '"true"'])
def test_a_prep_that_is_not_a_boolean_is_a_problem_naming_file_and_field(tmp_path, value):
    (tmp_path / "vendor.toml").write_text(BAD_PREP.format(value=value))
    result = load_packs([tmp_path], use_cache=False)
    assert not result.ok
    said = [str(p) for p in result.problems]
    assert any("vendor.toml" in s and "questions.vendor_cost.prep" in s for s in said), said


def test_prep_true_and_the_default(tmp_path):
    (tmp_path / "vendor.toml").write_text(BAD_PREP.format(value="true"))
    result = load_packs([tmp_path], use_cache=False)
    assert result.ok, result.problems
    assert result.packset.questions["vendor_cost"].prep is True
    (tmp_path / "vendor.toml").write_text(BAD_PREP.replace("prep = {value}\n", ""))
    assert load_packs([tmp_path], use_cache=False).packset.questions["vendor_cost"].prep is False


def test_the_schema_documents_prep(cli):
    done = cli("schema")
    assert done.returncode == 0
    assert '"prep"' in done.stdout


# -- the command -------------------------------------------------------------------------------


def test_cli_agenda_on_the_demo(cli, tmp_path):
    db = tmp_path / "demo.db"
    assert cli("demo", "--no-open", db=db).returncode == 0
    done = cli("agenda", "demo", db=db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "demo (demo): kickoff agenda"
    assert lines[1].startswith("  45 min for 9 questions; the discussion alone is about ")
    heads = [line for line in lines if " min (" in line]
    assert sum(int(h.split(" — ")[1].split(" min")[0]) for h in heads) == 45
    assert "Data readiness — nothing to discuss" in lines
    assert any(line.startswith("  red       ") for line in lines)
    assert all(len(line) <= 80 for line in lines)
    as_json = json.loads(cli("agenda", "demo", "--minutes", "20", "--json", db=db).stdout)
    assert as_json["minutes"] == 20 and as_json["questions"] == 9
    assert sum(a["minutes"] for a in as_json["areas"]) == 20
    assert {i["group"] for a in as_json["areas"] for i in a["items"]} <= {DISPUTED, RED, UNKNOWN}


@pytest.mark.parametrize("given", ["0", "-3", "abc", "4.5", "99999"])
def test_cli_agenda_refuses_bad_minutes_in_one_line(cli, tmp_path, given):
    db = tmp_path / "demo.db"
    assert cli("demo", "--no-open", db=db).returncode == 0
    done = cli("agenda", "demo", f"--minutes={given}", db=db)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "--minutes" in done.stderr


def test_cli_agenda_prep_lists_the_marked_questions_and_the_answers(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("new", "Pilot", db=db).returncode == 0
    answers = tmp_path / "a.toml"
    answers.write_text("p95_latency_ms = 420\n")
    assert cli("quick", "pilot", "--answers", str(answers), db=db).returncode in (0, 1, 3)
    done = cli("agenda", "pilot", "--prep", db=db)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "p95_latency_ms (ms) — answered: 420 ms" in out
    assert "cost_per_call_usd (USD) — to look up" in out
    assert "What does one call cost on average" in out
    assert "kickoff_date" not in out
    rows = json.loads(cli("agenda", "pilot", "--prep", "--json", db=db).stdout)["prep"]
    latency = next(r for r in rows if r["question"] == "p95_latency_ms")
    assert latency["answered"] is True and latency["value"] == 420
    done = cli("agenda", "pilot", db=db)
    assert done.returncode == 0
    assert "45 min for " in done.stdout


def test_cli_agenda_on_a_merged_assessment(cli, tmp_path):
    own = tmp_path / "own.db"
    files = []
    for name, body in [
        ("ana", 'kpi_baseline_measured = "yes"\np95_latency_ms = 400\n'),
        ("ben", 'kpi_baseline_measured = "no"\np95_latency_ms = 900\n'),
    ]:
        assert cli("new", f"{name} self", db=own).returncode == 0
        answers = tmp_path / f"{name}.toml"
        answers.write_text(body)
        done = cli(
            "quick",
            f"{name}-self",
            "--as",
            f"{name.title()} (eng)",
            "--answers",
            str(answers),
            db=own,
        )
        assert done.returncode in (0, 1, 3), done.stderr
        out = tmp_path / f"{name}.preflight.json"
        assert cli("share", f"{name}-self", "--out", str(out), db=own).returncode == 0
        files.append(str(out))
    lead = tmp_path / "lead.db"
    merged = cli("merge", *files, "--into", "kickoff", db=lead)
    assert merged.returncode == 0, merged.stderr
    said = next(line for line in merged.stdout.splitlines() if "to discuss:" in line)
    count = int(said.split("to discuss: ")[1].split(" question")[0])
    estimate = int(said.split("about ")[1].split(" min")[0])
    done = cli("agenda", "kickoff", "--minutes", "30", db=lead)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == (
        f"  30 min for {count} questions; the discussion alone is about {estimate} min"
    )
    disputed = [i for i, line in enumerate(lines) if line.startswith("  disputed  ")]
    assert len(disputed) == 2
    assert any("Ana: yes · Ben: no" in lines[i + 1] for i in disputed)
    assert any("Ana: 400 ms · Ben: 900 ms" in lines[i + 1] for i in disputed)
    prep = cli("agenda", "kickoff", "--prep", db=lead).stdout
    assert "p95_latency_ms (ms) — to look up (disputed: Ana: 400 ms · Ben: 900 ms)" in prep


def test_cli_agenda_keeps_hostile_text_off_the_terminal(cli, tmp_path):
    from tests.test_cli_escapes import _hostile_pack, assert_clean

    folder = tmp_path / "team"
    folder.mkdir()
    pack = _hostile_pack(folder, key=False)
    text = pack.read_text(encoding="utf-8")
    marked = text.replace('kind = "number"', 'kind = "number"\nprep = true', 1)
    pack.write_text(marked.replace("Cost per call", "Cost \u202eper call"), encoding="utf-8")
    db = tmp_path / "h.db"
    assert cli("new", "Pilot \u202eevil", db=db).returncode == 0, "a name may hold bidi"
    for extra in ([], ["--prep"], ["--json"], ["--prep", "--json"]):
        done = cli("--questionnaires", str(folder), "agenda", "pilot-evil", *extra, db=db)
        assert done.returncode == 0, done.stderr
        assert_clean(done.stdout + done.stderr)
        if "--json" not in extra:
            assert "Pilot evil" in done.stdout
        else:
            assert json.loads(done.stdout)["name"] == "Pilot \u202eevil", "data kept exactly"
    plan = cli("--questionnaires", str(folder), "agenda", "pilot-evil", db=db).stdout
    assert "Model vendor — " in plan and "Is a data processing agreement" in plan
    prep = cli("--questionnaires", str(folder), "agenda", "pilot-evil", "--prep", db=db).stdout
    assert "— to look up" in prep


def test_cli_agenda_unknown_slug(cli, tmp_path):
    done = cli("agenda", "nope", db=tmp_path / "x.db")
    assert done.returncode == 2
    assert "no assessment" in done.stderr


def test_prep_is_not_part_of_a_questions_definition(shipped):
    import dataclasses

    from app.interchange.bundle import _sha256, canonical_json, question_hash

    question = shipped.questions["p95_latency_ms"]
    before = dataclasses.asdict(question)
    before.pop("prep")
    before.pop("frameworks")  # crosswalk tags are out of the hash too (tests/test_frameworks.py)
    assert question_hash(question) == _sha256(canonical_json(before))
    assert question_hash(dataclasses.replace(question, prep=False)) == question_hash(question)
