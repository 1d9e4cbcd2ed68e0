"""The decision log (`preflight decide`): notes, the go/no-go decision and its rules, the page
and appendix lines, the JSON, share → import, and hostile text in decisions and names."""

from __future__ import annotations

import json

import pytest

from app import cli
from app.core.decisions import decision_line, needs_override
from app.errors import PreflightError
from app.export.appendix import render_appendix
from app.export.jsonout import document
from app.export.page import render_page
from app.export.snapshot import snapshot_from_store
from app.interchange import bundle
from app.session import Session
from app.store import Store
from app.store.models import DecisionKind
from tests.export_demo import load_demo, shipped_packset

CONDITIONAL = {  # the fragile-provider gate is amber, nothing red, nothing unknown
    "vendor_name": "Acme",
    "vendor_region": "us",
    "vendor_dpa_signed": "yes",
    "vendor_exit_plan": 1,
    "vendor_support": 1,
    "vendor_cost_per_call": 0.012,
    "vendor_calls_per_day": 5,
    "vendor_monthly_budget": 100,
}
GO = CONDITIONAL | {"vendor_exit_plan": 3, "vendor_support": 3}
NO_GO = CONDITIONAL | {"vendor_dpa_signed": "no"}

HOSTILE_TEXT = "[bold red]boom[/] **x** <b>y</b>\n# not a heading\n\x1b[31mred\x1b[0m | pipe"
HOSTILE_NAME = "[bold]Zoë[/bold] <O'Brien> *star*"


def _session(store, packset, answers, people=("Dana Whitfield", HOSTILE_NAME)) -> Session:
    s = Session.create(store, packset, "Pilot")
    for person in people:
        s.add_participant(person, "Role")
    for qid, value in answers.items():
        s.answer(qid, value)
    return s


def _decide(s: Session, verdict: str, by: str, **kw):
    digest = snapshot_from_store(s.store, s.id, s.packset, s.today()).digest
    return s.decide(verdict, by, digest=digest, **kw)


def _data(s: Session):
    return snapshot_from_store(s.store, s.id, s.packset, s.today())


def test_the_answers_give_the_verdicts_the_tests_expect(store, packset):
    for answers, verdict in ((GO, "GO"), (CONDITIONAL, "CONDITIONAL"), (NO_GO, "NO-GO")):
        s = _session(store, packset, answers)
        assert s.evaluation.verdict.value == verdict


# -- notes -----------------------------------------------------------------------------------


def test_a_note_is_recorded_with_who_when_and_gate(store, packset):
    s = _session(store, packset, CONDITIONAL)
    first = s.note_decision("Accept the single provider for the pilot", gate_id="vendor_fragile")
    second = s.note_decision("  Revisit in March  ", by="dana  WHITFIELD")
    log = s.decisions()
    assert [d.id for d in log] == [first.id, second.id]
    assert log[0].kind is DecisionKind.note and log[0].gate_id == "vendor_fragile"
    assert log[0].decided_by is None and log[0].decided_at.endswith("Z")
    assert (log[1].text, log[1].decided_by) == ("Revisit in March", "Dana Whitfield")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"text": "  "}, "cannot be empty"),
        ({"text": "x" * 2001}, "limited to 2000"),
        ({"text": "ok", "gate_id": "no_such_gate"}, "no gate 'no_such_gate'"),
        ({"text": "ok", "by": "Nobody Here"}, "Nobody Here is not a participant"),
    ],
    ids=["empty", "too-long", "unknown-gate", "not-a-participant"],
)
def test_a_note_is_refused(store, packset, kwargs, words):
    s = _session(store, packset, CONDITIONAL)
    text = kwargs.pop("text")
    with pytest.raises(PreflightError) as caught:
        s.note_decision(text, **kwargs)
    assert words in str(caught.value) and caught.value.exit_code == 2
    assert s.decisions() == []


# -- the go/no-go decision -------------------------------------------------------------------


def test_a_verdict_stores_what_was_computed(store, packset):
    s = _session(store, packset, CONDITIONAL)
    d = _decide(s, "go", "dana whitfield", note="Amber accepted")
    assert (d.verdict, d.computed_verdict, d.decided_by) == ("GO", "CONDITIONAL", "Dana Whitfield")
    assert d.open_gates == {"amber": ["vendor_fragile"]}
    assert d.digest == _data(s).digest and d.override is None and d.text == "Amber accepted"
    assert s.decisions() == [d]


