"""Login and district scope through the real pages (AppTest), on the demo data.

A district user is given every page, a hand-edited URL naming another district, the map's payload,
the profile picker and the meeting pack; none may carry a name or a figure from another district.
Expected figures are counted here with plain pandas from the CSV files.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from dashboard import auth, pack
from dashboard.config import ENV_VAR
from dashboard.registry import PAGES
from dashboard.ui import login

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
APP = str(ROOT / "app.py")
MINE = "082"  # Huyện Yên Sơn in the demo province
PASSWORD = "mật khẩu thử 2026"


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    return {name: _csv(name) for name in ("communes", "ratings", "models", "tipoffs")}


@pytest.fixture(scope="module")
def secrets(tmp_path_factory) -> Path:
    """A settings file naming a users file with one user per role."""
    folder = tmp_path_factory.mktemp("secure")
    digest = auth.hash_password(PASSWORD)
    (folder / "users.toml").write_text(
        f"""
[users.vp]
name = "Văn phòng thường trực"
role = "secretariat"
password_hash = "{digest}"

[users.tinh]
name = "Lãnh đạo tỉnh"
role = "province"
password_hash = "{digest}"

[users.yen_son]
name = "Công an huyện Yên Sơn"
role = "district"
districts = ["{MINE}"]
password_hash = "{digest}"
""",
        encoding="utf-8",
    )
    settings = folder / "tinh.toml"
    settings.write_text(f'users_file = "users.toml"\ndata_dir = "{DATA}"\n', encoding="utf-8")
    return settings


@pytest.fixture
def secured(secrets, monkeypatch) -> Path:
    monkeypatch.setenv(ENV_VAR, str(secrets))
    return secrets


def _app(user: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    if user:
        at.session_state[login.K_USER] = user
        at.session_state[login.K_SEEN] = time.time()
    return at.run()


def _texts(at: AppTest) -> str:
    """Every text the page sends to the browser: element protos (UTF-8) and dataframe cells."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    text = "\n".join(parts)
    return text + "\n" + text.encode().decode("unicode_escape", errors="ignore")


def _foreign_names(raw) -> list[str]:
    """Names of other districts and their communes that no text of the user's own area contains."""
    communes = raw["communes"]
    own = communes[communes["district_code"] == MINE]
    other = communes[communes["district_code"] != MINE]
    own_text = " ".join(
        [*own["commune_name"], *own["district_name"], *raw["models"]["name"], "Tỉnh An Hòa", "An Hòa"]
    )
    names = set(other["district_name"]) | set(other["commune_name"])
    return sorted(n for n in names if n not in own_text and len(n) > 3)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_login_form_guards_every_page(secured, raw):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Đăng nhập"]
    assert not at.metric and not at.dataframe
    text = _texts(at)
    assert "Huyện Yên Sơn" not in text and "Tin báo, tố giác tiếp nhận" not in text
    for spec in PAGES:  # no page is registered, so none can be opened by name or address
        with pytest.raises(ValueError, match="Known pages: \\['Đăng nhập'\\]"):
            at.switch_page(spec.file)


def test_login_with_the_form_then_logout(secured):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.text_input[0].set_value("yen_son")
    at.text_input[1].set_value("sai mật khẩu")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Sai tên đăng nhập hoặc mật khẩu."]
    assert not at.metric
    at.text_input[0].set_value("yen_son")
    at.text_input[1].set_value(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.metric, "the overview's figures are shown after logging in"
    assert "Công an huyện Yên Sơn" in " ".join(m.value for m in at.sidebar.markdown)
    at.sidebar.button(key="logout").click().run()
    assert [t.value for t in at.title] == ["Đăng nhập"] and not at.metric


def test_idle_session_expires(secured):
    at = _app("yen_son")
    assert at.metric
    at.session_state[login.K_SEEN] = time.time() - 31 * 60
    at.run()
    assert [t.value for t in at.title] == ["Đăng nhập"] and not at.metric
    assert any("hết hạn" in i.value for i in at.info)


@pytest.mark.parametrize("params", [{}, {"district": "081"}, {"district": "081,083,082"}])
@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_district_user_never_sees_another_district(secured, raw, spec, params):
    at = _app("yen_son", **params)
    if spec.secretariat_only:  # not in a district user's menu, so it cannot be opened at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(spec.file)
        return
    at.switch_page(spec.file).run()
    assert not at.exception, [e.value for e in at.exception]
    text = _texts(at)
    leaked = [name for name in _foreign_names(raw) if name in text]
    assert not leaked, f"{spec.file} with {params} shows {leaked[:5]}"
    assert "Huyện Yên Sơn" in text


def test_district_user_figures_are_their_district_s(secured, raw):
    communes = raw["communes"]
    codes = set(communes.loc[communes["district_code"] == MINE, "commune_code"])
    at = _app("yen_son", district="081")
    shown = _metrics(at)
    tips = raw["tipoffs"]
    year = max(pd.to_datetime(tips["received_date"]).dt.year)
    mine = tips[(pd.to_datetime(tips["received_date"]).dt.year == year) & tips["commune_code"].isin(codes)]
    count = len(mine) if "count" not in mine else pd.to_numeric(mine["count"]).sum()
    assert shown["Tin báo, tố giác tiếp nhận"] == f"{count:,}".replace(",", ".")
    models = raw["models"]
    own_models = models["commune_code"].isin(codes) | (
        (models["commune_code"] == "") & (models["district_code"] == MINE)
    )
    assert shown["Tổng số mô hình"] == str(int(own_models.sum()))
    # The filter offers only the user's district.
    assert at.sidebar.multiselect[0].options == ["Huyện Yên Sơn"]


def test_province_user_sees_everything_but_file_details(secured, raw):
    at = _app("tinh")
    assert _metrics(at)["Tổng số mô hình"] == str(len(raw["models"]))
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/du-lieu.py")
    at.switch_page("pages/ban-do.py").run()
    seen = [name for name in _foreign_names(raw) if name in _texts(at)]
    assert len(seen) > 20, "the leak detector does find other districts' names when they are shown"
    vp = _app("vp")
    vp.switch_page("pages/du-lieu.py").run()
    assert not vp.exception and vp.dataframe, "the secretariat reads the file details"


def test_district_user_meeting_pack_holds_only_their_district(secured, raw):
    from dashboard.ui import shell

    at = _app("yen_son", district="081")
    ctx = at.session_state["_page_context"]
    bounds = shell.boundaries_for(ctx)
    assert set(bounds.communes["commune_code"]) == set(ctx.data.frame("communes")["commune_code"])
    assert list(bounds.districts["district_code"]) == [MINE]
    inp = pack.PackInput(
        ctx.scope, ctx.province, ctx.area_name, ctx.data.as_of, ctx.data.is_sample, bounds.communes,
        bounds.districts,
    )  # fmt: skip
    with zipfile.ZipFile(io.BytesIO(pack.build_excel(inp, "vi"))) as book:
        cells = " ".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    leaked = [name for name in _foreign_names(raw) if name in cells]
    assert not leaked, leaked[:5]
    own = ctx.data.frame("communes")["commune_name"]
    assert any(name in cells for name in own), "the workbook does hold the district's own rows"
