"""The framework crosswalk: shipped lists, tags on every question and gate, validation at load,
`preflight coverage`, and coverage in the appendix, the page and the JSON export."""

from __future__ import annotations

import dataclasses
import json
import re
import tomllib

import pytest

from app.commands.coverage import FRAMEWORK_KEYS
from app.commands.coverage import _print as print_coverage
from app.core.engine import GateState
from app.core.frameworks import ORDER, coverage, folder, frameworks, split_tag, tag_problem
from app.core.model import pack_from_data
from app.core.packs import load_packs, pack_files
from app.core.paths import shipped_dir
from app.export.appendix import render_appendix
from app.export.jsonout import render_json
from app.export.page import MAX_LINES, WIDTH, framework_coverage, render_page
from app.export.snapshot import make_snapshot
from app.interchange.bundle import question_hash
from app.store.models import Waiver
from tests.export_demo import demo_data, shipped_packset
from tests.export_support import STAMP
from tests.export_support import record as make_record

PACKS = ("acceptance", "data", "security", "production", "adoption")


@pytest.fixture(scope="module")
def packset():
    """The shipped packs (the conftest fixture of that name is the examples)."""
    return shipped_packset()


def raw_pack(name: str) -> dict:
    return tomllib.loads((shipped_dir() / f"{name}.toml").read_text("utf-8"))


def crosswalk_text() -> str:
    text = (shipped_dir() / "TRACE.md").read_text("utf-8")
    assert "## Framework crosswalk" in text
    return text.split("## Framework crosswalk", 1)[1]


# -- The shipped lists -----------------------------------------------------------------------


def test_the_lists_are_versioned_with_a_source_and_unique_ids():
    lists = frameworks()
    assert tuple(lists) == ORDER == FRAMEWORK_KEYS
    for key in ORDER:
        raw = tomllib.loads((folder() / f"{key}.toml").read_text("utf-8"))
        assert raw["version"] and raw["source"]
        ids = [i["id"] for i in raw["items"]]
        assert len(ids) == len(set(ids)) == len(lists[key].items)
        for item in lists[key].items.values():
            assert item.title and item.section and "\n" not in item.title
    assert len(lists["nist-ai-rmf"].items) == 72
    for art in (9, 10, 12, 13, 14, 15, 26, 27, 50):
        assert f"Art. {art}" in lists["eu-ai-act"].items
    assert "A.6.2.4" in lists["iso-42001"].items


def test_the_pack_loader_never_reads_the_lists_as_packs():
    files = pack_files(shipped_dir())
    assert files and all(f.parent == shipped_dir() for f in files)
    assert not any(f.parent.name == "frameworks" for f in files)


# -- Tags on the shipped packs ---------------------------------------------------------------


def test_every_shipped_question_and_gate_has_the_key():
    untagged = crosswalk_text().split("### Questions and gates with", 1)[1]
    for name in PACKS:
        raw = raw_pack(name)
        assert raw.get("format", 1) == 1  # metadata: the shipped packs stay format 1
        for section in ("questions", "gates"):
            for item in raw.get(section, []):
                assert "frameworks" in item, f"{name}: {section}.{item['id']} has no frameworks"
                if item["frameworks"] == []:
                    assert f"`{item['id']}`" in untagged, f"{item['id']}: no reason in TRACE.md"


def test_every_shipped_tag_validates_and_most_items_are_tagged(packset):
    tagged = 0
    items = list(packset.questions.values()) + list(packset.gates.values())
    for item in items:
        for tag in item.frameworks:
            assert tag_problem(tag) is None, tag
        tagged += bool(item.frameworks)
    assert tagged >= 0.7 * len(items)


def test_every_tagged_item_is_explained_in_trace(packset):
    """Each framework item a shipped tag names has a row in the crosswalk's table."""
    text = crosswalk_text()
    used = {tag for q in packset.questions.values() for tag in q.frameworks}
    used |= {tag for g in packset.gates.values() for tag in g.frameworks}
    for tag in used:
        key, item = split_tag(tag)
        if key == "nist-ai-rmf":
            assert f"NIST {item} |" in text, tag
        elif key == "eu-ai-act":
            assert f"AI Act {item} |" in text, tag
        else:
            assert item in text, tag


