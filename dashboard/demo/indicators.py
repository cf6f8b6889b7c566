"""Other yearly figures a BCĐ report carries, per district and for the province, as a long table."""

from __future__ import annotations

import numpy as np
import pandas as pd

YEARS = (2023, 2024, 2025)
INDICATORS = (
    ("Hội nghị, họp dân", "cuộc"),
    ("Lượt người tham dự", "lượt"),
    ("Tờ rơi, tài liệu tuyên truyền", "tờ"),
    ("Đối tượng truy nã bắt, vận động đầu thú", "đối tượng"),
    ("Vụ việc hòa giải thành", "vụ"),
    ("Tổ an ninh nhân dân", "tổ"),
)


def build_indicators(
    rng: np.random.Generator, communes: pd.DataFrame, ratings: pd.DataFrame, province_code: str
) -> pd.DataFrame:
    """Rows (period, unit_code, indicator, value, unit); the province's value is the sum of its districts'."""
    areas = ratings[ratings["year"] == YEARS[0]].set_index("commune_code")["residential_total"]
    by_district = communes.assign(areas=communes["commune_code"].map(areas)).groupby("district_code")
    sizes = by_district[["areas", "population"]].sum()
    teams = np.round(sizes["areas"].to_numpy() * rng.uniform(0.9, 1.3, len(sizes)))
    rows = []
    for step, year in enumerate(YEARS):
        values = _district_values(rng, sizes, teams + step * rng.integers(0, 3, len(sizes)))
        for code, row in zip(sizes.index, values, strict=True):
            rows += [
                (str(year), code, name, v, unit) for (name, unit), v in zip(INDICATORS, row, strict=True)
            ]
        total = values.sum(axis=0)
        rows += [
            (str(year), province_code, name, v, unit)
            for (name, unit), v in zip(INDICATORS, total, strict=True)
        ]
    frame = pd.DataFrame(rows, columns=["period", "unit_code", "indicator", "value", "unit"])
    frame["value"] = frame["value"].astype(int)
    return frame


def _district_values(rng: np.random.Generator, sizes: pd.DataFrame, teams: np.ndarray) -> np.ndarray:
    """One row per district, one column per indicator, in the order of INDICATORS."""
    n = len(sizes)
    meetings = np.round(sizes["areas"].to_numpy() * rng.uniform(2.5, 4.0, n))
    attendance = np.round(meetings * rng.uniform(55, 90, n))
    leaflets = np.round(sizes["population"].to_numpy() * rng.uniform(0.04, 0.09, n), -1)
    wanted = rng.poisson(2.5, n)  # the seed province reports 23 in a year
    mediated = np.round(sizes["population"].to_numpy() / 1000 * rng.uniform(0.35, 0.6, n))
    return np.column_stack([meetings, attendance, leaflets, wanted, mediated, teams]).astype(int)
