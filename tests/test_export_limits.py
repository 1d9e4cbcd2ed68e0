"""The one page stays one page whatever the assessment holds: many gates, packs, people."""

from __future__ import annotations

import re
from pathlib import Path

from app.core.packs import load_packs
from app.export.page import MAX_LINES, WIDTH, render_page
from app.export.snapshot import make_snapshot
from app.store.models import Participant
from tests.export_md import nonblank
from tests.export_support import assessment, record

LEVELS = ["red", "amber"]


def _many_packs(folder: Path, packs: int = 12, gates: int = 30) -> None:
    for p in range(packs):
        lines = [
            f'id = "p{p}"',
            f'title = "Area {p} | with a pipe and a very long title ' + "x" * 80 + '"',
            'version = "1.0"',
            'description = "Generated."',
            "",
            "[[questions]]",
            f'id = "p{p}_q"',
            'text = "Q?"',
            'help = "H."',
            'kind = "yes_no"',
            "[[questions]]",
            f'id = "p{p}_u"',
            'text = "U?"',
            'help = "H."',
            'kind = "yes_no"',
            "[[questions]]",
            f'id = "p{p}_n"',
            'text = "N?"',
            'help = "H."',
            'kind = "number"',
            'unit = "USD/month"',
            "[[derived]]",
            f'id = "p{p}_d"',
            'title = "Derived ' + "y" * 150 + '"',
            f'expr = "p{p}_n * 2"',
            'unit = "USD/month"',
        ]
        for g in range(gates):
            when = f'p{p}_u == "yes"' if g % 3 == 0 else f'p{p}_q == "yes"'
            level = LEVELS[g % 2]
            lines += [
                "[[gates]]",
                f'id = "p{p}_g{g}"',
                f'title = "Gate {g} of {p} ' + "t" * 200 + '"',
                f'level = "{level}"',
                f"when = '{when}'",
                'why = "Because ' + "w" * 200 + '"',
                'fix = "Fix it."',
                'receipt = "eval_plan"',
            ]
        (folder / f"p{p}.toml").write_text("\n".join(lines) + "\n")


def test_many_gates_packs_and_people_fit_one_page(tmp_path):
    _many_packs(tmp_path)
    result = load_packs([tmp_path])
    assert result.ok, result.problems
    packset = result.packset
    answers = {f"p{p}_q": record(f"p{p}_q", "yes") for p in range(12)}
    answers.update({f"p{p}_n": record(f"p{p}_n", 10**9 + 0.5) for p in range(12)})
    people = [Participant(id=i, assessment_id=1, name=f"Person {i}", role="r") for i in range(40)]
    data = make_snapshot(assessment(name="N" * 500), people, answers, {}, {}, packset)
    page = render_page(data)
    lines = nonblank(page)
    assert len(lines) <= MAX_LINES
    assert max(len(line) for line in lines) <= WIDTH
    # Most severe first: every red before any unknown before any amber, in full or named.
    order = {"✗ RED": 0, "? UNKNOWN": 1, "! AMBER": 2}
    flat = " ".join(page.split())
    seen = [m for m in re.findall(r"(✗ RED|\? UNKNOWN|! AMBER) (?:· )?Gate", flat)]
    assert seen and [order[s] for s in seen] == sorted(order[s] for s in seen)
    assert "more gates (in the appendix)." in page
    assert "Areas: in the appendix." in page, "the gates took the room; the areas say where"
    assert "more in the appendix" in flat, "the participants that do not fit are counted"
