"""The benchmark's helpers on small inputs: the scale generator and the table (no timing here)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

from bench import browser, scales, trace
from bench.__main__ import Row, print_table


def test_generated_boundaries_are_a_clean_coverage() -> None:
    scale = scales.Scale("tiny", 30, vertices=80)
    frame = scales.boundaries(scale)
    assert len(frame) == 30 and frame["commune_code"].is_unique
    assert frame.is_valid.all()
    # Shared edges: the communes tile their extent with no gap and no overlap.
    union = shapely.union_all(frame.geometry.to_numpy())
    assert abs(union.area - shapely.area(frame.geometry.to_numpy()).sum()) < 1e-6 * union.area
    assert shapely.coverage_is_valid(frame.geometry.to_numpy())
    vertices = shapely.get_num_coordinates(frame.geometry.to_numpy())
    assert 40 < vertices.mean() < 160


def test_generated_tables_refer_to_generated_communes() -> None:
    tables = scales.tables(300)  # a little more than two copies of the demo's 140 communes
    codes = set(tables["communes"]["commune_code"])
    assert len(codes) == 300
    assert tables["communes"]["district_code"].nunique() == 25  # 12 communes to a district
    assert set(tables["ratings"]["commune_code"]) <= codes
    assert set(tables["tipoffs"]["commune_code"]) <= codes
    assert tables["tipoffs"]["tipoff_id"].is_unique
    assert tables["models"]["model_id"].is_unique
    at_commune = tables["models"]["commune_code"].ne("")
    assert set(tables["models"].loc[at_commune, "commune_code"]) <= codes


def test_tipoff_rows_have_unique_ids() -> None:
    rows = scales.tipoff_rows(500)
    assert len(rows) == 500 and rows["tipoff_id"].is_unique


def test_table_prints_ratios(capsys) -> None:
    rows = [Row("map drawn, warm", "demo", 1.0, 4.0, "s", "≤ 0.8× naive", True), Row("rss", "demo", 300.0)]
    print_table(rows)
    out = capsys.readouterr().out
    assert "0.25×" in out and "yes" in out and "1.000 s" in out


@pytest.mark.skipif(not Path(browser.CHROMIUM).exists(), reason="Debian chromium not installed")
def test_the_benchmark_browser_reports_and_fails_every_non_local_request() -> None:
    """The browser blocks other hosts itself (no per-request hop through Playwright, HTTP cache on)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser.CHROMIUM, args=browser.ARGS)
        try:
            tab = browser.Tab(chromium.new_context())
            failed: list[str] = []
            tab.page.on("requestfailed", lambda r: failed.append(r.failure or ""))
            tab.page.set_content('<img src="https://unpkg.com/leaflet/dist/images/layers.png">')
            tab.page.wait_for_timeout(500)
        finally:
            chromium.close()
    assert tab.errors == ["blocked https://unpkg.com/leaflet/dist/images/layers.png"]
    assert failed and "NAME_NOT_RESOLVED" in failed[0]


def test_the_tipoff_bench_times_reading_not_importing(tmp_path) -> None:
    """The page's modules are imported before the clock starts, as the served dashboard imports them
    at start; only a library's own first-use imports may fall inside the timed part."""
    folder = scales.tipoff_data(2_000, "parquet", out=tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "bench.tipoff_times", str(folder)],
        capture_output=True, text=True, check=True, cwd=Path(__file__).parents[1], timeout=300,
    )  # fmt: skip
    result = json.loads(done.stdout)
    assert result["rows"] == 2_000 and result["problems"] == 0
    ours = [
        m for m in result["imported_while_timed"] if m.split(".")[0] in ("dashboard", "geopandas", "shapely")
    ]
    assert ours == []


def test_warm_visits_are_summed_up_by_their_median_and_a_timeout_is_never_fast() -> None:
    assert browser._median([1.4, 0.9, 1.0, 3.0, 1.1]) == 1.1
    assert math.isnan(browser._median([1.0, float("nan"), 0.9]))


def _task(start_ms: float, dur_ms: float, tid: int = 1) -> dict:
    return {
        "ph": "X",
        "name": "RunTask",
        "pid": 1,
        "tid": tid,
        "ts": 1e6 + start_ms * 1000,
        "dur": dur_ms * 1000,
    }


def test_a_traced_visit_is_cut_into_phases_with_the_main_thread_busy_time_of_each() -> None:
    base = 1e6
    events = [
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 1, "args": {"name": "CrRendererMain"}},
        {"ph": "M", "name": "thread_name", "pid": 1, "tid": 2, "args": {"name": "Compositor"}},
        {"ph": "R", "name": "navigationStart", "pid": 1, "tid": 1, "ts": base, "args": {}},
        {"ph": "I", "name": "WebSocketCreate", "pid": 1, "tid": 1, "ts": base + 400_000, "args": {}},
        {"ph": "I", "name": "ResourceSendRequest", "pid": 1, "tid": 1, "ts": base + 500_000,
         "args": {"data": {"url": "http://127.0.0.1/static/js/Selectbox.js"}}},
        {"ph": "I", "name": "ResourceSendRequest", "pid": 1, "tid": 1, "ts": base + 700_000,
         "args": {"data": {"url": "http://127.0.0.1/component/streamlit_folium.st_folium/index.html"}}},
        _task(0, 100), _task(50, 20),  # a nested task is not counted twice
        _task(350, 100),  # across the first cut: 50 ms in each phase
        _task(600, 50), _task(750, 30),
        _task(100, 500, tid=2),  # another thread: not the page's main thread
    ]  # fmt: skip
    found = trace.phases(events, drawn_ms=900)
    assert found == {
        "Streamlit starts": (400, 150),
        "page until the map's frame": (300, 100),
        "map frame until drawn": (200, 30),
    }
    assert trace.summary([found, found])["whole visit"] == (900, 280)
    with pytest.raises(ValueError, match="map frame"):
        trace.phases(events[:5], drawn_ms=900)
