"""`preflight questions [--json]`: every question in use."""

from __future__ import annotations

import argparse
from typing import Any


def add(sub, common) -> None:
    parser = sub.add_parser(
        "questions",
        parents=[common],
        help="list every question in use",
        description="List every question of the packs in use, in order.",
    )
    parser.add_argument("--json", action="store_true", help="a JSON list of question objects")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._packs import packset_or_fail
    from app.core.text import one_line, terminal_json

    packset = packset_or_fail(args)
    rows: list[dict[str, Any]] = []  # JSON objects, printed as they are
    for pack in packset.packs:
        for q in pack.questions:
            rows.append(
                {
                    "id": q.id,
                    "pack": pack.id,
                    "kind": q.kind.value,
                    "text": q.text,
                    "help": q.help,
                    "options": q.option_ids(),
                    "levels": list(q.levels),
                    "required": q.required,
                    "show_if": q.show_if,
                    "unit": q.unit,
                    "min": q.min,
                    "max": q.max,
                    "receipts": list(q.receipts),
                }
            )
    if args.json:
        print(terminal_json(rows))
        return 0
    width = max((len(r["id"]) for r in rows), default=2)
    current = None
    for row in rows:
        if row["pack"] != current:
            if current is not None:
                print()
            current = row["pack"]
            print(f"[{current}] {one_line(packset.pack(current).title)}")
        flag = "" if row["required"] else " (optional)"
        cond = f"  [if {one_line(row['show_if'])}]" if row["show_if"] else ""
        print(f"  {row['id']:<{width}}  {row['kind']:<8}  {one_line(row['text'])}{flag}{cond}")
    return 0
