"""Every page through Streamlit's AppTest, on the bundled demo data.

Figures on screen are checked against an independent count made here with plain pandas
from the CSV files, not through dashboard.metrics.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.registry import PAGES

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
APP = str(ROOT / "app.py")
HANDLED = {"Đã giải quyết", "Đã chuyển"}


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def raw() -> dict[str, pd.DataFrame]:
    return {name: _csv(name) for name in ("communes", "ratings", "models", "tipoffs")}


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _vi(n: int) -> str:
    """Independent Vietnamese thousands formatting for the expected values."""
    return f"{n:,}".replace(",", ".")


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _latest_year(raw) -> int:
    return max(int(y) for y in raw["ratings"]["year"])


def _tipoff_year(raw) -> int:
    return max(pd.to_datetime(raw["tipoffs"]["received_date"]).dt.year)


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_renders_without_exception(spec):
    at = _app()
    at.switch_page(spec.file).run()
    assert not at.exception, [e.value for e in at.exception]
    titles = [t.value for t in at.title]
    assert titles, "each page has a title"
    assert any("DỮ LIỆU MẪU" in h.value for h in at.get("html")) or any(
        "DỮ LIỆU MẪU" in m.value for m in at.markdown
    ), "the sample-data banner is shown"


def test_the_pages_folder_holds_the_registered_pages_named_after_their_addresses():
    # Streamlit's old folder mode (the first run after `streamlit run`) looks an address up among
    # these file names: a page file named otherwise shows that visitor "Page not found", and a
    # stray file would be a page of its own.
    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == sorted(f"{s.url_path}.py" for s in PAGES)
    assert all(spec.file == f"pages/{spec.url_path}.py" for spec in PAGES)


@pytest.mark.folder_mode
def test_a_page_run_by_itself_is_run_again_through_the_app():
    # Streamlit's old folder mode (a server's first run after `streamlit run`; here every AppTest
    # run) runs a page file found by its address by itself; the page must come out whole
    # (sidebar, filters, URL), not half-drawn from the previous run's context.
    at = _app(district="081")
    at.switch_page("pages/tin-bao.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Tin báo, tố giác"
    assert at.sidebar.multiselect[0].value == ["081"]
    assert at.query_params["district"] in ("081", ["081"])
    at.sidebar.multiselect[0].set_value([]).run()
    assert not at.exception
    assert "district" not in at.query_params


def test_a_page_file_started_as_the_app_stops_instead_of_looping():
    # `streamlit run pages/ban-do.py`: there is no app to repeat the run through.
    at = AppTest.from_file(str(ROOT / "pages" / "ban-do.py"), default_timeout=30).run()
    assert not at.exception and not at.title and not at.get("iframe")


def test_overview_figures_match_the_csv_files(raw):
    at = _app()
    shown = _metrics(at)
    year = _latest_year(raw)
    r = raw["ratings"][raw["ratings"]["year"] == str(year)]
    for level in ("Xuất sắc", "Khá", "Trung bình", "Yếu"):
        assert shown[level] == _vi(int((r["rating"] == level).sum())), level
    met, total = r["residential_met"].astype(int).sum(), r["residential_total"].astype(int).sum()
    residential = [v for k, v in shown.items() if k.startswith("Khu dân cư")]
    communes_met = int(r["meets_standard"].eq("Có").sum())
    assert [v for k, v in shown.items() if k.startswith("Cấp xã")] == [f"{communes_met}/{len(r)}"]
    assert residential == [f"{_vi(met)}/{_vi(total)}"]
    assert shown["Tổng số mô hình"] == _vi(len(raw["models"]))
    tips = raw["tipoffs"]
    in_year = tips[pd.to_datetime(tips["received_date"]).dt.year == _tipoff_year(raw)]
    assert shown["Tin báo, tố giác tiếp nhận"] == _vi(len(in_year))


def test_district_filter_changes_every_figure_and_the_url(raw):
    communes = raw["communes"]
    district = sorted(communes["district_code"].unique())[0]
    codes = set(communes.loc[communes["district_code"] == district, "commune_code"])
    at = _app()
    whole = _metrics(at)
    at.sidebar.multiselect[0].set_value([district]).run()
    assert not at.exception
    part = _metrics(at)
    assert part != whole
    assert at.query_params["district"] in (district, [district])
    tips = raw["tipoffs"]
    in_year = tips[
        (pd.to_datetime(tips["received_date"]).dt.year == _tipoff_year(raw))
        & tips["commune_code"].isin(codes)
    ]
    assert part["Tin báo, tố giác tiếp nhận"] == _vi(len(in_year))
    # The selection survives a change of page.
    at.switch_page("pages/tin-bao.py").run()
    assert at.sidebar.multiselect[0].value == [district]
    assert _metrics(at)["Tin báo, tố giác tiếp nhận"] == _vi(len(in_year))
    handled = int(in_year["status"].isin(HANDLED).sum())
    assert _metrics(at)["Đã xử lý"] == _vi(handled)


def test_url_reopens_the_same_view(raw):
    communes = raw["communes"]
    district = sorted(communes["district_code"].unique())[-1]
    year = _latest_year(raw) - 1
    at = _app(district=district, year=str(year), period="q:2026-1", compare="prev")
    assert not at.exception
    assert at.sidebar.multiselect[0].value == [district]
    assert at.sidebar.selectbox(key="f_year").value == year
    assert at.sidebar.selectbox(key="f_period").value == "q:2026-1"
    assert at.sidebar.radio(key="f_compare").value == "prev"
    codes = set(communes.loc[communes["district_code"] == district, "commune_code"])
    r = raw["ratings"]
    r = r[(r["year"] == str(year)) & r["commune_code"].isin(codes)]
    assert _metrics(at)["Khá"] == _vi(int((r["rating"] == "Khá").sum()))


def test_garbage_in_the_url_falls_back_to_defaults():
    at = _app(district="<script>", year="1900", period="q:2026-9", compare="x")
    assert not at.exception
    assert at.sidebar.multiselect[0].value == []


def test_a_district_with_no_tipoffs_in_the_period_shows_no_data(raw):
    # A month before the first tip-off of the demo: every figure is zero, nothing raises.
    first = pd.to_datetime(raw["tipoffs"]["received_date"]).min()
    at = _app(period=f"m:{first.year}-{first.month:02d}")
    for spec in PAGES:
        at.switch_page(spec.file).run()
        assert not at.exception, spec.file


def test_english_is_the_second_language():
    at = _app(lang="en")
    assert not at.exception
    assert any("SAMPLE DATA" in h.value for h in at.get("html"))
    assert "Models in total" in _metrics(at)
    # Opened on the models page itself: AppTest formats a select box's value outside the session
    # (in Vietnamese) when it sends the widgets back, so an English session cannot switch pages here.
    models = AppTest.from_file(APP, default_timeout=120)
    models.query_params["lang"] = "en"
    models.switch_page("pages/mo-hinh.py").run()
    # Level names are the data's words: kept as written in English, lower case only inside "Cấp xã".
    assert {"Tỉnh level", "Huyện level", "Xã level"} <= set(_metrics(models))


def test_year_to_date_is_compared_with_the_same_months_last_year(raw):
    tips = raw["tipoffs"]
    dates = pd.to_datetime(tips["received_date"])
    last = dates.max()
    same_months_last_year = ((dates.dt.year == last.year - 1) & (dates.dt.month <= last.month)).sum()
    now = (dates.dt.year == last.year).sum()
    at = _app()
    at.switch_page("pages/tin-bao.py").run()
    card = next(m for m in at.metric if m.label == "Tin báo, tố giác tiếp nhận")
    delta = now - same_months_last_year
    assert card.delta.startswith(("+" if delta >= 0 else "-") + _vi(abs(int(delta))))


def test_models_page_counts_match_the_csv_files(raw):
    communes = raw["communes"]
    district = sorted(communes["district_code"].unique())[1]
    codes = set(communes.loc[communes["district_code"] == district, "commune_code"])
    models = raw["models"]
    # Province-level models belong to the whole province; a district sees its own and its communes'.
    expected = models[models["commune_code"].isin(codes) | (models["district_code"] == district)]
    at = _app(district=district)
    at.switch_page("pages/mo-hinh.py").run()
    assert not at.exception
    shown = _metrics(at)
    assert shown["Tổng số"] == _vi(len(expected))
    assert shown["Cấp xã"] == _vi(int((expected["level"] == "Xã").sum()))


def test_the_model_search_finds_words_typed_without_accents(raw):
    at = _app()
    at.switch_page("pages/mo-hinh.py").run()
    at.text_input(key="models_search").input("doan thanh nien").run()
    found = at.dataframe[0].value
    expected = raw["models"][raw["models"]["lead_org"] == "Đoàn Thanh niên"]
    assert len(found) == len(expected) > 0
    at.text_input(key="models_search").input("Đoàn Thanh Niên").run()  # with accents: as typed, any case
    assert len(at.dataframe[0].value) == len(expected)
    at.text_input(key="models_search").input("Đoán").run()  # another tone is another word
    assert not at.dataframe or len(at.dataframe[0].value) == 0


def test_the_model_table_writes_counts_the_vietnamese_way(raw):
    at = _app()
    at.switch_page("pages/mo-hinh.py").run()
    table = at.dataframe[0].value
    members = raw["models"]["members"].astype(int)
    assert sorted(table["Thành viên"].str.strip()) == sorted(_vi(v) for v in members)
    assert any("." in v for v in table["Thành viên"])  # the demo has models of over 1.000 members


@pytest.fixture
def no_district_config(tmp_path, monkeypatch):
    """The demo province as a post-2025 province: communes with no district columns."""
    import shutil

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "geo", tmp_path / "geo")
    communes = _csv("communes").drop(columns=["district_code", "district_name"])
    communes.to_csv(tmp_path / "data" / "communes.csv", index=False)
    models = _csv("models").drop(columns=["district_code"])
    models.to_csv(tmp_path / "data" / "models.csv", index=False)
    settings = tmp_path / "settings.toml"
    settings.write_text('data_dir = "data"\nboundaries_file = "geo/communes.geojson"\n', encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_CONFIG", str(settings))
    return tmp_path


def test_a_province_without_districts_filters_by_commune(no_district_config, raw):
    at = _app()
    assert not at.exception
    area = at.sidebar.multiselect[0]
    assert area.label == "Xã, phường"
    assert len(area.options) == len(raw["communes"])
    code = sorted(raw["communes"]["commune_code"])[0]
    at.sidebar.multiselect[0].set_value([code]).run()
    tips = raw["tipoffs"]
    year = _tipoff_year(raw)
    expected = tips[(pd.to_datetime(tips["received_date"]).dt.year == year) & (tips["commune_code"] == code)]
    assert _metrics(at)["Tin báo, tố giác tiếp nhận"] == _vi(len(expected))
    for spec in PAGES:
        at.switch_page(spec.file).run()
        assert not at.exception, spec.file


def test_the_oldest_year_has_no_drops_and_no_error(raw):
    oldest = min(int(y) for y in raw["ratings"]["year"])
    at = _app(year=str(oldest))
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="f_year").value == oldest


def test_the_tab_icon_is_an_svg_streamlit_passes_on_as_it_is():
    """No image to encode and store on every rerun, no request for it: a data URL of our own SVG."""
    import base64
    import xml.etree.ElementTree as ET

    from streamlit.commands.page_config import _get_favicon_string

    from dashboard.ui import icon

    url = icon.favicon()
    assert url.startswith("data:image/svg+xml;base64,")
    svg = ET.fromstring(base64.b64decode(url.split(",", 1)[1]))
    assert svg.tag.endswith("svg") and len(svg) == 2  # the shield and the star
    assert _get_favicon_string(url) == url


def test_the_commune_picker_waits_in_a_popover():
    """The browser builds a select box's every option on each redraw of the page; in a popover the
    list is built only when it is opened, so it does not slow the map's first draw."""
    at = _app()
    at.switch_page("pages/ban-do.py").run()
    (column,) = [c for c in at.main.columns if any(b.type == "popover" for b in c.children.values())]
    (popover,) = [b for b in column.children.values() if b.type == "popover"]
    assert [w.key for w in popover.children.values()] == ["profile_commune"]


