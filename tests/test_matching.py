"""Name keys, exact-only matching, the report's candidates, and the groups file standing in for districts."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from dashboard import boundaries as bd
from dashboard import loaders
from dashboard import matching as mt
from dashboard.config import Config
from dashboard.ui import filters
from tests.test_boundaries import grid, write

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Xã Bình Lục", "BìnhLục"),
        ("Bình  Lục", "bình lục"),
        (NFD("Xã Đồn Xá"), "Đồn Xá"),
        ("Thị trấn Kiện Khê", "KiệnKhê"),
        ("Thịtrấn Kiện Khê", "Kiện Khê"),
        ("Phường 01", "Phường 1"),
        ("Đặc khu Côn Đảo", "Côn Đảo"),
        ("Xã Thanh Thủy", "ThanhThuỷ"),  # tone on u or on y
        ("Xã Hòa Bình", "Hoà Bình"),  # tone on o or on a
        ("Ea H'Leo", "EaHLeo"),
        ("\u00d0ồng Văn", "Đồng Văn"),  # Icelandic eth from old encodings
    ],
)
def test_name_keys_equal(left: str, right: str) -> None:
    assert mt.name_key(left) == mt.name_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("An Bình", "An Binh"),  # diacritics are part of the name: never dropped to join
        ("Bình Mỹ", "Bình Mĩ"),
        ("Phường 1", "Phường 11"),
        ("Hoàn Sơn", "Hoa Sơn"),
    ],
)
def test_name_keys_differ(left: str, right: str) -> None:
    assert mt.name_key(left) != mt.name_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [("Huyện Bình Lục", "BìnhLục"), ("Thành phố Phủ Lý", "TP. Phủ Lý"), ("Thị xã Kim Bảng", "Kim Bảng"),
     ("Quận 3", "Quận 03")],
)  # fmt: skip
def test_district_keys_equal(left: str, right: str) -> None:
    assert mt.district_key(left) == mt.district_key(right)


def test_bare_prefix_is_kept() -> None:
    assert mt.name_key("Xã") == "xã" and mt.name_key(None) == "" and mt.name_key(float("nan")) == ""


def _side(names: list[str], districts: list[str] | None = None, types: list[str] | None = None) -> mt.Side:
    districts = districts or [""] * len(names)
    types = types or [""] * len(names)
    return mt.Side(
        units=[mt.Unit(f"#{i}", n, d) for i, (n, d) in enumerate(zip(names, districts, strict=True))],
        codes=[None] * len(names),
        names=[mt.name_key(n) for n in names],
        districts=[mt.district_key(d) for d in districts],
        types=[mt.type_key(t) for t in types],
    )


def test_match_joins_only_exact_keys_and_suggests_the_rest() -> None:
    registry = _side(["Xã An Bình", "Xã Tiêu Động", "Xã Mới"], ["Huyện A", "Huyện A", "Huyện A"])
    features = _side(["AnBình", "TiêuĐông", "Khác Hẳn"], ["A", "A", "A"])
    pairs, report = mt.match(registry, features, "name")
    assert pairs == {0: 0}
    assert [m.unit.name for m in report.missing] == ["Xã Tiêu Động", "Xã Mới"]
    assert report.missing[0].candidates[0].name == "TiêuĐông"
    assert report.missing[1].candidates == ()
    assert [e.unit.name for e in report.extra] == ["TiêuĐông", "Khác Hẳn"]
    assert not report.ok


def test_same_name_in_two_districts_joins_with_districts_only() -> None:
    registry = _side(["Xã An Bình", "Xã An Bình"], ["Huyện A", "Huyện B"])
    features = _side(["AnBình", "AnBình"], ["B", "A"])
    pairs, report = mt.match(registry, features, "name")
    assert pairs == {0: 1, 1: 0} and report.ok
    no_district = replace(registry, districts=["", ""])
    pairs, report = mt.match(no_district, replace(features, districts=["", ""]), "name")
    assert pairs == {} and len(report.ambiguous) == 1 and not report.ok
    assert report.missing == () and report.extra == ()  # listed once, as ambiguous


def test_type_separates_a_town_from_a_commune_of_the_same_name() -> None:
    registry = _side(["Thị trấn Bình Mỹ", "Xã Bình Mỹ"], types=["Thị trấn", "Xã"])
    features = _side(["BìnhMỹ", "BìnhMỹ"], types=["Xã", "Thịtrấn"])
    pairs, report = mt.match(registry, features, "name")
    assert pairs == {0: 1, 1: 0} and report.ok


def test_two_features_for_one_unit_are_ambiguous() -> None:
    pairs, report = mt.match(_side(["Xã An Bình"]), _side(["AnBình", "An Bình"]), "name")
    assert pairs == {} and [len(a.features) for a in report.ambiguous] == [2]


def test_no_suggestions_for_a_national_file_against_one_province() -> None:
    """Millions of name pairs would keep the secretariat waiting; the note points at boundary_filter."""
    registry = _side([f"Xã Số {k}" for k in range(300)])
    features = _side([f"Vùng {k}" for k in range(200)])
    _pairs, report = mt.match(registry, features, "name")
    assert len(report.missing) == 300 and len(report.extra) == 200
    assert all(m.candidates == () for m in report.missing)
    assert any("boundary_filter" in note for note in report.notes)


def test_report_lines_are_vietnamese() -> None:
    _pairs, report = mt.match(_side(["Xã An Bình"]), _side(["AnBình"]), "name")
    assert report.lines()[-1] == "KẾT QUẢ: đủ ranh giới cho bản đồ."
    empty = mt.MatchReport("code", 0, 0, 0)
    assert not empty.ok


# ---------------------------------------------------------------------------- groups file

GROUPS_CSV = (
    "commune_code;group_code;group_name\r\n1001;C1;Cụm Bắc\r\n01002;C1;Cụm Bắc\r\n01003;C2;Cụm Nam\r\n"
)


def test_read_groups_restores_zeros_and_names_districts(tmp_path: Path) -> None:
    path = tmp_path / "nhom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + GROUPS_CSV.encode())  # Excel's "CSV UTF-8" with BOM and ;
    frame, problems = mt.read_groups(path)
    assert problems == ()
    assert frame is not None
    assert frame.to_dict("list") == {
        "commune_code": ["01001", "01002", "01003"],
        "district_code": ["C1", "C1", "C2"],
        "district_name": ["Cụm Bắc", "Cụm Bắc", "Cụm Nam"],
    }


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("ma,ten\r\n1,2\r\n", "Thiếu cột"),
        ("commune_code,group_name\r\n12345678,A\r\n", "5 chữ số"),
        ("commune_code,group_name\r\n01001,\r\n", "Thiếu tên nhóm"),
        ("commune_code,group_name\r\n01001,A\r\n01001,B\r\n", "mỗi xã một nhóm"),
    ],
)
def test_bad_groups_file(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "nhom.csv"
    path.write_text(text, encoding="utf-8")
    frame, problems = mt.read_groups(path)
    assert frame is None and fragment in problems[0].describe()


def test_missing_groups_file(tmp_path: Path) -> None:
    frame, problems = mt.read_groups(tmp_path / "none.csv")
    assert frame is None and "groups_file" in problems[0].message


def _wards(folder: Path) -> Path:
    """A post-2025 registry (no district columns) of the 12 grid communes, plus the other tables absent."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = "\r\n".join(f"{1001 + k:05d},Xã {k},Xã" for k in range(12))
    (folder / "communes.csv").write_text(
        f"commune_code,commune_name,commune_type\r\n{rows}\r\n", encoding="utf-8"
    )
    return folder


