"""`preflight coverage SLUG [--framework KEY] [--json]`: the framework crosswalk of one assessment.

Per framework (NIST AI RMF 1.0, the EU AI Act, ISO/IEC 42001 Annex A; `--framework` keeps one),
a summary line, then each item some question or gate in use evidences, with those questions
(answered, unknown, unanswered or not asked; the evidence links they carry) and gates (their
state), then the items nothing covers. The tags come from the packs (`frameworks = [...]`),
the lists from `questionnaires/frameworks/`. Exit 0; 2 usage errors (an unknown slug or
framework); 4 when the store cannot be read.
"""

from __future__ import annotations

import argparse
from typing import Any

WIDTH = 80
"""Plain output fits 80 columns: long text wraps at words, nothing is cut."""
FRAMEWORK_KEYS = ("nist-ai-rmf", "eu-ai-act", "iso-42001")
"""As `app.core.frameworks.ORDER` (not imported: building the parser stays cheap)."""


def add(sub, common) -> None:
    parser = sub.add_parser(
        "coverage",
        parents=[common],
        help="which NIST AI RMF, EU AI Act and ISO/IEC 42001 items the answers evidence",
        description="Print the framework crosswalk of an assessment: for each item of NIST "
        "AI RMF 1.0, the EU AI Act and ISO/IEC 42001 Annex A, the questions and gates that "
        "evidence it and their state (answered, evidence linked, gate clear), then the items "
        "nothing in the packs covers.",
    )
    parser.add_argument("ref", metavar="SLUG", help="the assessment's slug or id")
    parser.add_argument(
        "--framework",
        choices=FRAMEWORK_KEYS,
        help="only this framework (default: all three)",
    )
    parser.add_argument("--json", action="store_true", help="the same as a JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from app.commands._packs import packset_or_fail
    from app.commands._store import named, open_store
    from app.core.frameworks import as_dict, coverage
    from app.export.snapshot import evidence_refs
    from app.session import Session

    named(args.ref)
    packset = packset_or_fail(args)
    with open_store(args) as store:
        session = Session.open(store, packset, args.ref)
        packset = session.packset  # the packs this assessment is made of
        evaluation = session.evaluation
        answers = session.answers
        heading = (session.assessment.name, session.assessment.slug)
    evidence = {
        qid: evidence_refs(q.kind, answers.get(qid)) for qid, q in packset.questions.items()
    }
    values = {qid: record.value for qid, record in answers.items()}
    found = coverage(packset, evaluation, values, evidence, only=args.framework)
    if args.json:
        from app.core.text import terminal_json

        print(
            terminal_json(
                {"assessment": heading[1], "name": heading[0], "frameworks": as_dict(found)}
            )
        )
        return 0
    _print(heading, found)
    return 0


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    import textwrap

    from app.core.text import one_line

    return textwrap.wrap(
        one_line(text),
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]


def _print(heading: tuple[str, str], found: list[Any]) -> None:
    from app.core.text import one_line

    name, slug = heading
    for line in _wrap(f"{one_line(name)} ({slug}): framework coverage"):
        print(line)
    for cov in found:
        print()
        for line in _wrap(cov.line()):
            print(line)
        for line in _wrap(f"Source: {cov.framework.source}", "  ", "  "):
            print(line)
        for item in cov.items:
            if not item.touched:
                continue
            print()
            for line in _wrap(f"{item.item.id} — {item.item.title}", "  ", "    "):
                print(line)
            for q in item.questions:
                state = q.state if q.state != "hidden" else "not asked here"
                links = f"; evidence: {', '.join(q.evidence)}" if q.evidence else ""
                text = f"question {q.id} ({q.pack}): {state}{links}"
                for line in _wrap(text, "    ", "      "):
                    print(line)
            for g in item.gates:
                for line in _wrap(f"gate {g.id} ({g.pack}): {g.state}", "    ", "      "):
                    print(line)
        missing = cov.untouched
        print()
        if missing:
            ids = ", ".join(i.id for i in missing)
            label = f"  Nothing covers {len(missing)} {cov.framework.unit}: {ids}"
            for line in _wrap(label, "", "    "):
                print(line)
        else:
            print(f"  Every one of the {cov.framework.unit} is covered.")
