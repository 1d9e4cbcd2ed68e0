"""The command palette's commands, shown as literal text.

Textual's own system-commands provider reads each command's title and help as markup (a
`DiscoveryHit` or `Hit` given a `str`, and `Matcher.highlight`), so an area titled
`[/draft]` would break the palette. This one hands the palette `Content` built from the
plain title, with the matched letters highlighted just as Textual does it.
"""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits
from textual.content import Content
from textual.markup import escape
from textual.system_commands import SystemCommandsProvider


class LiteralSystemCommands(SystemCommandsProvider):
    """`App.get_system_commands`, with titles and help never read as markup."""

    async def discover(self) -> Hits:
        commands = sorted(self.app.get_system_commands(self.screen), key=lambda c: c[0])
        for name, help_text, callback, discover in commands:
            if discover:
                yield DiscoveryHit(Content(name), callback, text=name, help=_help(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback, *_ in self.app.get_system_commands(self.screen):
            score, offsets = matcher.fuzzy_search.match(matcher.query, name)
            if score > 0:
                shown = Content(name)
                for offset in offsets:
                    if not name[offset].isspace():
                        shown = shown.stylize(matcher.match_style, offset, offset + 1)
                yield Hit(score, shown, callback, text=name, help=_help(help_text))


def _help(help_text: str | None) -> str | None:
    # The palette always reads help as markup (`Content.from_markup`), so escape it.
    return escape(help_text) if help_text else help_text
