"""Answer files that set follow-ups and waivers: `[_followups.GATE_ID]` and `[_waivers.GATE_ID]`,
checked all or nothing with the answers and written in the same transaction."""

from __future__ import annotations

import json

import pytest

from app.core.answerfile import (
    FOLLOWUP_STATUSES,
    AnswerFileError,
    read_answer_file,
)
from app.core.engine import GateState
from app.errors import PreflightError
from app.quick.answerfile import apply_file
from app.session import Session
from app.store import Store
from app.store.models import FollowUpStatus
from tests.conftest import EXAMPLES, run_cli

GATE = "vendor_no_dpa"
"""Red when vendor_dpa_signed is "no" (questionnaires/examples/vendor.toml)."""

TOML = f"""\
vendor_dpa_signed = "no"

[_followups.{GATE}]
owner = "Priya Raman"
due = 2026-05-01
status = "in_progress"
note = "Legal has the draft"

[_waivers.{GATE}]
reason = "Synthetic data only until the DPA is signed"
approver = "Elena Varga"
expires = 2099-12-31
"""

DATA = {
    "vendor_dpa_signed": "no",
    "_followups": {
        GATE: {
            "owner": "Priya Raman",
            "due": "2026-05-01",
            "status": "in_progress",
            "note": "Legal has the draft",
        }
    },
    "_waivers": {
        GATE: {
            "reason": "Synthetic data only until the DPA is signed",
            "approver": "Elena Varga",
            "expires": "2099-12-31",
        }
    },
}


def session(store, packset) -> Session:
    assessment = store.create("Vendor pilot", packs=packset.versions())
    return Session.open(store, packset, assessment.id, today=lambda: "2026-04-01")


def written(store, assessment_id: int) -> tuple[dict, dict, dict]:
    return (
        store.answers(assessment_id),
        store.followups(assessment_id),
        store.waivers(assessment_id),
    )


def check_applied(store, s: Session) -> None:
    follow = store.followups(s.id)[GATE]
    assert (follow.owner, follow.due, follow.status, follow.note) == (
        "Priya Raman",
        "2026-05-01",
        FollowUpStatus.in_progress,
        "Legal has the draft",
    )
    waiver = store.waivers(s.id)[GATE]
    assert (waiver.approver, waiver.expires) == ("Elena Varga", "2099-12-31")
    assert store.answers(s.id)["vendor_dpa_signed"].value == "no"
    # The session's evaluation and the cached summary both count the waiver: not NO-GO.
    assert s.evaluation.gates[GATE].state is GateState.waived
    summary = store.get(s.id).summary
    assert summary.red == 0 and summary.verdict == "INCOMPLETE"
    assert summary.verdict == s.evaluation.verdict.value


def test_toml_file_sets_followup_and_waiver(store, packset, tmp_path):
    path = tmp_path / "answers.toml"
    path.write_text(TOML, encoding="utf-8")
    s = session(store, packset)
    applied = apply_file(s, path)
    assert (len(applied.entries), len(applied.followups), len(applied.waivers)) == (1, 1, 1)
    check_applied(store, s)


def test_json_file_sets_followup_and_waiver(store, packset, tmp_path):
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    s = session(store, packset)
    apply_file(s, path)
    check_applied(store, s)


def test_fields_left_out_keep_what_is_stored(store, packset, tmp_path):
    s = session(store, packset)
    s.set_followup(GATE, owner="Marco", due="2026-06-01", note="call legal")
    path = tmp_path / "answers.toml"
    path.write_text(f'[_followups.{GATE}]\nstatus = "done"\nnote = ""\n', encoding="utf-8")
    apply_file(s, path)
    follow = store.followups(s.id)[GATE]
    assert (follow.owner, follow.due, follow.status, follow.note) == (
        "Marco",
        "2026-06-01",
        FollowUpStatus.done,
        None,
    )


