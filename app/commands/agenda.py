"""`preflight agenda SLUG [--minutes N] [--prep] [--json]`: the kickoff plan, or the prep list.

The plan: per area, the questions still to discuss (`app.core.agenda`: disputed, behind red
gates, nobody knows) and the minutes allotted to them (`timeboxes`: a floor per area, the rest
in proportion to the work, summing to the meeting). `--prep`: the facts to look up before the
meeting (questions a pack marks `prep = true`), answered or not. Exit 0; 2 usage errors (an
unknown slug, minutes that are not a whole number from 1 to 1440); 4 when the store cannot be
read.
"""

from __future__ import annotations

import argparse
from typing import Any

DEFAULT_MINUTES = 45
MAX_MINUTES = 24 * 60
WIDTH = 80
"""Plain output fits 80 columns."""


def add(sub, common) -> None:
    parser = sub.add_parser(
        "agenda",
        parents=[common],
        help="the kickoff plan: what is left to discuss, area by area, with minutes for each",
        description="Print the kickoff plan: per area, the questions still to discuss "
        "(disputed, behind red gates, nobody knows) and the minutes allotted to them: a "
        "floor for each area when there is room, the rest in proportion to the work, "
        "summing to the meeting's length. With --prep, the facts to look up before the "
        "meeting instead.",
    )
    parser.add_argument("ref", metavar="SLUG", help="the assessment's slug or id")
    parser.add_argument(
        "--minutes",
        default=str(DEFAULT_MINUTES),
        metavar="N",
        help=f"the meeting's length in minutes (default {DEFAULT_MINUTES})",
    )
    parser.add_argument(
        "--prep",
        action="store_true",
        help="list the facts to look up before the meeting (cost per call, latency, traffic, …)",
    )
    parser.add_argument("--json", action="store_true", help="the same as a JSON object")
    parser.set_defaults(handler=run)


def minutes_arg(raw: str) -> int:
    """--minutes: a whole number of minutes from 1 to `MAX_MINUTES`, else a one-line error."""
    from app.core.text import one_line
    from app.errors import EXIT_USAGE, PreflightError

    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_MINUTES:
        raise PreflightError(
            f"--minutes: expected a whole number of minutes from 1 to {MAX_MINUTES}, "
            f"got {one_line(raw)!r}",
            EXIT_USAGE,
        )
    return int(text)


def run(args: argparse.Namespace) -> int:
    from app.commands._packs import packset_or_fail
    from app.commands._store import named, open_store
    from app.session import Session

    total = minutes_arg(args.minutes)
    named(args.ref)
    packset = packset_or_fail(args)
    with open_store(args) as store:
        session = Session.open(store, packset, args.ref)
        packset = session.packset  # the packs this assessment is made of
        evaluation = session.evaluation
        items = session.agenda()
        answers = session.answers
        disputes = session.disputes()
        heading = (session.assessment.name, session.assessment.slug)
    if args.prep:
        rows = _prep_rows(packset, evaluation, answers, disputes)
        if args.json:
            _print_json({"assessment": heading[1], "name": heading[0], "prep": rows})
        else:
            _print_prep(heading, rows)
        return 0
    plan = _plan(packset, items, total)
    if args.json:
        _print_json({"assessment": heading[1], "name": heading[0]} | plan)
    else:
        _print_plan(packset, heading, plan)
    return 0


def _plan(packset: Any, items: list[Any], total: int) -> dict[str, Any]:
    from app.core.agenda import minutes, timeboxes

    boxes = {box.area: box for box in timeboxes(packset, items, total)}
    areas = []
    for pack in packset.packs:
        box = boxes.get(pack.id)
        areas.append(
            {
                "area": pack.id,
                "title": pack.title,
                "minutes": box.minutes if box else 0,
                "items": [
                    {
                        "question": item.question_id,
                        "text": packset.questions[item.question_id].text,
                        "group": item.group,
                        "reason": item.reason,
                        "seconds": item.seconds,
                    }
                    for item in (box.items if box else ())
                ],
            }
        )
    return {"minutes": total, "questions": len(items), "estimate": minutes(items), "areas": areas}


def _print_plan(packset: Any, heading: tuple[str, str], plan: dict[str, Any]) -> None:
    from app.core.text import fit_words, one_line

    name, slug = heading
    print(fit_words(f"{one_line(name)} ({slug}): kickoff agenda", WIDTH))
    count = plan["questions"]
    if not count:
        print("  nothing left to discuss: no disagreement, no red gate, nothing unknown")
        return
    questions = f"{count} question{'s' if count != 1 else ''}"
    print(
        f"  {plan['minutes']} min for {questions}; "
        f"the discussion alone is about {plan['estimate']} min"
    )
    if plan["estimate"] > plan["minutes"]:
        print("  more to discuss than time: each area's minutes are a stop, not a target")
    for area in plan["areas"]:
        title = one_line(area["title"])
        print()
        if not area["items"]:
            print(fit_words(f"{title} — nothing to discuss", WIDTH))
            continue
        n = len(area["items"])
        print(
            fit_words(
                f"{title} — {area['minutes']} min ({n} question{'s' if n != 1 else ''})", WIDTH
            )
        )
        for item in area["items"]:
            print(f"  {item['group']:<8}  {fit_words(item['text'], WIDTH - 12)}")
            print(f"  {'':<8}  {fit_words('— ' + item['reason'], WIDTH - 12)}")


def _prep_rows(packset: Any, evaluation: Any, answers: Any, disputes: Any) -> list[dict[str, Any]]:
    from app.core.agenda import is_answered, prep_questions, voices_line
    from app.core.answers import display

    rows = []
    for question in prep_questions(packset, evaluation):
        answered = is_answered(evaluation, question.id)
        record = answers.get(question.id)
        rows.append(
            {
                "question": question.id,
                "area": packset.question_pack[question.id],
                "text": question.text,
                "unit": question.unit,
                "answered": answered,
                "value": record.value if answered and record is not None else None,
                "shown": display(question, record.value) if answered and record else None,
                "disputed": voices_line(packset, disputes[question.id])
                if not answered and question.id in disputes
                else None,
            }
        )
    return rows


def _print_prep(heading: tuple[str, str], rows: list[dict[str, Any]]) -> None:
    from app.core.text import fit_words, one_line

    name, slug = heading
    print(fit_words(f"{one_line(name)} ({slug}): facts to look up before the meeting", WIDTH))
    if not rows:
        print("  none: no question asked here is marked prep")
        return
    missing = sum(not r["answered"] for r in rows)
    print(f"  {len(rows)} fact(s), {missing} still to look up")
    for row in rows:
        unit = f" ({one_line(row['unit'])})" if row["unit"] else ""
        if row["answered"]:
            state = f"answered: {row['shown']}"
        elif row["disputed"]:
            state = f"to look up (disputed: {row['disputed']})"
        else:
            state = "to look up"
        print()
        print(fit_words(f"  {row['question']}{unit} — {state}", WIDTH))
        print(f"    {fit_words(row['text'], WIDTH - 4)}")


def _print_json(value: Any) -> None:
    from app.core.text import terminal_json

    print(terminal_json(value))
