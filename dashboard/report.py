"""The figures of each page, assembled from metrics for one selection. Pure: no Streamlit.

Pages render these objects; anything else that must show the same numbers (exports, the
meeting pack) builds the same objects, so the numbers cannot drift apart.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard import fmt, i18n, metrics
from dashboard.boundaries import Boundaries
from dashboard.config import Config
from dashboard.loaders import Dataset
from dashboard.metrics import Change, TipoffSummary
from dashboard.schema import Problem
from dashboard.selection import Period, Selection

T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    """The inputs every report needs: data in the selected area, and the settings."""

    cfg: Config
    sel: Selection
    communes: pd.DataFrame  # registry rows in the area
    ratings: pd.DataFrame  # rows of communes in the area
    models: pd.DataFrame  # models of the area
    tipoffs: pd.DataFrame  # tip-offs of communes in the area
    as_of: dt.date
    # Names this exact input (data version, selection, user's area, settings); reports are then
    # computed once and reused by every session and rerun asking the same. None: never reused.
    key: Hashable | None = None

    @property
    def tipoff_arrays(self) -> metrics.TipoffArrays:
        """The per-row arrays the tip-off figures share (one set per frame, whichever scope asks)."""
        return metrics.TipoffArrays.shared(self.tipoffs)

    @property
    def codes(self) -> list[str]:
        """Commune codes in the area."""
        return list(self.communes["commune_code"])


def make_scope(
    cfg: Config,
    sel: Selection,
    frames: dict[str, pd.DataFrame],
    communes_in_area: pd.DataFrame,
    as_of: dt.date,
    key: Hashable | None = None,
) -> Scope:
    """Restrict each table to the selected area (``key``: see Scope.key; the same key, the same Scope)."""
    if key is not None:
        with _MEMO_LOCK:
            known = _MEMO.get(("make_scope", key))
        if isinstance(known, Scope):
            return known
    codes = list(communes_in_area["commune_code"])
    scope = Scope(
        cfg=cfg,
        sel=sel,
        communes=communes_in_area,
        ratings=metrics.in_communes(frames["ratings"], codes),
        models=metrics.models_in_scope(frames["models"], communes_in_area, sel),
        tipoffs=metrics.in_communes(frames["tipoffs"], codes),
        as_of=as_of,
        key=key,
    )
    if key is not None:  # shared read-only by every session with this key: nothing writes to scope frames
        with _MEMO_LOCK:
            _MEMO[("make_scope", key)] = scope
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.popitem(last=False)
    return scope


_MEMO: OrderedDict[Hashable, object] = OrderedDict()
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 512  # entries; a few dozen selections × a dozen reports


def _memo(fn: Callable[..., T]) -> Callable[..., T]:
    """Reuse a report for the same Scope.key, language and plain arguments.

    Thirty members opening the same view before a meeting then cost one computation. Other
    arguments (a TipoffReport) are derived from the scope and left out of the key. Callers get
    a copy, so one of them changing a frame cannot change what the next one is given.
    """

    @functools.wraps(fn)
    def wrapper(scope: Scope, *args):
        if scope.key is None:
            return fn(scope, *args)
        plain = tuple(a for a in args if isinstance(a, (str, int, float)))
        key = (fn.__name__, scope.key, i18n.get_language(), plain)
        with _MEMO_LOCK:
            hit = _MEMO.get(key, _MISSING)
            if hit is not _MISSING:
                _MEMO.move_to_end(key)
        if hit is _MISSING:
            hit = fn(scope, *args)
            with _MEMO_LOCK:
                _MEMO[key] = hit
                while len(_MEMO) > _MEMO_SIZE:
                    _MEMO.popitem(last=False)
        return copy.deepcopy(hit)

    return wrapper


_MISSING = object()


# ---------------------------------------------------------------- tip-offs


@dataclass(frozen=True)
class TipoffReport:
    """Tip-offs of the period against the comparison period."""

    period: Period
    comparison: Period
    current: TipoffSummary
    previous: TipoffSummary

    @property
    def received(self) -> Change:
        """Received, against the comparison period."""
        return Change(self.current.received, self.previous.received)

    @property
    def handled_share(self) -> Change | None:
        """Share handled, against the comparison period (None if either is undefined)."""
        now, before = self.current.handled_share, self.previous.handled_share
        return None if now is None or before is None else Change(now, before)


@_memo
def tipoffs(scope: Scope) -> TipoffReport | None:
    """Tip-off figures for the selected period; None when no period can be chosen."""
    sel, cfg = scope.sel, scope.cfg
    if sel.period is None or sel.comparison is None:
        return None
    summary_args = (scope.as_of, cfg.tipoff_handled_statuses, cfg.tipoff_deadline_days)
    arrays = scope.tipoff_arrays
    return TipoffReport(
        period=sel.period,
        comparison=sel.comparison,
        current=metrics.tipoff_summary(arrays, *summary_args, period=sel.period),
        previous=metrics.tipoff_summary(arrays, *summary_args, period=sel.comparison),
    )


def masked(frame: pd.DataFrame, cfg: Config, column: str = "count", *, bars: bool = False) -> pd.DataFrame:
    """Counts below ``cfg.mask_below`` hidden and labelled "< n" (``label``), for screen and exports.

    ``bars``: a hidden count draws as an empty bar (0) carrying the label, rather than as a gap.
    """
    out = metrics.mask_small(frame, column, cfg.mask_below)
    out["label"] = [
        f"< {fmt.num(cfg.mask_below)}" if hidden else fmt.num(v)
        for hidden, v in zip(out["masked"], out[column], strict=True)
    ]
    if bars:
        out[column] = out[column].fillna(0)
    return out


@_memo
def trend(scope: Scope, tips: TipoffReport) -> pd.DataFrame:
    """Monthly tip-offs of the period beside the comparison period (small counts masked)."""
    arrays = scope.tipoff_arrays
    return masked(metrics.trend_with_comparison(arrays, tips.period, tips.comparison), scope.cfg)


def trend_labels(tips: TipoffReport) -> dict[str, str]:
    """Legend names of the two trend lines."""
    return {
        "current": i18n.t("trend.current", period=fmt.period(tips.period)),
        "comparison": i18n.t("trend.comparison", period=fmt.period(tips.comparison)),
    }


# ---------------------------------------------------------------- ratings


@dataclass(frozen=True)
class RatingReport:
    """Ratings of the evaluation year against the year before."""

    year: int
    counts: pd.DataFrame  # rating, communes (this year)
    counts_prev: pd.DataFrame
    standard: pd.DataFrame  # group, met, total, share (this year)
    standard_prev: pd.DataFrame
    drops: pd.DataFrame  # communes that dropped a level

    def level_change(self, level: str) -> Change:
        """Communes at ``level`` this year against last year."""
        now = self.counts.set_index("rating")["communes"]
        before = self.counts_prev.set_index("rating")["communes"]
        return Change(float(now.get(level, 0)), float(before.get(level, 0)))

    def share_change(self, group: str) -> Change | None:
        """Share of ``group`` meeting the standard against last year (None if undefined)."""
        now = self.standard.set_index("group")["share"].get(group)
        before = self.standard_prev.set_index("group")["share"].get(group)
        if now is None or before is None or pd.isna(now) or pd.isna(before):
            return None
        return Change(float(now), float(before))

    @property
    def rated(self) -> int:
        """Communes with a rating this year."""
        return int(self.counts.loc[self.counts["rating"] != metrics.UNRATED, "communes"].sum())


@_memo
def ratings(scope: Scope) -> RatingReport | None:
    """Rating figures for the selected year; None when there is no rating at all."""
    year = scope.sel.year
    if year is None:
        return None
    levels = scope.cfg.rating_levels
    return RatingReport(
        year=year,
        counts=metrics.rating_counts(scope.ratings, scope.codes, year, levels),
        counts_prev=metrics.rating_counts(scope.ratings, scope.codes, year - 1, levels),
        standard=metrics.standard_summary(scope.ratings, scope.codes, year),
        standard_prev=metrics.standard_summary(scope.ratings, scope.codes, year - 1),
        drops=metrics.rating_drops(scope.ratings, scope.communes, year, levels),
    )


def drops_columns(year: int) -> dict[str, str]:
    """Headers of the rating-drops table (screen and pack); the first, third and fourth are the short form."""
    return {
        "commune_name": i18n.t("col.commune"),
        "district_name": i18n.t("col.district"),
        "rating_prev": i18n.t("col.rating_prev", year=year - 1),
        "rating": i18n.t("col.rating_now", year=year),
        "score_prev_label": i18n.t("col.score_prev"),
        "score_label": i18n.t("col.score_now"),
    }


DROPS_SHORT = ("commune_name", "rating_prev", "rating")  # what a room reads from afar


def overdue_columns() -> dict[str, str]:
    """Headers of the overdue tip-offs table (screen and pack)."""
    return {
        "tipoff_id": i18n.t("col.tipoff_id"),
        "received_label": i18n.t("col.received"),
        "days_label": i18n.t("col.days_open"),
        "commune_name": i18n.t("col.commune"),
        "district_name": i18n.t("col.district"),
        "kind": i18n.t("col.kind"),
        "category": i18n.t("col.category"),
        "status": i18n.t("col.status"),
    }


OVERDUE_SHORT = ("received_label", "days_label", "commune_name")  # when, how long, where


def drops_table(drops: pd.DataFrame) -> pd.DataFrame:
    """The communes that dropped a level, with scores formatted for display."""
    out = drops.copy()
    out["score_label"] = out["score"].map(lambda v: fmt.num(v, 1))
    out["score_prev_label"] = out["score_prev"].map(lambda v: fmt.num(v, 1))
    return out


# ---------------------------------------------------------------- models


@dataclass(frozen=True)
class ModelReport:
    """Models of the area."""

    frame: pd.DataFrame
    by_level: pd.DataFrame
    by_field: pd.DataFrame
    by_lead: pd.DataFrame
    by_status: pd.DataFrame
    new: pd.DataFrame  # launched in the selected period
    exemplary: pd.DataFrame
    weak: pd.DataFrame  # weak or stopped


@_memo
def models(scope: Scope) -> ModelReport:
    """Model figures; "new" means launched during the selected tip-off period."""
    cfg, frame = scope.cfg, scope.models
    period = scope.sel.period
    new = metrics.models_launched(frame, period.start, period.end) if period else frame.iloc[0:0]
    return ModelReport(
        frame=frame,
        by_level=metrics.count_by(frame, "level", cfg.model_levels),
        by_field=metrics.count_by(frame, "field"),
        by_lead=metrics.count_by(frame, "lead_org"),
        by_status=metrics.count_by(frame, "status", cfg.model_statuses),
        new=new,
        exemplary=frame[frame["exemplary"].astype(bool)],
        weak=frame[frame["status"].isin(cfg.model_statuses_weak)],
    )


@_memo
def models_table(scope: Scope, query: str = "") -> pd.DataFrame:
    """The searchable model table, columns named for display; ``query`` matches any text cell."""
    frame = scope.models.copy()
    names = scope.communes.set_index("commune_code")["commune_name"]
    frame["place"] = frame["commune_code"].map(names).fillna("")
    columns = {
        "name": "col.model",
        "level": "col.level",
        "field": "col.field",
        "lead_org": "col.lead_org",
        "place": "col.commune",
        "launch_date": "col.launch",
        "sites": "col.sites",
        "teams": "col.teams",
        "members": "col.members",
        "status": "col.status",
        "exemplary": "col.exemplary",
    }
    frame = frame[list(columns)]
    if query.strip():
        # Typed without accents ("dong"), the search ignores them ("Đông" matches); typed with them,
        # it keeps them ("Đồng" does not match "Đông").
        needle = query.strip().casefold()
        plain = fmt.fold(needle) == needle
        text = frame.select_dtypes(exclude="number").astype(str)
        text = text.apply(lambda c: c.map(fmt.fold) if plain else c.str.casefold())
        frame = frame[text.apply(lambda c: c.str.contains(needle, regex=False)).any(axis=1)]
    frame["exemplary"] = frame["exemplary"].astype(bool)
    return frame.rename(columns={k: i18n.t(v) for k, v in columns.items()}).reset_index(drop=True)


# ---------------------------------------------------------------- tip-off details


@dataclass(frozen=True)
class TipoffBreakdown:
    """Tip-offs of the period split four ways (each frame: a label column and ``count``)."""

    by_kind: pd.DataFrame
    by_category: pd.DataFrame
    by_area: pd.DataFrame  # per district, or per commune when there is no district level
    top_communes: pd.DataFrame  # the ten communes with most tip-offs


@_memo
def tipoff_breakdown(scope: Scope, tips: TipoffReport) -> TipoffBreakdown:
    """Split the period's tip-offs by kind, category, district and commune."""
    cfg = scope.cfg
    arrays = scope.tipoff_arrays
    inside = tips.period  # counted in place (rows chosen by position), not copied
    # Summed per commune first, then named: the names join a row per commune, not per tip-off.
    per_commune = metrics.sum_by(arrays, "commune_code", inside=inside)
    per_commune["commune_code"] = per_commune["commune_code"].astype("str")
    named = per_commune.merge(
        scope.communes[["commune_code", "commune_name", "district_name"]], on="commune_code", how="left"
    )
    by_commune = metrics.sum_by(named, "commune_name").rename(columns={"commune_name": "area"})
    has_districts = named["district_name"].notna().any()
    by_area = (
        metrics.sum_by(named, "district_name").rename(columns={"district_name": "area"})
        if has_districts
        else by_commune
    )
    return TipoffBreakdown(
        by_kind=masked(metrics.sum_by(arrays, "kind", cfg.tipoff_kinds, inside), cfg, bars=True),
        by_category=masked(metrics.sum_by(arrays, "category", inside=inside), cfg, bars=True),
        by_area=masked(by_area, cfg, bars=True),
        top_communes=masked(by_commune.head(10), cfg, bars=True),
    )


