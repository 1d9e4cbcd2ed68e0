"""Finding, reading and cross-checking pack files.

`load_packs` turns a list of directories or files into a `PackSet` (the packs in use, with an
index of every question, gate, derived value and score) plus the problems found, each naming
file, location and message. Nothing here raises on bad input: a broken file becomes a problem.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.core import expr, lint
from app.core.model import (
    DEFAULT_RECEIPTS,
    MAX_RECEIPTS,
    Derived,
    Gate,
    Pack,
    Question,
    ReceiptDef,
    Score,
    score_reads,
)
from app.core.packcache import PackCache
from app.core.text import one_line

MAX_FILE_BYTES = 2_000_000
ANSWER_FILE = "looks like an answer file, not a pack (no id, no [[questions]])"
"""Said of a TOML file with neither key: skipped with a note in a folder, a problem if named."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a pack file, printed as `file: location: message`."""

    file: str
    location: str
    message: str

    def __str__(self) -> str:
        # Each part may come from the file (a quoted key, its name): printed safe, one line.
        return f"{one_line(self.file)}: {one_line(self.location)}: {one_line(self.message)}"


@dataclass
class PackSet:
    """The packs in use, in display order, with lookups across all of them."""

    packs: list[Pack]
    sources: dict[str, Path] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    question_pack: dict[str, str] = field(default_factory=dict)
    gates: dict[str, Gate] = field(default_factory=dict)
    gate_pack: dict[str, str] = field(default_factory=dict)
    derived: dict[str, Derived] = field(default_factory=dict)
    derived_pack: dict[str, str] = field(default_factory=dict)
    scores: dict[str, Score] = field(default_factory=dict)
    score_pack: dict[str, str] = field(default_factory=dict)
    compiled: dict[str, expr.Expression] = field(default_factory=dict)
    """Compiled expressions by key: `show_if:<question>`, `gate:<gate>`, `derived:<id>`."""
    eval_order: list[str] = field(default_factory=list)
    """Questions, scores and derived values, each after the names it reads (no cycles)."""
    visibility_order: list[str] = field(default_factory=list)
    """The part of `eval_order` that decides which questions show: the questions with a
    `show_if` and whatever those read, directly or not (`engine.visibility` walks only it)."""
    receipts: dict[str, ReceiptDef] = field(
        default_factory=lambda: {r.id: r for r in DEFAULT_RECEIPTS}
    )
    """The receipts in use, in shelf order: the shipped ones, then those packs declare."""
    receipt_pack: dict[str, str] = field(default_factory=dict)
    """Declared receipt id → the first pack in use that declares it (shipped ones: none)."""
    _readers: dict[str, tuple[list[str], list[str]]] | None = field(
        default=None, repr=False, compare=False
    )
    """Built by `dependants` on first use: name → what reads it directly (eval nodes, gates)."""
    _closures: dict[frozenset[str], tuple[list[str], list[str]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def gate_reads(self, gate_id: str) -> list[str]:
        """The questions a gate's rule reads, directly or through derived values and scores,
        in pack order: what the agenda lists under a gate and what `diff` says moved it."""
        seen = self._gate_names(gate_id)
        return [qid for qid in self.questions if qid in seen]

    def gate_reads_day(self, gate_id: str) -> bool:
        """Whether a gate's rule reads `today`, directly or not: the day alone can move it."""
        return expr.TODAY in self._gate_names(gate_id)

    def _gate_names(self, gate_id: str) -> set[str]:
        seen: set[str] = set()
        compiled = self.compiled.get(f"gate:{gate_id}")
        todo = list(compiled.names) if compiled else []
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            if name in self.scores:
                todo.extend(self.scores[name].names())  # questions, values, other scores
            elif (derived := self.compiled.get(f"derived:{name}")) is not None:
                todo.extend(derived.names)
        return seen

    def dependants(self, names: Iterable[str]) -> tuple[list[str], list[str]]:
        """What must be worked out again when `names` change: the questions (by their
        `show_if`), scores and derived values that read one of them, directly or not, with
        the changed names themselves, in `eval_order`; and the gates that read any of those.
        Built once per pack set from the compiled expressions, memoised per set of names."""
        key = frozenset(names)
        found = self._closures.get(key)
        if found is not None:
            return found
        if self._readers is None:
            direct: dict[str, tuple[list[str], list[str]]] = {}
            for node in self.eval_order:
                if node in self.questions:
                    compiled = self.compiled.get(f"show_if:{node}")
                    reads: Iterable[str] = compiled.names if compiled else ()
                elif node in self.scores:
                    reads = self.scores[node].names()
                else:
                    compiled = self.compiled.get(f"derived:{node}")
                    reads = compiled.names if compiled else ()
                for name in set(reads):
                    direct.setdefault(name, ([], []))[0].append(node)
            for gid in self.gates:
                compiled = self.compiled.get(f"gate:{gid}")
                for name in set(compiled.names) if compiled else ():
                    direct.setdefault(name, ([], []))[1].append(gid)
            self._readers = direct
        position = {name: i for i, name in enumerate(self.eval_order)}
        nodes = {n for n in key if n in position}
        todo = list(key)  # `today` is read but is no node: it starts a walk all the same
        while todo:
            for reader in self._readers.get(todo.pop(), ([], []))[0]:
                if reader not in nodes:
                    nodes.add(reader)
                    todo.append(reader)
        order = sorted(nodes, key=position.__getitem__)
        gates = {g for n in [*key, *order] for g in self._readers.get(n, ([], []))[1]}
        found = (order, [g for g in self.gates if g in gates])
        if len(self._closures) < 4096:
            self._closures[key] = found
        return found

    def shelf(self) -> dict[str, ReceiptDef]:
        """The receipts the page lists: those a question evidences or a gate blocks in the
        packs in use, and every one a pack in use declares, in shelf order. An assessment of
        a team's own packs alone does not list six shipped receipts nothing can show."""
        named = {r for q in self.questions.values() for r in q.receipts}
        named |= {g.receipt for g in self.gates.values()}
        return {
            rid: r for rid, r in self.receipts.items() if rid in named or rid in self.receipt_pack
        }

    def receipt_title(self, receipt_id: str) -> str:
        found = self.receipts.get(receipt_id)
        return found.title if found is not None else receipt_id

    def pack(self, pack_id: str) -> Pack:
        for pack in self.packs:
            if pack.id == pack_id:
                return pack
        raise KeyError(pack_id)

    def versions(self) -> dict[str, str]:
        return {pack.id: pack.version for pack in self.packs}

    def needs(self, ids: Iterable[str]) -> list[tuple[str, str, str]]:
        """What a selection of packs lacks: `(pack, name, other pack)` for each name a pack in
        `ids` reads (in a show_if, a gate, a derived value or a score) that only a pack outside
        `ids` defines; empty when the selection is closed under references."""
        wanted = set(ids)
        owner = dict(self.question_pack)
        owner.update(self.score_pack)
        for pack in self.packs:
            owner.update((d.id, pack.id) for d in pack.derived)
        readers: list[tuple[str, Iterable[str]]] = []
        for key, compiled in self.compiled.items():
            kind, _, item = key.partition(":")
            readers.append(
                (
                    owner.get(item, "") if kind != "gate" else self.gate_pack.get(item, ""),
                    compiled.names,
                )
            )
        readers.extend((self.score_pack[sid], s.questions) for sid, s in self.scores.items())
        found: set[tuple[str, str, str]] = set()
        for reader, names in readers:
            if reader not in wanted:
                continue
            for name in names:
                other = owner.get(name)
                if other is not None and other not in wanted:
                    found.add((reader, name, other))
        order = {pack.id: i for i, pack in enumerate(self.packs)}
        return sorted(found, key=lambda f: (order.get(f[0], 0), f[1]))

    def select(self, ids: Iterable[str] | None) -> PackSet:
        """The packs in `ids` only (in pack order; ids not in use are passed over), indexed and
        compiled afresh; None or every pack: this set itself. Raises `SelectionError` when a
        chosen pack reads a name of a pack left out (see `needs`)."""
        if ids is None:
            return self
        wanted = set(ids)
        if all(pack.id in wanted for pack in self.packs):
            return self
        lacking = self.needs(wanted)
        if lacking:
            pack, name, other = lacking[0]
            raise SelectionError(f"pack {pack!r} needs pack {other!r} (it reads {name!r})")
        chosen = [(p, self.sources.get(p.id, Path(p.id))) for p in self.packs if p.id in wanted]
        packset, _ = build_packset(chosen)  # checked as part of this set: nothing new to find
        return packset

    def closed(self, ids: Iterable[str]) -> list[str]:
        """`ids` (those in use) with every pack they need, directly or not, in pack order."""
        wanted = {pack.id for pack in self.packs} & set(ids)
        while lacking := self.needs(wanted):
            wanted.update(other for _, _, other in lacking)
        return [pack.id for pack in self.packs if pack.id in wanted]


class SelectionError(ValueError):
    """A selection of packs that leaves out a pack one of them needs."""


@dataclass
class LoadResult:
    packset: PackSet
    problems: list[Problem]
    notices: list[str]
    """Things worth saying that are not errors, e.g. a team pack replacing a shipped one."""

    @property
    def ok(self) -> bool:
        return not self.problems


PACKSET_FILE = "packset.toml"
"""A team's default selection of packs in a questionnaires folder (`default = [ids]`), not a
pack: `pack_files` passes over it."""


def pack_files(path: Path) -> list[Path]:
    """The pack files a path names: a file itself, or the `*.toml` files directly in a folder
    (but `packset.toml`)."""
    if path.is_dir():
        return sorted(
            p for p in path.glob("*.toml") if p.is_file() and p.name.lower() != PACKSET_FILE
        )
    return [path]


def read_pack(path: Path, cache: PackCache | None = None) -> tuple[Pack | None, list[Problem]]:
    """Read and validate one file (or take it from `cache` when it passed before); never raises."""
    name = str(path)
    try:
        if path.is_dir():
            return None, [Problem(name, "file", "is a directory, not a pack file")]
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(name, "file", f"larger than {MAX_FILE_BYTES:,} bytes")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, "file", f"cannot be read: {exc.strerror or exc}")]
    if cache is not None and (cached := cache.get(data)) is not None:
        return cached, []
    if not data.strip():
        return None, [Problem(name, "file", "is empty")]
    if b"\x00" in data:
        return None, [Problem(name, "file", "is binary, not TOML text")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(name, "file", f"is not UTF-8 text (byte {exc.start})")]
    import tomllib  # ~30 ms to import: only for files the cache does not hold

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [Problem(name, "toml", str(exc))]
    except ValueError:  # Python will not read an int of more than 4,300 digits
        return None, [Problem(name, number_location(text), "number too large")]
    except (RecursionError, MemoryError):
        return None, [Problem(name, "toml", "nested too deeply to read")]
    if "id" not in raw and "questions" not in raw:  # `question_id = value` lines, `[_meta]`
        return None, [Problem(name, "file", ANSWER_FILE)]
    from app.core import packfile  # pydantic: only for files not checked before

    try:
        pack, errors = packfile.validate(raw)
    except (RecursionError, MemoryError):
        return None, [Problem(name, "file", "too deeply nested to validate")]
    problems = [Problem(name, location, message) for location, message in errors]
    if pack is not None:
        # Checked here, once per file's bytes, not on every load: a pack from the cache passed
        # it against the same lists (they are part of the cache key).
        problems += _check_frameworks(pack, path)
    if pack is not None and cache is not None and not problems:
        cache.put(data, pack)
    return pack, problems


