"""The figures a BCĐ reads, as pure functions: frames in, frames or numbers out. No Streamlit.

Every function takes the contract's frames (see schema.py) and plain values, so each can be
checked against a hand count on a small frame (tests/test_metrics.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.fmt import collate
from dashboard.schema import STANDARD_GROUPS
from dashboard.selection import Period, Selection

UNRATED = "Chưa xếp loại"


# ---------------------------------------------------------------- scope


def communes_in_scope(communes: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Registry rows of the selected area (the whole province when nothing is selected)."""
    if sel.districts and "district_code" in communes:
        return communes[communes["district_code"].isin(sel.districts)]
    if sel.communes:
        return communes[communes["commune_code"].isin(sel.communes)]
    return communes


def in_communes(frame: pd.DataFrame, codes: pd.Series | Sequence[str]) -> pd.DataFrame:
    """Rows of ``frame`` whose commune_code is one of ``codes`` (``frame`` itself when all are)."""
    values, codes = frame["commune_code"], list(codes)
    coded = isinstance(values.dtype, pd.CategoricalDtype)
    if coded and values.cat.categories.isin(codes).all() and not values.hasnans:
        return frame  # every commune of the frame wanted: no per-row look-up
    inside = is_one_of(values, codes)
    return frame if inside.all() else frame[inside]


# ---------------------------------------------------------------- changes


@dataclass(frozen=True)
class Change:
    """A figure against its comparison figure."""

    current: float
    previous: float

    @property
    def delta(self) -> float:
        """Absolute change."""
        return self.current - self.previous

    @property
    def relative(self) -> float | None:
        """Relative change, None when the comparison figure is zero."""
        return None if self.previous == 0 else self.delta / self.previous


# ---------------------------------------------------------------- ratings


def rating_counts(
    ratings: pd.DataFrame, codes: Sequence[str], year: int, levels: Sequence[str]
) -> pd.DataFrame:
    """Communes per rating level in ``year``, every level listed (zero included), unrated last."""
    scope = list(codes)
    rated = in_communes(ratings[ratings["year"] == year], scope)
    counts = rated["rating"].fillna(UNRATED).value_counts()
    unrated = len(set(scope) - set(rated["commune_code"]))
    rows = [(level, int(counts.get(level, 0))) for level in levels]
    rows.append((UNRATED, int(counts.get(UNRATED, 0)) + unrated))
    return pd.DataFrame(rows, columns=["rating", "communes"])


def standard_summary(ratings: pd.DataFrame, codes: Sequence[str], year: int) -> pd.DataFrame:
    """The x/y table of units meeting "An toàn về ANTT": communes first, then each group."""
    rated = in_communes(ratings[ratings["year"] == year], codes)
    rows = [("communes", int(rated["meets_standard"].sum()), len(rated))]
    for group, _vi, _en in STANDARD_GROUPS:
        met_col, total_col = f"{group}_met", f"{group}_total"
        if met_col in rated and total_col in rated:
            rows.append((group, int(rated[met_col].fillna(0).sum()), int(rated[total_col].fillna(0).sum())))
    frame = pd.DataFrame(rows, columns=["group", "met", "total"])
    frame["share"] = frame["met"] / frame["total"].where(frame["total"] > 0)
    return frame


def rating_changes(
    ratings: pd.DataFrame, communes: pd.DataFrame, year: int, levels: Sequence[str]
) -> pd.DataFrame:
    """Each commune's rating in ``year`` beside ``year - 1``; ``steps`` < 0 means it dropped.

    ``communes`` is the registry already restricted to the scope.
    """
    rank = {level: i for i, level in enumerate(levels)}  # 0 = best
    cols = ["commune_code", "rating", "score"]
    now = ratings.loc[ratings["year"] == year, cols]
    before = ratings.loc[ratings["year"] == year - 1, cols]
    both = now.merge(before, on="commune_code", suffixes=("", "_prev"))
    both = both.merge(communes[["commune_code", "commune_name", "district_name"]], on="commune_code")
    # As floats: with no previous year the frame is empty and map() would keep the text dtype.
    both["steps"] = both["rating_prev"].map(rank).astype("float") - both["rating"].map(rank).astype("float")
    both["score_change"] = both["score"] - both["score_prev"]
    return both.sort_values(["steps", "score_change"]).reset_index(drop=True)


