"""The very first visit after the server starts opens the page and the filters its link names.

Streamlit runs an app with a ``pages/`` folder the old way until the first st.navigation call;
dashboard.ui.shell.leave_folder_mode repeats that first run on the resolved page. A deep link
to the map with a district must therefore draw that district at once, with no "page not found"
notice, whether the server was started with ``streamlit run app.py`` or, as the README does, with
``python -m dashboard serve`` (which imports and reads the files before it answers, and must not
break the map component).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.browser import serve
from tests.test_browser import CHROMIUM, ROOT, Watched, _communes, browser, demo_copy  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return demo_copy(tmp_path_factory.mktemp("first-visit"))


@pytest.fixture(params=["streamlit run", "python -m dashboard serve"])
def server(request, workdir) -> Iterator[str]:
    """The URL of a server started for this test alone, so the visit below is its first."""
    env = {"DASHBOARD_CONFIG": str(workdir / "settings.toml")}
    with serve(ROOT / "app.py", ROOT, env, warm=request.param != "streamlit run") as s:
        yield s.url.rstrip("/")


def test_first_visit_after_start_opens_the_linked_map(server, browser, workdir):  # noqa: F811
    district = sorted(_communes(workdir)["district_code"].unique())[3]
    expected = len(_communes(workdir, district))
    w = Watched(browser)
    w.open(f"{server}/ban-do?district={district}")  # nothing has been served before this request
    assert w.wait_for_paths(expected) == expected
    assert "/ban-do" in w.page.url and f"district={district}" in w.page.url
    assert w.page.get_by_role("heading", level=1).first.inner_text() == "Bản đồ xếp loại"
    w.page.wait_for_timeout(1000)
    w.shot("first-visit-map")
    # No "Page not found" either way: under `streamlit run`, that first old-style run looks the
    # address up among the pages/ file names, which are named after the addresses for this.
    assert not w.page.get_by_text("Page not found").count()
    w.assert_clean()
    w.page.close()
