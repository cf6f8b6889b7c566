"""Generates the benchmark's province and country scales under bench/out/ (never data/ or geo/).

Boundaries are a Voronoi tessellation of jittered grid seeds, densified to about ``vertices``
points per commune and bent by a smooth displacement field. The field is a function of position
only, so the two sides of a shared edge move together and the communes stay a clean coverage,
as real boundary files are; the wiggles make simplification do real work, as it does on real
rivers and roads. The tables are the demo province's tables repeated: copy ``c`` of demo commune
``j`` becomes commune ``c·n_demo + j`` with the same ratings, models and tip-offs.
"""

from __future__ import annotations

import json
import math
import shutil
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.config import PROJECT_ROOT

OUT = Path(__file__).resolve().parent / "out"
DEMO_DATA = PROJECT_ROOT / "data"
DEMO_GEO = PROJECT_ROOT / "geo" / "communes.geojson"
COMMUNES_PER_DISTRICT = 12  # about the size of a pre-2025 district
KM2_PER_COMMUNE = 30.0  # Vietnam's 331,000 km² over 10,600 communes
DEG_KM = 111.0


@dataclass(frozen=True)
class Scale:
    """One size of map to measure."""

    name: str
    communes: int  # 0: the bundled demo province as it is
    vertices: int = 300
    km2_per_commune: float = KM2_PER_COMMUNE
    # The dashboard's simplify_tolerance setting for this scale (None: the default, ~50 m). A whole
    # country is shown at ~1 km per pixel, where ~200 m of detail cannot be seen.
    simplify_tolerance: float | None = None


SCALES: dict[str, Scale] = {
    "demo": Scale("demo", 0),
    "province": Scale("province", 250),
    # The country keeps its area when communes merge: post-2025 communes are about 3× larger.
    "country3321": Scale(
        "country3321", 3_321, km2_per_commune=KM2_PER_COMMUNE * 10_600 / 3_321, simplify_tolerance=0.002
    ),
    "country10600": Scale("country10600", 10_600, simplify_tolerance=0.002),
}


def _displace(xy: np.ndarray, cell: float, rng_seed: int) -> np.ndarray:
    """A smooth, small displacement of each point: three octaves of random plane waves."""
    rng = np.random.default_rng(rng_seed)
    out = xy.copy()
    # (wavelength, amplitude) as fractions of the cell size; amplitude × 2π / wavelength stays
    # well below 1 in sum, so edges bend without folding over.
    for wavelength, amplitude in ((1.0, 0.05), (0.25, 0.012), (0.07, 0.002)):
        for axis in (0, 1):
            angle = rng.uniform(0, 2 * np.pi)
            k = 2 * np.pi / (wavelength * cell)
            phase = rng.uniform(0, 2 * np.pi)
            proj = xy[:, 0] * np.cos(angle) + xy[:, 1] * np.sin(angle)
            out[:, axis] += amplitude * cell * np.sin(k * proj + phase)
    return out