# -- Validation ------------------------------------------------------------------------------


def _broken(tmp_path, old: str, new: str):
    text = (shipped_dir() / "acceptance.toml").read_text("utf-8")
    assert old in text
    path = tmp_path / "acceptance.toml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def test_a_misspelled_item_is_a_load_error_with_did_you_mean(tmp_path):
    path = _broken(tmp_path, '"nist-ai-rmf:MAP 1.4"', '"nist-ai-rmf:MAP 1.44"')
    result = load_packs([path], use_cache=False)
    assert not result.ok
    [problem] = [p for p in result.problems if "frameworks" in p.location]
    assert problem.location == "questions.kpi_target.frameworks[0]"
    assert "did you mean nist-ai-rmf:MAP 1.4?" in problem.message


def test_an_unknown_framework_is_a_load_error_with_did_you_mean(tmp_path):
    path = _broken(tmp_path, '"nist-ai-rmf:MAP 1.4"', '"nist-rmf:MAP 1.4"')
    result = load_packs([path], use_cache=False)
    [problem] = [p for p in result.problems if "frameworks" in p.location]
    assert problem.location == "questions.kpi_target.frameworks[0]"
    assert "did you mean nist-ai-rmf:MAP 1.4?" in problem.message


def test_a_misspelled_gate_tag_names_the_gate(tmp_path):
    text = (shipped_dir() / "acceptance.toml").read_text("utf-8")
    start = text.index('id = "no_kpi_owner"')
    line = text.index("frameworks = ", start)
    end = text.index("\n", line)
    path = tmp_path / "acceptance.toml"
    path.write_text(text[:line] + 'frameworks = ["eu-ai-act:Art 14"]' + text[end:], "utf-8")
    result = load_packs([path], use_cache=False)
    [problem] = [p for p in result.problems if "frameworks" in p.location]
    assert problem.location == "gates.no_kpi_owner.frameworks[0]"
    assert "did you mean eu-ai-act:Art. 14?" in problem.message


def test_validate_names_the_file_and_field(tmp_path, cli):
    path = _broken(tmp_path, '"nist-ai-rmf:MAP 1.4"', '"nist-ai-rmf:MAP 1.44"')
    done = cli("validate", str(path))
    assert done.returncode != 0
    out = done.stdout + done.stderr
    assert "questions.kpi_target.frameworks[0]" in out and "Traceback" not in out


def test_a_tag_must_be_one_line_text(tmp_path):
    path = _broken(tmp_path, '"nist-ai-rmf:MAP 1.4"', '"nist-ai-rmf:MAP\\n1.4"')
    result = load_packs([path], use_cache=False)
    assert any("frameworks" in p.location for p in result.problems)


# -- Tags are metadata -----------------------------------------------------------------------


def test_tags_leave_the_question_hash_alone(packset):
    question = packset.questions["eval_owner"]
    assert question.frameworks
    bare = dataclasses.replace(question, frameworks=[])
    other = dataclasses.replace(question, frameworks=["iso-42001:A.3.2"])
    assert question_hash(question) == question_hash(bare) == question_hash(other)
    # The hash a file written before the key existed carries: the definition without it.
    from app.interchange.bundle import _sha256, canonical_json

    before = dataclasses.asdict(question)
    for key in ("prep", "frameworks"):
        before.pop(key)
    if before.get("agree_within") is None:
        before.pop("agree_within", None)
    assert question_hash(question) == _sha256(canonical_json(before))


def test_tags_round_trip_through_the_pack_cache(packset):
    pack = packset.pack("security")
    again = pack_from_data(dataclasses.asdict(pack))
    assert again == pack
    assert again.questions[0].frameworks == pack.questions[0].frameworks


# -- Coverage --------------------------------------------------------------------------------


