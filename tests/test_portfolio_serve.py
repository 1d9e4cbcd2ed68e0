"""`preflight portfolio serve`: the Datasette metadata covers the whole portfolio schema, the
canned queries answer their questions on a small portfolio, the command without the extra says
how to install it (exit 2), and the real Datasette serves /portfolio/ on a loopback port."""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from app.portfolio import metadata, schema, serve
from tests.conftest import run_cli, run_python

ROOT = Path(__file__).resolve().parent.parent
HAVE_DATASETTE = importlib.util.find_spec("datasette") is not None
needs_datasette = pytest.mark.skipif(
    not HAVE_DATASETTE,
    reason='Datasette is not installed (pip install -e ".[portfolio]"; CI installs it)',
)


def day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


def build_portfolio(path: Path) -> Path:
    """A small portfolio by hand: two teams, four pilots, dates relative to today."""
    db = sqlite_utils.Database(path)
    schema.create(db)
    sources = [
        {"id": 1, "path": "ops.db", "kind": "database", "team": "Ops", "read_at": day(0)},
        {"id": 2, "path": "risk.json", "kind": "file", "team": "Risk", "read_at": day(0)},
    ]
    db["sources"].insert_all(sources)

    def pilot(pid, team, name, verdict, red, last_change):
        return {
            "id": pid,
            "identity": f"identity-{pid}",
            "team": team,
            "slug": name.lower(),
            "name": name,
            "verdict": verdict,
            "verdict_words": verdict.lower(),
            "answered": 3,
            "total": 4,
            "red": red,
            "amber": 0,
            "unknown": 0,
            "waived": 0,
            "archived": 0,
            "last_change": last_change,
            "packs": "{}",
            "source_id": 1 if team == "Ops" else 2,
            "source_digest": "d",
            "built_at": day(0),
        }

    db["pilots"].insert_all(
        [
            pilot(1, "Ops", "Chatbot", "NO-GO", 2, day(-90) + "T09:00:00Z"),
            pilot(2, "Risk", "Summariser", "NO-GO", 1, day(-5)),
            pilot(3, "Risk", "Classifier", "GO", 0, day(-61)),
            pilot(4, "Ops", "Drafting", "CONDITIONAL", 0, day(0)),
            {**pilot(5, "Ops", "Shelved", "NO-GO", 1, day(-200)), "archived": 1},
        ]
    )

    def gate(pid, gate_id, title, state, owner=None, due=None, status=None):
        return {
            "pilot_id": pid,
            "gate": gate_id,
            "title": title,
            "pack": "security",
            "level": "red",
            "state": state,
            "go_no_go": 1,
            "owner": owner,
            "due": due,
            "status": status,
        }

    db["gates"].insert_all(
        [
            gate(1, "dpia", "DPIA done", "red"),
            gate(1, "vendor", "Vendor contract", "red", "Bo", day(-10), "done"),
            gate(2, "dpia", "DPIA done", "red", "Cy", day(5), "open"),
            gate(3, "dpia", "DPIA done", "clear", "Di", day(-1)),
            gate(4, "training", "Staff trained", "amber", "Ana", day(-3), "open"),
            # Archived: in the tables, in no question a lead asks of the live pilots.
            gate(5, "dpia", "DPIA done", "red", "Ed", day(-30), "open"),
        ]
    )
    db["waivers"].insert_all(
        [
            {
                "pilot_id": 4,
                "gate": "training",
                "reason": "r",
                "approver": "CISO",
                "expires": day(10),
            },
            {"pilot_id": 3, "gate": "x", "reason": "r", "approver": "CISO", "expires": day(-1)},
            {"pilot_id": 2, "gate": "y", "reason": "r", "approver": "CTO", "expires": day(40)},
            {"pilot_id": 1, "gate": "z", "reason": "r", "approver": "CTO", "expires": day(0)},
        ]
    )
    db["answers"].insert_all(
        [
            {
                "pilot_id": 1,
                "question": "vendor",
                "pack": "security",
                "text": "Is there a vendor contract?",
                "value": "Signed with Acme",
                "note": "legal reviewed it",
            },
            {
                "pilot_id": 2,
                "question": "vendor",
                "pack": "security",
                "text": "Is there a vendor contract?",
                "value": "No contract yet",
            },
            {
                "pilot_id": 5,
                "question": "vendor",
                "pack": "security",
                "text": "Is there a vendor contract?",
                "value": "Shelved before signing",
            },
        ]
    )
    db.close()
    return path


