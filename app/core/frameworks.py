"""The framework crosswalk: which NIST AI RMF, EU AI Act and ISO/IEC 42001 items each question
and gate evidences, and how much of each framework an assessment covers.

A pack tags a question or a gate with `frameworks = ["nist-ai-rmf:GOVERN 2.1", "eu-ai-act:Art.
14", "iso-42001:A.3.2"]`: the framework's key, a colon, then the item's id exactly as the shipped
list spells it. The lists are shipped data beside the packs (`questionnaires/frameworks/*.toml`,
each with a `version` and a `source`), read once, and every tag is checked against them when
packs load (`tag_problem`). The tags are metadata: they change no verdict, no gate and no hash.

`coverage` is pure: from the packs in use, their evaluation and the evidence each answer
carries, per framework item the questions and gates that evidence it and their states, and per
framework how many items are touched, evidenced by a link, or held by an open gate.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.paths import shipped_dir

if TYPE_CHECKING:
    from app.core.engine import Evaluation
    from app.core.packs import PackSet

FOLDER = "frameworks"
"""The framework lists' folder inside the shipped packs' folder: a subfolder, so the pack
loader (which reads `*.toml` directly in a folder) never reads a list as a pack."""
ORDER = ("nist-ai-rmf", "eu-ai-act", "iso-42001")
"""The frameworks, in the order every report lists them."""


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    """A short title in Preflight's own words (not the framework's text)."""
    section: str
    """Where in the framework the item sits (`Table 3, MEASURE 2`, `Chapter III, Section 2`)."""


@dataclass(frozen=True)
class Framework:
    key: str
    name: str
    version: str
    unit: str
    """What its items are called: subcategories, articles, Annex A controls."""
    source: str
    items: dict[str, Item]


def folder() -> Path:
    return shipped_dir() / FOLDER


@functools.cache
def frameworks() -> dict[str, Framework]:
    """The shipped framework lists by key, in `ORDER`. A list that cannot be read is a bug in
    the shipped data, and raises (tests read every one)."""
    import tomllib

    out: dict[str, Framework] = {}
    for key in ORDER:
        raw: dict[str, Any] = tomllib.loads((folder() / f"{key}.toml").read_text("utf-8"))
        if raw.get("framework") != key:
            raise ValueError(f"{key}.toml: framework is {raw.get('framework')!r}, not {key!r}")
        items = {i["id"]: Item(i["id"], i["title"], i["section"]) for i in raw["items"]}
        out[key] = Framework(key, raw["name"], raw["version"], raw["unit"], raw["source"], items)
    return out


def split_tag(tag: str) -> tuple[str, str]:
    """`nist-ai-rmf:MEASURE 2.3` → (`nist-ai-rmf`, `MEASURE 2.3`); no colon → (tag, "")."""
    key, _, item = tag.partition(":")
    return key, item


def tag_problem(tag: str) -> str | None:
    """What is wrong with a tag (an unknown framework or item, with a "did you mean"), or None."""
    known = frameworks()
    key, item = split_tag(tag)
    if key not in known:
        every = [f"{k}:{i}" for k, fw in known.items() for i in fw.items]
        # The whole tag near a known one, else (no framework named) an item of any list.
        close = (
            difflib.get_close_matches(tag, every, n=1)
            or [
                f"{k}:{found[0]}"
                for k, fw in known.items()
                if (
                    found := difflib.get_close_matches(item or tag, list(fw.items), n=1, cutoff=0.8)
                )
            ][:1]
        )
        hint = f"did you mean {close[0]}? " if close else ""
        return (
            f"{tag!r} is not a framework tag; {hint}a tag is framework:item, the frameworks "
            f"are {', '.join(known)}"
        )
    framework = known[key]
    if item not in framework.items:
        close = difflib.get_close_matches(item, list(framework.items), n=1, cutoff=0.5)
        hint = f"did you mean {key}:{close[0]}? " if close else ""
        return (
            f"{item!r} is not an item of {framework.name} {framework.version}; {hint}"
            f"see questionnaires/{FOLDER}/{key}.toml"
        )
    return None


def tagged(packset: PackSet) -> bool:
    """Whether any question or gate in use carries a tag (else the lists need not be read)."""
    return any(q.frameworks for q in packset.questions.values()) or any(
        g.frameworks for g in packset.gates.values()
    )


@dataclass
class QuestionMark:
    id: str
    pack: str
    text: str
    state: str
    """answered, unknown (answered "unknown"), unanswered (an open disagreement too), or
    hidden (not asked here)."""
    evidence: list[str]


@dataclass
class GateMark:
    id: str
    pack: str
    title: str
    state: str
    """The gate's state: red, amber, unknown, clear, waived or inactive."""


