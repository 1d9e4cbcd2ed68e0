"""Lines of Rich text that repaint only the lines that changed.

The wizard rewrites its gate panel, notice and status lines on every answer key. A `Static`
re-renders all of its lines on each update (the gate panel alone took ~3.5 ms of the ~9 ms
frame that follows a key); this widget keeps one rendered strip per line and marks only the
lines whose text changed as dirty, so an answer that moves one gate repaints a few lines.
Lines longer than the widget are cut with an ellipsis, never wrapped.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


class TextLines(Widget):
    DEFAULT_CSS = "TextLines { height: auto; }"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._lines: list[Text] = []
        self._strips: dict[int, Strip] = {}

    @property
    def lines(self) -> list[Text]:
        return list(self._lines)

    @property
    def plain(self) -> str:
        return "\n".join(line.plain for line in self._lines)

    def update(self, text: Text | str) -> None:
        """Show `text`, one line per line break."""
        if isinstance(text, str):
            text = Text(text)
        self.set_lines(list(text.split("\n", allow_blank=True)) if text.plain else [])

    def set_lines(self, lines: list[Text]) -> None:
        old, self._lines = self._lines, lines
        changed = [
            y
            for y in range(max(len(old), len(lines)))
            if y >= len(old) or y >= len(lines) or old[y] != lines[y]
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
            text = self._lines[y].copy()
            text.truncate(width, overflow="ellipsis")
            text.stylize_before(base)
            # Every segment needs a style: Textual's colour filters (NO_COLOR) read it.
            segments = [
                Segment(t, style or base, control)
                for t, style, control in text.render(self.app.console)
            ]
            strip = Strip(segments, text.cell_len)
            strip = strip.crop_extend(0, width, base)
            self._strips[y] = strip
        return strip
