"""The sidebar filters, shared by every page and mirrored in the URL.

The widgets are drawn by the entry point before the page runs, so their state survives a
change of page. The URL (``?district=081,082&year=2025&period=q:2026-3&compare=yoy``, plus
``present=1`` in presentation mode) is read
once when a session starts and rewritten after every run, so a link or a reload reopens the
same view. Options come from the data; a value the data does not have falls back to the default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import fmt, i18n
from dashboard.i18n import t
from dashboard.selection import COMPARES, PERIOD_KINDS, Period, Selection, make_period, parse_period

_INIT = "_filters_from_url"
K_PRESENT = "present_on"  # presentation mode (dashboard/ui/present.py), kept in the URL as present=1
K_AREA, K_YEAR, K_KIND, K_PERIOD, K_RANGE, K_COMPARE, K_LANG = (
    "f_area",
    "f_year",
    "f_kind",
    "f_period",
    "f_range",
    "f_compare",
    "f_lang",
)


@dataclass(frozen=True)
class FilterOptions:
    """What the data offers to choose from."""

    areas: dict[str, str]  # code -> name, districts (or communes when there is no district level)
    by_district: bool
    years: list[int]  # evaluation years, newest first
    first_day: dt.date | None  # first and last tip-off dates
    last_day: dt.date | None


def options_from(communes: pd.DataFrame, ratings: pd.DataFrame, tipoffs: pd.DataFrame) -> FilterOptions:
    """The choices the data supports."""
    has_districts = "district_code" in communes and communes["district_code"].fillna("").str.len().gt(0).any()
    if has_districts:
        pairs = communes.dropna(subset=["district_code"]).drop_duplicates("district_code")
        areas = dict(
            zip(pairs["district_code"], pairs["district_name"].fillna(pairs["district_code"]), strict=True)
        )
    else:
        areas = dict(zip(communes["commune_code"], communes["commune_name"], strict=True))
    areas = dict(sorted(areas.items(), key=lambda kv: fmt.collate(str(kv[1]))))
    years = sorted({int(y) for y in ratings["year"]}, reverse=True) if len(ratings) else []
    dates = tipoffs["received_date"].dropna() if len(tipoffs) else pd.Series(dtype="datetime64[ns]")
    first = dates.min().date() if len(dates) else None
    last = dates.max().date() if len(dates) else None
    return FilterOptions(areas, bool(has_districts), years, first, last)


def period_choices(kind: str, first: dt.date, last: dt.date) -> list[str]:
    """Period codes of ``kind`` overlapping the data, newest first."""
    if kind == "y":
        return [f"y:{y}" for y in range(last.year, first.year - 1, -1)]
    size = {"m": 1, "q": 3, "h": 6}[kind]
    codes: list[str] = []
    year, index = last.year, (last.month - 1) // size + 1
    while (year, index) >= (first.year, (first.month - 1) // size + 1):
        codes.append(make_period(kind, year, index).code())  # type: ignore[arg-type]
        year, index = (year, index - 1) if index > 1 else (year - 1, 12 // size)
    return codes


def period_label(code: str) -> str:
    """The label of a period code, for the period picker."""
    period = parse_period(code)
    return fmt.period(period) if period else code


def _seed_from_url() -> None:
    """Copy the URL's filters into the session once, when the session starts."""
    if st.session_state.get(_INIT):
        return
    st.session_state[_INIT] = True
    params = st.query_params
    if "district" in params:
        st.session_state[K_AREA] = [c for c in params["district"].split(",") if c]
    if "year" in params and params["year"].isdigit():
        st.session_state[K_YEAR] = int(params["year"])
    period = parse_period(params.get("period", ""))
    if period is not None:
        st.session_state[K_KIND] = period.kind
        if period.kind == "r":
            st.session_state[K_RANGE] = (period.start, period.end)
        else:
            st.session_state[K_PERIOD] = period.code()
    if params.get("compare") in COMPARES:
        st.session_state[K_COMPARE] = params["compare"]
    if params.get("lang") in i18n.LANGUAGES:
        st.session_state[K_LANG] = params["lang"]
    if params.get("present") == "1":
        st.session_state[K_PRESENT] = True


