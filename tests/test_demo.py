"""The demo generator: byte-stable output, sound boundaries, and figures a BCĐ would find plausible."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import shapely
from shapely.geometry import shape

from dashboard import schema
from dashboard.config import PROJECT_ROOT, Config
from dashboard.demo import generate

FILES = (
    "data/communes.csv",
    "data/ratings.csv",
    "data/models.csv",
    "data/tipoffs.csv",
    "data/indicators.csv",
    "data/dataset.json",
    "geo/communes.geojson",
    "geo/province.geojson",
)
AS_OF = pd.Timestamp("2026-10-31")
CFG = Config()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    generate(folder)
    return folder


@pytest.fixture(scope="module")
def tables(out: Path) -> dict[str, pd.DataFrame]:
    # dtype=str and no NA guessing: codes keep their leading zeros, blanks stay "".
    return {
        name: pd.read_csv(out / "data" / f"{name}.csv", dtype=str, keep_default_na=False)
        for name in schema.TABLES
    }


@pytest.fixture(scope="module")
def boundaries(out: Path) -> list[dict]:
    return json.loads((out / "geo" / "communes.geojson").read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def outline(out: Path) -> shapely.Geometry:
    collection = json.loads((out / "geo" / "province.geojson").read_text(encoding="utf-8"))
    return shape(collection["features"][0]["geometry"])


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("name", FILES)
def test_generator_reproduces_committed_file(out: Path, name: str) -> None:
    committed = PROJECT_ROOT / name
    assert committed.exists(), f"{name} is not in the project: run python -m dashboard.demo"
    assert (out / name).read_bytes() == committed.read_bytes(), f"{name} differs from a fresh generation"


@pytest.mark.parametrize("name", FILES)
def test_files_are_utf8_without_bom(out: Path, name: str) -> None:
    raw = (out / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    raw.decode("utf-8")
    assert b"\r\n" not in raw


def test_files_are_small(out: Path) -> None:
    assert sum((out / name).stat().st_size for name in FILES) < 3_000_000


def test_dataset_is_labelled_as_sample(out: Path) -> None:
    info = json.loads((out / "data" / "dataset.json").read_text(encoding="utf-8"))
    assert info["sample"] is True
    assert info["as_of"] == "2026-10-31"
    assert info["province_code"] == "99"
    assert info["province_name"].startswith("Tỉnh ")
    assert "mẫu" in info["note_vi"] and "Sample" in info["note_en"]


# ---------------------------------------------------------------- contract


@pytest.mark.parametrize("table", list(schema.TABLES.values()), ids=list(schema.TABLES))
def test_columns_follow_the_contract(tables: dict[str, pd.DataFrame], table: schema.Table) -> None:
    header = list(tables[table.name].columns)
    known = [c.name for c in table.columns]
    assert set(header) <= set(known), set(header) - set(known)
    assert {c.name for c in table.columns if c.required} <= set(header)


@pytest.mark.parametrize("table", list(schema.TABLES.values()), ids=list(schema.TABLES))
def test_values_follow_the_contract(tables: dict[str, pd.DataFrame], table: schema.Table) -> None:
    frame = tables[table.name]
    for col in table.columns:
        if col.name not in frame:
            continue
        values = frame[col.name]
        if not col.nullable:
            assert (values != "").all(), f"{table.name}.{col.name} has blanks"
        values = values[values != ""]
        if col.choices:
            allowed = set(getattr(CFG, col.choices))
            assert set(values) <= allowed, f"{table.name}.{col.name}: {set(values) - allowed}"
        if col.kind == "code" and col.digits:
            assert values.str.fullmatch(rf"0\d{{{col.digits - 1}}}").all(), f"{table.name}.{col.name}"
        if col.kind == "date":
            assert values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
            assert (pd.to_datetime(values) <= AS_OF).all()
        if col.kind == "bool":
            assert set(values) <= {"Có", "Không"}
        if col.kind in ("int", "year"):
            assert values.str.fullmatch(r"\d+").all(), f"{table.name}.{col.name}"
    assert not frame.duplicated(list(table.key)).any()


@pytest.mark.parametrize("table", ["ratings", "models", "tipoffs"])
def test_every_commune_code_is_in_the_registry(tables: dict[str, pd.DataFrame], table: str) -> None:
    codes = set(tables[table]["commune_code"]) - {""}
    assert codes <= set(tables["communes"]["commune_code"])


# ---------------------------------------------------------------- units and boundaries


def test_units(tables: dict[str, pd.DataFrame]) -> None:
    communes = tables["communes"]
    assert 120 <= len(communes) <= 160
    assert 8 <= communes["district_code"].nunique() <= 10
    assert communes["district_code"].str.fullmatch(r"0\d\d").all()
    city = communes[communes["district_name"].str.startswith("Thành phố")]
    assert city["district_code"].nunique() == 1 and (city["commune_type"] == "Phường").all()
    rural = communes.drop(city.index)
    assert (
        rural.groupby("district_code")["commune_type"].apply(lambda t: (t == "Thị trấn").sum()) == 1
    ).all()
    assert not communes["commune_name"].str.match(r"(Xã|Phường|Thị trấn) ").any()
    population = communes["population"].astype(int)
    assert population.between(3_000, 30_000).all()
    assert population[communes["commune_type"] == "Phường"].median() > population.median()


def test_names_repeat_across_districts_but_not_within(tables: dict[str, pd.DataFrame]) -> None:
    communes = tables["communes"]
    assert communes["commune_name"].duplicated().sum() >= 2
    assert not communes.duplicated(["district_code", "commune_name"]).any()


def test_boundaries_match_the_registry(tables: dict[str, pd.DataFrame], boundaries: list[dict]) -> None:
    props = pd.DataFrame([f["properties"] for f in boundaries])
    assert list(props.columns) == ["commune_code", "commune_name"]
    assert props["commune_code"].is_unique
    merged = tables["communes"].merge(props, on="commune_code", how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["commune_name_x"] == merged["commune_name_y"]).all()


def test_boundaries_are_valid_and_share_edges(boundaries: list[dict], outline: shapely.Geometry) -> None:
    polygons = [shape(f["geometry"]) for f in boundaries]
    assert all(p.geom_type == "Polygon" and p.is_valid for p in polygons)
    assert shapely.coverage_is_valid(shapely.GeometryCollection(polygons))  # no overlaps, no slivers
    union = shapely.union_all(polygons)
    assert union.geom_type == "Polygon" and not union.interiors  # no gaps inside the province
    assert abs(union.area - outline.area) / outline.area < 0.001
    assert abs(sum(p.area for p in polygons) - union.area) / union.area < 1e-9  # no overlaps


def test_boundaries_look_like_real_units(boundaries: list[dict], outline: shapely.Geometry) -> None:
    polygons = [shape(f["geometry"]) for f in boundaries]
    vertices = [shapely.get_num_coordinates(p) for p in polygons]
    assert min(vertices) >= 60
    assert max(vertices) <= 300
    minx, miny, maxx, maxy = outline.bounds
    assert 105 <= minx < maxx <= 107
    assert 20 <= miny < maxy <= 22
    assert 0.6 < maxx - minx < 1.1 and 0.45 < maxy - miny < 0.85  # about 90 × 70 km
    exterior = polygons[0].exterior
    assert exterior.is_ccw  # RFC 7946 winding


def test_districts_are_contiguous(tables: dict[str, pd.DataFrame], boundaries: list[dict]) -> None:
    by_code = {f["properties"]["commune_code"]: shape(f["geometry"]) for f in boundaries}
    for district, group in tables["communes"].groupby("district_code"):
        merged = shapely.union_all([by_code[c] for c in group["commune_code"]])
        assert merged.geom_type == "Polygon", district


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize("year", ["2023", "2024", "2025"])
def test_residential_share(tables: dict[str, pd.DataFrame], year: str) -> None:
    rows = tables["ratings"][tables["ratings"]["year"] == year]
    assert len(rows) == len(tables["communes"])
    met, total = rows["residential_met"].astype(int).sum(), rows["residential_total"].astype(int).sum()
    assert 0.95 <= met / total <= 0.99
    assert 0.90 <= (rows["meets_standard"] == "Có").mean() <= 0.98
    assert (rows["rating"] == "Yếu").sum() <= 2
    assert rows["rating"].isin(["Khá", "Xuất sắc"]).mean() >= 0.9


def test_ratings_follow_scores_and_move(tables: dict[str, pd.DataFrame]) -> None:
    r = tables["ratings"]
    assert set(r["year"]) == {"2023", "2024", "2025"}
    for group, _, _ in schema.STANDARD_GROUPS:
        assert (r[f"{group}_met"].astype(int) <= r[f"{group}_total"].astype(int)).all()
    score = r["score"].astype(float)
    expected = pd.cut(
        score, [0, 50, 70, 90, 101], right=False, labels=["Yếu", "Trung bình", "Khá", "Xuất sắc"]
    )
    assert (r["rating"] == expected.astype(str)).all()
    rank = r.pivot(index="commune_code", columns="year", values="rating").apply(
        lambda s: s.map(CFG.rating_levels.index)
    )
    assert (rank["2025"] > rank["2024"]).sum() >= 5  # communes dropping a level
    assert (rank["2025"] < rank["2024"]).sum() >= 3


@pytest.mark.parametrize(("level", "low", "high"), [("Tỉnh", 4, 6), ("Huyện", 20, 30), ("Xã", 50, 70)])
def test_model_level_mix(tables: dict[str, pd.DataFrame], level: str, low: int, high: int) -> None:
    models = tables["models"][tables["models"]["level"] == level]
    assert low <= len(models) <= high
    if level == "Xã":
        assert (models["commune_code"] != "").all()
    if level == "Tỉnh":
        assert (models["commune_code"] == "").all() and (models["district_code"] == "").all()


def test_models_are_plausible(tables: dict[str, pd.DataFrame]) -> None:
    m = tables["models"]
    assert m["model_id"].str.fullmatch(r"MH-\d{3}").all()
    launched = pd.to_datetime(m["launch_date"])
    assert launched.min() >= pd.Timestamp("2016-01-01")
    assert 3 <= (launched.dt.year == 2026).sum() <= 8
    assert (m.loc[launched.dt.year == 2026, "status"] == "Mới xây dựng").all()
    assert 0.05 <= (m["exemplary"] == "Có").mean() <= 0.15
    assert 0.75 <= m["status"].isin(["Hiệu quả", "Duy trì", "Nhân rộng", "Mới xây dựng"]).mean() < 1
    sites = m["sites"].astype(int)
    assert sites[m["level"] == "Tỉnh"].min() > sites[m["level"] == "Xã"].max()


@pytest.fixture(scope="module")
def tipoffs(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    t = tables["tipoffs"].copy()
    t["received"] = pd.to_datetime(t["received_date"])
    t["resolved"] = pd.to_datetime(t["resolved_date"].replace("", None))
    return t


@pytest.mark.parametrize("start", ["2023-11-01", "2024-11-01", "2025-11-01"])
def test_tipoffs_per_reporting_year(tipoffs: pd.DataFrame, start: str) -> None:
    begin = pd.Timestamp(start)
    year = tipoffs[(tipoffs["received"] >= begin) & (tipoffs["received"] < begin + pd.DateOffset(years=1))]
    assert 1_050 <= len(year) <= 1_400


def test_tipoffs_peak_before_tet(tipoffs: pd.DataFrame) -> None:
    month = tipoffs["received"].dt.month.value_counts()
    assert month[[12, 1]].mean() > 1.1 * month[[3, 4, 5, 9, 10]].mean()


def test_tipoff_handling(tipoffs: pd.DataFrame) -> None:
    t = tipoffs
    assert t["tipoff_id"].is_unique and t["tipoff_id"].str.fullmatch(r"TB-\d{4}-\d{5}").all()
    assert (t["tipoff_id"].str[3:7] == t["received_date"].str[:4]).all()
    handled = t["status"].isin(CFG.tipoff_handled_statuses)
    assert t["resolved"].notna().eq(handled).all()
    days = (t["resolved"] - t["received"]).dt.days[handled]
    assert (days >= 0).all() and (t["resolved"][handled] <= AS_OF).all()
    assert 0.8 <= (days <= 20).mean() < 1
    assert (t["outcome"] != "").eq(t["status"] == "Đã giải quyết").all()
    older = t["received"] < AS_OF - pd.Timedelta(days=90)
    assert handled[older].mean() > 0.999
    overdue = ~handled & ((AS_OF - t["received"]).dt.days > CFG.tipoff_deadline_days)
    assert 5 <= overdue.sum() <= 15


@pytest.mark.parametrize(
    ("column", "value", "low", "high"),
    [
        ("kind", "Tố giác", 0.50, 0.60),
        ("kind", "Tin báo", 0.35, 0.45),
        ("kind", "Kiến nghị khởi tố", 0.03, 0.07),
        ("outcome", "Khởi tố", 0.40, 0.50),
        ("outcome", "Tạm đình chỉ", 0.07, 0.13),
    ],
)
def test_tipoff_mix(tipoffs: pd.DataFrame, column: str, value: str, low: float, high: float) -> None:
    values = tipoffs.loc[tipoffs[column] != "", column]
    assert low <= (values == value).mean() <= high


def test_theft_is_the_most_common_category(tipoffs: pd.DataFrame) -> None:
    assert tipoffs["category"].value_counts().index[0] == "Trộm cắp tài sản"


def test_no_personal_data_in_tipoffs(tables: dict[str, pd.DataFrame]) -> None:
    columns = [c.lower() for c in tables["tipoffs"].columns]
    for forbidden in schema.FORBIDDEN_TIPOFF_COLUMNS:
        assert not any(forbidden in c for c in columns), forbidden
    assert "count" not in columns
    assert not tables["tipoffs"].apply(lambda s: s.str.contains(r"\d{9,}")).any().any()  # phone / ID numbers


@pytest.mark.parametrize(
    ("indicator", "unit", "low", "high"),
    [
        ("Hội nghị, họp dân", "cuộc", 1_000, 10_000),
        ("Lượt người tham dự", "lượt", 50_000, 1_000_000),
        ("Tờ rơi, tài liệu tuyên truyền", "tờ", 10_000, 500_000),
        ("Đối tượng truy nã bắt, vận động đầu thú", "đối tượng", 5, 80),
        ("Vụ việc hòa giải thành", "vụ", 100, 3_000),
        ("Tổ an ninh nhân dân", "tổ", 500, 5_000),
    ],
)
def test_indicators(tables: dict[str, pd.DataFrame], indicator: str, unit: str, low: int, high: int) -> None:
    rows = tables["indicators"][tables["indicators"]["indicator"] == indicator]
    assert set(rows["unit"]) == {unit}
    assert set(rows["period"]) == {"2023", "2024", "2025"}
    value = rows["value"].astype(int)
    province = rows["unit_code"] == "99"
    assert province.sum() == 3
    assert set(rows.loc[~province, "unit_code"]) == set(tables["communes"]["district_code"])
    for period, group in rows.assign(value=value).groupby("period"):
        total = group.loc[group["unit_code"] == "99", "value"].iloc[0]
        assert total == group.loc[group["unit_code"] != "99", "value"].sum(), period
        assert low <= total <= high