@pytest.mark.parametrize(
    ("answers", "verdict", "needed"),
    [
        (NO_GO, "go", True),
        (NO_GO, "conditional", True),
        (NO_GO, "no-go", False),
        ({}, "go", True),  # INCOMPLETE
        ({}, "conditional", False),
        ({}, "no-go", False),
        (CONDITIONAL, "go", False),
        (GO, "no-go", False),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_an_override_is_needed_exactly_against_no_go_and_go_over_incomplete(
    store, packset, answers, verdict, needed
):
    s = _session(store, packset, answers)
    computed = s.evaluation.verdict.value
    assert needs_override(verdict.upper(), computed) is needed
    if needed:
        with pytest.raises(PreflightError) as caught:
            _decide(s, verdict, "Dana Whitfield")
        assert "needs an override" in str(caught.value) and caught.value.exit_code == 2
        d = _decide(s, verdict, "Dana Whitfield", override="Legal signed off in writing")
        assert d.override == "Legal signed off in writing"
    else:
        with pytest.raises(PreflightError, match="nothing to override"):
            _decide(s, verdict, "Dana Whitfield", override="because")
        assert _decide(s, verdict, "Dana Whitfield").override is None


def test_only_a_participant_decides(store, packset):
    s = _session(store, packset, CONDITIONAL)
    with pytest.raises(PreflightError) as caught:
        _decide(s, "go", "Elena Varga")
    assert "Elena Varga is not a participant" in str(caught.value)
    assert "Dana Whitfield" in str(caught.value)  # who can
    with pytest.raises(PreflightError, match="one of go, conditional, no-go"):
        _decide(s, "maybe", "Dana Whitfield")


def test_the_decider_the_packs_name_is_the_one_who_decides(tmp_path):
    packset = shipped_packset()
    with Store.open(tmp_path / "demo.db") as store:
        s = Session.open(store, packset, load_demo(store, packset).id)
        assert s.answers["gonogo_decider"].value["name"] == "Elena Varga"
        with pytest.raises(PreflightError) as caught:  # a participant, but not the decider
            _decide(s, "no-go", "Dana Whitfield")
        assert "the packs name Elena Varga as the go/no-go decider" in str(caught.value)
        with pytest.raises(PreflightError, match="not a participant"):
            _decide(s, "no-go", "Elena Varga")
        s.add_participant("Elena Varga", "VP Customer Experience")
        d = _decide(s, "no-go", "ELENA varga")
        assert d.decided_by == "Elena Varga" and d.computed_verdict == s.evaluation.verdict.value


# -- the page, the appendix, the JSON --------------------------------------------------------


def test_the_page_says_who_decided_beside_the_computed_verdict(store, packset):
    s = _session(store, packset, CONDITIONAL)
    before = _data(s)
    d = _decide(s, "go", "Dana Whitfield")
    page = render_page(_data(s))
    day = d.decided_at[:10]
    assert f"Decision: GO by Dana Whitfield on {day} (computed: CONDITIONAL, 1 amber)." in page
    assert "answers changed" not in page
    assert _data(s).digest == before.digest  # a decision does not change the pack's digest
    s.answer("vendor_support", 3)  # now GO: the decision rested on other answers
    page = render_page(_data(s))
    assert "(computed: CONDITIONAL, 1 amber); answers changed since this decision." in page


def test_the_page_says_an_override_in_words(store, packset):
    s = _session(store, packset, NO_GO)
    _decide(s, "go", "Dana Whitfield", override="DPA signed on paper; scan follows")
    page = render_page(_data(s)).replace("\n", " ")  # the line wraps at 120 characters
    assert "(computed: NO-GO, 1 red, 1 amber), overriding the computed NO-GO: DPA signed" in page
    assert "Decision:" in (check := render_appendix(_data(s)))
    assert "overriding the computed NO-GO" in check


def test_the_appendix_lists_every_decision_newest_last(store, packset):
    s = _session(store, packset, CONDITIONAL)
    s.note_decision("First", gate_id="vendor_fragile", by="Dana Whitfield")
    _decide(s, "conditional", "Dana Whitfield", note="Fix the amber by March")
    s.note_decision("Last")
    appendix = render_appendix(_data(s))
    section = appendix.split("## Decisions\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(section) == 3
    assert section[0].endswith("· Dana Whitfield · gate vendor_fragile: First")
    assert "Decision: CONDITIONAL by Dana Whitfield" in section[1]
    assert "Open gates then: amber: vendor_fragile. Note: Fix the amber by March" in section[1]
    assert section[2].endswith("· someone not named: Last")


def test_the_json_carries_decisions_only_when_there_are_some(store, packset):
    s = _session(store, packset, CONDITIONAL)
    assert "decisions" not in document(_data(s))
    _decide(s, "go", "Dana Whitfield")
    s.note_decision("Noted", gate_id="vendor_fragile")
    decisions = document(_data(s))["decisions"]
    assert [d["kind"] for d in decisions] == ["verdict", "note"]
    assert decisions[0]["computed_verdict"] == "CONDITIONAL"
    assert decisions[0]["answers_changed"] is False
    assert "id" not in decisions[0] and "answers_changed" not in decisions[1]


def test_hostile_text_and_names_stay_text(store, packset):
    s = _session(store, packset, NO_GO)
    s.note_decision(HOSTILE_TEXT, gate_id="vendor_no_dpa", by=HOSTILE_NAME)
    _decide(s, "conditional", HOSTILE_NAME, note=HOSTILE_TEXT, override=HOSTILE_TEXT)
    data = _data(s)
    for rendered in (render_page(data), render_appendix(data)):
        assert "\x1b" not in rendered
        assert "\n# not a heading" not in rendered
        assert "<b>y</b>" not in rendered and "**x**" not in rendered
    page = render_page(data)
    assert "Decision: CONDITIONAL by \\[bold\\]Zoë\\[/bold\\] \\<O'Brien> \\*star\\*" in page
    line = next(x for x in render_appendix(data).splitlines() if "gate vendor_no_dpa" in x)
    assert "\\[bold red\\]boom\\[/\\] \\*\\*x\\*\\* \\<b>y\\</b> # not a heading" in line
    assert "\\| pipe" in line or "| pipe" in line
    # The JSON keeps the text as given (ASCII-escaped by json.dumps).
    assert document(data)["decisions"][0]["text"] == HOSTILE_TEXT


# -- share and import --------------------------------------------------------------------------


def test_share_import_keeps_the_decision_log(store, packset, tmp_path):
    s = _session(store, packset, NO_GO)
    s.note_decision(HOSTILE_TEXT, gate_id="vendor_no_dpa", by=HOSTILE_NAME)
    _decide(s, "go", "Dana Whitfield", note="n", override="because\nreasons")
    first = _share(store, packset, s.id)
    data = bundle.dumps(first)
    assert [d["kind"] for d in first["decisions"]] == ["note", "verdict"]
    with Store.open(tmp_path / "other.db") as other:
        found = bundle.read(data)
        imported = Session.restore(
            other,
            packset,
            found.assessment,
            participants=found.participants,
            answers=found.answers,
            history=found.history,
            followups=found.followups,
            waivers=found.waivers,
            decisions=found.decisions,
        )
        assert bundle.dumps(_share(other, packset, imported.id)) == data
        strip = lambda d: {**vars_(d), "id": 0, "assessment_id": 0}  # noqa: E731
        assert [strip(d) for d in other.decisions(imported.id)] == [
            strip(d) for d in store.decisions(s.id)
        ]
        # The imported page says the same about the decision.
        page = render_page(snapshot_from_store(other, imported.id, packset, s.today()))
        page = page.replace("\n", " ")
        assert "overriding the computed NO-GO: because reasons." in page
        assert "answers changed" not in page


def vars_(record) -> dict:
    import dataclasses

    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _share(store, packset, ref) -> dict:
    a = store.get(ref)
    return bundle.build(
        a,
        store.participants(a.id),
        store.answers(a.id),
        store.history(a.id),
        store.followups(a.id),
        store.waivers(a.id),
        bundle.packs_in_use(packset),
        decisions=store.decisions(a.id),
    )


def _resealed(content: dict) -> bytes:
    content = dict(content)
    content["digest"] = bundle.digest(content)
    return json.dumps(content).encode()


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda d: d.update(kind="vote"), "decisions[0].kind"),
        (lambda d: d.update(verdict="MAYBE"), "decisions[0].verdict"),
        (lambda d: d.update(computed_verdict=None), "decisions[0].computed_verdict"),
        (lambda d: d.update(digest="abc"), "decisions[0].digest"),
        (lambda d: d.update(open_gates={"green": []}), "decisions[0].open_gates.green"),
        (lambda d: d.update(open_gates={"red": ["Bad Id"]}), "decisions[0].open_gates.red[0]"),
        (lambda d: d.update(decided_at="yesterday"), "decisions[0].decided_at"),
        (lambda d: d.update(decided_by="two\nlines"), "decisions[0].decided_by"),
        (lambda d: d.pop("override"), "decisions[0].override"),
        (lambda d: d.update(extra=1), "decisions[0].extra"),
    ],
    ids=[
        "kind",
        "verdict",
        "computed",
        "digest",
        "state",
        "gate-id",
        "stamp",
        "name",
        "missing",
        "unknown-key",
    ],
)
def test_the_reader_names_the_bad_field(store, packset, edit, field):
    s = _session(store, packset, CONDITIONAL)
    _decide(s, "go", "Dana Whitfield")
    content = _share(store, packset, s.id)
    edit(content["decisions"][0])
    with pytest.raises(bundle.BundleError) as caught:
        bundle.read(_resealed(content))
    assert caught.value.field == field


