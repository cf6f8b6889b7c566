"""Loads the commune boundary file once: reproject, repair, join the registry, simplify, dissolve districts.

The join is by code or by (district, name) as the settings say (see ``dashboard.matching``); what
does not join is reported, never guessed.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard import matching, memory
from dashboard.config import Config
from dashboard.matching import MatchReport
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
    matching: MatchReport | None = None  # None when the file could not be read at all
    matching_problems: tuple[Problem, ...] = ()  # the Problems that sum the report up (also in problems)


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
    return matching.normalise_code(value)


def _read(path: Path, layer: str, wanted: list[str]) -> gpd.GeoDataFrame:
    """The file's features; in a GeoPackage of several layers, the named one or the one with our columns."""
    if path.suffix.lower() in {".parquet", ".geoparquet"}:
        return gpd.read_parquet(path)
    # GDAL's reader only for the formats that need it: ~27 MB of the server's memory for GeoParquet.
    import pyogrio

    if layer:
        return gpd.read_file(path, layer=layer)
    layers = [str(row[0]) for row in pyogrio.list_layers(path)]
    if len(layers) > 1:
        # GADM's national GeoPackage holds levels 0-3; the first layer is the whole country.
        for name in layers:
            columns = {str(c).lower() for c in pyogrio.read_info(path, layer=name)["fields"]}
            if all(w.lower() in columns for w in wanted):
                return gpd.read_file(path, layer=name)
    return gpd.read_file(path, layer=layers[0] if layers else None)


def _looks_like_lonlat(frame: gpd.GeoDataFrame) -> bool:
    minx, miny, maxx, maxy = frame.total_bounds
    return (
        bool(np.isfinite([minx, miny, maxx, maxy]).all())
        and -180 <= minx <= maxx <= 180
        and (-90 <= miny <= maxy <= 90)
    )


