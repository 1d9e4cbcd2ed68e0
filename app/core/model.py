"""The pack format: questionnaires, questions, gates, derived values and scores.

A pack is one TOML file describing one area. The classes are plain frozen dataclasses, so
reading packs that were already validated (`app.core.packcache`) and evaluating them never
loads pydantic. The rules a file must meet live beside the fields they check: `Rule` metadata
on the annotations, `__post_init__` checks across fields, and `__pydantic_config__` (unknown
keys are errors). pydantic applies them all when it validates a file (`app.core.packfile`).
Checks that need every pack in use (ids unique across packs, names that refer to another
pack) live in `app.core.packs`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Literal, TypeVar, dataclass_transform

from app.core import expr
from app.core.text import has_control

T = TypeVar("T")
ID_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"

# Given to pydantic as each class's config: unknown keys are errors, text is trimmed.
STRICT: Any = {"extra": "forbid", "str_strip_whitespace": True, "use_attribute_docstrings": True}


class Rule:
    """What a field's value must meet, as `Annotated` metadata.

    pydantic calls `__get_pydantic_core_schema__` when it builds its validator for a pack file
    and adds these constraints to the schema it made for the type; at run time they are inert.
    """

    def __init__(
        self,
        *,
        pattern: str | None = None,
        max_length: int | None = None,
        non_empty: bool = False,
        strict: bool = False,
        check: Callable[[Any], Any] | None = None,
    ) -> None:
        self.constraints: dict[str, str | int | bool | None] = {
            "pattern": pattern,
            "max_length": max_length,
        }
        if non_empty:
            self.constraints["min_length"] = 1
        if strict:  # no coercion: "yes", 1 or "true" are not a boolean
            self.constraints["strict"] = True
        self.check = check

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        schema = handler(source)
        schema.update({k: v for k, v in self.constraints.items() if v is not None})
        if self.check is not None:
            schema = core_schema.no_info_after_validator_function(self.check, schema)
        return schema


def _printable(value: str) -> str:
    """Pack text reaches terminals and Markdown: no control characters (ANSI escapes among
    them); a line break is allowed in longer texts only."""
    if has_control(value, allow_newline=True):
        raise ValueError("contains a control character (an escape sequence?); remove it")
    return value


def _one_line(value: str) -> str:
    if "\n" in value:
        raise ValueError("must be one line")
    return _printable(value)


def _option_label(value: str) -> str:
    # "•" separates the choices of a multi-choice answer on the receipts page: a label that
    # held it could not be told apart from two.
    if "•" in value:
        raise ValueError("may not hold • (it separates the choices of an answer)")
    return _one_line(value)


def _check_expression(value: str) -> str:
    try:
        expr.parse(value)
    except expr.ExpressionError as exc:
        raise ValueError(f"expression {value!r}: {exc}") from None
    return value


def _within_limit(value: float) -> float:
    if not abs(value) <= expr.MAX_NUMBER:  # `not <=` so nan is caught too
        raise ValueError("must be a number from -1e15 to 1e15")
    return value


def _not_reserved(value: str) -> str:
    if value in expr.RESERVED_NAMES:
        raise ValueError(f"{value!r} is a reserved word in expressions")
    return value


Identifier = Annotated[str, Rule(pattern=ID_PATTERN)]
QuestionId = Annotated[str, Rule(pattern=ID_PATTERN, check=_not_reserved)]
ShortText = Annotated[str, Rule(non_empty=True, max_length=300, check=_one_line)]
LongText = Annotated[str, Rule(non_empty=True, max_length=1000, check=_printable)]
SHORT_TITLE_MAX = 32
TitleText = Annotated[str, Rule(non_empty=True, max_length=SHORT_TITLE_MAX, check=_one_line)]
"""A gate's `short` title, for the gate panel and the board where a full title does not fit."""
Expression = Annotated[str, Rule(check=_check_expression)]
OptionLabel = Annotated[str, Rule(non_empty=True, max_length=300, check=_option_label)]
Version = Annotated[str, Rule(pattern=r"^\d+(\.\d+){0,2}$")]
Flag = Annotated[bool, Rule(strict=True)]
"""true or false, nothing read as one."""
Bound = Annotated[float, Rule(check=_within_limit)]
"""A min or max: within what answers and expressions may hold (expr.MAX_NUMBER)."""


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


@dataclass_transform(frozen_default=True)  # type checkers then see the fields
def pack_class(cls: type[T]) -> type[T]:
    """Every pack class: immutable, with slots (packs are read on every start), and checked by
    pydantic with the `STRICT` config."""
    # A new attribute on a class of any type: nothing declares it, pydantic reads it.
    cls.__pydantic_config__ = STRICT  # type: ignore[attr-defined]
    return dataclass(frozen=True, slots=True)(cls)


@pack_class
class Option:
    """One choice of a `choice` or `multi` question."""

    id: Identifier
    label: OptionLabel


