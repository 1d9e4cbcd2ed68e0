"""The kickoff agenda: what a merged assessment still has to discuss, in the order to take it.

Pure: the pack set, an evaluation and the open disagreements in, ordered items out. The order:
disputed questions first, then the questions behind red gates, then what nobody knows (the
unanswered questions behind unknown gates, and required questions left unanswered), each group
area by area in pack order. A question appears once, under the first reason that applies.
Each item carries the minutes a team spends on such a question (measured on a whole kickoff of
the five packs: ~30 s for a one-key answer, ~70 s for a multi-choice, ~60 s for a typed one).

`timeboxes` shares a meeting's minutes among the areas with something to discuss, and
`prep_questions` lists the facts to look up before it (questions a pack marks `prep = true`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.core import expr
from app.core.answers import display
from app.core.disputes import Dispute
from app.core.engine import Evaluation, GateState
from app.core.model import Kind, Question
from app.core.packs import PackSet
from app.core.text import one_line

DISPUTED = "disputed"
RED = "red"
UNKNOWN = "unknown"
GROUPS = (DISPUTED, RED, UNKNOWN)

SECONDS = {Kind.multi: 70, Kind.text: 60, Kind.number: 60, Kind.evidence: 60, Kind.person: 60}
"""Seconds of discussion by question kind; the one-key kinds (yes/no, choice, scale, date) 30."""


@dataclass(frozen=True)
class Item:
    question_id: str
    area: str
    group: str
    """DISPUTED, RED or UNKNOWN."""
    reason: str
    """One line: "Ana: yes · Ben: no", the red gate's title, "required", the unknown gate."""
    seconds: int


def agenda(packset: PackSet, evaluation: Evaluation, disputes: Mapping[str, Dispute]) -> list[Item]:
    """The items still to discuss, in order (see the module)."""
    area_of = {q.id: p.id for p in packset.packs for q in p.questions}
    order = {qid: i for i, qid in enumerate(area_of)}
    visible = evaluation.visible
    found: dict[str, tuple[str, str]] = {}

    def add(qid: str, group: str, reason: str) -> None:
        if qid in area_of and qid not in found:
            found[qid] = (group, reason)

    for qid, dispute in disputes.items():
        if dispute.open and visible.get(qid):  # a hidden one waits until it is asked
            add(qid, DISPUTED, voices_line(packset, dispute))
    for gid, result in evaluation.gates.items():
        if result.state is GateState.red:
            for qid in packset.gate_reads(gid):
                if visible.get(qid):
                    add(qid, RED, result.gate.full_title)
    unanswered = {qid for qid, shown in visible.items() if shown and _unanswered(evaluation, qid)}
    for gid, result in evaluation.gates.items():
        if result.state is GateState.unknown:
            for qid in packset.gate_reads(gid):
                if qid in unanswered:
                    add(qid, UNKNOWN, result.gate.full_title)
    for area in evaluation.areas.values():
        for qid in area.required_missing:
            add(qid, UNKNOWN, "required")
    items = [
        Item(qid, area_of[qid], group, reason, _seconds(packset, qid))
        for qid, (group, reason) in found.items()
    ]
    pack_rank = {p.id: i for i, p in enumerate(packset.packs)}
    items.sort(key=lambda i: (GROUPS.index(i.group), pack_rank[i.area], order[i.question_id]))
    return items


def voices_line(packset: PackSet, dispute: Dispute) -> str:
    """ "Ana: yes · Ben: no · here: unknown": each answer in a disagreement, on one line."""
    question = packset.questions.get(dispute.question_id)
    parts = []
    for voice in dispute.voices:
        shown = display(question, voice.value) if question is not None else str(voice.value)
        parts.append(f"{voice.name}: {shown}")
    return one_line(" · ".join(parts))


def _unanswered(evaluation: Evaluation, qid: str) -> bool:
    return evaluation.values.get(qid) is expr.UNKNOWN


def _seconds(packset: PackSet, qid: str) -> int:
    return SECONDS.get(packset.questions[qid].kind, 30)


