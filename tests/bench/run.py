"""Preflight benchmarks, each measured side by side with a bare Textual app in the same run.

    /work/venv/bin/python tests/bench/run.py [--rounds N] [--keys N] [--only cold,keys]

Prints medians (and p99 for keypresses) with the ratio to the baseline and the target. Cold
starts are whole processes (spawn to exit, ru_maxrss of the child), run round-robin so machine
noise falls on every variant alike; `_child.py` explains the exit-after-first-paint hook.
Keypresses are measured in-process (see `keypress_latency`). Generated inputs are cached in
$TMPDIR/preflight-bench (`_gen.py`). Not part of the test suite (pytest ignores tests/bench).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE)]

PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "TERM": "xterm-256color"}
ENV.pop("PREFLIGHT_QUESTIONNAIRES", None)
ENV.pop("PREFLIGHT_CACHE_DIR", None)
# Let the warm-up starts write .pyc files, as pip does for an installed wheel; without them
# every start would compile Preflight's own modules (the baseline's are all precompiled).
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


# -- whole-process runs ------------------------------------------------------------------------


def spawn(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, int]:
    """Wall seconds from spawn to the first painted frame (apps run by `_child.py`, which
    stamp it) or else to exit, and the child's peak RSS in KiB; fails on a bad exit.

    For the apps, the time to the first frame is what a person waits for: the wizard reads
    its packs and warms sqlite-utils on a thread *after* the home screen is on screen, and the
    process exit would wait for that thread.
    """
    with tempfile.TemporaryFile() as err:
        start = time.time()
        proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=err, env={**ENV, **(env or {})}, cwd=cwd
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.time() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        output = err.read().decode(errors="replace")
        if code not in (0, 1):  # `check demo` exits 1: the demo is NO-GO
            raise SystemExit(f"{argv} exited {code}:\n{output[-2000:]}")
    stamps = [line.split()[1] for line in output.splitlines() if line.startswith("FIRST-FRAME ")]
    if stamps:
        wall = float(stamps[0]) - start
    return wall, usage.ru_maxrss


def child(*args: str) -> list[str]:
    return [PY, str(HERE / "_child.py"), *args]


def cli(*args: str) -> list[str]:
    return [PY, "-m", "app", *args]


TARGET_06 = (
    "check demo",
    "export demo",
    "merge 20 files",
    "import 1 file",
    "diff demo, 100k history",
    "diff, big benchmark db",
)
"""Commands whose target is 0.6× the bare app's cold start."""

NO_PACK_CACHE = {"PREFLIGHT_CACHE_DIR": ""}
"""For variants run as on the first start after a pack file changed (see app.core.packcache)."""