def _keep_valid(key: str, allowed: list, default: object) -> None:
    """Drop a remembered value the current data no longer offers (e.g. after a data refresh)."""
    value = st.session_state.get(key)
    if isinstance(value, list):
        st.session_state[key] = [v for v in value if v in allowed]
    elif value is not None and value not in allowed:
        st.session_state[key] = default


def language_picker(default: str) -> str:
    """The VI/EN switch; sets the language of this rerun."""
    _seed_from_url()
    if K_LANG not in st.session_state:
        st.session_state[K_LANG] = default
    lang = (
        st.sidebar.segmented_control(
            "Ngôn ngữ / Language",
            options=list(i18n.LANGUAGES),
            key=K_LANG,
            format_func=lambda c: {"vi": "Tiếng Việt", "en": "English"}[c],
        )
        or default
    )
    i18n.set_language(lang)
    return lang


def sidebar_filters(opts: FilterOptions, everything: str | None = None) -> Selection:
    """Draw the filters in the sidebar and return the selection.

    ``everything`` names an empty area choice (default "Toàn tỉnh"; a district user's own district).
    """
    _seed_from_url()
    side = st.sidebar
    side.header(t("filters.title"))
    _keep_valid(K_AREA, list(opts.areas), [])
    area_label = t("filters.district") if opts.by_district else t("filters.commune")
    areas = side.multiselect(
        area_label,
        options=list(opts.areas),
        key=K_AREA,
        format_func=opts.areas.get,
        placeholder=everything or t("filters.whole_province"),
    )

    year = None
    if opts.years:
        _keep_valid(K_YEAR, opts.years, opts.years[0])
        year = side.selectbox(t("filters.year"), options=opts.years, key=K_YEAR)

    period = None
    if opts.first_day and opts.last_day:
        period = _period_widgets(opts.first_day, opts.last_day)
    _keep_valid(K_COMPARE, list(COMPARES), "yoy")
    compare = side.radio(
        t("filters.compare"),
        options=list(COMPARES),
        key=K_COMPARE,
        format_func=lambda c: t(f"filters.compare.{c}"),
    )

    sel = Selection(
        districts=tuple(areas) if opts.by_district else (),
        communes=() if opts.by_district else tuple(areas),
        year=year,
        period=period,
        compare=compare or "yoy",
    )
    return sel


def _period_widgets(first: dt.date, last: dt.date) -> Period:
    side = st.sidebar
    st.session_state.setdefault(K_KIND, "y")  # a year, so the overview opens on this year to date
    _keep_valid(K_KIND, list(PERIOD_KINDS), "y")
    kind = side.selectbox(
        t("filters.period_kind"),
        options=list(PERIOD_KINDS),
        key=K_KIND,
        format_func=lambda k: t(f"filters.kind.{k}"),
    )
    if kind == "r":
        default = (max(first, last - dt.timedelta(days=89)), last)
        value = side.date_input(
            t("filters.range"),
            value=st.session_state.get(K_RANGE, default),
            format="DD/MM/YYYY",
            min_value=first,
            max_value=last,
        )
        if isinstance(value, tuple) and len(value) == 2:
            st.session_state[K_RANGE] = value
        start, end = st.session_state.get(K_RANGE, default)
        return Period("r", start, end)
    choices = period_choices(kind, first, last)
    _keep_valid(K_PERIOD, choices, choices[0])
    code = side.selectbox(t("filters.period"), options=choices, key=K_PERIOD, format_func=period_label)
    return parse_period(code) or parse_period(choices[0])  # type: ignore[return-value]


def write_url(sel: Selection) -> None:
    """Mirror the selection in the address bar, so the view can be shared or reloaded.

    Called after the page has run: writing it before st.navigation has resolved the page
    makes Streamlit report the page as missing.
    """
    params: dict[str, str] = {}
    areas = [*sel.districts, *sel.communes]
    if areas:
        params["district"] = ",".join(areas)
    if sel.year is not None:
        params["year"] = str(sel.year)
    if sel.period is not None:
        params["period"] = sel.period.code()
    params["compare"] = sel.compare
    if i18n.get_language() != "vi":
        params["lang"] = i18n.get_language()
    if st.session_state.get(K_PRESENT):
        params["present"] = "1"
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
