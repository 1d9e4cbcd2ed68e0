"""Which gates a change clears only because a stricter gate on the same question took over:
golden set 12 clears "Golden set below 50 cases" (amber) because "No usable golden set" turns
red. Telling the first as cleared would read as good news; the front ends say it was
superseded instead. Pure: the packs' compiled conditions say which questions a gate reads."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.engine import BLOCKING, GateChange, GateState, severity
from app.core.model import Gate
from app.core.packs import PackSet

_FIRED = (GateState.red, GateState.amber)
SUPERSEDED = "» SUPERSEDED"
"""The mark (in place of `✔ CLEAR`) of a gate that cleared only because a stricter gate on its
question fired."""


def superseded(packset: PackSet, changes: Iterable[GateChange]) -> dict[str, Gate]:
    """Gate id → the gate that superseded it: for each gate these changes take out of red or
    amber, a gate of the same changes that reads one of the same questions and has just fired
    at least as severe as the first one was (red for an amber, red for a red)."""
    moved = list(changes)
    fired = [c for c in moved if c.after in _FIRED and c.before not in _FIRED]
    out: dict[str, Gate] = {}
    for change in moved:
        if change.before not in _FIRED or change.after in BLOCKING:
            continue
        reads = _reads(packset, change.gate.id)
        for other in fired:
            if severity(other.after) <= severity(change.before) and reads & _reads(
                packset, other.gate.id
            ):
                out[change.gate.id] = other.gate
                break
    return out


def _reads(packset: PackSet, gate_id: str) -> frozenset[str]:
    compiled = packset.compiled.get(f"gate:{gate_id}")
    return compiled.names if compiled else frozenset()
