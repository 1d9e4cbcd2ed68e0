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
"""The id of anything an expression reads by name: a question, a derived value, a score."""
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


Receipt = Annotated[str, Rule(pattern=ID_PATTERN)]
"""A receipt's id: one of the shipped receipts (`DEFAULT_RECEIPTS`) or one a pack in use
declares under `[[receipts]]` (checked across packs by `app.core.packs.build_packset`)."""
FrameworkTag = Annotated[str, Rule(non_empty=True, max_length=80, check=_one_line)]
"""`framework:item`, e.g. `nist-ai-rmf:MEASURE 2.3`: an item of a shipped framework list
(`questionnaires/frameworks/`, checked at load by `app.core.packs.build_packset`)."""


class Presence(StrEnum):
    """What "present" means for a receipt, over the visible questions that evidence it. Under
    every rule a receipt none of whose questions has an answer is missing, and one with a red,
    amber or unknown gate on it is at most partial."""

    all_required = "all_required"
    """Every required question answered (the shipped receipts' rule)."""
    all_answered = "all_answered"
    """Every question answered, the optional ones too."""
    any_answered = "any_answered"
    """At least one question answered."""


PRESENCE_WORDS = {
    Presence.all_required: "every required question that evidences it is answered",
    Presence.all_answered: "every question that evidences it, optional ones too, is answered",
    Presence.any_answered: "at least one question that evidences it is answered",
}
"""How the appendix says a rule: "Present when … and no gate on it is red, amber or unknown"."""


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
class ReceiptDef:
    """One receipt: an artifact a pilot must be able to show before production."""

    id: Identifier
    """The receipt's id, unique across the receipts in use; questions and gates name it."""
    title: TitleText
    """How the receipts table names it (at most 32 characters)."""
    present: Presence = Presence.all_required
    """What makes it present (see `Presence`)."""


DEFAULT_RECEIPTS = (
    ReceiptDef("success_definition", "Success definition"),
    ReceiptDef("eval_plan", "Eval plan"),
    ReceiptDef("data_reality_check", "Data reality check"),
    ReceiptDef("security_compliance_map", "Security & compliance map"),
    ReceiptDef("production_plan", "Production plan"),
    ReceiptDef("change_adoption_plan", "Change & adoption plan"),
)
"""The six receipts every assessment has, in shelf order; a pack may declare more."""

RECEIPT_TITLES: dict[str, str] = {r.id: r.title for r in DEFAULT_RECEIPTS}
MAX_RECEIPTS = 12
"""Receipts in use at most, the shipped six included: the page keeps a row for each."""


@pack_class
class Option:
    """One choice of a `choice` or `multi` question."""

    id: Identifier
    """The option's id: what answer files, expressions and the stored answer use."""
    label: OptionLabel
    """What people see and the receipts pack prints."""
    points: Bound | None = None
    """What choosing it is worth, for `points(q)` and scores (format 2); all options or none."""


@pack_class
class YesNoPoints:
    """What each answer of a `yes_no` question is worth: `points = { yes = 1, no = 0 }`."""

    yes: Bound
    """Points for a yes."""
    no: Bound
    """Points for a no."""


class PointsOf(StrEnum):
    """How a `multi` question's ticked options make its points."""

    sum = "sum"
    max = "max"


