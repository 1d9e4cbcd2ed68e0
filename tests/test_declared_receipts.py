"""Receipts a pack declares (`[[receipts]]`, format 2): checked across the packs in use, blocked
by gates, on the page's receipts table with their status, in the appendix and the JSON; the
shipped six stay the default set and shipped exports keep their bytes."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from app.core.model import DEFAULT_RECEIPTS, MAX_RECEIPTS, Presence, pack_from_data
from app.core.packs import load_packs
from app.core.paths import shipped_dir
from app.export.appendix import render_appendix
from app.export.jsonout import render_json
from app.export.page import MAX_LINES, WIDTH, render_page
from app.export.snapshot import make_snapshot
from tests.export_md import MD, nonblank
from tests.export_support import assessment, record

MODEL_CARD = """\
format = 2
id = "cards"
title = "Model cards"
version = "1.0"
description = "Whether the model's card is written and published."

[[receipts]]
id = "model_card"
title = "Model card"

[[receipts]]
id = "red_team_log"
title = "Red-team log"
present = "all_answered"

[[questions]]
id = "card_written"
text = "Is the model card written?"
help = "Reviewers read it before anything else."
kind = "yes_no"
receipts = ["model_card"]

[[questions]]
id = "card_link"
text = "Where is the model card?"
help = "A link reviewers can open."
kind = "evidence"
required = false
receipts = ["model_card", "eval_plan"]

[[questions]]
id = "redteam_done"
text = "Has the red team tried it?"
help = "Jailbreaks found in a pilot are cheaper than ones found in production."
kind = "yes_no"
receipts = ["red_team_log"]

[[questions]]
id = "redteam_notes"
text = "Where are the red-team notes?"
help = "Optional, but this receipt wants them."
kind = "evidence"
required = false
receipts = ["red_team_log"]

[[gates]]
id = "card_not_written"
title = "No model card"
level = "red"
when = 'card_written == "no"'
why = "Nobody can review a model nobody described."
fix = "Write the model card."
receipt = "model_card"
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def _load(*folders: Path):
    return load_packs(list(folders), use_cache=False)


def _snapshot(packset, answers):
    records = {qid: record(qid, value, evidence=ev) for qid, (value, ev) in answers.items()}
    return make_snapshot(assessment(), [], records, {}, {}, packset)


def test_declared_receipts_follow_the_shipped_ones(tmp_path):
    result = _load(_write(tmp_path / "team", "cards.toml", MODEL_CARD))
    assert result.ok, result.problems
    packset = result.packset
    ids = list(packset.receipts)
    assert ids == [r.id for r in DEFAULT_RECEIPTS] + ["model_card", "red_team_log"]
    assert packset.receipt_pack == {"model_card": "cards", "red_team_log": "cards"}
    assert packset.receipts["red_team_log"].present is Presence.all_answered
    assert packset.receipt_title("model_card") == "Model card"


def test_a_gate_blocks_a_declared_receipt_and_the_page_shows_it(tmp_path):
    packset = _load(_write(tmp_path / "team", "cards.toml", MODEL_CARD)).packset
    data = _snapshot(
        packset,
        {"card_written": ("no", None), "redteam_done": ("yes", None)},
    )
    shelf = {item.receipt: item for item in data.shelf}
    assert shelf["model_card"].status == "partial"
    assert shelf["model_card"].blocking == ["card_not_written"]
    # all_answered: the optional notes are still open, so the log is only partial
    assert shelf["red_team_log"].status == "partial"
    assert shelf["eval_plan"].status == "missing"
    page = render_page(data)
    rows = [line for line in page.splitlines() if line.startswith("| Model card ")]
    assert rows == [rows[0]] and "◐ PARTIAL" in rows[0] and "| 1 |" in rows[0]
    assert "| Red-team log | ◐ PARTIAL |" in page
    # the shipped rows first, the declared ones after them, in pack order
    assert page.index("| Eval plan |") < page.index("| Model card |")
    assert "| Change & adoption plan |" not in page  # nothing in these packs shows it
    assert page.index("| Model card |") < page.index("| Red-team log |")

    answered = _snapshot(
        packset,
        {
            "card_written": ("yes", None),
            "redteam_done": ("yes", None),
            "redteam_notes": ("docs/redteam.md", None),
        },
    )
    shelf = {item.receipt: item for item in answered.shelf}
    assert shelf["model_card"].status == "present"  # the optional link may stay open
    assert shelf["red_team_log"].status == "present"