def number_location(text: str) -> str:
    """Where `text` holds an integer too long for Python to read ("line N"), else "file".

    The TOML and JSON readers raise a bare ValueError for one, without saying where."""
    limit = sys.get_int_max_str_digits() or 4300
    found = re.search(rf"[0-9](?:_?[0-9]){{{limit},}}", text)
    return f"line {text.count(chr(10), 0, found.start()) + 1}" if found else "file"


def load_packs(paths: Iterable[Path], *, use_cache: bool = True) -> LoadResult:
    """Load every pack under `paths`, later paths replacing earlier packs with the same id.

    Files that passed validation before come from the pack cache (`app.core.packcache`)."""
    cache = PackCache.default() if use_cache else None
    problems: list[Problem] = []
    notices: list[str] = []
    chosen: dict[str, tuple[Pack, Path]] = {}
    read: set[Path] = set()
    for base in paths:
        if not base.exists():
            problems.append(Problem(str(base), "path", "does not exist"))
            continue
        in_folder = base.is_dir()
        for file in pack_files(base):
            if (resolved := file.resolve()) in read:
                continue  # named twice (`validate FILE` with its folder in use): one pack
            pack, found = read_pack(file, cache)
            if in_folder and [p.message for p in found] == [ANSWER_FILE]:
                notices.append(f"{file}: skipped: {ANSWER_FILE}")
                continue  # named on its own too, it is a problem
            read.add(resolved)
            problems.extend(found)
            if pack is None:
                continue
            if pack.id in chosen:
                previous = chosen[pack.id][1]
                if previous.resolve().parent == resolved.parent:
                    problems.append(
                        Problem(str(file), "id", f"pack id {pack.id!r} is also used by {previous}")
                    )
                    continue
                notices.append(f"pack {pack.id!r} from {file} replaces the one in {previous}")
            chosen[pack.id] = (pack, file)
    ordered = [chosen[pid] for pid in sorted(chosen, key=lambda pid: _order_key(pid))]
    packset, cross = build_packset(ordered)
    if cache is not None:
        cache.save()
    return LoadResult(packset, problems + cross, notices)


