"""The served map in headless Chromium, with every non-local request blocked: drawn, clickable, offline."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.browser import serve
from dashboard.config import PROJECT_ROOT

CHROMIUM = Path("/usr/bin/chromium")
BASE_PATH = "bcd"  # served under a base path on purpose: the Leaflet URL must not assume "/"
ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
N_COMMUNES = 6

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed at /usr/bin/chromium"),
]

APP = textwrap.dedent(
    f"""
    import sys
    from pathlib import Path

    sys.path.insert(0, {str(PROJECT_ROOT)!r})

    import geopandas as gpd
    import streamlit as st
    from shapely.geometry import box

    from dashboard import maps
    from dashboard.assets import ensure_leaflet
    from dashboard.config import Config
    from dashboard.ui.mapview import show_map

    st.set_page_config(layout="wide")
    # Streamlit serves the static/ folder next to the main script, so Leaflet goes there.
    prefix = ensure_leaflet(Path(__file__).parent / "static")
    n = {N_COMMUNES}
    frame = gpd.GeoDataFrame(
        {{
            "commune_code": [f"{{1001 + i:05d}}" for i in range(n)],
            "commune_name": ["Xã An Bình", "Phường Đông Hải", "Xã Tây Sơn", "Thị trấn Nam Sách",
                             "Xã Bắc Lý", "Xã Trung Hòa"],
            "district_name": ["Huyện Một"] * 3 + ["Huyện Hai"] * 3,
            "rating": ["Xuất sắc", "Khá", "Trung bình", "Yếu", None, "Khá"],
            "score": [95.5, 85.5, 60.0, 40.0, None, 71.0],
            "meets_standard": [True, True, False, False, None, True],
            "tipoffs_per_10k": [0.5, 1.2, 2.5, 4.0, 9.75, 3.0],
            "models": [0, 1, 2, 3, 5, 12],
        }},
        geometry=[box(105.8 + 0.05 * (i % 3), 20.4 + 0.05 * (i // 3), 105.85 + 0.05 * (i % 3),
                      20.45 + 0.05 * (i // 3)) for i in range(n)],
        crs="EPSG:4326",
    )
    districts = gpd.GeoDataFrame(
        {{"district_code": ["001", "002"], "district_name": ["Huyện Một", "Huyện Hai"]}},
        geometry=[box(105.8, 20.4, 105.95, 20.45), box(105.8, 20.45, 105.95, 20.5)],
        crs="EPSG:4326",
    )
    # Push the map partly below the fold, as on a real page: a click must still reach Python.
    st.markdown('<div style="height: 600px"></div>', unsafe_allow_html=True)
    # Built on the first run only: the click's rerun shows the cached map, which must still answer.
    colours = Config().rating_colours
    clicked = show_map(
        lambda: maps.build_map(frame, "rating", districts, colours=colours, leaflet_prefix=prefix),
        signature="six communes", key="map", height=640,
    )
    st.write(f"clicked: {{clicked.code if clicked else None}}")
    """
)


@pytest.fixture
def served_app(tmp_path: Path) -> Iterator[str]:
    """Start the tiny app with the project's .streamlit/config.toml; yield its URL; always stop it."""
    script = tmp_path / "map_app.py"
    script.write_text(APP, encoding="utf-8")
    with serve(script, PROJECT_ROOT, {"PYTHONPATH": str(PROJECT_ROOT)}, base_path=BASE_PATH) as running:
        yield running.url


def test_map_draws_offline_and_returns_the_clicked_commune(served_app: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    blocked: list[str] = []
    errors: list[str] = []
    leaflet_types: dict[str, str] = {}

    def route(r) -> None:
        if urlsplit(r.request.url).hostname in ("127.0.0.1", "localhost"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.route("**/*", route)
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "response",
                lambda resp: (
                    leaflet_types.__setitem__(resp.url.rsplit("/", 1)[-1], resp.headers["content-type"])
                    if "/vendor/leaflet/" in resp.url
                    else None
                ),
            )
            page.goto(served_app)
            iframe = page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=60_000)
            frame = iframe.content_frame()
            assert frame is not None
            frame.wait_for_selector("path.leaflet-interactive", timeout=30_000)
            page.wait_for_timeout(500)  # let the page settle (the iframe gets its final size) before clicking

            assert frame.locator("path.leaflet-interactive").count() == N_COMMUNES
            assert frame.locator(".leaflet-district_outlines-pane path").count() == 2
            assert "Xếp loại phong trào" in frame.locator(".bcd-legend").inner_text()

            # The top row (codes 01004–01006) is on screen, the bottom row below the fold. Leaflet's
            # keyboard handler used to focus the map on mousedown, which scrolled the page and sent
            # the mouseup to another commune: the click was lost.
            frame.locator("path.leaflet-interactive").nth(3).click()
            page.get_by_text("clicked: 01004").wait_for(timeout=15_000)

            iframe.scroll_into_view_if_needed()
            # Hover shows the Vietnamese tooltip with formatted numbers.
            frame.locator("path.leaflet-interactive").nth(1).hover()
            tooltip = frame.locator(".leaflet-tooltip").inner_text(timeout=5_000)
            assert "Phường Đông Hải" in tooltip and "85,5" in tooltip and "Đạt" in tooltip
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "map_browser.png"))
        finally:
            browser.close()

    assert blocked == []  # nothing tried to reach the internet
    assert errors == []
    # With "nosniff" a wrong type would block the file: Streamlit must name the real ones.
    assert leaflet_types["leaflet.js"].startswith("text/javascript")
    assert leaflet_types["leaflet.css"].startswith("text/css")
