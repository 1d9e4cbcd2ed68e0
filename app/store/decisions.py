"""The decision log (`preflight decide`): notes and go/no-go decisions, append-only.

A decision is never edited or deleted (a later one supersedes it); the store keeps the rows
as given, and the session checks who may decide and when an override is needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from app.store import rows
from app.store.models import Decision, DecisionKind
from app.store.plumbing import Plumbing

_INSERT = (
    "INSERT INTO decisions (assessment_id, kind, text, gate_id, decided_by, decided_at, "
    "verdict, computed_verdict, digest, open_gates, override) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class DecisionWrites(Plumbing):
    """Mixed into `Store`; relies on its `_write`, `_query`, `_require`, `_touch`."""

    def decisions(self, assessment_id: int) -> list[Decision]:
        """The assessment's decision log, oldest first (the latest verdict is the last one)."""
        found = self._query(
            "SELECT * FROM decisions WHERE assessment_id = ? ORDER BY decided_at, id",
            [assessment_id],
        )
        return [rows.decision(r) for r in found]

    def add_decision(
        self,
        assessment_id: int,
        kind: DecisionKind | str,
        *,
        text: str | None = None,
        gate_id: str | None = None,
        decided_by: str | None = None,
        verdict: str | None = None,
        computed_verdict: str | None = None,
        digest: str | None = None,
        open_gates: Mapping[str, Sequence[str]] | None = None,
        override: str | None = None,
    ) -> Decision:
        """Record one decision, timestamped now; an edit of the assessment (`updated_at`)."""
        record = Decision(
            id=0,
            assessment_id=assessment_id,
            kind=DecisionKind(kind),
            text=text,
            gate_id=gate_id,
            decided_by=decided_by,
            decided_at=rows.now(),
            verdict=verdict,
            computed_verdict=computed_verdict,
            digest=digest,
            open_gates={k: list(v) for k, v in (open_gates or {}).items()},
            override=override,
        )
        with self._write():
            self._require(assessment_id)
            new_id = self._insert_decisions(assessment_id, [record])[-1]
            self._touch(assessment_id, record.decided_at)
        return Decision(**{**_fields(record), "id": new_id})

    def _insert_decisions(self, assessment_id: int, decisions: Iterable[Decision]) -> list[int]:
        """Inside a write: the rows as given (their ids and assessment ids ignored)."""
        out = []
        for d in decisions:
            cursor = self.sql.execute(
                _INSERT,
                [
                    assessment_id,
                    DecisionKind(d.kind).value,
                    d.text,
                    d.gate_id,
                    d.decided_by,
                    d.decided_at,
                    d.verdict,
                    d.computed_verdict,
                    d.digest,
                    rows.dump(d.open_gates),
                    d.override,
                ],
            )
            assert cursor.lastrowid is not None  # an INSERT always sets it
            out.append(cursor.lastrowid)
        return out


def _fields(record: Decision) -> dict[str, Any]:
    return {name: getattr(record, name) for name in Decision.__dataclass_fields__}
