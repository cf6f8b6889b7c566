"""``python -m dashboard serve`` reads ahead into the caches the pages use, and never fails a start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dashboard import boundaries, loaders, memory, warmup
from dashboard.config import load_config
from tests.conftest import demo_copy

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("fresh_caches")


@pytest.fixture
def province(tmp_path, monkeypatch) -> Path:
    demo_copy(tmp_path)
    monkeypatch.setenv("DASHBOARD_CONFIG", str(tmp_path / "settings.toml"))
    return tmp_path


def test_warm_fills_the_caches_the_pages_read(province, monkeypatch):
    spent = warmup.warm()
    assert set(spent) == {"imports", "data", "boundaries", "map templates"}

    def no_reading(path):  # the first page view must not read a file again
        raise AssertionError(f"read again: {path}")

    monkeypatch.setattr(loaders, "_read_bytes", no_reading)
    cfg = load_config()
    data = loaders.load_dataset(cfg)
    assert not data.problems and len(data.frame("communes")) == 140
    assert not boundaries.load_boundaries(cfg, data.frame("communes")).communes.empty


def test_a_bad_file_or_settings_file_does_not_stop_the_start(province, monkeypatch):
    (province / "data" / "communes.csv").write_bytes(b"\xff\xfe not a table")
    assert "data" in warmup.warm()  # read, refused (the page shows why), and the server starts
    (province / "settings.toml").write_text("data_dir = [", encoding="utf-8")
    assert set(warmup.warm()) == {"imports"}


def test_warm_leaves_the_map_component_to_the_first_run(province):
    """streamlit-folium declared outside a script run is never registered: its map would not load."""
    code = "from dashboard import warmup; import sys; warmup.warm(); print('streamlit_folium' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_warm_does_what_the_first_page_view_would_do_once(province):
    """Modules Streamlit imports on the first page icon, Babel's data of both languages, and
    inspect's table of module files (streamlit-folium's component declaration reads it)."""
    code = (
        "import inspect, sys; from dashboard import warmup; warmup.warm(); "
        "from babel import localedata; "
        "print(all(m in sys.modules for m in ('streamlit.emojis', 'PIL.Image')), "
        "all(loc in localedata._cache for loc in ('vi_VN', 'en_GB')), "
        "inspect.modulesbyfile.get(inspect.getabsfile(warmup)) == 'dashboard.warmup')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True", "True"]


def test_serve_passes_the_options_to_streamlit_run(monkeypatch):
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)
    frozen = []  # the test process itself is not frozen
    monkeypatch.setattr(warmup.gc, "freeze", lambda: frozen.append(True))

    seen = {}
    order = []  # the arenas are limited in a subprocess test (test_memory), never in this process
    monkeypatch.setattr(memory, "limit_arenas", lambda: order.append("arenas") or True)
    monkeypatch.setattr(warmup, "warm", lambda: order.append("warm") or {})
    monkeypatch.setattr(cli, "main", lambda args, prog_name: seen.setdefault("args", args) and 0)
    from dashboard import __main__ as command

    command.main(["serve", "--server.port", "8600"])
    assert seen["args"] == ["run", str(ROOT / "app.py"), "--server.port", "8600"]
    assert PagesManager.uses_pages_directory is False  # new-style navigation from the first run
    assert frozen  # what the warm-up loaded is out of the garbage collector's full passes
    assert order == ["arenas", "warm"]  # before the warm-up's threads
