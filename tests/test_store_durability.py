"""Kill the writer at a random moment and reopen: every acknowledged answer is there."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.store import Store

ROOT = Path(__file__).resolve().parent.parent

WRITER = """
import sys
from app.store import Store
store = Store.open(sys.argv[1])
a = store.create(sys.argv[2])
print("A", a.id, flush=True)
for i in range(int(sys.argv[3])):
    store.save_answer(a.id, f"{sys.argv[4]}{i}", {"n": i, "text": "x" * (i % 300)}, note=str(i))
    print(i, flush=True)
store.close()
print("done", flush=True)
"""


def writer(db: Path, name: str, count: int, prefix: str = "q") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), name, str(count), prefix],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_loses_nothing_acknowledged(tmp_path):
    db = tmp_path / "kill.db"
    rng = random.Random(os.environ.get("PREFLIGHT_TEST_SEED", "4"))
    started = time.monotonic()
    for run in range(20):
        proc = writer(db, f"run {run}", 100_000)
        first = proc.stdout.readline().split()
        assert first[0] == "A", proc.stderr.read()
        time.sleep(rng.uniform(0.0, 0.15))
        proc.send_signal(signal.SIGKILL)
        # Read through the same buffered reader as readline() above: communicate() reads the
        # raw pipe and would miss lines that readline() already buffered.
        out = proc.stdout.read()
        proc.wait()
        proc.stderr.close()
        proc.stdout.close()
        acked = [int(line) for line in out.split()]
        with Store.open(db) as s:
            assert s.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = s.answers(int(first[1]))
            for i in acked:
                assert stored[f"q{i}"].value == {"n": i, "text": "x" * (i % 300)}
                assert stored[f"q{i}"].note == str(i)
            # At most the one write in flight when the signal landed goes beyond the acks.
            assert len(stored) - len(acked) in (0, 1)
    assert time.monotonic() - started < 30


def test_two_writers_at_once_lose_nothing(tmp_path):
    db = tmp_path / "two.db"  # not created yet: both writers also race to create and migrate it
    procs = [writer(db, f"writer {n}", 150, prefix=f"w{n}_") for n in range(2)]
    results = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert err == ""
        assert out.split()[-1] == "done"
    with Store.open(db) as s:
        assessments = s.assessments()
        assert len(assessments) == 2
        for a in assessments:
            assert len(s.answers(a.id)) == 150
            assert len(s.history(a.id)) == 150


def test_every_write_is_committed_and_synced_before_it_returns(tmp_path):
    """What makes an acknowledged answer durable: WAL with synchronous=FULL (a commit is on disk
    when COMMIT returns), and no transaction left open after a save returns."""
    with Store.open(tmp_path / "d.db") as s:
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 2, "FULL"
        a = s.create("Durable")
        s.save_answer(a.id, "q", "yes")
        assert not s.conn.in_transaction, "the save returned with its commit still pending"
        s.replace_answers(a.id, [("q2", 1, None, None)])
        assert not s.conn.in_transaction
        s.clear_answer(a.id, "q")
        assert not s.conn.in_transaction


KILL_AFTER_ACK = """
import os, signal, sys
from app.store import Store
store = Store.open(sys.argv[1])
a = store.create("kill at the ack")
stop = int(sys.argv[2])
for i in range(stop + 1):
    store.save_answer(a.id, f"q{i}", i)
    if i == stop:
        # Between the write and the acknowledgement: the save returned, nothing printed yet.
        os.kill(os.getpid(), signal.SIGKILL)
    print(i, flush=True)
"""


def test_killed_between_the_write_and_the_acknowledgement(tmp_path):
    rng = random.Random(os.environ.get("PREFLIGHT_TEST_SEED", "4"))
    for run in range(5):
        db = tmp_path / f"ack{run}.db"
        stop = rng.randrange(0, 40)
        proc = subprocess.run(
            [sys.executable, "-c", KILL_AFTER_ACK, str(db), str(stop)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        with Store.open(db) as s:
            stored = s.answers(s.get("kill-at-the-ack").id)
        assert sorted(stored) == sorted(f"q{i}" for i in range(stop + 1))
        assert stored[f"q{stop}"].value == stop, "the save had returned: it must be there"
