"""The respondents' answers to a disputed question, side by side, in the rows the screen leaves.

The wizard shows it between the question and the answer. At 80x24 a question with a long why
leaves few rows, and the answer must stay on screen: after each layout the panel looks at its
scrolling container and takes fewer rows while the container overflows (the answers then run
on, "Ana: yes · Ben: no", cut with "…"), or the rows it left free.
"""

from __future__ import annotations

from rich.text import Text
from textual.containers import ScrollableContainer
from textual.widget import Widget

from app.core.disputes import Dispute
from app.core.packs import PackSet
from app.tui.agenda_lines import voices_text
from app.tui.widgets.text_lines import TextLines

ROWS = 7
"""The most rows it takes on a tall screen: a title and six answers."""
SHORT_ROWS = 3
"""The most on a short one (the wizard's `-short`), with no title (each row starts "≠")."""


class Voices(TextLines):
    """One row per respondent (name, answer, note), or as many to a row as fit."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False
        self._packset: PackSet | None = None
        self._dispute: Dispute | None = None
        self._short = False
        self._settled = False
        self.rows = 0
        """Rows it may take now (0: nothing shown)."""
        self._most = 0
        self._grown = False
        self._waits = 0

    def show(
        self, packset: PackSet, dispute: Dispute | None, *, short: bool, settled: bool = False
    ) -> None:
        """Show `dispute`'s answers (None: hide), in as many rows as fit; `settled`: the
        person's answer just settled it."""
        self._packset, self._dispute, self._short = packset, dispute, short
        self._settled = settled
        self._grown = False
        if dispute is None:
            self.rows = self._most = 0
            self.display = False
            self.update(Text())
            return
        title = 0 if short else 1
        self._most = min(SHORT_ROWS if short else ROWS, len(dispute.voices) + title)
        self._draw(self._most)

    def _draw(self, rows: int) -> None:
        if self._packset is None or self._dispute is None:
            return
        self.rows = min(self._most, rows)
        self._waits = 0
        width = self.content_size.width
        if not width and isinstance(self.parent, Widget):
            width = self.parent.content_size.width  # before the first layout
        self.update(
            voices_text(
                self._packset,
                self._dispute,
                rows=self.rows,
                heading=not self._short,
                width=width,
                settled=self._settled,
            )
        )
        self.display = True
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Fewer rows while the container overflows; once, the rows it leaves free (a scroll
        bar that came and went narrowed the text while it was measured). Growing only once
        keeps a row count whose lines wrap differently from flickering between two sizes."""
        container = self.parent
        if not self.rows or not isinstance(container, ScrollableContainer):
            return
        if self.size.width != container.scrollable_content_region.width and self._waits < 10:
            # A scroll bar came or went, and the lines have not been laid out again yet.
            self._waits += 1
            self.call_after_refresh(self._fit)
            return
        over = container.max_scroll_y
        used = max(
            (c.virtual_region_with_margin.bottom for c in container.children if c.display),
            default=0,
        )
        free = container.scrollable_content_region.height - used
        if over > 0 and self.rows > 1:
            self._draw(max(1, self.rows - over))
        elif over == 0 and free > 0 and self.rows < self._most and not self._grown:
            self._grown = True
            self._draw(self.rows + free)
