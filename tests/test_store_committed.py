"""The answers a write's summary is built from are read back only when another connection has
committed since (`PRAGMA data_version`); otherwise the store's own copy, kept in step with this
connection's writes, stands. Whatever the path, the summary cached is that of the committed rows."""

from __future__ import annotations

import pytest

from app.core.engine import evaluate
from app.session import Session, summary_of
from app.store import Store

READ_BACK = "SELECT question_id, value FROM answers WHERE assessment_id"


def _reads(store: Store) -> list[str]:
    seen: list[str] = []
    store.conn.set_trace_callback(seen.append)
    return seen


def _truth(store: Store, packset, assessment_id: int):
    values = {qid: r.value for qid, r in store.answers(assessment_id).items()}
    return summary_of(evaluate(packset, values, store.active_waivers(assessment_id, "2026-03-01")))


def test_no_read_back_while_nobody_else_commits(tmp_path, packset):
    with Store.open(tmp_path / "a.db") as store:
        a = store.create("Vendor", packs=packset.versions())
        me = Session.open(store, packset, a.slug, today=lambda: "2026-03-01")
        me.answer("vendor_name", "Acme")  # the first write reads them
        seen = _reads(store)
        me.answer("vendor_dpa_signed", "no")
        me.clear("vendor_name")
        assert not [sql for sql in seen if sql.startswith(READ_BACK)]
        assert store.get(a.id).summary == _truth(store, packset, a.id)


def test_another_connection_makes_it_read_back(tmp_path, packset):
    db = tmp_path / "b.db"
    with Store.open(db) as mine, Store.open(db) as theirs:
        a = mine.create("Vendor", packs=packset.versions())
        me = Session.open(mine, packset, a.slug, today=lambda: "2026-03-01")
        me.answer("vendor_name", "Acme")
        Session.open(theirs, packset, a.slug, today=lambda: "2026-03-01").answer(
            "vendor_dpa_signed", "no"
        )
        seen = _reads(mine)
        me.answer("vendor_region", "eu")
        assert [sql for sql in seen if sql.startswith(READ_BACK)]
        assert me.answers["vendor_dpa_signed"].value == "no", "the session noticed"
        assert mine.get(a.id).summary == _truth(mine, packset, a.id)


def test_two_sessions_on_one_connection_see_each_other(tmp_path, packset):
    """A second session on the same store commits on the same connection (data_version does
    not move): the store's copy holds its answer, so the first session is still told."""
    with Store.open(tmp_path / "c.db") as store:
        a = store.create("Vendor", packs=packset.versions())
        me = Session.open(store, packset, a.slug, today=lambda: "2026-03-01")
        me.answer("vendor_name", "Acme")
        other = Session.open(store, packset, a.slug, today=lambda: "2026-03-01")
        other.answer("vendor_dpa_signed", "no")
        me.answer("vendor_region", "eu")
        assert me.answers["vendor_dpa_signed"].value == "no"
        assert store.get(a.id).summary == _truth(store, packset, a.id)


def test_a_rolled_back_write_is_not_kept(tmp_path, packset):
    with Store.open(tmp_path / "d.db") as store:
        a = store.create("Vendor", packs=packset.versions())
        me = Session.open(store, packset, a.slug, today=lambda: "2026-03-01")
        me.answer("vendor_name", "Acme")

        def broken(committed):
            raise RuntimeError("after the row was written")

        with pytest.raises(RuntimeError):
            store.save_answer(a.id, "vendor_dpa_signed", "no", summary=broken)
        assert "vendor_dpa_signed" not in store.answers(a.id)
        seen: list[dict] = []

        def spy(committed):
            seen.append(committed)
            return summary_of(evaluate(packset, committed, set()))

        store.save_answer(a.id, "vendor_region", "eu", summary=spy)
        assert seen == [{"vendor_name": "Acme", "vendor_region": "eu"}]


def test_a_deleted_assessments_id_given_again_starts_afresh(tmp_path, packset):
    with Store.open(tmp_path / "e.db") as store:
        a = store.create("Vendor", packs=packset.versions())
        Session.open(store, packset, a.slug, today=lambda: "2026-03-01").answer(
            "vendor_dpa_signed", "no"
        )
        store.delete(a.id)
        b = store.create("Again", packs=packset.versions())
        seen: list[dict] = []

        def spy(committed):
            seen.append(committed)
            return summary_of(evaluate(packset, committed, set()))

        store.save_answer(b.id, "vendor_name", "Acme", summary=spy)
        assert seen == [{"vendor_name": "Acme"}]
