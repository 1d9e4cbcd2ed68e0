"""Generated inputs for `run.py`: a 1,000-question pack and a database of 10,000 assessments with
1,000,000 answers, both cached in a temp folder between runs."""

from __future__ import annotations

import json
import random
import sqlite3
import tempfile
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "preflight-bench"
BIG_ASSESSMENTS = 10_000
ANSWERS_EACH = 100


def bulk_pack(folder: Path, questions: int = 1000) -> Path:
    """One pack of `questions` yes/no questions: every 5th guarded by a red gate, every 10th
    shown only when the one before is yes, and a derived value reading 10 of them."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        'id = "bulk"',
        'title = "Bulk checks"',
        'version = "1.0"',
        'description = "A generated pack of many yes/no questions for benchmarks."',
        "",
    ]
    for i in range(questions):
        qid = f"bulk_q{i:04d}"
        lines += [
            "[[questions]]",
            f'id = "{qid}"',
            f'text = "Generated check number {i}?"',
            'help = "Generated for the keypress benchmark."',
            'kind = "yes_no"',
            'receipts = ["production_plan"]',
        ]
        if i % 10 == 9:
            lines.append(f"show_if = 'bulk_q{i - 1:04d} == \"yes\"'")
        lines.append("")
    for i in range(0, questions, 5):
        lines += [
            "[[gates]]",
            f'id = "bulk_gate_{i:04d}"',
            f'title = "Generated check {i} failed"',
            'level = "red"',
            f"when = 'bulk_q{i:04d} == \"no\"'",
            'why = "Generated."',
            'fix = "Answer yes."',
            'receipt = "production_plan"',
            "",
        ]
    terms = " + ".join(f'(1 if bulk_q{i:04d} == "yes" else 0)' for i in range(0, 10))
    lines += [
        "[[derived]]",
        'id = "bulk_yes_count"',
        'title = "Yes answers in the first 10"',
        f"expr = '{terms}'",
        "",
    ]
    path = folder / "bulk.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def big_db(packset) -> Path:
    """10,000 assessments and 1,000,000 answers in a database created by `Store.open`, so the
    schema (and its migrations) is the real one; cached per schema version."""
    from app.store import Store
    from app.store.schema import SCHEMA_VERSION

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"big-{BIG_ASSESSMENTS}x{ANSWERS_EACH}-s{SCHEMA_VERSION}.db"
    if path.exists():
        return path
    tmp = path.with_suffix(".part")
    for stale in CACHE.glob(tmp.name + "*"):
        stale.unlink()
    Store.open(tmp).close()
    rng = random.Random(8)
    qids = list(packset.questions)
    qids += [f"retired_q{i:02d}" for i in range(ANSWERS_EACH - len(qids))]
    packs = json.dumps(packset.versions())
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        assessments = []
        for i in range(1, BIG_ASSESSMENTS + 1):
            day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
            verdict = rng.choice(["NO-GO", "INCOMPLETE", "CONDITIONAL", "GO"])
            summary = {
                "answered": rng.randint(0, 74),
                "total": 74,
                "verdict": verdict,
                "red": rng.randint(0, 5),
                "amber": rng.randint(0, 5),
                "unknown": rng.randint(0, 9),
            }
            assessments.append(
                (
                    i,
                    f"pilot-{i:05d}",
                    f"Pilot number {i}",
                    "Generated.",
                    packs,
                    int(i % 20 == 0),
                    day,
                    day,
                    json.dumps(summary),
                )
            )
        conn.executemany(
            "INSERT INTO assessments (id, slug, name, description, packs, archived, created_at,"
            " updated_at, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            assessments,
        )
        conn.executemany(
            "INSERT INTO answers (assessment_id, question_id, value, note, answered_by,"
            " answered_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (a, q, '"yes"', None, "Generated", "2025-01-01T10:00:00Z")
                for a in range(1, BIG_ASSESSMENTS + 1)
                for q in qids[:ANSWERS_EACH]
            ),
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    tmp.rename(path)
    return path


def respondent_files(work: Path, demo_db: Path, count: int = 20) -> list[Path]:
    """`count` assessment files of the five packs, as engineers answering alone would share
    them: the demo's answers, each by its own respondent, with about one answer in eight
    changed (a number moved, a yes turned to no), so a merge has agreements and disputes."""
    import subprocess
    import sys

    from app.interchange import bundle

    root = Path(__file__).resolve().parents[2]
    shared = work / "demo.preflight.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "app",
            "--db",
            str(demo_db),
            "share",
            "demo",
            "--out",
            str(shared),
            "--force",
        ],
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "PYTHONPATH": str(root)},
    )
    base = json.loads(shared.read_text())
    rng = random.Random(20)
    out = []
    for i in range(count):
        content = json.loads(json.dumps(base))
        name = f"Engineer {i + 1:02d}"
        content["assessment"]["slug"] = f"engineer-{i + 1:02d}"
        content["assessment"]["answering_as"] = name
        content["participants"] = [{"name": name, "role": "engineer"}]
        for answer in content["answers"]:
            answer["answered_by"] = name
            value = answer["value"]
            if rng.random() < 0.125:
                if value == "yes":
                    answer["value"] = "no"
                elif isinstance(value, int) and not isinstance(value, bool) and value > 1:
                    answer["value"] = value - 1
        content["digest"] = bundle.digest(content)
        path = work / f"engineer-{i + 1:02d}.preflight.json"
        path.write_bytes(bundle.dumps(content))
        out.append(path)
    return out


HISTORY_ROWS = 100_000


def history_db(work: Path, demo_db: Path) -> Path:
    """A copy of the demo database whose assessment carries 100,000 history rows (a year of
    revisions to its answers' notes before today's answers) and one export half-way through
    them, so `preflight diff demo` replays the history up to that export."""
    import shutil

    from app.store import Store

    path = work / "history.db"
    shutil.copyfile(demo_db, path)
    Store.open(path).close()  # the schema of this Preflight (the exports log)
    conn = sqlite3.connect(path)
    with conn:
        (aid,) = conn.execute("SELECT id FROM assessments WHERE slug = 'demo'").fetchone()
        answered = conn.execute(
            "SELECT question_id, value FROM answers WHERE assessment_id = ? ORDER BY question_id",
            [aid],
        ).fetchall()
        start = 1_767_225_600  # 2026-01-01T00:00:00Z

        def stamp(i: int) -> str:
            import datetime as dt

            return dt.datetime.fromtimestamp(start + i * 60, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        conn.executemany(
            "INSERT INTO answer_history (assessment_id, question_id, old_value, new_value, note,"
            " changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (aid, q, v, v, f"revision {i}", "Generated", stamp(i))
                for i, (q, v) in ((i, answered[i % len(answered)]) for i in range(HISTORY_ROWS))
            ),
        )
        conn.execute(
            "INSERT INTO exports (assessment_id, path, format, digest, packs, exported_at)"
            " VALUES (?, 'exports/demo-receipts.md', 'md', ?, '{}', ?)",
            [aid, "0" * 64, stamp(HISTORY_ROWS // 2)],
        )
    conn.close()
    return path


PORTFOLIO_FILES = 1000
PORTFOLIO_TEAMS = 10


def portfolio_files(work: Path, demo_db: Path, count: int = PORTFOLIO_FILES) -> list[Path]:
    """`count` assessment files of the five packs (~74 answers each, with their history), in
    one folder per team (`PORTFOLIO_TEAMS` of them), as teams would `share` them for a
    portfolio: each its own pilot (slug, creation time), about one answer in eight changed and
    revised once more in the history, last changed over the past 120 days, follow-ups due from
    a month ago to a month ahead and the demo's waivers expiring over the next two months."""
    import datetime as dt

    from app.interchange import bundle

    base_path = respondent_files(work, demo_db, count=1)[0].with_name("demo.preflight.json")
    base = json.loads(base_path.read_text())
    from app.core.packs import load_packs
    from app.core.paths import shipped_dir

    gate_ids = list(load_packs([shipped_dir()]).packset.gates)
    rng = random.Random(1000)
    today = dt.date.today()
    root = work / "portfolio-sources"
    out = []
    for i in range(count):
        content = json.loads(json.dumps(base))
        team = root / f"team-{i % PORTFOLIO_TEAMS:02d}"
        team.mkdir(parents=True, exist_ok=True)
        changed = (today - dt.timedelta(days=rng.randint(0, 120))).isoformat() + "T10:00:00Z"
        info = content["assessment"]
        info["slug"] = f"pilot-{i:04d}"
        info["name"] = f"Pilot {i:04d}"
        info["created_at"] = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:{i % 60:02d}Z"
        info["updated_at"] = changed
        history = content["history"]
        for answer in content["answers"]:
            answer["answered_at"] = changed
            value = answer["value"]
            if rng.random() < 0.125:
                new = value
                if value == "yes":
                    new = "no"
                elif isinstance(value, int) and not isinstance(value, bool) and value > 1:
                    new = value - 1
                if new != value:
                    history.append(
                        {
                            "question_id": answer["question_id"],
                            "old_value": value,
                            "new_value": new,
                            "note": "revised",
                            "changed_by": answer["answered_by"],
                            "changed_at": changed,
                        }
                    )
                    answer["value"] = new
        gates = sorted(gate_ids)
        content["followups"] = [
            {
                "gate_id": gid,
                "owner": f"Owner {rng.randint(1, 40)}",
                "due": (today + dt.timedelta(days=rng.randint(-30, 30))).isoformat(),
                "status": rng.choice(["open", "in_progress", "done"]),
                "note": None,
                "updated_at": changed,
            }
            for gid in rng.sample(gates, 6)
        ]
        content["waivers"] = [
            {
                "gate_id": gid,
                "reason": "Accepted for the pilot phase",
                "approver": f"Approver {rng.randint(1, 9)}",
                "expires": (today + dt.timedelta(days=rng.randint(-5, 60))).isoformat(),
                "created_at": changed,
            }
            for gid in rng.sample(gates, 2)
        ]
        content["digest"] = bundle.digest(content)
        path = team / f"pilot-{i:04d}.preflight.json"
        path.write_bytes(bundle.dumps(content))
        out.append(path)
    return out
