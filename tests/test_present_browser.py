"""Presentation mode in headless Chromium at 1920×1080: every agenda page fits, type is large, keys walk.

Uses the served app of tests/test_browser.py (its fixtures), on its own copy of the demo data.
"""

from __future__ import annotations

import time

import pytest
from pptx import Presentation
from pypdf import PdfReader

from dashboard.config import Config
from dashboard.registry import PAGES, agenda
from tests.test_browser import CHROMIUM, Watched, _communes, browser, demo_copy, server  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """The demo copy with the default refresh, not test_browser's 5-second one (a fragment rerun
    every 5 s), which these tests are not about. Seen once in CI: a key press after which the page
    never changed; a refresh run at that moment is the suspect, not proven (not reproduced since)."""
    return demo_copy(tmp_path_factory.mktemp("present"))


AGENDA = agenda(Config().agenda)
TITLES = {
    "overview": "Tổng quan",
    "map": "Bản đồ xếp loại",
    "models": "Mô hình",
    "tipoffs": "Tin báo, tố giác",
}

# The tallest scrolling box: Streamlit scrolls its main section, not the document, so both count.
_SCROLL_HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
     .map(e => e.scrollHeight))"""
# Font sizes of the visible elements that hold text themselves (not only through children).
_FONT_SIZES = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.offsetParent !== null)
  .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .map(e => parseFloat(getComputedStyle(e).fontSize))"""


def _settle(w: Watched, spec_name: str, folder) -> None:
    if spec_name == "map":
        assert w.wait_for_paths(len(_communes(folder))) == len(_communes(folder))
    w.page.wait_for_load_state("networkidle")
    # Streamlit loads each kind of element's code on first use and shows a skeleton meanwhile.
    w.page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=30_000)
    w.page.wait_for_timeout(2000)  # charts draw after the network is idle


@pytest.mark.parametrize("spec", AGENDA, ids=[s.url_path for s in AGENDA])
def test_every_agenda_page_fits_the_projector_with_large_type(server, browser, workdir, spec):  # noqa: F811
    w = Watched(browser)
    path = "" if spec is PAGES[0] else spec.url_path  # the default page is served at /
    w.open(f"{server}/{path}?present=1")
    _settle(w, spec.name, workdir)
    w.shot(f"present-{spec.url_path}")
    assert w.page.locator('[data-testid="stSidebar"]').is_hidden()
    assert w.page.locator('[data-testid="stHeader"]').is_hidden()
    height = w.page.evaluate(_SCROLL_HEIGHT)
    assert height <= 1080, f"{spec.url_path}: scroll height {height} px"
    kpis = w.page.evaluate(_FONT_SIZES, '[data-testid="stMetricValue"], [data-testid="stMetricValue"] *')
    if spec.name != "map":  # the map page has no headline figures
        assert kpis and min(kpis) >= 32, kpis
    body = w.page.evaluate(
        _FONT_SIZES,
        '[data-testid="stMarkdownContainer"] p, .bcd-present-line, [data-testid="stMetricLabel"] p',
    )
    assert body and min(body) >= 20, body
    w.assert_clean()
    w.page.close()


def test_keys_walk_the_agenda_in_order_and_keep_the_filters(server, browser, workdir):  # noqa: F811
    district = sorted(_communes(workdir)["district_code"].unique())[0]
    w = Watched(browser)
    w.open(f"{server}/?present=1&district={district}&period=q:2026-2")
    h1 = w.page.get_by_role("heading", level=1).first

    def expect(title: str) -> None:
        w.page.get_by_role("heading", level=1, name=title).wait_for(timeout=30_000)
        w.page.wait_for_load_state("networkidle")

    expect(TITLES["overview"])
    received = w.page.locator('[data-testid="stMetric"]', has_text="Tin báo, tố giác tiếp nhận")
    before = received.locator('[data-testid="stMetricValue"]').inner_text()
    for key, name in (
        ("ArrowRight", "map"),
        ("Space", "models"),
        ("PageDown", "tipoffs"),
        ("ArrowRight", "overview"),
    ):
        w.page.keyboard.press(key)
        expect(TITLES[name])
        # The URL is written after the page has run, a moment after its title shows.
        w.page.wait_for_url(lambda url: "present=1" in url and f"district={district}" in url, timeout=30_000)
        assert "period=q%3A2026-2" in w.page.url or "period=q:2026-2" in w.page.url, w.page.url
    assert received.locator('[data-testid="stMetricValue"]').inner_text() == before
    w.page.keyboard.press("ArrowLeft")
    expect(TITLES["tipoffs"])
    w.page.keyboard.press("Escape")
    w.page.locator('[data-testid="stSidebar"]').wait_for(state="visible", timeout=30_000)
    w.page.wait_for_load_state("networkidle")
    assert "present=1" not in w.page.url
    assert h1.inner_text() == TITLES["tipoffs"]
    w.assert_clean()
    w.page.close()


def test_the_pack_downloads_from_the_sidebar(server, browser):  # noqa: F811
    w = Watched(browser)
    w.open(f"{server}/?district=081")
    w.page.wait_for_load_state("networkidle")
    button = w.page.get_by_role("button", name="Tải tài liệu họp (PDF)")
    started = time.perf_counter()
    with w.page.expect_download(timeout=60_000) as info:
        button.click()
    path = info.value.path()
    seconds = time.perf_counter() - started
    reader = PdfReader(str(path))
    assert len(reader.pages) == 1 + len(AGENDA)
    assert "Thành phố An Hòa" in reader.pages[0].extract_text()
    assert seconds < 30, seconds
    with w.page.expect_download(timeout=60_000) as info:
        w.page.get_by_role("button", name="Tải bản trình chiếu (PowerPoint)").click()
    assert len(Presentation(str(info.value.path())).slides) == 1 + len(AGENDA)
    w.shot("pack-sidebar")
    # The shared style sheet applies at a desk too: the sample banner keeps its yellow box.
    banner = w.page.locator(".bcd-banner").first
    assert banner.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 244, 214)"
    kpis = w.page.evaluate(_FONT_SIZES, '[data-testid="stMetricValue"] p')
    assert kpis and min(kpis) >= 32, kpis
    w.assert_clean()
    w.page.close()