def test_coverage_counts_the_demo():
    data = demo_data()
    evidence = {qid: [] for qid in data.packset.questions}
    evidence["data_reality_doc"] = ["https://example.com/reality"]
    values = {qid: r.value for qid, r in data.answers.items()}
    found = coverage(data.packset, data.evaluation, values, evidence)
    assert [c.framework.key for c in found] == list(ORDER)
    nist = found[0]
    owners = next(i for i in nist.items if i.item.id == "GOVERN 2.1")
    assert {q.id for q in owners.questions} >= {"eval_owner", "kpi_owner", "production_owner"}
    assert [g.id for g in owners.gates] == ["no_kpi_owner"]
    assert owners.touched and not owners.evidenced
    states = {q.id: q.state for i in nist.items for q in i.questions}
    assert states["error_rate_accepted"] == "unknown"  # the demo's one "unknown" answer
    assert states["data_flows_approved"] == "unanswered"
    assert states["eu_risk_class"] == "hidden"  # not asked: the system does not serve the EU
    assert nist.evidenced == 1  # only MAP 2.3 has a link here
    assert 0 < nist.touched < len(nist.items)
    assert len(nist.untouched) == len(nist.items) - nist.touched
    assert nist.line().startswith(f"NIST AI RMF 1.0: {nist.touched} of 72 subcategories touched")
    only = coverage(data.packset, data.evaluation, values, evidence, only="eu-ai-act")
    assert [c.framework.key for c in only] == ["eu-ai-act"]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from tests.conftest import run_cli

    db = tmp_path_factory.mktemp("cov") / "p.db"
    done = run_cli("demo", "--no-open", db=db)
    assert done.returncode == 0, done.stderr
    return db


def test_preflight_coverage_demo(demo_db, cli):
    done = cli("coverage", "demo", db=demo_db)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for name in ("NIST AI RMF 1.0:", "EU AI Act 2024/1689:", "ISO/IEC 42001 2023:"):
        assert name in out
    assert "GOVERN 2.1" in out and "question eval_owner (acceptance): answered" in out
    # The demo ticks no Tier 3 action, so the irreversible-actions question is not asked.
    assert "gate irreversible_without_human (security): inactive" in out
    assert "gate gonogo_data_flows (security): unknown" in out
    assert "Nothing covers" in out
    assert all(len(line) <= 80 for line in out.splitlines())


def test_preflight_coverage_one_framework(demo_db, cli):
    done = cli("coverage", "demo", "--framework", "eu-ai-act", db=demo_db)
    assert done.returncode == 0, done.stderr
    assert "EU AI Act" in done.stdout and "NIST" not in done.stdout
    assert "Art. 14" in done.stdout
    wrong = cli("coverage", "demo", "--framework", "nist", db=demo_db)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr


def test_preflight_coverage_json(demo_db, cli):
    done = cli("coverage", "demo", "--json", db=demo_db)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["assessment"] == "demo"
    assert list(doc["frameworks"]) == list(ORDER)
    nist = doc["frameworks"]["nist-ai-rmf"]
    assert nist["items"] == 72
    assert nist["touched"] == len(nist["coverage"]) == 72 - len(nist["untouched"])
    row = next(r for r in nist["coverage"] if r["id"] == "GOVERN 2.1")
    assert {"id": "no_kpi_owner", "pack": "acceptance", "state": "clear"} in row["gates"]


def test_unknown_slug_is_a_usage_error(demo_db, cli):
    done = cli("coverage", "no-such-thing", db=demo_db)
    assert done.returncode == 2 and "Traceback" not in done.stderr


# -- Exports ---------------------------------------------------------------------------------


def _fits(page: str) -> None:
    assert sum(1 for line in page.splitlines() if line.strip()) <= MAX_LINES
    assert all(len(line) <= WIDTH for line in page.splitlines())


def test_a_full_page_sums_the_frameworks_up_in_one_line_and_keeps_every_gate_block():
    data = demo_data()
    page = render_page(data)
    _fits(page)
    assert "## Framework coverage" not in page  # no room for a line a framework
    # The tightest form that still counts: one line, each framework's touched items and how
    # many have evidence (the demo page has room for no more since it shows the weeks since
    # kickoff).
    head = "Framework items touched (with evidence): "
    summary = page.split(head, 1)[1].split("\n", 1)[0]
    found = {c.framework.name: c for c in framework_coverage(data)}
    for name in ("NIST AI RMF", "EU AI Act", "ISO/IEC 42001"):
        cov = found[name]
        assert f"{name} {cov.touched}/{len(cov.items)} ({cov.evidenced})" in summary
    # The coverage never costs a red or go/no-go gate its block (why, because, fix).
    for result in data.evaluation.gates.values():
        if result.state in (GateState.red, GateState.unknown, GateState.amber) and (
            result.state is GateState.red or result.gate.go_no_go
        ):
            assert f"· {result.gate.full_title}** · owner" in page