def boundaries(scale: Scale, seed: int = 7) -> gpd.GeoDataFrame:
    """``scale.communes`` commune polygons (commune_code, geometry) in lon/lat, sharing edges."""
    n = scale.communes
    cell = math.sqrt(scale.km2_per_commune) / DEG_KM  # side of an average commune, in degrees
    cols = math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    rng = np.random.default_rng(seed)
    grid = np.array([(i % cols, i // cols) for i in range(n)], dtype=float)
    seeds = (grid + 0.5 + rng.uniform(-0.3, 0.3, size=grid.shape)) * cell + (105.0, 20.0)
    frame = shapely.box(105.0, 20.0, 105.0 + cols * cell, 20.0 + rows * cell)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=frame, ordered=True)
    )
    cells = shapely.intersection(cells, frame)
    # One segment length for every commune: both sides of a shared edge get the same new points.
    segment = 3.7 * cell / scale.vertices
    cells = shapely.segmentize(cells, segment)
    cells = shapely.transform(cells, lambda xy: np.round(_displace(xy, cell, seed), 6))
    codes = [f"{i + 1:05d}" for i in range(n)]
    return gpd.GeoDataFrame({"commune_code": codes}, geometry=cells, crs="EPSG:4326")


def _remap(frame: pd.DataFrame, column: str, mapping: dict[str, str]) -> pd.Series:
    return frame[column].map(mapping)


def tables(n: int) -> dict[str, pd.DataFrame]:
    """The demo's tables repeated over ``n`` communes (codes 00001…), 12 communes to a district."""
    read = {"dtype": str, "keep_default_na": False}
    demo = {
        name: pd.read_csv(DEMO_DATA / f"{name}.csv", **read)
        for name in ("communes", "ratings", "models", "tipoffs")
    }
    base = demo["communes"]
    n_demo = len(base)
    new = pd.DataFrame({"commune_code": [f"{i + 1:05d}" for i in range(n)]})
    demo_row = base.iloc[[i % n_demo for i in range(n)]].reset_index(drop=True)
    copy = np.arange(n) // n_demo
    new["commune_name"] = demo_row["commune_name"] + [f" {c + 1}" for c in copy]
    new["commune_type"] = demo_row["commune_type"]
    district = np.arange(n) // COMMUNES_PER_DISTRICT
    new["district_code"] = [f"{d + 1:03d}" for d in district]
    new["district_name"] = [f"Huyện Thử {d + 1}" for d in district]
    new["population"] = demo_row["population"]

    ratings, models, tipoffs = [], [], []
    province_models = demo["models"][
        demo["models"]["commune_code"].eq("") & demo["models"]["district_code"].eq("")
    ]
    models.append(province_models)
    for c in range(math.ceil(n / n_demo)):
        part = new.iloc[c * n_demo : (c + 1) * n_demo]
        codes = dict(zip(base["commune_code"].iloc[: len(part)], part["commune_code"], strict=True))
        # A demo district becomes the district of its first commune in this copy.
        districts: dict[str, str] = {}
        for old, new_district in zip(
            base["district_code"].iloc[: len(part)], part["district_code"], strict=True
        ):
            districts.setdefault(old, new_district)
        r = demo["ratings"].assign(commune_code=_remap(demo["ratings"], "commune_code", codes))
        ratings.append(r.dropna(subset=["commune_code"]))
        t = demo["tipoffs"].assign(commune_code=_remap(demo["tipoffs"], "commune_code", codes))
        t = t.dropna(subset=["commune_code"])
        tipoffs.append(t.assign(tipoff_id=t["tipoff_id"] + f"-{c}"))
        m = demo["models"]
        m = m[m["commune_code"].ne("") | m["district_code"].ne("")].copy()
        m["commune_code"] = m["commune_code"].map(codes).where(m["commune_code"].ne(""), "")
        m["district_code"] = m["district_code"].map(districts).where(m["district_code"].ne(""), "")
        m = m[m["commune_code"].notna() & m["district_code"].notna()]
        # A commune-level model sits in its commune's district.
        at_commune = m["commune_code"].ne("")
        m.loc[at_commune, "district_code"] = m.loc[at_commune, "commune_code"].map(
            dict(zip(new["commune_code"], new["district_code"], strict=True))
        )
        models.append(m.assign(model_id=m["model_id"] + f"-{c}"))
    return {
        "communes": new,
        "ratings": pd.concat(ratings, ignore_index=True),
        "models": pd.concat(models, ignore_index=True),
        "tipoffs": pd.concat(tipoffs, ignore_index=True),
    }


def settings_for(scale: Scale, out: Path = OUT) -> Path:
    """The settings file of ``scale``, generating its data and boundaries first if missing."""
    if scale.communes == 0:
        folder = out / "demo"
        folder.mkdir(parents=True, exist_ok=True)
        settings = folder / "settings.toml"
        settings.write_text(f'data_dir = "{DEMO_DATA}"\nboundaries_file = "{DEMO_GEO}"\n', encoding="utf-8")
        return settings
    folder = out / scale.name
    settings = folder / "settings.toml"
    lines = 'data_dir = "data"\nboundaries_file = "geo/communes.parquet"\n'
    if scale.simplify_tolerance is not None:
        lines += f"simplify_tolerance = {scale.simplify_tolerance}\n"
    if settings.exists():
        settings.write_text(lines, encoding="utf-8")  # the settings may change; the data stays
        return settings
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "data").mkdir(parents=True)
    (folder / "geo").mkdir()
    for name, frame in tables(scale.communes).items():
        frame.to_csv(folder / "data" / f"{name}.csv", index=False)
    meta = json.loads((DEMO_DATA / "dataset.json").read_text(encoding="utf-8"))
    meta["province_name"] = f"Bench {scale.name}"
    (folder / "data" / "dataset.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    boundaries(scale).to_parquet(folder / "geo" / "communes.parquet")
    # Written last: its presence means the folder is complete.
    settings.write_text(lines, encoding="utf-8")
    return settings


def tipoff_rows(n: int, seed: int = 11) -> pd.DataFrame:
    """``n`` tip-offs drawn from the demo's, on the demo communes, with unique ids."""
    demo = pd.read_csv(DEMO_DATA / "tipoffs.csv", dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    rows = demo.iloc[rng.integers(0, len(demo), size=n)].reset_index(drop=True)
    rows["tipoff_id"] = [f"TB-B-{i:07d}" for i in range(n)]
    return rows


def tipoff_data(n: int, fmt: str, out: Path = OUT) -> Path:
    """A data folder with the demo tables and ``n`` tip-offs as ``fmt`` (csv or parquet)."""
    folder = out / f"tipoffs-{n}-{fmt}"
    done = folder / ".complete"
    if done.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for path in DEMO_DATA.iterdir():
        if path.suffix in (".csv", ".json") and path.stem != "tipoffs":
            shutil.copy(path, folder / path.name)
    rows = tipoff_rows(n)
    if fmt == "parquet":
        rows.to_parquet(folder / "tipoffs.parquet", index=False)
    else:
        rows.to_csv(folder / "tipoffs.csv", index=False)
    done.touch()
    return folder


def naive_app() -> Path:
    """The naive app, copied under bench/out/: it puts Leaflet in static/ next to itself, never in bench/."""
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / "naive_app.py"
    shutil.copy(Path(__file__).with_name("naive_app.py"), target)
    return target
