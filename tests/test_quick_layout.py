"""Plain mode's prompts break the question and its hint only between words at the terminal
width (prompt_toolkit would break them anywhere, mid-word, as a screen reader then reads)."""

from __future__ import annotations

from app.quick.prompts import laid_out

QUESTION = "Where does the output land in the real workflow (system of record, screen, queue)?"
HINT = "[text; :back, :skip or :quit; Enter keeps the answer shown]"


def _words(text: str) -> list[str]:
    return text.split()


def test_a_long_question_and_hint_wrap_between_words(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    message, instruction = laid_out(QUESTION, HINT)
    rows = ["› " + message.split("\n")[0], *message.split("\n")[1:], *instruction.split("\n")]
    assert all(len(row) <= 40 for row in rows), rows
    assert _words(message) == _words(QUESTION)  # no word split or lost
    assert _words(instruction) == _words(HINT)
    assert instruction.startswith("\n  ")  # on rows of its own, indented under the question


def test_a_short_one_stays_on_one_line(monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    assert laid_out("Is it signed?", "(y, n, u answers)") == ("Is it signed?", "(y, n, u answers)")
