"""An evidence question's answer is the link: the wizard does not ask for a second Link beside
it (the field is off and says why); every other question keeps its Link field."""

from __future__ import annotations

from textual.widgets import Input

from app.session import Session
from app.store import Store
from app.tui.app import make_app
from app.tui.screens.wizard import LINK_IS_ANSWER


async def test_the_link_field_is_off_on_an_evidence_question(tmp_path, kinds_packset):
    db = tmp_path / "e.db"
    with Store.open(db) as store:
        slug = Session.create(store, kinds_packset, "Kinds").assessment.slug
    app = make_app(store=Store.open(db), packset=kinds_packset, open_ref=slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        wizard = app.screen
        wizard.go("k_evidence")
        await pilot.pause()
        link = wizard.query_one("#evidence", Input)
        assert link.disabled and link.placeholder == LINK_IS_ANSWER
        wizard.go("k_number")
        await pilot.pause()
        assert not link.disabled and link.placeholder == "evidence path or URL"
    app.store.close()
