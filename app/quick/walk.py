"""The plain-mode loop: one question at a time, in pack order, over a Session.

Answers go through `Session.answer`, so a value given here is the very row the wizard shows;
gate changes are printed the moment they happen. A question the respondents of a merge answered
differently shows every answer before its prompt, and answering it settles the disagreement. Visibility is re-read before every step, so
a question hidden by `show_if` is skipped and appears as soon as an answer shows it.

Two askers: questionary lists and prompts (`app.quick.prompts`, loaded only when used), or
with `screen_reader` plain numbered lines and typed answers (`app.quick.plain`), which load no
prompt_toolkit at all. Help is wrapped at word boundaries to the terminal width.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.core.answers import display
from app.core.disputes import Dispute
from app.core.engine import Evaluation, GateChange
from app.core.model import Kind, Question
from app.core.packs import PackSet
from app.core.text import one_line
from app.quick import lines, plain
from app.quick.nav import Nav, wrapped


class SessionLike(Protocol):
    """What the walk needs from `app.session.Session`."""

    @property
    def answers(self) -> dict[str, Any]: ...
    @property
    def evaluation(self) -> Evaluation: ...
    def answer(
        self, qid: str, value: Any, *, answered_by: str | None = None
    ) -> tuple[Any, list[GateChange]]: ...
    def disputes(self) -> Mapping[str, Dispute]: ...


@dataclass
class WalkResult:
    ending: str
    """"done" (ran off the end), "quit" (chose quit) or "interrupted" (Ctrl-C)."""
    saved: list[str] = field(default_factory=list)
    """Question ids answered (or changed) in this run, in order (a question twice if changed twice)."""

    @property
    def questions(self) -> int:
        """How many distinct questions this run answered."""
        return len(set(self.saved))


@dataclass
class Walk:
    session: SessionLike
    packset: PackSet
    area: str | None = None
    only_unanswered: bool = False
    answered_by: str | None = None
    out: Callable[[str], None] = print
    colour: bool = False
    prompt_kwargs: dict[str, Any] = field(default_factory=dict)
    """Passed to every questionary prompt (tests hand in `input=` and `output=`)."""
    screen_reader: bool = False
    """Plain numbered lines and typed answers (`app.quick.plain`) instead of questionary."""
    read: Callable[[], str] = plain.read_line
    """Where the screen-reader asker reads one typed line (EOFError at the end)."""

    def __post_init__(self) -> None:
        self.order = [
            q.id
            for pack in self.packset.packs
            if self.area in (None, pack.id)
            for q in pack.questions
        ]
        self.history: list[int] = []

    # -- where to go ---------------------------------------------------------------------------

    def _visible(self, index: int) -> bool:
        return self.session.evaluation.visible.get(self.order[index], False)

    def _answered(self, index: int) -> bool:
        record = self.session.answers.get(self.order[index])
        return record is not None and record.value is not None

    def _wanted(self, index: int) -> bool:
        if not self._visible(index):
            return False
        return not (self.only_unanswered and self._answered(index))

    def next_from(self, index: int) -> int | None:
        """The first question at or after `index` the walk should ask, or None at the end."""
        for i in range(index, len(self.order)):
            if self._wanted(i):
                return i
        return None

    def start(self) -> int | None:
        """Resume: the first visible question without an answer."""
        for i in range(len(self.order)):
            if self._visible(i) and not self._answered(i):
                return i
        if self.only_unanswered:
            self.out("Every visible question is answered.")
            return None
        if self.order:
            told = (
                "Every visible question is answered; walking from the top (Enter keeps an answer)."
            )
            for row in wrapped(told, ""):
                self.out(row)
        return self.next_from(0)

    def _back(self, index: int) -> int:
        while self.history:
            previous = self.history.pop()
            if self._visible(previous):
                return previous
        for i in range(index - 1, -1, -1):
            if self._visible(i):
                return i
        self.out("(this is the first question)")
        return index

    # -- the loop ------------------------------------------------------------------------------

    def run(self) -> WalkResult:
        saved: list[str] = []
        index = self.start()
        try:
            while index is not None:
                qid = self.order[index]
                self._header(qid)
                current = self.session.answers.get(qid)
                question = self.packset.questions[qid]
                value = self._ask(question, current.value if current is not None else None)
                if value is Nav.quit:
                    return WalkResult("quit", saved)
                if value is Nav.back:
                    index = self._back(index)
                    continue
                if value is not Nav.skip and (current is None or current.value != value):
                    disputed = qid in self.session.disputes()
                    record, changed = self.session.answer(qid, value, answered_by=self.answered_by)
                    value = record.value  # as stored: "today" typed is saved as the day
                    saved.append(qid)
                    if self.screen_reader or question.kind in (Kind.multi, Kind.date):
                        # The checkbox says "done (2 selections)"; a date typed as "today"
                        # shows which day it saved.
                        self.out(plain.echo(question, value))
                    if disputed:  # the answer settled it, in the same transaction
                        self.out(lines.settled_line(self.packset, qid, value))
                    for line in lines.gate_lines(changed, self.colour, self.packset):
                        self.out(line)
                self.history.append(index)
                index = self.next_from(index + 1)
        except KeyboardInterrupt:
            return WalkResult("interrupted", saved)
        except EOFError:
            return WalkResult("quit", saved)
        return WalkResult("done", saved)

    def _ask(self, question: Question, current: Any) -> Any:
        if self.screen_reader:
            return plain.ask(question, current, out=self.out, read=self.read)
        from app.quick.prompts import ask

        return ask(question, current, out=self.out, **self.prompt_kwargs)

    def _header(self, qid: str) -> None:
        pack_id = self.packset.question_pack[qid]
        pack = self.packset.pack(pack_id)
        shown = [q.id for q in pack.questions if self.session.evaluation.visible.get(q.id)]
        position = shown.index(qid) + 1 if qid in shown else 0
        question = self.packset.questions[qid]
        optional = "  (optional)" if not question.required else ""
        self.out("")
        self.out(f"{one_line(pack.title)} · {position} of {len(shown)}{optional}")
        for row in wrapped(question.help, "  why: "):
            self.out(row)
        current = self.session.answers.get(qid)
        if current is not None and current.value is not None:
            for row in wrapped(display(question, current.value), "  now: "):
                self.out(row)
        dispute = self.session.disputes().get(qid)
        if dispute is not None:
            for line in lines.dispute_lines(self.packset, dispute):
                self.out(line)
