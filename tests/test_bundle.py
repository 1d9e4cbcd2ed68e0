"""Assessment files: `preflight share` → `preflight import` is lossless, and every damaged,
edited or hostile file is refused with one line naming the file and the field."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.core.text import name_key
from app.errors import PreflightError
from app.interchange import bundle
from app.session import Session
from app.store import Store
from app.store.models import AnswerRecord, Evidence, MergeChange, Respondent
from tests.conftest import EXAMPLES

HOSTILE = [
    "line one\nline two\n\n  indented",
    "<script>alert(1)</script> **bold** [link](javascript:x) | pipe |",
    "\x1b[31mred\x1b[0m and \x07 bell",
    '\\n not a break, \\u0000 not a NUL, "quoted"',
    "\u202eevil bidi\u202c ünïcödé 🚀",
]


def _share(store: Store, packset, ref) -> dict:
    a = store.get(ref)
    return bundle.build(
        a,
        store.participants(a.id),
        store.answers(a.id),
        store.history(a.id),
        store.followups(a.id),
        store.waivers(a.id),
        bundle.packs_in_use(packset),
        respondents=store.respondents(a.id),
        disagreements=store.disagreements(a.id),
        merged=store.merged_values(a.id),
    )


def _import(store: Store, packset, data: bytes, slug: str | None = None) -> Session:
    found = bundle.read(data)
    assessment = found.assessment
    if slug is not None:
        import dataclasses

        assessment = dataclasses.replace(assessment, slug=slug)
    return Session.restore(
        store,
        packset,
        assessment,
        participants=found.participants,
        answers=found.answers,
        history=found.history,
        followups=found.followups,
        waivers=found.waivers,
        respondents=found.respondents,
        disagreements=found.disagreements,
        merged=found.merged,
    )


def _seal(content: dict) -> bytes:
    content = dict(content)
    content["digest"] = bundle.digest(content)
    return json.dumps(content).encode()


@pytest.fixture
def rich(store, packset) -> Session:
    """An assessment with hostile notes, evidence, a hidden answer, a cleared answer,
    participants, follow-ups and waivers."""
    s = Session.create(store, packset, "Hostile <b>pilot</b>", "two\nlines & <i>markup</i>")
    s.add_participant("Priya Raman", "Tech lead")
    s.add_participant("Zoë <O'Brien>", "")
    for i, (qid, value) in enumerate(
        [
            ("vendor_name", HOSTILE[1]),
            ("vendor_dpa_signed", "no"),
            ("vendor_region", "eu"),  # hides vendor_eu_transfer_basis
            ("vendor_exit_plan", 2),
            ("vendor_cost_per_call", 0.012),
        ]
    ):
        s.answer(qid, value, note=HOSTILE[i % len(HOSTILE)], answered_by="Priya Raman")
    # An answer to a question hidden by show_if (vendor_region is "eu"): kept as it is.
    store.save_answer(s.id, "vendor_eu_transfer_basis", "https://example.com/scc", note="hidden")
    s.answer("vendor_dpa_signed", "yes", note=HOSTILE[0], evidence="https://example.com/dpa.pdf")
    s.answer("vendor_support", 1)
    s.clear("vendor_support", answered_by="Zoë <O'Brien>")
    store.save_answer(s.id, "vendor_monthly_budget", 100, evidence=str(EXAMPLES / "vendor.toml"))
    store.save_answer(s.id, "vendor_calls_per_day", 5, evidence="/no/such/file.pdf")
    s.set_followup("vendor_fragile", owner="Priya Raman", due="2027-01-31", note=HOSTILE[2])
    s.set_waiver("vendor_no_dpa", reason=HOSTILE[3], approver="Elena", expires="2027-02-01")
    store.set_answering_as(s.id, "Priya Raman")
    store.set_archived(s.id, True)
    return s


def test_share_import_share_is_lossless(rich, store, packset, tmp_path):
    first = _share(store, packset, rich.id)
    data = bundle.dumps(first)
    with Store.open(tmp_path / "other.db") as other:
        imported = _import(other, packset, data)
        second = _share(other, packset, imported.id)
        assert second == first
        assert bundle.dumps(second) == data
        # Field by field, against the source store.
        src, dst = rich.id, imported.id
        a, b = store.get(src), other.get(dst)
        for name in ("slug", "name", "description", "archived", "created_at", "updated_at"):
            assert getattr(a, name) == getattr(b, name), name
        assert (a.packs, a.answering_as) == (b.packs, b.answering_as)
        strip = lambda r: {k: v for k, v in vars_(r).items() if k not in ("id", "assessment_id")}  # noqa: E731
        assert [strip(r) for r in store.answers(src).values()] == [
            strip(r) for r in other.answers(dst).values()
        ]
        assert [strip(h) for h in store.history(src)] == [strip(h) for h in other.history(dst)]
        assert [strip(p) for p in store.participants(src)] == [
            strip(p) for p in other.participants(dst)
        ]
        assert {k: strip(f) for k, f in store.followups(src).items()} == {
            k: strip(f) for k, f in other.followups(dst).items()
        }
        assert {k: strip(w) for k, w in store.waivers(src).items()} == {
            k: strip(w) for k, w in other.waivers(dst).items()
        }
        # The summary is worked out again for the packs in use, with the waivers.
        assert b.summary == a.summary
    answers = {r["question_id"]: r for r in first["answers"]}
    assert answers["vendor_eu_transfer_basis"]["note"] == "hidden"
    assert answers["vendor_dpa_signed"]["note"] == HOSTILE[0]
    assert answers["vendor_dpa_signed"]["evidence"]["ref"] == "https://example.com/dpa.pdf"
    assert answers["vendor_monthly_budget"]["evidence"]["sha256"]
    assert answers["vendor_calls_per_day"]["evidence"]["unhashed"].startswith("not hashed")
    assert "vendor_support" not in answers
    assert [h["new_value"] for h in first["history"] if h["question_id"] == "vendor_support"] == [
        1,
        None,
    ]
    assert first["waivers"][0]["reason"] == HOSTILE[3]
    assert first["followups"][0]["note"] == HOSTILE[2]


def vars_(record) -> dict:
    import dataclasses

    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def test_file_format(rich, store, packset):
    content = _share(store, packset, rich.id)
    assert list(content) == list(bundle.TOP_KEYS)
    assert content["format"] == "preflight-assessment" and content["format_version"] == 2
    assert content["digest"] == bundle.digest(content)
    vendor = next(p for p in content["packs"] if p["id"] == "vendor")
    assert vendor["sha256"] == bundle.file_sha256(EXAMPLES / "vendor.toml")
    assert set(vendor["questions"]) == {q.id for q in packset.pack("vendor").questions}


# -- the property: any assessment the store can hold comes back the same -------------------

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
_name = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda s: s.strip() and " ".join(s.split()) == s)
_value = st.one_of(
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    _text,
    st.lists(_text, max_size=3),
    st.fixed_dictionaries({"name": _name, "role": _text}),
)
_qid = st.sampled_from(["vendor_name", "vendor_region", "vendor_exit_plan", "not_in_any_pack"])
_ops = st.lists(
    st.tuples(_qid, st.one_of(st.none(), _value), st.one_of(st.none(), _text)), max_size=8
)

HOSTILE_NAMES = [
    "<b>Zoë</b> & [red]Priya[/red] **bold**",
    "back\\slash \\n not a break \\x1b[31m",
    '"quoted" O\'Brien; DROP TABLE respondents;--',
    "\u202eevil bidi\u202c 🚀",
    "{{ jinja }} ${shell} `tick` | pipe |",
    "x" * bundle.MAX_NAME,
]
_note = st.one_of(st.none(), st.sampled_from(HOSTILE), _text)
_stamp = st.sampled_from(["2026-01-02T03:04:05Z", "2026-11-23T10:51:49Z", "2027-02-28T23:59:59Z"])
_evidence = st.one_of(
    st.none(),
    st.builds(
        Evidence,
        ref=st.sampled_from(["https://example.com/<x>.pdf", "/no/such\nfile.pdf", HOSTILE[1]]),
        sha256=st.one_of(st.none(), st.just("a" * 64)),
        unhashed=st.one_of(st.none(), st.just("not hashed: no such file here")),
        captured_at=_stamp,
    ),
)
_said = st.tuples(_qid, _value, _note, _evidence, st.one_of(st.none(), _text), _stamp)
_merge_plan = st.fixed_dictionaries(
    {
        "respondents": st.lists(
            st.tuples(
                st.one_of(st.sampled_from(HOSTILE_NAMES), _name),
                st.one_of(st.none(), st.text(max_size=30)),  # the source, as typed
                st.booleans(),  # from a file (with its digest) or a slug
                st.lists(_said, max_size=4),
            ),
            min_size=1,
            max_size=3,
        ),
        "opened": st.lists(
            st.tuples(_qid, st.one_of(st.none(), _value), st.one_of(st.none(), _name)),
            min_size=1,
            max_size=3,
        ),
        "settle": st.lists(  # which disagreement (by index), how, the answer given
            st.tuples(st.integers(0, 2), st.sampled_from(["answered", "merged"]), _value),
            min_size=1,
            max_size=3,
        ),
        "reopen": st.booleans(),
        "merged": st.dictionaries(_qid, _value, max_size=3),
        "again": st.lists(_said, max_size=3),
    }
)
_merges = st.one_of(st.none(), _merge_plan, _merge_plan)  # merged 2 times in 3


def _merge_into(store: Store, aid: int, merges: dict) -> None:
    """Merge respondents into `aid` the way `preflight merge` writes: disagreements opened,
    some settled by an answer and some by a later merge, some opened again, merge marks set,
    and the first respondent merged a second time (updated, not added)."""
    people, seen = [], set()
    for person, source, from_file, said in merges["respondents"]:
        if name_key(person) in seen:
            continue
        seen.add(name_key(person))
        answers = {
            qid: AnswerRecord(
                assessment_id=0,
                question_id=qid,
                value=value,
                note=text,
                evidence=evidence,
                answered_by=by,
                answered_at=at,
            )
            for qid, value, text, evidence, by, at in said
        }
        people.append(
            Respondent(
                id=0,
                assessment_id=0,
                name=person,
                source=source if source is not None else f"{person}.preflight.json",
                source_digest=("b" * 64) if from_file else None,
                merged_at="",
                answers=answers,
            )
        )
    opened = {qid: (earlier, by) for qid, earlier, by in merges["opened"]}
    store.apply_merge(
        aid,
        MergeChange(
            respondents=people,
            participants=[(p.name, "respondent") for p in people],
            opened=opened,
            merged=merges["merged"],
        ),
    )
    for index, how, value in merges["settle"]:
        qid = list(opened)[index % len(opened)] if opened else "vendor_name"
        if how == "answered":
            store.save_answer(aid, qid, value, note="settled <here>", answered_by=people[0].name)
        else:
            store.apply_merge(aid, MergeChange(respondents=[], closed={qid: value}))
    if merges["reopen"] and opened:
        store.apply_merge(aid, MergeChange(respondents=[], opened=dict.fromkeys(opened, (1, None))))
    again = dict(people[0].answers)
    again.update(
        {
            qid: AnswerRecord(assessment_id=0, question_id=qid, value=v, note=t, answered_at=at)
            for qid, v, t, _, _, at in merges["again"]
        }
    )
    update = Respondent(
        id=0,
        assessment_id=0,
        name=people[0].name.upper(),  # the same person, case aside
        source="newer.preflight.json",
        source_digest="c" * 64,
        merged_at="",
        answers=again,
    )
    store.apply_merge(aid, MergeChange(respondents=[update], merged={"vendor_name": None}))
    assert len(store.respondents(aid)) == len(people)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=_name,
    description=_text,
    people=st.lists(_name, max_size=3),
    ops=_ops,
    note=_text,
    merges=_merges,
)
def test_property_lossless(tmp_path_factory, packset, name, description, people, ops, note, merges):
    folder = tmp_path_factory.mktemp("prop")
    with Store.open(folder / "a.db") as a, Store.open(folder / "b.db") as b:
        made = a.create(name, description)
        seen = set()
        for person in people:
            if name_key(person) not in seen:
                seen.add(name_key(person))
                a.add_participant(made.id, person, "role")
        for qid, value, text in ops:
            if value is None:
                a.clear_answer(made.id, qid, answered_by=people[0] if people else None)
            else:
                a.save_answer(made.id, qid, value, note=text)
        a.set_followup(made.id, "vendor_fragile", note=note, due="2027-01-01")
        a.set_waiver(
            made.id,
            "vendor_no_dpa",
            reason=note if note.strip() else "r",
            approver="x",
            expires="2027-01-02",
        )
        if merges is not None:
            _merge_into(a, made.id, merges)
        first = _share(a, packset, made.id)
        data = bundle.dumps(first)
        imported = _import(b, packset, data)
        assert _share(b, packset, imported.id) == first
        # What the store hands the front ends (the disputes with every voice) is the same too.
        assert b.disputes(imported.id, open_only=False) == a.disputes(made.id, open_only=False)
        assert b.merged_values(imported.id) == a.merged_values(made.id)
        if merges is not None:
            assert first["respondents"] and first["format_version"] == 2
            for d in first["disagreements"]:
                event(f"a disagreement settled by: {d['resolved_how']}")
            asked = [d["question_id"] for d in first["disagreements"]]
            event(f"a question disputed twice: {len(asked) != len(set(asked))}")


# -- refusals --------------------------------------------------------------------------------


@pytest.fixture
def content(rich, store, packset) -> dict:
    return _share(store, packset, rich.id)


def _refused(data: bytes, field: str) -> str:
    with pytest.raises(bundle.BundleError) as caught:
        bundle.read(data)
    assert caught.value.field == field, str(caught.value)
    return str(caught.value)


def test_edited_file_is_refused(content):
    content["answers"][0]["note"] = "changed"
    text = _refused(json.dumps(content).encode(), "digest")
    assert text == "digest: does not match its content (edited?)"


def test_newer_format_is_refused(content):
    content["format_version"] = 3
    assert "newer" in _refused(_seal(content), "format_version")


@pytest.mark.parametrize(
    "data, field",
    [
        (b"{not json", "json"),
        (b'{"format": "preflight-assessment", "format": "x"}', "json"),
        (b'{"a": NaN}', "json"),
        (b"\xff\xfe", "json"),
        (b"[" * 100_000, "json"),
        (b"[]", "(top level)"),
        (b'{"format": "something-else"}', "format"),
    ],
)
def test_bad_json_is_refused(data, field):
    _refused(data, field)


def test_duplicate_key_names_the_key():
    text = _refused(b'{"answers": [], "answers": []}', "json")
    assert "'answers' appears twice" in text


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda c: c["answers"][3].__setitem__("value", None), "answers[3].value"),
        (lambda c: c["answers"][3].__setitem__("note", 5), "answers[3].note"),
        (
            lambda c: c["answers"][1].__setitem__("answered_at", "yesterday"),
            "answers[1].answered_at",
        ),
        (lambda c: c["answers"][1].__setitem__("question_id", "Bad Id"), "answers[1].question_id"),
        (lambda c: c["answers"][1].__setitem__("extra", 1), "answers[1].extra"),
        (lambda c: c["answers"][1].pop("note"), "answers[1].note"),
        (lambda c: c["answers"].append(dict(c["answers"][0])), "answers[8].question_id"),
        (lambda c: c["history"][0].__setitem__("changed_at", None), "history[0].changed_at"),
        (
            lambda c: c["participants"].append({"name": "priya  RAMAN", "role": ""}),
            "participants[2].name",
        ),
        (lambda c: c["participants"][0].__setitem__("name", "a\x1bb"), "participants[0].name"),
        (lambda c: c["waivers"][0].__setitem__("expires", "2027-02-30"), "waivers[0].expires"),
        (lambda c: c["followups"][0].__setitem__("status", "later"), "followups[0].status"),
        (lambda c: c["assessment"].__setitem__("slug", "Not A Slug"), "assessment.slug"),
        (lambda c: c["assessment"].__setitem__("archived", "no"), "assessment.archived"),
        (lambda c: c["assessment"].__setitem__("name", ""), "assessment.name"),
        (lambda c: c["packs"][0].__setitem__("sha256", "xyz"), "packs[0].sha256"),
        (lambda c: c.__setitem__("answers", {}), "answers"),
        (lambda c: c["answers"][0].__setitem__("note", "\ud800"), "answers[0].note"),
    ],
)
def test_wrong_types_name_the_field(content, edit, field):
    edit(content)
    _refused(_seal(content), field)


def test_pack_changes_are_reported(content, packset):
    here = bundle.packs_in_use(packset)
    assert bundle.pack_changes(content["packs"], here, ["vendor_name"]) == []
    older = json.loads(json.dumps(content["packs"]))
    older[0]["version"] = "0.9"
    assert bundle.pack_changes(older, here) == [
        "pack vendor: version 0.9 in the file, 1.0 in use here"
    ]
    edited = json.loads(json.dumps(content["packs"]))
    edited[0]["sha256"] = "1" * 64
    edited[0]["questions"]["vendor_name"] = "0" * 64
    edited[0]["questions"]["vendor_retired"] = "0" * 64
    edited.append({"id": "gone", "version": "2.0", "sha256": "2" * 64, "questions": {}})
    assert bundle.pack_changes(edited, here, ["vendor_name", "gone_q"]) == [
        "pack vendor 1.0: its file differs from the one in use here",
        "question vendor_name (vendor) has changed since the file was written",
        "question vendor_retired (vendor) is not in the packs in use",
        "pack gone 2.0 is not in use here",
        "1 answer(s) to questions not in the packs in use, kept: gone_q",
    ]


def test_store_restore_refuses_a_slug_in_use(rich, store, packset):
    data = bundle.dumps(_share(store, packset, rich.id))
    before = store.count(include_archived=True)
    with pytest.raises(PreflightError) as caught:
        _import(store, packset, data)
    assert caught.value.exit_code == 2
    assert store.count(include_archived=True) == before
    again = _import(store, packset, data, slug="copy")
    assert _share(store, packset, again.id)["answers"] == _share(store, packset, rich.id)["answers"]


def test_schema_describes_the_file(content):
    schema = bundle.json_schema()
    assert schema["required"] == list(bundle.TOP_KEYS)
    assert list(schema["properties"]["answers"]["items"]["properties"]) == list(bundle.ANSWER_KEYS)
    assert list(schema["properties"]["history"]["items"]["properties"]) == list(bundle.HISTORY_KEYS)
    assert schema["properties"]["format_version"] == {"const": 2}
    respondent = schema["properties"]["respondents"]["items"]
    assert list(respondent["properties"]) == list(bundle.RESPONDENT_KEYS)
    assert respondent["properties"]["answers"]["items"] == schema["properties"]["answers"]["items"]
    disagreement = schema["properties"]["disagreements"]["items"]
    assert list(disagreement["properties"]) == list(bundle.DISAGREEMENT_KEYS)
    assert disagreement["properties"]["resolved_how"]["enum"] == [None, "answered", "merged"]


# -- the commands ----------------------------------------------------------------------------


@pytest.fixture
def shared(cli, tmp_path) -> tuple[Path, Path]:
    db = tmp_path / "cli.db"
    made = cli("new", "Pilot <one>", db=db)
    assert made.returncode == 0, made.stderr
    slug = made.stdout.strip()
    result = cli("share", slug, db=db, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / f"{slug}.preflight.json"
    assert result.stdout.strip() == path.name and path.is_file()
    return db, path


def test_cli_share_refuses_to_overwrite(cli, shared, tmp_path):
    db, path = shared
    slug = path.name.removesuffix(".preflight.json")
    again = cli("share", slug, db=db, cwd=tmp_path)
    assert again.returncode == 4 and "already exists; use --force" in again.stderr
    assert cli("share", slug, "--force", db=db, cwd=tmp_path).returncode == 0
    out = tmp_path / "x.json"
    assert cli("share", slug, "--out", str(out), db=db).returncode == 0
    assert out.read_bytes() == path.read_bytes()


def test_cli_import_round_trip_and_slug_in_use(cli, shared, tmp_path):
    db, path = shared
    taken = cli("import", str(path), db=db)
    assert taken.returncode == 2
    assert f"{path}: assessment.slug: an assessment" in taken.stderr and "--as" in taken.stderr
    bad = cli("import", str(path), "--as", "Bad Slug", db=db)
    assert bad.returncode == 2
    done = cli("import", str(path), "--as", "copy", db=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "copy" and done.stderr == ""
    out = tmp_path / "copy.json"
    assert cli("share", "copy", "--out", str(out), db=db).returncode == 0
    first, second = json.loads(path.read_text()), json.loads(out.read_text())
    assert second["assessment"].pop("slug") == "copy"
    first["assessment"].pop("slug")
    assert {k: v for k, v in first.items() if k != "digest"} == {
        k: v for k, v in second.items() if k != "digest"
    }


def _count(cli, db) -> int:
    listed = cli("list", "--all", "--json", db=db)
    return len(json.loads(listed.stdout))


@pytest.mark.parametrize(
    "write, message",
    [
        (
            lambda p: p.write_bytes(p.read_bytes().replace(b'"Pilot <one>"', b'"Pilot <two>"')),
            "digest: does not match its content (edited?)",
        ),
        (lambda p: p.write_text("{oops"), "json: "),
        (lambda p: p.write_text('{"a": 1, "a": 2}'), "json: the key 'a' appears twice"),
        (lambda p: os.truncate(p, 1024**3), "larger than 50 MB"),
    ],
)
def test_cli_import_refusals(cli, shared, write, message, tmp_path):
    db, path = shared
    before = _count(cli, db)
    write(path)
    result = cli("import", str(path), "--as", "other", db=db)
    assert result.returncode == 4
    assert result.stderr.startswith(f"preflight: {path}: {message}")
    assert len(result.stderr.strip().splitlines()) == 1
    assert _count(cli, db) == before


def test_cli_import_newer_and_wrong_type(cli, shared):
    db, path = shared
    content = json.loads(path.read_text())
    content["format_version"] = 7
    path.write_bytes(_seal(content))
    result = cli("import", str(path), "--as", "other", db=db)
    assert result.returncode == 4 and "format_version: 7 is newer" in result.stderr
    content["format_version"] = 2
    content["participants"] = [{"name": 3, "role": ""}]
    path.write_bytes(_seal(content))
    result = cli("import", str(path), "--as", "other", db=db)
    assert result.returncode == 4
    assert f"{path}: participants[0].name: expected text, got a number" in result.stderr


def test_cli_changed_packs_warn_or_refuse_with_strict(cli, shared):
    db, path = shared
    content = json.loads(path.read_text())
    content["packs"][0]["version"] = "0.1"
    content["answers"].append(
        {
            "question_id": "retired_question",
            "value": "yes",
            "note": None,
            "evidence": None,
            "answered_by": None,
            "answered_at": "2026-01-01T00:00:00Z",
        }
    )
    path.write_bytes(_seal(content))
    before = _count(cli, db)
    strict = cli("import", str(path), "--as", "other", "--strict", db=db)
    assert strict.returncode == 4 and "(--strict)" in strict.stderr
    assert _count(cli, db) == before
    loose = cli("import", str(path), "--as", "other", db=db)
    assert loose.returncode == 0, loose.stderr
    warnings = loose.stderr.strip().splitlines()
    assert warnings[0].startswith(f"warning: {path}: pack {content['packs'][0]['id']}: version 0.1")
    assert "retired_question" in warnings[-1] and len(warnings) == 2
    # Kept, and shown in the appendix as an answer to a question not in the packs in use.
    exported = cli(
        "export", "other", "--format", "json", "--out", str(path.parent / "o.json"), db=db
    )
    assert exported.returncode == 0, exported.stderr
    assert "retired_question" in (path.parent / "o.json").read_text()


def test_cli_schema_bundle(cli):
    result = cli("schema", "--bundle")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "Preflight assessment file"
    assert schema["properties"]["format"] == {"const": "preflight-assessment"}
    assert json.loads(cli("schema").stdout)["title"] == "Preflight questionnaire pack"


@pytest.mark.parametrize(
    ("qid", "value"),
    [
        ("vendor_region", "mars"),  # not an option
        ("vendor_exit_plan", 7),  # a 1-3 scale
        ("vendor_cost_per_call", "lots"),  # a number
        ("vendor_monthly_budget", 1e300),  # beyond the 1e15 limit
        ("vendor_dpa_signed", 42),  # yes / no / unknown
    ],
)
def test_an_answer_that_does_not_fit_its_question_is_refused(cli, tmp_path, packset, qid, value):
    """The digest proves the file was not edited since it was written, not that its values fit:
    a resealed file with a bad value is refused, naming the field, nothing written."""
    db = tmp_path / "p.db"
    with Store.open(db) as store:
        a = Session.create(store, packset, "Vendor")
        a.answer("vendor_name", "Acme")
        content = _share(store, packset, a.id)
        slug = a.assessment.slug
    content["answers"][0]["question_id"] = qid
    content["answers"][0]["value"] = value
    path = tmp_path / "bad.preflight.json"
    path.write_bytes(_seal(content))
    from tests.conftest import EXAMPLES

    out = cli("--questionnaires", str(EXAMPLES), "import", str(path), "--as", "bad", db=db)
    assert out.returncode == 4, out.stderr
    assert "bad.preflight.json: answers[0].value: " in out.stderr
    assert "Traceback" not in out.stderr
    with Store.open(db) as store:
        assert [x.slug for x in store.assessments()] == [slug]


def test_a_folder_is_refused_in_one_line(cli, tmp_path):
    out = cli("import", str(tmp_path))
    assert out.returncode == 4
    assert out.stderr.strip().endswith("cannot read: a folder"), out.stderr
