"""Assessment files of merged assessments (format version 2): respondents with their own
answers, disagreements open and settled, and what the last merge agreed come back whole; a
version 1 file is still read; a damaged version 2 file is refused naming the field."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from app.interchange import bundle
from app.interchange.merge import Target, plan, source_from
from app.session import Session
from app.store import Store
from tests.conftest import EXAMPLES
from tests.test_bundle import HOSTILE, HOSTILE_NAMES, _import, _refused, _seal, _share, vars_

ALICE = HOSTILE_NAMES[0]  # markup
BOB = HOSTILE_NAMES[1]  # backslash escapes
CARO = HOSTILE_NAMES[3]  # a bidi override


def _self_assessment(store: Store, packset, person: str, answers: dict[str, Any]) -> Session:
    s = Session.create(store, packset, f"{person} self")
    s.add_participant(person, "Respondent <role>")
    for i, (qid, value) in enumerate(answers.items()):
        s.answer(qid, value, note=HOSTILE[i % len(HOSTILE)], answered_by=person)
    store.set_answering_as(s.id, person)
    return s


def _merge(into: Session, packset, *sources: Session) -> None:
    """What `preflight merge SLUG... --into` does, in this store."""
    store = into.store
    found = []
    for s in sources:
        a = s.assessment
        name = a.answering_as
        assert name is not None
        found.append(source_from(packset, name=name, source=a.slug, answers=store.answers(a.id)))
    target = Target(
        answers=into.answers,
        respondents=into.respondents(),
        merged=into.merged_values(),
        disputed=frozenset(into.disputes()),
    )
    into.apply_merge(plan(packset, target, found).change)


@pytest.fixture
def team(store, packset) -> Session:
    """Three respondents merged: agreed answers, an open disagreement (vendor_region), one
    settled by an answer here (vendor_dpa_signed), one settled by a later merge
    (vendor_exit_plan), and a respondent merged twice."""
    alice = _self_assessment(
        store,
        packset,
        ALICE,
        {"vendor_name": "Acme", "vendor_region": "eu", "vendor_dpa_signed": "yes"},
    )
    bob = _self_assessment(
        store,
        packset,
        BOB,
        {
            "vendor_name": "ACME",
            "vendor_region": "us",
            "vendor_dpa_signed": "no",
            "vendor_exit_plan": 1,
        },
    )
    caro = _self_assessment(store, packset, CARO, {"vendor_exit_plan": 3})
    into = Session.create(store, packset, "Team <b>view</b>")
    _merge(into, packset, alice, bob, caro)
    assert set(into.disputes()) == {"vendor_region", "vendor_dpa_signed", "vendor_exit_plan"}
    into.answer("vendor_dpa_signed", "yes", note=HOSTILE[0], answered_by=ALICE)
    caro.answer("vendor_exit_plan", 1, note="changed my mind\n<i>really</i>", answered_by=CARO)
    _merge(into, packset, caro)
    assert set(into.disputes()) == {"vendor_region"}
    return into


def _strip(record: Any) -> dict[str, Any]:
    out = {k: v for k, v in vars_(record).items() if k not in ("id", "assessment_id")}
    if "answers" in out:
        out["answers"] = {q: _strip(a) for q, a in out["answers"].items()}
    return out


def test_a_merged_assessment_comes_back_whole(team, store, packset, tmp_path):
    first = _share(store, packset, team.id)
    data = bundle.dumps(first)
    assert [p["name"] for p in first["respondents"]] == [ALICE, BOB, CARO]
    assert [(d["question_id"], d["resolved_how"]) for d in first["disagreements"]] == [
        ("vendor_dpa_signed", "answered"),
        ("vendor_region", None),
        ("vendor_exit_plan", "merged"),
    ]
    assert first["merged"] == {"vendor_exit_plan": 1, "vendor_name": "Acme"}
    with Store.open(tmp_path / "other.db") as other:
        imported = _import(other, packset, data)
        second = _share(other, packset, imported.id)
        assert second == first
        assert bundle.dumps(second) == data
        src, dst = team.id, imported.id
        assert [_strip(p) for p in store.respondents(src)] == [
            _strip(p) for p in other.respondents(dst)
        ]
        assert [_strip(d) for d in store.disagreements(src)] == [
            _strip(d) for d in other.disagreements(dst)
        ]
        assert other.merged_values(dst) == store.merged_values(src)
        assert other.disputes(dst, open_only=False) == store.disputes(src, open_only=False)
        assert imported.agenda() == team.agenda()
        assert other.get(dst).summary == store.get(src).summary
    bob = first["respondents"][1]
    assert bob["source_digest"] is None and bob["source"].endswith("-self")
    assert [a["note"] for a in bob["answers"]] == [HOSTILE[2], HOSTILE[3], HOSTILE[0], HOSTILE[1]]
    caro = first["respondents"][2]["answers"][0]
    assert caro["note"] == "changed my mind\n<i>really</i>" and caro["value"] == 1


def test_the_schema_describes_a_merged_file(team, store, packset):
    """Every key of a version 2 file as Preflight writes it is what `schema --bundle` says."""
    content = _share(store, packset, team.id)
    schema = bundle.json_schema()
    _validate(schema, json.loads(bundle.dumps(content)))
    broken = copy.deepcopy(content)
    broken["disagreements"][0]["resolved_how"] = "later"
    with pytest.raises(AssertionError, match=r"disagreements\[0\]\.resolved_how"):
        _validate(schema, broken)
    broken = copy.deepcopy(content)
    broken["respondents"][0]["answers"][0]["extra"] = 1
    with pytest.raises(AssertionError, match=r"respondents\[0\]\.answers\[0\]"):
        _validate(schema, broken)


_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def _validate(schema: dict, value: Any, where: str = "$") -> None:
    """The part of JSON Schema 2020-12 `json_schema()` uses (no jsonschema in the venv); an
    unknown keyword fails, so nothing the schema says is silently skipped."""
    for key, rule in schema.items():
        if key in ("$schema", "title", "description"):
            continue
        if key == "type":
            names = [rule] if isinstance(rule, str) else rule
            ok = any(
                isinstance(value, _TYPES[n]) and not (n == "number" and isinstance(value, bool))
                for n in names
            )
            assert ok, f"{where}: expected {names}, got {value!r}"
        elif key == "const":
            assert value == rule, f"{where}: expected {rule!r}"
        elif key == "enum":
            assert value in rule, f"{where}: {value!r} not in {rule}"
        elif key == "pattern":
            assert not isinstance(value, str) or re.search(rule, value), f"{where}: {value!r}"
        elif key in ("minLength", "maxLength"):
            if isinstance(value, str):
                ok = len(value) >= rule if key == "minLength" else len(value) <= rule
                assert ok, f"{where}: {key} {rule}"
        elif key == "required":
            if isinstance(value, dict):
                missing = [k for k in rule if k not in value]
                assert not missing, f"{where}: missing {missing}"
        elif key == "properties":
            if isinstance(value, dict):
                for k, sub in rule.items():
                    if k in value:
                        _validate(sub, value[k], f"{where}.{k}")
        elif key == "additionalProperties":
            if isinstance(value, dict):
                extra = [k for k in value if k not in schema.get("properties", {})]
                if rule is False:
                    assert not extra, f"{where}: unknown {extra}"
                else:
                    for k in extra:
                        _validate(rule, value[k], f"{where}.{k}")
        elif key == "propertyNames":
            if isinstance(value, dict):
                for k in value:
                    _validate(rule, k, f"{where} key {k!r}")
        elif key == "items":
            if isinstance(value, list):
                for i, item in enumerate(value):
                    _validate(rule, item, f"{where}[{i}]")
        elif key in ("anyOf", "oneOf"):
            passed = 0
            for sub in rule:
                try:
                    _validate(sub, value, where)
                    passed += 1
                except AssertionError:
                    pass
            ok = passed >= 1 if key == "anyOf" else passed == 1
            assert ok, f"{where}: {key} matched {passed} of {len(rule)}"
        else:
            raise AssertionError(f"{where}: the test's validator does not know {key!r}")


# -- version 1 -------------------------------------------------------------------------------

V1_DIGEST = "87501000dd44255b401f9439261e1b37dd2b8daed6c83c9a64067ea2b2caa058"
"""Computed by the version 1 reader (before version 2 existed) for `_v1()`."""


def _v1() -> dict[str, Any]:
    """A version 1 file as Preflight wrote it before merging existed, written out by hand."""
    return {
        "format": "preflight-assessment",
        "format_version": 1,
        "assessment": {
            "slug": "old-pilot",
            "name": "Old <b>pilot</b>",
            "description": "written\nbefore merge",
            "archived": False,
            "created_at": "2026-01-02T03:04:05Z",
            "updated_at": "2026-01-03T03:04:05Z",
            "packs": {"vendor": "1.0"},
            "answering_as": "Priya Raman",
        },
        "packs": [{"id": "vendor", "version": "1.0", "sha256": "0" * 64, "questions": {}}],
        "participants": [{"name": "Priya Raman", "role": "Tech lead"}],
        "answers": [
            {
                "question_id": "vendor_name",
                "value": "Acme",
                "note": HOSTILE[1],
                "evidence": None,
                "answered_by": "Priya Raman",
                "answered_at": "2026-01-03T03:04:05Z",
            }
        ],
        "history": [
            {
                "question_id": "vendor_name",
                "old_value": None,
                "new_value": "Acme",
                "note": HOSTILE[1],
                "changed_by": "Priya Raman",
                "changed_at": "2026-01-03T03:04:05Z",
            }
        ],
        "followups": [],
        "waivers": [],
        "digest": V1_DIGEST,
    }


def test_the_version_1_digest_is_unchanged():
    """The digest of a version 1 file is what it was when version 1 was written."""
    assert bundle.digest(_v1()) == V1_DIGEST


def test_a_version_1_file_still_imports(store, packset):
    data = json.dumps(_v1()).encode()
    found = bundle.read(data)
    assert found.format_version == 1
    assert (found.respondents, found.disagreements, found.merged) == ([], [], {})
    imported = _import(store, packset, data)
    again = _share(store, packset, imported.id)
    assert again["format_version"] == 2
    assert (again["respondents"], again["disagreements"], again["merged"]) == ([], [], {})
    old = _v1()
    for key in ("assessment", "participants", "answers", "history", "followups", "waivers"):
        assert again[key] == old[key], key


def test_a_version_1_file_with_version_2_keys_is_refused():
    content = _v1()
    content["respondents"] = []
    _refused(_seal(content), "respondents")


def test_a_version_2_file_without_them_is_refused():
    content = _v1()
    content["format_version"] = 2
    _refused(_seal(content), "respondents")


# -- refusals --------------------------------------------------------------------------------


@pytest.fixture
def content(team, store, packset) -> dict:
    return _share(store, packset, team.id)


# The team's disagreements: [0] vendor_dpa_signed settled by an answer, [1] vendor_region
# open, [2] vendor_exit_plan settled by a merge.


def _open_again(c: dict) -> None:
    assert c["disagreements"][1]["resolved_at"] is None
    second = dict(c["disagreements"][1], opened_at="2027-01-01T00:00:00Z")
    c["disagreements"].append(second)


def _settled_without_how(c: dict) -> None:
    c["disagreements"][0]["resolved_how"] = None


@pytest.mark.parametrize(
    "edit, field",
    [
        (
            lambda c: c["respondents"][1].__setitem__("name", "  " + ALICE.upper()),
            "respondents[1].name",
        ),
        (lambda c: c["respondents"][0].__setitem__("name", "a\nb"), "respondents[0].name"),
        (lambda c: c["respondents"][0].__setitem__("name", "a\x1b[31m"), "respondents[0].name"),
        (lambda c: c["respondents"][0].__setitem__("name", "x" * 201), "respondents[0].name"),
        (lambda c: c["respondents"][0].__setitem__("name", " "), "respondents[0].name"),
        (lambda c: c["respondents"][0].__setitem__("name", None), "respondents[0].name"),
        (lambda c: c["respondents"][0].__setitem__("source", 3), "respondents[0].source"),
        (
            lambda c: c["respondents"][0].__setitem__("source_digest", "abc"),
            "respondents[0].source_digest",
        ),
        (
            lambda c: c["respondents"][0].__setitem__("merged_at", "today"),
            "respondents[0].merged_at",
        ),
        (lambda c: c["respondents"][0].__setitem__("extra", 1), "respondents[0].extra"),
        (lambda c: c["respondents"][0].pop("answers"), "respondents[0].answers"),
        (lambda c: c["respondents"][0].__setitem__("answers", {}), "respondents[0].answers"),
        (
            lambda c: c["respondents"][1]["answers"][2].__setitem__("value", None),
            "respondents[1].answers[2].value",
        ),
        (
            lambda c: c["respondents"][1]["answers"][0].__setitem__("question_id", "Bad Id"),
            "respondents[1].answers[0].question_id",
        ),
        (
            lambda c: c["respondents"][1]["answers"].append(c["respondents"][1]["answers"][0]),
            "respondents[1].answers[4].question_id",
        ),
        (lambda c: c.__setitem__("respondents", {}), "respondents"),
        (_open_again, "disagreements[3].question_id"),
        (
            lambda c: c["disagreements"][0].__setitem__("resolved_how", "later"),
            "disagreements[0].resolved_how",
        ),
        (
            lambda c: c["disagreements"][1].__setitem__("resolved_how", ["merged"]),
            "disagreements[1].resolved_how",
        ),
        (
            lambda c: c["disagreements"][1].__setitem__("resolved_how", "Merged"),
            "disagreements[1].resolved_how",
        ),
        (
            lambda c: c["disagreements"][1].__setitem__("resolved_how", "merged"),
            "disagreements[1].resolved_how",
        ),
        (
            lambda c: c["disagreements"][1].__setitem__("resolved_by", "me"),
            "disagreements[1].resolved_by",
        ),
        (_settled_without_how, "disagreements[0].resolved_how"),
        (
            lambda c: c["disagreements"][0].__setitem__("question_id", "x y"),
            "disagreements[0].question_id",
        ),
        (
            lambda c: c["disagreements"][0].__setitem__("opened_at", None),
            "disagreements[0].opened_at",
        ),
        (
            lambda c: c["disagreements"][1].__setitem__("resolved_at", "2026"),
            "disagreements[1].resolved_at",
        ),
        (
            lambda c: c["disagreements"][0].__setitem__("earlier_by", 7),
            "disagreements[0].earlier_by",
        ),
        (lambda c: c["disagreements"][0].pop("earlier"), "disagreements[0].earlier"),
        (lambda c: c.pop("disagreements"), "disagreements"),
        (lambda c: c["merged"].__setitem__("vendor_name", None), "merged.vendor_name"),
        (lambda c: c["merged"].__setitem__("Not An Id", 1), "merged"),
        (lambda c: c.__setitem__("merged", []), "merged"),
        (lambda c: c.pop("merged"), "merged"),
    ],
)
def test_a_damaged_merged_file_names_the_field(content, edit, field):
    edit(content)
    _refused(_seal(content), field)


def test_an_open_disagreement_beside_an_answer_is_refused(content):
    """Open means unanswered: a file that answers the question too is refused."""
    d = next((d for d in content["disagreements"] if d["resolved_at"] is None), None)
    assert d is not None
    answer = dict(content["answers"][0], question_id=d["question_id"])
    content["answers"] = [a for a in content["answers"] if a["question_id"] != d["question_id"]]
    content["answers"].append(answer)
    index = content["disagreements"].index(d)
    _refused(_seal(content), f"disagreements[{index}].question_id")


def test_settled_disagreements_may_repeat_a_question(content):
    """Only open ones are one per question: a question disputed, settled and disputed again
    holds two."""
    settled = dict(content["disagreements"][0], question_id="vendor_region")
    content["disagreements"].insert(0, settled)
    found = bundle.read(_seal(content))
    assert [d.question_id for d in found.disagreements].count("vendor_region") == 2


def test_respondents_answers_are_checked_against_their_questions(content, packset):
    content["respondents"][1]["answers"][3]["value"] = "mars"  # vendor_region: not an option
    content["respondents"][2]["answers"][0]["value"] = 9  # vendor_exit_plan: a 1-3 scale
    found = bundle.read(_seal(content))
    problems = bundle.value_problems(found, packset)
    assert [p.split(":")[0] for p in problems] == [
        "respondents[1].answers[3].value",
        "respondents[2].answers[0].value",
    ]


# -- the commands ----------------------------------------------------------------------------


def _cli(cli, *args: str, db: Path, cwd: Path | None = None):
    return cli("--questionnaires", str(EXAMPLES), *args, db=db, cwd=cwd)


def _slugs(db: Path) -> list[str]:
    with Store.open(db) as store:
        return sorted(a.slug for a in store.assessments(include_archived=True))


@pytest.fixture
def team_file(team, store, packset, tmp_path) -> tuple[Path, dict]:
    path = tmp_path / "team.preflight.json"
    return path, _share(store, packset, team.id)


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda c: c["respondents"][2].__setitem__("name", BOB.lower()), "respondents[2].name"),
        (_open_again, "disagreements[3].question_id"),
        (
            lambda c: c["disagreements"][2].__setitem__("resolved_how", "agreed"),
            "disagreements[2].resolved_how",
        ),
        (
            lambda c: c["respondents"][1]["answers"][3].__setitem__("value", "mars"),
            "respondents[1].answers[3].value",
        ),
    ],
)
def test_cli_refuses_a_damaged_merged_file_and_writes_nothing(
    cli, team_file, edit, field, tmp_path
):
    path, content = team_file
    edit(content)
    path.write_bytes(_seal(content))
    db = tmp_path / "fresh.db"
    out = _cli(cli, "import", str(path), db=db)
    assert out.returncode == 4, out.stderr
    assert f"{path}: {field}: " in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    assert _slugs(db) == []


def test_cli_import_share_of_a_merged_file_is_lossless(cli, team_file, tmp_path):
    path, content = team_file
    path.write_bytes(bundle.dumps(content))
    db = tmp_path / "fresh.db"
    done = _cli(cli, "import", str(path), db=db)
    assert done.returncode == 0, done.stderr
    slug = done.stdout.strip()
    again = tmp_path / "again.preflight.json"
    shared = _cli(cli, "share", slug, "--out", str(again), db=db)
    assert shared.returncode == 0, shared.stderr
    second = json.loads(again.read_text())
    # The packs in use differ (the CLI has the shipped packs too); all else is the same.
    assert {k: v for k, v in second.items() if k not in ("packs", "digest")} == {
        k: v for k, v in content.items() if k not in ("packs", "digest")
    }


def _self_file(cli, tmp_path: Path, packset, person: str, answers: dict[str, Any]) -> Path:
    """`person`'s self-assessment in their own database, shared to `NAME.preflight.json`."""
    tag = re.sub(r"[^a-z]+", "", person.lower())[:12]
    db = tmp_path / f"{tag}.db"
    with Store.open(db) as store:
        mine = store.assessments()
        if mine:
            s = Session.open(store, packset, mine[0].id)
        else:
            s = _self_assessment(store, packset, person, {})
        for qid, value in answers.items():
            s.answer(qid, value, note=f"{person} says <{value}>\n\\n", answered_by=person)
        slug = s.assessment.slug
    path = tmp_path / f"{tag}.preflight.json"
    out = _cli(cli, "share", slug, "--out", str(path), "--force", db=db)
    assert out.returncode == 0, out.stderr
    return path


