"""The pack cache: a second start reads validated packs without pydantic, and never trusts a
changed file, a changed checker or a damaged cache."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.core import packcache
from app.core.packs import load_packs
from app.core.paths import shipped_dir
from tests.conftest import run_python

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
        "from app.core.packs import load_packs\nfrom app.core.paths import shipped_dir\n"
        "result = load_packs([shipped_dir()])\n"
        "assert result.ok, result.problems\n"
        "print(len(result.packset.questions), 'pydantic' in sys.modules)\n"
    )
    out = run_python(code)
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
        pytest.param(lambda f: f.write_text("[" * 100_000 + "]" * 100_000), id="nested-deep"),
        pytest.param(lambda f: _edit(f, lambda e: e | {"id": [1]}), id="wrong-types"),
        pytest.param(lambda f: _edit(f, lambda e: e | {"questions": []}), id="rules-broken"),
        pytest.param(
            lambda f: _edit(f, lambda e: e | {"title": "\x1b]0;pwned\x07V"}), id="escape-added"
        ),
        pytest.param(lambda f: _edit(f, lambda e: e | {"title": "\ud800"}), id="lone-surrogate"),
    ],
)
def test_a_damaged_cache_is_ignored_and_rewritten(damage):
    expected = load_packs([EXAMPLE]).packset.packs
    damage(_cache_file())
    result = load_packs([EXAMPLE])
    assert result.ok and result.packset.packs == expected
    assert json.loads(_cache_file().read_text())["packs"]  # rewritten with the good entry
    again = load_packs([EXAMPLE, EXAMPLE.parent.parent / "acceptance.toml"])
    assert again.ok and again.packset.pack("vendor") == expected[0]


def _edit(file: Path, change) -> None:
    """Change every entry's pack data as a hand edit would (the checksum is left as it was)."""
    found = json.loads(file.read_text())
    for entry in found["packs"].values():
        entry["pack"] = change(entry["pack"])
    file.write_text(json.dumps(found))


def test_an_entry_moved_under_another_files_key_is_not_served(tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(EXAMPLE.read_text().replace('title = "Model vendor"', 'title = "Other"', 1))
    load_packs([EXAMPLE])
    load_packs([other])
    found = json.loads(_cache_file().read_text())
    [first, second] = found["packs"]
    found["packs"][second] = found["packs"][first]  # the vendor pack under other.toml's key
    _cache_file().write_text(json.dumps(found))
    assert load_packs([other]).packset.packs[0].title == "Other"


def test_a_load_keeps_the_entries_it_used_when_the_cache_is_full(monkeypatch, tmp_path):
    monkeypatch.setattr(packcache, "MAX_ENTRIES", 6)
    team = tmp_path / "team.toml"
    for n in range(4):  # a team pack edited four times, loaded with the five shipped ones
        team.write_text(EXAMPLE.read_text().replace("Model vendor", f"Vendor v{n}", 1))
        assert load_packs([shipped_dir(), team]).ok
    cache = packcache.PackCache.default()
    assert len(cache.entries) == 6
    # The old team versions went first; the shipped packs, used by every load, stayed.
    for file in [*sorted(shipped_dir().glob("*.toml")), team]:
        assert cache.get(file.read_bytes()) is not None, file


def test_more_packs_than_the_limit_settle_in_the_cache(monkeypatch):
    monkeypatch.setattr(packcache, "MAX_ENTRIES", 3)
    assert load_packs([shipped_dir()]).ok  # five packs, all validated and kept
    written = _cache_file().stat().st_mtime_ns
    cache = packcache.PackCache.default()
    assert all(cache.get(f.read_bytes()) for f in sorted(shipped_dir().glob("*.toml")))
    assert load_packs([shipped_dir()]).ok
    assert _cache_file().stat().st_mtime_ns == written  # all hits: nothing to write


def test_no_home_folder_means_no_cache_not_an_error(monkeypatch):
    def no_home():
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.delenv("PREFLIGHT_CACHE_DIR")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    monkeypatch.setattr(Path, "expanduser", lambda self: no_home() if "~" in str(self) else self)
    assert packcache.cache_dir() is None
    assert load_packs([EXAMPLE]).ok
    monkeypatch.setenv("PREFLIGHT_CACHE_DIR", "~/cache")  # as a Dockerfile ENV leaves it
    assert packcache.cache_dir() is None
    assert load_packs([EXAMPLE]).ok


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


def test_a_bug_in_rebuilding_a_sound_entry_surfaces(monkeypatch):
    """A damaged entry is dropped quietly; a sound one that fails to rebuild is a bug, and
    swallowing it would only mean pydantic runs on every start without anyone knowing."""
    load_packs([EXAMPLE])  # fills the cache

    def broken(data):
        raise TypeError("a bug in pack_from_data")

    monkeypatch.setattr(packcache, "pack_from_data", broken)
    with pytest.raises(TypeError, match="a bug in pack_from_data"):
        load_packs([EXAMPLE])


def test_a_warm_start_checks_no_framework_tag_and_reads_no_list():
    """The tags were checked when the file was validated, against lists that are part of the
    cache key: a warm start neither imports tomllib nor reads a framework list."""
    assert load_packs([shipped_dir()]).ok  # warm the cache
    code = (
        "import sys\n"
        "from app.core.packs import load_packs\nfrom app.core.paths import shipped_dir\n"
        "import app.core.frameworks as f\n"
        "result = load_packs([shipped_dir()])\n"
        "assert result.ok, result.problems\n"
        "print('tomllib' in sys.modules, f.frameworks.cache_info().currsize)\n"
    )
    out = run_python(code)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "0"]


def test_a_misspelt_tag_is_refused_on_every_load(tmp_path):
    pack = tmp_path / "vendor.toml"
    text = EXAMPLE.read_text().replace(
        "[[questions]]\n", '[[questions]]\nframeworks = ["nist-ai-rmf:MAP 1.44"]\n', 1
    )
    pack.write_text(text)
    for _ in range(2):  # never cached, so never let through
        found = [p.message for p in load_packs([pack]).problems]
        assert any("'MAP 1.44' is not an item of NIST AI RMF 1.0" in m for m in found), found


def test_another_framework_list_is_another_cache_key(tmp_path, monkeypatch):
    from app.core import frameworks

    before = packcache._code_digest()
    copy = tmp_path / "frameworks"
    copy.mkdir()
    for key in frameworks.ORDER:
        (copy / f"{key}.toml").write_bytes((frameworks.folder() / f"{key}.toml").read_bytes())
    monkeypatch.setattr(frameworks, "folder", lambda: copy)
    assert packcache._code_digest() == before
    nist = copy / "nist-ai-rmf.toml"
    nist.write_text(nist.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert packcache._code_digest() != before
