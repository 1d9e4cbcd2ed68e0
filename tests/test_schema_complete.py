"""`preflight schema` describes every key of the pack format, so an editor completes and
explains all of it (format 2 included: points, items, methods, bands, receipts)."""

from __future__ import annotations

import json


def test_every_key_has_a_description(cli):
    done = cli("schema")
    assert done.returncode == 0, done.stderr
    schema = json.loads(done.stdout)
    tables = [("Pack", schema), *schema["$defs"].items()]
    missing = [
        f"{name}.{key}"
        for name, table in tables
        for key, spec in table.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert missing == []
    keys = {f"{name}.{key}" for name, table in tables for key in table.get("properties", {})}
    for key in (
        "Pack.format",
        "Pack.receipts",
        "Option.points",
        "Question.points",
        "Question.points_of",
        "Question.allow_unknown",
        "Question.prep",
        "Score.items",
        "Score.method",
        "Derived.bands",
        "ScoreItem.weight",
        "ReceiptDef.present",
    ):
        assert key in keys
