"""The action plan: every open follow-up of one assessment, most urgent first.

Pure: rows are a function of a snapshot (`app.export.snapshot.PackData`, evaluated with the
waivers active on `today`) and `today`. A gate is a row when it blocks (red, unknown, amber) or
is waived, or when its follow-up is not `done`.

Flags, as words (never colour alone):

- `OVERDUE`: the follow-up's due day is before today and it is not done;
- `DUE SOON`: due within `SOON_DAYS` days (today included) and not done;
- `WAIVER EXPIRED`: the gate fires and its waiver ended before today (so it blocks again);
- `WAIVER EXPIRES SOON`: the gate fires and its waiver ends within `SOON_DAYS` days.

Order: overdue rows first, then expired waivers, then what is due or expires soon, then the
rest; within each, by severity (red, unknown, amber, waived, clear, n/a), then by the earliest
date (a due day not done, a waiver's expiry), then in pack order.

CSV is for a spreadsheet as is: UTF-8 without a byte-order mark, a header row, RFC 4180 quoting
(`csv` with QUOTE_MINIMAL and CRLF line ends), ISO dates. Against formula injection a cell
starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
spreadsheet shows it as text and never runs it; control characters other than tabs and line
breaks, and bidi overrides, are dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.core.engine import BLOCKING, OPEN, GateState, severity
from app.core.states import badge
from app.export.escape import text as md
from app.export.snapshot import PackData

SOON_DAYS = 14
OVERDUE = "OVERDUE"
WAIVER_EXPIRED = "WAIVER EXPIRED"
DUE_SOON = "DUE SOON"
WAIVER_EXPIRES_SOON = "WAIVER EXPIRES SOON"
FLAG_ORDER = (OVERDUE, WAIVER_EXPIRED, DUE_SOON, WAIVER_EXPIRES_SOON)
_TIER = {OVERDUE: 0, WAIVER_EXPIRED: 1, DUE_SOON: 2, WAIVER_EXPIRES_SOON: 2}

COLUMNS = ("flag", "gate", "gate_id", "state", "owner", "due", "status", "waiver_expires", "fix")
"""The CSV header, in order."""
JSON_KEYS = (
    "gate_id",
    "gate",
    "state",
    "badge",
    "owner",
    "due",
    "status",
    "fix",
    "waiver_expires",
    "flags",
)
"""Every JSON object's keys, always all of them (null where there is no value)."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula: such a cell gets a leading `'`."""
_CSV_DROP = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


@dataclass(frozen=True)
class ActionRow:
    gate_id: str
    gate: str
    """The title as reports print it (`Go/no-go: …` for a go/no-go gate)."""
    state: GateState
    owner: str | None
    due: str | None
    status: str
    """open, in_progress or done; open when no follow-up is recorded."""
    fix: str
    waiver_expires: str | None
    flags: tuple[str, ...]
    deadline: str | None
    """The earliest date that matters: the due day (not done), the expiry of a waiver in use."""

    @property
    def overdue(self) -> bool:
        return OVERDUE in self.flags

    @property
    def flag(self) -> str:
        return ", ".join(self.flags)

    def cells(self) -> list[str | None]:
        """The values in `COLUMNS` order."""
        return [
            self.flag,
            self.gate,
            self.gate_id,
            badge(self.state.value),
            self.owner,
            self.due,
            self.status,
            self.waiver_expires,
            self.fix,
        ]

    def record(self) -> dict[str, Any]:
        """The JSON object: `JSON_KEYS`, in order."""
        return {
            "gate_id": self.gate_id,
            "gate": self.gate,
            "state": self.state.value,
            "badge": badge(self.state.value),
            "owner": self.owner,
            "due": self.due,
            "status": self.status,
            "fix": self.fix,
            "waiver_expires": self.waiver_expires,
            "flags": list(self.flags),
        }


def action_rows(data: PackData, today: str, soon_days: int = SOON_DAYS) -> list[ActionRow]:
    """Every open follow-up, most urgent first (see the module's docstring)."""
    day = dt.date.fromisoformat(today)
    # 14 days after 9999-12-25 is past the calendar's end: everything is "soon" then.
    soon = (
        day + dt.timedelta(days=soon_days)
        if day < dt.date.max - dt.timedelta(days=soon_days)
        else dt.date.max
    ).isoformat()
    rows: list[tuple[tuple[Any, ...], ActionRow]] = []
    for index, (gate_id, result) in enumerate(data.evaluation.gates.items()):
        follow = data.followups.get(gate_id)
        status = follow.status.value if follow else "open"
        if result.state not in OPEN and (follow is None or status == "done"):
            continue  # clear or n/a, with no follow-up left to do
        waiver = data.waivers.get(gate_id)
        flags: set[str] = set()
        dates: list[str] = []
        due = follow.due if follow else None
        if due and status != "done":
            dates.append(due)
            if due < today:
                flags.add(OVERDUE)
            elif due <= soon:
                flags.add(DUE_SOON)
        if waiver is not None and result.fired in BLOCKING:
            dates.append(waiver.expires)
            if waiver.expires < today:
                flags.add(WAIVER_EXPIRED)
            elif waiver.expires <= soon:
                flags.add(WAIVER_EXPIRES_SOON)
        ordered = tuple(f for f in FLAG_ORDER if f in flags)
        row = ActionRow(
            gate_id=gate_id,
            gate=result.gate.full_title,
            state=result.state,
            owner=follow.owner if follow else None,
            due=due,
            status=status,
            fix=result.gate.fix,
            waiver_expires=waiver.expires if waiver else None,
            flags=ordered,
            deadline=min(dates) if dates else None,
        )
        tier = min((_TIER[f] for f in ordered), default=3)
        key = (tier, severity(result.state), row.deadline or "9999-12-31", index)
        rows.append((key, row))
    return [row for _, row in sorted(rows, key=lambda item: item[0])]


def csv_cell(value: object) -> str:
    """One CSV cell: None is empty; controls dropped; a formula start made text with `'`."""
    if value is None:
        return ""
    text = _CSV_DROP.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(rows: Iterable[ActionRow]) -> str:
    """The header and one line per row, CRLF line ends (encode as UTF-8, no BOM)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row.cells()])
    return out.getvalue()


def to_json(rows: Iterable[ActionRow]) -> list[dict[str, Any]]:
    return [row.record() for row in rows]


def to_markdown(data: PackData, rows: list[ActionRow], today: str, overdue_only: bool) -> str:
    """A GFM table under a heading; every user and pack text escaped (`app.export.escape`)."""
    title = f"{md(data.assessment.name)} ({md(data.assessment.slug)})"
    lines = [f"# Action plan: {title}", ""]
    overdue = sum(1 for row in rows if row.overdue)
    soon = sum(1 for row in rows if {DUE_SOON, WAIVER_EXPIRES_SOON} & set(row.flags))
    what = "overdue item(s)" if overdue_only else "open item(s)"
    lines.append(f"As of {today}: {len(rows)} {what}, {overdue} overdue, {soon} due soon.")
    lines.append("")
    if not rows:
        lines.append("Nothing overdue." if overdue_only else "Nothing open.")
        return "\n".join(lines)
    lines.append("| Flag | Gate | State | Owner | Due | Status | Waiver expires | Fix |")
    lines.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        cells = [
            row.flag or "—",
            md(row.gate),
            badge(row.state.value),
            md(row.owner) if row.owner else "—",
            row.due or "—",
            row.status.replace("_", " "),
            row.waiver_expires or "—",
            md(row.fix),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