AREA_ORDER = ("acceptance", "data", "security", "production", "adoption")


def _order_key(pack_id: str) -> tuple[int, str]:
    return (AREA_ORDER.index(pack_id) if pack_id in AREA_ORDER else len(AREA_ORDER), pack_id)


def build_packset(entries: list[tuple[Pack, Path]]) -> tuple[PackSet, list[Problem]]:
    """Index packs and check what spans them; packs with such problems are left out."""
    problems: list[Problem] = []
    owners: dict[str, tuple[str, Path, str]] = {}
    kept: list[tuple[Pack, Path]] = []
    receipts = {r.id: r for r in DEFAULT_RECEIPTS}
    receipt_owner: dict[str, tuple[str, Path]] = {}
    for pack, file in entries:
        clash = []
        added: dict[str, ReceiptDef] = {}
        for receipt in pack.receipts:
            known_as = receipts.get(receipt.id) or added.get(receipt.id)
            if known_as == receipt:
                continue  # the same receipt declared again: one receipt
            where = f"receipts.{receipt.id}.id"
            if known_as is not None:
                owner = receipt_owner.get(receipt.id)
                by = f"pack {owner[0]!r} ({owner[1]})" if owner else "Preflight"
                clash.append(
                    Problem(
                        str(file),
                        where,
                        f"receipt {receipt.id!r} is already declared by {by} as "
                        f"{known_as.title!r} ({known_as.present}); declare it the same or "
                        "choose another id",
                    )
                )
            elif len(receipts) + len(added) >= MAX_RECEIPTS:
                clash.append(
                    Problem(
                        str(file),
                        where,
                        f"more than {MAX_RECEIPTS} receipts in use (the page has a row for each)",
                    )
                )
            else:
                added[receipt.id] = receipt
        for section in ("questions", "gates", "derived", "scores"):
            for item in getattr(pack, section):
                if item.id in owners and owners[item.id][0] != pack.id:
                    other, other_file, other_section = owners[item.id]
                    clash.append(
                        Problem(
                            str(file),
                            f"{section}.{item.id}.id",
                            f"id {item.id!r} is already used by pack {other!r} "
                            f"({other_file}: {other_section}.{item.id})",
                        )
                    )
        if clash:
            problems.extend(clash)
            continue
        for section in ("questions", "gates", "derived", "scores"):
            for item in getattr(pack, section):
                owners[item.id] = (pack.id, file, section)
        receipts.update(added)
        receipt_owner.update((rid, (pack.id, file)) for rid in added)
        kept.append((pack, file))

    packset = PackSet(packs=[p for p, _ in kept], sources={p.id: f for p, f in kept})
    packset.receipts = receipts
    packset.receipt_pack = {rid: owner for rid, (owner, _) in receipt_owner.items()}
    for pack, _ in kept:
        for q in pack.questions:
            packset.questions[q.id] = q
            packset.question_pack[q.id] = pack.id
        for g in pack.gates:
            packset.gates[g.id] = g
            packset.gate_pack[g.id] = pack.id
        for d in pack.derived:
            packset.derived[d.id] = d
            packset.derived_pack[d.id] = pack.id
        for s in pack.scores:
            packset.scores[s.id] = s
            packset.score_pack[s.id] = pack.id

    known = set(packset.questions) | set(packset.derived) | set(packset.scores) | {expr.TODAY}
    for pack, file in kept:
        problems.extend(_compile_pack(pack, file, packset, known))
        problems.extend(_check_receipts(pack, file, receipts))
    problems.extend(_order_names(packset, kept))
    return packset, problems