def rating_drops(
    ratings: pd.DataFrame, communes: pd.DataFrame, year: int, levels: Sequence[str]
) -> pd.DataFrame:
    """Communes whose rating dropped at least one level since the previous year, worst first."""
    changes = rating_changes(ratings, communes, year, levels)
    return changes[changes["steps"] < 0].reset_index(drop=True)


# ---------------------------------------------------------------- models


def models_in_scope(models: pd.DataFrame, communes_scope: pd.DataFrame, sel: Selection) -> pd.DataFrame:
    """Models of the selected area. Province-level models count only for the whole province."""
    if sel.whole_province:
        return models
    in_communes_mask = models["commune_code"].isin(communes_scope["commune_code"])
    in_district_mask = (
        models["district_code"].isin(sel.districts) if sel.districts and "district_code" in models else False
    )
    return models[in_communes_mask | in_district_mask]


def count_by(frame: pd.DataFrame, column: str, order: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows per value of ``column`` (``count`` column), in ``order`` (zeros kept) or largest first."""
    counts = frame[column].value_counts()
    if order is not None:
        extra = [v for v in counts.index if v not in order]
        values = [*order, *extra]
        return pd.DataFrame({column: values, "count": [int(counts.get(v, 0)) for v in values]})
    return counts.rename_axis(column).reset_index(name="count")


def models_launched(models: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Models launched between ``start`` and ``end`` inclusive."""
    period = Period("r", start, end)
    return models[period.contains(models["launch_date"])]


# ---------------------------------------------------------------- tip-offs


@dataclass(frozen=True)
class TipoffSummary:
    """Tip-offs received in a period and how far they have been handled."""

    received: int
    handled: int
    overdue: int

    @property
    def handled_share(self) -> float | None:
        """Handled / received; None when nothing was received."""
        return self.handled / self.received if self.received else None


def tipoffs_in_period(tipoffs: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Tip-offs received during ``period``."""
    return tipoffs[period.contains(tipoffs["received_date"])]


def is_one_of(values: pd.Series, wanted: Sequence[str]) -> pd.Series:
    """``values.isin(wanted)``; for a categorical column decided once per category, not per row."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return values.isin(list(wanted))
    per_category = np.append(values.cat.categories.isin(list(wanted)), False)  # code -1: missing
    return pd.Series(per_category[values.cat.codes.to_numpy()], index=values.index, copy=False)


class TipoffArrays:
    """Per-row arrays of one tip-off frame that several figures read, each made once, when first asked.

    The tip-off page's figures (totals of two periods, two monthly trends, breakdowns, the overdue
    list) each pass over every row; the weights, the day received, which rows are handled and which
    fall in a period are the passes they share. Functions below take a frame or one of these; a
    frame gets its own, used once. :meth:`shared` gives every caller of one frame the same arrays
    for as long as the frame lives: that frame must never change (scope frames never do, see
    report.Scope).
    """

    def __init__(self, frame: pd.DataFrame, *, weak: bool = False) -> None:
        # Shared arrays refer to their frame weakly: the frame's life, not the cache, decides theirs.
        self._frame = weakref.ref(frame) if weak else lambda: frame
        self._handled: dict[tuple[str, ...], np.ndarray] = {}
        self._rows: dict[Period, np.ndarray] = {}  # the few periods asked last
        self._lock = threading.Lock()  # sessions share these: one changes the caches at a time

    @classmethod
    def of(cls, tipoffs: pd.DataFrame | TipoffArrays) -> TipoffArrays:
        return tipoffs if isinstance(tipoffs, TipoffArrays) else cls(tipoffs)

    @classmethod
    def shared(cls, frame: pd.DataFrame) -> TipoffArrays:
        """The arrays of ``frame`` every caller shares, kept while the frame lives."""
        with _SHARED_LOCK:
            known = _SHARED.get(id(frame))
            if known is not None and known.frame is frame:
                return known
            arrays = _SHARED[id(frame)] = cls(frame, weak=True)
            weakref.finalize(frame, _forget, id(frame), weakref.ref(arrays))
            return arrays

    @property
    def frame(self) -> pd.DataFrame:
        return self._frame()

    @functools.cached_property
    def weight(self) -> np.ndarray | None:
        """The ``count`` column as integers; None when every row counts one (a row per tip-off)."""
        weight = self.frame["count"].to_numpy(dtype="int64", na_value=0)
        return None if (weight == 1).all() else weight

    @functools.cached_property
    def day(self) -> np.ndarray:
        """Day received, in days since 1970-01-01; after every period (_NEVER) where missing."""
        stamps = self.frame["received_date"].to_numpy(dtype="datetime64[ns]").view("int64")
        day = (stamps // _DAY_NS).astype(np.int32)  # ±5.8 million years fit
        missing = stamps == _NAT
        if missing.any():
            day[missing] = _NEVER
        return day

    def handled(self, statuses: Sequence[str]) -> np.ndarray:
        """Per row: its status is one of ``statuses``."""
        key = tuple(statuses)
        known = self._handled.get(key)
        if known is None:
            known = is_one_of(self.frame["status"], key).to_numpy(dtype=bool)
            with self._lock:
                self._handled[key] = known
        return known

    def old(self, as_of: dt.date, deadline_days: int) -> np.ndarray:
        """Per row: received more than ``deadline_days`` before ``as_of`` (BLTTHS art. 147)."""
        # More than n whole days old = received on or before as_of − (n + 1) days (no per-row day count).
        return self.day <= _day_number(as_of) - (deadline_days + 1)

    def rows_in(self, period: Period) -> np.ndarray:
        """Positions of the rows received during ``period`` (int32: half the memory, as quick to take)."""
        known = self._rows.get(period)
        if known is None:
            start = _day_number(period.start)
            known = np.flatnonzero((self.day >= start) & (self.day < start + period.days)).astype(np.int32)
            with self._lock:
                while len(self._rows) >= _PERIODS_KEPT:  # the oldest goes (a page asks for two or three)
                    self._rows.pop(next(iter(self._rows)))
                self._rows[period] = known
        return known


_SHARED: dict[int, TipoffArrays] = {}
_SHARED_LOCK = threading.Lock()
_PERIODS_KEPT = 8


def _forget(key: int, arrays: weakref.ref) -> None:
    """The frame is gone: its arrays go too (unless its id already names a newer frame's)."""
    with _SHARED_LOCK:
        if _SHARED.get(key) is arrays():
            del _SHARED[key]


def _day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def overdue_mask(
    tipoffs: pd.DataFrame | TipoffArrays, as_of: dt.date, handled_statuses: Sequence[str], deadline_days: int
) -> pd.Series:
    """Not handled and received more than ``deadline_days`` before ``as_of``."""
    arrays = TipoffArrays.of(tipoffs)
    late = ~arrays.handled(handled_statuses) & arrays.old(as_of, deadline_days)
    return pd.Series(late, index=arrays.frame.index, copy=False)


def _total(weight: np.ndarray | None, mask: np.ndarray) -> int:
    """Tip-offs of the rows where ``mask`` is True (no filtered copy: a count or a dot product)."""
    return int(np.count_nonzero(mask)) if weight is None else int(np.dot(weight, mask))


def _per_code(codes: np.ndarray, size: int, weight: np.ndarray | None, rows: np.ndarray | None) -> tuple:
    """Tip-offs and rows per code 0..size-1 among the rows at positions ``rows`` (None: all; code -1: none).

    The chosen rows are taken by position (a third of a million small codes), not masked whole.
    """
    picked = codes if rows is None else codes.take(rows)
    weights = weight if rows is None or weight is None else weight.take(rows)
    if len(picked) and picked.min() < 0:
        valid = picked >= 0
        picked = picked[valid]
        weights = None if weights is None else weights[valid]
    counts = np.bincount(picked, minlength=size)
    sums = counts if weights is None else np.bincount(picked, weights=weights, minlength=size)
    return sums.astype("int64"), counts


def tipoff_summary(
    tipoffs: pd.DataFrame | TipoffArrays,
    as_of: dt.date,
    handled_statuses: Sequence[str],
    deadline_days: int,
    period: Period | None = None,
) -> TipoffSummary:
    """Totals weighted by the ``count`` column; with ``period``, of the tip-offs received in it.

    The period's rows are taken by position (TipoffArrays.rows_in): no filtered copy of a million
    rows is made.
    """
    arrays = TipoffArrays.of(tipoffs)
    rows = None if period is None else arrays.rows_in(period)
    handled = arrays.handled(handled_statuses)
    late = ~handled & arrays.old(as_of, deadline_days)
    weight = arrays.weight
    if rows is not None:  # only the period's rows, taken by position
        handled, late = handled.take(rows), late.take(rows)
        weight = None if weight is None else weight.take(rows)
    received = len(handled) if weight is None else int(weight.sum())
    return TipoffSummary(received, _total(weight, handled), _total(weight, late))


def sum_by(
    tipoffs: pd.DataFrame | TipoffArrays,
    column: str,
    order: Sequence[str] | None = None,
    inside: np.ndarray | Period | None = None,
) -> pd.DataFrame:
    """Tip-offs (``count``-weighted) per value of ``column``, in ``order`` or largest first.

    ``inside``: only the rows where this mask is True, or that were received during this period (a
    coded column is then counted through its codes, with no filtered copy).
    """
    arrays = TipoffArrays.of(tipoffs)
    values = arrays.frame[column]
    if isinstance(values.dtype, pd.CategoricalDtype):  # labels as plain text, in text order
        size = len(values.cat.categories)
        if isinstance(inside, Period):
            rows = arrays.rows_in(inside)
        else:
            rows = None if inside is None else np.flatnonzero(inside)
        sums, counts = _per_code(values.cat.codes.to_numpy(), size, arrays.weight, rows)
        seen = counts > 0  # as groupby(observed=True)
        labels = pd.Index(values.cat.categories[seen], dtype="str", name=column)
        sums = pd.Series(sums[seen], index=labels, name="count").sort_index()
    else:
        if isinstance(inside, Period):
            selected = arrays.frame.iloc[arrays.rows_in(inside)]
        else:
            selected = arrays.frame if inside is None else arrays.frame[inside]
        sums = selected.groupby(column, observed=True)["count"].sum().astype("int64")
    if order is not None:
        values = [*order, *(v for v in sums.index if v not in order)]
        return pd.DataFrame({column: values, "count": [int(sums.get(v, 0)) for v in values]})
    # Largest first; equal counts in Vietnamese alphabetical order, not in whatever order the sort left them.
    labels, totals = list(sums.index), sums.to_numpy(dtype="int64")
    ranked = sorted(range(len(labels)), key=lambda i: (-totals[i], collate(str(labels[i]))))
    return pd.DataFrame({column: [labels[i] for i in ranked], "count": totals[ranked]})


_DAY_NS = 86_400_000_000_000
_NAT = np.iinfo(np.int64).min  # NaT seen as an integer
_NEVER = np.iinfo(np.int32).max  # TipoffArrays.day of a missing date: after every period
_EPOCH = dt.date(1970, 1, 1)


def monthly(tipoffs: pd.DataFrame | TipoffArrays, period: Period) -> pd.DataFrame:
    """Tip-offs per calendar month of ``period``, months with none included (``month`` = 1st day)."""
    arrays = TipoffArrays.of(tipoffs)
    start = pd.Timestamp(period.start)
    months = pd.date_range(start.replace(day=1), pd.Timestamp(period.end), freq="MS")
    # Tip-offs per day of the period, then per month from the days: no per-row calendar work and
    # no filtered copy.
    rows = arrays.rows_in(period)
    day = arrays.day.take(rows) - _day_number(period.start)
    weight = None if arrays.weight is None else arrays.weight.take(rows)
    per_day, _counts = _per_code(day, period.days, weight, None)
    days = start + pd.to_timedelta(np.arange(period.days), unit="D")
    month_of_day = np.searchsorted(months.to_numpy(), days.to_numpy(), side="right") - 1
    sums = np.bincount(month_of_day, weights=per_day, minlength=len(months)).astype("int64")
    return pd.DataFrame({"month": months, "count": sums})


def trend_with_comparison(
    tipoffs: pd.DataFrame | TipoffArrays, period: Period, comparison: Period
) -> pd.DataFrame:
    """Monthly counts of both periods aligned by month number (1 = first month of each period)."""
    frames = []
    for series, p in (("current", period), ("comparison", comparison)):
        m = monthly(tipoffs, p)
        m["step"] = range(1, len(m) + 1)
        m["series"] = series
        frames.append(m)
    return pd.concat(frames, ignore_index=True)


def overdue_list(
    tipoffs: pd.DataFrame | TipoffArrays,
    communes: pd.DataFrame,
    as_of: dt.date,
    handled_statuses: Sequence[str],
    deadline_days: int,
) -> pd.DataFrame:
    """Unhandled tip-offs past the deadline, oldest first, with commune and days open."""
    arrays = TipoffArrays.of(tipoffs)
    late = arrays.frame[overdue_mask(arrays, as_of, handled_statuses, deadline_days)].copy()
    late["days_open"] = (pd.Timestamp(as_of) - late["received_date"]).dt.days
    late = late.merge(
        communes[["commune_code", "commune_name", "district_name"]], on="commune_code", how="left"
    )
    return late.sort_values("days_open", ascending=False).reset_index(drop=True)


# ---------------------------------------------------------------- map and profile


def commune_map_frame(
    communes: pd.DataFrame,
    ratings: pd.DataFrame,
    tipoffs: pd.DataFrame | TipoffArrays,
    models: pd.DataFrame,
    year: int | None,
    period: Period | None,
) -> pd.DataFrame:
    """One row per commune of ``communes`` with what the map can colour by.

    Columns: commune_code, commune_name, district_name, rating, score, meets_standard,
    tipoffs, tipoffs_per_10k, models.
    """
    base = communes[["commune_code", "commune_name", "district_name", "population"]].copy()
    rated = ratings.loc[ratings["year"] == year, ["commune_code", "rating", "score", "meets_standard"]]
    base = base.merge(rated, on="commune_code", how="left")
    if period is None:
        base["tipoffs"] = 0
    else:  # counted in place through the period's rows (see sum_by), no filtered copy
        per_commune = sum_by(tipoffs, "commune_code", inside=period).set_index("commune_code")["count"]
        base["tipoffs"] = base["commune_code"].map(per_commune).fillna(0).astype(int)
    population = pd.to_numeric(base["population"], errors="coerce").astype("float64")
    base["tipoffs_per_10k"] = base["tipoffs"] / population.where(population > 0) * 10_000
    base["models"] = base["commune_code"].map(models["commune_code"].value_counts()).fillna(0).astype(int)
    return base.drop(columns="population")


@dataclass(frozen=True)
class CommuneProfile:
    """Everything the profile panel shows for one commune."""

    registry: pd.Series
    ratings: pd.DataFrame  # year, score, rating, meets_standard — oldest first
    models: pd.DataFrame
    tipoffs_by_month: pd.DataFrame  # month, count


def commune_profile(
    code: str,
    communes: pd.DataFrame,
    ratings: pd.DataFrame,
    models: pd.DataFrame,
    tipoffs: pd.DataFrame,
    period: Period,
) -> CommuneProfile | None:
    """The profile of commune ``code``; None if the registry does not know it."""
    row = communes[communes["commune_code"] == code]
    if row.empty:
        return None
    history = ratings[ratings["commune_code"] == code].sort_values("year")
    own_models = models[models["commune_code"] == code].sort_values("launch_date")
    by_month = monthly(tipoffs[tipoffs["commune_code"] == code], period)
    return CommuneProfile(
        row.iloc[0], history.reset_index(drop=True), own_models.reset_index(drop=True), by_month
    )


def mask_small(frame: pd.DataFrame, column: str = "count", below: int = 0) -> pd.DataFrame:
    """``frame`` with counts from 1 to ``below - 1`` blanked (NaN) and flagged in ``masked``.

    A handful of tip-offs in one commune or one month can point at who reported them; zero and
    larger counts stay. ``below`` of 0 or 1 masks nothing.
    """
    out = frame.copy()
    # NumPy, not pandas: a dozen rows each time, where pandas' set-up per operation is the cost.
    values = pd.to_numeric(out[column], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    small = (values > 0) & (values < below) if below > 1 else np.zeros(len(values), dtype=bool)
    out["masked"] = small
    out[column] = np.where(small, np.nan, values)
    return out