@pytest.fixture
def portfolio(tmp_path):
    # Not called portfolio.db: the URLs say /portfolio whatever the file is called.
    return build_portfolio(tmp_path / "teams-2026.db")


def _escape_fts(query: str) -> str:
    """Datasette's escape_fts (its SQL function the search query uses), or the same rule."""
    if HAVE_DATASETTE:
        from datasette.utils import escape_fts

        return escape_fts(query)
    if query.count('"') % 2:
        query += '"'
    bits = [b for b in query.split() if b and b != '""']
    return " ".join(b if b.startswith('"') else f'"{b}"' for b in bits)


def canned(path: Path, name: str, **params: str) -> list[dict]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.create_function("escape_fts", 1, _escape_fts)
    try:
        return [dict(row) for row in conn.execute(metadata.QUERIES[name]["sql"], params)]
    finally:
        conn.close()


# The metadata -----------------------------------------------------------------------------


def test_every_table_and_view_has_a_title_and_description(portfolio):
    tables = metadata.build()["databases"][metadata.DATABASE]["tables"]
    for name in (*schema.TABLES, *schema.VIEWS):
        assert tables[name]["title"].strip(), name
        assert tables[name]["description"].strip(), name
    # Whatever the built file holds is described or hidden: a new table cannot go unnoticed.
    conn = sqlite3.connect(portfolio)
    names = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
            "AND name NOT LIKE 'sqlite_%'"
        )
    }
    conn.close()
    assert names <= set(tables), names - set(tables)
    assert all(tables[n] == {"hidden": True} for n in names if n.startswith("answers_fts"))


def test_facets_columns_and_queries_name_real_things(portfolio):
    doc = metadata.build()
    assert json.loads(metadata.to_json()) == doc
    database = doc["databases"][metadata.DATABASE]
    assert database["tables"]["pilots"]["facets"] == ["team", "verdict"]
    conn = sqlite3.connect(portfolio)
    for name, table in database["tables"].items():
        if table.get("hidden"):
            continue
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({name})")}
        for column in (*table.get("facets", ()), *table.get("columns", {})):
            assert column in columns, (name, column)
    conn.close()
    assert set(database["queries"]) == {
        "no_go_pilots",
        "shared_blockers",
        "overdue_followups",
        "waivers_this_month",
        "untouched_60_days",
        "search_answers",
    }
    for query in database["queries"].values():
        assert query["title"].strip() and query["description"].strip() and query["sql"].strip()


# The canned queries on a small portfolio -------------------------------------------------


def test_no_go_pilots_and_why(portfolio):
    rows = canned(portfolio, "no_go_pilots")
    assert [(r["pilot"], r["team"], r["red_gates"]) for r in rows] == [
        ("Chatbot", "Ops", "dpia: DPIA done; vendor: Vendor contract"),
        ("Summariser", "Risk", "dpia: DPIA done"),
    ]


def test_shared_blockers(portfolio):
    rows = canned(portfolio, "shared_blockers")
    assert [(r["gate"], r["pilots_blocked"], r["teams"]) for r in rows] == [
        ("dpia", 2, "Ops, Risk"),
        ("vendor", 1, "Ops"),
    ]
    assert sorted(rows[0]["pilots"].split(", ")) == ["Chatbot", "Summariser"]


def test_overdue_followups(portfolio):
    rows = canned(portfolio, "overdue_followups")
    assert [(r["owner"], r["pilot"], r["days_overdue"]) for r in rows] == [
        ("Ana", "Drafting", 3),
        ("Di", "Classifier", 1),
    ]


