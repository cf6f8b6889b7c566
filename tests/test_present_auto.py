"""Auto-advance: with ``auto_advance_seconds`` set, presentation mode walks the agenda by itself."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.test_browser import CHROMIUM, Watched, browser, demo_copy, server  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]
SECONDS = 4


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """The demo data with auto-advance on (the served app of tests/test_browser.py reads it)."""
    settings = f'auto_advance_seconds = {SECONDS}\nagenda = ["overview", "models"]\n'
    return demo_copy(tmp_path_factory.mktemp("auto"), settings)


def test_the_agenda_advances_by_itself_and_wraps_around(server, browser):  # noqa: F811
    w = Watched(browser)
    w.open(f"{server}/?present=1")
    w.page.get_by_role("heading", level=1, name="Tổng quan").wait_for(timeout=30_000)
    started = time.perf_counter()
    w.page.get_by_role("heading", level=1, name="Mô hình").wait_for(timeout=(SECONDS + 20) * 1000)
    assert time.perf_counter() - started >= SECONDS - 1  # not before its time
    w.page.get_by_role("heading", level=1, name="Tổng quan").wait_for(timeout=(SECONDS + 20) * 1000)
    w.page.wait_for_url(lambda url: "present=1" in url, timeout=30_000)  # written after the page runs
    w.assert_clean()
    w.page.close()