def test_groups_act_as_districts_for_filter_and_map(tmp_path: Path) -> None:
    data_dir = _wards(tmp_path / "data")
    groups = tmp_path / "nhom.csv"
    lines = [
        f"{1001 + k:05d},H1,Huyện cũ Một" if k < 6 else f"{1001 + k:05d},H2,Huyện cũ Hai" for k in range(12)
    ]
    groups.write_text(
        "commune_code,group_code,group_name\r\n" + "\r\n".join(lines) + "\r\n", encoding="utf-8"
    )
    geo = write(grid(), tmp_path / "xa.geojson")
    cfg = replace(
        Config(), data_dir=data_dir, groups_file=groups, boundaries_file=geo, boundary_code_column="ma_xa"
    )
    loaders.clear_cache()
    data = loaders.load_dataset(cfg)
    communes = data.frame("communes")
    assert set(communes["district_code"]) == {"H1", "H2"}
    opts = filters.options_from(communes, data.frame("ratings"), data.frame("tipoffs"))
    assert opts.by_district and opts.areas == {"H2": "Huyện cũ Hai", "H1": "Huyện cũ Một"}
    bd.clear_cache()
    bounds = bd.load_boundaries(cfg, communes)
    assert sorted(bounds.districts["district_name"]) == ["Huyện cũ Hai", "Huyện cũ Một"]
    assert not [p for p in data.problems if p.file == "nhom.csv"]


