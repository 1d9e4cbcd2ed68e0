"""`preflight new/list/rename/archive/delete` against a temporary database, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.engine import evaluate
from app.core.packs import load_packs
from app.core.paths import shipped_dir

ROOT = Path(__file__).resolve().parent.parent
# The packs `new` records: the shipped ones plus the example folder the tests pass.
EXPECTED = load_packs([shipped_dir(), ROOT / "questionnaires" / "examples"])
EMPTY_TOTAL = sum(a.visible for a in evaluate(EXPECTED.packset, {}).areas.values())


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "cli.db"

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "app",
                "--db",
                str(db),
                "--questionnaires",
                "questionnaires/examples",
                *args,
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            input=stdin,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            timeout=60,
        )

    return run


def listed(run, *flags: str) -> list[dict]:
    result = run("list", "--json", *flags)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_new_prints_slug_and_records_packs_and_summary(run):
    first = run("new", "Support summariser", "--description", "tickets → summaries")
    assert (first.returncode, first.stdout) == (0, "support-summariser\n"), first.stderr
    assert run("new", "Support summariser").stdout == "support-summariser-2\n"
    rows = listed(run)
    assert {r["slug"] for r in rows} == {"support-summariser", "support-summariser-2"}
    row = next(r for r in rows if r["slug"] == "support-summariser")
    assert row["packs"] == EXPECTED.packset.versions()
    assert row["packs"]["vendor"] == "1.0"
    assert row["description"] == "tickets → summaries"
    assert row["summary"]["answered"] == 0 and row["summary"]["total"] == EMPTY_TOTAL
    assert row["summary"]["verdict"] == "INCOMPLETE"


def test_list_table(run):
    assert "No assessments yet" in run("list").stdout
    run("new", "Alpha")
    out = run("list").stdout.splitlines()
    assert out[0].split() == ["ID", "NAME", "SLUG", "ANSWERED", "VERDICT", "UPDATED"]
    assert out[1].split()[:5] == ["1", "Alpha", "alpha", f"0/{EMPTY_TOTAL}", "INCOMPLETE"]


@pytest.mark.parametrize("ref", ["alpha", "1"], ids=["by-slug", "by-id"])
def test_rename_archive_delete_by_slug_or_id(run, ref):
    run("new", "Alpha")
    run("new", "Beta")
    renamed = run("rename", ref, "Alpha prime")
    assert renamed.returncode == 0, renamed.stderr
    assert {r["slug"]: r["name"] for r in listed(run)}["alpha"] == "Alpha prime"

    assert run("archive", ref).returncode == 0
    assert [r["slug"] for r in listed(run)] == ["beta"]
    assert {r["slug"] for r in listed(run, "--all")} == {"alpha", "beta"}
    assert "(archived)" in run("list", "--all").stdout
    assert run("archive", ref, "--undo").returncode == 0
    assert {r["slug"] for r in listed(run)} == {"alpha", "beta"}

    refused = run("delete", ref)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert run("delete", ref, "--yes").returncode == 0
    assert [r["slug"] for r in listed(run)] == ["beta"]


def test_unknown_ref_is_one_line(run):
    for args in (["rename", "nope", "X"], ["archive", "42"], ["delete", "nope", "--yes"]):
        result = run(*args)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            f"preflight: no assessment {args[1]!r} (see 'preflight list')"
        ]


def test_bad_names_refused(run):
    for name in ["   ", "evil\x1b[2Jname", "x" * 201]:
        result = run("new", name)
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("reply", "kept"), [("n\n", True), ("y\n", False)], ids=["no", "yes"])
def test_delete_asks_on_a_terminal(run, tmp_path, reply, kept):
    import pty

    run("new", "Alpha")
    master, slave = pty.openpty()
    os.write(master, reply.encode())
    result = subprocess.run(
        [sys.executable, "-m", "app", "--db", str(tmp_path / "cli.db"), "delete", "alpha"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=slave,
        capture_output=True,
        text=True,
        timeout=60,
    )
    os.close(slave)
    os.close(master)
    assert result.returncode == (1 if kept else 0), result.stderr
    assert bool(listed(run)) is kept


def test_list_shows_the_most_recent_and_says_how_many_more(run):
    for name in ("One", "Two", "Three"):
        run("new", name)
    out = run("list", "--limit", "2").stdout.splitlines()
    assert [line.split()[1] for line in out[1:3]] == ["Three", "Two"]
    assert out[-1].startswith("… and 1 more")
    assert len(run("list", "--limit", "0").stdout.splitlines()) == 4
    assert len(listed(run)) == 3  # JSON lists them all