def _click_script() -> None:
    import streamlit as st

    from dashboard.ui import profile

    profile.remember_click(st.session_state.get("click"))


def test_each_click_on_the_map_opens_its_commune_once():
    """The map returns its last click on every rerun: it opens the profile once, and a new click on
    the same commune opens it again after the list chose another one."""
    from dashboard.ui import profile
    from dashboard.ui.mapview import Click

    at = AppTest.from_function(_click_script)
    at.session_state["click"] = Click("01001", ("map", 1))
    at.run()
    assert at.session_state[profile.K_PROFILE] == "01001"
    at.session_state[profile.K_PROFILE] = "01002"  # chosen from the list; the map's value stays
    at.run()
    assert at.session_state[profile.K_PROFILE] == "01002"
    at.session_state["click"] = Click("01001", ("map", 2))  # the same commune, clicked again
    at.run()
    assert at.session_state[profile.K_PROFILE] == "01001"
    # Drawn again without a click (back from another page): its count starts again at the first click.
    at.session_state[profile.K_PROFILE] = "01002"
    at.session_state["click"] = None
    at.run()
    at.session_state["click"] = Click("01001", ("map", 1))
    at.run()
    assert at.session_state[profile.K_PROFILE] == "01001"


def _summary(at: AppTest) -> str | None:
    """The HTML of the summary beside the map, or None when it is not shown."""
    found = [h.value for h in at.get("html") if 'class="bcd-summary"' in h.value]
    return found[0] if found else None


