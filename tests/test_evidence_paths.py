"""Evidence links that cannot be hashed: stored as typed, with why, never a traceback or a hang."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from app.store import rows


def test_a_readable_file_is_hashed(tmp_path):
    proof = tmp_path / "plan.md"
    proof.write_bytes(b"signed")
    assert rows.hash_evidence(str(proof)) == (hashlib.sha256(b"signed").hexdigest(), None)


def test_a_url_is_never_hashed():
    assert rows.hash_evidence("https://wiki.example.com/plan") == (None, None)


def test_an_unknown_home_folder_is_a_reason_not_an_error():
    # Path.expanduser raises RuntimeError here on today's Python.
    sha, why = rows.hash_evidence("~nosuchuser-preflight/plan.md")
    assert sha is None and why.startswith("not hashed:") and "~user" in why


@pytest.mark.skipif(not os.path.exists("/proc/self/pagemap"), reason="needs Linux /proc")
def test_a_proc_file_that_reads_for_ever_does_not_hang():
    started = time.monotonic()
    sha, why = rows.hash_evidence("/proc/self/pagemap")
    assert time.monotonic() - started < 2
    assert sha is None and why.startswith("not hashed:")


def test_a_fifo_is_not_opened(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert rows.hash_evidence(str(fifo)) == (None, "not hashed: not a regular file")


def test_missing_folder_and_too_large(tmp_path, monkeypatch):
    assert rows.hash_evidence(str(tmp_path / "nope.md"))[1] == "not hashed: no such file here"
    assert rows.hash_evidence(str(tmp_path))[1] == "not hashed: a folder, not a file"
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 2048)
    monkeypatch.setattr(rows, "MAX_HASHED_BYTES", 1024)
    assert rows.hash_evidence(str(big))[1].startswith("not hashed: larger than")


def test_the_reason_is_stored_and_shown(store, tmp_path):
    a = store.create("Evidence")
    rec = store.save_answer(a.id, "q", "yes", evidence="~nosuchuser-preflight/plan.md")
    assert rec.evidence.ref == "~nosuchuser-preflight/plan.md", "stored exactly as typed"
    assert rec.evidence.sha256 is None
    assert rec.evidence.unhashed.startswith("not hashed:")
    again = store.answers(a.id)["q"]
    assert again.evidence == rec.evidence
    proof = tmp_path / "plan.md"
    proof.write_text("now it exists")
    fixed = store.save_answer(a.id, "q", "yes", evidence=str(proof))
    assert fixed.evidence.sha256 and fixed.evidence.unhashed is None


def test_an_answer_file_with_an_unresolvable_link_applies(cli, tmp_path):
    db = tmp_path / "p.db"
    assert cli("new", "Links", db=db).returncode == 0
    answers = tmp_path / "a.toml"
    answers.write_text(
        'kpi_baseline_measured = { value = "yes", evidence = "~nosuchuser-preflight/plan.md" }\n'
        'golden_set_size = { value = 120, evidence = "/proc/self/pagemap" }\n'
    )
    done = cli("quick", "links", "--answers", str(answers), db=db)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode in (0, 1, 3), done.stderr
    out = cli("export", "links", "--out", str(tmp_path / "x.md"), db=db)
    assert out.returncode == 0, out.stderr
    appendix = (tmp_path / "x-appendix.md").read_text()
    assert "not hashed:" in appendix
