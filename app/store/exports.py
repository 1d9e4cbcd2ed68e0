"""The exports log, and the answers as they stood at a moment: what `preflight diff` reads.

Both are per-question SQL over indexes, so an assessment with 100,000 history rows is read in
milliseconds instead of being loaded whole into Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.store import rows
from app.store.models import ExportRecord, HistoryEntry
from app.store.plumbing import Plumbing

_QUESTIONS = (
    # Each question with a history line, one index seek apiece (a skip-scan by hand).
    "WITH RECURSIVE qs(q) AS ("
    " SELECT MIN(question_id) FROM answer_history WHERE assessment_id = ?1"
    " UNION ALL SELECT (SELECT MIN(question_id) FROM answer_history"
    "  WHERE assessment_id = ?1 AND question_id > qs.q) FROM qs WHERE qs.q IS NOT NULL) "
)
_LAST_AS_OF = _QUESTIONS + (
    "SELECT h.* FROM qs JOIN answer_history h ON h.id = ("
    " SELECT id FROM answer_history WHERE assessment_id = ?1 AND question_id = qs.q"
    " AND changed_at <= ?2 AND id <= ?3 ORDER BY changed_at DESC, id DESC LIMIT 1)"
    " ORDER BY h.question_id"
)
_LAST_AFTER = _QUESTIONS + (
    "SELECT h.* FROM qs JOIN answer_history h ON h.id = ("
    " SELECT id FROM answer_history WHERE assessment_id = ?1 AND question_id = qs.q"
    " ORDER BY changed_at DESC, id DESC LIMIT 1) WHERE (h.changed_at > ?2 OR h.id > ?3)"
    " ORDER BY h.question_id"
)
_NO_MARK = 2**63 - 1
"""An id bound no history line reaches: the moment alone decides."""


class ExportLog(Plumbing):
    """Mixed into `Store`; relies on its `_write`, `_query`, `_require`."""

    def record_export(
        self,
        assessment_id: int,
        paths: Sequence[str],
        fmt: str,
        digest: str,
        packs: Mapping[str, str] | None = None,
        page_date: str | None = None,
    ) -> list[ExportRecord]:
        """Log the files one export wrote (one row each, one time), committed; `page_date`:
        the day the page was judged on."""
        when = rows.now()
        packs_json = rows.dump(dict(sorted((packs or {}).items())))
        with self._write() as db:
            self._require(assessment_id)
            mark = db.execute(
                "SELECT COALESCE(MAX(id), 0) FROM answer_history WHERE assessment_id = ?",
                [assessment_id],
            ).fetchone()[0]
            for path in paths:
                db.execute(
                    "INSERT INTO exports (assessment_id, path, format, digest, packs, "
                    "exported_at, history_mark, page_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [assessment_id, str(path), fmt, digest, packs_json, when, mark, page_date],
                )
        return self.exports(assessment_id)[-len(paths) :] if paths else []

    def exports(self, assessment_id: int) -> list[ExportRecord]:
        """Every export of the assessment, oldest first."""
        found = self._query(
            "SELECT * FROM exports WHERE assessment_id = ? ORDER BY exported_at, id",
            [assessment_id],
        )
        return [rows.export(r) for r in found]

    def last_export(self, assessment_id: int, before: str | None = None) -> ExportRecord | None:
        """The latest export (at or before `before`, when given), or None."""
        sql = "SELECT * FROM exports WHERE assessment_id = ?"
        params: list[Any] = [assessment_id]
        if before is not None:
            sql += " AND exported_at <= ?"
            params.append(before)
        found = self._query(sql + " ORDER BY exported_at DESC, id DESC LIMIT 1", params)
        return rows.export(found[0]) if found else None

    def history_as_of(
        self, assessment_id: int, when: str, mark: int | None = None
    ) -> dict[str, HistoryEntry]:
        """Question id → its last history line at or before `when` (its value and note then;
        a None `new_value` means it was cleared). Replaying the history up to `when`, and with
        `mark` (an export's `history_mark`) no further than that line."""
        bound = _NO_MARK if mark is None else mark
        found = self._query(_LAST_AS_OF, [assessment_id, when, bound])
        return {r["question_id"]: rows.history(r) for r in found}

    def changed_after(
        self, assessment_id: int, when: str, mark: int | None = None
    ) -> dict[str, HistoryEntry]:
        """Question id → its latest history line after `when` (or after `mark`), with who
        changed it last and when."""
        bound = _NO_MARK if mark is None else mark
        found = self._query(_LAST_AFTER, [assessment_id, when, bound])
        return {r["question_id"]: rows.history(r) for r in found}
