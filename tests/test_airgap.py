"""The air-gapped install, end to end: build a wheelhouse (the connected step), then in a fresh
venv install from it alone and run Preflight with no network at all.

The wheelhouse step needs the package index; set PREFLIGHT_SKIP_AIRGAP=1 to skip this test where
the index cannot be reached (CI reaches it). The offline half runs under `unshare -n` (a network
namespace with no interfaces) where the kernel allows it, and always with the socket guard of
tests/netguard on PYTHONPATH, which also logs any attempt that the code might swallow.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUARD = Path(__file__).resolve().parent / "netguard"


def skip_requested(value: str | None) -> bool:
    """PREFLIGHT_SKIP_AIRGAP=1 (or yes/true/on) skips; unset, empty, 0, no, false, off do not."""
    return (value or "").strip().lower() in ("1", "yes", "true", "on")


pytestmark = [
    pytest.mark.airgap,
    pytest.mark.skipif(
        skip_requested(os.environ.get("PREFLIGHT_SKIP_AIRGAP")),
        reason="PREFLIGHT_SKIP_AIRGAP=1: the package index is not reachable here",
    ),
]


def _no_network_prefix() -> list[str]:
    """`unshare -n` (as root) or `unshare -rn` (unprivileged user namespaces), if either works."""
    if shutil.which("unshare") is None:
        return []
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        try:
            ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if ok.returncode == 0:
            return prefix
    return []


def _offline_env(tmp: Path) -> dict[str, str]:
    """No pip configuration (its find-links would hide a missing wheel), no repo on the path."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PIP_", "PYTHON", "PREFLIGHT_", "VIRTUAL_ENV"))
    }
    env.update(
        {
            "PIP_CONFIG_FILE": os.devnull,
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
            "PYTHONPATH": str(GUARD),
            "NETGUARD_LOG": str(tmp / "network.log"),
            "PREFLIGHT_DB": str(tmp / "data" / "preflight.db"),
            "NO_COLOR": "1",
            "HOME": str(tmp / "home"),
        }
    )
    return env


def test_wheelhouse_installs_and_runs_offline(tmp_path):
    wheelhouse = tmp_path / "wheelhouse"
    # The connected step, exactly as the README gives it.
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "-w", str(wheelhouse), "-q"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    assert list(wheelhouse.glob("ai_preflight-*.whl"))

    env_dir = tmp_path / "offline-venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    prefix = _no_network_prefix()
    env = _offline_env(tmp_path)
    work = tmp_path / "elsewhere"  # not the repo: the wheel's own packs must be used
    work.mkdir()

    def offline(*cmd: str, code: int = 0, guard: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [*prefix, *cmd],
            cwd=work,
            env=env if guard else {**env, "PYTHONPATH": ""},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=240,
        )
        assert result.returncode == code, (cmd, result.stdout[-2000:], result.stderr[-3000:])
        return result

    # pip probes for IPv6 support with a socket at import, so the guard is for Preflight only.
    offline(
        str(bin_dir / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--no-index",
        "--find-links",
        str(wheelhouse),
        "ai-preflight",
        guard=False,
    )
    where = offline(str(bin_dir / "python"), "-c", "import app; print(app.__file__)").stdout
    assert str(env_dir) in where and str(ROOT) not in where

    preflight = str(bin_dir / "preflight")
    validated = offline(preflight, "validate").stdout
    assert str(env_dir) in validated and "ok: pack" in validated  # the shipped packs, installed
    offline(preflight, "demo", "--no-open")
    checked = offline(preflight, "check", "demo", code=1).stdout  # the demo is NO-GO
    assert "NO-GO" in checked
    exported = offline(preflight, "export", "demo", "--out", str(work / "exports")).stdout
    files = [Path(line) for line in exported.splitlines() if line.strip()]
    assert files and all(f.is_file() for f in files)
    offline(preflight, "verify", str(next(f for f in files if f.suffix == ".md")))
    assert not (tmp_path / "network.log").exists(), (tmp_path / "network.log").read_text()


@pytest.mark.parametrize(
    ("value", "skip"),
    [
        (None, False),
        ("", False),
        ("0", False),
        ("no", False),
        ("false", False),
        ("1", True),
        ("yes", True),
        ("TRUE", True),
    ],
)
def test_the_skip_switch_means_what_it_says(value, skip):
    assert skip_requested(value) is skip
