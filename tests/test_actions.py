"""`preflight actions`: the action plan's rows, order and flags, its formats (CSV that opens in a
spreadsheet as is and never runs a formula), `--overdue` and the exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from app.export.actions import (
    COLUMNS,
    JSON_KEYS,
    action_rows,
    csv_cell,
    to_csv,
    to_markdown,
)
from app.export.snapshot import snapshot_from_store
from tests.conftest import EXAMPLES, ROOT, run_cli

TODAY = "2026-04-01"
NO_DPA, COST, FRAGILE = "vendor_no_dpa", "vendor_cost_over_budget", "vendor_fragile"
"""The example pack's gates: red, red, amber (questionnaires/examples/vendor.toml)."""


def assessment(store, answers: dict, name: str = "Vendor pilot"):
    a = store.create(name)
    store.replace_answers(a.id, [(qid, value, None, None) for qid, value in answers.items()])
    return a


def rows(store, packset, a, today: str = TODAY):
    return action_rows(snapshot_from_store(store, a.id, packset, date=today), today)


def ids(found) -> list[str]:
    return [row.gate_id for row in found]


RED_AMBER_UNKNOWN = {"vendor_dpa_signed": "no", "vendor_exit_plan": 1, "vendor_support": 1}
"""No DPA red, fragile amber (resilience 2), cost unknown (unanswered)."""
ALL_FIRE = RED_AMBER_UNKNOWN | {
    "vendor_cost_per_call": 1,
    "vendor_calls_per_day": 1000,
    "vendor_monthly_budget": 1,
}
"""Both reds and the amber fire."""


def test_severity_order_without_follow_ups(store, packset):
    a = assessment(store, RED_AMBER_UNKNOWN)
    found = rows(store, packset, a)
    assert ids(found) == [NO_DPA, COST, FRAGILE]  # red, unknown, amber
    assert [row.flags for row in found] == [(), (), ()]
    assert found[0].status == "open" and found[0].owner is None
    assert found[0].cells()[3] == "✗ RED"


def test_overdue_first_then_due_soon_then_severity_then_due(store, packset):
    a = assessment(store, ALL_FIRE)
    store.set_followup(a.id, FRAGILE, owner="Marco", due="2026-03-20")  # amber, overdue
    store.set_followup(a.id, COST, due="2026-06-01")  # red, due later
    store.set_followup(a.id, NO_DPA, due="2026-05-01")  # red, due sooner
    found = rows(store, packset, a)
    assert ids(found) == [FRAGILE, NO_DPA, COST]
    assert found[0].flags == ("OVERDUE",) and found[0].overdue
    store.set_followup(a.id, COST, due="2026-04-15")  # within 14 days: due soon
    found = rows(store, packset, a)
    assert ids(found) == [FRAGILE, COST, NO_DPA]
    assert [row.flag for row in found] == ["OVERDUE", "DUE SOON", ""]


def test_due_today_is_not_overdue_and_day_15_is_not_soon(store, packset):
    a = assessment(store, ALL_FIRE)
    store.set_followup(a.id, NO_DPA, due=TODAY)
    store.set_followup(a.id, COST, due="2026-04-16")
    by_id = {row.gate_id: row for row in rows(store, packset, a)}
    assert by_id[NO_DPA].flags == ("DUE SOON",)
    assert by_id[COST].flags == ()


def test_done_follow_ups_are_never_overdue_and_clear_gates_only_while_not_done(store, packset):
    a = assessment(store, ALL_FIRE | {"vendor_exit_plan": 3, "vendor_support": 3})  # not fragile
    store.set_followup(a.id, NO_DPA, due="2026-01-01", status="done")  # still red: listed
    store.set_followup(a.id, FRAGILE, owner="Marco", due="2026-01-01", status="in_progress")
    found = {row.gate_id: row for row in rows(store, packset, a)}
    assert found[NO_DPA].flags == () and found[NO_DPA].status == "done"
    assert found[FRAGILE].state.value == "clear" and found[FRAGILE].overdue
    store.set_followup(a.id, FRAGILE, status="done")
    assert FRAGILE not in ids(rows(store, packset, a))


