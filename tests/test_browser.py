"""The served app in headless Chromium, with every request to another host than localhost aborted.

The server reads a copy of the demo data (through DASHBOARD_CONFIG), so the test can break and
restore a file while the app is running without touching data/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

from bench.browser import serve
from dashboard.registry import PAGES
from tests.conftest import demo_copy

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"
REFRESH_SECONDS = 5
ERROR_TEXT = "This app has encountered an error"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A copy of the demo data and a settings file pointing at it."""
    return demo_copy(tmp_path_factory.mktemp("province"), f"refresh_seconds = {REFRESH_SECONDS}\n")


@pytest.fixture(scope="module")
def server(workdir) -> Iterator[str]:
    """The dashboard on a free port, reading the copy through DASHBOARD_CONFIG (bench.browser.serve)."""
    with serve(ROOT / "app.py", ROOT, {"DASHBOARD_CONFIG": str(workdir / "settings.toml")}) as running:
        yield running.url.rstrip("/")


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


class Watched:
    """A page whose outside requests are aborted and whose console errors are kept."""

    def __init__(self, browser) -> None:
        self.page = browser.new_page(viewport={"width": 1920, "height": 1080})
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", self._console)
        self.page.route("**/*", self._route)

    def _route(self, route) -> None:
        if urlparse(route.request.url).hostname in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def _console(self, msg) -> None:
        # A sub-page opened directly makes Streamlit probe its base path (/page/_stcore/…): a 404 by design.
        if msg.type == "error" and "/_stcore/" not in (msg.location or {}).get("url", ""):
            self.errors.append(msg.text)

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
        self.page.wait_for_load_state("networkidle")

    def map_paths(self) -> int:
        counts = [f.locator("path.leaflet-interactive").count() for f in self.page.frames]
        return max(counts, default=0)

    def wait_for_paths(self, expected: int, timeout: float = 30) -> int:
        deadline = time.time() + timeout
        while time.time() < deadline:
            n = self.map_paths()
            if n == expected:
                return n
            time.sleep(0.5)
        return self.map_paths()

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))

    def assert_clean(self) -> None:
        assert self.page.get_by_text(ERROR_TEXT).count() == 0
        assert self.page.locator('[data-testid="stException"]').count() == 0
        assert self.errors == []
        assert self.outside == []


def _communes(workdir: Path, district: str | None = None) -> pd.DataFrame:
    frame = pd.read_csv(workdir / "data" / "communes.csv", dtype=str)
    return frame if district is None else frame[frame["district_code"] == district]


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_offline_without_errors(server, browser, workdir, spec):
    w = Watched(browser)
    w.open(f"{server}/{'' if spec is PAGES[0] else spec.url_path}")  # the default page is served at /
    if spec.url_path == "ban-do":
        assert w.wait_for_paths(len(_communes(workdir))) == len(_communes(workdir))
    w.page.wait_for_timeout(1500)
    w.shot(f"page-{spec.url_path}")
    w.assert_clean()
    w.page.close()


def test_the_default_page_opens_at_its_own_address(server, browser, workdir):
    """A typed or bookmarked /tong-quan opens the overview, as / does, with its filters.

    Streamlit serves the default page only at / and used to answer its own address with a
    "Page not found" notice (dashboard.ui.shell.default_page_by_address).
    """
    district = sorted(_communes(workdir)["district_code"].unique())[1]
    name = _communes(workdir, district)["district_name"].iloc[0]
    w = Watched(browser)
    w.open(f"{server}/")  # not the server's first visit, which is resolved the old way (first_visit)
    w.open(f"{server}/{PAGES[0].url_path}?district={district}")
    assert w.page.get_by_role("heading", level=1).first.inner_text() == "Tổng quan"
    w.page.get_by_text(name).first.wait_for(timeout=30_000)  # the linked district is selected
    w.page.wait_for_timeout(1000)  # the notice, if any, comes with the page
    assert not w.page.get_by_text("Page not found").count()
    assert f"district={district}" in w.page.url
    w.assert_clean()
    w.page.close()


def test_card_labels_are_shown_whole(server, browser):
    """On a 1920-pixel screen the overview's six cards in a row are narrow: a long label such as
    "Tin báo, tố giác tiếp nhận" wraps to a second line instead of ending in an ellipsis."""
    w = Watched(browser)
    w.open(f"{server}/")
    w.page.get_by_text("Tỷ lệ đã xử lý").first.wait_for(timeout=30_000)
    labels = '[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"]'
    measure = "els => els.map(e => [e.innerText, e.scrollWidth - e.clientWidth])"
    shown = w.page.eval_on_selector_all(labels, measure)
    assert len(shown) >= 15 and any(text.startswith("Tin báo, tố giác") for text, _ in shown)
    assert [text for text, hidden in shown if hidden > 1] == []
    w.page.close()