@pack_class
class Question:
    id: QuestionId
    """Unique across all packs in use (lowercase, a-z0-9_); expressions name it."""
    text: LongText
    """The question as asked."""
    help: LongText
    """Why the question matters, one or two lines, with the figure where there is one."""
    kind: Kind
    """yes_no, choice, multi, scale (1-3), number, text, person, date or evidence."""
    required: Flag = True
    """An unanswered required question keeps the verdict INCOMPLETE."""
    show_if: Expression | None = None
    """Asked only while this expression holds; a hidden answer is kept but not counted."""
    options: list[Option] = field(default_factory=list)
    """For `choice` and `multi`: the options, in display order."""
    levels: list[ShortText] = field(default_factory=list)
    """For `scale`: exactly three labels, for levels 1, 2 and 3."""
    unit: ShortText | None = None
    """Shown after a number (`ms`, `USD`, `%`); a currency or % sign is then read too."""
    min: Bound | None = None
    """The smallest number accepted (`number` questions)."""
    max: Bound | None = None
    """The largest number accepted (`number` questions)."""
    receipts: list[Receipt] = field(default_factory=list)
    """The receipts this answer is evidence for."""
    agree_within: Bound | None = None
    """For `number` and `date`: when merged respondents' answers lie within this much of each
    other (highest minus lowest, in the question's unit; days for a date) they agree, at their
    median (for a date, the middle answer given)."""
    prep: Flag = False
    """A fact to look up before the kickoff (a number from a system or a document: cost per
    call, p95 latency, traffic, budget), listed by `preflight agenda --prep`."""
    points: YesNoPoints | None = None
    """For `yes_no` (format 2): what yes and no are worth."""
    points_of: PointsOf | None = None
    """For a `multi` question with points (format 2): `sum` of the ticked options (the
    default) or their `max`."""
    allow_unknown: Flag | None = None
    """Whether "unknown" is an answer (format 2): unset, yes for yes_no only; true adds it to a
    choice or multi question, false takes it from a yes_no one."""
    frameworks: list[FrameworkTag] = field(default_factory=list)
    """The framework items this answer evidences, `framework:item` (`nist-ai-rmf:GOVERN 2.1`,
    `eu-ai-act:Art. 14`, `iso-42001:A.3.2`); metadata only, in either format."""

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
        self._check_points()
        if self.agree_within is not None:
            if kind not in (Kind.number, Kind.date):
                raise ValueError(f"agree_within only fits number and date questions, not {kind}")
            if self.agree_within < 0:
                raise ValueError("agree_within cannot be negative")

    def _check_points(self) -> None:
        pointed = [o.id for o in self.options if o.points is not None]
        if pointed and len(pointed) < len(self.options):
            missing = ", ".join(o.id for o in self.options if o.points is None)
            raise ValueError(f"every option needs points once one has them (missing: {missing})")
        if self.points is not None and self.kind is not Kind.yes_no:
            where = "on each option" if self.options else "only on yes_no questions"
            raise ValueError(f"points for a {self.kind} question go {where}")
        if self.points_of is not None and not (self.kind is Kind.multi and pointed):
            raise ValueError("points_of only fits a multi question whose options have points")

    def has_points(self) -> bool:
        """Whether `points(q)` can read this question (format 2)."""
        return self.points is not None or any(o.points is not None for o in self.options)

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
    """Unique across all packs in use."""
    title: ShortText
    """What the gate is about, as the page and the wizard name it."""
    level: Level
    """`red` blocks production, `amber` weakens it."""
    when: Expression
    """The condition under which the gate fires, e.g. `p95_latency_ms > latency_sla_ms`."""
    why: ShortText
    """Why it blocks, in one line."""
    fix: ShortText
    """What clears it, in one line."""
    receipt: Receipt
    """The receipt this gate blocks while it fires."""
    short: TitleText | None = None
    """A title of at most 32 characters for narrow places (the wizard's gate panel, the board)."""
    go_no_go: Flag = False
    """One of the go/no-go checks: marked ◆ on screen, "Go/no-go: " before its title on paper."""
    frameworks: list[FrameworkTag] = field(default_factory=list)
    """The framework items this gate evidences when clear, `framework:item` (as on questions)."""

    @property
    def full_title(self) -> str:
        """The title as reports print it: "Go/no-go: " first for a go/no-go gate."""
        return f"{GO_NO_GO_PREFIX}{self.title}" if self.go_no_go else self.title


@pack_class
class Derived:
    """A value computed from answers, such as monthly cost at 10x traffic."""

    id: QuestionId
    """Unique across all packs in use; expressions name it."""
    title: ShortText
    """How the page names it."""
    expr: Expression
    """The expression computing it: a number, text or true/false."""
    unit: ShortText | None = None
    """Shown after the value."""
    bands: list[Band] = field(default_factory=list)
    """Labelled ranges of a numeric value (format 2), read with `band(id)`."""


@pack_class
class Band:
    """A labelled range of a score or derived value; either bound may be left open.

    Format 1: `min` and `max` are both inclusive. Format 2: a band runs from `min` up to, not
    including, `max`, except the highest band, which includes its `max`; the bands of one
    value must neither overlap nor leave a gap between them (checked when the pack loads)."""

    label: ShortText
    """The band's name: what `band(x)` returns and the page shows."""
    min: Bound | None = None
    """The lowest value in the band (inclusive); leave it out for an open bottom."""
    max: Bound | None = None
    """Format 2: up to, not including, this (the highest band includes it); format 1: inclusive."""

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)

    def holds(self, value: float, highest: bool) -> bool:
        """Format 2: `min <= value < max` (`<= max` for the highest band)."""
        if self.min is not None and value < self.min:
            return False
        return self.max is None or value < self.max or (highest and value == self.max)


def _low(band: Band) -> float:
    return -float("inf") if band.min is None else band.min


