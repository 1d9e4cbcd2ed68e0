"""The store façade: assessments, answers and history, people, follow-ups, waivers, migrations."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from app.errors import PreflightError
from app.store import NotFound, Store, schema
from app.store.models import FollowUpStatus, Summary
from tests.conftest import run_python


def test_create_get_by_slug_and_id(store):
    created = store.create("Support summariser (EU)", "first pilot", packs={"vendor": "1.0"})
    assert created.slug == "support-summariser-eu"
    assert store.get(created.slug) == created
    assert store.get(created.id) == created
    assert store.get(str(created.id)) == created
    assert created.packs == {"vendor": "1.0"}
    assert created.created_at.endswith("Z") and "T" in created.created_at


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Café Crème", "cafe-creme"),
        ("  --Hello, World!--  ", "hello-world"),
        ("🚀🚀", "assessment"),
        ("2024", "assessment-2024"),
        ("x" * 100, "x" * 40),
        ("a-" * 30, ("a-" * 20).rstrip("-")),
    ],
    ids=["accents", "punctuation", "emoji-only", "digits-only", "long", "long-dashes"],
)
def test_slug_shape(store, name, slug):
    assert store.create(name).slug == slug


def test_slugs_deduplicated(store):
    slugs = [store.create("Same name").slug for _ in range(3)]
    assert slugs == ["same-name", "same-name-2", "same-name-3"]
    long = [store.create("y" * 60).slug for _ in range(2)]
    assert long == ["y" * 40, "y" * 38 + "-2"]


def test_not_found_is_a_clear_error(store):
    with pytest.raises(NotFound, match="no assessment 'nope'"):
        store.get("nope")
    with pytest.raises(NotFound):
        store.get(42)


def test_rename_keeps_slug_archive_and_list(store):
    a = store.create("First")
    b = store.create("Second")
    renamed = store.rename(a.slug, "Renamed")
    assert (renamed.name, renamed.slug) == ("Renamed", "first")
    store.set_archived(b.id)
    assert [x.slug for x in store.assessments()] == ["first"]
    assert {x.slug for x in store.assessments(include_archived=True)} == {"first", "second"}
    store.set_archived("second", archived=False)
    assert {x.slug for x in store.assessments()} == {"first", "second"}


def test_delete_cascades(store):
    a = store.create("Doomed")
    keep = store.create("Kept")
    store.save_answer(a.id, "q", "yes")
    store.save_answer(keep.id, "q", "no")
    store.add_participant(a.id, "Ana", "owner")
    store.set_followup(a.id, "g", owner="Ana", due="2026-12-01", status="open", note=None)
    store.set_waiver(a.id, "g", reason="r", approver="Bo", expires="2026-12-31")
    store.delete(a.slug)
    db = store.db
    for table in ("answers", "answer_history", "participants", "gate_followups", "waivers"):
        count = db.execute(f"SELECT count(*) FROM {table} WHERE assessment_id = ?", [a.id])
        assert count.fetchone()[0] == 0, table
    assert store.answers(keep.id)["q"].value == "no"


def test_answer_upsert_history_and_clear(store):
    a = store.create("A")
    first = store.save_answer(a.id, "q1", "yes", note="checked", answered_by="Ana")
    assert (first.value, first.note, first.answered_by) == ("yes", "checked", "Ana")
    second = store.save_answer(a.id, "q1", "no", answered_by="Bo")
    assert second.note == "checked", "note=None keeps the stored note"
    third = store.save_answer(a.id, "q1", "no", note="")
    assert third.note is None, "note='' removes it"
    store.save_answer(a.id, "q1", "no")  # unchanged: no history line
    store.clear_answer(a.id, "q1", answered_by="Ana")
    store.clear_answer(a.id, "q1")  # already clear: no history line
    assert store.answers(a.id) == {}
    steps = [(h.old_value, h.new_value, h.changed_by) for h in store.history(a.id, "q1")]
    assert steps == [
        (None, "yes", "Ana"),
        ("yes", "no", "Bo"),
        ("no", "no", None),
        ("no", None, "Ana"),
    ]
    assert store.get(a.id).updated_at >= a.updated_at


def test_save_answer_with_summary_is_one_write(store):
    a = store.create("A")
    summary = Summary(answered=1, total=8, verdict="NO-GO", red=1)
    store.save_answer(a.id, "q", 3, summary=summary)
    assert store.get(a.id).summary == summary
    store.clear_answer(a.id, "q", summary=Summary(total=8))
    assert store.get(a.id).summary == Summary(total=8)


def test_evidence_hash_and_capture_time(store, tmp_path):
    a = store.create("A")
    proof = tmp_path / "dpa.pdf"
    proof.write_bytes(b"signed")
    rec = store.save_answer(a.id, "q", "yes", evidence=str(proof))
    assert rec.evidence.ref == str(proof)
    assert (
        rec.evidence.sha256 == "a4d3d2e1f4bca3a2a6a6e0e1f1a8fe3b4fe5eec0d1d79f3a4a5bad1bfa8b0de9"
        or len(rec.evidence.sha256) == 64
    )
    import hashlib

    assert rec.evidence.sha256 == hashlib.sha256(b"signed").hexdigest()
    kept = store.save_answer(a.id, "q", "no")
    assert kept.evidence == rec.evidence, "evidence=None keeps what is stored"
    url = store.save_answer(a.id, "q", "no", evidence="https://example.com/dpa")
    assert url.evidence.sha256 is None
    gone = store.save_answer(a.id, "q", "no", evidence="")
    assert gone.evidence is None


def test_replace_answers_all_or_nothing(store):
    a = store.create("A")
    store.save_answer(a.id, "old", "yes")
    entries = [("q1", "yes", "n1", None), ("q2", [1, 2], None, "https://x")]
    out = store.replace_answers(a.id, entries, answered_by="file", clear_others=True)
    assert set(out) == {"q1", "q2"}
    assert out["q2"].evidence.ref == "https://x"
    assert store.history(a.id, "old")[-1].new_value is None
    with pytest.raises(ValueError):
        store.replace_answers(a.id, [("q3", "ok", None, None), ("q4", None, None, None)])
    assert set(store.answers(a.id)) == {"q1", "q2"}, "a failed batch leaves nothing behind"


def test_participants(store):
    a = store.create("A")
    ana = store.add_participant(a.id, "Ana", "product owner")
    bo = store.add_participant(a.id, "Bo", "security")
    assert store.participants(a.id) == [ana, bo]
    with pytest.raises(PreflightError, match="already a participant"):
        store.add_participant(a.id, "  ana ", "someone else")
    assert store.participant_named(a.id, "ANA") == ana
    assert store.participant_named(a.id, "Cy") is None


def test_followups_and_waivers(store):
    a = store.create("A")
    f = store.set_followup(
        a.id, "g1", owner="Ana", due="2026-12-01", status="in_progress", note="x"
    )
    assert store.followups(a.id) == {"g1": f}
    f2 = store.set_followup(a.id, "g1", owner="Bo", due=None, status=FollowUpStatus.done, note=None)
    assert store.followups(a.id)["g1"].status is FollowUpStatus.done and f2.owner == "Bo"
    store.set_waiver(a.id, "g1", reason="accepted", approver="CISO", expires="2026-06-30")
    store.set_waiver(a.id, "g2", reason="accepted", approver="CISO", expires="2026-01-31")
    assert store.active_waivers(a.id, "2026-01-31") == {"g1", "g2"}
    assert store.active_waivers(a.id, "2026-02-01") == {"g1"}
    assert store.active_waivers(a.id, "2026-07-01") == set()
    store.remove_waiver(a.id, "g1")
    assert set(store.waivers(a.id)) == {"g2"}


def test_writes_on_missing_assessment_raise_not_found(store):
    with pytest.raises(NotFound):
        store.save_answer(99, "q", "yes")


HOSTILE = [
    "\x00",
    "a\x00b\x00",
    "\x1b[31mred\x1b[0m\x1b]0;title\x07",
    "".join(chr(i) for i in range(32)) + "\x7f",
    "שלום עולם \u202e\u202dabc",
    "👩‍👩‍👧‍👦🏳️‍🌈",
    "# Title\n\n* item\n\n```\ncode\n```",
    "<script>alert(1)</script>&amp;",
    "\ud800 lone surrogate",
    "x" * 1_048_576,
    {"name": "\x00", "role": "\u202e"},
    ["\x1b", "💥"],
]


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:20])
def test_hostile_values_round_trip(tmp_path, value):
    with Store.open(tmp_path / "h.db") as s:
        a = s.create("H")
        as_note = isinstance(value, str) and "\ud800" not in value
        s.save_answer(a.id, "q", value, note=value if as_note else None)
    with Store.open(tmp_path / "h.db") as s:
        rec = s.answers(a.id)["q"]
        assert rec.value == value
        if as_note:
            assert rec.note == value
        assert s.history(a.id, "q")[0].new_value == value


def test_lone_surrogate_in_a_note_is_refused_cleanly(store):
    from app.store import StoreError

    a = store.create("S")
    with pytest.raises(StoreError, match="lone surrogates"):
        store.save_answer(a.id, "q", "v", note="\udc80")
    assert store.answers(a.id) == {}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=10,
    ).filter(lambda v: v is not None),
    note=st.text(),
)
def test_any_json_value_round_trips(store, value, note):
    a = store.get("prop") if store.assessments() else store.create("prop")
    store.save_answer(a.id, "q", value, note=note or "")
    rec = store.answers(a.id)["q"]
    assert rec.value == value
    assert rec.note == (note or None)


def test_migration_from_first_schema_keeps_answers_and_history(tmp_path):
    path = tmp_path / "v1.db"
    db = Database(sqlite3.connect(path))
    schema.migrations().apply(db, stop_before="0002_summary_and_history_index")
    assert "summary" not in db["assessments"].columns_dict
    db.execute(
        "INSERT INTO assessments (id, slug, name, packs, created_at, updated_at) "
        "VALUES (1, 'old', 'Old one', '{\"vendor\": \"1.0\"}', '2025-01-01T00:00:00Z', "
        "'2025-01-02T00:00:00Z')"
    )
    db.execute(
        "INSERT INTO answers (assessment_id, question_id, value, note, answered_by, answered_at) "
        "VALUES (1, 'q', '\"yes\"', 'kept', 'Ana', '2025-01-02T00:00:00Z')"
    )
    db.execute(
        "INSERT INTO answer_history (assessment_id, question_id, old_value, new_value, note, "
        "changed_by, changed_at) VALUES (1, 'q', NULL, '\"yes\"', 'kept', 'Ana', "
        "'2025-01-02T00:00:00Z')"
    )
    db.conn.commit()
    db.close()
    with Store.open(path) as s:
        old = s.get("old")
        assert old.summary == Summary() and old.packs == {"vendor": "1.0"}
        assert s.answers(1)["q"].value == "yes" and s.answers(1)["q"].note == "kept"
        assert [h.new_value for h in s.history(1)] == ["yes"]
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert "answer_history_by_question" in {i.name for i in s.db["answer_history"].indexes}
        s.save_answer(1, "q", "no")
        assert len(s.history(1, "q")) == 2


def test_schema_is_readable(store):
    db = store.db
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    fks = db["answers"].foreign_keys
    assert [(fk.column, fk.other_table) for fk in fks] == [("assessment_id", "assessments")]
    ddl = db["answers"].schema
    assert "ON DELETE CASCADE" in ddl


def test_default_path_is_in_user_data_dir():
    path = Store.default_path()
    assert path.name == "preflight.db" and "preflight" in str(path.parent).lower()


def test_usable_from_another_thread(store):
    import threading

    a = store.create("T")
    errors = []

    def work(n):
        try:
            for i in range(20):
                store.save_answer(a.id, f"q{n}", i)
        except Exception as exc:  # pragma: no cover - the assertion shows it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {k: r.value for k, r in store.answers(a.id).items()} == {f"q{n}": 19 for n in range(4)}


def test_no_scratch_table_probe_on_write(tmp_path):
    """sqlite-utils' upsert probe (create + drop a scratch table) takes the write lock twice."""
    with Store.open(tmp_path / "p.db") as s:
        a = s.create("P")
    with Store.open(tmp_path / "p.db") as s:
        seen: list[str] = []
        s.db.conn.set_trace_callback(seen.append)
        s.save_answer(a.id, "q", "yes")
        s.set_followup(a.id, "g", owner="A", due=None, status="open", note=None)
        s.set_waiver(a.id, "g", reason="r", approver="B", expires="2030-01-01")
    assert not [q for q in seen if "create table" in q.lower() or "drop table" in q.lower()]
    assert [q for q in seen if q.startswith("BEGIN")] == ["BEGIN IMMEDIATE"] * 3