def test_the_appendix_says_a_declared_rule_and_the_json_carries_it(tmp_path):
    packset = _load(_write(tmp_path / "team", "cards.toml", MODEL_CARD)).packset
    data = _snapshot(packset, {"card_written": ("no", None)})
    appendix = render_appendix(data)
    assert "| Model card | ◐ PARTIAL | 1/2 | No model card |" in appendix
    assert (
        "Red-team log: present when every question that evidences it, optional ones too, is "
        "answered and no gate on it is red, amber or unknown." in appendix
    )
    doc = json.loads(render_json(data))
    receipts = {r["receipt"]: r for r in doc["receipts"]}
    assert receipts["model_card"]["status"] == "partial"
    assert receipts["model_card"]["blocking_gates"] == ["card_not_written"]
    assert [d["receipt"] for d in doc["declared_receipts"]] == ["model_card", "red_team_log"]
    assert doc["declared_receipts"][1] | {"rule": ""} == {
        "receipt": "red_team_log",
        "title": "Red-team log",
        "present": "all_answered",
        "pack": "cards",
        "rule": "",
    }
    assert [g["receipt"] for g in doc["gates"]] == ["model_card"]


def test_shipped_packs_declare_nothing_and_their_json_has_no_new_key():
    result = load_packs([shipped_dir()], use_cache=False)
    assert result.ok
    assert list(result.packset.receipts) == [r.id for r in DEFAULT_RECEIPTS]
    assert result.packset.receipt_pack == {}
    doc = json.loads(render_json(make_snapshot(assessment(), [], {}, {}, {}, result.packset)))
    assert "declared_receipts" not in doc


def test_an_unknown_receipt_names_its_place(tmp_path):
    text = MODEL_CARD.replace('receipt = "model_card"', 'receipt = "modle_card"')
    text = text.replace('receipts = ["model_card", "eval_plan"]', 'receipts = ["eval_plam"]')
    path = _write(tmp_path / "team", "cards.toml", text)
    problems = [str(p) for p in _load(path).problems]
    listed = ", ".join([r.id for r in DEFAULT_RECEIPTS] + ["model_card", "red_team_log"])
    tail = f"receipts are {listed} (a pack may declare more under [[receipts]])"
    assert problems == [
        f"{path}: questions.card_link.receipts[0]: 'eval_plam' is not a receipt; "
        f"did you mean eval_plan? {tail}",
        f"{path}: gates.card_not_written.receipt: 'modle_card' is not a receipt; "
        f"did you mean model_card? {tail}",
    ]


def test_a_receipt_declared_by_another_pack_may_be_used(tmp_path):
    other = """\
id = "other"
title = "Other"
version = "1.0"
description = "Evidences a receipt another pack declares."

[[questions]]
id = "other_card_reviewed"
text = "Has legal reviewed the model card?"
help = "Before it is published."
kind = "yes_no"
receipts = ["model_card"]
"""
    result = _load(
        _write(tmp_path / "a", "cards.toml", MODEL_CARD),
        _write(tmp_path / "b", "other.toml", other),
    )
    assert result.ok, result.problems
    data = _snapshot(result.packset, {"other_card_reviewed": ("yes", None)})
    assert {i.receipt: i.total for i in data.shelf}["model_card"] == 3


def test_two_packs_may_not_declare_one_receipt_differently(tmp_path):
    same = MODEL_CARD.replace('id = "cards"', 'id = "cards2"')
    same = same.replace("card_", "card2_").replace("redteam_", "redteam2_")
    clash = same.replace('title = "Model card"', 'title = "Model sheet"')
    first = _write(tmp_path / "a", "cards.toml", MODEL_CARD)
    # the same declaration again is the same receipt
    result = _load(first, _write(tmp_path / "b", "same.toml", same))
    assert result.ok, result.problems
    assert list(result.packset.receipts).count("model_card") == 1
    # another title under the same id is refused, naming both places; that pack is left out
    path = _write(tmp_path / "c", "clash.toml", clash)
    result = _load(first, path)
    assert [str(p) for p in result.problems] == [
        f"{path}: receipts.model_card.id: receipt 'model_card' is already declared by pack 'cards' "
        f"({first}) as 'Model card' (all_required); declare it the same or choose another id"
    ]
    assert [p.id for p in result.packset.packs] == ["cards"]


def test_a_shipped_receipt_may_not_be_redeclared_differently(tmp_path):
    text = MODEL_CARD.replace(
        'id = "model_card"\ntitle = "Model card"', 'id = "eval_plan"\ntitle = "Evals"'
    )
    path = _write(tmp_path / "team", "cards.toml", text)
    problems = [str(p) for p in _load(path).problems]
    assert problems[0].startswith(
        f"{path}: receipts.eval_plan.id: receipt 'eval_plan' is already declared by Preflight as "
        "'Eval plan'"
    )


