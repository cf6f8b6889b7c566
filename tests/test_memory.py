"""Freed memory goes back to the system after each new read, and only then."""

from __future__ import annotations

import os
import platform
import subprocess
import sys

import pytest

from dashboard import boundaries, loaders, memory
from dashboard.config import config_from_mapping
from tests.conftest import write_mini


@pytest.fixture
def calls(monkeypatch, fresh_caches) -> list[int]:
    seen: list[int] = []
    monkeypatch.setattr(memory, "release", lambda: seen.append(1) or True)
    return seen


GLIBC = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_release_trims_the_heap_on_glibc():
    assert memory.release() is True


@pytest.mark.skipif(not GLIBC, reason="mallopt is glibc's")
@pytest.mark.parametrize(("env", "limited"), [({}, "True"), ({"MALLOC_ARENA_MAX": "4"}, "False")])
def test_the_server_limits_the_heap_arenas_unless_the_administrator_did(env, limited):
    """In a process of its own: the setting lasts for the life of the process."""
    base = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    code = "from dashboard import memory; print(memory.limit_arenas())"
    out = subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == limited


def test_a_new_version_of_a_file_releases_once(tmp_path, calls, today, monkeypatch):
    monkeypatch.setattr(loaders, "SETTLE_SECONDS", 0)
    data = tmp_path / "data"
    write_mini(data)
    cfg = config_from_mapping({"data_dir": str(data)})
    loaders.load_dataset(cfg, today)
    assert len(calls) == 1
    loaders.load_dataset(cfg, today)  # nothing changed: nothing read, nothing to give back
    assert len(calls) == 1
    path = data / "tipoffs.csv"
    stat = path.stat()
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    loaders.load_dataset(cfg, today)
    assert len(calls) == 2


def test_building_boundaries_releases(calls):
    from dashboard.config import load_config

    cfg = load_config()
    communes = loaders.load_dataset(cfg).frame("communes")
    before = len(calls)
    boundaries.load_boundaries(cfg, communes)
    boundaries.load_boundaries(cfg, communes)  # cached: built once
    assert len(calls) == before + 1