def test_a_note_in_a_file_has_no_verdict(store, packset):
    s = _session(store, packset, CONDITIONAL)
    s.note_decision("Noted")
    content = _share(store, packset, s.id)
    content["decisions"][0]["verdict"] = "GO"
    with pytest.raises(bundle.BundleError) as caught:
        bundle.read(_resealed(content))
    assert caught.value.field == "decisions[0].verdict"


def test_the_schema_describes_decisions():
    schema = bundle.json_schema()
    assert "decisions" in schema["required"]
    items = schema["properties"]["decisions"]["items"]
    assert list(items["properties"]) == list(bundle.DECISION_KEYS)
    assert items["properties"]["verdict"]["enum"] == [None, "GO", "CONDITIONAL", "NO-GO"]


# -- the command -------------------------------------------------------------------------------


def test_cli_decide_and_check(tmp_path, capsys):
    db = str(tmp_path / "cli.db")
    packs = ["--db", db]
    with Store.open(db) as store:
        packset = shipped_packset()
        slug = load_demo(store, packset).slug
        store.add_participant(store.get(slug).id, "Elena Varga", "VP")
    capsys.readouterr()
    assert cli.main(["decide", slug, "Start with EU tickets", "--by", "priya raman", *packs]) == 0
    assert cli.main(["decide", slug, "x", "--gate", "nope", *packs]) == 2
    assert "no gate 'nope'" in capsys.readouterr().err
    assert cli.main(["decide", slug, "--verdict", "go", "--by", "Dana Whitfield", *packs]) == 2
    err = capsys.readouterr().err
    assert "the packs name Elena Varga as the go/no-go decider" in err
    assert cli.main(["decide", slug, "--verdict", "go", "--by", "Elena Varga", *packs]) == 2
    assert "needs an override" in capsys.readouterr().err
    code = cli.main(
        ["decide", slug, "--verdict", "go", "--by", "Elena Varga", "--override", "Pilot only"]
        + packs
    )
    out = capsys.readouterr().out
    assert code == 0 and "Decision: GO by Elena Varga on " in out
    assert "overriding the computed " in out and ": Pilot only." in out
    cli.main(["check", slug, *packs])
    assert "  Decision: GO by Elena Varga" in capsys.readouterr().out
    assert cli.main(["decide", slug, *packs]) == 2
    assert cli.main(["decide", slug, "--verdict", "go", *packs]) == 2
    assert "needs --by" in capsys.readouterr().err


def test_decision_line_in_words():
    line = decision_line(
        verdict="GO",
        by="Dana Whitfield",
        day="2026-12-01",
        computed="CONDITIONAL",
        gates={"amber": ["a", "b"]},
        override=None,
        changed=False,
    )
    assert line == "Decision: GO by Dana Whitfield on 2026-12-01 (computed: CONDITIONAL, 2 amber)."


def test_the_migration_is_numbered_0010_and_sets_the_version(store):
    from app.store import schema

    assert schema.KNOWN[9] == "0010_decisions" and schema.SCHEMA_VERSION >= 10
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    columns = [r[1] for r in store.conn.execute("PRAGMA table_info(decisions)")]
    assert columns == [
        "id",
        "assessment_id",
        "kind",
        "text",
        "gate_id",
        "decided_by",
        "decided_at",
        "verdict",
        "computed_verdict",
        "digest",
        "open_gates",
        "override",
    ]
