"""`preflight portfolio serve`: the portfolio in Datasette, read-only, on loopback by default.

The only module that imports Datasette (an import-linter contract says so), and only when the
command runs: without the `portfolio` extra it says how to install it and exits 2. The
database is opened immutable (nothing can write to it through the server) under the name
`portfolio`, whatever the file is called, with the metadata of `app.portfolio.metadata`. No
plugins directory, no `--root`, no static mounts: Datasette serves its own bundled CSS and
JavaScript, so a page fetches nothing from the internet.
"""

from __future__ import annotations

import ipaddress
import sqlite3
import sys
from pathlib import Path
from typing import Any

from app.core.text import one_line
from app.errors import EXIT_ERROR, EXIT_USAGE
from app.portfolio import metadata
from app.portfolio.options import DEFAULT_HOST, DEFAULT_PORT

PROG = "preflight portfolio serve"

INSTALL_HINT = f'{PROG}: Datasette is not installed; pip install "ai-preflight[portfolio]"'

SETTINGS: dict[str, Any] = {
    # Read-only SQL stays allowed (a lead's own questions), with Datasette's time limit.
    "sql_time_limit_ms": 3000,
}


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}/{metadata.DATABASE}"


def check_portfolio(path: Path) -> str | None:
    """Why `path` is not a portfolio to serve, or None."""
    if not path.is_file():
        return f"{one_line(str(path))}: no such file (build one with preflight portfolio build)"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"{one_line(str(path))}: not a SQLite database ({one_line(exc)})"
    if "pilots" not in names:
        return (
            f"{one_line(str(path))}: not a portfolio (no pilots table; "
            "build one with preflight portfolio build)"
        )
    return None


def _argument(args: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = getattr(args, name, None)
        if value is not None:
            return value
    return default


def run(args: Any) -> int:
    """Serve `args.portfolio` (the database file) on `args.host`:`args.port` until Ctrl-C."""
    path = _argument(args, "portfolio", "database", "path", "file")
    host = _argument(args, "host", default=DEFAULT_HOST)
    port = int(_argument(args, "port", default=DEFAULT_PORT))
    if path is None:
        print(f"{PROG}: which portfolio? preflight portfolio serve FILE.db", file=sys.stderr)
        return EXIT_USAGE
    return serve(Path(path), host=host, port=port)


def serve(path: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> int:
    try:
        import uvicorn
        from datasette.app import Datasette
        from datasette.plugins import DEFAULT_PLUGINS, pm
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        return EXIT_USAGE
    problem = check_portfolio(path)
    if problem is not None:
        print(f"{PROG}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if not 0 < port < 65536:
        print(f"{PROG}: --port must be 1 to 65535, not {port}", file=sys.stderr)
        return EXIT_USAGE

    file = str(path.resolve())
    ds = Datasette(immutables=[file], metadata=metadata.build(), settings=SETTINGS)
    # Datasette names a database after its file's stem; the URLs say /portfolio whatever the
    # file is called, so re-register it under that name.
    for name, db in list(ds.databases.items()):
        if db.path == file:
            ds.remove_database(name)
            ds.add_database(db, name=metadata.DATABASE, route=metadata.DATABASE)

    others = sorted(name for name, _ in pm.list_name_plugin() if name not in DEFAULT_PLUGINS)
    if others:
        # Installed in this environment, so Datasette loads them (an auth plugin works so).
        print(
            f"{PROG}: Datasette plugins installed here and loaded: "
            + one_line(", ".join(str(n) for n in others)),
            file=sys.stderr,
        )
    if not is_loopback(host):
        print(
            f"{PROG}: warning: listening on {one_line(host)}, beyond this machine. Datasette "
            "has no authentication: anyone who reaches this port can read the whole portfolio.",
            file=sys.stderr,
        )
    print(f"Serving {one_line(str(path))} read-only at {one_line(url(host, port))}  (Ctrl-C stops)")
    sys.stdout.flush()

    config = uvicorn.Config(
        ds.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1
    )
    server = uvicorn.Server(config)

    async def main() -> None:
        await ds.invoke_startup()
        await server.serve()

    import asyncio

    try:
        asyncio.run(main())
    except SystemExit as exc:
        # uvicorn exits 1 when it cannot listen; 1 means NO-GO to this CLI, so say it plainly.
        if exc.code in (0, None):
            return 0
        print(
            f"{PROG}: could not listen on {one_line(host)}:{port} (in use? try --port N)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return 0
