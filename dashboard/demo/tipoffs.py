"""Crime tip-offs of the demo province, one row each, with no personal data at all."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.config import Config

AS_OF = dt.date(2026, 10, 31)
FIRST_DAY = dt.date(2023, 11, 1)  # three reporting years of 12 months, November to October
PER_YEAR = (1150, 1210, 1270)  # expected tip-offs per reporting year: "over 1,000 a year", slowly rising
KINDS = {"Tố giác": 0.55, "Tin báo": 0.40, "Kiến nghị khởi tố": 0.05}
CATEGORIES = {"Trộm cắp tài sản": 0.33, "Lừa đảo chiếm đoạt tài sản": 0.15, "Ma túy": 0.13,
              "Cố ý gây thương tích": 0.10, "Đánh bạc": 0.09, "Gây rối trật tự công cộng": 0.08,
              "Môi trường": 0.04, "Khác": 0.08}  # fmt: skip
FRAUD_GROWTH = 0.03  # online fraud takes a larger share each year, mostly from theft
OUTCOMES = {"Khởi tố": 0.45, "Không khởi tố": 0.45, "Tạm đình chỉ": 0.10}
TRANSFERRED = 0.04  # sent on to the competent agency
LATE = 0.13  # resolved after the 20-day deadline (extended, up to 60 days)


def seasonality(days: pd.DatetimeIndex) -> np.ndarray:
    """Relative daily rate: a peak in the weeks before Tết (Dec–Jan) and a smaller one in summer."""
    doy = days.day_of_year.to_numpy()

    def bump(centre: int, width: float) -> np.ndarray:
        gap = np.minimum(np.abs(doy - centre), 365 - np.abs(doy - centre))
        return np.exp(-((gap / width) ** 2))

    return 1.0 + 0.6 * bump(10, 28) + 0.25 * bump(192, 30)


def build_tipoffs(rng: np.random.Generator, communes: pd.DataFrame, cfg: Config) -> pd.DataFrame:
    """Daily Poisson counts, spread over communes by population, then a handling history for each."""
    days = pd.date_range(FIRST_DAY, AS_OF, freq="D")
    year = (days.year - FIRST_DAY.year - (days.month < FIRST_DAY.month)).to_numpy()  # reporting year 0, 1, 2
    season = seasonality(days)
    rate = np.zeros(len(days))
    for y, target in enumerate(PER_YEAR):
        rate[year == y] = target * season[year == y] / season[year == y].sum()
    per_day = rng.poisson(rate)
    received = np.repeat(days.date, per_day)
    n = len(received)
    frame = pd.DataFrame({"received_date": received, "commune_code": _communes(rng, communes, n)})
    frame["kind"] = rng.choice(list(KINDS), n, p=list(KINDS.values()))
    frame["category"] = [_category(rng, y) for y in np.repeat(year, per_day)]
    _handling(rng, frame)
    _ids(frame)
    allowed = {
        "kind": cfg.tipoff_kinds,
        "category": cfg.tipoff_categories,
        "status": cfg.tipoff_statuses,
        "outcome": [*cfg.tipoff_outcomes, ""],
    }
    for column, values in allowed.items():
        assert set(frame[column]) <= set(values), f"{column}: not in the configured list"
    columns = [
        "tipoff_id",
        "received_date",
        "commune_code",
        "kind",
        "category",
        "status",
        "resolved_date",
        "outcome",
    ]
    return frame[columns]


def _communes(rng: np.random.Generator, communes: pd.DataFrame, n: int) -> np.ndarray:
    """Proportional to population, with a district effect (the city and some districts report more)."""
    n_districts = communes["_district"].max() + 1
    district = rng.uniform(0.75, 1.2, n_districts)
    district[0] = 1.35
    weight = communes["population"] * district[communes["_district"]] * rng.lognormal(0, 0.25, len(communes))
    return rng.choice(communes["commune_code"].to_numpy(), n, p=(weight / weight.sum()).to_numpy())


def _category(rng: np.random.Generator, year: int) -> str:
    p = dict(CATEGORIES)
    p["Lừa đảo chiếm đoạt tài sản"] += FRAUD_GROWTH * year
    p["Trộm cắp tài sản"] -= FRAUD_GROWTH * year
    return str(rng.choice(list(p), p=list(p.values())))


def _handling(rng: np.random.Generator, frame: pd.DataFrame) -> None:
    """Days to resolve: most within 20, some extended to 60; whatever is not done by AS_OF is pending."""
    n = len(frame)
    kind = rng.random(n)
    transferred = kind < TRANSFERRED
    late = (kind >= TRANSFERRED) & (kind < TRANSFERRED + LATE)
    days = np.where(transferred, rng.integers(1, 11, n), np.round(rng.triangular(1, 9, 20, n)).astype(int))
    days = np.where(late, rng.integers(21, 61, n), days)
    received = pd.to_datetime(frame["received_date"])
    resolved = received + pd.to_timedelta(days, unit="D")
    done = resolved <= pd.Timestamp(AS_OF)
    age = (pd.Timestamp(AS_OF) - received).dt.days
    frame["status"] = np.select(
        [done & transferred, done, age <= 3], ["Đã chuyển", "Đã giải quyết", "Đã tiếp nhận"], "Đang xử lý"
    )
    frame["resolved_date"] = np.where(done, resolved.dt.strftime("%Y-%m-%d"), "")
    outcome = rng.choice(list(OUTCOMES), n, p=list(OUTCOMES.values()))
    frame["outcome"] = np.where(frame["status"] == "Đã giải quyết", outcome, "")
    frame["received_date"] = received.dt.strftime("%Y-%m-%d")


def _ids(frame: pd.DataFrame) -> None:
    """'TB-2024-00001': numbered from 1 each calendar year, in order of receipt."""
    year = frame["received_date"].str[:4]
    seq = frame.groupby(year).cumcount() + 1
    frame["tipoff_id"] = "TB-" + year + "-" + seq.map("{:05d}".format)
