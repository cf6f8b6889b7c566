"""Self-management models of the demo province: about 5 province-, 25 district- and 60 commune-level ones."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.config import Config
from dashboard.demo.names import MODEL_TEMPLATES

PER_LEVEL = {"Tỉnh": 5, "Huyện": 25, "Xã": 60}  # the seed province counts 5 + 25 + 61
NEW_IN_2026 = {"Huyện": 1, "Xã": 4}  # launched this year: shown as "new" on the screen
EXEMPLARY = {"Tỉnh": 2, "Huyện": 3, "Xã": 4}  # about one model in ten is recognised as typical
LAUNCH_WINDOWS = {"Tỉnh": ("2016-01-01", "2019-12-31"), "Huyện": ("2016-01-01", "2025-12-31"),
                  "Xã": ("2017-01-01", "2025-12-31")}  # fmt: skip
NEW_WINDOW = ("2026-01-05", "2026-10-20")
SETTLED_STATUSES = {"Hiệu quả": 0.38, "Duy trì": 0.30, "Nhân rộng": 0.23, "Hoạt động yếu": 0.06,
                    "Ngừng hoạt động": 0.03}  # fmt: skip
SITES = {"Tỉnh": (40, 160), "Huyện": (6, 35), "Xã": (1, 6)}
BORDER_FIELD = "Biên giới"


def build_models(rng: np.random.Generator, communes: pd.DataFrame, cfg: Config) -> pd.DataFrame:
    """The models table, sorted by level (province first), district, commune and launch date."""
    border = _border_districts(communes)
    rows = _province_rows(rng) + _district_rows(rng, communes, border) + _commune_rows(rng, communes, border)
    frame = pd.DataFrame(rows)
    _launch(rng, frame)
    frame["status"] = [
        _status(rng, level, d) for level, d in zip(frame["level"], frame["launch_date"], strict=True)
    ]
    _sizes(rng, frame)
    _exemplary(rng, frame)
    frame["_level_rank"] = frame["level"].map(cfg.model_levels.index)
    frame = frame.sort_values(["_level_rank", "district_code", "commune_code", "launch_date", "name"])
    frame.insert(0, "model_id", [f"MH-{i:03d}" for i in range(1, len(frame) + 1)])
    for column, allowed in (
        ("level", cfg.model_levels),
        ("field", cfg.model_fields),
        ("lead_org", cfg.model_lead_orgs),
        ("status", cfg.model_statuses),
    ):
        assert set(frame[column]) <= set(allowed), f"{column}: not in the configured list"
    assert frame["name"].is_unique
    frame["launch_date"] = [d.isoformat() for d in frame["launch_date"]]
    return frame.drop(columns="_level_rank").reset_index(drop=True)


def _border_districts(communes: pd.DataFrame) -> set[str]:
    """The two northernmost rural districts lie along the (fictional) border."""
    rural = communes[communes["commune_type"] != "Phường"]
    return set(rural.groupby("district_code")["_y_km"].mean().nlargest(2).index)


def _templates(rng: np.random.Generator, level: str, k: int, border: bool) -> list[tuple]:
    code = level[0]  # "T", "H" or "X", as in MODEL_TEMPLATES
    pool = [t for t in MODEL_TEMPLATES if code in t[3] and (border or t[1] != BORDER_FIELD)]
    return [pool[i] for i in rng.choice(len(pool), k, replace=False)]


def _row(
    rng: np.random.Generator, template: tuple, level: str, place: str, district: str, commune: str
) -> dict:
    title, field, orgs, _ = template
    return {
        "name": f"{title} {place}".strip(),
        "level": level,
        "field": field,
        "lead_org": orgs[rng.integers(len(orgs))],
        "commune_code": commune,
        "district_code": district,
    }


def _province_rows(rng: np.random.Generator) -> list[dict]:
    return [_row(rng, t, "Tỉnh", "", "", "") for t in _templates(rng, "Tỉnh", PER_LEVEL["Tỉnh"], False)]


def _district_rows(rng: np.random.Generator, communes: pd.DataFrame, border: set[str]) -> list[dict]:
    """Three models in the city and in six rural districts, two in the others; half sit in the seat."""
    districts = communes.drop_duplicates("district_code")
    per = np.full(len(districts), 3)
    per[1 + rng.choice(len(districts) - 1, 3 * len(districts) - PER_LEVEL["Huyện"], replace=False)] = 2
    rows = []
    for (_, d), k in zip(districts.iterrows(), per, strict=True):
        seat = communes[(communes["district_code"] == d["district_code"]) & communes["_seat"]][
            "commune_code"
        ].iloc[0]
        place = d["district_name"][0].lower() + d["district_name"][1:]
        for t in _templates(rng, "Huyện", k, d["district_code"] in border):
            rows.append(_row(rng, t, "Huyện", place, d["district_code"], seat if rng.random() < 0.5 else ""))
    return rows


def _commune_rows(rng: np.random.Generator, communes: pd.DataFrame, border: set[str]) -> list[dict]:
    """Commune models land in larger communes more often; never the same model twice in one commune."""
    weights = communes["population"] / communes["population"].sum()
    rows, seen = [], set()
    while len(rows) < PER_LEVEL["Xã"]:
        c = communes.iloc[rng.choice(len(communes), p=weights)]
        t = _templates(rng, "Xã", 1, c["district_code"] in border)[0]
        if (c["commune_code"], t[0]) in seen:
            continue
        seen.add((c["commune_code"], t[0]))
        place = f"{c['commune_type'].lower()} {c['commune_name']}"
        rows.append(_row(rng, t, "Xã", place, c["district_code"], c["commune_code"]))
    return rows


def _random_dates(rng: np.random.Generator, start: str, end: str, k: int) -> list[dt.date]:
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return [first + dt.timedelta(days=int(n)) for n in rng.integers(0, (last - first).days + 1, k)]


def _launch(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    dates = pd.Series(index=frame.index, dtype=object)
    for level, (start, end) in LAUNCH_WINDOWS.items():
        idx = frame.index[frame["level"] == level]
        dates[idx] = _random_dates(rng, start, end, len(idx))
        new = rng.choice(idx, NEW_IN_2026.get(level, 0), replace=False)
        dates[new] = _random_dates(rng, *NEW_WINDOW, len(new))
    frame["launch_date"] = dates


def _status(rng: np.random.Generator, level: str, launched: dt.date) -> str:
    """Recent models are still being built; province models are the established, replicated ones."""
    if launched >= dt.date(2026, 1, 1) or (launched >= dt.date(2025, 7, 1) and rng.random() < 0.6):
        return "Mới xây dựng"
    if level == "Tỉnh":
        return ("Nhân rộng", "Hiệu quả")[rng.integers(2)]
    return str(rng.choice(list(SETTLED_STATUSES), p=list(SETTLED_STATUSES.values())))


def _sizes(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    """Sites where the model runs, its teams and members; a stopped model keeps its sites but no teams."""
    low, high = np.array([SITES[level] for level in frame["level"]]).T
    new = (frame["status"] == "Mới xây dựng").to_numpy()
    sites = np.where(new, np.minimum(low + rng.integers(0, 3, len(frame)), high), rng.integers(low, high + 1))
    teams = np.maximum(1, np.round(sites * rng.uniform(1.0, 2.5, len(frame)))).astype(int)
    members = np.round(teams * rng.uniform(5, 15, len(frame))).astype(int)
    stopped = (frame["status"] == "Ngừng hoạt động").to_numpy()
    frame["sites"] = sites
    frame["teams"] = np.where(stopped, 0, teams)
    frame["members"] = np.where(stopped, 0, members)


def _exemplary(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    frame["exemplary"] = "Không"
    good = frame["status"].isin(["Hiệu quả", "Nhân rộng"])
    for level, k in EXEMPLARY.items():
        pool = frame.index[good & (frame["level"] == level)]
        frame.loc[rng.choice(pool, min(k, len(pool)), replace=False), "exemplary"] = "Có"