@_memo
def overdue(scope: Scope) -> pd.DataFrame:
    """Tip-offs of the area still open past the deadline today, with display columns."""
    cfg = scope.cfg
    late = metrics.overdue_list(
        scope.tipoff_arrays,
        scope.communes,
        scope.as_of,
        cfg.tipoff_handled_statuses,
        cfg.tipoff_deadline_days,
    )
    late["received_label"] = _labels(late["received_date"], fmt.date)
    late["days_label"] = _labels(late["days_open"], fmt.num)
    if "tipoff_id" not in late:
        late["tipoff_id"] = ""
    return late


def _labels(values: pd.Series, label: Callable[[Any], str]) -> np.ndarray:
    """``values.map(label)``, calling ``label`` once per distinct value (a list of 2,000 overdue
    tip-offs holds a few hundred days)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return np.array([*map(label, uniques), label(None)], dtype=object)[codes]


# ---------------------------------------------------------------- map


@_memo
def map_values(scope: Scope) -> pd.DataFrame:
    """Per commune of the area: what the map colours by (see metrics.commune_map_frame)."""
    sel = scope.sel
    values = metrics.commune_map_frame(
        scope.communes, scope.ratings, scope.tipoff_arrays, scope.models, sel.year, sel.period
    )
    hidden = metrics.mask_small(values, "tipoffs", scope.cfg.mask_below)["masked"]
    # A masked commune shows no rate either: rate × population would give the count back.
    values["tipoffs"] = values["tipoffs"].astype("float").where(~hidden)
    values["tipoffs_per_10k"] = values["tipoffs_per_10k"].where(~hidden)
    return values


def map_shapes(shapes: gpd.GeoDataFrame, values: pd.DataFrame) -> gpd.GeoDataFrame:
    """Boundaries of the area's communes with their values (communes without a boundary drop out)."""
    return shapes.merge(values, on="commune_code", how="inner")


