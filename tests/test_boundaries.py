"""Boundary loading: formats, CRS, repairs, code fixes, Problems, gap-free simplification, caching."""

from __future__ import annotations

import os
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
    write(grid().iloc[:6], path)
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    second = bd.load_boundaries(cfg, reg)
    assert second is not first
    assert len(second.communes) == 6
    assert bd.load_boundaries(cfg, reg) is second