def _check_receipts(pack: Pack, file: Path, receipts: dict[str, ReceiptDef]) -> list[Problem]:
    """Every receipt a question evidences or a gate blocks is one in use."""
    named = [
        (f"questions.{q.id}.receipts[{j}]", rid)
        for q in pack.questions
        for j, rid in enumerate(q.receipts)
    ] + [(f"gates.{g.id}.receipt", g.receipt) for g in pack.gates]
    return [
        Problem(
            str(file),
            location,
            f"{rid!r} is not a receipt; {_did_you_mean(rid, receipts)}receipts are "
            f"{', '.join(receipts)} (a pack may declare more under [[receipts]])",
        )
        for location, rid in named
        if rid not in receipts
    ]


def _check_frameworks(pack: Pack, file: Path) -> list[Problem]:
    """Every framework tag names an item of a shipped framework list (`app.core.frameworks`)."""
    named = [
        (f"{section}.{item.id}.frameworks[{j}]", tag)
        for section, items in (("questions", pack.questions), ("gates", pack.gates))
        for item in items
        for j, tag in enumerate(item.frameworks)
    ]
    if not named:
        return []  # the lists are read only for packs that tag something
    from app.core.frameworks import tag_problem

    return [
        Problem(str(file), location, problem)
        for location, tag in named
        if (problem := tag_problem(tag)) is not None
    ]


