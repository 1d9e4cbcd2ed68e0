"""Preflight never touches the network: no module under app/ imports a network client, and the
main commands and the wizard all succeed with every way of opening a connection refused."""

from __future__ import annotations

import ast
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARD = Path(__file__).resolve().parent / "netguard"
FORBIDDEN = {
    "socket",
    "ssl",
    "urllib.request",
    "http.client",
    "http.server",
    "requests",
    "httpx",
    "urllib3",
    "aiohttp",
    "ftplib",
    "smtplib",
    "websockets",
}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize(
    "path", sorted((ROOT / "app").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_no_module_imports_a_network_client(path):
    found = {
        name
        for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    }
    assert not found, f"{path.relative_to(ROOT)} imports {sorted(found)}"


def _guarded(tmp: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(GUARD), str(ROOT)]),
        "NETGUARD_LOG": str(tmp / "network.log"),
        "PREFLIGHT_DB": str(tmp / "preflight.db"),
        "NO_COLOR": "1",
    }
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_the_guard_itself_refuses(tmp_path):
    probe = (
        "import socket\ntry:\n    socket.create_connection(('localhost', 9))\n"
        "except OSError as e:\n    print(e)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(GUARD), "NETGUARD_LOG": str(tmp_path / "log")}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert "refused by the test guard" in out.stdout
    assert (tmp_path / "log").read_text().startswith("create_connection")


def test_every_command_works_with_the_network_refused(tmp_path):
    work = tmp_path / "cwd"
    work.mkdir()
    answers = ROOT / "questionnaires" / "demo" / "support-summariser.toml"
    steps = [
        (("validate",), 0),
        (("schema",), 0),
        (("questions", "--json"), 0),
        (("demo", "--no-open"), 0),
        (("new", "Network check"), 0),
        (("quick", "network-check", "--answers", str(answers)), 1),  # NO-GO too
        (("list", "--all"), 0),
        (("rename", "network-check", "Network check two"), 0),
        (("check", "demo"), 1),  # the demo is NO-GO
        (("export", "demo", "--out", str(work / "out")), 0),
        (("export", "demo", "--format", "json", "--out", str(work / "out")), 0),
        (("archive", "network-check"), 0),
        (("delete", "network-check", "--yes"), 0),
    ]
    for args, code in steps:
        result = _guarded(tmp_path, *args, cwd=work)
        assert result.returncode == code, (args, result.stdout, result.stderr)
        assert "refused by the test guard" not in result.stderr, args
    exported = sorted((work / "out").iterdir())
    assert exported
    for path in exported:
        if path.suffix in (".md", ".json"):
            result = _guarded(tmp_path, "verify", str(path), cwd=work)
            assert result.returncode == 0, (path, result.stdout, result.stderr)
    assert not (tmp_path / "network.log").exists(), (tmp_path / "network.log").read_text()


async def test_wizard_works_with_the_network_refused(monkeypatch, packset, store):
    """In-process: the Textual app (home, wizard, an answer, the pack preview) opens no
    internet socket and resolves no name."""
    attempts: list[str] = []
    real = socket.socket

    class Guarded(real):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
                attempts.append(f"socket({family})")
                raise OSError("network refused")
            super().__init__(family, type, proto, fileno)

    def refuse(*args, **kwargs):
        attempts.append(f"connect/resolve {args[:1]}")
        raise OSError("network refused")

    monkeypatch.setattr(socket, "socket", Guarded)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    from app.tui.app import make_app

    slug = store.create("Offline", packs=packset.versions()).slug
    app = make_app(store=store, packset=packset)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # open the only assessment
        await pilot.pause()
        await pilot.press(*"Acme", "enter")
        await pilot.press("n")
        await pilot.press("ctrl+r")
        await pilot.pause()
    assert store.answers(store.get(slug).id), "the wizard saved nothing"
    assert attempts == []
