"""Snapshot tests: what a person sees on the home screen, the wizard with a red gate and the
gate board, at 80x24. Review `snapshot_report.html` before accepting a changed snapshot
(`pytest tests/test_snapshots.py --snapshot-update`)."""

from __future__ import annotations

import pytest

from app.session import Session
from app.store import Store, rows
from app.tui.app import make_app

SIZE = (80, 24)


@pytest.fixture
def fixed_clock(monkeypatch):
    monkeypatch.setattr(rows, "now", lambda: "2026-11-23T09:30:00Z")
    # Monochrome on purpose: the snapshots prove every state reads without colour.
    monkeypatch.setenv("NO_COLOR", "1")


def _store(tmp_path, packset) -> tuple[Store, str]:
    store = Store.open(tmp_path / "snap.db")
    slug = store.create("Vendor check", packs=packset.versions()).slug
    session = Session.open(store, packset, slug)
    session.answer("vendor_name", "Acme Models")
    session.answer("vendor_dpa_signed", "no")
    session.answer("vendor_region", "eu")
    store.add_participant(session.id, "Ana Ruiz", "security")
    other = store.create("Claims triage", packs=packset.versions())
    Session(store, packset, other).answer("vendor_name", "Other")
    return store, slug


def test_home(snap_compare, tmp_path, packset, fixed_clock):
    store, _ = _store(tmp_path, packset)
    assert snap_compare(make_app(store=store, packset=packset), terminal_size=SIZE)


def test_wizard_with_a_red_gate(snap_compare, tmp_path, packset, fixed_clock):
    store, slug = _store(tmp_path, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)

    async def show_gate_question(pilot):
        await pilot.pause()
        app.screen.show_question("vendor_dpa_signed")
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=show_gate_question)


def test_gate_board(snap_compare, tmp_path, packset, fixed_clock):
    store, slug = _store(tmp_path, packset)
    app = make_app(store=store, packset=packset, open_ref=slug)
    assert snap_compare(app, terminal_size=SIZE, press=["ctrl+g"])


def test_gate_board_detail_at_80x24(snap_compare, tmp_path, fixed_clock):
    """The shipped packs at a kickoff's start: far more gates than rows, and still the
    highlighted gate's title, why and fix below the table, the go/no-go mark in its column."""
    from app.core.packs import load_packs
    from app.core.paths import shipped_dir

    shipped = load_packs([shipped_dir()]).packset
    store = Store.open(tmp_path / "shipped.db")
    slug = store.create("Claims triage", packs=shipped.versions()).slug
    session = Session.open(store, shipped, slug)
    session.answer("kpi_baseline_measured", "no")
    session.set_followup("no_kpi_baseline", owner="Ana Ruiz", status="in_progress")
    app = make_app(store=store, packset=shipped, open_ref=slug)
    assert snap_compare(app, terminal_size=SIZE, press=["ctrl+g", "down", "down", "down"])


def test_preview(snap_compare, tmp_path, packset, fixed_clock):
    """The receipts pack at 80 columns: the wide tables read as lists, no due date is cut."""
    store, slug = _store(tmp_path, packset)
    Session.open(store, packset, slug).set_followup(
        "vendor_no_dpa", owner="Ana Ruiz", due="2026-12-15", status="in_progress"
    )
    app = make_app(store=store, packset=packset, open_ref=slug)
    assert snap_compare(app, terminal_size=SIZE, press=["ctrl+r"])


def test_preview_scrolled_to_the_gates(snap_compare, tmp_path, packset, fixed_clock):
    store, slug = _store(tmp_path, packset)
    Session.open(store, packset, slug).set_followup(
        "vendor_no_dpa", owner="Ana Ruiz", due="2026-12-15", status="in_progress"
    )
    app = make_app(store=store, packset=packset, open_ref=slug)

    async def to_the_gates(pilot):
        await pilot.press("ctrl+r")
        await pilot.pause()
        app.screen.query_one("VerticalScroll").scroll_to(y=10, animate=False)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=to_the_gates)