def _did_you_mean(name: str, names: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(names), n=1)
    return f"did you mean {close[0]}? " if close else ""


def _compile_pack(pack: Pack, file: Path, packset: PackSet, known: set[str]) -> list[Problem]:
    problems = []
    items: list[tuple[str, str, str | None]] = []
    for q in pack.questions:
        items.append((f"show_if:{q.id}", f"questions.{q.id}.show_if", q.show_if))
    for g in pack.gates:
        items.append((f"gate:{g.id}", f"gates.{g.id}.when", g.when))
    for d in pack.derived:
        items.append((f"derived:{d.id}", f"derived.{d.id}.expr", d.expr))
    for key, location, source in items:
        if source is None:
            continue
        compiled = expr.parse(source, format=pack.format)  # already checked by the model
        unknown = sorted(compiled.names - known)
        if unknown:
            problems.append(
                Problem(
                    str(file),
                    location,
                    f"unknown name(s) {', '.join(unknown)} in {source!r}"
                    + did_you_mean(unknown, known),
                )
            )
            continue
        message = _lookup_problem(pack, compiled, packset)
        if message:
            problems.append(Problem(str(file), location, message))
            continue
        problems += [Problem(str(file), location, m) for m in lint.check(source, packset.questions)]
        packset.compiled[key] = compiled
    for s in pack.scores:
        for qid in s.questions:
            if qid not in packset.questions:
                problems.append(
                    Problem(
                        str(file),
                        f"scores.{s.id}.questions",
                        f"unknown question {qid!r}" + did_you_mean([qid], packset.questions),
                    )
                )
            elif packset.questions[qid].kind != "scale":
                problems.append(
                    Problem(str(file), f"scores.{s.id}.questions", f"{qid!r} is not a scale")
                )
        for j, part in enumerate(s.items):
            where = f"scores.{s.id}.items[{j}]"
            name = part if isinstance(part, str) else part.id
            if name == expr.TODAY:
                problems.append(Problem(str(file), where, "today is a day, not a number to score"))
            elif name not in known:
                problems.append(
                    Problem(
                        str(file), where, f"unknown name {name!r}" + did_you_mean([name], known)
                    )
                )
            elif name in packset.questions and not score_reads(packset.questions[name]):
                question = packset.questions[name]
                problems.append(
                    Problem(
                        str(file), where, f"{name!r} is a {question.kind} question without points"
                    )
                )
    return problems


