"""The pack cache: a second start reads validated packs without pydantic, and never trusts a
changed file, a changed checker or a damaged cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import packcache
from app.core.packs import load_packs, shipped_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "examples" / "vendor.toml"


def _cache_file() -> Path:
    return Path(os.environ["PREFLIGHT_CACHE_DIR"]) / packcache.FILE_NAME


def test_cached_packs_equal_validated_ones_and_skip_pydantic():
    fresh = load_packs([shipped_dir()], use_cache=False)
    first = load_packs([shipped_dir()])
    assert _cache_file().is_file()
    code = (
        "import sys\n"
        "from app.core.packs import load_packs, shipped_dir\n"
        "result = load_packs([shipped_dir()])\n"
        "assert result.ok, result.problems\n"
        "print(len(result.packset.questions), 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(len(fresh.packset.questions)), "False"]
    again = load_packs([shipped_dir()])
    assert fresh.packset.packs == first.packset.packs == again.packset.packs
    assert fresh.packset.eval_order == again.packset.eval_order


def test_a_changed_file_is_validated_again(tmp_path):
    pack = tmp_path / "vendor.toml"
    pack.write_text(EXAMPLE.read_text())
    assert load_packs([pack]).ok
    pack.write_text(EXAMPLE.read_text().replace('id = "vendor"', 'id = "Vendor!"', 1))
    problems = [str(p) for p in load_packs([pack]).problems]
    assert problems and "id: String should match pattern" in problems[0]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda f: f.write_bytes(b"\x00not json"), id="garbage"),
        pytest.param(lambda f: f.write_text("[]"), id="wrong-shape"),
        pytest.param(
            lambda f: f.write_text(
                json.dumps(
                    {
                        "code": json.loads(f.read_text())["code"],
                        "packs": {k: {"id": 1} for k in json.loads(f.read_text())["packs"]},
                    }
                )
            ),
            id="entries-edited",
        ),
    ],
)
def test_a_damaged_cache_is_ignored_and_rewritten(damage):
    expected = load_packs([EXAMPLE]).packset.packs
    damage(_cache_file())
    result = load_packs([EXAMPLE])
    assert result.ok and result.packset.packs == expected
    assert json.loads(_cache_file().read_text())["packs"]  # rewritten with the good entry


def test_a_change_to_the_checking_code_empties_the_cache(monkeypatch):
    load_packs([EXAMPLE])
    monkeypatch.setattr(packcache, "_code_digest", lambda: "another-version")
    cache = packcache.PackCache.default()
    assert cache.entries == {}
    assert cache.get(EXAMPLE.read_bytes()) is None


def test_an_unwritable_cache_place_is_not_an_error(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", str(blocker / "cache"))
    result = load_packs([EXAMPLE])
    assert result.ok and len(result.packset.questions) == 9


def test_an_empty_cache_setting_turns_it_off(monkeypatch, tmp_path):
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert load_packs([EXAMPLE]).ok
    assert list(tmp_path.iterdir()) == []


def test_the_cache_keeps_only_the_latest_entries(monkeypatch, tmp_path):
    monkeypatch.setattr(packcache, "MAX_ENTRIES", 3)
    for n in range(5):
        pack = tmp_path / f"v{n}.toml"
        pack.write_text(EXAMPLE.read_text().replace('"vendor"', f'"vendor{n}"', 1))
        assert load_packs([pack]).ok
    assert len(json.loads(_cache_file().read_text())["packs"]) == 3