def find_band(bands: list[Band], value: float, format: int) -> Band | None:
    """The band `value` falls in under the rules of pack format `format`, or None."""
    if format < 2:
        return next((b for b in bands if b.contains(value)), None)
    ordered = sorted(bands, key=_low)
    for index, band in enumerate(ordered):
        if band.holds(value, index == len(ordered) - 1):
            return band
    return None


def band_problem(bands: list[Band], format: int) -> str | None:
    """What is wrong with a value's bands: an empty range, an overlap or (format 2) a gap."""
    for band in bands:
        if band.min is not None and band.max is not None:
            if band.min > band.max or (format >= 2 and band.min == band.max):
                return f"band {band.label!r} has min {band.min:g} not below max {band.max:g}"
    ordered = sorted(bands, key=_low)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if a.max is None or b.min is None or a.max > b.min or (format < 2 and a.max == b.min):
            return f"bands {a.label!r} and {b.label!r} overlap"
        if format >= 2 and a.max < b.min:
            return (
                f"bands {a.label!r} and {b.label!r} leave a gap from {a.max:g} to {b.min:g} "
                f"(a band's max is the next one's min)"
            )
    return None


class ScoreMethod(StrEnum):
    """How a score combines its items (format 2)."""

    sum = "sum"
    mean = "mean"
    min = "min"
    max = "max"
    weighted_mean = "weighted_mean"


@pack_class
class ScoreItem:
    """One part of a score: a question (scale, number, or one with points), a derived value or
    another score, with an optional weight (for `sum` and `weighted_mean`)."""

    id: Identifier
    """A question (scale, number, or with points), a derived value or another score."""
    weight: Bound | None = None
    """Its weight (`sum` and `weighted_mean` only; default 1)."""


@pack_class
class Score:
    """Several answers or values combined into one number, read against bands.

    Format 1: `questions`, scale questions summed (e.g. the deployability rubric). Format 2:
    `items` (ids, or `{ id, weight }` tables) combined by `method`."""

    id: QuestionId
    """Unique across all packs in use; expressions name it."""
    title: ShortText
    """How the page names it."""
    questions: list[Identifier] = field(default_factory=list)
    """The scale questions summed (the format 1 form)."""
    items: list[ScoreItem | Identifier] = field(default_factory=list)
    """What the score combines (format 2): ids, or `{ id = "q", weight = 2 }`."""
    method: ScoreMethod | None = None
    """`sum` (the default), `mean`, `min`, `max` or `weighted_mean` (format 2)."""
    bands: list[Band] = field(default_factory=list)
    """Labelled ranges of the score, contiguous in format 2."""

    def __post_init__(self) -> None:
        if bool(self.questions) == bool(self.items):
            raise ValueError("a score needs either `questions` or `items` (format 2), not both")
        parts = [i if isinstance(i, ScoreItem) else ScoreItem(id=i) for i in self.items]
        object.__setattr__(self, "items", parts)  # the one shape from here on
        ids = self.names()
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"score {self.id!r} lists {', '.join(dupes)} more than once")
        weighted = [p.id for p in parts if p.weight is not None]
        how = self.how()
        if weighted and how not in (ScoreMethod.sum, ScoreMethod.weighted_mean):
            raise ValueError(f"weights only fit the sum and weighted_mean methods, not {how}")
        if how is ScoreMethod.weighted_mean and any(
            p.weight is not None and p.weight <= 0 for p in parts
        ):
            raise ValueError("weighted_mean weights must be above 0")

    def parts(self) -> list[ScoreItem]:
        """The items, each a ScoreItem (the format 1 `questions` as items of weight 1)."""
        if self.questions:
            return [ScoreItem(id=q) for q in self.questions]
        return [i if isinstance(i, ScoreItem) else ScoreItem(id=i) for i in self.items]

    def names(self) -> list[str]:
        """The ids the score reads."""
        return [p.id for p in self.parts()]

    def how(self) -> ScoreMethod:
        return self.method or ScoreMethod.sum

    def band_for(self, value: float, format: int = 1) -> Band | None:
        return find_band(self.bands, value, format)


