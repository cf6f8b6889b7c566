"""The administrative units of the demo province: districts, communes, codes, names and population."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.demo import names
from dashboard.demo.geometry import KM_PER_DEG_LAT, KM_PER_DEG_LON, Layout

PROVINCE_CODE = "99"  # not used by any real province
FIRST_DISTRICT_CODE = 81
FIRST_COMMUNE_CODE = 2701
COMMUNE_CODE_STEP = 3  # real registries leave gaps between codes for later splits
# Pairs of rural districts (by order) that each get a commune of the same name, as real provinces have.
REPEATED_NAMES = (("Tân Phú", 1, 4), ("Yên Lạc", 2, 6), ("Hòa Bình", 3, 8), ("Quảng Lợi", 5, 7))


@dataclass(frozen=True)
class Province:
    """The registry (the contract's communes table, one row per commune) and its geometry, aligned."""

    communes: pd.DataFrame  # contract columns plus private ones starting with "_"
    boundaries: list  # shapely polygons, same order as ``communes``
    outline: object  # shapely polygon of the province


def district_order(seeds: np.ndarray, district: np.ndarray) -> np.ndarray:
    """New number of each district: the city first, then clockwise from the north, as registries list them."""
    centre = seeds.mean(axis=0)
    rural = range(1, district.max() + 1)
    angle = {k: np.arctan2(*(seeds[district == k].mean(axis=0) - centre)) % (2 * np.pi) for k in rural}
    order = [0, *sorted(rural, key=angle.get)]
    return np.argsort(order)


def build_province(
    rng: np.random.Generator, layout: Layout, district: np.ndarray, seats: np.ndarray
) -> Province:
    """Number, name and populate every commune; rows sorted by commune code."""
    renumber = district_order(layout.seeds_km, district)
    district = renumber[district]
    seats = seats[np.argsort(renumber)]
    is_seat = np.isin(np.arange(len(district)), seats)
    x, y = layout.seeds_km.T
    # Within a district: the seat first, then north to south, as registries are usually laid out.
    order = np.lexsort((x, -np.round(y / 5.0), ~is_seat, district))
    frame = pd.DataFrame(
        {
            "_district": district[order],
            "_seat": is_seat[order],
            "_x_km": x[order],
            "_y_km": y[order],
            "_area_km2": [_area_km2(layout.communes[i]) for i in order],
        }
    )
    frame.insert(
        0, "commune_code", [f"{FIRST_COMMUNE_CODE + COMMUNE_CODE_STEP * i:05d}" for i in range(len(order))]
    )
    frame["commune_type"] = np.where(
        frame["_district"] == 0, "Phường", np.where(frame["_seat"], "Thị trấn", "Xã")
    )
    frame["district_code"] = [f"{FIRST_DISTRICT_CODE + d:03d}" for d in frame["_district"]]
    frame["district_name"] = [_district_name(d) for d in frame["_district"]]
    frame["commune_name"] = _names(rng, frame)
    frame["population"] = _population(rng, frame)
    columns = ["commune_code", "commune_name", "commune_type", "district_code", "district_name", "population"]
    frame = frame[columns + [c for c in frame.columns if c.startswith("_")]]
    return Province(frame, [layout.communes[i] for i in order], layout.outline)


def _area_km2(polygon: object) -> float:
    return float(polygon.area * KM_PER_DEG_LAT * KM_PER_DEG_LON)


def _district_name(d: int) -> str:
    if d == 0:
        return f"Thành phố {names.CITY_NAME}"
    return f"Huyện {names.RURAL_DISTRICT_NAMES[d - 1]}"


def _names(rng: np.random.Generator, frame: pd.DataFrame) -> list[str]:
    """Wards get street-style names; about half the seats share their district's name; a few repeat."""
    wards = frame["_district"] == 0
    out = pd.Series("", index=frame.index)
    out[wards] = rng.permutation(names.WARD_NAMES)[: wards.sum()]
    generated = iter(names.commune_names(rng, len(frame), exclude=[n for n, _, _ in REPEATED_NAMES]))
    for i in np.flatnonzero(~wards):
        d = frame.at[i, "_district"]
        seat_takes_district_name = frame.at[i, "_seat"] and rng.random() < 0.5
        out[i] = names.RURAL_DISTRICT_NAMES[d - 1] if seat_takes_district_name else next(generated)
    for name, *districts in REPEATED_NAMES:
        for d in districts:
            xa = np.flatnonzero((frame["_district"] == d) & ~frame["_seat"])
            out[xa[rng.integers(len(xa))]] = name
    return list(out)


def _population(rng: np.random.Generator, frame: pd.DataFrame) -> np.ndarray:
    """Rural communes: area × density (thinner in the hilly north); towns and wards: denser, larger."""
    density = (
        260.0 * np.exp(rng.normal(0.0, 0.3, len(frame))) * (1.0 - 0.25 * np.clip(frame["_y_km"] / 35, -1, 1))
    )
    pop = frame["_area_km2"] * density
    pop = np.where(frame["commune_type"] == "Thị trấn", rng.uniform(9_000, 19_000, len(frame)), pop)
    pop = np.where(frame["commune_type"] == "Phường", rng.uniform(11_000, 29_000, len(frame)), pop)
    return np.clip(np.round(pop), 3_000, 30_000).astype(int)