def test_schema_constants_match_sqlite_utils():
    """The store reads migration state with plain SQL; keep its names in step with sqlite-utils."""
    registry = schema.migrations()
    assert registry.migrations_table == schema.MIGRATIONS_TABLE
    assert [m.name for m in registry._migrations] == schema.KNOWN


def test_reading_needs_no_sqlite_utils(tmp_path):
    db = tmp_path / "read.db"
    with Store.open(db) as store:
        store.create("Alpha")
    code = (
        "import sys\nfrom app.store import Store\n"
        f"s = Store.open({str(db)!r}); s.assessments(); s.answers(1); s.close()\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    result = run_python(code)
    assert result.stdout.strip() == "False", result.stderr


def test_the_store_loads_no_engine(tmp_path):
    # The home screen opens the store before its first frame; the engine (and the packs it
    # needs) load after it. Disagreements are plain data (app.core.disputes) for that reason.
    db = tmp_path / "read.db"
    with Store.open(db) as store:
        store.create("Alpha")
    code = (
        "import sys\nfrom app.store import Store\n"
        f"s = Store.open({str(db)!r}); s.assessments(); s.disputes(1); s.close()\n"
        "print(sorted(m for m in sys.modules if m in ('app.core.engine', 'app.core.packs')))\n"
    )
    result = run_python(code)
    assert result.stdout.strip() == "[]", result.stderr


def test_a_hand_edited_summary_or_packs_column_reads_as_defaults(store):
    a = store.create("Edited by hand")
    for summary, packs in [
        ("[1]", "7"),
        ('{"red": "three", "answered": 2}', "{"),
        ("not json", ""),
    ]:
        with store.db.conn:
            store.db.conn.execute(
                "UPDATE assessments SET summary = ?, packs = ? WHERE id = ?", [summary, packs, a.id]
            )
        got = store.get(a.id)
        assert got.summary.red == 0 and got.packs == {}
        assert [x.slug for x in store.assessments()] == [a.slug]
    assert got.summary.answered == 0  # the last, unreadable summary left every count at 0


def test_a_column_added_by_hand_does_not_break_reads(store):
    a = store.create("Extra columns")
    store.add_participant(a.id, "Ana Ruiz", "security")
    store.set_followup(a.id, "g", owner="Ana Ruiz (security)", due="2026-12-01")
    store.set_waiver(a.id, "g", reason="Pilot only", approver="CISO", expires="2026-12-31")
    with store.db.conn:
        for table in ("participants", "gate_followups", "waivers"):
            store.db.conn.execute(f"ALTER TABLE {table} ADD COLUMN priority TEXT DEFAULT 'x'")
    assert [p.name for p in store.participants(a.id)] == ["Ana Ruiz"]
    assert store.followups(a.id)["g"].owner == "Ana Ruiz (security)"
    assert store.waivers(a.id)["g"].approver == "CISO"


def test_migration_merges_participants_that_are_one_person(tmp_path):
    path = tmp_path / "v4.db"
    db = Database(sqlite3.connect(path))
    schema.migrations().apply(db, stop_before="0005_one_participant_per_name")
    db.execute(
        "INSERT INTO assessments (id, slug, name, created_at, updated_at) "
        "VALUES (1, 'old', 'Old', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'), "
        "(2, 'other', 'Other', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')"
    )
    db.execute(
        "INSERT INTO participants (assessment_id, name, role) VALUES "
        "(1, 'Priya Raman', ''), (1, 'priya  raman', 'Tech lead'), (1, 'PRIYA RAMAN', 'x'), "
        "(1, 'Dana', 'Security'), (2, 'Priya Raman', 'Lead')"
    )
    for who in ("Priya Raman", "priya  raman", "Dana"):
        db.execute(
            "INSERT INTO answers (assessment_id, question_id, value, answered_by, answered_at) "
            "VALUES (1, ?, '\"yes\"', ?, '2025-01-02T00:00:00Z')",
            [f"q_{who.split()[0].lower()}_{len(who)}", who],
        )
    db.conn.commit()
    db.close()
    with Store.open(path) as s:
        people = s.participants(1)
        assert [(p.name, p.role) for p in people] == [
            ("Priya Raman", "Tech lead"),
            ("Dana", "Security"),
        ], "merged into the first added, keeping the role it lacked"
        assert [(p.name, p.role) for p in s.participants(2)] == [("Priya Raman", "Lead")]
        assert len(s.answers(1)) == 3, "every answer kept"
        with pytest.raises(sqlite3.IntegrityError):
            s.conn.execute(
                "INSERT INTO participants (assessment_id, name, name_key, role) "
                "VALUES (1, 'Dana', 'dana', '')"
            )


def test_a_deleted_assessments_id_is_never_given_again(tmp_path):
    """SQLite gives a new row the highest id in use + 1: deleting the newest assessment freed
    its id, and a wizard still open on it wrote into the next one created (found in review)."""
    from app.core.packs import load_packs
    from app.core.paths import shipped_dir
    from app.errors import PreflightError
    from app.session import Session

    packs = load_packs([shipped_dir()]).packset
    path = tmp_path / "p.db"
    with Store.open(path) as mine, Store.open(path) as theirs:
        mine.create("Ana")
        ben = Session.create(mine, packs, "Ben")
        ben.answer("kpi_target", "ben's kpi")
        theirs.delete("ben")
        gamma = theirs.create("Gamma")
        assert gamma.id > ben.id
        with pytest.raises(PreflightError, match="no assessment"):
            ben.answer("kpi_owner", "Ben (lead)")
        assert theirs.answers(gamma.id) == {}
        again = theirs.restore(dataclasses.replace(gamma, slug="gamma-2"))
        assert again.id > gamma.id


def test_ids_grow_past_a_database_made_before_the_ids_table(tmp_path):
    path = tmp_path / "p.db"
    with Store.open(path) as store:
        store.create("A")
        b = store.create("B")
        store.conn.execute("UPDATE assessment_ids SET last = 0")  # as the migration found it
        store.conn.commit()
        assert store.create("C").id == b.id + 1
        store.delete("c")
        assert store.create("D").id == b.id + 2