def test_a_page_with_room_has_one_line_a_framework():
    data = demo_data()
    # The same demo with every gate but the red ones waived: room for the coverage lines.
    waived = {
        gid: Waiver(
            assessment_id=1,
            gate_id=gid,
            reason="a test",
            approver="Auditor",
            expires="2099-01-01",
            created_at="2026-01-01T00:00:00Z",
        )
        for gid, result in data.evaluation.gates.items()
        if result.state in (GateState.amber, GateState.unknown)
    }
    roomy = make_snapshot(
        data.assessment, data.participants, data.answers, {}, waived, data.packset
    )
    page = render_page(roomy)
    _fits(page)
    section = page.split("## Framework coverage", 1)[1].split("Digest:", 1)[0]
    lines = [line for line in section.splitlines() if line.strip()]
    assert [line.split(":")[0] for line in lines] == [
        "- NIST AI RMF 1.0",
        "- EU AI Act 2024/1689",
        "- ISO/IEC 42001 2023",
    ]
    assert page.index("**✗ RED") < page.index("## Framework coverage")


def test_the_appendix_has_the_table_and_the_json_the_object():
    data = demo_data()
    appendix = render_appendix(data)
    section = appendix.split("## Framework coverage", 1)[1]
    assert "| Item | In short | Questions | Gates | Evidence |" in section
    assert "| GOVERN 2.1 |" in section and "Nothing covers:" in section
    for name in ("NIST AI RMF 1.0: ", "EU AI Act 2024/1689: ", "ISO/IEC 42001 2023: "):
        assert f"\n{name}" in section  # each framework's line opens its part
    doc = json.loads(render_json(data))
    assert set(doc["coverage"]) == set(ORDER)
    assert doc["coverage"]["eu-ai-act"]["items"] == len(frameworks()["eu-ai-act"].items)


def test_untagged_packs_export_without_coverage():
    from tests.export_support import vendor_data

    data = vendor_data()
    assert "Framework coverage" not in render_page(data)
    assert "Framework coverage" not in render_appendix(data)
    assert "coverage" not in json.loads(render_json(data))


HOSTILE = "https://x.example/a|b`*_<script>\x1b[31m\n# not a heading"


def test_hostile_evidence_stays_literal_in_the_appendix():
    data = demo_data()
    data.answers["data_reality_doc"] = make_record("data_reality_doc", HOSTILE, at=STAMP)
    appendix = render_appendix(data)
    section = appendix.split("## Framework coverage", 1)[1].split("\n## ", 1)[0]
    assert "\x1b" not in section
    assert "\\<script>" in section and not re.search(r"(?<!\\)<script>", section)
    assert "\n# not a heading" not in section
    for line in section.splitlines():
        if line.startswith("| MAP 2.3 |"):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            assert len(cells) == 5


def test_hostile_evidence_stays_literal_on_the_terminal(capsys):
    data = demo_data()
    evidence = {qid: [] for qid in data.packset.questions}
    evidence["data_reality_doc"] = [HOSTILE]
    found = coverage(data.packset, data.evaluation, {}, evidence)
    print_coverage(("Pilot\x1b[2J\nname", "demo"), found)
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "Pilot[2J name (demo): framework coverage" in out  # the escape gone, the rest literal
    assert any("<script>" in line and "# not a heading" in line for line in out.splitlines())


@pytest.mark.parametrize(
    ("tag", "guess"),
    [
        ("MEASURE 2.3", "nist-ai-rmf:MEASURE 2.3"),  # the framework left out
        ("Art 15", "eu-ai-act:Art. 15"),
        ("iso-42001:A.6.2.44", "iso-42001:A.6.2.4"),
    ],
)
def test_did_you_mean_guesses(tag, guess):
    problem = tag_problem(tag)
    assert problem is not None and f"did you mean {guess}?" in problem
