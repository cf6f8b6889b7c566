"""Loads the commune boundary file once: reproject, repair, simplify as a coverage, dissolve districts."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.config import Config
from dashboard.schema import Problem

WGS84 = "EPSG:4326"
CODE_DIGITS = 5
# Display coordinates are snapped to this grid (~1 m): finer than any screen, and snapping the whole
# coverage at once keeps neighbours' shared edges identical, unlike rounding each polygon's JSON.
DISPLAY_GRID = 1e-5
_MAX_LISTED = 10  # codes quoted in one Problem message; the rest are counted
_CACHE_SIZE = 4  # a few boundary files / registries at once (tests, a province switching files)


@dataclass(frozen=True)
class Boundaries:
    """The display copy of the boundaries and what was wrong with the file."""

    communes: gpd.GeoDataFrame  # commune_code (5-digit str), geometry; simplified, EPSG:4326, valid
    districts: gpd.GeoDataFrame  # district_code, district_name, geometry; empty when there are no districts
    problems: tuple[Problem, ...]
    path: Path | None
    mtime: datetime | None


def _empty_communes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"commune_code": pd.Series(dtype=str)}, geometry=[], crs=WGS84)


def _empty_districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"district_code": pd.Series(dtype=str), "district_name": pd.Series(dtype=str)},
        geometry=[],
        crs=WGS84,
    )


def _listing(codes: list[str]) -> str:
    shown = ", ".join(codes[:_MAX_LISTED])
    more = len(codes) - _MAX_LISTED
    return f"{shown} và {more} mã khác" if more > 0 else shown


def normalise_code(value: object) -> str | None:
    """A commune code as a 5-digit string: 1234 → '01234', 1234.0 → '01234', ' 01234 ' → '01234'."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)):
        text = str(int(value))
    elif isinstance(value, (float, np.floating)):
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = str(value).strip()
        if text.endswith(".0") and text[:-2].isdigit():  # a code that went through a spreadsheet
            text = text[:-2]
    if not text:
        return None
    return text.zfill(CODE_DIGITS) if text.isdigit() else text


def _read(path: Path) -> gpd.GeoDataFrame:
    if path.suffix.lower() in {".parquet", ".geoparquet"}:
        return gpd.read_parquet(path)
    return gpd.read_file(path)


def _looks_like_lonlat(frame: gpd.GeoDataFrame) -> bool:
    minx, miny, maxx, maxy = frame.total_bounds
    return (
        bool(np.isfinite([minx, miny, maxx, maxy]).all())
        and -180 <= minx <= maxx <= 180
        and (-90 <= miny <= maxy <= 90)
    )


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """The polygonal part of a geometry after make_valid (a bow-tie becomes two triangles)."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.union_all(parts)


def _simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify the whole coverage at once so shared edges stay shared (no gaps, no slivers)."""
    if tolerance > 0:
        try:
            geoms = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
        except Exception:  # GEOS rejects some non-coverages; fall back rather than show nothing
            geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    geoms = shapely.set_precision(geoms, DISPLAY_GRID)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = [_polygonal(g) for g in geoms[bad]]
    return geoms