BAD = [
    pytest.param(
        {"_followups": {"nope": {"owner": "A"}}},
        "_followups.nope: unknown gate id",
        id="unknown-gate",
    ),
    pytest.param(
        {"_followups": {GATE: {"owner": "A", "colour": "red"}}},
        f"_followups.{GATE}.colour: unknown key (expected owner, due, status, note)",
        id="unknown-key",
    ),
    pytest.param(
        {"_followups": {GATE: {"due": "2026-02-30"}}},
        f"_followups.{GATE}.due: 2026-02-30 is not a day in the calendar",
        id="bad-due",
    ),
    pytest.param(
        {"_followups": {GATE: {"due": "next week"}}},
        f"_followups.{GATE}.due: expected a date as YYYY-MM-DD, got 'next week'",
        id="due-not-a-date",
    ),
    pytest.param(
        {"_followups": {GATE: {"status": "closed"}}},
        f"_followups.{GATE}.status: must be one of open, in_progress, done, got 'closed'",
        id="bad-status",
    ),
    pytest.param(
        {"_followups": {GATE: {"owner": "Eve\x1b[31m"}}},
        f"_followups.{GATE}.owner: cannot hold control characters or line breaks",
        id="control-owner",
    ),
    pytest.param(
        {"_followups": {GATE: {"note": "ok\nbut \x07 bell"}}},
        f"_followups.{GATE}.note: cannot hold control characters",
        id="control-note",
    ),
    pytest.param(
        {"_followups": {GATE: {"owner": 7}}},
        f"_followups.{GATE}.owner: must be text",
        id="owner-not-text",
    ),
    pytest.param(
        {"_followups": {GATE: "Priya"}},
        f"_followups.{GATE}: expected a table with owner, due, status, note",
        id="not-a-table",
    ),
    pytest.param(
        {"_followups": ["x"]},
        "_followups: expected a table of gate id",
        id="section-not-a-table",
    ),
    pytest.param(
        {"_waivers": {GATE: {"reason": "r", "expires": "2099-01-01"}}},
        f"_waivers.{GATE}.approver: a waiver needs a reason, an approver and an expiry date",
        id="waiver-no-approver",
    ),
    pytest.param(
        {"_waivers": {GATE: {"reason": " ", "approver": "E", "expires": "2099-01-01"}}},
        f"_waivers.{GATE}.reason: a waiver needs a reason",
        id="waiver-blank-reason",
    ),
    pytest.param(
        {"_waivers": {GATE: {"reason": "r", "approver": "E", "expires": "2020-01-01"}}},
        f"_waivers.{GATE}.expires: the waiver expired on 2020-01-01 (today is 2026-04-01)",
        id="waiver-expired",
    ),
    pytest.param(
        {"_waivers": {GATE: {"reason": "r", "approver": "E", "expires": "soon"}}},
        f"_waivers.{GATE}.expires: expected a date as YYYY-MM-DD",
        id="waiver-bad-date",
    ),
    pytest.param(
        {"_waivers": {GATE: {"reason": "r", "approver": "E", "expires": "2099-01-01", "by": 1}}},
        f"_waivers.{GATE}.by: unknown key (expected reason, approver, expires)",
        id="waiver-unknown-key",
    ),
]


@pytest.mark.parametrize(("bad", "line"), BAD)
def test_any_problem_applies_nothing(store, packset, tmp_path, capsys, bad, line):
    # A good file (an answer, a follow-up, a waiver) with one of its sections made bad.
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(DATA | bad), encoding="utf-8")
    s = session(store, packset)  # today is 2026-04-01
    with pytest.raises(PreflightError) as raised:
        apply_file(s, path)
    assert raised.value.exit_code == 4 and "nothing was applied" in str(raised.value)
    err = capsys.readouterr().err
    assert f"{path}: {line}" in err, err
    assert "\x1b" not in err
    assert written(store, s.id) == ({}, {}, {})


def test_waiver_expiring_today_is_taken_and_yesterday_refused(packset, tmp_path):
    path = tmp_path / "w.toml"
    path.write_text(
        f'[_waivers.{GATE}]\nreason = "r"\napprover = "E"\nexpires = 2026-04-01\n',
        encoding="utf-8",
    )
    assert read_answer_file(path, packset, today="2026-04-01").waivers[0].expires == "2026-04-01"
    with pytest.raises(AnswerFileError) as raised:
        read_answer_file(path, packset, today="2026-04-02")
    assert raised.value.lines == [
        f"{path}: _waivers.{GATE}.expires: the waiver expired on 2026-04-01 "
        "(today is 2026-04-02); give a date from today on"
    ]


