"""The meeting clock: time counts for the area on screen, each area's reading against its box
says over in a symbol and words (not colour alone), and "next area" follows the boxes."""

from __future__ import annotations

from app.core.agenda import Box, Item
from app.tui.timekeeper import Reading, Timekeeper, clock_text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _box(area: str, minutes: int) -> Box:
    return Box(area, area.title(), minutes, (Item(f"{area}_q", area, "red", "gate", 60),))


def test_time_counts_for_the_area_on_screen_only():
    clock = Clock()
    keeper = Timekeeper([_box("data", 5), _box("security", 3)], 8, clock, ["data", "security"])
    keeper.enter("data")
    clock.now += 90
    keeper.enter("security")
    clock.now += 30
    keeper.enter("data")  # back: data goes on from 1:30
    clock.now += 15
    assert keeper.spent("data") == 105
    assert keeper.spent("security") == 30
    reading = keeper.reading()
    assert (reading.area, reading.allotted) == ("Data", 5)
    assert reading.text().plain == "⏱ Data 1:45 of 5 min"
    assert not reading.over


def test_over_its_box_says_so_in_words_and_points_to_the_next_area():
    clock = Clock()
    keeper = Timekeeper([_box("data", 2), _box("security", 3)], 5, clock, ["data", "security"])
    keeper.enter("data")
    clock.now += 121
    reading = keeper.reading()
    assert reading.over
    assert reading.text().plain == "! Data 2:01 of 2 min · over · f6"
    assert keeper.next_area() == "security"
    keeper.enter("security")
    assert keeper.next_area() == "data"  # wraps


def test_an_area_with_nothing_on_the_agenda_shows_the_whole_meeting():
    clock = Clock()
    keeper = Timekeeper(
        [_box("security", 3)], 10, clock, ["acceptance", "data", "security", "adoption"]
    )
    keeper.enter("acceptance")
    clock.now += 61
    assert keeper.reading() == Reading(None, 61, 10)
    assert keeper.reading().text().plain == "⏱ Meeting 1:01 of 10 min"
    assert keeper.next_area() == "security"
    keeper.enter("adoption")
    assert keeper.next_area() == "security"  # wraps round to the only box


def test_clock_text():
    assert [clock_text(s) for s in (0, 59.9, 60, 3599, 7200, -5)] == [
        "0:00",
        "0:59",
        "1:00",
        "59:59",
        "120:00",
        "0:00",
    ]