def test_registry_districts_win_and_unknown_codes_are_reported(tmp_path: Path) -> None:
    communes = pd.DataFrame(
        {
            "commune_code": ["01001", "01002"],
            "district_code": ["027", None],
            "district_name": ["Huyện X", None],
        }
    )
    groups = pd.DataFrame({"commune_code": ["01001", "01002"], "district_code": ["C1", "C2"],
                           "district_name": ["Cụm 1", "Cụm 2"]})  # fmt: skip
    merged = mt.with_groups(communes, groups)
    assert merged["district_code"].tolist() == ["027", "C2"]
    assert merged["district_name"].tolist() == ["Huyện X", "Cụm 2"]

    data_dir = _wards(tmp_path / "data")
    path = tmp_path / "nhom.csv"
    path.write_text("commune_code,group_name\r\n01001,A\r\n09999,B\r\n", encoding="utf-8")
    loaders.clear_cache()
    data = loaders.load_dataset(replace(Config(), data_dir=data_dir, groups_file=path))
    assert any("09999" in p.message and p.file == "nhom.csv" for p in data.problems)
    assert data.frame("communes").set_index("commune_code").loc["01001", "district_name"] == "A"


def test_without_groups_file_nothing_changes(cfg: Config) -> None:
    loaders.clear_cache()
    data = loaders.load_dataset(cfg)
    assert mt.apply_groups(cfg, data) is data


# ---------------------------------------------------------------------------- the app, end to end


def test_app_with_groups_and_a_missing_boundary(tmp_path: Path, monkeypatch) -> None:
    """The demo province after the reform: groups as districts on every page; the Data page lists the gap."""
    import shutil

    import geopandas as gpd
    from streamlit.testing.v1 import AppTest

    from dashboard.registry import PAGES

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "data", tmp_path / "data")
    raw = pd.read_csv(root / "data" / "communes.csv", dtype=str, keep_default_na=False)
    raw.drop(columns=["district_code", "district_name"]).to_csv(
        tmp_path / "data" / "communes.csv", index=False
    )
    models = pd.read_csv(root / "data" / "models.csv", dtype=str, keep_default_na=False)
    models.drop(columns=["district_code"]).to_csv(tmp_path / "data" / "models.csv", index=False)
    raw[["commune_code", "district_code", "district_name"]].set_axis(
        ["commune_code", "group_code", "group_name"], axis=1
    ).to_csv(tmp_path / "nhom.csv", index=False)
    shapes = gpd.read_file(root / "geo" / "communes.geojson")
    dropped = sorted(raw["commune_code"])[0]
    shapes[shapes["commune_code"] != dropped].to_file(tmp_path / "xa.gpkg")
    settings = tmp_path / "tinh.toml"
    settings.write_text(
        'data_dir = "data"\nboundaries_file = "xa.gpkg"\ngroups_file = "nhom.csv"\n', encoding="utf-8"
    )
    monkeypatch.setenv("DASHBOARD_CONFIG", str(settings))
    loaders.clear_cache()
    bd.clear_cache()

    at = AppTest.from_file(str(root / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    area = at.sidebar.multiselect[0]
    assert area.label == "Huyện"
    assert len(area.options) == raw["district_code"].nunique()
    for spec in PAGES:
        at.switch_page(spec.file).run()
        assert not at.exception, (spec.file, [e.value for e in at.exception])
    at.switch_page("pages/du-lieu.py").run()
    assert "Ranh giới và danh mục xã" in [h.value for h in at.subheader]
    shown = at.dataframe[-1].value
    assert shown["Loại"].tolist() == ["Chưa có ranh giới"]
    assert shown["Đơn vị"].iloc[0].startswith(dropped)