def test_every_problem_is_listed(packset, tmp_path):
    path = tmp_path / "answers.toml"
    path.write_text(
        'vendor_dpa_signed = "maybe"\n'
        '[_followups.nope]\nowner = "A"\n'
        f'[_followups.{GATE}]\ndue = "x"\nstatus = "closed"\n'
        f'[_waivers.{GATE}]\nreason = "r"\n',
        encoding="utf-8",
    )
    with pytest.raises(AnswerFileError) as raised:
        read_answer_file(path, packset, today="2026-04-01")
    where = [line.split(": ")[1] for line in raised.value.lines]
    assert sorted(where) == sorted(
        [
            "vendor_dpa_signed",
            "_followups.nope",
            f"_followups.{GATE}.due",
            f"_followups.{GATE}.status",
            f"_waivers.{GATE}.approver",
            f"_waivers.{GATE}.expires",
        ]
    )


def test_a_later_step_failing_writes_nothing(store, packset, tmp_path, monkeypatch):
    """Answers, participants, follow-ups and waivers are one transaction: a failure while
    writing the waivers (the last step before the summary) leaves nothing of the file."""
    path = tmp_path / "answers.toml"
    path.write_text(
        TOML + '\n[_meta]\nparticipants = [{ name = "Priya Raman", role = "Tech lead" }]\n',
        encoding="utf-8",
    )
    s = session(store, packset)
    before = store.get(s.id)

    def broken(self, assessment_id, waivers):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "_put_waivers", broken)
    with pytest.raises(RuntimeError):
        apply_file(s, path)
    assert written(store, s.id) == ({}, {}, {})
    assert store.participants(s.id) == []
    after = store.get(s.id)
    assert (after.summary, after.updated_at) == (before.summary, before.updated_at)


def test_summary_reads_the_waiver_written_in_the_same_transaction(store, packset):
    """The summary function the store calls inside the write sees the waiver just written."""
    a = store.create("x", packs=packset.versions())
    seen = []

    def summary(committed):
        seen.append(store.active_waivers(a.id, "2026-04-01"))
        return Session.summary_of(Session(store, packset, a).evaluation)

    store.replace_answers(
        a.id,
        [("vendor_dpa_signed", "no", None, None)],
        summary=summary,
        waivers={GATE: {"reason": "r", "approver": "E", "expires": "2099-01-01"}},
    )
    assert seen == [{GATE}]


def test_waiver_from_another_writer_is_not_lost(store, packset, tmp_path):
    """The session expects the file's waiver: its committed summary is not 'stale' because of
    it, and a waiver set meanwhile by someone else is still counted."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    s = session(store, packset)
    assert s.evaluation.gates[GATE].state is GateState.unknown  # read before the other writer
    store.set_waiver(s.id, "vendor_fragile", reason="r", approver="E", expires="2099-01-01")
    apply_file(s, path)
    assert s.evaluation.gates[GATE].state is GateState.waived
    assert store.active_waivers(s.id, "2026-04-01") == {GATE, "vendor_fragile"}


def test_statuses_match_the_store():
    assert FOLLOWUP_STATUSES == tuple(s.value for s in FollowUpStatus)


def test_cli_applies_and_verdict_counts_the_waiver(tmp_path):
    db = tmp_path / "cli.db"
    slug = run_cli("new", "Vendor pilot", db=db).stdout.strip()
    path = tmp_path / "answers.toml"
    path.write_text(TOML, encoding="utf-8")
    ex = ["--questionnaires", str(EXAMPLES)]
    result = run_cli(*ex, "quick", slug, "--answers", str(path), db=db)
    # Waived: no longer NO-GO (1) but INCOMPLETE (3), the other vendor questions unanswered.
    assert result.returncode == 3, result.stderr
    assert "Applied 1 answer(s), 1 follow-up(s), 1 waiver(s) from" in result.stdout
    listed = json.loads(run_cli("list", "--json", db=db).stdout)
    assert listed[0]["summary"]["verdict"] == "INCOMPLETE"
    assert listed[0]["summary"]["red"] == 0