def test_beside_the_map_the_area_is_summed_up_until_a_commune_is_opened(raw):
    """Counted here from the CSV files: the communes of each rating of the year shown, and the
    communes of the lowest rating named; opening a profile replaces the summary, closing it brings
    the summary back."""
    communes, ratings = raw["communes"], raw["ratings"]
    year = ratings[ratings["year"] == str(_latest_year(raw))]
    weak = communes[communes["commune_code"].isin(year.loc[year["rating"] == "Yếu", "commune_code"])]
    district = weak["district_code"].iloc[0]  # a district with a commune of the lowest rating
    codes = set(communes.loc[communes["district_code"] == district, "commune_code"])
    rated = year[year["commune_code"].isin(codes)]
    expected = rated["rating"].value_counts().to_dict()
    expected["Chưa xếp loại"] = len(codes) - len(rated)
    at = _app(district=district)
    at.switch_page("pages/ban-do.py").run()
    assert not at.exception
    summary = _summary(at)
    rows = re.findall(r'<td class="bcd-text">([^<]*)</td><td class="bcd-num">([^<]*)</td>', summary)
    shown = dict(rows)
    assert shown == {level: _vi(expected.get(level, 0)) for level in shown}
    assert set(shown) >= set(expected)
    weakest = weak[weak["district_code"] == district]
    assert f"Xã xếp loại Yếu: {len(weakest)}" in summary
    # One district shown: its communes are named without it.
    assert re.findall(r"<li>([^<]*)</li>", summary) == sorted(weakest["commune_name"])

    first = sorted(codes)[0]
    at.selectbox(key="profile_commune").select(first).run()
    assert _summary(at) is None and not at.exception
    (close,) = [b for b in at.button if b.label == "Đóng hồ sơ"]
    close.click().run()
    assert at.selectbox(key="profile_commune").value is None
    assert _summary(at) is not None and not at.exception


def test_names_from_the_data_are_shown_as_written_in_the_summary():
    from dashboard import maps
    from dashboard.ui import profile

    note = maps.Attention("Xã <b>lạ</b>: 1", ("Xã <script>x()</script> (Huyện *A*)",), 0)
    html = profile.summary_html([(maps.LegendItem('#fff" onmouseover="x()', "<i>Khá</i>"), 1)], note)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "Huyện *A*" in html and 'onmouseover="' not in html


def test_district_names_are_offered_in_vietnamese_alphabetical_order(raw):
    at = _app()
    offered = at.sidebar.multiselect[0].options
    assert set(offered) == set(raw["communes"]["district_name"])
    # Đ follows D, before E; "Tân" before "Thanh" (Python's own order has both the other way round).
    assert offered.index("Huyện Đông Hưng") < offered.index("Huyện Kim Thành")
    assert offered.index("Huyện Tân Lạc") < offered.index("Huyện Thanh Hà")