def test_waiver_flags(store, packset):
    a = assessment(store, ALL_FIRE)
    store.set_waiver(a.id, NO_DPA, reason="synthetic data", approver="Elena", expires="2026-04-05")
    store.set_followup(a.id, FRAGILE, due="2026-03-01")  # overdue
    found = rows(store, packset, a)
    assert ids(found) == [FRAGILE, NO_DPA, COST]
    assert found[1].state.value == "waived"
    assert (found[1].flags, found[1].waiver_expires) == (("WAIVER EXPIRES SOON",), "2026-04-05")
    # The day after it expires the gate blocks again: flagged, after the overdue ones.
    store.set_followup(a.id, COST, due="2026-04-10")
    found = rows(store, packset, a, today="2026-04-06")
    assert ids(found) == [FRAGILE, NO_DPA, COST]
    assert (found[1].state.value, found[1].flags) == ("red", ("WAIVER EXPIRED",))
    assert found[2].flags == ("DUE SOON",)
    assert not found[1].overdue  # an expired waiver is not an overdue follow-up


def test_waiver_on_a_gate_that_no_longer_fires_is_not_flagged(store, packset):
    a = assessment(store, ALL_FIRE | {"vendor_dpa_signed": "yes"})
    store.set_waiver(a.id, NO_DPA, reason="r", approver="E", expires="2026-04-02")
    store.set_followup(a.id, NO_DPA, owner="Priya")
    row = next(r for r in rows(store, packset, a) if r.gate_id == NO_DPA)
    assert (row.state.value, row.flags, row.waiver_expires) == ("clear", (), "2026-04-02")


def test_go_no_go_gates_show_their_full_title(store):
    from app.core.packs import load_packs
    from app.core.paths import shipped_dir

    packset = load_packs([shipped_dir()]).packset
    a = store.create("Shipped")
    titles = [row.gate for row in rows(store, packset, a)]
    assert any(title.startswith("Go/no-go: ") for title in titles)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_get_a_quote(start):
    assert csv_cell(f"{start}1+1") == f"'{start}1+1"


def test_csv_cells_otherwise_as_given():
    assert csv_cell(None) == ""
    assert csv_cell('Ann, "the boss"\nSmith') == 'Ann, "the boss"\nSmith'
    assert csv_cell("a\x1b[31mb\u202e") == "a[31mb"
    assert csv_cell("2026-04-01") == "2026-04-01"
    assert csv_cell(" =1") == " =1"


HOSTILE = {
    NO_DPA: "=cmd|' /C calc'!A0",
    COST: 'Ann, "the boss"\nSmith',
    FRAGILE: "@SUM(A1:A2), +1 -2",
}


def hostile(store):
    a = assessment(store, ALL_FIRE)
    for gate_id, owner in HOSTILE.items():
        store.set_followup(a.id, gate_id, owner=owner, due="2026-03-01")
    return a


def test_csv_round_trip_with_hostile_text(store, packset):
    a = hostile(store)
    text = to_csv(rows(store, packset, a))
    assert text.startswith(",".join(COLUMNS) + "\r\n")
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == list(COLUMNS)
    owners = {r[COLUMNS.index("gate_id")]: r[COLUMNS.index("owner")] for r in parsed[1:]}
    assert owners == {
        NO_DPA: "'=cmd|' /C calc'!A0",
        COST: 'Ann, "the boss"\nSmith',
        FRAGILE: "'@SUM(A1:A2), +1 -2",
    }
    assert all(len(r) == len(COLUMNS) for r in parsed)
    assert {r[COLUMNS.index("flag")] for r in parsed[1:]} == {"OVERDUE"}


def test_markdown_escapes_and_keeps_one_line_per_row(store, packset):
    a = hostile(store)
    store.set_followup(a.id, FRAGILE, owner="a|b\x1b[2J*bold*", due="2026-03-01")
    data = snapshot_from_store(store, a.id, packset, date=TODAY)
    text = to_markdown(data, action_rows(data, TODAY), TODAY, overdue_only=False)
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(table) == 2 + 3  # header, rule, three rows: the owner's line break is a space
    assert all(line.count(" | ") == 7 for line in table)
    assert "a\\|b\\[2J\\*bold\\*" in text and "\x1b" not in text
    assert 'Ann, "the boss" Smith' in text


@pytest.fixture
def db(tmp_path):
    return tmp_path / "cli.db"


EX = ["--questionnaires", str(EXAMPLES)]


def actions_bytes(db, *args: str) -> subprocess.CompletedProcess:
    """The CLI's stdout as bytes (text mode would turn CRLF into LF)."""
    return subprocess.run(
        [sys.executable, "-m", "app", "--db", str(db), *EX, "actions", *args],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
        timeout=120,
    )


