"""The respondents' answers to a disputed question, side by side, in the rows the screen leaves.

The wizard shows it between the question and the answer. At 80x24 a question with a long why
leaves few rows, and the answer must stay on screen: after each layout the panel looks at its
scrolling container and takes fewer rows while the container overflows (the answers then run
on, "Ana: yes · Ben: no", cut with "…"), or more while rows are left free, up to what every
answer needs whole (on a tall screen a long answer goes on under its first row).
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text
from textual.containers import ScrollableContainer
from textual.widget import Widget

from app.core.disputes import Dispute
from app.core.packs import PackSet
from app.tui.agenda_lines import voices_rows, voices_text
from app.tui.widgets.text_lines import TextLines

ROWS = 12
"""The most rows it takes on a tall screen: a title and the answers, long ones wrapped."""
SHORT_ROWS = 6
"""The most on a short one (the wizard's `-short`): no title (each row starts "≠"), and one
row an answer (cut with "…" where long), so that as many answers as fit have a row each."""


MAX_DRAWS = 12
"""The most times it redraws to fit one layout (each look narrows the rows; this only guards
against a layout that answers every redraw with a different room)."""


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
        self._fits = 0
        """The most rows known to fit in this layout (0: none known yet)."""
        self._overflows = 0
        """The fewest rows known to overflow it (0: none known)."""
        self._waits = 0
        self._fitting = False
        """A look at the layout is due (after a draw of its own, or a change around it)."""
        self._settled_room: tuple[int, int] | None = None
        """The overflow and free rows when it last settled (see `_room`)."""
        self._draws = 0
        """Draws since it was shown or the layout around it changed: a bound on the looks."""

    def on_mount(self) -> None:
        # The rows left change when anything around it is laid out again (the hint under the
        # answer grows or shrinks, a scroll bar comes and goes): look again then.
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out)

    def _laid_out(self, _screen: object = None) -> None:
        container = self.parent
        if not self.rows or self._fitting or not isinstance(container, ScrollableContainer):
            return  # nothing shown, or a look is due anyway
        room = _room(container)
        if room == self._settled_room:
            return  # laid out as when it last settled
        over, free = room
        if (over > 0 and self.rows > 1) or (over <= 0 < free and self.rows < self._most):
            self._fits = self._overflows = 0  # what fitted may not now, and the other way
            self._draws = 0
            self._fitting = True
            self.call_after_refresh(self._fit)

    def show(
        self, packset: PackSet, dispute: Dispute | None, *, short: bool, settled: bool = False
    ) -> None:
        """Show `dispute`'s answers (None: hide), in as many rows as fit; `settled`: the
        person's answer just settled it."""
        self._packset, self._dispute, self._short = packset, dispute, short
        self._settled = settled
        self._fits = self._overflows = self._draws = 0
        self._settled_room = None
        if dispute is None:
            self.rows = self._most = 0
            self.display = False
            self.update(Text())
            return
        need = voices_rows(
            packset, dispute, heading=not short, width=self._width(), console=self._wrapping()
        )
        self._most = max(1, min(SHORT_ROWS if short else ROWS, need))
        self._draw(self._most)

    def _width(self) -> int:
        width = self.content_size.width
        if not width and isinstance(self.parent, Widget):
            width = self.parent.content_size.width  # before the first layout
        return width

    def _wrapping(self) -> Console | None:
        # Long answers wrap under their first row on a tall screen only: a short one keeps
        # one row an answer, so that every answer gets a row before any gets two.
        return None if self._short else self.app.console

    def _draw(self, rows: int) -> None:
        if self._packset is None or self._dispute is None:
            return
        self.rows = min(self._most, rows)
        self._waits = 0
        self._draws += 1
        self.update(
            voices_text(
                self._packset,
                self._dispute,
                rows=self.rows,
                heading=not self._short,
                width=self._width(),
                settled=self._settled,
                console=self._wrapping(),
            )
        )
        self.display = True
        self._fitting = True
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Fewer rows while the container overflows, more while it leaves rows free: each look
        narrows the rows known to fit and known to overflow (a scroll bar that comes and goes
        changes what fits), so the panel settles on the most that fit without flickering
        between two sizes."""
        container = self.parent
        if not self.rows or not isinstance(container, ScrollableContainer):
            self._fitting = False
            return
        stale = self.size.height != len(self._lines)  # the last draw is not laid out yet
        if stale or self.size.width != container.scrollable_content_region.width:
            # Or a scroll bar came or went, and the lines have not been laid out again yet.
            if self._waits >= 10:
                self._fitting = False
                self._settled_room = _room(container)
                return
            self._waits += 1
            self.call_after_refresh(self._fit)
            return
        self._fitting = False
        over, free = _room(container)
        if over > 0:
            self._overflows = min(self._overflows or self.rows, self.rows)
            if self._fits >= self._overflows:
                self._fits = 0  # the layout changed under it: what fitted no longer does
            rows = max(1, self._fits, self.rows - over)
        else:
            self._fits = max(self._fits, self.rows)
            rows = self.rows + max(0, free)
        rows = min(rows, self._most)
        if self._overflows:
            rows = min(rows, self._overflows - 1)
        rows = max(1, rows)
        if rows != self.rows and self._draws < MAX_DRAWS:
            self._draw(rows)
        else:
            self._settled_room = (over, free)


def _room(container: ScrollableContainer) -> tuple[int, int]:
    """How many rows the container's children overflow it by, and how many they leave free."""
    used = max(
        (c.virtual_region_with_margin.bottom for c in container.children if c.display),
        default=0,
    )
    return container.max_scroll_y, container.scrollable_content_region.height - used
