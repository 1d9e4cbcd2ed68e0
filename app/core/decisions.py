"""The go/no-go decision's rules and its one line, in one place (the CLI, the page, `check`).

A person decides; Preflight computes. The decided verdict is recorded beside the computed one,
the digest of what it rested on and the gates still open, so a reviewer reads both. Deciding
GO or CONDITIONAL over a computed NO-GO, or GO over INCOMPLETE, needs a reason in words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.core.engine import BLOCKING, Evaluation, Verdict

DECIDER_QUESTION = "gonogo_decider"
"""The person question where the shipped packs name who makes the go/no-go decision."""

DECIDED = {"go": Verdict.go, "conditional": Verdict.conditional, "no-go": Verdict.no_go}
"""What `--verdict` takes → the verdict it records (a person cannot decide INCOMPLETE)."""

GATE_ORDER = tuple(state.value for state in BLOCKING)
"""red, unknown, amber: the open gates a decision records, in severity order."""

MAX_TEXT = 2000
"""A decision's text, note or override reason, in characters: words, not a document."""

CHANGED = "answers changed since this decision"


def needs_override(decided: str, computed: str) -> bool:
    """GO or CONDITIONAL against a computed NO-GO, or GO against INCOMPLETE."""
    if computed == Verdict.no_go:
        return decided in (Verdict.go, Verdict.conditional)
    return computed == Verdict.incomplete and decided == Verdict.go


def open_gates(evaluation: Evaluation) -> dict[str, list[str]]:
    """State (red, unknown, amber) → the ids of the gates in it, in pack order; states with
    none are left out."""
    out: dict[str, list[str]] = {}
    for gid, result in evaluation.gates.items():
        if result.state.value in GATE_ORDER:
            out.setdefault(result.state.value, []).append(gid)
    return {state: out[state] for state in GATE_ORDER if state in out}


def named_decider(questions: Mapping[str, Any], answers: Mapping[str, Any]) -> str | None:
    """The name answered to the packs' go/no-go decider question, or None when no pack in use
    asks it or it has no real answer (not answered, or "unknown")."""
    if DECIDER_QUESTION not in questions:
        return None
    value = answers.get(DECIDER_QUESTION)
    if isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"].strip():
        return value["name"]
    return None


def computed_words(computed: str | None, gates: Mapping[str, Sequence[str]]) -> str:
    """`CONDITIONAL, 2 amber`: the computed verdict and how many gates were open in each state."""
    counts = [f"{len(gates[s])} {s}" for s in ("red", "amber", "unknown") if gates.get(s)]
    return ", ".join([computed or "not computed", *counts])


def decision_line(
    *,
    verdict: str,
    by: str | None,
    day: str,
    computed: str | None,
    gates: Mapping[str, Sequence[str]],
    override: str | None,
    changed: bool,
) -> str:
    """`Decision: GO by Dana Whitfield on 2026-12-01 (computed: CONDITIONAL, 2 amber)`, then
    the override's reason and whether the answers changed since, in words. Plain text: each
    caller cleans or escapes it for where it goes."""
    who = by or "someone not named"
    line = f"Decision: {verdict} by {who} on {day} (computed: {computed_words(computed, gates)})"
    if override:
        line += f", overriding the computed {computed}: {override}"
    if changed:
        line += f"; {CHANGED}"
    return line + "."


def text_problem(value: object, what: str) -> str | None:
    """Why `value` cannot be a decision's text (empty, or longer than MAX_TEXT), or None.
    Any other text is kept as written: every front end escapes it on output."""
    if not isinstance(value, str) or not value.strip():
        return f"{what} cannot be empty"
    if len(value.strip()) > MAX_TEXT:
        return f"{what} is limited to {MAX_TEXT} characters"
    return None


def override_problem(decided: str, computed: str, override: str | None) -> str | None:
    """Why this go/no-go decision cannot be recorded as given, or None: an override is needed
    and missing, or given where nothing is overridden."""
    if needs_override(decided, computed):
        if override is None or not override.strip():
            return (
                f"deciding {decided} while the computed verdict is {computed} needs an override: "
                "say why in words (--override REASON)"
            )
        return text_problem(override, "the override's reason")
    if override is not None:
        return (
            f"nothing to override: deciding {decided} while the computed verdict is {computed} "
            "(an override is for GO or CONDITIONAL over NO-GO, or GO over INCOMPLETE)"
        )
    return None
