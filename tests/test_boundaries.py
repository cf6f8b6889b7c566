"""Boundary loading: formats, CRS, repairs, code fixes, Problems, gap-free simplification, caching."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, box

from dashboard import boundaries as bd
from dashboard.config import Config

X0, Y0, SIZE = 105.80, 20.40, 0.05  # a small patch of the Red River delta, in degrees
COLS, ROWS = 4, 3


def _wiggle(coords: np.ndarray) -> np.ndarray:
    # Displacement depends on the coordinates alone, so a vertex shared by two neighbours moves the
    # same way in both: the grid stays an exact coverage while its edges get detail to simplify.
    x, y = coords[:, 0], coords[:, 1]
    dx = 0.0006 * np.sin(x * 900.0) * np.cos(y * 700.0)
    dy = 0.0006 * np.cos(x * 800.0) * np.sin(y * 600.0)
    return np.column_stack([x + dx, y + dy])


def grid(codes_as_int: bool = False) -> gpd.GeoDataFrame:
    """COLS × ROWS wiggly communes; the left half in district 001, the right half in 002."""
    geoms, codes = [], []
    for i in range(COLS):
        for j in range(ROWS):
            cell = box(X0 + i * SIZE, Y0 + j * SIZE, X0 + (i + 1) * SIZE, Y0 + (j + 1) * SIZE)
            geoms.append(shapely.transform(shapely.segmentize(cell, SIZE / 40), _wiggle))
            codes.append(f"{1001 + i * ROWS + j:05d}")
    code_values = [int(c) for c in codes] if codes_as_int else codes
    return gpd.GeoDataFrame({"ma_xa": code_values}, geometry=geoms, crs="EPSG:4326")


def registry(codes: list[str] | None = None) -> pd.DataFrame:
    codes = codes if codes is not None else [f"{1001 + k:05d}" for k in range(COLS * ROWS)]
    half = COLS * ROWS // 2
    return pd.DataFrame(
        {
            "commune_code": codes,
            "commune_name": [f"Xã {c}" for c in codes],
            "commune_type": "Xã",
            "district_code": ["001" if int(c) - 1001 < half else "002" for c in codes],
            "district_name": ["Huyện Một" if int(c) - 1001 < half else "Huyện Hai" for c in codes],
            "population": 10_000,
        }
    )


def write(frame: gpd.GeoDataFrame, path: Path) -> Path:
    if path.suffix == ".parquet":
        frame.to_parquet(path)
    else:
        frame.to_file(path)
    return path


def cfg_for(path: Path, **changes: object) -> Config:
    return replace(Config(), boundaries_file=path, boundary_code_column="ma_xa", **changes)


@pytest.fixture(autouse=True)
def _fresh_cache():
    bd.clear_cache()
    yield
    bd.clear_cache()


# (file name, how the frame is changed before writing)
FORMATS = [
    ("communes.geojson", lambda f: f),
    ("communes.gpkg", lambda f: f),
    ("communes.shp", lambda f: f),
    ("communes.parquet", lambda f: f),
    ("vn2000_utm48.gpkg", lambda f: f.to_crs("EPSG:3405")),  # VN-2000 / UTM zone 48N
    ("vn2000_utm48.shp", lambda f: f.to_crs("EPSG:3405")),
    ("web_mercator.geojson.json", lambda f: f.to_crs("EPSG:3857")),
]


@pytest.mark.parametrize(("name", "change"), FORMATS, ids=[f[0] for f in FORMATS])
def test_reads_every_format_back_to_wgs84(tmp_path: Path, name: str, change) -> None:
    source = grid()
    path = write(change(source), tmp_path / name)
    result = bd.load_boundaries(cfg_for(path), registry())
    assert result.problems == ()
    assert result.path == path and result.mtime is not None
    assert result.communes.crs.to_epsg() == 4326
    assert list(result.communes.columns) == ["commune_code", "geometry"]
    assert sorted(result.communes["commune_code"]) == sorted(source["ma_xa"])
    assert result.communes.geometry.is_valid.all()
    # Back in lon/lat where it started, to within the simplification tolerance.
    assert np.allclose(result.communes.total_bounds, source.total_bounds, atol=0.002)


def test_restores_leading_zeros_lost_to_integers(tmp_path: Path) -> None:
    path = write(grid(codes_as_int=True), tmp_path / "int_codes.gpkg")
    result = bd.load_boundaries(cfg_for(path), registry())
    assert result.problems == ()
    assert all(len(c) == 5 and c.startswith("0") for c in result.communes["commune_code"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234, "01234"), (1234.0, "01234"), ("1234", "01234"), (" 01234 ", "01234"), ("1234.0", "01234"),
     (None, None), (float("nan"), None), ("", None), ("X12", "X12")],
)  # fmt: skip
def test_normalise_code(value: object, expected: str | None) -> None:
    assert bd.normalise_code(value) == expected


def test_repairs_a_bow_tie(tmp_path: Path) -> None:
    bow_tie = Polygon([(X0, Y0), (X0 + 0.1, Y0 + 0.1), (X0 + 0.1, Y0), (X0, Y0 + 0.1)])
    assert not bow_tie.is_valid
    frame = gpd.GeoDataFrame({"ma_xa": ["01001"]}, geometry=[bow_tie], crs="EPSG:4326")
    path = write(frame, tmp_path / "bowtie.geojson")
    result = bd.load_boundaries(cfg_for(path, simplify_tolerance=0.0), registry(["01001"]))
    geom = result.communes.geometry.iloc[0]
    assert geom.is_valid and geom.geom_type == "MultiPolygon"
    assert geom.area == pytest.approx(0.005, rel=1e-3)  # both triangles kept


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_no_crs_lonlat_is_assumed_wgs84_and_projected_is_a_problem(tmp_path: Path) -> None:
    lonlat = write(grid().set_crs(None, allow_override=True), tmp_path / "nocrs.shp")
    assert bd.load_boundaries(cfg_for(lonlat), registry()).problems == ()
    metres = grid().to_crs("EPSG:3405").set_crs(None, allow_override=True)
    projected = write(metres, tmp_path / "nocrs_metres.shp")
    result = bd.load_boundaries(cfg_for(projected), registry())
    assert result.communes.empty
    assert "hệ tọa độ" in result.problems[0].message


def _messages(result: bd.Boundaries) -> str:
    return "\n".join(p.describe() for p in result.problems)


PROBLEM_CASES = [
    # (case, frame change, registry codes, text every message set must contain, communes kept)
    ("missing code column", lambda f: f.rename(columns={"ma_xa": "MA"}), None, ["Thiếu cột mã xã", "MA"], 0),
    ("duplicate code", lambda f: f.assign(ma_xa=["01001", *f["ma_xa"][:-1]]), None, ["lặp", "01001"], 11),
    ("registry commune without boundary", lambda f: f.iloc[1:], None, ["chưa có ranh giới", "01001"], 11),
    ("boundary without registry entry", lambda f: f, [f"{1001 + k:05d}" for k in range(11)],
     ["không có trong danh mục", "01012"], 12),
    ("blank code", lambda f: f.assign(ma_xa=[None, *f["ma_xa"][1:]]), None, ["không có mã xã"], 11),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "change", "codes", "expected", "kept"), PROBLEM_CASES, ids=[c[0] for c in PROBLEM_CASES]
)
def test_problems(tmp_path: Path, case: str, change, codes, expected: list[str], kept: int) -> None:
    path = write(change(grid()), tmp_path / "communes.geojson")
    result = bd.load_boundaries(cfg_for(path), registry(codes))
    text = _messages(result)
    for fragment in expected:
        assert fragment in text, case
    assert all(p.file == "communes.geojson" for p in result.problems)
    assert len(result.communes) == kept


@pytest.mark.parametrize(
    ("name", "content"),
    [("broken.geojson", b"{not json"), ("empty.gpkg", b""), ("table.csv", b"a,b\n1,2\n")],
)
def test_unreadable_file_is_a_problem_not_an_exception(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = bd.load_boundaries(cfg_for(path), registry())
    assert result.communes.empty and result.districts.empty
    assert result.problems
    assert path.read_bytes() == content  # never written


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    result = bd.load_boundaries(cfg_for(tmp_path / "nowhere.geojson"), registry())
    assert result.communes.empty
    assert "Không tìm thấy" in result.problems[0].message


def test_coverage_simplification_leaves_no_gaps_or_overlaps(tmp_path: Path) -> None:
    source = grid()
    path = write(source, tmp_path / "communes.gpkg")
    result = bd.load_boundaries(cfg_for(path, simplify_tolerance=0.002), registry())
    geoms = result.communes.geometry
    assert (
        shapely.get_num_coordinates(geoms.to_numpy()).sum()
        < 0.5 * shapely.get_num_coordinates(source.geometry.to_numpy()).sum()
    )
    union = shapely.union_all(geoms.to_numpy())
    # Overlaps would make the sum exceed the union; gaps would show as holes in the union.
    assert shapely.area(geoms.to_numpy()).sum() == pytest.approx(union.area, rel=1e-9)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert bool(shapely.coverage_is_valid(geoms.to_numpy()))


def test_districts_dissolved_from_registry(tmp_path: Path) -> None:
    path = write(grid(), tmp_path / "communes.geojson")
    result = bd.load_boundaries(cfg_for(path), registry())
    districts = result.districts.sort_values("district_code").reset_index(drop=True)
    assert list(districts["district_code"]) == ["001", "002"]
    assert list(districts["district_name"]) == ["Huyện Một", "Huyện Hai"]
    assert shapely.area(districts.geometry.to_numpy()).sum() == pytest.approx(
        shapely.area(result.communes.geometry.to_numpy()).sum(), rel=1e-9
    )
    assert all(g.geom_type == "Polygon" for g in districts.geometry)  # one outline, no inner edges


def test_no_districts_after_2025(tmp_path: Path) -> None:
    path = write(grid(), tmp_path / "communes.geojson")
    reg = registry().assign(district_code=pd.NA, district_name="")
    result = bd.load_boundaries(cfg_for(path), reg)
    assert result.districts.empty
    assert list(result.districts.columns) == ["district_code", "district_name", "geometry"]
    assert len(result.communes) == COLS * ROWS


def test_cache_same_object_until_the_file_changes(tmp_path: Path) -> None:
    path = write(grid(), tmp_path / "communes.geojson")
    cfg, reg = cfg_for(path), registry()
    first = bd.load_boundaries(cfg, reg)
    assert bd.load_boundaries(cfg, reg.copy()) is first
    assert bd.load_boundaries(replace(cfg, simplify_tolerance=0.001), reg) is not first
    renamed = reg.copy()
    renamed.loc[renamed.index[0], "commune_name"] += " mới"  # the registry changed: matched again
    assert bd.load_boundaries(cfg, renamed) is not first
    assert bd.load_boundaries(cfg, reg) is first
    write(grid().iloc[:6], path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    second = bd.load_boundaries(cfg, reg)
    assert second is not first
    assert len(second.communes) == 6
    assert bd.load_boundaries(cfg, reg) is second


# ---------------------------------------------------------------------------- real-file shapes
# Built in code, never copied from GADM or a province: the shapes and quirks are what matter.

# (district as the registry writes it, as GADM writes it, [(registry name, type, GADM NAME_3, TYPE_3)])
PROVINCE = [
    ("Huyện Bình Lục", "BìnhLục", [
        ("Thị trấn Bình Mỹ", "Thị trấn", "BìnhMỹ", "Thịtrấn"),
        ("Xã Bình Mỹ", "Xã", "BìnhMỹ", "Xã"),  # a town and a commune of one name in one district
        ("Xã An Bình", "Xã", "AnBình", "Xã"),
        ("Xã Đồn Xá", "Xã", "ĐồnXá", "Xã"),
        ("Xã Tiêu Động", "Xã", "TiêuĐộng", "Xã"),
        ("Xã An Lão", "Xã", "AnLão", "Xã"),
    ]),
    ("Huyện Thanh Liêm", "ThanhLiêm", [
        ("Thị trấn Kiện Khê", "Thị trấn", "KiệnKhê", "Thịtrấn"),
        ("Xã An Bình", "Xã", "AnBình", "Xã"),  # the same name as in Bình Lục
        ("Xã Thanh Hà", "Xã", "ThanhHà", "Xã"),
        ("Xã Liêm Phong", "Xã", "LiêmPhong", "Xã"),
        ("Phường Thanh Tuyền", "Phường", "ThanhTuyền", "Phường"),
        ("Xã Thanh Thủy", "Xã", "ThanhThuỷ", "Xã"),  # old tone placement in the file
    ]),
    ("Thị xã Kim Bảng", "KimBảng", [
        ("Thị trấn Quế", "Thị trấn", "Quế", "Thịtrấn"),
        ("Xã Hoàng Tây", "Xã", "HoàngTây", "Xã"),
        ("Xã Nhật Tân", "Xã", "NhậtTân", "Xã"),
        ("Xã Đại Cương", "Xã", "ĐạiCương", "Xã"),
        ("Xã Thụy Lôi", "Xã", "ThụyLôi", "Xã"),
        ("Xã Đảo Ngọc", "Xã", "ĐảoNgọc", "Xã"),  # dozens of islands
    ]),
]  # fmt: skip
ISLANDS = 95
GRID_COLS = 9  # three columns per district, two rows


def province_units() -> list[dict]:
    """One dict per commune: registry fields, GADM fields and its cell's position."""
    units = []
    for d, (district, gadm_district, communes) in enumerate(PROVINCE):
        for k, (name, kind, gadm_name, gadm_type) in enumerate(communes):
            col, row = 3 * d + k % 3, k // 3
            units.append(
                {"commune_code": f"{3000 + 10 * d + k:05d}", "commune_name": name, "commune_type": kind,
                 "district_code": f"{347 + d:03d}", "district_name": district, "NAME_2": gadm_district,
                 "NAME_3": gadm_name, "TYPE_3": gadm_type, "col": col, "row": row}
            )  # fmt: skip
    return units


