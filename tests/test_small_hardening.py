"""Small hardening items: one transaction for an answer file's people and answers, notes that
keep their lines in the wizard, and the air-gap switch that means what it says."""

from __future__ import annotations

import pytest

from app.core.answerfile import read_answer_file
from app.quick.answerfile import apply_file
from app.session import Session
from app.store import Store
from app.store.writes import AnswerWrites
from app.tui.app import make_app
from app.tui.screens.wizard import WizardScreen


def test_participants_and_answers_are_one_transaction(tmp_path, store, packset, monkeypatch):
    a = store.create("Vendor", packs=packset.versions())
    session = Session.open(store, packset, a.slug)
    path = tmp_path / "a.toml"
    path.write_text(
        'vendor_name = "Acme"\nvendor_dpa_signed = "yes"\n'
        '[_meta]\nparticipants = [{ name = "Dana Ortiz", role = "Lead" }]\n'
    )
    read_answer_file(path, packset)  # the file itself is fine

    def killed(*args, **kwargs):  # the process dies between the people and the answers
        raise KeyboardInterrupt

    monkeypatch.setattr(AnswerWrites, "_put", killed)
    with pytest.raises(KeyboardInterrupt):
        apply_file(session, path)
    assert store.participants(a.id) == [], "no people without their answers"
    assert store.answers(a.id) == {}
    monkeypatch.undo()
    apply_file(session, path)
    assert [p.name for p in store.participants(a.id)] == ["Dana Ortiz"]
    assert set(store.answers(a.id)) == {"vendor_name", "vendor_dpa_signed"}


async def test_reanswering_in_the_wizard_keeps_a_multiline_note(tmp_path, packset):
    db = tmp_path / "notes.db"
    note = "First line\nsecond line\n\n- a list item"
    with Store.open(db) as store:
        a = store.create("Vendor", packs=packset.versions())
        store.save_answer(a.id, "vendor_name", "Acme", note=note)
        slug = a.slug
    store = Store.open(db)
    app = make_app(store=store, packset=packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        app.screen.go("vendor_name")
        await pilot.pause()
        assert app.screen.save("Acme Models")
        await pilot.pause()
    with Store.open(db) as check:
        saved = check.answers(check.get(slug).id)["vendor_name"]
    assert saved.value == "Acme Models"
    assert saved.note == note, "the note an answer file wrote keeps its lines"