def cold_starts(rounds: int, work: Path, only_small: bool) -> dict[str, list[tuple[float, int]]]:
    from _gen import big_db, history_db, respondent_files

    from app.core.packs import load_packs
    from app.core.paths import shipped_dir

    demo_db, empty_db, out = work / "demo.db", work / "empty.db", work / "exports"
    subprocess.run(
        cli("--db", str(demo_db), "demo", "--no-open"),
        env=ENV,
        cwd=work,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        cli("--db", str(empty_db), "list"), env=ENV, cwd=work, check=True, capture_output=True
    )
    files = [str(f) for f in respondent_files(work, demo_db)]
    merge_db, import_db, template = work / "merge.db", work / "import.db", work / "template.db"
    subprocess.run(
        cli("--db", str(template), "list"), env=ENV, cwd=work, check=True, capture_output=True
    )
    history = history_db(work, demo_db)
    variants = {
        "bare app": child("bare", "1"),
        "diff demo, 100k history": cli("--db", str(history), "diff", "demo"),
        "merge 20 files": cli("--db", str(merge_db), "merge", *files, "--into", "kickoff"),
        "import 1 file": cli("--db", str(import_db), "import", files[0]),
        "home (demo db)": child("app", "--db", str(demo_db), "home"),
        "check demo": cli("--db", str(demo_db), "check", "demo"),
        "check demo, packs changed": cli("--db", str(demo_db), "check", "demo"),
        "export demo": cli("--db", str(demo_db), "export", "demo", "--out", str(out), "--force"),
        "list (demo db)": cli("--db", str(demo_db), "list"),
        "validate": cli("validate"),
        "home (empty db)": child("app", "--db", str(empty_db), "home"),
        "list (empty db)": cli("--db", str(empty_db), "list"),
    }
    if not only_small:
        started = time.perf_counter()
        big = big_db(load_packs([shipped_dir()]).packset)
        print(
            f"big database: {big} ({big.stat().st_size / 1e6:.0f} MB, ready in "
            f"{time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        variants["home (big db)"] = child("app", "--db", str(big), "home")
        variants["list (big db)"] = cli("--db", str(big), "list")
        # One assessment of 10,000 (100 answers, 1M answers in all), since its creation.
        variants["diff, big benchmark db"] = cli("--db", str(big), "diff", "pilot-05000")
    envs = {"check demo, packs changed": NO_PACK_CACHE}
    # Each merge and import starts from an existing, empty database (as a lead's is), copied
    # before the timed spawn.
    fresh = {"merge 20 files": merge_db, "import 1 file": import_db}

    def run(name: str) -> tuple[float, int]:
        if name in fresh:
            shutil.copyfile(template, fresh[name])
        return spawn(variants[name], work, envs.get(name))

    names = list(variants)
    for name in names:  # warm-up: page cache, .pyc files, pack cache, first-open migrations
        run(name)
    results: dict[str, list[tuple[float, int]]] = {name: [] for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            results[name].append(run(name))
        print(f"  round {r + 1}/{rounds}", flush=True, file=sys.stderr)
    return results


# -- keypress latency -----------------------------------------------------------------------


CHARACTERS = {"enter": "\r"}
"""The character a terminal sends for a named key (a key named "enter" is not typed text)."""


async def keypress_latency(
    app, keys: list[str], setup, count: int, warmup: int = 5, panels=None, advance=None
) -> tuple[list[float], list[float]]:
    """Seconds from each key's arrival at the App to the end of the last frame it caused.

    Start: `App.on_event` receives the Key straight from the driver's queue (textual 8.2.8
    app.py: an InputEvent not yet forwarded), before any binding or widget sees it.
    End: every frame goes through `App._display(screen, update)`, called by
    `Screen._compositor_refresh` once the compositor has rendered the dirty widgets; headless it
    stops short of building terminal codes, so the hook calls `render_segments` to pay for that
    too and stamps the time after it. Textual paints at most 60 times a second (the screen's
    update timer), so a reaction may take more than one frame: after the key the run waits until
    no frame has come for 80 ms and takes the last one. The wait is outside the figure; Pilot's
    own pause floor is never measured. `setup(i)` runs (untimed) before key i and its frames
    settle before the key is sent.

    Returns two lists: to the first frame painted after `panels` (a `(class, method)` whose
    call means the sidebar and gate panel were updated) ran — the path the target names — and
    to the last frame the key caused (for the wizard: the next question on screen). Without
    `panels` both are the last frame. `advance` (a `(class, method)`: the move to the next
    question) bounds the first: when no frame comes between `panels` returning and the move,
    the answer left nothing on screen to change (a text answer that moves no gate, saved in
    the same second as before, so even "✔ Saved <time>" reads the same) and the figure is
    the time `panels` returned; the next question's frame, a beat later, is the second list's.
    Without `advance` such a key would count the beat and the next question as its repaint.
    """
    from textual import events

    frames: list[float] = []
    arrived: list[float] = []
    display, on_event = app._display, app.on_event

    marks: list[tuple[int, float]] = []
    """Index into `frames` of the first frame after `panels` ran (panels repainted), and when."""
    moves: list[int] = []
    """Index into `frames` of the first frame after `advance` began (the next question)."""

    def timed_display(screen, renderable):
        display(screen, renderable)
        if renderable is not None and not app._batch_count:
            renderable.render_segments(app.console)
            frames.append(time.perf_counter())

    async def timed_on_event(event):
        if isinstance(event, events.Key) and not event.is_forwarded:
            arrived.append(time.perf_counter())
        await on_event(event)

    app._display, app.on_event = timed_display, timed_on_event
    if panels is not None:
        owner, name = panels
        original = getattr(owner, name)

        def marked(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            marks.append((len(frames), time.perf_counter()))
            return result

        setattr(owner, name, marked)
    if advance is not None:
        mover, move_name = advance
        move_original = getattr(mover, move_name)

        def moved(self, *args, **kwargs):
            moves.append(len(frames))
            return move_original(self, *args, **kwargs)

        setattr(mover, move_name, moved)

    async def settle(pilot) -> None:
        await pilot.pause()
        while True:
            seen = len(frames)
            await asyncio.sleep(0.08)
            await pilot.pause()
            if len(frames) == seen:
                return

    samples: list[float] = []
    to_panels: list[float] = []
    unpainted = [0]
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        for i in range(warmup + count):
            setup(i)
            await settle(pilot)
            frames.clear()
            arrived.clear()
            marks.clear()
            moves.clear()
            key = keys[i % len(keys)]
            event = events.Key(key, CHARACTERS.get(key, key))
            event.set_sender(app)
            app._driver.send_message(event)
            await settle(pilot)
            assert arrived and frames, f"key {key!r} caused no frame"
            if i >= warmup:
                samples.append(frames[-1] - arrived[0])
                if not panels:
                    to_panels.append(frames[-1] - arrived[0])
                    continue
                first, done = marks[0] if marks else (len(frames) - 1, 0.0)
                if marks and moves and first >= moves[0]:
                    to_panels.append(done - arrived[0])  # nothing to repaint before the move
                    unpainted[0] += 1
                else:
                    first = first if first < len(frames) else len(frames) - 1
                    to_panels.append(frames[first] - arrived[0])
    if panels is not None:
        setattr(owner, name, original)
    if advance is not None:
        setattr(mover, move_name, move_original)
    if unpainted[0]:
        print(f"    ({unpainted[0]} keys left nothing to repaint before the move)", file=sys.stderr)
    return to_panels, samples


def bare_keys(count: int) -> list[float]:
    from _bare import BareApp

    _, last = asyncio.run(keypress_latency(BareApp(1), ["y", "n"], lambda i: None, count))
    return last


def durable_keys(count: int, work: Path) -> list[float]:
    """The durable-key floor: commit one row (the store's pragmas), update one Static."""
    from _durable import DurableApp

    app = DurableApp(work / "durable.db")
    try:
        _, last = asyncio.run(keypress_latency(app, ["y", "n"], lambda i: None, count))
    finally:
        app.conn.close()
    return last


def swap_keys(count: int) -> list[float]:
    """The question-swap floor: replace a Label and an OptionList (or an Input) with the next."""
    from _swap import SwapApp

    _, last = asyncio.run(keypress_latency(SwapApp(), ["y", "n"], lambda i: None, count))
    return last


KINDS = ("yes_no", "number", "text", "multi")
"""The answer keys measured: y/n on a yes/no question, enter on a typed number and on a typed
text (the Input filled beforehand, untimed), and 1 ticking a multi-choice option."""
TYPED = {"number": ("12", "30"), "text": ("first pilot KPI", "second pilot KPI")}


def wizard_keys(
    count: int, work: Path, bulk: bool, kind: str = "yes_no"
) -> tuple[list[float], list[float]]:
    from _gen import bulk_pack

    from app.core.packs import load_packs
    from app.core.paths import shipped_dir
    from app.session import Session
    from app.store import Store
    from app.tui.app import make_app

    folders = [shipped_dir()]
    if bulk:
        folders.append(bulk_pack(work / "bulk-pack").parent)
    result = load_packs(folders)
    assert result.ok, result.problems
    packset = result.packset
    db = work / ("bulk.db" if bulk else "demo.db")
    store = Store.open(db)
    if bulk:
        a = store.create("Bulk", packs=packset.versions())
        session = Session(store, packset, a)
        session.apply(
            [(f"bulk_q{i:04d}", "yes" if i % 3 else "no", None, None) for i in range(0, 1000, 2)]
        )
        slug = a.slug
    else:
        slug = "demo"
        session = Session.open(store, packset, slug)
    if bulk and kind == "yes_no":
        qid = "bulk_q0500"
    else:
        visible = session.evaluation.visible
        # A visible question of the kind whose answer moves a gate, so the panel really changes.
        readers = {
            q
            for key, e in packset.compiled.items()
            if key.startswith("gate:")
            for q in getattr(e, "names", ())
        }
        candidates = [
            q.id
            for q in packset.questions.values()
            if q.kind == kind and visible.get(q.id) and not q.id.startswith("bulk_")
        ]
        qid = next((q for q in candidates if q in readers), candidates[0])
    print(
        f"  wizard {kind} keys on {qid} ({len(packset.questions)} questions in use)",
        file=sys.stderr,
    )
    app = make_app(store=store, packset=packset, open_ref=slug)

    def back_to_question(i: int) -> None:
        from textual.widgets import Input

        app.clear_notifications()
        for field in app.screen.query(Input):
            field.cursor_blink = False  # a blinking cursor paints a frame every 0.5 s
        app.screen.show_question(qid)
        if kind in TYPED:
            typed = app.screen.query_one("#typed", Input)
            typed.value = TYPED[kind][i % 2]
            typed.cursor_position = len(typed.value)

    keys = {"yes_no": ["y", "n"], "multi": ["1"]}.get(kind, ["enter"])
    try:
        from app.tui.screens.wizard import WizardScreen

        panels = (WizardScreen, "_refresh_panels")
        advance = (WizardScreen, "action_next")
        return asyncio.run(
            keypress_latency(app, keys, back_to_question, count, panels=panels, advance=advance)
        )
    finally:
        store.close()


# -- portfolio -------------------------------------------------------------------------------


def portfolio_bench(work: Path, rounds: int) -> dict[str, object]:
    """`portfolio build` of 1,000 assessment files (ten team folders) against a baseline that
    executemany-inserts the same rows into the same tables (the portfolio's own DDL, FTS
    triggers included) with plain sqlite3 in one transaction; then the `blockers` and
    `followups_overdue` views' SELECTs on that portfolio, in-process, median of 20.

    Both sides run in this process, round-robin, `rounds` times each (medians reported)."""
    import sqlite3

    from _gen import portfolio_files

    from app.core.packs import load_packs
    from app.core.paths import shipped_dir
    from app.portfolio import schema
    from app.portfolio.build import Source, build

    demo_db = work / "portfolio-demo.db"
    subprocess.run(
        cli("--db", str(demo_db), "demo", "--no-open"),
        env=ENV,
        cwd=work,
        check=True,
        capture_output=True,
    )
    files = portfolio_files(work, demo_db)
    folders = sorted({f.parent for f in files})
    packset = load_packs([shipped_dir()]).packset
    out = work / "portfolio.db"

    def run_build() -> float:
        out.unlink(missing_ok=True)
        started = time.perf_counter()
        report = build([Source(f) for f in folders], out, packset)
        took = time.perf_counter() - started
        assert not report.problems and report.total("added") == len(files), report.summary()
        return took

    run_build()  # warm-up: page cache, imports, compiled pack expressions
    conn = sqlite3.connect(out)
    master = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ).fetchall()
    # The baseline's best plain order: tables and indexes, the rows, then the full-text index
    # filled in one statement, its triggers and the views (as the build does it).
    first = [sql for kind, name, sql in master if kind in ("table", "index") and "_fts" not in name]
    fts = next(sql for kind, name, sql in master if name == "answers_fts")
    after = [sql for kind, name, sql in master if kind in ("trigger", "view")]
    tables = [*schema.TABLES]
    data = {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in tables}
    conn.close()
    counts = {t: len(rows) for t, rows in data.items()}
    base_out = work / "baseline.db"

    def run_baseline() -> float:
        base_out.unlink(missing_ok=True)
        started = time.perf_counter()
        db = sqlite3.connect(base_out, isolation_level=None)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")
        for statement in first:
            db.execute(statement)
        for table in tables:
            rows = data[table]
            if rows:
                marks = ", ".join("?" for _ in rows[0])
                db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        db.execute(fts)
        db.execute(
            "INSERT INTO answers_fts (rowid, value, note, text) "
            "SELECT id, value, note, text FROM answers"
        )
        for statement in after:
            db.execute(statement)
        db.execute("COMMIT")
        db.close()
        return time.perf_counter() - started

    built: list[float] = []
    based: list[float] = []
    for _ in range(rounds):
        based.append(run_baseline())
        built.append(run_build())
    conn = sqlite3.connect(out)
    queries: dict[str, float] = {}
    for view in ("blockers", "followups_overdue"):
        select = f"SELECT * FROM ({schema.VIEWS[view]})"
        conn.execute(select).fetchall()
        times = []
        for _ in range(20):
            started = time.perf_counter()
            conn.execute(select).fetchall()
            times.append(time.perf_counter() - started)
        queries[view] = statistics.median(times)
    found = {v: len(conn.execute(f"SELECT * FROM {v}").fetchall()) for v in schema.VIEWS}
    conn.close()
    return {
        "build": statistics.median(built),
        "baseline": statistics.median(based),
        "counts": counts,
        "queries": queries,
        "found": found,
        "files": len(files),
        "size": out.stat().st_size,
    }


# -- report ----------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {model}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def row(name: str, value: str, base: str, ratio: float, target: str, ok: bool) -> None:
    verdict = "—" if target == "(info)" else ("ok" if ok else "MISSED")
    print(f"| {name} | {value} | {base} | {ratio:.2f}× | {target} | {verdict} |")


def keys_report(count: int, work: Path) -> None:
    """Every answer key against the floors measured beside it, in chunks interleaved so drift
    on a shared machine hits every side alike."""
    from app.tui.screens.wizard import ADVANCE_AFTER

    subprocess.run(
        cli("--db", str(work / "demo.db"), "demo", "--no-open"),
        env=ENV,
        cwd=work,
        check=True,
        capture_output=True,
    )
    packs = (("demo assessment", False, 1.5), ("1,000-question pack", True, 2.0))
    floors: dict[str, list[float]] = {"bare": [], "durable": [], "swap": []}
    got: dict[tuple[str, str], tuple[list[float], list[float]]] = {
        (name, kind): ([], []) for name, _, _ in packs for kind in KINDS
    }
    chunk = max(10, count // 3)
    done = 0
    while done < count:
        n = min(chunk, count - done)
        floors["bare"] += bare_keys(n)
        floors["durable"] += durable_keys(n, work)
        floors["swap"] += swap_keys(n)
        for name, bulk, _ in packs:
            for kind in KINDS:
                panels, last = wizard_keys(n, work, bulk=bulk, kind=kind)
                got[name, kind][0].extend(panels)
                got[name, kind][1].extend(last)
        done += n
    bare, durable, swap = (statistics.median(floors[k]) for k in ("bare", "durable", "swap"))
    row("floor: bare key (Static updated), median", ms(bare), "—", 1.0, "(info)", True)
    row(
        "floor: durable key (one SQLite commit, WAL, synchronous=FULL, then a Static), median",
        ms(durable),
        ms(bare),
        durable / bare,
        "(info)",
        True,
    )
    row(
        "floor: question swap (Label + OptionList of 3–9 or an Input replaced), median",
        ms(swap),
        ms(bare),
        swap / bare,
        "(info)",
        True,
    )
    labels = {
        "yes_no": "yes/no key",
        "number": "typed number + enter",
        "text": "typed text + enter",
        "multi": "multi-choice tick",
    }
    for name, _, factor in packs:
        for kind in KINDS:
            values, whole = got[name, kind]
            m = statistics.median(values)
            row(
                f"{labels[kind]} → committed → gates → panels repainted, {name}: median",
                ms(m),
                ms(durable),
                m / durable,
                f"≤ {factor:g}× durable-key floor",
                m <= factor * durable,
            )
            row(
                f"… same, p99 ({len(values)} keys)",
                ms(p99(values)),
                ms(p99(floors["durable"])),
                p99(values) / p99(floors["durable"]),
                "≤ 50 ms",
                p99(values) <= 0.050,
            )
            if kind == "multi":
                continue  # a tick stays on its question
            w = statistics.median(whole)
            limit = 2 * swap + ADVANCE_AFTER
            row(
                f"… then the next question on screen, {name}: median",
                ms(w),
                f"2 × {ms(swap)} + {ms(ADVANCE_AFTER)} beat",
                w / limit,
                "≤ 2× question-swap floor + beat",
                w <= limit,
            )
    print(
        f"({count} keys each, interleaved in chunks of {chunk}; p99 of the durable floor "
        f"{ms(p99(floors['durable']))}, of the swap floor {ms(p99(floors['swap']))})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=11, help="cold starts per variant")
    parser.add_argument("--keys", type=int, default=150, help="keypresses per variant")
    parser.add_argument(
        "--only", default="cold,keys,portfolio", help="cold, keys, portfolio (comma-separated)"
    )
    parser.add_argument("--builds", type=int, default=5, help="portfolio builds (and baselines)")
    parser.add_argument("--small", action="store_true", help="skip the 10,000-assessment db")
    opts = parser.parse_args()
    parts = set(opts.only.split(","))
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="preflight-bench-") as tmp:
        work = Path(tmp)
        # A pack cache of the run's own; the warm-up start of each variant fills it.
        ENV["PREFLIGHT_CACHE_DIR"] = str(work / "pack-cache")
        print("| measure | Preflight | baseline | ratio | target | |")
        print("| --- | --- | --- | --- | --- | --- |")
        if "cold" in parts:
            res = cold_starts(opts.rounds, work, opts.small)
            wall = {k: statistics.median(w for w, _ in v) for k, v in res.items()}
            rss = {k: statistics.median(m for _, m in v) for k, v in res.items()}
            bare = wall["bare app"]
            row(
                "home screen, demo db: cold start to first paint",
                ms(wall["home (demo db)"]),
                ms(bare),
                wall["home (demo db)"] / bare,
                "≤ 1.3× bare app",
                wall["home (demo db)"] <= 1.3 * bare,
            )
            for name in (
                "check demo",
                "export demo",
                "merge 20 files",
                "import 1 file",
                "diff demo, 100k history",
                "check demo, packs changed",
                "list (demo db)",
                "validate",
            ):
                row(
                    f"`preflight {name}`",
                    ms(wall[name]),
                    ms(bare),
                    wall[name] / bare,
                    "≤ 0.6× bare app" if name in TARGET_06 else "(info)",
                    wall[name] <= 0.6 * bare,
                )
            if "diff, big benchmark db" in wall:
                name = "diff, big benchmark db"
                row(
                    "`preflight diff pilot-05000`, big benchmark db",
                    ms(wall[name]),
                    ms(bare),
                    wall[name] / bare,
                    "≤ 0.6× bare app",
                    wall[name] <= 0.6 * bare,
                )
            if "home (big db)" in wall:
                for what in ("home", "list"):
                    big, empty = wall[f"{what} (big db)"], wall[f"{what} (empty db)"]
                    row(
                        f"{what}, 10,000 assessments / 1M answers vs empty db",
                        ms(big),
                        ms(empty),
                        big / empty,
                        "≤ 1.2× empty db",
                        big <= 1.2 * empty,
                    )
                big_rss, bare_rss = rss["home (big db)"], rss["bare app"]
                row(
                    "home, big db: peak RSS",
                    f"{big_rss / 1024:.0f} MiB",
                    f"{bare_rss / 1024:.0f} MiB",
                    big_rss / bare_rss,
                    "≤ 1.5× bare app",
                    big_rss <= 1.5 * bare_rss,
                )
            print(
                f"({opts.rounds} rounds each, medians; peak RSS: home demo "
                f"{rss['home (demo db)'] / 1024:.0f} MiB, check "
                f"{rss['check demo'] / 1024:.0f} MiB)"
            )
        if "portfolio" in parts:
            got = portfolio_bench(work, opts.builds)
            took, base = float(got["build"]), float(got["baseline"])  # type: ignore[arg-type]
            counts: dict[str, int] = got["counts"]  # type: ignore[assignment]
            total = sum(counts.values())
            row(
                f"`preflight portfolio build`, {got['files']} files (5 packs, history) vs "
                "executemany of the same rows",
                ms(took),
                ms(base),
                took / base,
                "≤ 2× baseline",
                took <= 2 * base,
            )
            queries: dict[str, float] = got["queries"]  # type: ignore[assignment]
            for view, seconds in queries.items():
                row(
                    f"`{view}` view on that portfolio, in-process: median of 20",
                    ms(seconds),
                    "—",
                    seconds / 0.050,
                    "≤ 50 ms",
                    seconds <= 0.050,
                )
            print(
                f"(portfolio: {total:,} rows — "
                + ", ".join(f"{n:,} {t}" for t, n in counts.items())
                + f"; {total / took:,.0f} rows/s built, {total / base:,.0f} rows/s baseline; "
                f"{int(got['size']) / 1e6:.0f} MB; view rows: {got['found']}; "
                f"medians of {opts.builds} builds)"
            )
        if "keys" in parts:
            keys_report(opts.keys, work)


if __name__ == "__main__":
    main()