def test_waivers_this_month(portfolio):
    rows = canned(portfolio, "waivers_this_month")
    assert [(r["gate"], r["pilot"], r["days_left"]) for r in rows] == [
        ("z", "Chatbot", 0),
        ("training", "Drafting", 10),
    ]


def test_untouched_60_days(portfolio):
    rows = canned(portfolio, "untouched_60_days")
    assert [(r["pilot"], r["days_since"]) for r in rows] == [("Chatbot", 90), ("Classifier", 61)]


@pytest.mark.parametrize(
    ("q", "pilots"),
    [
        ("contract", ["Chatbot", "Shelved", "Summariser"]),  # archived ones too
        ("acme", ["Chatbot"]),
        ("legal", ["Chatbot"]),  # the note
        ("yet contract", ["Summariser"]),  # every word, any order
        ("", []),  # an empty search matches nothing, with no FTS error
        ('"', []),
        ("NOT OR AND (", []),  # FTS syntax is searched for as words, never an error
    ],
)
def test_search_answers(portfolio, q, pilots):
    assert sorted(r["pilot"] for r in canned(portfolio, "search_answers", q=q)) == pilots


# The command without the extra, and its guards ---------------------------------------------


def test_without_datasette_it_says_how_to_install_and_exits_2(portfolio, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "datasette", None)
    monkeypatch.setitem(sys.modules, "datasette.app", None)
    monkeypatch.setitem(sys.modules, "datasette.plugins", None)

    class Args:
        portfolio = str(portfolio)
        host = None
        port = None

    assert serve.run(Args()) == 2
    err = capsys.readouterr().err
    assert err.strip() == (
        'preflight portfolio serve: Datasette is not installed; pip install "ai-preflight[portfolio]"'
    )


@needs_datasette
def test_not_a_portfolio_is_a_clear_message(tmp_path, capsys):
    assert serve.serve(tmp_path / "missing.db") == 2
    assert "missing.db: no such file" in capsys.readouterr().err
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert serve.serve(other) == 2
    assert "not a portfolio" in capsys.readouterr().err
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite at all\x1b[31m")
    assert serve.serve(junk) == 2
    assert "not a SQLite database" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.5", False),
        ("intranet.example", False),
    ],
)
def test_loopback(host, loopback):
    assert serve.is_loopback(host) is loopback


@needs_datasette
def test_binding_beyond_loopback_warns_there_is_no_authentication(portfolio, monkeypatch, capsys):
    import uvicorn

    seen = {}

    async def no_serve(self, sockets=None):
        seen["config"] = self.config

    monkeypatch.setattr(uvicorn.Server, "serve", no_serve)
    assert serve.serve(portfolio, host="0.0.0.0", port=8123) == 0
    out, err = capsys.readouterr()
    assert "Datasette has no authentication" in err
    assert "http://0.0.0.0:8123/portfolio" in out
    assert (seen["config"].host, seen["config"].port) == ("0.0.0.0", 8123)
    assert serve.serve(portfolio) == 0
    out, err = capsys.readouterr()
    assert "authentication" not in err and "http://127.0.0.1:8001/portfolio" in out


# The real server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 10):
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback)
        return response.status, response.read().decode()


def _server_command(path: Path, port: int) -> list[str]:
    return [sys.executable, "-m", "app", "portfolio", "serve", str(path), "--port", str(port)]


def test_the_command_takes_port_and_host():
    done = run_cli("portfolio", "serve", "--help")
    assert done.returncode == 0, done.stderr
    assert "--host" in done.stdout and "--port" in done.stdout
    assert "127.0.0.1" in done.stdout  # loopback unless told otherwise


def test_the_command_without_datasette_exits_2_with_the_hint(portfolio):
    code = (
        "import sys\n"
        "sys.modules['datasette'] = sys.modules['datasette.app'] = None\n"
        "from app.cli import main\n"
        f"raise SystemExit(main(['portfolio', 'serve', {str(portfolio)!r}]))\n"
    )
    done = run_python(code)
    assert done.returncode == 2, done.stderr
    assert 'pip install "ai-preflight[portfolio]"' in done.stderr
    assert "Traceback" not in done.stderr


