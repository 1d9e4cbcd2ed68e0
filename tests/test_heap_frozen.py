"""Once an assessment is open, what is alive is frozen out of the garbage collector's full
collections (they took ~50 ms, landing on the key being answered); the app hands it back
when it ends, so nothing stays frozen in the process after it."""

from __future__ import annotations

import gc

from app.session import Session
from app.tui.app import make_app
from app.tui.screens.wizard import WizardScreen


async def test_open_wizard_freezes_the_heap_and_exit_gives_it_back(store, packset):
    session = Session.create(store, packset, "Vendor")
    assert gc.get_freeze_count() == 0
    app = make_app(store=store, packset=packset, open_ref=session.assessment.slug)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        assert gc.get_freeze_count() > 0
        await pilot.press("n")  # answering still works, and still collects what it drops
        await pilot.pause()
    assert gc.get_freeze_count() == 0
