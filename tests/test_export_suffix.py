"""`export --out FILE`: the suffix picks the format; a suffix that disagrees is refused."""

from __future__ import annotations

import pytest

from app.errors import EXIT_USAGE, PreflightError
from app.export.write import pick_format
from app.store import Store
from tests.conftest import run_cli
from tests.export_demo import load_demo, shipped_packset


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("suffix") / "x.db"
    with Store.open(db) as store:
        load_demo(store, shipped_packset())
    return db


def export(db, out, *extra):
    return run_cli("--db", str(db), "export", "support-summariser", "--out", str(out), *extra)


@pytest.mark.parametrize(
    ("name", "written", "starts"),
    [
        ("pack.json", ["pack.json"], "{"),
        ("pack.html", ["pack.html"], "<!DOCTYPE html>"),
        ("Pack.HTML", ["Pack.HTML"], "<!DOCTYPE html>"),  # the name as given
        ("pack.md", ["pack-appendix.md", "pack.md"], "# Receipts pack"),
    ],
)
def test_the_suffix_picks_the_format(demo_db, tmp_path, name, written, starts):
    result = export(demo_db, tmp_path / name)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == written
    assert (tmp_path / written[-1]).read_text().startswith(starts)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("pack.md", "json"), ("pack.json", "md"), ("pack.html", "json"), ("pack.md", "html")],
)
def test_format_and_suffix_that_disagree_are_refused(demo_db, tmp_path, name, fmt):
    result = export(demo_db, tmp_path / name, "--format", fmt)
    assert result.returncode == EXIT_USAGE
    assert result.stderr.count("\n") == 1 and f"--format {fmt}" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["pack.txt", "pack.pdf", "pack.htm"])
def test_an_unknown_file_suffix_is_refused(demo_db, tmp_path, name):
    result = export(demo_db, tmp_path / name)
    assert result.returncode == EXIT_USAGE and "cannot tell the format" in result.stderr
    assert ".md, .json, .html" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_same_suffix_and_format_agree(demo_db, tmp_path):
    result = export(demo_db, tmp_path / "pack.json", "--format", "json")
    assert result.returncode == 0 and (tmp_path / "pack.json").exists()


def test_a_folder_keeps_the_default_markdown(demo_db, tmp_path):
    dotted = tmp_path / "exports.2026"
    dotted.mkdir()
    assert export(demo_db, dotted).returncode == 0
    assert sorted(p.name for p in dotted.iterdir()) == [
        "support-summariser-appendix.md",
        "support-summariser-receipts.md",
    ]
    fresh = f"{tmp_path / 'new.v2'}/"
    assert export(demo_db, fresh, "--format", "html").returncode == 0
    assert [p.name for p in (tmp_path / "new.v2").iterdir()] == ["support-summariser-receipts.html"]
    assert export(demo_db, tmp_path / "plain").returncode == 0
    assert len(list((tmp_path / "plain").glob("*.md"))) == 2


def test_pick_format(tmp_path):
    assert pick_format(None) == "md" and pick_format(None, "html") == "html"
    assert pick_format(tmp_path) == "md" and pick_format(tmp_path, "json") == "json"
    assert pick_format(tmp_path / "a.JSON") == "json"
    for out, fmt in [(tmp_path / "a.md", "json"), (tmp_path / "a.csv", None), ("a", "pdf")]:
        with pytest.raises(PreflightError) as err:
            pick_format(out, fmt)
        assert err.value.exit_code == EXIT_USAGE
