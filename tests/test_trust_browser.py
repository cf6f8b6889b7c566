"""Trust in a real browser: hostile names stay text, and a district user sees only their district.

The served app (fixtures of tests/test_browser.py) reads a copy of the demo data in which one
district's name and one commune's name carry HTML and script, and a users file with a district
user. Every request to another host than localhost is aborted, as in the other browser tests.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from dashboard import auth
from tests.test_browser import CHROMIUM, Watched, browser, demo_copy, server  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"
    ),
]
HOSTILE_DISTRICT = "081"
HOSTILE_COMMUNE = '<img src=x onerror="window.__pwned=1">Xã Độc'
HOSTILE_DISTRICT_NAME = "<script>window.__pwned=2</script>Thành phố An Hòa"
HOSTILE_MODEL = "<svg onload=window.__pwned=3>Mô hình độc"
MINE = "082"
PASSWORD = "mật khẩu thử 2026"
# Every frame: did any injected code run, did any injected element get built?
_PWNED = """() => window.__pwned !== undefined
  || document.querySelectorAll('img[src="x"], svg[onload]').length > 0
  || [...document.scripts].some(s => s.textContent.trim().startsWith('window.__pwned'))"""


def _rewrite(path: Path, change) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame)
    out = io.StringIO()
    frame.to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """The demo data with hostile names, and a users file (read by the server of test_browser)."""
    base = demo_copy(tmp_path_factory.mktemp("hostile"), 'users_file = "users.toml"\n')

    def communes(frame: pd.DataFrame) -> None:
        mine = frame["district_code"] == HOSTILE_DISTRICT
        frame.loc[mine, "district_name"] = HOSTILE_DISTRICT_NAME
        frame.loc[frame.index[mine][0], "commune_name"] = HOSTILE_COMMUNE

    def models(frame: pd.DataFrame) -> None:
        frame.loc[frame.index[0], "name"] = HOSTILE_MODEL

    _rewrite(base / "data" / "communes.csv", communes)
    _rewrite(base / "data" / "models.csv", models)
    digest = auth.hash_password(PASSWORD)
    (base / "users.toml").write_text(
        f'[users.vp]\nrole = "secretariat"\npassword_hash = "{digest}"\n\n'
        f'[users.yen_son]\nname = "Công an huyện Yên Sơn"\nrole = "district"\ndistricts = ["{MINE}"]\n'
        f'password_hash = "{digest}"\n',
        encoding="utf-8",
    )
    return base


def _log_in(w: Watched, server_url: str, user: str, path: str = "") -> None:
    w.page.goto(f"{server_url}/{path}")
    w.page.get_by_role("heading", name="Đăng nhập").wait_for(timeout=60_000)
    w.page.get_by_label("Tên đăng nhập").fill(user)
    w.page.get_by_label("Mật khẩu").fill(PASSWORD)
    w.page.get_by_role("button", name="Đăng nhập").click()
    try:
        w.page.get_by_text("Đăng xuất").wait_for(timeout=60_000)
    except Exception:
        w.shot(f"login-failed-{user}")
        raise
    w.page.wait_for_load_state("networkidle")


def _pwned(w: Watched) -> bool:
    return any(frame.evaluate(_PWNED) for frame in w.page.frames)


def _all_text(w: Watched) -> str:
    return "\n".join(
        frame.evaluate("() => document.body ? document.body.innerText : ''") for frame in w.page.frames
    )


def test_nothing_is_served_before_login(server, browser):  # noqa: F811
    w = Watched(browser)
    for path in ("", "ban-do", "tin-bao?district=081", "du-lieu"):
        w.page.goto(f"{server}/{path}")
        w.page.get_by_role("heading", name="Đăng nhập").wait_for(timeout=60_000)
        w.page.wait_for_timeout(1000)
        text = _all_text(w)
        assert "Huyện Yên Sơn" not in text and "Tin báo, tố giác tiếp nhận" not in text, path
        assert w.map_paths() == 0
    w.shot("login")
    assert w.outside == []
    w.page.close()


def test_hostile_names_stay_text_everywhere(server, browser, workdir):  # noqa: F811
    w = Watched(browser)
    _log_in(w, server, "vp", f"?district={HOSTILE_DISTRICT}")
    expected = int(
        (pd.read_csv(workdir / "data" / "communes.csv", dtype=str)["district_code"] == "081").sum()
    )
    for path in ("", "mo-hinh", "tin-bao", "du-lieu", f"ban-do?district={HOSTILE_DISTRICT}"):
        w.page.goto(f"{server}/{path}")
        w.page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
        w.page.wait_for_load_state("networkidle")
        w.page.wait_for_timeout(1500)
        assert not _pwned(w), path
    drawn = w.wait_for_paths(expected)
    w.shot("hostile-map")
    assert drawn == expected
    # Hover every commune until the tooltip shows the hostile name: it must read as the text itself.
    frame = next(f for f in w.page.frames if f.locator("path.leaflet-interactive").count())
    seen = ""
    for i in range(expected):
        frame.locator("path.leaflet-interactive").nth(i).hover(force=True)
        tip = frame.locator(".leaflet-tooltip")
        seen = tip.inner_text() if tip.count() else ""
        if "Xã Độc" in seen:
            break
    assert HOSTILE_COMMUNE in seen and "Thành phố An Hòa" in seen, seen
    assert "<script>window.__pwned=2</script>" in seen
    # The profile of that commune shows the name as written.
    frame.locator("path.leaflet-interactive").nth(i).click(force=True)
    w.page.get_by_text(HOSTILE_COMMUNE).first.wait_for(timeout=30_000)
    w.page.wait_for_timeout(1000)
    w.shot("hostile-map-profile")
    assert not _pwned(w)
    assert w.errors == [] and w.outside == []
    w.page.close()


def test_district_user_with_hand_edited_urls(server, browser, workdir):  # noqa: F811
    communes = pd.read_csv(workdir / "data" / "communes.csv", dtype=str)
    own = communes[communes["district_code"] == MINE]
    others = communes[communes["district_code"] != MINE]
    own_text = " ".join([*own["commune_name"], *own["district_name"]])
    foreign = sorted(
        n for n in {*others["district_name"], *others["commune_name"]} if n not in own_text and len(n) > 3
    )
    w = Watched(browser)
    _log_in(w, server, "yen_son")
    for path in ("", "ban-do?district=081,083", "mo-hinh?district=084", "tin-bao?district=081", "du-lieu"):
        w.page.goto(f"{server}/{path}")
        w.page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
        w.page.wait_for_load_state("networkidle")
        w.page.wait_for_timeout(1500)
        if path.startswith("ban-do"):
            assert w.wait_for_paths(len(own)) == len(own)
        text = _all_text(w)
        leaked = [n for n in foreign if n in text]
        assert not leaked, f"{path}: {leaked[:5]}"
        assert "Huyện Yên Sơn" in text
        assert w.page.get_by_role("link", name="Dữ liệu", exact=True).count() == 0
        w.shot(f"district-user-{path.split('?')[0] or 'tong-quan'}")
    assert w.outside == []
    w.page.close()
