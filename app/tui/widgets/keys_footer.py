"""A Footer that rebuilds only when the keys it shows change.

Textual's Footer recomposes (removes and mounts a widget per key, ~10 ms each time) whenever
the screen publishes `bindings_updated`, which it does on every focus change. The wizard moves
focus between a question's option list or text box and the note and link fields as answers are
given and questions change, several times per answer: the keys shown stay the same, yet each
move rebuilt the Footer. This one remembers what it last composed (each shown key's key,
display, description, action, enabled state, tooltip and group) and recomposes only when that
differs; signals that arrive before the next refresh are handled once.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Footer


class KeysFooter(Footer):
    """`Footer`, rebuilt only when the keys on show change (not on each focus change)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._composed: tuple | None = None
        self._queued = False

    def _shown_keys(self) -> tuple:
        if not self._bindings_ready:
            return ()
        app = self.app
        keys = tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                enabled,
                tooltip,
                binding.tooltip,
                binding.group,
                binding.show,
            )
            for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
            if binding.show or key == app.COMMAND_PALETTE_BINDING
        )
        return (keys, self.show_command_palette, app.ENABLE_COMMAND_PALETTE)

    def compose(self) -> ComposeResult:
        self._composed = self._shown_keys()
        yield from super().compose()

    def bindings_changed(self, screen: Any) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._queued:
            self._queued = True
            self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        self._queued = False
        if self.is_attached and self._shown_keys() != self._composed:
            await self.recompose()