def did_you_mean(names: list[str], known: Iterable[str]) -> str:
    """ "; did you mean x?" for the names close to a known one (misspelled), else ""."""
    known = sorted(known)
    found = [(n, m[0]) for n in names if (m := difflib.get_close_matches(n, known, n=1))]
    if not found:
        return ""
    if len(found) == 1 and len(names) == 1:
        return f"; did you mean {found[0][1]}?"
    return "; did you mean " + ", ".join(f"{m} for {n}" for n, m in found) + "?"


def _lookup_problem(pack: Pack, compiled: expr.Expression, packset: PackSet) -> str | None:
    """Why an expression's `sum()`, `points(q)` or `band(x)` cannot be used here, if it cannot."""
    newer = sorted(compiled.calls & expr.FORMAT_2_FUNCTIONS)
    if newer and pack.format < 2:
        return f"{newer[0]}() needs `format = 2` at the top of the pack"
    for function, name in sorted(compiled.lookups):
        if function == "points":
            question = packset.questions.get(name)
            if question is None or not question.has_points():
                return f"points({name}): {name!r} is not a question with points"
        else:
            owner = packset.scores.get(name) or packset.derived.get(name)
            if owner is None or not owner.bands:
                return f"band({name}): {name!r} is not a score or derived value with bands"
    return None


def _topological(
    nodes: list[str], deps: dict[str, set[str]], cycles: list[list[str]] | None = None
) -> tuple[list[str], set[str]]:
    """Order `nodes` so each comes after its deps; return the order and the nodes in cycles
    (and add each cycle met, as the path from a node back to it, to `cycles`)."""
    order: list[str] = []
    state: dict[str, int] = {}
    cyclic: set[str] = set()
    for start in nodes:
        if start in state:
            continue
        stack = [(start, iter(sorted(deps.get(start, ()))))]
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                state[node] = 2
                order.append(node)
            elif state.get(child) == 1:
                path = [n for n, _ in stack]
                path = path[path.index(child) :]
                cyclic.update(path)
                if cycles is not None:
                    cycles.append([*path, child])
            elif child not in state:
                state[child] = 1
                stack.append((child, iter(sorted(deps.get(child, ())))))
    return order, cyclic


def _order_names(packset: PackSet, kept: list[tuple[Pack, Path]]) -> list[Problem]:
    """One evaluation order over questions, scores and derived values, each after what it reads.

    A question depends on the names in its `show_if`; a score on its questions; a derived value
    on the names in its expression. So a `show_if` may read a derived value or a score.
    """
    deps: dict[str, set[str]] = {}
    for pack in packset.packs:
        for q in pack.questions:
            compiled = packset.compiled.get(f"show_if:{q.id}")
            deps[q.id] = set(compiled.names) if compiled else set()
    for sid, score in packset.scores.items():
        deps[sid] = set(score.names())
    for did in packset.derived:
        compiled = packset.compiled.get(f"derived:{did}")
        deps[did] = set(compiled.names) if compiled else set()
    cycles: list[list[str]] = []
    order, cyclic = _topological(list(deps), deps, cycles)
    packset.eval_order = [n for n in order if n not in cyclic and n in deps]
    needed = {q for q in packset.questions if packset.compiled.get(f"show_if:{q}")}
    todo = list(needed)
    while todo:
        for name in deps.get(todo.pop(), ()):
            if name not in needed:
                needed.add(name)
                todo.append(name)
    packset.visibility_order = [n for n in packset.eval_order if n in needed]
    problems = []
    for name in sorted(cyclic):
        if name in packset.questions:
            section, field_name = "questions", "show_if"
        elif name in packset.derived:
            section, field_name = "derived", "expr"
        else:
            section, field_name = "scores", "items" if packset.scores[name].items else "questions"
        path = next(c for c in cycles if name in c)
        start = path.index(name)  # the same cycle, from this name round to it
        path = path[start:-1] + path[:start] + [name]
        message = f"is part of a cycle: {' → '.join(path)}"
        problems.append(_problem_for(kept, section, name, field_name, message))
    return problems


def _problem_for(
    kept: list[tuple[Pack, Path]], section: str, item_id: str, field_name: str, message: str
) -> Problem:
    for pack, file in kept:
        for item in getattr(pack, section):
            if item.id == item_id:
                return Problem(
                    str(file), f"{section}.{item_id}.{field_name}", f"{item_id!r} {message}"
                )
    return Problem("?", section, f"{item_id!r} {message}")