def cli_assessment(db, answers: dict, followups: dict | None = None):
    from app.store import Store

    with Store.open(db) as store:
        a = assessment(store, answers)
        for gate_id, fields in (followups or {}).items():
            store.set_followup(a.id, gate_id, **fields)
        return a.slug


def test_cli_csv_bytes_no_bom_crlf_and_exit_1_when_overdue(db):
    slug = cli_assessment(
        db, ALL_FIRE, {g: {"owner": o, "due": "2026-03-01"} for g, o in HOSTILE.items()}
    )
    result = actions_bytes(db, slug, "--format", "csv", "--date", TODAY)
    assert result.returncode == 1, result.stderr
    raw = result.stdout
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.startswith(b"flag,gate,gate_id,state,owner,due,status,waiver_expires,fix\r\n")
    assert raw.endswith(b"\r\n")
    # Every record ends in CRLF; the one bare LF is inside the quoted owner.
    assert raw.replace(b"\r\n", b"").count(b"\n") == 1
    parsed = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    by_id = {r[2]: r for r in parsed[1:]}
    assert by_id[NO_DPA][4] == "'=cmd|' /C calc'!A0"
    assert by_id[COST][4] == 'Ann, "the boss"\nSmith'
    assert by_id[NO_DPA][3] == "✗ RED" and by_id[NO_DPA][5] == "2026-03-01"
    assert parsed[1][0] == "OVERDUE"  # most urgent first


def test_cli_overdue_only_and_exit_codes(db):
    slug = cli_assessment(
        db, ALL_FIRE, {FRAGILE: {"due": "2026-03-01"}, NO_DPA: {"due": "2026-04-30"}}
    )
    only = run_cli(*EX, "actions", slug, "--overdue", "--date", TODAY, db=db)
    assert only.returncode == 1, only.stderr
    table = [line for line in only.stdout.splitlines() if line.startswith("| ")]
    assert len(table) == 3 and "OVERDUE" in table[2]
    assert "1 overdue item(s), 1 overdue" in only.stdout
    # Before the due day nothing is overdue: exit 0, and --overdue lists nothing.
    early = run_cli(*EX, "actions", slug, "--overdue", "--date", "2026-02-01", db=db)
    assert early.returncode == 0 and "Nothing overdue." in early.stdout
    listed = run_cli(*EX, "actions", slug, "--format", "json", "--date", "2026-02-01", db=db)
    assert listed.returncode == 0, listed.stderr
    records = json.loads(listed.stdout)
    assert all(tuple(r) == JSON_KEYS for r in records)
    # Nothing flagged on that day: by severity, then due day (the reds first, dated one first).
    assert [r["gate_id"] for r in records[:2]] == [NO_DPA, COST]
    assert all(r["flags"] == [] for r in records)
    fragile = next(r for r in records if r["gate_id"] == FRAGILE)
    assert fragile["state"] == "amber" and fragile["badge"] == "! AMBER"


def test_cli_json_is_terminal_safe(db):
    slug = cli_assessment(db, ALL_FIRE, {NO_DPA: {"owner": "Eve\x1b[31m\u202e"}})
    result = run_cli(*EX, "actions", slug, "--format", "json", "--date", TODAY, db=db)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    owners = {r["gate_id"]: r["owner"] for r in json.loads(result.stdout)}
    assert owners[NO_DPA] == "Eve\x1b[31m\u202e"  # escaped, so it reads back exactly


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(["--date", "2026-02-30"], 2, "not a day in the calendar", id="bad-date"),
        pytest.param(["--format", "xlsx"], 2, "invalid choice", id="bad-format"),
    ],
)
def test_cli_usage_errors(db, args, code, message):
    slug = cli_assessment(db, {})
    result = run_cli(*EX, "actions", slug, *args, db=db)
    assert result.returncode == code and message in result.stderr


def test_cli_unknown_assessment_and_unreadable_store(db, tmp_path):
    cli_assessment(db, {})
    missing = run_cli(*EX, "actions", "nope", db=db)
    assert missing.returncode == 2 and "no assessment 'nope'" in missing.stderr
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all, just some bytes" * 40)
    broken = run_cli(*EX, "actions", "x", db=junk)
    assert broken.returncode == 4 and "Traceback" not in broken.stderr