def test_cli_merging_into_an_imported_assessment_updates_its_respondent(cli, packset, tmp_path):
    """Alice and Bob self-assess; a lead merges them, settles one dispute and shares the team
    file; somebody imports it elsewhere and merges Alice's newer file into it: Alice is
    updated, not added, her change settles the dispute she had with Bob, and the answer the
    first merge gave (not one given here) makes way for a new dispute. The same merge in the
    lead's own database gives the same assessment."""
    alice, bob = ALICE, BOB
    a_file = _self_file(
        cli,
        tmp_path,
        packset,
        alice,
        {"vendor_name": "Acme", "vendor_region": "eu", "vendor_dpa_signed": "yes"},
    )
    b_file = _self_file(
        cli,
        tmp_path,
        packset,
        bob,
        {"vendor_name": "acme", "vendor_region": "us", "vendor_dpa_signed": "no"},
    )
    lead = tmp_path / "lead.db"
    merged = _cli(cli, "merge", str(a_file), str(b_file), "--into", "team", db=lead)
    assert merged.returncode == 0, merged.stderr
    assert "team: 2 respondent(s); added" in merged.stdout
    with Store.open(lead) as store:
        s = Session.open(store, packset, "team")
        assert set(s.disputes()) == {"vendor_region", "vendor_dpa_signed"}
        s.answer("vendor_dpa_signed", "yes", note="decided <in the room>", answered_by="Lead")
    team_file = tmp_path / "team.preflight.json"
    assert _cli(cli, "share", "team", "--out", str(team_file), db=lead).returncode == 0

    elsewhere = tmp_path / "elsewhere.db"
    done = _cli(cli, "import", str(team_file), db=elsewhere)
    assert done.returncode == 0, done.stderr

    a_file = _self_file(
        cli, tmp_path, packset, alice, {"vendor_region": "us", "vendor_name": "Acme Corp"}
    )
    newer = json.loads(a_file.read_text())["digest"]
    results = {}
    for db in (elsewhere, lead):
        again = _cli(cli, "merge", str(a_file), "--into", "team", db=db)
        assert again.returncode == 0, again.stderr
        assert again.stdout.startswith(f"team: 2 respondent(s); updated {alice}\n"), again.stdout
        assert "1 disputed, 1 settled" in again.stdout, again.stdout
        with Store.open(db) as store:
            s = Session.open(store, packset, "team")
            people = store.respondents(s.id)
            assert [p.name for p in people] == [alice, bob]
            assert people[0].source_digest == newer
            assert people[0].answers["vendor_region"].value == "us"
            assert s.answers["vendor_region"].value == "us"
            assert s.answers["vendor_dpa_signed"].value == "yes"
            assert "vendor_name" not in s.answers
            disputes = s.all_disputes()
            assert set(s.disputes()) == {"vendor_name"}
            # The merge gave "Acme": not an answer given here, so not a voice of its own.
            assert [v.name for v in disputes["vendor_name"].voices] == [alice, bob]
            assert disputes["vendor_region"].resolved_how == "merged"
            assert disputes["vendor_dpa_signed"].resolved_how == "answered"
            assert disputes["vendor_dpa_signed"].resolved_by == "Lead"
            results[db] = _comparable(_share(store, packset, s.id))
    assert results[elsewhere] == results[lead]


def _comparable(content: dict[str, Any]) -> dict[str, Any]:
    """The content with the times a write took from the clock (which differ between two
    databases merging the same file) and the digest left out."""
    clock = {"merged_at", "opened_at", "resolved_at", "answered_at", "changed_at", "updated_at"}

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in clock | {"digest"}}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(content)
