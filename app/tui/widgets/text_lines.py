"""Lines of Rich text that repaint only the lines that changed.

The wizard rewrites its gate panel, notice and status lines on every answer key. A `Static`
re-renders all of its lines on each update (the gate panel alone took ~3.5 ms of the ~9 ms
frame that follows a key); this widget keeps one rendered strip per line and marks only the
lines whose text changed as dirty, so an answer that moves one gate repaints a few lines.
With `wrap=True` a long line wraps at the widget's width (as a `Static` does); otherwise it
is cut at a word boundary with an ellipsis.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.events import Resize
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


def _same(a: Text, b: Text) -> bool:
    """Text equality including the base style (`Text.__eq__` compares text and spans only)."""
    return a.plain == b.plain and a.spans == b.spans and a.style == b.style


def fit_words(text: Text, width: int) -> Text:
    """`text` cut to `width` cells at a word boundary, with "…": a reader never meets half a
    word. (A line with no space in its second half is cut at the width, still with "…".)"""
    if text.cell_len <= width:
        return text
    cut = text.plain.rfind(" ", 0, max(1, width - 1))
    if cut >= width // 2:
        text = text[:cut]
        text.rstrip()
        text.append("…")
    text.truncate(width, overflow="ellipsis")
    return text


class TextLines(Widget):
    DEFAULT_CSS = "TextLines { height: auto; }"

    def __init__(
        self, *, wrap: bool = False, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.wrap = wrap
        self._source = Text()
        self._lines: list[Text] = []
        self._strips: dict[int, Strip] = {}

    @property
    def plain(self) -> str:
        return "\n".join(line.plain for line in self._lines)

    def update(self, text: Text | str) -> None:
        """Show `text`, one line per line break (and, with `wrap`, more where lines are long)."""
        self._source = Text(text) if isinstance(text, str) else text
        self._set_lines(self._layout())

    def _layout(self) -> list[Text]:
        source = self._source.copy()
        source.expand_tabs()
        if not source.plain:
            return []
        width = self.content_size.width
        if self.wrap and width > 0:
            return list(source.wrap(self.app.console, width, overflow="fold"))
        return list(source.split("\n", allow_blank=True))

    def on_resize(self, event: Resize) -> None:
        self._strips.clear()
        self._set_lines(self._layout())

    def _set_lines(self, lines: list[Text]) -> None:
        old, self._lines = self._lines, lines
        changed = [
            y
            for y in range(max(len(old), len(lines)))
            if y >= len(old) or y >= len(lines) or not _same(old[y], lines[y])
        ]
        if not changed:
            return
        for y in changed:
            self._strips.pop(y, None)
        if len(old) != len(lines) and self.styles.height is not None and self.styles.height.is_auto:
            self.refresh(layout=True)
            return
        width = max(1, self.size.width)
        self.refresh(*(Region(0, y, width, 1) for y in changed))

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self._lines)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # the base style (colours, theme) is baked into each strip

    def render_line(self, y: int) -> Strip:
        width = self.content_size.width
        base = self.rich_style
        if y >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._strips.get(y)
        if strip is None or strip.cell_length != width:
            text = fit_words(self._lines[y].copy(), width)
            # The widget's colours under the line's own base style, under its spans.
            # (`Text.render` leaves the base style to its caller, so it goes in as a span.)
            own = self.app.console.get_style(text.style) if text.style else Style.null()
            text.stylize_before(base + own)
            # Every segment needs a style: Textual's colour filters (NO_COLOR) read it.
            segments = [
                Segment(t, style or base, control)
                for t, style, control in text.render(self.app.console)
            ]
            strip = Strip(segments, text.cell_len).crop_extend(0, width, base)
            self._strips[y] = strip
        return strip
