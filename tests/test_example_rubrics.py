"""The two example rubrics in questionnaires/examples/rubrics load beside the shipped packs
and score as a reviewer would by hand: a vendor risk tier (points, weights, weighted mean,
bands, band() gates) and a model-card completeness rubric (fractional points, mean and min,
bands, a receipt of its own). Driven from the CLI as the README shows."""

from __future__ import annotations

import json

import pytest

from app.core.engine import GateState, evaluate
from app.core.packs import load_packs
from app.core.paths import shipped_dir
from tests.conftest import ROOT

RUBRICS = ROOT / "questionnaires" / "examples" / "rubrics"
DATA = {"public": 0, "internal": 2, "personal": 3, "special": 4}
HOSTING = {"our_cloud": 0, "agreed_region": 1, "anywhere": 4}
CERTS = {"none": 0, "iso27001": 2, "soc2": 3}
MC = {"missing": 0, "vague": 0.5, "clear": 1, "partial": 0.5, "full": 1, "some": 0.5, "all": 1}


@pytest.fixture(scope="module")
def packset():
    result = load_packs([shipped_dir(), RUBRICS], use_cache=False)
    assert result.ok, result.problems
    return result.packset


def _tier(risk: float) -> str:
    return ["Low", "Medium", "High", "Critical"][min(int(risk), 3)]


@pytest.mark.parametrize(
    ("data", "hosting", "certs", "training", "weeks"),
    [
        ("public", "our_cloud", ["soc2"], "no", 2),
        ("internal", "agreed_region", ["iso27001"], "no", 8),
        ("personal", "anywhere", ["iso27001", "soc2"], "no", 10),
        ("special", "anywhere", ["none"], "yes", 30),
        ("personal", "agreed_region", [], "yes", 12),
    ],
)
def test_vendor_risk_tier_matches_a_hand_computation(
    packset, data, hosting, certs, training, weeks
):
    answers = {
        "vr_data_access": data,
        "vr_hosting": hosting,
        "vr_certifications": certs,
        "vr_training_use": training,
        "vr_exit_weeks": weeks,
    }
    best = max((CERTS[c] for c in certs), default=0)
    lock_in = 0 if weeks <= 4 else (2 if weeks <= 12 else 4)
    parts = [
        (3, DATA[data]),
        (2, HOSTING[hosting]),
        (2, 4 if training == "yes" else 0),
        (1, 3 - best),
        (1, lock_in),
    ]
    risk = sum(w * v for w, v in parts) / sum(w for w, _ in parts)
    ev = evaluate(packset, answers)
    score = ev.scores["vr_risk"]
    assert score.value == pytest.approx(risk)
    assert score.band.label == _tier(risk)
    critical = ev.gates["vr_critical_vendor"].state
    high = ev.gates["vr_high_vendor"].state
    assert (critical is GateState.red) == (_tier(risk) == "Critical")
    assert (high is GateState.amber) == (_tier(risk) == "High")


def test_vendor_hosting_unknown_leaves_the_tier_unknown(packset):
    ev = evaluate(
        packset,
        {
            "vr_data_access": "personal",
            "vr_hosting": "unknown",  # allow_unknown on a choice
            "vr_certifications": ["soc2"],
            "vr_training_use": "no",
            "vr_exit_weeks": 2,
        },
    )
    assert ev.scores["vr_risk"].value is None
    assert ev.gates["vr_critical_vendor"].state is GateState.unknown


@pytest.mark.parametrize(
    ("answers", "band"),
    [
        ({"mc_intended_use": "clear", "mc_out_of_scope": "yes", "mc_eval_data": "full",
          "mc_metrics_by_group": "all", "mc_limitations": "yes", "mc_owner": "yes"}, "Complete"),
        ({"mc_intended_use": "vague", "mc_out_of_scope": "yes", "mc_eval_data": "full",
          "mc_metrics_by_group": "some", "mc_limitations": "yes", "mc_owner": "no"}, "Usable"),
        ({"mc_intended_use": "clear", "mc_out_of_scope": "yes", "mc_eval_data": "missing",
          "mc_metrics_by_group": "some", "mc_limitations": "yes", "mc_owner": "yes"}, "Sketchy"),
        ({"mc_intended_use": "missing", "mc_out_of_scope": "no", "mc_eval_data": "full",
          "mc_metrics_by_group": "all", "mc_limitations": "yes", "mc_owner": "yes"}, "Missing"),
    ],
)  # fmt: skip
def test_model_card_completeness_is_its_weakest_section(packset, answers, band):
    def point(qid: str) -> float:
        value = answers[qid]
        return (1.0 if value == "yes" else 0.0) if value in ("yes", "no") else MC[value]

    sections = [
        ("mc_intended_use", "mc_out_of_scope"),
        ("mc_eval_data", "mc_metrics_by_group"),
        ("mc_limitations", "mc_owner"),
    ]
    weakest = min(sum(point(q) for q in section) / 2 for section in sections)
    ev = evaluate(packset, answers)
    assert ev.scores["mc_completeness"].value == pytest.approx(weakest)
    assert ev.scores["mc_completeness"].band.label == band
    red = ev.gates["mc_card_sketchy"].state is GateState.red
    assert red == (band in ("Missing", "Sketchy"))


def test_the_readme_flow_for_a_team_of_its_own_packs(cli, tmp_path):
    db = tmp_path / "p.db"
    extra = ("--questionnaires", str(RUBRICS))
    made = cli(*extra, "new", "Acme vendor", "--packs", "vendor_risk,model_card", db=db)
    assert made.returncode == 0, made.stderr
    answers = tmp_path / "a.toml"
    answers.write_text(
        'vr_data_access = "personal"\nvr_hosting = "anywhere"\nvr_certifications = ["iso27001"]\n'
        'vr_training_use = "no"\nvr_exit_weeks = 10\nmc_intended_use = "vague"\n'
        'mc_out_of_scope = "yes"\nmc_eval_data = "full"\nmc_metrics_by_group = "some"\n'
        'mc_limitations = "yes"\nmc_owner = "no"\n',
        encoding="utf-8",
    )
    done = cli(*extra, "quick", "acme-vendor", "--answers", str(answers), db=db)
    assert done.returncode in (0, 1), done.stderr
    out = tmp_path / "out"
    done = cli(*extra, "export", "acme-vendor", "--out", str(out / "x.json"), db=db)
    assert done.returncode == 0, done.stderr
    document = json.loads((out / "x.json").read_text(encoding="utf-8"))
    shelf = [r["receipt"] for r in document["receipts"]]
    # the receipts these packs show: the one their gates block, and the card they declare
    assert shelf == ["security_compliance_map", "model_card"]
    done = cli(*extra, "export", "acme-vendor", "--out", str(out), db=db)
    page = (out / "acme-vendor-receipts.md").read_text(encoding="utf-8")
    assert "Vendor risk: 2.22 — High" in page
    assert "Card completeness: 0.5 of 1 — Usable" in page
    assert "| Eval plan |" not in page
