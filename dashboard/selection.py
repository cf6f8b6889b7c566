"""What the user has chosen (area, evaluation year, tip-off period, comparison), as plain values.

The sidebar widgets produce a :class:`Selection`; metrics take one. Periods are encoded as
short strings so they fit in the URL: ``m:2026-10``, ``q:2026-3``, ``h:2026-1``, ``y:2026``,
``r:2026-01-01..2026-03-31``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import pandas as pd

PeriodKind = Literal["m", "q", "h", "y", "r"]
Compare = Literal["prev", "yoy"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("m", "q", "h", "y", "r")
COMPARES: tuple[Compare, ...] = ("yoy", "prev")


@dataclass(frozen=True)
class Period:
    """An inclusive range of days, with the kind of period it was chosen as."""

    kind: PeriodKind
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """Number of days in the period."""
        return (self.end - self.start).days + 1

    def code(self) -> str:
        """The URL form of the period."""
        s = self.start
        if self.kind == "m":
            return f"m:{s.year}-{s.month:02d}"
        if self.kind == "q":
            return f"q:{s.year}-{(s.month - 1) // 3 + 1}"
        if self.kind == "h":
            return f"h:{s.year}-{1 if s.month <= 6 else 2}"
        if self.kind == "y":
            return f"y:{s.year}"
        return f"r:{s.isoformat()}..{self.end.isoformat()}"

    def contains(self, dates: pd.Series) -> pd.Series:
        """Boolean mask of ``dates`` (datetime64) falling inside the period."""
        values = dates.to_numpy(dtype="datetime64[ns]")  # NaT compares False, as in pandas
        start, after = pd.Timestamp(self.start), pd.Timestamp(self.end) + pd.Timedelta(days=1)
        inside = (values >= start.to_datetime64()) & (values < after.to_datetime64())
        return pd.Series(inside, index=dates.index, copy=False)  # a new array: pandas need not copy it


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def make_period(kind: PeriodKind, year: int, index: int = 1) -> Period:
    """The ``index``-th month/quarter/half of ``year`` (index ignored for a year)."""
    if kind == "m":
        first, last = index, index
    elif kind == "q":
        first, last = 3 * index - 2, 3 * index
    elif kind == "h":
        first, last = 6 * index - 5, 6 * index
    elif kind == "y":
        first, last = 1, 12
    else:
        raise ValueError(f"a date range is not built from an index: {kind}")
    return Period(kind, dt.date(year, first, 1), _month_end(year, last))


def parse_period(code: str) -> Period | None:
    """Read the URL form; None when it is not a valid period."""
    try:
        kind, _, rest = code.partition(":")
        if kind == "r":
            a, _, b = rest.partition("..")
            start, end = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
            return Period("r", start, end) if start <= end else None
        if kind == "y":
            return make_period("y", int(rest))
        if kind in ("m", "q", "h"):
            year, _, idx = rest.partition("-")
            limit = {"m": 12, "q": 4, "h": 2}[kind]
            index = int(idx)
            if 1 <= index <= limit:
                return make_period(kind, int(year), index)  # type: ignore[arg-type]
    except ValueError:
        return None
    return None


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


_MONTHS = {"m": 1, "q": 3, "h": 6, "y": 12}


def natural_end(period: Period) -> dt.date:
    """The last day of the month/quarter/half/year the period belongs to (its own end for a range)."""
    if period.kind == "r":
        return period.end
    start = pd.Timestamp(period.start)
    return (start + pd.DateOffset(months=_MONTHS[period.kind]) - pd.Timedelta(days=1)).date()


def clip_to(period: Period, last_day: dt.date) -> Period:
    """The part of ``period`` up to ``last_day`` (the data's "as of" day): a year to date."""
    if period.start <= last_day < period.end:
        return Period(period.kind, period.start, last_day)
    return period


def comparison_period(period: Period, compare: Compare) -> Period:
    """The period to compare with: the same days a year earlier, or the period just before.

    A period cut short by the data's "as of" day is compared with the same elapsed part of the
    other period (January–October with January–October), never with a whole one.
    """
    if compare == "yoy":
        return Period(period.kind, _shift_years(period.start, -1), _shift_years(period.end, -1))
    if period.kind in _MONTHS:
        months = _MONTHS[period.kind]
        start = (pd.Timestamp(period.start) - pd.DateOffset(months=months)).date()
        if period.end < natural_end(period):
            end = (pd.Timestamp(period.end) - pd.DateOffset(months=months)).date()
        else:
            end = (pd.Timestamp(period.start) - pd.Timedelta(days=1)).date()
        return Period(period.kind, start, end)
    end = period.start - dt.timedelta(days=1)
    return Period("r", end - dt.timedelta(days=period.days - 1), end)


@dataclass(frozen=True)
class Selection:
    """The filters every page applies."""

    districts: tuple[str, ...] = ()  # district codes; empty = the whole province
    communes: tuple[str, ...] = ()  # commune codes, used when the data has no district level
    year: int | None = None  # evaluation year for ratings
    period: Period | None = None  # tip-off period
    compare: Compare = "yoy"

    @property
    def whole_province(self) -> bool:
        """True when no area filter is set."""
        return not self.districts and not self.communes

    @property
    def comparison(self) -> Period | None:
        """The comparison period, if a period is chosen."""
        return comparison_period(self.period, self.compare) if self.period else None
