"""Rich text for states (every state carries a symbol and a word as well as a colour), and
`literal`, the one way user and pack text reaches a widget.

Light on purpose (no engine, no pack models): the home screen uses it before the packs load.
The wizard's sidebar and gate panel are drawn in `app.tui.panels`.
"""

from __future__ import annotations

from rich.text import Text

from app.core.states import badge
from app.core.text import one_line

STYLES: dict[str, str] = {
    "red": "bold red",
    "amber": "bold yellow",
    "unknown": "bold magenta",
    "clear": "bold green",
    "green": "bold green",
    "waived": "cyan",
    "inactive": "dim",
    "GO": "bold green",
    "CONDITIONAL": "bold yellow",
    "NO-GO": "bold red",
    "INCOMPLETE": "bold magenta",
}


MONOCHROME: dict[str, str] = {
    "red": "bold reverse",
    "NO-GO": "bold reverse",
    "amber": "bold",
    "CONDITIONAL": "bold",
    "unknown": "bold",
    "INCOMPLETE": "bold",
    "inactive": "dim",
}
"""Under NO_COLOR the colours collapse to greys (often dark on dark): red reads as reverse video."""


def use_monochrome() -> None:
    """Switch every state style to its NO_COLOR form (called before the app starts)."""
    for key in STYLES:
        STYLES[key] = MONOCHROME.get(key, "")


def literal(value: object, style: str = "") -> Text:
    """User or pack text for any widget: one clean line that is never read as markup.

    Textual and Rich parse a plain `str` as markup in DataTable cells, OptionList prompts,
    Label/Static and the command palette (`[/draft]` raises MarkupError, `[draft]` vanishes);
    a `Text` is shown as it is.
    """
    return Text(one_line(value), style=style)


def styled_badge(state: str, width: int = 0) -> Text:
    """`✗ RED` (app.core.states.badge) in its colour, padded to `width` so columns line up."""
    return Text(badge(state).ljust(width), style=STYLES.get(state, ""))
