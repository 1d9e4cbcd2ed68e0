"""Keeping a kickoff to its time: each area's minutes (`app.core.agenda.timeboxes`, shared
out when the meeting clock starts) against the time spent on its questions so far.

The time counts for the area of the question on screen, from a clock handed in (monotonic
seconds), so tests drive it by hand and a snapshot never shows a running clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text

from app.core.agenda import Box
from app.core.text import one_line
from app.tui.render import STYLES


def clock_text(seconds: float) -> str:
    """`12:05`: minutes and seconds spent (hours as minutes: a meeting is not that long)."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass(frozen=True)
class Reading:
    """Where the meeting stands, for the header."""

    area: str | None
    """The current area's title, or None when it has nothing on the agenda."""
    used: float
    """Seconds spent on the current area (on the whole meeting when `area` is None)."""
    allotted: int
    """Its minutes (the meeting's when `area` is None)."""

    @property
    def over(self) -> bool:
        return self.used > self.allotted * 60

    def text(self) -> Text:
        """`⏱ Data 3:12 of 8 min`, or `! Data 9:30 of 8 min · over · f6` (f6: the next area)
        in amber: the state in a symbol and words as well as the colour, short enough to leave
        the verdict in view at 80 columns."""
        where = one_line(self.area) if self.area is not None else "Meeting"
        line = f"{clock_text(self.used)} of {self.allotted} min"
        if self.over:
            return Text(f"! {where} {line} · over · f6", style=STYLES["amber"])
        return Text(f"⏱ {where} {line}", style="dim")


class Timekeeper:
    """The meeting clock: `enter(area)` whenever the question shown moves to another area."""

    def __init__(
        self,
        boxes: Sequence[Box],
        minutes: int,
        clock: Callable[[], float],
        areas: Sequence[str] = (),
    ) -> None:
        """`areas`: every area (pack id) in pack order, so "the next area" is known from one
        with nothing on the agenda too."""
        self.boxes = list(boxes)
        self.areas = list(areas) or [b.area for b in self.boxes]
        self.minutes = minutes
        self.clock = clock
        self.used: dict[str, float] = {}
        """Area → seconds spent there before the current stretch."""
        self.area: str | None = None
        self.since = clock()
        self.started = self.since

    def enter(self, area: str) -> None:
        """The question shown is now in `area`: the time so far goes to the previous one."""
        if area == self.area:
            return
        now = self.clock()
        if self.area is not None:
            self.used[self.area] = self.used.get(self.area, 0.0) + now - self.since
        self.area, self.since = area, now

    def spent(self, area: str) -> float:
        """Seconds spent on `area` so far, the current stretch included."""
        used = self.used.get(area, 0.0)
        if area == self.area:
            used += self.clock() - self.since
        return used

    def box(self, area: str | None) -> Box | None:
        return next((b for b in self.boxes if b.area == area), None)

    def next_area(self) -> str | None:
        """The next area after the current one (pack order, wrapping) that has a box."""
        boxed = {b.area for b in self.boxes}
        if not boxed:
            return None
        at = self.areas.index(self.area) if self.area in self.areas else -1
        ring = self.areas[at + 1 :] + self.areas[: at + 1]
        return next((a for a in ring if a in boxed and a != self.area), self.area)

    def reading(self) -> Reading:
        box = self.box(self.area)
        if box is None:
            return Reading(None, self.clock() - self.started, self.minutes)
        return Reading(box.title, self.spent(box.area), box.minutes)