def _dissolve_districts(communes: gpd.GeoDataFrame, registry: pd.DataFrame) -> gpd.GeoDataFrame:
    cols = [c for c in ("district_code", "district_name") if c in registry.columns]
    if not cols:
        return _empty_districts()
    reg = registry[["commune_code", *cols]].copy()
    for col in ("district_code", "district_name"):
        reg[col] = reg[col].astype("string").str.strip() if col in reg else pd.NA
        reg[col] = reg[col].replace("", pd.NA)
    # Post-2025 provinces have no districts; a province may give names only (former districts, cụm).
    reg["key"] = reg["district_code"].fillna(reg["district_name"])
    merged = communes.merge(reg.dropna(subset=["key"]), on="commune_code", how="inner")
    if merged.empty:
        return _empty_districts()
    rows = []
    for key, group in merged.groupby("key", sort=True):
        geoms = group.geometry.to_numpy()
        try:
            outline = shapely.coverage_union_all(geoms)
        except Exception:  # not a clean coverage: the slower general union still works
            outline = shapely.union_all(geoms)
        code = group["district_code"].dropna()
        name = group["district_name"].dropna()
        rows.append(
            {
                "district_code": str(code.iloc[0]) if len(code) else str(key),
                "district_name": str(name.iloc[0]) if len(name) else str(key),
                "geometry": outline,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def _build(path: Path, code_column: str, tolerance: float, registry: pd.DataFrame) -> Boundaries:
    name = path.name
    problems: list[Problem] = []

    def fail(message: str, column: str | None = None) -> Boundaries:
        problems.append(Problem(name, message, column=column))
        return Boundaries(_empty_communes(), _empty_districts(), tuple(problems), path, mtime)

    try:
        stat = path.stat()
        mtime: datetime | None = datetime.fromtimestamp(stat.st_mtime)
    except OSError:
        mtime = None
        return fail(f"Không tìm thấy tệp ranh giới “{path}”. Bản đồ sẽ không hiển thị.")
    try:
        raw = _read(path)
    except Exception as exc:  # any driver error: the user needs the message, not a traceback
        return fail(
            f"Không đọc được tệp ranh giới (cần GeoJSON, GeoPackage, Shapefile hoặc GeoParquet): {exc}"
        )

    if not isinstance(raw, gpd.GeoDataFrame) or raw.active_geometry_name is None:
        return fail("Tệp ranh giới không có cột hình học (geometry).")

    column = code_column if code_column in raw.columns else None
    if column is None:  # a header typed in other case is the same column to a user
        column = next((c for c in raw.columns if str(c).lower() == code_column.lower()), None)
    if column is None:
        found = ", ".join(str(c) for c in raw.columns if c != raw.geometry.name)
        return fail(
            f"Thiếu cột mã xã “{code_column}” (thiết lập boundary_code_column). "
            f"Các cột có trong tệp: {found or 'không có'}.",
            column=code_column,
        )
    if raw.empty:
        return fail("Tệp ranh giới không có đối tượng nào.")

    frame = gpd.GeoDataFrame(
        {"commune_code": [normalise_code(v) for v in raw[column]]},
        geometry=raw.geometry.to_numpy(),
        crs=raw.crs,
    )
    if frame.crs is None:
        if not _looks_like_lonlat(frame):
            return fail(
                "Tệp ranh giới không ghi hệ tọa độ và tọa độ không phải kinh độ/vĩ độ; "
                "hãy lưu lại tệp kèm hệ tọa độ (ví dụ VN-2000 hoặc WGS 84)."
            )
        frame = frame.set_crs(WGS84)  # no CRS but lon/lat-looking numbers: WGS 84 is the only sane reading
    elif not frame.crs.equals(WGS84):
        try:
            frame = frame.to_crs(WGS84)
        except Exception as exc:
            return fail(f"Không chuyển được hệ tọa độ {frame.crs.name} sang WGS 84: {exc}")

    blank = frame["commune_code"].isna()
    if blank.any():
        rows = [str(int(i) + 2) for i in np.flatnonzero(blank.to_numpy())]  # +2: header row, 1-based
        problems.append(
            Problem(name, f"{int(blank.sum())} đối tượng không có mã xã (dòng {_listing(rows)}); đã bỏ qua.",
                    column=column)
        )  # fmt: skip
        frame = frame[~blank]

    geoms = np.array([_polygonal(g) for g in frame.geometry], dtype=object)
    no_shape = pd.isna(geoms)
    if no_shape.any():
        codes = frame["commune_code"][no_shape].tolist()
        problems.append(
            Problem(name, f"Các xã có mã {_listing(codes)} không có hình dạng vùng hợp lệ; đã bỏ qua.")
        )
    frame = gpd.GeoDataFrame(
        {"commune_code": frame["commune_code"].to_numpy()[~no_shape]},
        geometry=list(geoms[~no_shape]),
        crs=WGS84,
    )

    dupes = frame["commune_code"][frame["commune_code"].duplicated()].unique().tolist()
    if dupes:
        problems.append(
            Problem(name, f"Mã xã bị lặp: {_listing(sorted(dupes))}; các phần cùng mã đã được gộp thành "
                    "một vùng — hãy kiểm tra lại tệp.", column=column)
        )  # fmt: skip
        frame = frame.dissolve(by="commune_code", as_index=False, sort=False)

    frame = frame.reset_index(drop=True)
    frame["geometry"] = _simplify(frame.geometry.to_numpy(), tolerance)
    frame = frame[~frame.geometry.isna() & ~frame.geometry.is_empty].reset_index(drop=True)
    communes = frame[["commune_code", "geometry"]]

    registry_codes = (
        pd.Series([normalise_code(v) for v in registry["commune_code"]], dtype=object)
        if "commune_code" in registry.columns
        else pd.Series([], dtype=object)
    )
    if len(registry_codes):
        have = set(communes["commune_code"])
        known = set(registry_codes.dropna())
        missing = sorted(known - have)
        extra = sorted(have - known)
        if missing:
            problems.append(
                Problem(name, f"{len(missing)} xã trong danh mục chưa có ranh giới: {_listing(missing)}. "
                        "Các xã này không hiện trên bản đồ.")
            )  # fmt: skip
        if extra:
            problems.append(
                Problem(name, f"{len(extra)} vùng trong tệp ranh giới không có trong danh mục xã: "
                        f"{_listing(extra)}.", column=column)
            )  # fmt: skip
        registry = registry.assign(commune_code=registry_codes.to_numpy())
        districts = _dissolve_districts(communes, registry)
    else:
        districts = _empty_districts()

    return Boundaries(communes, districts, tuple(problems), path, mtime)


def _registry_fingerprint(communes: pd.DataFrame) -> str:
    cols = [c for c in ("commune_code", "district_code", "district_name") if c in communes.columns]
    if not cols or communes.empty:
        return "empty:" + ",".join(cols)
    hashed = pd.util.hash_pandas_object(communes[cols].astype("string"), index=False)
    return hashlib.sha1(hashed.to_numpy().tobytes()).hexdigest()


_cache: OrderedDict[tuple, Boundaries] = OrderedDict()
_cache_lock = threading.Lock()


def load_boundaries(cfg: Config, communes: pd.DataFrame) -> Boundaries:
    """The display boundaries for ``cfg.boundaries_file`` joined to the registry ``communes``.

    Cached process-wide on the file's (path, mtime, size), the tolerance, the code column and the
    registry's codes and districts; a missing or broken file gives empty frames and Problems.
    """
    path = Path(cfg.boundaries_file)
    try:
        stat = path.stat()
        file_key: tuple = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        # Not cached: the file may appear any moment, and checking again costs nothing.
        return _build(path, cfg.boundary_code_column, cfg.simplify_tolerance, communes)
    key = (
        *file_key,
        float(cfg.simplify_tolerance),
        cfg.boundary_code_column,
        _registry_fingerprint(communes),
    )
    # One lock for lookup and build: two reruns arriving together build once, not twice.
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        result = _build(path, cfg.boundary_code_column, cfg.simplify_tolerance, communes)
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return result


def clear_cache() -> None:
    """Forget every loaded boundary file (tests; a settings change)."""
    with _cache_lock:
        _cache.clear()