def minutes(items: Iterable[Item]) -> int:
    """The whole agenda's discussion time, in minutes rounded up."""
    return -(-sum(i.seconds for i in items) // 60)


def counts(items: Iterable[Item]) -> dict[str, int]:
    """How many items each group holds, every group named (0 when empty), in `GROUPS` order."""
    found = dict.fromkeys(GROUPS, 0)
    for item in items:
        found[item.group] += 1
    return found


def following(items: Sequence[Item], current: str, earlier: Sequence[str] = ()) -> Item | None:
    """The item to take up after question `current`: the next one in `items`, wrapping.

    Answering changes the agenda, so `items` is recomputed each time; `earlier` is the agenda
    (question ids) as it stood the last time. When `current` was on it, the walk goes on from
    where it stood there, to the first later question still on the agenda (the answer may have
    moved `current` itself: settled, or down among the red), and past the end round to the top.
    A question that was not on it goes on from its place in `items`; one on neither starts at
    the first item. None when the agenda is empty.
    """
    if not items:
        return None
    ids = [item.question_id for item in items]
    before = list(earlier)
    if current in before:
        for qid in before[before.index(current) + 1 :]:
            if qid in ids:
                return items[ids.index(qid)]
        return next((item for item in items if item.question_id != current), items[0])
    if current in ids:
        return items[(ids.index(current) + 1) % len(items)]
    return items[0]


FLOOR_MINUTES = 3
"""The least an area with anything to discuss gets, when the meeting has room: one typed
question (~60 s) plus the minute or two it takes a room to switch areas (find the area's
owner, read its first question). Less than that and the last area is always cut short."""


@dataclass(frozen=True)
class Box:
    """One area's share of the meeting: its items (agenda order) and the minutes for them."""

    area: str
    """The pack id."""
    title: str
    """The pack title (pack text: one_line it before printing)."""
    minutes: int
    items: tuple[Item, ...]

    @property
    def seconds(self) -> int:
        """The discussion the items need, by the agenda's estimate."""
        return sum(i.seconds for i in self.items)


def timeboxes(
    packset: PackSet, items: Sequence[Item], minutes: int, floor: int = FLOOR_MINUTES
) -> list[Box]:
    """The meeting's `minutes` shared among the areas that have items, in pack order.

    Each box gets `floor` minutes, and the rest is shared in proportion to its items' seconds,
    in whole minutes by largest remainder (ties: more seconds first, then pack order), so the
    boxes sum to `minutes` exactly and an area with more to discuss never gets fewer minutes.
    When `minutes` cannot give every box the floor, the floor shrinks evenly to
    `minutes // boxes`; a box gets 0 minutes only when `minutes` is below the number of boxes
    (then the areas with the most to discuss get the minutes). Areas with nothing to discuss
    get no box. No items, no boxes. Raises ValueError when `minutes` < 1 or `floor` < 0.
    """
    if minutes < 1:
        raise ValueError(f"minutes must be at least 1, got {minutes}")
    if floor < 0:
        raise ValueError(f"floor cannot be negative, got {floor}")
    by_area: dict[str, list[Item]] = {}
    for item in items:
        by_area.setdefault(item.area, []).append(item)
    if not by_area:
        return []
    rank = {p.id: i for i, p in enumerate(packset.packs)}
    areas = sorted(by_area, key=lambda a: rank.get(a, len(rank)))  # stable: unknown areas last
    work = [sum(i.seconds for i in by_area[a]) for a in areas]
    each = min(floor, minutes // len(areas))
    rest = minutes - each * len(areas)
    total = sum(work)
    shares = [each + rest * w // total if total else each for w in work]
    left = minutes - sum(shares)
    # Largest remainder: the extra minutes go to the largest fractions, then the most work.
    order = sorted(
        range(len(areas)),
        key=lambda k: (-(rest * work[k] % total) if total else 0, -work[k], k),
    )
    for k in order[:left]:
        shares[k] += 1
    boxes = []
    for area, share in zip(areas, shares, strict=True):
        title = packset.pack(area).title if area in rank else area
        boxes.append(Box(area, title, share, tuple(by_area[area])))
    return boxes


def prep_questions(packset: PackSet, evaluation: Evaluation) -> list[Question]:
    """The facts to look up before the meeting: the visible questions a pack marks
    `prep = true`, in pack order. Whether each is answered: `is_answered`."""
    visible = evaluation.visible
    return [q for p in packset.packs for q in p.questions if q.prep and visible.get(q.id)]


def is_answered(evaluation: Evaluation, question_id: str) -> bool:
    """Whether the question holds an answer that counts (not unanswered, not "unknown", not
    an open disagreement)."""
    return question_id in evaluation.values and not _unanswered(evaluation, question_id)