def test_the_canned_queries_on_a_portfolio_the_builder_made(tmp_path):
    # A real source: the demo assessment (NO-GO), built into a portfolio by the builder.
    source = tmp_path / "ops.db"
    assert run_cli("demo", "--no-open", db=source).returncode == 0
    out = tmp_path / "portfolio.db"
    built = run_cli("portfolio", "build", str(source), "--out", str(out))
    assert built.returncode == 0, built.stderr
    conn = sqlite3.connect(out)
    red = sorted(
        r[0]
        for r in conn.execute(
            "SELECT gate FROM gates JOIN pilots p ON p.id = pilot_id WHERE state = 'red'"
        )
    )
    conn.close()
    assert red
    (no_go,) = canned(out, "no_go_pilots")
    assert (no_go["team"], no_go["slug"], no_go["red"]) == ("ops", "demo", len(red))
    assert sorted(g.split(": ", 1)[0] for g in no_go["red_gates"].split("; ")) == red
    blockers = canned(out, "shared_blockers")
    assert sorted(r["gate"] for r in blockers) == red
    assert {r["pilots_blocked"] for r in blockers} == {1}
    for name in ("overdue_followups", "waivers_this_month", "untouched_60_days"):
        canned(out, name)  # they run; the demo has nothing overdue, expiring or stale
    assert canned(out, "search_answers", q="on call")


@needs_datasette
def test_the_real_datasette_serves_the_portfolio(portfolio, tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            _server_command(portfolio, port),
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, _ = _get(f"{base}/-/versions.json", timeout=2)
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the server did not come up (exit {proc.poll()}):\n{log.read_text()}")
            time.sleep(0.2)

        status, body = _get(f"{base}/portfolio/blockers.json?_shape=array")
        assert status == 200
        blockers = json.loads(body)
        assert [(r["gate"], r["pilots_blocked"]) for r in blockers] == [("dpia", 2), ("vendor", 1)]

        status, body = _get(f"{base}/portfolio/no_go_pilots.json?_shape=array")
        assert [r["pilot"] for r in json.loads(body)] == ["Chatbot", "Summariser"]
        status, body = _get(f"{base}/portfolio/search_answers.json?_shape=array&q=acme")
        assert [r["pilot"] for r in json.loads(body)] == ["Chatbot"]
        status, body = _get(f"{base}/portfolio/search_answers.json?_shape=array&q=")
        assert json.loads(body) == []

        # The metadata is the one Preflight wrote, facets included.
        status, body = _get(f"{base}/-/metadata.json")
        served = json.loads(body)["databases"][metadata.DATABASE]
        assert served["tables"]["pilots"]["facets"] == ["team", "verdict"]
        for name, query in metadata.QUERIES.items():
            assert served["queries"][name]["title"] == query["title"]
        status, body = _get(f"{base}/portfolio/pilots.json?_shape=objects")
        facets = json.loads(body)["facet_results"]
        assert {"team", "verdict"} <= set(facets)

        # Its pages load their CSS and JavaScript from the server itself, never the internet.
        status, page = _get(f"{base}/portfolio")
        assert status == 200 and "/-/static/" in page
        for attr in ("src", "href"):
            for ref in page.split(f'{attr}="')[1:]:
                link = ref.split('"', 1)[0]
                if link.endswith((".js", ".css")) or ".js?" in link or ".css?" in link:
                    assert link.startswith("/"), link

        # Read-only: SQL that writes is refused.
        try:
            status, body = _get(
                f"{base}/portfolio.json?sql=DELETE+FROM+pilots&_shape=array", timeout=5
            )
        except urllib.error.HTTPError as refused:
            status = refused.code
        assert status >= 400
        assert len(json.loads(_get(f"{base}/portfolio/pilots.json?_shape=array")[1])) == 5
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
