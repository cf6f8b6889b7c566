"""Yearly ratings of the movement in each demo commune, and the standard "An toàn về ANTT" counts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.config import Config

YEARS = (2023, 2024, 2025)  # the 2026 evaluation closes in mid-November, after the data set's date
YEAR_SHIFT = {2023: -1.0, 2024: 0.0, 2025: 0.6}  # the movement improves slowly
MIN_DROPS = 6  # communes falling a level 2024 → 2025: the first thing a chair asks about


def rating_of(score: float, cfg: Config) -> str:
    """The level a score earns under the configured thresholds (highest first)."""
    for level, minimum in sorted(cfg.rating_thresholds.items(), key=lambda kv: -kv[1]):
        if score >= minimum:
            return level
    return cfg.rating_levels[-1]


def build_ratings(rng: np.random.Generator, communes: pd.DataFrame, cfg: Config) -> pd.DataFrame:
    """One row per commune and year: score, level, the standard, and the four groups' x/y counts."""
    scores = _scores(rng, communes)
    _force_drops(rng, scores, cfg)
    totals = _group_totals(rng, communes)
    rows = []
    for year in YEARS:
        score = scores[year]
        meets = rng.random(len(score)) < 1 / (1 + np.exp(-(score - 69.5) / 2.5))
        frame = pd.DataFrame({"year": year, "commune_code": communes["commune_code"], "score": score})
        frame["rating"] = [rating_of(s, cfg) for s in score]
        frame["meets_standard"] = np.where(meets, "Có", "Không")
        for group, total in totals.items():
            # A commune below the standard, or with a low score, has more units failing it.
            p_fail = 0.013 + 0.06 * ~meets + 0.002 * np.clip(82.0 - score, 0, None)
            frame[f"{group}_met"] = total - rng.binomial(total, np.clip(p_fail, 0, 1))
            frame[f"{group}_total"] = total
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def _scores(rng: np.random.Generator, communes: pd.DataFrame) -> dict[int, np.ndarray]:
    """Score = province level + district effect + persistent commune effect + yearly noise.

    A few communes carry a lasting handicap (a hot spot, a weak police post): they make the low levels.
    """
    n_districts = communes["_district"].max() + 1
    district_effect = rng.normal(0.0, 2.5, n_districts)[communes["_district"]]
    commune_effect = rng.normal(0.0, 4.5, len(communes)) - 9.0 * (rng.random(len(communes)) < 0.04)
    base = 86.0 + district_effect + commune_effect
    return {
        y: np.round(np.clip(base + YEAR_SHIFT[y] + rng.normal(0, 2.5, len(base)), 35, 99.5), 1) for y in YEARS
    }


def _force_drops(rng: np.random.Generator, scores: dict[int, np.ndarray], cfg: Config) -> None:
    """Make sure a few communes fall a level in 2025, one of them to the lowest level."""
    level = {y: np.array([rating_of(s, cfg) for s in scores[y]]) for y in YEARS}
    dropped = np.array(
        [
            cfg.rating_levels.index(a) < cfg.rating_levels.index(b)
            for a, b in zip(level[2024], level[2025], strict=True)
        ]
    )
    candidates = np.flatnonzero(~dropped & np.isin(level[2024], cfg.rating_levels[:2]))
    needed = max(0, MIN_DROPS - int(dropped.sum()))
    for i in rng.choice(candidates, needed, replace=False):
        floor = cfg.rating_thresholds[level[2024][i]]
        scores[2025][i] = round(floor - rng.uniform(0.5, 6.0), 1)
    weakest = int(np.argmin(scores[2025]))
    scores[2025][weakest] = round(min(scores[2025][weakest], min(cfg.rating_thresholds.values()) - 3.6), 1)


def _group_totals(rng: np.random.Generator, communes: pd.DataFrame) -> dict[str, np.ndarray]:
    """How many residential areas, agencies, enterprises and schools each commune has (fixed over years)."""
    n = len(communes)
    ward = (communes["commune_type"] != "Xã").to_numpy()
    return {
        "residential": rng.integers(4, 15, n),
        "agencies": np.where(ward, rng.integers(4, 12, n), rng.integers(2, 7, n)),
        "enterprises": np.where(ward, rng.integers(4, 20, n), rng.integers(0, 5, n)),
        "schools": np.where(ward, rng.integers(3, 8, n), rng.integers(2, 5, n)),
    }
