"""Build a portfolio: read Preflight databases and assessment files, write one SQLite file.

Every source is read-only: a database is opened `mode=ro` and copied with SQLite's backup API
into a temporary file (a consistent snapshot, even while a wizard writes), and that copy is
what `Store.open` migrates and reads; an assessment file is only read. A source that cannot be
read (damaged, edited, not Preflight's, written by a newer Preflight) is one `problem` naming
it, and the build goes on with the rest.

Verdicts are worked out here, with the packs installed, on `today`: the portfolio never shows
a verdict cached by whoever made the source. A pilot is known across rebuilds by its
`identity` (its slug and creation time), so a file and a database of the same assessment are
the same pilot; the newer one (its last change) wins, an older one never replaces it.

The output is written in one transaction: a fresh build into a temporary file moved into place
(`os.replace`), a rebuild in place (SQLite's journal undoes a half-done transaction).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from app import __version__
from app.core.answers import display
from app.core.engine import BLOCKING, Evaluation, GateState, evaluate
from app.core.packs import PackSet
from app.core.summary import VERDICT_MEANING
from app.core.text import one_line
from app.errors import PreflightError
from app.interchange import bundle
from app.portfolio import schema
from app.session import packs_in_view, summary_of
from app.store.models import (
    AnswerRecord,
    Assessment,
    Decision,
    FollowUpStatus,
    GateFollowUp,
    Waiver,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
DATABASE_SUFFIXES = (".db", ".sqlite", ".sqlite3")
FILE_SUFFIX = ".json"


class PortfolioError(PreflightError):
    """The build cannot start (the output is not a portfolio, or is one of the sources)."""


@dataclass(frozen=True)
class Source:
    """One SOURCE as given: a database, an assessment file or a folder of either."""

    path: Path
    team: str | None = None
    """None: the file's name without its suffix (a folder's files: the folder's name)."""


@dataclass
class Pilot:
    """One assessment, evaluated, as the rows it becomes."""

    row: dict[str, Any]
    """The `pilots` columns except id, source_id and built_at."""
    gates: list[tuple[Any, ...]]
    waivers: list[tuple[Any, ...]]
    answers: list[tuple[Any, ...]]
    kept: bool = False
    """Known already: the portfolio holds this very state, evaluated with these packs; only
    `identity`, `team`, `last_change` and `source_digest` are set, and its rows stay."""

    @property
    def identity(self) -> str:
        return str(self.row["identity"])

    @property
    def last_change(self) -> str:
        return str(self.row["last_change"])


@dataclass
class SourceReport:
    """What one source gave (or why it gave nothing), and what became of its pilots."""

    path: str
    kind: str
    team: str
    digest: str | None = None
    pilots: list[Pilot] = field(default_factory=list)
    problem: str | None = None
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    older: int = 0
    """Superseded: pilots the portfolio or another source holds in the same or a newer state
    (a later source wins a tie), so these rows were not written."""
    left_out: list[str] = field(default_factory=list)
    """Assessments of a database that could not be read ("slug: why"); the others are built."""

    def line(self) -> str:
        """One line for the terminal (user text cleaned)."""
        head = f"{one_line(self.path)} ({self.kind}, team {one_line(self.team)})"
        if self.problem is not None:
            return f"{head}: skipped: {one_line(self.problem)}"
        parts = [f"{self.added} added", f"{self.replaced} replaced", f"{self.unchanged} unchanged"]
        if self.older:
            parts.append(f"{self.older} superseded")
        line = f"{head}: {len(self.pilots)} pilot(s): " + ", ".join(parts)
        for why in self.left_out:
            line += f"; left out {one_line(why)}"
        return line


@dataclass
class BuildReport:
    out: Path
    sources: list[SourceReport]
    built_at: str

    @property
    def problems(self) -> list[SourceReport]:
        """Sources skipped, or with assessments left out: the build says so and exits 1."""
        return [s for s in self.sources if s.problem is not None or s.left_out]

    def total_left_out(self) -> int:
        return sum(len(s.left_out) for s in self.sources)

    def total(self, what: str) -> int:
        return sum(int(getattr(s, what)) for s in self.sources)

    def summary(self) -> str:
        """`12 pilots from 3 sources: 4 added, 8 replaced, 0 unchanged; 1 source skipped: …`."""
        read = [s for s in self.sources if s.problem is None]
        pilots = self.total("added") + self.total("replaced") + self.total("unchanged")
        line = (
            f"{pilots} pilot(s) from {len(read)} source(s): {self.total('added')} added, "
            f"{self.total('replaced')} replaced, {self.total('unchanged')} unchanged"
        )
        if self.total("older"):
            line += f", {self.total('older')} superseded"
        left_out = self.total_left_out()
        if left_out:
            line += f"; {left_out} assessment(s) left out"
        skipped = [s for s in self.sources if s.problem is not None]
        if skipped:
            names = ", ".join(one_line(s.path) for s in skipped[:5])
            more = " …" if len(skipped) > 5 else ""
            line += f"; {len(skipped)} source(s) skipped: {names}{more}"
        return line


