"""The pack format: pydantic models for questionnaires, questions, gates, derived values and scores.

A pack is one TOML file describing one area. Models are strict (unknown keys are errors) and
check everything that can be checked inside one file; checks that need every pack in use
(ids unique across packs, names that refer to another pack) live in `app.core.packs`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.core import expr

ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
Identifier = Annotated[str, Field(pattern=ID_PATTERN)]
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _printable(value: str) -> str:
    """Pack text reaches terminals and Markdown: no control characters (ANSI escapes among
    them); a line break is allowed in longer texts only."""
    if _CONTROL.search(value):
        raise ValueError("contains a control character (an escape sequence?); remove it")
    return value


def _one_line(value: str) -> str:
    if "\n" in value:
        raise ValueError("must be one line")
    return _printable(value)


ShortText = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_one_line)]
LongText = Annotated[str, Field(min_length=1, max_length=1000), AfterValidator(_printable)]


class Receipt(StrEnum):
    """The six artifacts a pilot must be able to show before production."""

    success_definition = "success_definition"
    eval_plan = "eval_plan"
    data_reality_check = "data_reality_check"
    security_compliance_map = "security_compliance_map"
    production_plan = "production_plan"
    change_adoption_plan = "change_adoption_plan"


RECEIPT_TITLES: dict[Receipt, str] = {
    Receipt.success_definition: "Success definition",
    Receipt.eval_plan: "Eval plan",
    Receipt.data_reality_check: "Data reality check",
    Receipt.security_compliance_map: "Security & compliance map",
    Receipt.production_plan: "Production plan",
    Receipt.change_adoption_plan: "Change & adoption plan",
}


class Kind(StrEnum):
    """Question kinds, by the names pack authors and answer files use."""

    yes_no = "yes_no"
    choice = "choice"
    multi = "multi"
    scale = "scale"
    number = "number"
    text = "text"
    person = "person"
    date = "date"
    evidence = "evidence"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Option(Strict):
    """One choice of a `choice` or `multi` question."""

    id: Identifier
    label: ShortText


def _check_expression(value: str | None) -> str | None:
    if value is not None:
        try:
            expr.parse(value)
        except expr.ExpressionError as exc:
            raise ValueError(f"expression {value!r}: {exc}") from None
    return value


class Question(Strict):
    id: Identifier
    text: LongText
    help: LongText
    """Why the question matters, one or two lines, with the figure where there is one."""
    kind: Kind
    required: bool = True
    show_if: str | None = None
    options: list[Option] = Field(default_factory=list)
    """For `choice` and `multi`: the options, in display order."""
    levels: list[ShortText] = Field(default_factory=list)
    """For `scale`: exactly three labels, for levels 1, 2 and 3."""
    unit: ShortText | None = None
    min: float | None = None
    max: float | None = None
    receipts: list[Receipt] = Field(default_factory=list)
    """The receipts this answer is evidence for."""

    _check_show_if = field_validator("show_if")(_check_expression)

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in expr.RESERVED_NAMES:
            raise ValueError(f"{value!r} is a reserved word in expressions")
        return value

    @model_validator(mode="after")
    def _fits_kind(self) -> Question:
        kind = self.kind
        if kind in (Kind.choice, Kind.multi):
            if len(self.options) < 2:
                raise ValueError(f"a {kind} question needs at least two options")
            ids = [o.id for o in self.options]
            dupes = sorted({i for i in ids if ids.count(i) > 1})
            if dupes:
                raise ValueError(f"option ids repeat: {', '.join(dupes)}")
            if "unknown" in ids:
                raise ValueError("'unknown' is reserved; leave the question unanswered instead")
        elif self.options:
            raise ValueError(f"options only fit choice and multi questions, not {kind}")
        if kind is Kind.scale:
            if len(self.levels) != 3:
                raise ValueError("a scale question needs exactly three levels (for 1, 2 and 3)")
        elif self.levels:
            raise ValueError(f"levels only fit scale questions, not {kind}")
        if kind is not Kind.number and (self.min is not None or self.max is not None):
            raise ValueError(f"min and max only fit number questions, not {kind}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    def option_label(self, option_id: str) -> str:
        for option in self.options:
            if option.id == option_id:
                return option.label
        return option_id


class Level(StrEnum):
    red = "red"
    amber = "amber"


class Gate(Strict):
    """A rule that blocks (red) or weakens (amber) the move to production when its condition holds."""

    id: Identifier
    title: ShortText
    level: Level
    when: str
    """The condition under which the gate fires, e.g. `p95_latency_ms > latency_sla_ms`."""
    why: ShortText
    """Why it blocks, in one line."""
    fix: ShortText
    """What clears it, in one line."""
    receipt: Receipt

    _check_when = field_validator("when")(_check_expression)


class Derived(Strict):
    """A value computed from answers, such as monthly cost at 10x traffic."""

    id: Identifier
    title: ShortText
    expr: str
    unit: ShortText | None = None

    _check_expr = field_validator("expr")(_check_expression)


class Band(Strict):
    """A labelled range of a score; `min` and `max` are inclusive and either may be left open."""

    label: ShortText
    min: float | None = None
    max: float | None = None

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class Score(Strict):
    """The sum of several `scale` answers, read against bands (e.g. the deployability rubric)."""

    id: Identifier
    title: ShortText
    questions: list[Identifier] = Field(min_length=1)
    bands: list[Band] = Field(default_factory=list)

    def band_for(self, value: float) -> Band | None:
        for band in self.bands:
            if band.contains(value):
                return band
        return None


class Pack(Strict):
    """One questionnaire: an area of the assessment."""

    id: Identifier
    title: ShortText
    version: Annotated[str, Field(pattern=r"^\d+(\.\d+){0,2}$")]
    description: LongText
    questions: list[Question] = Field(min_length=1)
    gates: list[Gate] = Field(default_factory=list)
    derived: list[Derived] = Field(default_factory=list)
    scores: list[Score] = Field(default_factory=list)
    format: Literal[1] = 1
    """The pack format version, so a later Preflight can read old packs."""

    @model_validator(mode="after")
    def _ids_unique(self) -> Pack:
        seen: dict[str, str] = {}
        for section in ("questions", "gates", "derived", "scores"):
            for item in getattr(self, section):
                if item.id in seen:
                    raise ValueError(
                        f"id {item.id!r} in {section} is already used in {seen[item.id]}"
                    )
                seen[item.id] = section
        question_kinds = {q.id: q.kind for q in self.questions}
        for score in self.scores:
            for qid in score.questions:
                kind = question_kinds.get(qid)
                if kind is not None and kind is not Kind.scale:
                    raise ValueError(f"score {score.id!r} sums {qid!r}, which is not a scale")
        return self


def receipt_title(receipt: Receipt | str) -> str:
    return RECEIPT_TITLES[Receipt(receipt)]