@pack_class
class Question:
    id: QuestionId
    text: LongText
    help: LongText
    """Why the question matters, one or two lines, with the figure where there is one."""
    kind: Kind
    required: bool = True
    show_if: Expression | None = None
    options: list[Option] = field(default_factory=list)
    """For `choice` and `multi`: the options, in display order."""
    levels: list[ShortText] = field(default_factory=list)
    """For `scale`: exactly three labels, for levels 1, 2 and 3."""
    unit: ShortText | None = None
    min: Bound | None = None
    max: Bound | None = None
    receipts: list[Receipt] = field(default_factory=list)
    """The receipts this answer is evidence for."""
    agree_within: Bound | None = None
    """For `number`: when merged respondents' answers lie within this much of each other
    (highest minus lowest, in the question's unit) they agree, at their median."""
    prep: Flag = False
    """A fact to look up before the kickoff (a number from a system or a document: cost per
    call, p95 latency, traffic, budget), listed by `preflight agenda --prep`."""
    allow_unknown: Flag | None = None
    """Whether "unknown" is an answer (format 2): unset, yes for yes_no only; true adds it to a
    choice or multi question, false takes it from a yes_no one."""

    def __post_init__(self) -> None:
        kind = self.kind
        if self.allow_unknown and kind not in (Kind.yes_no, Kind.choice, Kind.multi):
            raise ValueError(f"allow_unknown only fits yes_no, choice and multi, not {kind}")
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
        if self.agree_within is not None:
            if kind is not Kind.number:
                raise ValueError(f"agree_within only fits number questions, not {kind}")
            if self.agree_within < 0:
                raise ValueError("agree_within cannot be negative")

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    def unknown_allowed(self) -> bool:
        """Whether "unknown" answers this question (`allow_unknown`, else yes_no only)."""
        if self.allow_unknown is None:
            return self.kind is Kind.yes_no
        return self.allow_unknown

    def option_label(self, option_id: str) -> str:
        for option in self.options:
            if option.id == option_id:
                return option.label
        return option_id


GO_NO_GO_PREFIX = "Go/no-go: "
GO_NO_GO_MARK = "◆"
"""How the gate panel and the board mark a go/no-go gate (the board's Gate header says so)."""


class Level(StrEnum):
    red = "red"
    amber = "amber"


@pack_class
class Gate:
    """A rule that blocks (red) or weakens (amber) the move to production when its condition holds."""

    id: Identifier
    title: ShortText
    level: Level
    when: Expression
    """The condition under which the gate fires, e.g. `p95_latency_ms > latency_sla_ms`."""
    why: ShortText
    """Why it blocks, in one line."""
    fix: ShortText
    """What clears it, in one line."""
    receipt: Receipt
    short: TitleText | None = None
    """A title of at most 32 characters for narrow places (the wizard's gate panel, the board)."""
    go_no_go: bool = False
    """One of the go/no-go checks: marked ◆ on screen, "Go/no-go: " before its title on paper."""

    @property
    def full_title(self) -> str:
        """The title as reports print it: "Go/no-go: " first for a go/no-go gate."""
        return f"{GO_NO_GO_PREFIX}{self.title}" if self.go_no_go else self.title


@pack_class
class Derived:
    """A value computed from answers, such as monthly cost at 10x traffic."""

    id: Identifier
    title: ShortText
    expr: Expression
    unit: ShortText | None = None


@pack_class
class Band:
    """A labelled range of a score; `min` and `max` are inclusive and either may be left open."""

    label: ShortText
    min: Bound | None = None
    max: Bound | None = None

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@pack_class
class Score:
    """The sum of several `scale` answers, read against bands (e.g. the deployability rubric)."""

    id: Identifier
    title: ShortText
    questions: Annotated[list[Identifier], Rule(non_empty=True)]
    bands: list[Band] = field(default_factory=list)

    def band_for(self, value: float) -> Band | None:
        for band in self.bands:
            if band.contains(value):
                return band
        return None


@pack_class
class Pack:
    """One questionnaire: an area of the assessment."""

    id: Identifier
    title: ShortText
    version: Version
    description: LongText
    questions: Annotated[list[Question], Rule(non_empty=True)]
    gates: list[Gate] = field(default_factory=list)
    derived: list[Derived] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    format: Literal[1, 2] = 1
    """The pack format version, so a later Preflight can read old packs."""

    def __post_init__(self) -> None:
        seen: dict[str, str] = {}
        for section in ("questions", "gates", "derived", "scores"):
            for item in getattr(self, section):
                if item.id in seen:
                    raise ValueError(
                        f"id {item.id!r} in {section} is already used in {seen[item.id]}"
                    )
                seen[item.id] = section
        if self.format < 2:
            for q in self.questions:
                if q.allow_unknown is not None:
                    raise ValueError(
                        f"question {q.id!r}: allow_unknown needs `format = 2` at the top of "
                        "the pack"
                    )
        question_kinds = {q.id: q.kind for q in self.questions}
        for score in self.scores:
            for qid in score.questions:
                kind = question_kinds.get(qid)
                if kind is not None and kind is not Kind.scale:
                    raise ValueError(f"score {score.id!r} sums {qid!r}, which is not a scale")


def receipt_title(receipt: Receipt | str) -> str:
    return RECEIPT_TITLES[Receipt(receipt)]


def pack_from_data(data: dict[str, Any]) -> Pack:
    """Rebuild a pack from `dataclasses.asdict` of one that was validated before (the pack
    cache). Raises TypeError, KeyError or ValueError on data of any other shape."""

    def question(q: dict[str, Any]) -> Question:
        return Question(
            **q
            | {
                "kind": Kind(q["kind"]),
                "options": [Option(**o) for o in q["options"]],
                "receipts": [Receipt(r) for r in q["receipts"]],
            }
        )

    return Pack(
        **data
        | {
            "questions": [question(q) for q in data["questions"]],
            "gates": [
                Gate(**g | {"level": Level(g["level"]), "receipt": Receipt(g["receipt"])})
                for g in data["gates"]
            ],
            "derived": [Derived(**d) for d in data["derived"]],
            "scores": [
                Score(**s | {"bands": [Band(**b) for b in s["bands"]]}) for s in data["scores"]
            ],
        }
    )