@pack_class
class Pack:
    """One questionnaire: an area of the assessment."""

    id: Identifier
    """The pack's id (lowercase, a-z0-9_): `new --packs` and `preflight packs` name it."""
    title: ShortText
    """The area's name, as the wizard and the page show it."""
    version: Version
    """Its version (`1`, `1.2`, `1.2.3`), recorded with every export."""
    description: LongText
    """What the area checks, in a sentence or two."""
    questions: Annotated[list[Question], Rule(non_empty=True)]
    """The questions, in the order asked."""
    gates: list[Gate] = field(default_factory=list)
    """Rules that block (red) or weaken (amber) the move to production."""
    derived: list[Derived] = field(default_factory=list)
    """Values computed from answers, such as monthly cost at 10x traffic."""
    scores: list[Score] = field(default_factory=list)
    """Scores combining answers and derived values, read against bands."""
    receipts: Annotated[list[ReceiptDef], Rule(max_length=MAX_RECEIPTS)] = field(
        default_factory=list
    )
    """Receipts this pack declares, beside the shipped ones (needs `format = 2`)."""
    format: Literal[1, 2] = 1
    """The pack format version, so a later Preflight can read old packs."""

    def __post_init__(self) -> None:
        if self.receipts and self.format < 2:
            raise ValueError("receipts needs `format = 2` at the top of the pack")
        receipt_ids = [r.id for r in self.receipts]
        repeated = sorted({r for r in receipt_ids if receipt_ids.count(r) > 1})
        if repeated:
            raise ValueError(f"receipt ids repeat: {', '.join(repeated)}")
        seen: dict[str, str] = {}
        for section in ("questions", "gates", "derived", "scores"):
            for item in getattr(self, section):
                if item.id in seen:
                    first = seen[item.id]
                    raise ValueError(
                        f"id {item.id!r} in {section} is already used in {first} "
                        f"({first}.{item.id})"
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
        if self.format < 2:
            newer = self._format_2_keys()
            if newer:
                raise ValueError(f"{newer[0]} needs `format = 2` at the top of the pack")
        by_id = {q.id: q for q in self.questions}
        for score in self.scores:
            for part in score.parts() if score.items else ():
                question = by_id.get(part.id)
                if question is not None and not score_reads(question):
                    raise ValueError(
                        f"score {score.id!r} reads {part.id!r}, a {question.kind} question "
                        "without points (give its options points, or leave it out)"
                    )
        for owner, bands in [(s.id, s.bands) for s in self.scores] + [
            (d.id, d.bands) for d in self.derived
        ]:
            problem = band_problem(bands, self.format)
            if problem:
                raise ValueError(f"{owner!r}: {problem}")

    def _format_2_keys(self) -> list[str]:
        """The keys of format 2 this pack uses, each with where (for the format 1 message)."""
        out = []
        for q in self.questions:
            if q.has_points():
                out.append(f"points (question {q.id!r})")
            if q.points_of is not None:
                out.append(f"points_of (question {q.id!r})")
        for s in self.scores:
            if s.items:
                out.append(f"items (score {s.id!r})")
            if s.method is not None:
                out.append(f"method (score {s.id!r})")
        out += [f"bands (derived value {d.id!r})" for d in self.derived if d.bands]
        return out


def score_reads(question: Question) -> bool:
    """Whether a score may read `question`: a scale, a number, or one with points."""
    return question.kind in (Kind.scale, Kind.number) or question.has_points()


def receipt_title(receipt: str) -> str:
    """A shipped receipt's title; a declared one's is in `PackSet.receipts`."""
    return RECEIPT_TITLES.get(receipt, receipt)


def _receipt_id(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"a receipt id is text, not {type(value).__name__}")
    return value


def pack_from_data(data: dict[str, Any]) -> Pack:
    """Rebuild a pack from `dataclasses.asdict` of one that was validated before (the pack
    cache). Raises TypeError, KeyError or ValueError on data of any other shape."""

    def question(q: dict[str, Any]) -> Question:
        return Question(
            **q
            | {
                "kind": Kind(q["kind"]),
                "options": [Option(**o) for o in q["options"]],
                "receipts": [_receipt_id(r) for r in q["receipts"]],
                "points": YesNoPoints(**q["points"]) if q.get("points") else None,
                "points_of": PointsOf(q["points_of"]) if q.get("points_of") else None,
            }
        )

    return Pack(
        **data
        | {
            "questions": [question(q) for q in data["questions"]],
            "gates": [
                Gate(**g | {"level": Level(g["level"]), "receipt": _receipt_id(g["receipt"])})
                for g in data["gates"]
            ],
            "derived": [
                Derived(**d | {"bands": [Band(**b) for b in d["bands"]]}) for d in data["derived"]
            ],
            "scores": [
                Score(
                    **s
                    | {
                        "bands": [Band(**b) for b in s["bands"]],
                        "items": [ScoreItem(**i) for i in s["items"]],
                        "method": ScoreMethod(s["method"]) if s["method"] else None,
                    }
                )
                for s in data["scores"]
            ],
            "receipts": [
                ReceiptDef(**r | {"present": Presence(r["present"])}) for r in data["receipts"]
            ],
        }
    )