def _cell(col: int, row: int) -> Polygon:
    cell = box(X0 + col * SIZE, Y0 + row * SIZE, X0 + (col + 1) * SIZE, Y0 + (row + 1) * SIZE)
    return shapely.transform(shapely.segmentize(cell, SIZE / 40), _wiggle)


def _islands(n: int) -> list[Polygon]:
    east = X0 + GRID_COLS * SIZE + 0.01
    return [box(east + (k % 10) * 0.004, Y0 + (k // 10) * 0.004, east + (k % 10) * 0.004 + 0.002,
                Y0 + (k // 10) * 0.004 + 0.002) for k in range(n)]  # fmt: skip


def province_registry(nfd: bool = False) -> pd.DataFrame:
    """The registry a secretariat keeps: prefixed names with spaces; optionally NFD (old Mac tools)."""
    frame = pd.DataFrame(province_units())[
        ["commune_code", "commune_name", "commune_type", "district_code", "district_name"]
    ]
    if nfd:
        frame["commune_name"] = frame["commune_name"].map(lambda s: unicodedata.normalize("NFD", s))
    return frame.assign(population=5000)


def gadm_frame(overlap: float = 0.0004) -> gpd.GeoDataFrame:
    """GADM level 3 as published: no statistics code, names without spaces, neighbours overlapping."""
    rows, geoms = [], []
    for k, unit in enumerate(province_units()):
        # Grown a little, so neighbours overlap; one shrunk, leaving a sliver gap: as real files do.
        cell = _cell(unit["col"], unit["row"]).buffer(-overlap if k == 3 else overlap, join_style="mitre")
        if unit["NAME_3"] == "ĐảoNgọc":
            cell = shapely.MultiPolygon([cell, *_islands(ISLANDS)])
        geoms.append(cell)
        rows.append(
            {"GID_1": "VNM.27_1", "NAME_1": "HàNam", "NAME_2": unit["NAME_2"], "NAME_3": unit["NAME_3"],
             "VARNAME_3": unicodedata.normalize("NFD", unit["NAME_3"]).encode("ascii", "ignore").decode(),
             "TYPE_3": unit["TYPE_3"], "GID_3": f"VNM.27.{unit['col'] + 1}.{unit['row'] + 1}_1"}
        )  # fmt: skip
    # A commune of the neighbouring province: the national file holds every province.
    rows.append(
        {**rows[0], "NAME_1": "NamĐịnh", "NAME_2": "ÝYên", "NAME_3": "YênPhong", "GID_3": "VNM.36.1.1_1"}
    )
    geoms.append(_cell(GRID_COLS + 5, 0))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")


GADM_SETTINGS = {
    "boundary_match": "name",
    "boundary_name_column": "NAME_3",
    "boundary_district_column": "NAME_2",
    "boundary_type_column": "TYPE_3",
    "boundary_filter": {"NAME_1": "Hà Nam"},
}


def gadm_cfg(path: Path, **changes: object) -> Config:
    return replace(Config(), boundaries_file=path, **{**GADM_SETTINGS, **changes})


def write_gadm(frame: gpd.GeoDataFrame, path: Path) -> Path:
    if path.suffix == ".gpkg":
        # GADM's national GeoPackage: the country first, communes in a later layer.
        outline = gpd.GeoDataFrame({"GID_0": ["VNM"]}, geometry=[frame.union_all()], crs=frame.crs)
        outline.to_file(path, layer="ADM_ADM_0")
        frame.to_file(path, layer="ADM_ADM_3")
        return path
    return write(frame, path)


GADM_FORMATS = [
    ("gadm41_VNM_3.json", lambda f: f),
    ("gadm41_VNM.gpkg", lambda f: f),
    ("gadm41_VNM_3.shp", lambda f: f),
    ("gadm_vn2000.gpkg", lambda f: f.to_crs("EPSG:9210")),  # VN-2000 / TM-3 zone 105-45
]


@pytest.mark.parametrize(("name", "change"), GADM_FORMATS, ids=[f[0] for f in GADM_FORMATS])
def test_gadm_joins_every_commune_by_district_and_name(tmp_path: Path, name: str, change) -> None:
    path = write_gadm(change(gadm_frame()), tmp_path / name)
    reg = province_registry(nfd=True)
    result = bd.load_boundaries(gadm_cfg(path), reg)
    report = result.matching
    assert report is not None and report.ok, _messages(result)
    assert (report.matched, report.features, report.missing, report.extra, report.ambiguous) == (
        18,
        18,
        (),
        (),
        (),
    )
    assert result.problems == ()
    assert sorted(result.communes["commune_code"]) == sorted(reg["commune_code"])
    assert result.communes.geometry.is_valid.all() and not result.communes.geometry.is_empty.any()
    assert sorted(result.districts["district_code"]) == ["347", "348", "349"]
    # Each code got the shape of its own commune: the town and the commune named Bình Mỹ stay apart.
    units = {u["commune_code"]: u for u in province_units()}
    for code, geom in zip(result.communes["commune_code"], result.communes.geometry, strict=True):
        unit = units[code]
        assert geom.intersects(
            shapely.Point(X0 + (unit["col"] + 0.5) * SIZE, Y0 + (unit["row"] + 0.5) * SIZE)
        )
    islands = result.communes.set_index("commune_code").geometry[
        next(c for c, u in units.items() if u["NAME_3"] == "ĐảoNgọc")
    ]
    assert len(shapely.get_parts(islands)) >= ISLANDS  # every island is drawn


def test_gadm_report_lists_exactly_the_unmatched(tmp_path: Path) -> None:
    frame = gadm_frame()
    frame = frame[frame["NAME_3"] != "ĐồnXá"].copy()  # a commune the file lacks
    frame.loc[frame["NAME_3"] == "TiêuĐộng", "NAME_3"] = "TiêuĐông"  # a misspelt one
    path = write_gadm(frame, tmp_path / "gadm.json")
    reg = pd.concat(
        [province_registry(), pd.DataFrame([{"commune_code": "03099", "commune_name": "Xã Mới Lập",
                                             "commune_type": "Xã", "district_code": "347",
                                             "district_name": "Huyện Bình Lục", "population": 1}])]
    )  # fmt: skip
    result = bd.load_boundaries(gadm_cfg(path), reg)
    report = result.matching
    assert report is not None and not report.ok
    codes = {u["commune_name"] + "|" + u["district_name"]: u["commune_code"] for u in province_units()}
    assert sorted(m.unit.label for m in report.missing) == sorted(
        [codes["Xã Đồn Xá|Huyện Bình Lục"], codes["Xã Tiêu Động|Huyện Bình Lục"], "03099"]
    )
    assert [e.unit.name for e in report.extra] == ["TiêuĐông"]
    assert report.ambiguous == ()
    misspelt = next(m for m in report.missing if m.unit.name == "Xã Tiêu Động")
    assert misspelt.candidates[0].name == "TiêuĐông"  # suggested, never joined
    assert report.extra[0].candidates[0].name == "Xã Tiêu Động"
    assert len(result.communes) == 16  # every exact match is drawn, the rest are not guessed
    text = "\n".join(report.lines())
    assert "Xã Mới Lập" in text and "gần giống: dòng" in text and "CHƯA KHỚP" in text


def test_gadm_without_districts_reports_the_repeated_name(tmp_path: Path) -> None:
    path = write_gadm(gadm_frame(), tmp_path / "gadm.json")
    result = bd.load_boundaries(gadm_cfg(path, boundary_district_column=""), province_registry())
    report = result.matching
    assert report is not None and not report.ok
    assert [(a.name, len(a.units), len(a.features)) for a in report.ambiguous] == [("Xã An Bình", 2, 2)]
    assert report.matched == 16 and report.missing == () and report.extra == ()
    assert any("trùng" in p.message for p in result.problems)


def test_name_mode_settings_and_columns_are_checked(tmp_path: Path) -> None:
    path = write_gadm(gadm_frame(), tmp_path / "gadm.json")
    no_name = bd.load_boundaries(gadm_cfg(path, boundary_name_column=""), province_registry())
    assert "boundary_name_column" in no_name.problems[0].message
    wrong = bd.load_boundaries(gadm_cfg(path, boundary_district_column="TEN_HUYEN"), province_registry())
    assert "TEN_HUYEN" in wrong.problems[0].message and "NAME_2" in wrong.problems[0].message
    other = bd.load_boundaries(gadm_cfg(path, boundary_filter={"NAME_1": "Hà Tĩnh"}), province_registry())
    assert "boundary_filter" in other.problems[0].message
    bad = bd.load_boundaries(gadm_cfg(path, boundary_match="gadm"), province_registry())
    assert "boundary_match" in bad.problems[0].message


def ward_frame() -> gpd.GeoDataFrame:
    """A post-2025 ward file: code, bare name, a type column, no district, a few bow-ties."""
    units = province_units()
    geoms = [_cell(u["col"], u["row"]) for u in units]
    for k in (1, 7, 13):  # self-intersecting rings, as exported by some desktop tools
        x, y = X0 + units[k]["col"] * SIZE, Y0 + units[k]["row"] * SIZE
        geoms[k] = Polygon([(x, y), (x + SIZE, y + SIZE), (x + SIZE, y), (x, y + SIZE)])
    return gpd.GeoDataFrame(
        {
            "ma": [int(u["commune_code"]) for u in units],  # leading zeros lost on the way
            "ten": [u["commune_name"].removeprefix(u["commune_type"] + " ") for u in units],  # bare names
            "type": [u["commune_type"] for u in units],
        },
        geometry=geoms,
        crs="EPSG:4326",
    )


def ward_registry() -> pd.DataFrame:
    """A post-2025 registry: no district columns at all."""
    return province_registry()[["commune_code", "commune_name", "commune_type", "population"]]


def test_post_2025_wards_by_code_every_unit_drawn(tmp_path: Path) -> None:
    path = write(ward_frame(), tmp_path / "phuong_xa_2025.gpkg")
    cfg = replace(Config(), boundaries_file=path, boundary_code_column="ma", boundary_name_column="ten")
    result = bd.load_boundaries(cfg, ward_registry())
    assert result.matching is not None and result.matching.ok, _messages(result)
    assert result.problems == ()
    assert len(result.communes) == 18 and result.communes.geometry.is_valid.all()
    assert result.districts.empty


def test_post_2025_wards_by_name_without_district(tmp_path: Path) -> None:
    frame = ward_frame()
    frame = frame[frame["ten"] != "An Bình"]  # the repeated name is left out: the rest must be unique
    path = write(frame, tmp_path / "wards.geojson")
    cfg = replace(Config(), boundaries_file=path, boundary_match="name", boundary_name_column="ten",
                  boundary_type_column="type")  # fmt: skip
    reg = ward_registry()
    reg = reg[reg["commune_name"] != "Xã An Bình"]
    result = bd.load_boundaries(cfg, reg)
    assert result.matching is not None and result.matching.ok, _messages(result)
    assert sorted(result.communes["commune_code"]) == sorted(reg["commune_code"])


def test_code_file_reports_missing_with_close_codes(tmp_path: Path) -> None:
    frame = grid(codes_as_int=True)
    frame.loc[0, "ma_xa"] = 1091  # a mistyped code: 01091 for 01001
    path = write(frame, tmp_path / "xa.shp")
    result = bd.load_boundaries(cfg_for(path), registry())
    report = result.matching
    assert report is not None and not report.ok
    assert [m.unit.label for m in report.missing] == ["01001"]
    assert [e.unit.label for e in report.extra] == ["01091"]
    assert report.missing[0].candidates[0].label == "01091"  # suggested, not joined


def test_large_file_loads_once(tmp_path: Path) -> None:
    """250 communes of ~300 vertices: simplified once; the second call is a cache hit."""
    geoms, codes = [], []
    for k in range(250):
        cell = box(
            X0 + (k % 25) * 0.02, Y0 + (k // 25) * 0.02, X0 + (k % 25 + 1) * 0.02, Y0 + (k // 25 + 1) * 0.02
        )
        geoms.append(shapely.transform(shapely.segmentize(cell, 0.02 / 75), _wiggle))
        codes.append(f"{20000 + k:05d}")
    assert 290 <= shapely.get_num_coordinates(geoms[0]) <= 310
    path = write(gpd.GeoDataFrame({"ma_xa": codes}, geometry=geoms, crs="EPSG:4326"), tmp_path / "big.gpkg")
    reg = pd.DataFrame(
        {"commune_code": codes, "commune_name": [f"Xã {c}" for c in codes], "commune_type": "Xã"}
    )
    first = bd.load_boundaries(cfg_for(path), reg)
    assert len(first.communes) == 250 and first.matching is not None and first.matching.ok
    assert shapely.get_num_coordinates(first.communes.geometry.to_numpy()).sum() < 250 * 300 / 2
    assert bd.load_boundaries(cfg_for(path), reg.copy()) is first


def test_geojson_of_metres_without_crs_is_a_problem(tmp_path: Path) -> None:
    # GeoJSON is lon/lat by definition, so VN-2000 metres written without a CRS are read as degrees.
    metres = grid().to_crs("EPSG:3405")
    path = tmp_path / "metres.geojson"
    path.write_text(metres.set_crs(None, allow_override=True).to_json(), encoding="utf-8")
    result = bd.load_boundaries(cfg_for(path), registry())
    assert result.communes.empty
    assert result.problems[0].message.startswith(
        "Tệp ranh giới ghi hệ tọa độ kinh độ/vĩ độ (WGS 84) nhưng tọa độ không phải độ (x từ "
    )
    assert "EPSG:3405" in result.problems[0].message


def test_prj_saying_wgs84_over_metres_is_a_problem(tmp_path: Path) -> None:
    metres = grid().to_crs("EPSG:3405").set_crs("EPSG:4326", allow_override=True)
    path = write(metres, tmp_path / "lying_prj.shp")
    result = bd.load_boundaries(cfg_for(path), registry())
    assert result.communes.empty and "không phải độ" in result.problems[0].message


def test_prj_saying_metres_over_degrees_is_a_problem(tmp_path: Path) -> None:
    degrees = grid().set_crs("EPSG:3405", allow_override=True)
    path = write(degrees, tmp_path / "degrees_as_utm.gpkg")
    result = bd.load_boundaries(cfg_for(path), registry())
    assert result.communes.empty and "trông như kinh độ/vĩ độ" in result.problems[0].message


def test_broken_boundary_file_keeps_the_last_good_map(tmp_path: Path) -> None:
    path = write(grid(), tmp_path / "communes.geojson")
    cfg, reg = cfg_for(path), registry()
    good = bd.load_boundaries(cfg, reg)
    path.write_bytes(b'{"type": "FeatureCollection", "features": [')  # truncated by a copy
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    broken = bd.load_boundaries(cfg, reg)
    assert len(broken.communes) == len(good.communes) == COLS * ROWS
    assert broken.problems[0].message.startswith("Không đọc được tệp ranh giới")
    assert broken.problems[-1].message.startswith("Bản đồ đang dùng bản ranh giới hợp lệ gần nhất")