def profile(scope: Scope, frames: dict[str, pd.DataFrame], code: str) -> metrics.CommuneProfile | None:
    """One commune's profile over the whole data (its history is not limited to the period)."""
    period = scope.sel.period
    if period is None:
        return None
    prof = metrics.commune_profile(
        code, scope.communes, frames["ratings"], frames["models"], frames["tipoffs"], period
    )
    if prof is None or scope.cfg.mask_below <= 1:
        return prof
    return replace(prof, tipoffs_by_month=masked(prof.tipoffs_by_month, scope.cfg, bars=True))


# ---------------------------------------------------------------- data files


def file_status(data: Dataset, bounds: Boundaries) -> pd.DataFrame:
    """One row per input file: status, modification time, time of the version in use, rows, problems."""
    rows = []
    for state in data.tables.values():
        if state.path is None and not state.problems:
            status = i18n.t("data.status.absent")
        elif state.ok:
            status = i18n.t("data.status.ok")
        elif state.stale:
            status = i18n.t("data.status.stale")
        else:
            status = i18n.t("data.status.bad")
        rows.append(
            {
                "file": state.path.name if state.path else f"{state.name}.csv",
                "status": status,
                "modified": fmt.datetime(state.file_mtime),
                "in_use": fmt.datetime(state.good_mtime),
                "rows": fmt.num(len(state.frame)),
                "problems": fmt.num(len(state.problems)),
            }
        )
    rows.append(
        {
            "file": bounds.path.name if bounds.path else "—",
            "status": i18n.t("data.status.ok") if not bounds.problems else i18n.t("data.status.check"),
            "modified": fmt.datetime(bounds.mtime),
            "in_use": fmt.datetime(bounds.mtime),
            "rows": fmt.num(len(bounds.communes)),
            "problems": fmt.num(len(bounds.problems)),
        }
    )
    return pd.DataFrame(rows)


def problems_by_file(problems: list[Problem]) -> dict[str, list[str]]:
    """Problem descriptions grouped by file name, in the order they came."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(problem.file, []).append(problem.describe())
    return grouped
