"""The session service: one assessment, its packs and its store, shared by every front end.

Front ends (wizard, plain mode, CLI) stay thin: they ask a `Session` to answer, clear or apply
answers, and get back the stored record and the gates that moved. The session checks each
value against its question, re-evaluates, and saves the answer together with the new cached
`Summary` in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from app.core.agenda import Dispute, Item, agenda
from app.core.answers import TODAY_WORD, AnswerError, check_value
from app.core.decisions import (
    DECIDED,
    DECIDER_QUESTION,
    named_decider,
    open_gates,
    override_problem,
    text_problem,
)
from app.core.engine import (
    Evaluation,
    GateChange,
    GateState,
    changes,
    evaluate,
    evaluate_changed,
)
from app.core.model import Kind
from app.core.packs import PackSet
from app.core.text import name_key, one_line
from app.errors import EXIT_USAGE, PreflightError
from app.store import Store
from app.store.models import (
    AnswerRecord,
    Assessment,
    Decision,
    DecisionKind,
    Disagreement,
    GateFollowUp,
    HistoryEntry,
    MergeChange,
    Participant,
    Respondent,
    Summary,
    Waiver,
)

if TYPE_CHECKING:
    from app.interchange.changes import Moment


def choose_packs(packset: PackSet, ids: Iterable[str]) -> list[str]:
    """A selection of packs checked against the packs in use, in pack order: an id not in use,
    none at all, or a pack left out that a chosen one reads, is a usage error saying which."""
    wanted = [i.strip() for i in ids if i.strip()]
    in_use = [pack.id for pack in packset.packs]
    unknown = [i for i in wanted if i not in in_use]
    if unknown or not wanted:
        what = f"no pack {one_line(unknown[0])!r} in use" if unknown else "choose at least one pack"
        raise PreflightError(f"{what}; the packs in use are {', '.join(in_use)}", EXIT_USAGE)
    lacking = packset.needs(wanted)
    if lacking:
        pack, name, other = lacking[0]
        raise PreflightError(
            f"pack {one_line(pack)!r} needs pack {one_line(other)!r} (it reads "
            f"{one_line(name)!r}); add it to the selection",
            EXIT_USAGE,
        )
    return [i for i in in_use if i in wanted]


def default_packs(packset: PackSet) -> list[str] | None:
    """A team's default packs for a new assessment: `default = [ids]` in a `packset.toml` in a
    folder holding packs in use (checked like `choose_packs`); None: every pack. Two such files
    that disagree, or one that is broken, is an error naming the file and the field."""
    from pathlib import Path

    from app.core.packs import PACKSET_FILE

    folders = dict.fromkeys(Path(source).parent for source in packset.sources.values())
    found: dict[Path, list[str]] = {}
    for folder in folders:
        path = folder / PACKSET_FILE
        if path.is_file():
            found[path] = _read_packset_file(path, packset)
    if not found:
        return None
    choices = list(found.items())
    for path, ids in choices[1:]:
        if ids != choices[0][1]:
            raise PreflightError(
                f"{one_line(str(choices[0][0]))} and {one_line(str(path))} name different "
                "default packs; keep one packset.toml",
                EXIT_USAGE,
            )
    return choices[0][1]


def _read_packset_file(path: Any, packset: PackSet) -> list[str]:
    import tomllib

    name = one_line(str(path))
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PreflightError(f"{name}: cannot be read: {one_line(exc.strerror or exc)}") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        raise PreflightError(f"{name}: not a TOML file: {one_line(exc)}", EXIT_USAGE) from None
    ids = raw.get("default")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise PreflightError(
            f'{name}: default: give a list of pack ids, e.g. default = ["acceptance", "data"]',
            EXIT_USAGE,
        )
    try:
        return choose_packs(packset, ids)
    except PreflightError as exc:
        raise PreflightError(f"{name}: default: {exc}", EXIT_USAGE) from None


def _today() -> str:
    return dt.date.today().isoformat()


def summary_of(evaluation: Evaluation) -> Summary:
    """Answered/total over the visible questions of every area, the verdict and gate counts."""
    counts = evaluation.counts()
    return Summary(
        answered=sum(a.answered for a in evaluation.areas.values()),
        total=sum(a.visible for a in evaluation.areas.values()),
        verdict=evaluation.verdict.value,
        red=counts[GateState.red.value],
        amber=counts[GateState.amber.value],
        unknown=counts[GateState.unknown.value],
    )


def packs_in_view(packset: PackSet, assessment: Assessment) -> PackSet:
    """The packs in use that `assessment` is made of: all of them for one made before packs
    could be chosen (or made with all); ids no longer in use are passed over, and a pack a
    chosen one has come to need is taken along (a newer version may read more)."""
    selection = assessment.pack_selection
    if selection is None:
        return packset
    ids = packset.closed(selection)
    if not ids:
        shown = ", ".join(one_line(i) for i in selection) or "none"
        raise PreflightError(
            f"none of the packs of {one_line(assessment.slug)!r} is in use ({shown}); "
            "add their folder with --questionnaires",
            EXIT_USAGE,
        )
    return packset.select(ids)


class Session:
    """A `Store`, a `PackSet` and one `Assessment`, with the latest evaluation cached.

    `packset` is the packs the assessment is made of (see `packs_in_view`); `packs_in_use`
    every pack loaded, from which its selection can grow again."""

    def __init__(
        self,
        store: Store,
        packset: PackSet,
        assessment: Assessment,
        today: Callable[[], str] = _today,
    ) -> None:
        self.store = store
        self.packs_in_use = packset
        self.packset = packs_in_view(packset, assessment)
        self._assessment = assessment
        self._today = today
        self._assessment_stale = False
        self._answers: dict[str, AnswerRecord] | None = None
        self._evaluation: Evaluation | None = None
        self._waived: set[str] | None = None
        """Gate ids with a waiver active today, read once (see `_evaluate`)."""
        self._disputes: dict[str, Dispute] | None = None

    @classmethod
    def create(
        cls,
        store: Store,
        packset: PackSet,
        name: str,
        description: str = "",
        today: Callable[[], str] = _today,
        packs: Sequence[str] | None = None,
    ) -> Session:
        """A new assessment of the packs in use (or of those in `packs`, checked with
        `choose_packs`), with its first summary cached (one write)."""
        selection = None if packs is None else choose_packs(packset, packs)
        chosen = packset.select(selection)
        first = summary_of(evaluate(chosen, {}, today=today()))  # nothing answered or waived yet
        assessment = store.create(
            name, description, packs=chosen.versions(), summary=first, pack_selection=selection
        )
        return cls(store, packset, assessment, today)

    @classmethod
    def restore(
        cls,
        store: Store,
        packset: PackSet,
        assessment: Assessment,
        *,
        participants: Sequence[Participant] = (),
        answers: Mapping[str, AnswerRecord] | None = None,
        history: Iterable[HistoryEntry] = (),
        followups: Mapping[str, GateFollowUp] | None = None,
        waivers: Mapping[str, Waiver] | None = None,
        respondents: Sequence[Respondent] = (),
        disagreements: Sequence[Disagreement] = (),
        merged: Mapping[str, Any] | None = None,
        decisions: Sequence[Decision] = (),
        today: Callable[[], str] = _today,
    ) -> Session:
        """Recreate an assessment as given (an imported assessment file), with its summary
        under the packs in use, in one write; a merged one with its respondents (and their
        answers), its disagreements open and settled, and what the last merge agreed."""
        answers = answers or {}
        waivers = waivers or {}
        day = today()
        active = {gid for gid, w in waivers.items() if w.active_on(day)}
        values = {qid: record.value for qid, record in answers.items()}
        first = summary_of(evaluate(packs_in_view(packset, assessment), values, active, day))
        restored = store.restore(
            assessment,
            participants=participants,
            answers=list(answers.values()),
            history=history,
            followups=list((followups or {}).values()),
            waivers=list(waivers.values()),
            respondents=respondents,
            disagreements=disagreements,
            merged=merged,
            summary=first,
            decisions=decisions,
        )
        return cls(store, packset, restored, today)

    @classmethod
    def open(
        cls, store: Store, packset: PackSet, ref: int | str, today: Callable[[], str] = _today
    ) -> Session:
        return cls(store, packset, store.get(ref), today)

    # -- state -------------------------------------------------------------------------------

    @property
    def assessment(self) -> Assessment:
        if self._assessment_stale:
            self._assessment = self.store.get(self.id)
            self._assessment_stale = False
        return self._assessment

    @property
    def id(self) -> int:
        return self._assessment.id

    @property
    def answers(self) -> dict[str, AnswerRecord]:
        if self._answers is None:
            self._answers = self.store.answers(self.id)
        return self._answers

    @property
    def evaluation(self) -> Evaluation:
        if self._evaluation is None:
            self._evaluation = self._evaluate(self._values())
        return self._evaluation

    summary_of = staticmethod(summary_of)

    def today(self) -> str:
        """The day (YYYY-MM-DD) waivers are judged on."""
        return self._today()

    def refresh(self) -> None:
        """Forget the caches (after another process may have written)."""
        self._assessment = self.store.get(self.id)
        self._assessment_stale = False
        self._answers = None
        self._evaluation = None
        self._waived = None
        self._disputes = None

    def _values(self) -> dict[str, Any]:
        return {qid: record.value for qid, record in self.answers.items()}

    # -- packs -------------------------------------------------------------------------------

    def choose_packs(self, ids: Iterable[str]) -> tuple[int, int]:
        """Make the assessment of the packs `ids` (checked like `choose_packs`); every answer
        stays stored. Returns how many stored answers went out of view and came back into it."""
        before = set(self.packset.questions)
        selection = choose_packs(self.packs_in_use, ids)
        chosen = self.packs_in_use.select(selection)
        if len(selection) == len(self.packs_in_use.packs):
            selection_or_all: list[str] | None = None  # every pack: later packs join too
        else:
            selection_or_all = selection
        stored = set(self.answers)
        after = set(chosen.questions)
        day = self._today()
        waived = self.store.active_waivers(self.id, day)
        self._assessment = self.store.set_pack_selection(
            self.id,
            selection_or_all,
            chosen.versions(),
            summary=lambda committed: summary_of(evaluate(chosen, committed, waived, day)),
        )
        self._assessment_stale = False
        self.packset = chosen
        self._answers = None
        self._evaluation = None
        self._waived = None
        self._disputes = None
        return len(stored & before - after), len(stored & after - before)

    def _evaluate(self, values: dict[str, Any], waived: set[str] | None = None) -> Evaluation:
        # Waivers change only through this session (or a refresh), so read them once, not on
        # every answer key.
        day = self._today()
        if self._waived is None:
            self._waived = self.store.active_waivers(self.id, day)
        return evaluate(self.packset, values, self._waived if waived is None else waived, day)

    def _evaluate_from(self, before: Evaluation, values: dict[str, Any]) -> Evaluation:
        """`_evaluate(values)` worked out from `before` (this session's evaluation): only what
        reads an answer that differs is computed again (the answer and clear keys)."""
        day = self._today()
        if self._waived is None:
            self._waived = self.store.active_waivers(self.id, day)
        return evaluate_changed(self.packset, before, values, self._waived, today=day)

    def _check(self, question_id: str, value: Any) -> Any:
        question = self.packset.questions.get(question_id)
        if question is None:
            raise AnswerError(f"unknown question id {question_id!r}")
        if question.kind is Kind.date and value == TODAY_WORD:
            value = self.today()  # "type today if this meeting is the kickoff"
        return check_value(question, value)

    def _summary_for(
        self, expected: dict[str, Any], after: Evaluation, waived: set[str] | None = None
    ) -> _CommittedSummary:
        return _CommittedSummary(self, expected, after, waived)

    def _moved(self, before: Evaluation, after: Evaluation | _CommittedSummary) -> list[GateChange]:
        if isinstance(after, _CommittedSummary):
            if after.stale:
                # Another process wrote since this session read: what it holds is the truth.
                self._answers = None
                self._waived = after.waived
                self._disputes = None
            after = after.evaluation
        self._evaluation = after
        self._assessment_stale = True  # its updated_at and summary moved; read it when asked
        return changes(before, after)

    # -- answering ---------------------------------------------------------------------------

    def answer(
        self,
        question_id: str,
        value: Any,
        *,
        note: str | None = None,
        evidence: str | None = None,
        answered_by: str | None = None,
    ) -> tuple[AnswerRecord, list[GateChange]]:
        """Check, save (with the new summary, one transaction) and report the gates that moved.

        Raises AnswerError when the value does not fit the question; nothing is saved then.
        """
        stored = self._check(question_id, value)
        before = self.evaluation
        values = self._values() | {question_id: stored}
        committed = self._summary_for(values, self._evaluate_from(before, values))
        record = self.store.save_answer(
            self.id,
            question_id,
            stored,
            note=note,
            evidence=evidence,
            answered_by=answered_by,
            summary=committed,
        )
        self.answers[question_id] = record
        self._disputes = None  # answering settled its own (same transaction); read again
        moved = self._moved(before, committed)
        return record, moved

    def clear(self, question_id: str, answered_by: str | None = None) -> list[GateChange]:
        before = self.evaluation
        values = self._values()
        values.pop(question_id, None)
        committed = self._summary_for(values, self._evaluate_from(before, values))
        self.store.clear_answer(self.id, question_id, answered_by=answered_by, summary=committed)
        self.answers.pop(question_id, None)
        return self._moved(before, committed)

    def apply(
        self,
        entries: Iterable[Any],
        answered_by: str | None = None,
        clear_others: bool = False,
        participants: Iterable[tuple[str, str]] = (),
        followups: Mapping[str, Mapping[str, Any]] | None = None,
        waivers: Mapping[str, Mapping[str, str]] | None = None,
    ) -> list[GateChange]:
        """Write answer-file entries all or nothing; any bad value stops the lot before saving.

        Entries are `AnswerEntry`s or `(question_id, value, note, evidence)` tuples;
        `participants` (name, role) missing from the assessment are added in the same
        transaction, and so are `followups` (gate id → owner, due, status, note: the fields
        given) and `waivers` (gate id → reason, approver, expires). The summary cached with
        them, and the evaluation returned, count the new waivers.
        """
        checked, problems = [], []
        for entry in entries:
            if hasattr(entry, "question_id"):
                entry = (entry.question_id, entry.value, entry.note, entry.evidence)
            qid, value, note, evidence = entry
            try:
                checked.append((qid, self._check(qid, value), note, evidence))
            except AnswerError as exc:
                problems.append(f"{qid}: {exc}")
        for section, table in (("_followups", followups), ("_waivers", waivers)):
            for gate_id in table or {}:
                if gate_id not in self.packset.gates:
                    problems.append(f"{section}.{gate_id}: unknown gate id")
        if problems:
            raise AnswerError("; ".join(problems))
        before = self.evaluation
        values = {} if clear_others else self._values()
        values.update({qid: value for qid, value, _, _ in checked})
        waived = None
        if waivers:
            today = self._today()
            current = self._waived
            if current is None:
                current = self.store.active_waivers(self.id, today)
            waived = (current - set(waivers)) | {
                gid for gid, w in waivers.items() if w["expires"] >= today
            }
        committed = self._summary_for(values, self._evaluate(values, waived), waived)
        self._answers = self.store.replace_answers(
            self.id,
            checked,
            answered_by=answered_by,
            summary=committed,
            clear_others=clear_others,
            participants=list(participants),
            followups=followups,
            waivers=waivers,
        )
        if waived is not None:
            self._waived = waived
        self._disputes = None
        return self._moved(before, committed)

    def data_version(self) -> int:
        """Changes when another process has committed to the database (see `Store`)."""
        return self.store.data_version()

    def set_answering_as(self, name: str | None) -> None:
        self.store.set_answering_as(self.id, name)
        self._assessment_stale = True

    # -- respondents and disagreements -------------------------------------------------------

    def respondents(self) -> list[Respondent]:
        return self.store.respondents(self.id)

    def disputes(self) -> dict[str, Dispute]:
        """Open disagreements by question id (answering a question settles its own)."""
        if self._disputes is None:
            self._disputes = self.store.disputes(self.id)
        return self._disputes

    def all_disputes(self) -> dict[str, Dispute]:
        """Every question's latest disagreement, settled ones too."""
        return self.store.disputes(self.id, open_only=False)

    def merged_values(self) -> dict[str, Any]:
        return self.store.merged_values(self.id)

    def agenda(self) -> list[Item]:
        """What the team still has to discuss, in order (`app.core.agenda`)."""
        return agenda(self.packset, self.evaluation, self.disputes())

    def apply_merge(self, change: MergeChange) -> list[GateChange]:
        """Write a merge planned by `app.interchange.merge` (one transaction) and report the
        gates that moved."""
        before = self.evaluation
        values = self._values()
        for qid in change.cleared:
            values.pop(qid, None)
        values.update({r.question_id: r.value for r in change.answers})
        committed = self._summary_for(values, self._evaluate(values))
        self.store.apply_merge(self.id, change, summary=committed)
        self._answers = None
        self._disputes = None
        return self._moved(before, committed)

    # -- participants ------------------------------------------------------------------------

    def participants(self) -> list[Participant]:
        return self.store.participants(self.id)

    def add_participant(self, name: str, role: str) -> Participant:
        """Add a person; PreflightError (exit 2) if the name is taken, case and spacing aside."""
        return self.store.add_participant(self.id, name, role)

    def participant_named(self, name: str) -> Participant | None:
        return self.store.participant_named(self.id, name)

    def ensure_participant(self, name: str, role: str) -> Participant:
        """The participant called `name` (any case), added with `role` if there is none."""
        return self.participant_named(name) or self.add_participant(name, role)

    # -- follow-ups and waivers --------------------------------------------------------------

    def followups(self) -> dict[str, GateFollowUp]:
        return self.store.followups(self.id)

    def set_followup(self, gate_id: str, **fields: Any) -> GateFollowUp:
        return self.store.set_followup(self.id, gate_id, **fields)

    def record_export(
        self, paths: Sequence[str], fmt: str, digest: str, page_date: str | None = None
    ) -> None:
        """Log a receipts pack just written (the exports log `preflight diff` starts from),
        judged on `page_date`."""
        packs = {pack.id: pack.version for pack in self.packset.packs}
        self.store.record_export(self.id, paths, fmt, digest, packs, page_date)

    def waivers(self) -> dict[str, Waiver]:
        return self.store.waivers(self.id)

    def set_waiver(
        self, gate_id: str, *, reason: str, approver: str, expires: str
    ) -> tuple[Waiver, list[GateChange]]:
        before = self.evaluation
        waiver = self.store.set_waiver(
            self.id, gate_id, reason=reason, approver=approver, expires=expires
        )
        return waiver, self._rewaive(before)

    def remove_waiver(self, gate_id: str) -> list[GateChange]:
        before = self.evaluation
        self.store.remove_waiver(self.id, gate_id)
        return self._rewaive(before)

    def _rewaive(self, before: Evaluation) -> list[GateChange]:
        self._waived = None
        values = self._values()
        committed = self._summary_for(values, self._evaluate(values))
        self.store.save_summary(self.id, committed)
        return self._moved(before, committed)

    # -- decisions ---------------------------------------------------------------------------

    def changes(
        self, start: Moment | None = None, today: str | None = None
    ) -> tuple[dict[str, Any], str]:
        """What changed since `start` (None → the last export, else the creation), as
        `app.interchange.diff.compare` reports it, and a heading."""
        from app.interchange import changes

        start = start or changes.last_export(self.store, self.assessment)
        return changes.since(
            self.store, self.packset, self.assessment, today or self.today(), start, self.answers
        )

    def decisions(self) -> list[Decision]:
        """The decision log, oldest first."""
        return self.store.decisions(self.id)

    def note_decision(
        self, text: str, *, gate_id: str | None = None, by: str | None = None
    ) -> Decision:
        """Record a decision in words, maybe about one gate of the packs in use, maybe by a
        participant; PreflightError (exit 2) otherwise."""
        if (problem := text_problem(text, "a decision")) is not None:
            raise PreflightError(problem, EXIT_USAGE)
        if gate_id is not None and gate_id not in self.packset.gates:
            raise PreflightError(
                f"no gate {one_line(gate_id)!r} in the packs in use (see the gate ids with "
                "'preflight check')",
                EXIT_USAGE,
            )
        who = self._decider(by).name if by is not None else None
        return self.store.add_decision(
            self.id, DecisionKind.note, text=text.strip(), gate_id=gate_id, decided_by=who
        )

    def decide(
        self,
        verdict: str,
        by: str,
        *,
        digest: str,
        note: str | None = None,
        override: str | None = None,
    ) -> Decision:
        """Record the go/no-go decision beside what Preflight computes now (the verdict with
        today's waivers, the open gates) and `digest`, the pack digest of the same records.

        `by` must be a participant and, where the packs name the go/no-go decider, that
        person; GO or CONDITIONAL over a computed NO-GO, or GO over INCOMPLETE, needs an
        `override` reason. PreflightError (exit 2) otherwise."""
        decided = DECIDED.get(verdict.strip().lower())
        if decided is None:
            raise PreflightError("a verdict is one of go, conditional, no-go", EXIT_USAGE)
        person = self._decider(by)
        decider = named_decider(self.packset.questions, self._values())
        if decider is not None and name_key(decider) != name_key(person.name):
            raise PreflightError(
                f"the packs name {one_line(decider)} as the go/no-go decider "
                f"({DECIDER_QUESTION}): only they can record the decision, not "
                f"{one_line(person.name)}",
                EXIT_USAGE,
            )
        if note is not None and (problem := text_problem(note, "the note")) is not None:
            raise PreflightError(problem, EXIT_USAGE)
        evaluation = self.evaluation
        computed = evaluation.verdict.value
        if (problem := override_problem(decided.value, computed, override)) is not None:
            raise PreflightError(problem, EXIT_USAGE)
        return self.store.add_decision(
            self.id,
            DecisionKind.verdict,
            text=note.strip() if note is not None else None,
            decided_by=person.name,
            verdict=decided.value,
            computed_verdict=computed,
            digest=digest,
            open_gates=open_gates(evaluation),
            override=override.strip() if override is not None else None,
        )

    def _decider(self, name: str) -> Participant:
        """The participant called `name` (case and spacing aside); PreflightError if none."""
        found = self.participant_named(name) if name.strip() else None
        if found is None:
            names = ", ".join(one_line(p.name) for p in self.participants()) or "none yet"
            raise PreflightError(
                f"{one_line(name) or '(empty)'} is not a participant of this assessment "
                f"(participants: {names}); add them in the wizard (ctrl+o) or with an answer "
                "file's [_meta] participants",
                EXIT_USAGE,
            )
        return found


class _CommittedSummary:
    """The summary a write caches, built from the answers as committed in its transaction.

    The session evaluates from what it read earlier; another process (a script applying an
    answer file, a second wizard) may have committed since. Called by the store under the
    write lock with the committed answers: when they and today's waivers are what the session
    expected (the usual case, one cheap comparison), its evaluation stands; otherwise the
    committed rows are evaluated and that is what is cached and reported.
    """

    def __init__(
        self,
        session: Session,
        expected: dict[str, Any],
        after: Evaluation,
        expected_waived: set[str] | None = None,
    ) -> None:
        self.session = session
        self.expected = expected
        self.evaluation = after
        self.expected_waived = expected_waived
        """The active waivers `after` counts, when the write itself sets some (an answer
        file's `_waivers`); None: the session's own."""
        self.stale = False
        self.waived: set[str] | None = None

    def __call__(self, committed: dict[str, Any]) -> Summary:
        session = self.session
        # Read in the write transaction: the waivers it writes are seen.
        day = session._today()
        waived = session.store.active_waivers(session.id, day)
        expected = session._waived if self.expected_waived is None else self.expected_waived
        if committed != self.expected or waived != expected or self.evaluation.today != day:
            self.stale = True
            self.waived = waived
            self.evaluation = evaluate(session.packset, committed, waived, day)
        return summary_of(self.evaluation)