def test_receipts_need_format_2(tmp_path):
    path = _write(tmp_path / "team", "cards.toml", MODEL_CARD.replace("format = 2\n", ""))
    problems = [str(p) for p in _load(path).problems]
    assert problems == [f"{path}: pack: receipts needs `format = 2` at the top of the pack"]


def test_declared_receipts_are_checked_by_the_format(tmp_path):
    for old, new, problem in [
        (
            'present = "all_answered"',
            'present = "most"',
            "receipts.red_team_log.present: 'most' is not allowed for present; it is one of all_required, all_answered, any_answered",
        ),
        (
            'title = "Red-team log"',
            f'title = "{"x" * 40}"',
            "receipts.red_team_log.title: String should have at most 32 characters",
        ),
        ('id = "red_team_log"', 'id = "model_card"', "pack: receipt ids repeat: model_card"),
    ]:
        path = _write(tmp_path / "team", "cards.toml", MODEL_CARD.replace(old, new))
        assert [str(p) for p in _load(path).problems] == [f"{path}: {problem}"]


def test_a_hostile_receipt_title_stays_literal(tmp_path):
    hostile = "<b>|*x*</b> [y](z)"
    text = MODEL_CARD.replace('title = "Model card"', f'title = "{hostile}"')
    packset = _load(_write(tmp_path / "team", "cards.toml", text)).packset
    data = _snapshot(packset, {"card_written": ("no", None)})
    for markdown in (render_page(data), render_appendix(data)):
        html = MD.render(markdown)
        assert "<b>" not in html and "<em>" not in html and "<a " not in html
        cells = [
            t.content
            for t in MD.parse(markdown)
            if t.type == "inline" and t.content.startswith("\\<b>")
        ]
        # the title is one cell of the receipts table, and it reads as written
        assert len(cells) == 1, markdown
        assert "&lt;b&gt;|*x*&lt;/b&gt; [y](z)" in html


def test_the_pack_cache_keeps_declared_receipts(tmp_path, monkeypatch):
    path = _write(tmp_path / "team", "cards.toml", MODEL_CARD)
    pack = _load(path).packset.pack("cards")
    again = pack_from_data(json.loads(json.dumps(dataclasses.asdict(pack))))
    assert again == pack
    assert again.receipts[1].present is Presence.all_answered
    # and through the cache itself: written by one load, read back by the next
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(tmp_path / "cache"))
    first = load_packs([path]).packset
    assert (tmp_path / "cache" / "packs.json").exists()
    second = load_packs([path]).packset
    assert second.pack("cards") == first.pack("cards") == pack
    assert list(second.receipts) == list(first.receipts)


def _many(count: int) -> str:
    """A pack declaring `count` receipts with long titles, one question evidencing them all."""
    ids = [f"extra_{i}" for i in range(count)]
    declared = "".join(
        f'[[receipts]]\nid = "{rid}"\ntitle = "Extra receipt, long title no {i:<6}"\n\n'
        for i, rid in enumerate(ids)
    )
    return (
        'format = 2\nid = "extras"\ntitle = "Extras"\nversion = "1.0"\n'
        'description = "Many receipts."\n\n' + declared + "[[questions]]\n"
        'id = "extra_done"\ntext = "Done?"\nhelp = "All of them."\nkind = "yes_no"\n'
        f"receipts = {json.dumps(ids)}\n"
    )


def test_a_full_shelf_keeps_the_page_within_its_limits(tmp_path):
    """Every receipt allowed in use, beside the shipped packs with every gate red."""
    folder = tmp_path / "red"
    for source in sorted(shipped_dir().glob("*.toml")):
        text = re.sub(r'(?m)^level = "amber"$', 'level = "red"', source.read_text())
        _write(folder, source.name, re.sub(r"(?m)^when = .*$", 'when = "1 == 1"', text))
    extra = MAX_RECEIPTS - len(DEFAULT_RECEIPTS)
    result = _load(folder, _write(tmp_path / "team", "extras.toml", _many(extra)))
    assert result.ok, result.problems
    assert len(result.packset.receipts) == MAX_RECEIPTS
    page = render_page(make_snapshot(assessment(), [], {}, {}, {}, result.packset))
    lines = nonblank(page)
    assert len(lines) <= MAX_LINES
    assert max(len(line) for line in lines) <= WIDTH
    assert page.count("| Extra receipt, long title no") == extra
    # one more is refused, naming the receipt that does not fit; the pack is left out
    path = _write(tmp_path / "more", "extras.toml", _many(extra + 1))
    result = _load(path)
    assert [str(p) for p in result.problems] == [
        f"{path}: receipts.extra_{extra}.id: more than {MAX_RECEIPTS} receipts in use (the page has "
        "a row for each)"
    ]
    assert result.packset.packs == []
