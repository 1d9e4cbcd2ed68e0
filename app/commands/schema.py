"""`preflight schema`: the JSON Schema of the pack format, for editors."""

from __future__ import annotations

import argparse


def add(sub, common) -> None:
    parser = sub.add_parser(
        "schema",
        parents=[common],
        help="print the JSON Schema of the pack format",
        description="Print the JSON Schema of a pack file (for editor completion and checks).",
    )
    parser.add_argument(
        "--bundle",
        action="store_true",
        help="the JSON Schema of an assessment file ('preflight share') instead",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import json

    if getattr(args, "bundle", False):
        from app.interchange.bundle import json_schema as bundle_schema

        print(json.dumps(bundle_schema(), indent=2, ensure_ascii=False))
        return 0

    from app.core.packfile import json_schema

    schema = json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Preflight questionnaire pack"
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0