@dataclass
class ItemCoverage:
    item: Item
    questions: list[QuestionMark] = field(default_factory=list)
    gates: list[GateMark] = field(default_factory=list)

    @property
    def touched(self) -> bool:
        return bool(self.questions or self.gates)

    @property
    def evidenced(self) -> bool:
        """A question tagged with it carries an evidence link (its value or an attachment)."""
        return any(q.evidence for q in self.questions)

    @property
    def open_gate(self) -> bool:
        """A gate tagged with it blocks: red, amber or unknown."""
        return any(g.state in ("red", "amber", "unknown") for g in self.gates)

    @property
    def answered(self) -> int:
        return sum(q.state == "answered" for q in self.questions)


@dataclass
class FrameworkCoverage:
    framework: Framework
    items: list[ItemCoverage]

    @property
    def touched(self) -> int:
        return sum(i.touched for i in self.items)

    @property
    def evidenced(self) -> int:
        return sum(i.evidenced for i in self.items)

    @property
    def open_gates(self) -> int:
        return sum(i.open_gate for i in self.items)

    @property
    def untouched(self) -> list[Item]:
        return [i.item for i in self.items if not i.touched]

    def line(self) -> str:
        """`NIST AI RMF 1.0: 31 of 72 subcategories touched (4 with an open gate), 9 with
        evidence`: the page's one line for it."""
        fw = self.framework
        return (
            f"{fw.name} {fw.version}: {self.touched} of {len(self.items)} {fw.unit} touched "
            f"({self.open_gates} with an open gate), {self.evidenced} with evidence"
        )

    def tight(self) -> str:
        """`NIST AI RMF 32/72 (7)`: its part of the page's tightest line, on a full page."""
        return f"{self.framework.name} {self.touched}/{len(self.items)} ({self.evidenced})"

    def short(self) -> str:
        """`NIST AI RMF 1.0 32/72 touched, 7 with evidence`: its part of the page's one-line
        summary, where a line a framework does not fit."""
        fw = self.framework
        return (
            f"{fw.name} {fw.version} {self.touched}/{len(self.items)} touched, "
            f"{self.evidenced} with evidence"
        )


def coverage(
    packset: PackSet,
    evaluation: Evaluation,
    answers: Mapping[str, Any],
    evidence: Mapping[str, Sequence[str]],
    only: str | None = None,
) -> list[FrameworkCoverage]:
    """Per framework (or only the one keyed `only`), per item, the questions and gates in use
    that evidence it, with their states; `answers` is question id → stored value (as
    `evaluate` reads them), `evidence` question id → the references its answer carries."""
    from app.core.agenda import is_answered

    known = frameworks()
    marks: dict[str, dict[str, ItemCoverage]] = {
        key: {iid: ItemCoverage(item) for iid, item in fw.items.items()}
        for key, fw in known.items()
        if only is None or key == only
    }
    for qid, question in packset.questions.items():
        if not evaluation.visible.get(qid):
            state = "hidden"
        elif is_answered(evaluation, qid):
            state = "answered"
        elif answers.get(qid) == "unknown":
            state = "unknown"
        else:
            state = "unanswered"
        refs = list(evidence.get(qid, ())) if state != "hidden" else []
        for tag in question.frameworks:
            key, iid = split_tag(tag)
            if key in marks and iid in marks[key]:
                pack = packset.question_pack[qid]
                marks[key][iid].questions.append(
                    QuestionMark(qid, pack, question.text, state, refs)
                )
    for gid, gate in packset.gates.items():
        result = evaluation.gates.get(gid)
        state = result.state.value if result is not None else "unknown"
        for tag in gate.frameworks:
            key, iid = split_tag(tag)
            if key in marks and iid in marks[key]:
                pack = packset.gate_pack[gid]
                marks[key][iid].gates.append(GateMark(gid, pack, gate.full_title, state))
    return [FrameworkCoverage(known[key], list(items.values())) for key, items in marks.items()]


def as_dict(found: list[FrameworkCoverage]) -> dict[str, Any]:
    """The coverage as plain data (the JSON export and `preflight coverage --json`)."""
    out: dict[str, Any] = {}
    for cov in found:
        fw = cov.framework
        out[fw.key] = {
            "name": fw.name,
            "version": fw.version,
            "source": fw.source,
            "unit": fw.unit,
            "items": len(cov.items),
            "touched": cov.touched,
            "evidenced": cov.evidenced,
            "open_gates": cov.open_gates,
            "coverage": [
                {
                    "id": i.item.id,
                    "title": i.item.title,
                    "section": i.item.section,
                    "questions": [
                        {"id": q.id, "pack": q.pack, "state": q.state, "evidence": q.evidence}
                        for q in i.questions
                    ],
                    "gates": [{"id": g.id, "pack": g.pack, "state": g.state} for g in i.gates],
                }
                for i in cov.items
                if i.touched
            ],
            "untouched": [i.id for i in cov.untouched],
        }
    return out