def identity(slug: str, created_at: str) -> str:
    """The pilot's identity across rebuilds and sources: SHA-256 of its slug and creation time."""
    return hashlib.sha256(f"{slug}\n{created_at}".encode()).hexdigest()


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_team(path: Path) -> str:
    """A source's team when none is given: its name without `.preflight.json`, `.json`, `.db`."""
    name = path.name
    for suffix in (bundle.SUFFIX, FILE_SUFFIX, *DATABASE_SUFFIXES):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return path.stem or name


def expand(sources: Iterable[Source]) -> list[tuple[Path, str, str | None]]:
    """Each file to read as (path, team, problem): a folder gives its databases and assessment
    files (not its sub-folders), with the folder's team; a missing path or an empty folder
    gives one problem."""
    out: list[tuple[Path, str, str | None]] = []
    for source in sources:
        path = source.path
        if path.is_dir():
            team = source.team or path.resolve().name or str(path)
            found = [
                p
                for p in sorted(path.iterdir())
                if not p.name.startswith(".") and p.is_file() and _readable_kind(p) is not None
            ]
            if not found:
                out.append((path, team, "no Preflight database or assessment file in the folder"))
            out.extend((p, team, None) for p in found)
        elif path.exists():
            out.append((path, source.team or default_team(path), None))
        else:
            out.append((path, source.team or default_team(path), "no such file or folder"))
    return out


