"""Two writers on one assessment: the cached summary and the verdict follow what is committed."""

from __future__ import annotations

import subprocess
import sys

from app.core.engine import GateState, Verdict, evaluate
from app.core.packs import load_packs
from app.core.paths import shipped_dir
from app.session import Session, summary_of
from app.store import Store
from tests.conftest import EXAMPLES, ROOT


def _truth(store: Store, packset, assessment_id: int):
    values = {qid: r.value for qid, r in store.answers(assessment_id).items()}
    return evaluate(packset, values, store.active_waivers(assessment_id, "2026-03-01"))


def test_a_second_connection_between_reads_and_write(tmp_path, packset):
    db = tmp_path / "two.db"
    with Store.open(db) as mine, Store.open(db) as theirs:
        a = mine.create("Vendor", packs=packset.versions())
        me = Session.open(mine, packset, a.slug, today=lambda: "2026-03-01")
        assert me.evaluation.verdict is Verdict.incomplete  # read before the other write
        other = Session.open(theirs, packset, a.slug, today=lambda: "2026-03-01")
        other.answer("vendor_dpa_signed", "no")  # red: the verdict is NO-GO from here on
        _, moved = me.answer("vendor_name", "Acme AI")
        truth = _truth(mine, packset, a.id)
        assert truth.verdict is Verdict.no_go
        assert mine.get(a.id).summary == summary_of(truth), "cached from committed rows"
        assert me.evaluation.verdict is Verdict.no_go, "the session now knows it too"
        assert ("vendor_no_dpa", GateState.red) in [(c.gate.id, c.after) for c in moved]
        assert me.answers["vendor_dpa_signed"].value == "no"


def test_waiver_set_elsewhere_is_in_the_cached_summary(tmp_path, packset):
    db = tmp_path / "w.db"
    with Store.open(db) as mine, Store.open(db) as theirs:
        a = mine.create("Vendor", packs=packset.versions())
        me = Session.open(mine, packset, a.slug, today=lambda: "2026-03-01")
        me.answer("vendor_dpa_signed", "no")
        assert mine.get(a.id).summary.red == 1
        theirs.set_waiver(a.id, "vendor_no_dpa", reason="r", approver="CISO", expires="2026-12-31")
        me.answer("vendor_name", "Acme AI")
        assert mine.get(a.id).summary.red == 0
        assert mine.get(a.id).summary == summary_of(_truth(mine, packset, a.id))


APPLY = """
import sys
from pathlib import Path
from app.cli import main
sys.exit(main(["--db", sys.argv[1], "--questionnaires", sys.argv[2], "quick", "vendor",
               "--answers", sys.argv[3]]))
"""


def test_two_answer_files_at_once_leave_the_right_summary(tmp_path):
    packset = load_packs([shipped_dir(), EXAMPLES]).packset  # what the command loads
    db = tmp_path / "files.db"
    with Store.open(db) as store:
        store.create("Vendor", packs=packset.versions())
    files = []
    for n in range(2):
        path = tmp_path / f"a{n}.toml"
        half = [
            "vendor_name = 'Acme'\nvendor_dpa_signed = 'no'\nvendor_region = 'eu'\n",
            "vendor_exit_plan = 3\nvendor_support = 1\nvendor_cost_per_call = 0.5\n"
            "vendor_calls_per_day = 1000\nvendor_monthly_budget = 10\n",
        ][n]
        path.write_text(half)
        files.append(path)
    for _round in range(3):
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", APPLY, str(db), str(EXAMPLES), str(f)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in files
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=60)
            assert "Traceback" not in err, err
        with Store.open(db) as store:
            a = store.get("vendor")
            assert store.get(a.id).summary == summary_of(_truth(store, packset, a.id))
            store.replace_answers(a.id, [], clear_others=True)