def test_map_draws_the_selected_district_and_opens_a_profile_on_click(server, browser, workdir):
    district = sorted(_communes(workdir)["district_code"].unique())[2]
    expected = len(_communes(workdir, district))
    w = Watched(browser)
    w.open(f"{server}/ban-do?district={district}")
    assert w.wait_for_paths(expected) == expected
    frame = next(f for f in w.page.frames if f.locator("path.leaflet-interactive").count())
    frame.locator("path.leaflet-interactive").nth(0).click(force=True)
    w.page.get_by_text("Điểm và xếp loại qua các năm").wait_for(timeout=30_000)
    w.page.wait_for_load_state("networkidle")
    w.page.wait_for_timeout(1500)  # let the profile's charts draw before the picture
    w.shot("map-profile")
    heading = w.page.locator('[data-testid="stMain"]').get_by_role("heading", level=3).first  # the profile's
    clicked = heading.inner_text()

    # Another commune from the list, then the same commune on the map again: its profile returns.
    other = _communes(workdir, district).sort_values("commune_name")
    other = other[~other.apply(lambda r: clicked.endswith(r["commune_name"]), axis=1)].iloc[0]
    w.page.get_by_role("button", name="Chọn xã…").click()
    w.page.get_by_role("combobox", name="Hồ sơ xã").click()  # the popover's select box, once it is open
    w.page.get_by_role("option", name=other["commune_name"], exact=True).click()
    w.page.keyboard.press("Escape")
    heading.filter(has_text=other["commune_name"]).wait_for(timeout=30_000)
    frame.locator("path.leaflet-interactive").nth(0).click(force=True)
    heading.filter(has_text=clicked).wait_for(timeout=30_000)
    w.assert_clean()
    w.page.close()


def test_district_survives_page_change_and_reload(server, browser, workdir):
    district = sorted(_communes(workdir)["district_code"].unique())[0]
    name = _communes(workdir, district)["district_name"].iloc[0]
    w = Watched(browser)
    w.open(f"{server}/?district={district}")
    w.page.get_by_role("link", name="Tin báo, tố giác").first.click()
    w.page.wait_for_url("**/tin-bao?*")
    assert f"district={district}" in w.page.url
    w.page.reload()
    w.page.get_by_role("heading", level=1).first.wait_for()
    w.page.get_by_text(name).first.wait_for(timeout=30_000)  # the district is still selected
    w.assert_clean()
    w.page.close()


def _received(w: Watched) -> str:
    card = w.page.locator('[data-testid="stMetric"]', has_text="Tin báo, tố giác tiếp nhận")
    return card.locator('[data-testid="stMetricValue"]').inner_text()


def test_a_broken_file_keeps_the_last_good_figures_until_a_good_one_arrives(server, browser, workdir):
    tipoffs = workdir / "data" / "tipoffs.csv"
    good = tipoffs.read_bytes()
    w = Watched(browser)
    w.open(f"{server}/")
    before = _received(w)
    try:
        # Broken: a row whose status is not in the list. The screen keeps its figures and says so.
        lines = good.decode("utf-8").splitlines()
        lines[5] = lines[5].replace("Đã giải quyết", "Xong").replace("Đang xử lý", "Xong")
        tipoffs.write_text("\n".join(lines) + "\n", encoding="utf-8")
        w.page.get_by_text("1 tệp có lỗi").wait_for(timeout=(REFRESH_SECONDS + 20) * 1000)
        assert _received(w) == before
        w.shot("broken-file-overview")
        w.page.get_by_role("link", name="Dữ liệu").first.click()
        w.page.get_by_text("tipoffs.csv, dòng 6").first.wait_for(timeout=30_000)
        w.shot("broken-file-data-page")
        # Restored with one more tip-off in the current year: the new figure appears without a reload.
        extra = lines[-1].split(",")
        extra[0] = "TB-TEST-99999"
        tipoffs.write_bytes(good + (",".join(extra) + "\n").encode("utf-8"))
        w.page.get_by_role("link", name="Tổng quan").first.click()
        w.page.get_by_text("1 tệp có lỗi").wait_for(state="detached", timeout=(REFRESH_SECONDS + 20) * 1000)
        assert _received(w) != before
    finally:
        tipoffs.write_bytes(good)
    assert w.errors == [] and w.outside == []
    w.page.close()