def _readable_kind(path: Path) -> str | None:
    """`database` (SQLite's header), `file` (a .json name), or None (something else)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError:
        return "file" if path.name.lower().endswith(FILE_SUFFIX) else None
    if head == SQLITE_MAGIC:
        return "database"
    if path.name.lower().endswith(FILE_SUFFIX):
        return "file"
    if path.name.lower().endswith(DATABASE_SUFFIXES):
        return "database"
    return None


def kind_of(path: Path) -> str:
    return _readable_kind(path) or "file"


# -- turning one assessment into rows --------------------------------------------------------


def _pack_note(recorded: Mapping[str, str], installed: Mapping[str, str]) -> list[str]:
    out = []
    for pack_id, version in sorted(recorded.items()):
        now = installed.get(pack_id)
        if now is None:
            out.append(f"{pack_id} {version} not installed")
        elif now != version:
            out.append(f"{pack_id} {version} recorded, {now} installed")
    for pack_id in sorted(set(installed) - set(recorded)):
        out.append(f"{pack_id} {installed[pack_id]} installed, not recorded")
    return out


def _verdict_words(evaluation: Evaluation) -> str:
    """The verdict's meaning and, when something blocks, the blocking gates' titles."""
    words = VERDICT_MEANING[evaluation.verdict]
    blocking = [r for r in evaluation.gates.values() if r.state in BLOCKING]
    order = {state: i for i, state in enumerate(BLOCKING)}
    blocking.sort(key=lambda r: order[r.state])
    if blocking:
        shown = "; ".join(f"{r.state.value}: {r.gate.title}" for r in blocking[:5])
        more = f"; and {len(blocking) - 5} more" if len(blocking) > 5 else ""
        words += f" ({shown}{more})"
    return words


def make_pilot(
    *,
    assessment: Assessment,
    answers: Mapping[str, AnswerRecord],
    followups: Mapping[str, GateFollowUp],
    waivers: Mapping[str, Waiver],
    decisions: Sequence[Decision],
    last_export: str | None,
    packset: PackSet,
    team: str,
    source_digest: str,
    today: str,
    pack_lines: Sequence[str] = (),
) -> Pilot:
    """The rows of one assessment, evaluated with `packset` (the packs installed) on `today`."""
    view = packs_in_view(packset, assessment)
    active = {gid for gid, w in waivers.items() if w.active_on(today)}
    evaluation = evaluate(view, {qid: r.value for qid, r in answers.items()}, active, today)
    summary = summary_of(evaluation)
    counts = evaluation.counts()
    notes = [*_pack_note(assessment.packs, view.versions()), *pack_lines]
    notes = list(dict.fromkeys(notes))
    verdicts = [d for d in decisions if d.verdict is not None and d.kind == "verdict"]
    decided = verdicts[-1] if verdicts else None
    row = {
        "identity": identity(assessment.slug, assessment.created_at),
        "team": team,
        "slug": assessment.slug,
        "name": assessment.name,
        "verdict": evaluation.verdict.value,
        "verdict_words": _verdict_words(evaluation),
        "answered": summary.answered,
        "total": summary.total,
        "red": summary.red,
        "amber": summary.amber,
        "unknown": summary.unknown,
        "waived": counts[GateState.waived.value],
        "last_change": assessment.updated_at,
        "last_export": last_export,
        "decision": decided.verdict if decided else None,
        "decided_by": decided.decided_by if decided else None,
        "decided_at": decided.decided_at if decided else None,
        "archived": int(assessment.archived),
        "packs": json.dumps(dict(sorted(assessment.packs.items())), ensure_ascii=False),
        "packs_differ": int(bool(notes)),
        "packs_note": "; ".join(notes) if notes else None,
        "source_digest": source_digest,
    }
    gates = []
    for gid, result in evaluation.gates.items():
        follow = followups.get(gid)
        due = follow.due if follow else None
        status = str(follow.status.value) if follow else None
        overdue = bool(due and due < today and status != FollowUpStatus.done.value)
        gates.append(
            (
                gid,
                result.gate.title,
                result.pack_id,
                result.gate.level.value,
                result.state.value,
                int(result.gate.go_no_go),
                follow.owner if follow else None,
                due,
                status,
                int(overdue),
            )
        )
    waiver_rows = [(gid, w.reason, w.approver, w.expires) for gid, w in sorted(waivers.items())]
    answer_rows = []
    for qid, record in answers.items():
        question = view.questions.get(qid) or packset.questions.get(qid)
        if question is not None:
            value = display(question, record.value)
            pack = view.question_pack.get(qid) or packset.question_pack.get(qid, "")
            text = question.text
        else:
            value = record.value if isinstance(record.value, str) else json.dumps(record.value)
            pack, text = "", ""
        answer_rows.append(
            (qid, pack, text, value, record.note, record.answered_by, record.answered_at)
        )
    return Pilot(row, gates, waiver_rows, answer_rows)


# -- reading sources -------------------------------------------------------------------------


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_file(
    path: Path,
    team: str,
    packset: PackSet,
    installed: list[dict[str, Any]],
    today: str,
    known: Mapping[str, str] | None = None,
) -> SourceReport:
    """One assessment file: checked as `preflight import` checks it (damaged, edited, newer,
    answers that do not fit their questions: a problem), then evaluated, unless `known`
    (digest → the day the portfolio evaluated it with these packs) holds it and no waiver of
    it has lapsed since: then it is a kept pilot, not evaluated again."""
    report = SourceReport(str(path), "file", team)
    try:
        st = path.stat()
        if st.st_size > bundle.MAX_FILE_BYTES:
            report.problem = f"larger than {bundle.MAX_FILE_BYTES // (1024 * 1024)} MB"
            return report
        data = path.read_bytes()
    except OSError as exc:
        report.problem = f"cannot read: {exc.strerror or exc}"
        return report
    try:
        found = bundle.read(data)
    except bundle.BundleError as exc:
        report.digest = hashlib.sha256(data).hexdigest()
        report.problem = str(exc)
        return report
    report.digest = found.digest  # the SHA-256 of its content, checked by `read`
    built_day = (known or {}).get(found.digest)
    if built_day is not None and not any(
        built_day <= w.expires < today for w in found.waivers.values()
    ):
        row = {
            "identity": identity(found.assessment.slug, found.assessment.created_at),
            "team": team,
            "last_change": found.assessment.updated_at,
            "source_digest": found.digest,
        }
        report.pilots.append(Pilot(row, [], [], [], kept=True))
        return report
    bad = bundle.value_problems(found, packset)
    if bad:
        report.problem = f"{len(bad)} answer(s) do not fit their questions: {bad[0]}"
        return report
    lines = bundle.pack_changes(found.packs, installed, ())
    try:
        pilot = make_pilot(
            assessment=found.assessment,
            answers=found.answers,
            followups=found.followups,
            waivers=found.waivers,
            decisions=found.decisions,
            last_export=None,
            packset=packset,
            team=team,
            source_digest=found.digest,
            today=today,
            pack_lines=lines,
        )
    except PreflightError as exc:
        report.problem = str(exc)
        return report
    report.pilots.append(pilot)
    return report


def _snapshot(path: Path, copy: Path) -> None:
    """Copy the database at `path` into `copy` through a read-only connection (never writes
    or migrates the source; a consistent snapshot even while another process writes).

    While a writer has the database open its `-wal` file exists: then we read as any reader
    does (`mode=ro`, SQLite's locks). Without one the main file holds everything, and it is
    opened `immutable`, so not even the `-wal`/`-shm` files a WAL reader makes appear beside
    the source (a write-protected folder or a read-only medium reads the same way)."""
    resolved = path.resolve()
    live = Path(f"{resolved}-wal").exists()
    uri = f"file:{quote(str(resolved))}?{'mode=ro' if live else 'immutable=1'}"
    src = sqlite3.connect(uri, uri=True)
    try:
        tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "assessments" not in tables:
            raise PreflightError("not a Preflight database (no assessments table)")
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def read_database(
    path: Path, team: str, packset: PackSet, installed: list[dict[str, Any]], today: str
) -> SourceReport:
    """Every assessment of a Preflight database (archived ones too, marked), read from a
    snapshot copy."""
    from app.session import Session
    from app.store import Store

    report = SourceReport(str(path), "database", team)
    with tempfile.TemporaryDirectory(prefix="preflight-portfolio-") as work:
        copy = Path(work) / "snapshot.db"
        try:
            _snapshot(path, copy)
            report.digest = _file_sha256(copy)
            store = Store.open(copy)
        except (PreflightError, sqlite3.Error, OSError) as exc:
            report.problem = str(exc).replace(str(copy), one_line(path))
            return report
        try:
            for assessment in store.assessments(include_archived=True):
                try:
                    session = Session.open(store, packset, assessment.id, today=lambda: today)
                    aid = assessment.id
                    answers = session.answers
                    followups = session.followups()
                    waivers = session.waivers()
                    decisions = session.decisions()
                    content = bundle.build(
                        assessment,
                        store.participants(aid),
                        answers,
                        store.history(aid),
                        followups,
                        waivers,
                        installed,
                        respondents=store.respondents(aid),
                        disagreements=store.disagreements(aid, open_only=False),
                        merged=store.merged_values(aid),
                        decisions=decisions,
                    )
                    last = store.last_export(aid)
                    report.pilots.append(
                        make_pilot(
                            assessment=assessment,
                            answers=answers,
                            followups=followups,
                            waivers=waivers,
                            decisions=decisions,
                            last_export=last.exported_at if last else None,
                            packset=packset,
                            team=team,
                            source_digest=str(content["digest"]),
                            today=today,
                        )
                    )
                except PreflightError as exc:
                    # One assessment that cannot be read (its packs are not installed here)
                    # leaves it out, not the rest of its team's database.
                    report.left_out.append(f"{one_line(assessment.slug)}: {exc}")
        except (sqlite3.Error, OSError) as exc:
            report.problem = str(exc).replace(str(copy), one_line(path))
            report.pilots = []
        finally:
            store.close()
    return report


def read_source(
    path: Path,
    team: str,
    packset: PackSet,
    installed: list[dict[str, Any]],
    today: str,
    known: Mapping[str, str] | None = None,
) -> SourceReport:
    if kind_of(path) == "database":
        return read_database(path, team, packset, installed, today)
    return read_file(path, team, packset, installed, today, known)


def read_all(
    files: Sequence[tuple[Path, str, str | None]],
    packset: PackSet,
    installed: list[dict[str, Any]],
    day: str,
    known: Mapping[str, str] | None = None,
) -> list[SourceReport]:
    """A report per file, in the order given (each source read on its own: one that fails is
    its own problem). One process: on the 2-CPU benchmark machine forked readers gained
    nothing (1.87 s against 1.95 s for 1,000 files)."""
    todo = [(str(path), team) for path, team, problem in files if problem is None]
    read = [read_source(Path(p), team, packset, installed, day, known) for p, team in todo]
    done = iter(read)
    out = []
    for path, team, problem in files:
        if problem is not None:  # a missing path or an empty folder
            out.append(SourceReport(str(path), "file", team, problem=problem))
        else:
            out.append(next(done))
    return out


# -- writing the portfolio -------------------------------------------------------------------

PILOT_COLUMNS = (
    "identity",
    "team",
    "slug",
    "name",
    "verdict",
    "verdict_words",
    "answered",
    "total",
    "red",
    "amber",
    "unknown",
    "waived",
    "last_change",
    "last_export",
    "decision",
    "decided_by",
    "decided_at",
    "archived",
    "packs",
    "packs_differ",
    "packs_note",
    "source_digest",
    "source_id",
    "built_at",
)
INSERT_PILOT = (
    f"INSERT INTO pilots ({', '.join(PILOT_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in PILOT_COLUMNS)})"
)
INSERT_GATE = (
    "INSERT INTO gates (pilot_id, gate, title, pack, level, state, go_no_go, owner, due, "
    "status, overdue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_WAIVER = (
    "INSERT INTO waivers (pilot_id, gate, reason, approver, expires) VALUES (?, ?, ?, ?, ?)"
)
INSERT_ANSWER = (
    "INSERT INTO answers (pilot_id, question, pack, text, value, note, answered_by, "
    "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def is_portfolio(path: Path) -> bool:
    """Whether the file at `path` is a portfolio (its `pilots` table has an `identity`)."""
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        columns = {r[1] for r in conn.execute("PRAGMA table_info(pilots)")}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return "identity" in columns and "sources" in tables


def _packs_sha(installed: list[dict[str, Any]]) -> str:
    return hashlib.sha256(bundle.canonical_json(installed).encode()).hexdigest()


def write(
    conn: sqlite3.Connection,
    reports: Sequence[SourceReport],
    *,
    built_at: str,
    today: str,
    installed: list[dict[str, Any]],
) -> None:
    """Upsert every source and pilot in `conn` (one transaction, the caller's)."""
    packs_sha = _packs_sha(installed)
    last = conn.execute("SELECT packs_sha FROM builds ORDER BY id DESC LIMIT 1").fetchone()
    same_packs = last is not None and last[0] == packs_sha
    existing: dict[str, tuple[int, str, str, str]] = {
        r[0]: (r[1], r[2], r[3], r[4])
        for r in conn.execute(
            "SELECT identity, id, source_digest, last_change, built_at FROM pilots"
        )
    }
    known_sources = {r[0]: r[1] for r in conn.execute("SELECT path, id FROM sources")}

    # The newest state of each pilot among the sources (a later source wins a tie).
    best: dict[str, tuple[SourceReport, Pilot]] = {}
    for report in reports:
        for pilot in report.pilots:
            held = best.get(pilot.identity)
            if held is None or pilot.last_change >= held[1].last_change:
                if held is not None:
                    held[0].older += 1
                best[pilot.identity] = (report, pilot)
            else:
                report.older += 1

    source_ids: dict[int, int] = {}
    for index, report in enumerate(reports):
        values = (
            report.kind,
            report.team,
            report.digest,
            built_at,
            len(report.pilots),
            report.problem or ("; ".join(f"left out {w}" for w in report.left_out) or None),
        )
        sid = known_sources.get(report.path)
        if sid is None:
            sid = conn.execute(
                "INSERT INTO sources (kind, team, digest, read_at, assessments, problem, path) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (*values, report.path),
            ).lastrowid
            assert sid is not None
            known_sources[report.path] = sid
        else:
            conn.execute(
                "UPDATE sources SET kind = ?, team = ?, digest = ?, read_at = ?, "
                "assessments = ?, problem = ? WHERE id = ?",
                (*values, sid),
            )
        source_ids[index] = sid
    index_of = {id(report): i for i, report in enumerate(reports)}

    gates: list[tuple[Any, ...]] = []
    waivers: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    for key, (report, pilot) in best.items():
        sid = source_ids[index_of[id(report)]]
        held_row = existing.get(key)
        if held_row is not None:
            pid, digest, last_change, built = held_row
            if last_change > pilot.last_change:
                report.older += 1
                continue
            if pilot.kept or (
                digest == pilot.row["source_digest"]
                and same_packs
                and not _waiver_lapsed(pilot, built[:10], today)
            ):
                conn.execute(
                    "UPDATE pilots SET team = ?, source_id = ? WHERE id = ?",
                    (pilot.row["team"], sid, pid),
                )
                report.unchanged += 1
                continue
            conn.execute("DELETE FROM pilots WHERE id = ?", (pid,))
            report.replaced += 1
        elif pilot.kept:  # cannot be: a kept pilot's digest came from a row of the portfolio
            raise PortfolioError(f"{one_line(report.path)}: a kept pilot is not in the portfolio")
        else:
            report.added += 1
        row = {**pilot.row, "source_id": sid, "built_at": built_at}
        cursor = conn.execute(INSERT_PILOT, [row[c] for c in PILOT_COLUMNS])
        new_id = cursor.lastrowid
        gates.extend((new_id, *g) for g in pilot.gates)
        waivers.extend((new_id, *w) for w in pilot.waivers)
        answers.extend((new_id, *a) for a in pilot.answers)
    conn.executemany(INSERT_GATE, gates)
    conn.executemany(INSERT_WAIVER, waivers)
    conn.executemany(INSERT_ANSWER, answers)
    (count,) = conn.execute("SELECT COUNT(*) FROM pilots").fetchone()
    conn.execute(
        "INSERT INTO builds (built_at, preflight, packs, packs_sha, sources, pilots, problems) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            built_at,
            __version__,
            json.dumps({p["id"]: p["version"] for p in installed}),
            packs_sha,
            len(reports),
            count,
            sum(1 for r in reports if r.problem is not None or r.left_out),
        ),
    )


def _known(out: Path, installed: list[dict[str, Any]]) -> dict[str, str]:
    """Each pilot's source digest → the day it was evaluated, when the portfolio's last build
    had the packs installed now (else nothing is known: every pilot is evaluated again)."""
    conn = sqlite3.connect(f"file:{quote(str(out.resolve()))}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "builds" not in tables:
            return {}
        last = conn.execute("SELECT packs_sha FROM builds ORDER BY id DESC LIMIT 1").fetchone()
        if last is None or last[0] != _packs_sha(installed):
            return {}
        return {
            digest: built[:10]
            for digest, built in conn.execute("SELECT source_digest, built_at FROM pilots")
        }
    finally:
        conn.close()


def _waiver_lapsed(pilot: Pilot, built_day: str, today: str) -> bool:
    """Whether a waiver of the pilot stopped clearing its gate since the day it was built (its
    verdict may have moved though nothing in the source changed)."""
    return any(built_day <= str(w[3]) < today for w in pilot.waivers)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _database(conn: sqlite3.Connection) -> Any:
    from sqlite_utils import Database

    return Database(conn)


def build(
    sources: Sequence[Source],
    out: Path,
    packset: PackSet,
    *,
    today: str | None = None,
    now: Callable[[], str] = now_stamp,
) -> BuildReport:
    """Read every source and write (or update) the portfolio at `out`; problems with sources
    are in the report, never raised. Raises PortfolioError when `out` cannot be written to."""
    built_at = now()
    day = today or dt.date.today().isoformat()
    out_resolved = out.resolve()
    for source in sources:
        if source.path.exists() and source.path.resolve() == out_resolved:
            raise PortfolioError(
                f"{one_line(out)} is one of the sources; write the portfolio elsewhere"
            )
    # The portfolio kept in a folder it is built from is not one of that folder's sources.
    files = [f for f in expand(sources) if not (f[0].exists() and f[0].resolve() == out_resolved)]
    if out.is_dir():
        raise PortfolioError(f"cannot write {one_line(out)}: a folder has that name")
    if out.exists() and out.stat().st_size == 0:
        out.unlink()  # an empty file (a browser opened a path not built yet): built afresh
    if out.exists() and not is_portfolio(out):
        raise PortfolioError(
            f"{one_line(out)} exists and is not a portfolio; choose another --out (nothing written)"
        )
    installed = bundle.packs_in_use(packset)
    known = _known(out, installed) if out.exists() else {}
    reports = read_all(files, packset, installed, day, known)
    if out.exists():
        conn = _connect(out)
        try:
            schema.create(_database(conn))
            conn.execute("BEGIN IMMEDIATE")
            try:
                write(conn, reports, built_at=built_at, today=day, installed=installed)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
        os.close(handle)
        tmp = Path(name)
        try:
            conn = _connect(tmp)
            try:
                conn.execute("PRAGMA journal_mode = DELETE")
                conn.execute("PRAGMA synchronous = OFF")  # a crash leaves only the temp file
                conn.executescript(schema.SCHEMA_SQL)
                conn.execute("BEGIN")
                write(conn, reports, built_at=built_at, today=day, installed=installed)
                conn.execute("COMMIT")
                # The full-text index after the rows, in one pass (its triggers, row by row,
                # would take 4x longer); then the views. All in the temporary file still.
                db = _database(conn)
                schema.enable_fts(db)
                schema.create_views(db)
            finally:
                conn.close()
            with tmp.open("rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, out)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    return BuildReport(out, reports, built_at)