def _looks_like_degrees(frame: gpd.GeoDataFrame) -> bool:
    """Projected metres span kilometres; a whole province in metres never fits inside 360 × 180."""
    minx, miny, maxx, maxy = frame.total_bounds
    return (
        _looks_like_lonlat(frame)
        and max(abs(minx), abs(maxx), abs(miny), abs(maxy)) > 0
        and (maxx - minx < 20 and maxy - miny < 20)
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


def _is_coverage(geoms: np.ndarray) -> bool:
    # Coverage operations on overlapping polygons (GADM neighbours overlap a little) silently give
    # wrong shapes instead of failing, so they are only used when the input really is a coverage.
    try:
        return bool(shapely.coverage_is_valid(geoms))
    except Exception:
        return False


def _simplify(geoms: np.ndarray, tolerance: float) -> np.ndarray:
    """Simplify the whole coverage at once so shared edges stay shared (no gaps, no slivers)."""
    original = geoms.copy()
    if tolerance > 0:
        try:
            if not _is_coverage(geoms):
                raise ValueError("not a coverage")
            geoms = shapely.coverage_simplify(geoms, tolerance, simplify_boundary=True)
        except Exception:  # GEOS rejects some non-coverages; fall back rather than show nothing
            geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    geoms = shapely.set_precision(geoms, DISPLAY_GRID)
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms[bad] = [_polygonal(g) for g in geoms[bad]]
    # A unit made only of islands smaller than the grid would vanish: every unit must stay on the map.
    lost = pd.isna(geoms) | shapely.is_empty(np.where(pd.isna(geoms), None, geoms))
    if lost.any():
        geoms[lost] = original[lost]
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
        outline = shapely.coverage_union_all(geoms) if _is_coverage(geoms) else shapely.union_all(geoms)
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


def _find_column(raw: gpd.GeoDataFrame, wanted: str) -> str | None:
    """The column called ``wanted``, ignoring case: a header typed in other case is the same to a user."""
    if wanted in raw.columns:
        return wanted
    return next((c for c in raw.columns if str(c).lower() == wanted.lower()), None)


def _filter_key(value: object) -> str:
    # "Tỉnh Hà Nam", "Hà Nam" and GADM's "HàNam" are one province.
    key = matching.district_key(value)
    return matching._strip_prefix(key, (matching.type_key("Tỉnh"),))


def _apply_filter(raw: gpd.GeoDataFrame, wanted: dict[str, object]) -> tuple[gpd.GeoDataFrame, str | None]:
    """Only the features whose columns hold the wanted values (names compared like commune names)."""
    keep = np.ones(len(raw), dtype=bool)
    for name, value in wanted.items():
        column = _find_column(raw, str(name))
        if column is None:
            return raw, f"Thiếu cột “{name}” được nêu trong thiết lập boundary_filter."
        values = value if isinstance(value, list) else [value]
        keys = {_filter_key(v) for v in values}
        keep &= raw[column].map(_filter_key).isin(keys).to_numpy()
    return raw[keep], None


def _feature_side(frame: pd.DataFrame, labels: list[str], with_districts: bool) -> matching.Side:
    names = frame["_name"].tolist()
    districts = frame["_district"].tolist()
    return matching.Side(
        units=[
            matching.Unit(label, matching._text(n), matching._text(d))
            for label, n, d in zip(labels, names, districts, strict=True)
        ],
        codes=frame["commune_code"].tolist(),
        names=[matching.name_key(n) for n in names],
        districts=[matching.district_key(d) if with_districts else "" for d in districts],
        types=[matching.type_key(t) for t in frame["_type"].tolist()],
    )


_COLUMN_WHAT = {
    "boundary_code_column": "mã xã",
    "boundary_name_column": "tên xã",
    "boundary_district_column": "tên huyện",
    "boundary_type_column": "loại đơn vị",
}


def _build(path: Path, cfg: Config, registry: pd.DataFrame) -> Boundaries:
    name = path.name
    problems: list[Problem] = []
    by_name = cfg.boundary_match.strip().lower() == "name"
    tolerance = cfg.simplify_tolerance

    def fail(message: str, column: str | None = None) -> Boundaries:
        problems.append(Problem(name, message, column=column))
        return Boundaries(_empty_communes(), _empty_districts(), tuple(problems), path, mtime)

    try:
        stat = path.stat()
        mtime: datetime | None = datetime.fromtimestamp(stat.st_mtime)
    except OSError:
        mtime = None
        return fail(f"Không tìm thấy tệp ranh giới “{path}”. Bản đồ sẽ không hiển thị.")
    if cfg.boundary_match.strip().lower() not in ("code", "name"):
        return fail(f"Thiết lập boundary_match = “{cfg.boundary_match}” phải là code hoặc name.")

    # Which settings name the columns we need, in the order the user should fix them.
    needed = {
        "boundary_name_column": cfg.boundary_name_column if by_name else "",
        "boundary_code_column": "" if by_name else cfg.boundary_code_column,
    }
    if by_name and not cfg.boundary_name_column:
        return fail("boundary_match = name cần thiết lập boundary_name_column (cột tên xã, GADM: NAME_3).")
    optional = {
        "boundary_name_column": "" if by_name else cfg.boundary_name_column,
        "boundary_district_column": cfg.boundary_district_column,
        "boundary_type_column": cfg.boundary_type_column,
    }
    try:
        raw = _read(path, cfg.boundary_layer, [c for c in needed.values() if c])
    except Exception as exc:  # any driver error: the user needs the message, not a traceback
        return fail(
            f"Không đọc được tệp ranh giới (cần GeoJSON, GeoPackage, Shapefile hoặc GeoParquet): {exc}"
        )

    if not isinstance(raw, gpd.GeoDataFrame) or raw.active_geometry_name is None:
        return fail("Tệp ranh giới không có cột hình học (geometry).")

    columns: dict[str, str | None] = {}
    for setting, wanted in [*needed.items(), *optional.items()]:
        if not wanted:
            columns.setdefault(setting, None)
            continue
        found = _find_column(raw, wanted)
        if found is None:
            listed = ", ".join(str(c) for c in raw.columns if c != raw.geometry.name)
            what = _COLUMN_WHAT[setting]
            return fail(
                f"Thiếu cột {what} “{wanted}” (thiết lập {setting}). "
                f"Các cột có trong tệp: {listed or 'không có'}.",
                column=wanted,
            )
        columns[setting] = found
    raw = raw.reset_index(drop=True)  # positions in the file, kept through the filter for row numbers
    if cfg.boundary_filter:
        raw, message = _apply_filter(raw, cfg.boundary_filter)
        if message:
            return fail(message)
    if raw.empty:
        return fail(
            "Tệp ranh giới không có đối tượng nào"
            + (" khớp với boundary_filter." if cfg.boundary_filter else ".")
        )

    code_col = columns["boundary_code_column"]
    # Row numbers in the whole file (before boundary_filter), counted like the tables: first feature = row 2.
    rows = [str(int(i) + 2) for i in raw.index]

    def attr(setting: str) -> list:
        col = columns.get(setting)
        return raw[col].tolist() if col else [None] * len(raw)

    frame = gpd.GeoDataFrame(
        {
            "commune_code": [normalise_code(v) for v in raw[code_col]] if code_col else [None] * len(raw),
            "_name": attr("boundary_name_column"),
            "_district": attr("boundary_district_column"),
            "_type": attr("boundary_type_column"),
            "_row": rows,
        },
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
    elif frame.crs.is_geographic and not _looks_like_lonlat(frame):
        # GeoJSON is lon/lat by definition, so a GeoJSON of metres (VN-2000, UTM) is read as lon/lat;
        # a .prj saying WGS 84 over metres does the same. Drawing it would put the province off the map.
        minx, miny, maxx, maxy = frame.total_bounds
        return fail(
            f"Tệp ranh giới ghi hệ tọa độ kinh độ/vĩ độ ({frame.crs.name}) nhưng tọa độ không phải độ "
            f"(x từ {minx:.0f} đến {maxx:.0f}, y từ {miny:.0f} đến {maxy:.0f}), có lẽ là mét theo VN-2000 "
            "hoặc UTM; "
            "hãy xuất lại tệp kèm đúng hệ tọa độ (ví dụ VN-2000 / UTM múi 48N, EPSG:3405), "
            "hoặc chuyển sang WGS 84 trước khi dùng."
        )
    elif frame.crs.is_projected and _looks_like_degrees(frame):
        return fail(
            f"Tệp ranh giới ghi hệ tọa độ phẳng tính bằng mét ({frame.crs.name}) nhưng tọa độ trông như "
            "kinh độ/vĩ độ (độ); hãy lưu lại tệp với hệ tọa độ WGS 84 (EPSG:4326)."
        )
    elif not frame.crs.equals(WGS84):
        try:
            frame = frame.to_crs(WGS84)
        except Exception as exc:
            return fail(f"Không chuyển được hệ tọa độ {frame.crs.name} sang WGS 84: {exc}")

    if not by_name:
        blank = frame["commune_code"].isna()
        if blank.any():
            listed = _listing(frame["_row"][blank].tolist())
            problems.append(
                Problem(name, f"{int(blank.sum())} đối tượng không có mã xã (dòng {listed}); đã bỏ qua.",
                        column=code_col)
            )  # fmt: skip
            frame = frame[~blank]

    geoms = np.array([_polygonal(g) for g in frame.geometry], dtype=object)
    no_shape = pd.isna(geoms)
    if no_shape.any():
        shown = [
            c or f"dòng {r}"
            for c, r in zip(frame["commune_code"][no_shape], frame["_row"][no_shape], strict=True)
        ]
        problems.append(
            Problem(name, f"Các xã có mã {_listing(shown)} không có hình dạng vùng hợp lệ; đã bỏ qua.")
        )
    frame = gpd.GeoDataFrame(
        frame.drop(columns="geometry")[~no_shape], geometry=list(geoms[~no_shape]), crs=WGS84
    )

    if not by_name:
        dupes = frame["commune_code"][frame["commune_code"].duplicated()].unique().tolist()
        if dupes:
            problems.append(
                Problem(name, f"Mã xã bị lặp: {_listing(sorted(dupes))}; các phần cùng mã đã được gộp thành "
                        "một vùng — hãy kiểm tra lại tệp.", column=code_col)
            )  # fmt: skip
            frame = frame.dissolve(by="commune_code", as_index=False, sort=False, aggfunc="first")
    frame = frame.reset_index(drop=True)

    has_registry = "commune_code" in registry.columns and len(registry) > 0
    registry = registry.assign(commune_code=[normalise_code(v) for v in registry["commune_code"]]) if (
        has_registry
    ) else registry  # fmt: skip
    report, summary = None, []
    if has_registry:
        frame, report = _join(frame, registry, cfg, by_name, columns)
        summary = _summary_problems(name, report, code_col)
        problems += summary
    elif by_name:  # without a registry there are no codes to give the features: nothing can be drawn
        frame = frame.iloc[0:0]

    frame["geometry"] = _simplify(frame.geometry.to_numpy(), tolerance)
    frame = frame[~frame.geometry.isna() & ~frame.geometry.is_empty].reset_index(drop=True)
    communes = gpd.GeoDataFrame(frame[["commune_code", "geometry"]], geometry="geometry", crs=WGS84)
    districts = _dissolve_districts(communes, registry) if has_registry else _empty_districts()
    return Boundaries(communes, districts, tuple(problems), path, mtime, report, tuple(summary))


def _join(
    frame: gpd.GeoDataFrame, registry: pd.DataFrame, cfg: Config, by_name: bool, columns: dict
) -> tuple[gpd.GeoDataFrame, MatchReport]:
    """Codes for the features (by name: the registry's code of the exact match) and the match report."""
    notes = []
    with_districts = bool(columns.get("boundary_district_column"))
    if by_name and with_districts and not matching.has_district_names(registry):
        with_districts = False
        notes.append(
            "Danh mục xã không có tên huyện nên so tên xã trong cả tỉnh (bỏ qua boundary_district_column)."
        )
    elif by_name and not with_districts:
        notes.append("So tên xã trong cả tỉnh (không có boundary_district_column).")
    labels = [
        (c or f"dòng {r}") if not by_name else f"dòng {r}"
        for c, r in zip(frame["commune_code"], frame["_row"], strict=True)
    ]
    features = _feature_side(frame, labels, with_districts)
    units = matching.registry_side(registry, with_districts)
    if len(features.units) > 3 * max(len(units.units), 1):
        notes.append(
            f"Tệp ranh giới có {len(features.units)} vùng, nhiều hơn hẳn {len(units.units)} đơn vị "
            "trong danh mục: có thể là tệp của cả nước — hãy đặt boundary_filter, "
            'ví dụ {NAME_1 = "Tên tỉnh"}.'
        )
    pairs, report = matching.match(units, features, "name" if by_name else "code", notes)
    if by_name:
        codes = registry["commune_code"].tolist()
        frame = frame.assign(
            commune_code=[codes[pairs[i]] if i in pairs else None for i in range(len(frame))]
        )
        # Unjoined features have no code to colour them by; the report lists every one of them.
        frame = frame[frame["commune_code"].notna()].reset_index(drop=True)
    return frame, report


def _summary_problems(file: str, report: MatchReport, code_col: str | None) -> list[Problem]:
    """One short Problem per kind of mismatch; the full list with candidates is the match report."""
    out = []
    if report.missing:
        shown = [m.unit.label for m in report.missing]
        out.append(
            Problem(file, f"{len(shown)} xã trong danh mục chưa có ranh giới: {_listing(shown)}. "
                    "Các xã này không hiện trên bản đồ.")
        )  # fmt: skip
    if report.ambiguous:
        shown = [a.name for a in report.ambiguous]
        out.append(Problem(file, f"{len(shown)} tên xã bị trùng nên chưa nối được: {_listing(shown)}."))
    if report.extra:
        shown = [e.unit.label if report.mode == "code" else e.unit.describe() for e in report.extra]
        out.append(
            Problem(file, f"{len(shown)} vùng trong tệp ranh giới không có trong danh mục xã: "
                    f"{_listing(shown)}.", column=code_col)
        )  # fmt: skip
    return out


def _registry_fingerprint(communes: pd.DataFrame) -> str:
    cols = [
        c
        for c in ("commune_code", "commune_name", "commune_type", "district_code", "district_name")
        if c in communes.columns
    ]
    if not cols or communes.empty:
        return "empty:" + ",".join(cols)
    # Computed on every rerun that draws a map: plain text joined and hashed once is a fraction of a
    # millisecond for a province (pandas' per-column hashing took ~10 ms).
    rows = communes[cols].itertuples(index=False, name=None)
    text = "\x1e".join("\x1f".join(map(str, row)) for row in rows)
    return hashlib.sha1(f"{','.join(cols)}\x1d{text}".encode()).hexdigest()


_cache: OrderedDict[tuple, Boundaries] = OrderedDict()
_cache_lock = threading.Lock()
# The last file that gave a map, per (path, settings, registry): a broken replacement is reported
# while the map keeps showing these boundaries, as the data tables keep their last valid version.
_last_good: dict[tuple, Boundaries] = {}


def _settings_key(cfg: Config) -> tuple:
    """Every setting the result depends on (dicts made hashable)."""
    return (
        float(cfg.simplify_tolerance),
        cfg.boundary_code_column,
        cfg.boundary_match,
        cfg.boundary_name_column,
        cfg.boundary_district_column,
        cfg.boundary_type_column,
        cfg.boundary_layer,
        repr(sorted(cfg.boundary_filter.items())),
    )


def load_boundaries(cfg: Config, communes: pd.DataFrame) -> Boundaries:
    """The display boundaries for ``cfg.boundaries_file`` joined to the registry ``communes``.

    Cached process-wide on the file's (path, mtime, size), the boundary settings and the registry's
    codes, names and districts; a missing or broken file gives empty frames and Problems.
    """
    path = Path(cfg.boundaries_file)
    try:
        stat = path.stat()
        file_key: tuple = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except OSError:
        # Not cached: the file may appear any moment, and checking again costs nothing.
        return _build(path, cfg, communes)
    fingerprint = (str(path.resolve()), *_settings_key(cfg), _registry_fingerprint(communes))
    key = (*file_key, *fingerprint[1:])
    # One lock for lookup and build: two reruns arriving together build once, not twice.
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        result = _with_last_good(_build(path, cfg, communes), fingerprint)
        memory.release()  # the raw shapes and their simplification: hundreds of MB for a country
        _cache[key] = result
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return result


def _with_last_good(result: Boundaries, fingerprint: tuple) -> Boundaries:
    """A file that gives no map at all shows the last one that did, with the new file's problems."""
    if not result.communes.empty:
        _last_good[fingerprint] = result
        return result
    last = _last_good.get(fingerprint)
    if last is None or not result.problems:
        return result
    when = f" (tệp lúc {last.mtime:%H:%M %d/%m/%Y})" if last.mtime else ""
    kept = Problem(
        result.problems[0].file,
        f"Bản đồ đang dùng bản ranh giới hợp lệ gần nhất{when} cho đến khi tệp được sửa.",
    )
    return replace(last, problems=(*result.problems, kept), mtime=result.mtime or last.mtime)


def clear_cache() -> None:
    """Forget every loaded boundary file (tests; a settings change)."""
    with _cache_lock:
        _cache.clear()
        _last_good.clear()
