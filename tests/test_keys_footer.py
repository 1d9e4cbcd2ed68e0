"""The wizard's Footer rebuilds only when the keys it shows change, not on each focus move
(Textual's own recomposes on every `bindings_updated`, which each focus change publishes)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from app.session import Session
from app.tui.app import make_app
from app.tui.widgets.keys_footer import KeysFooter

SIZE = (100, 32)


def _count_recomposes(footer: KeysFooter) -> list[int]:
    seen = [0]
    original = footer.recompose

    async def counted():
        seen[0] += 1
        await original()

    footer.recompose = counted  # type: ignore[method-assign]
    return seen


def _shown(footer: KeysFooter) -> list[str]:
    return [key.description for key in footer.query(FooterKey)]


async def test_moving_focus_in_the_wizard_keeps_the_footer(store, packset):
    session = Session.create(store, packset, "Vendor")
    app = make_app(store=store, packset=packset, open_ref=session.assessment.slug)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        footer = app.screen.query_one(KeysFooter)
        keys = _shown(footer)
        assert keys, "the Footer shows the wizard's keys"
        seen = _count_recomposes(footer)
        for selector in ("#note", "#evidence", "#note", "#evidence"):
            app.screen.query_one(selector, Input).focus()
            await pilot.pause()
        await pilot.pause()
        assert seen[0] == 0, "the same keys: no rebuild"
        assert _shown(footer) == keys


class Toggle(App):
    BINDINGS = [Binding("f5", "extra", "Extra"), Binding("f6", "quit", "Quit")]
    shows_extra = True

    def compose(self) -> ComposeResult:
        yield Input(id="a")
        yield Input(id="b")
        yield KeysFooter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.shows_extra if action == "extra" else True

    def action_extra(self) -> None:
        pass


async def test_the_footer_follows_keys_that_change():
    app = Toggle()
    async with app.run_test() as pilot:
        await pilot.pause()
        footer = app.query_one(KeysFooter)
        assert "Extra" in _shown(footer)
        app.shows_extra = False
        app.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert "Extra" not in _shown(footer) and "Quit" in _shown(footer)
        app.shows_extra = True
        app.query_one("#b", Input).focus()  # a focus move that does change the keys
        await pilot.pause()
        await pilot.pause()
        assert "Extra" in _shown(footer)
