"""What the store's parts (answers, merges, decisions, exports) rely on of `Store`, declared
once for type checkers; `Store` defines it all (and `AnswerWrites` the answer-row helpers).
At run time the class is empty."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import contextlib
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from app.store.models import GateFollowUp, Summary, Waiver
    from app.store.store import Writer
    from app.store.writes import EvidenceColumns, SummaryFor


class Plumbing:
    """The base of each part mixed into `Store`."""

    if TYPE_CHECKING:
        path: Path

        @property
        def sql(self) -> Writer: ...

        def _write(self) -> contextlib.AbstractContextManager[Writer]: ...
        def _query(self, sql: str, params: Sequence[Any] = ()) -> list[dict]: ...
        def _require(self, assessment_id: int) -> None: ...
        def _touch(self, assessment_id: int, when: str) -> None: ...
        def _checked_name(self, name: str) -> str: ...
        def _checked_role(self, role: str | None) -> str: ...
        def _checked_followup(self, fields: Mapping[str, Any]) -> dict[str, Any]: ...
        def _checked_waiver(self, reason: str, approver: str, expires: str) -> dict[str, str]: ...
        def _add_missing_participants(
            self, assessment_id: int, people: Sequence[tuple[str, str]]
        ) -> None: ...
        def _set_summary(
            self, assessment_id: int, summary: Summary | SummaryFor | None
        ) -> None: ...
        def _put_followups(
            self, assessment_id: int, followups: Mapping[str, Mapping[str, Any]]
        ) -> list[GateFollowUp]: ...
        def _put_waivers(
            self, assessment_id: int, waivers: Mapping[str, Mapping[str, str]]
        ) -> list[Waiver]: ...
        def _kept(self, assessment_id: int, question_id: str, text: str | None) -> None: ...
        def _old(self, assessment_id: int, question_id: str) -> dict | None: ...
        def _put(
            self,
            assessment_id: int,
            question_id: str,
            value: Any,
            note: str | None,
            ev: EvidenceColumns,
            answered_by: str | None,
            when: str,
            old: dict | None,
        ) -> None: ...
        def _clear_row(
            self, assessment_id: int, question_id: str, old: dict, by: str | None, when: str
        ) -> None: ...
