"""Disagreements as every layer sees them: who said what to a disputed question, and how it
was settled. Plain data, importable by the store without the engine (the home screen opens
the store before it draws and must not load the engine for it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Voice:
    """One answer in a disagreement: a respondent's, or the one this assessment held when the
    disagreement (re)opened ("answered here")."""

    name: str
    value: Any
    note: str | None = None
    evidence: str | None = None
    here: bool = False
    """The answer this assessment held (given here, not merged) when the dispute opened."""


@dataclass(frozen=True)
class Dispute:
    """A question respondents answered differently; open until somebody answers it here."""

    question_id: str
    voices: tuple[Voice, ...]
    opened_at: str
    resolved_at: str | None = None
    resolved_by: str | None = None
    resolved_value: Any = None
    resolved_how: str | None = None
    """"answered" (somebody answered it here) or "merged" (a later merge agreed)."""

    @property
    def open(self) -> bool:
        return self.resolved_at is None
