"""What goes on each page of the pack: headline cards, charts, a map, tables — one Slide per agenda item."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import altair as alt
import geopandas as gpd
import pandas as pd

from dashboard import charts, fmt, headlines, report
from dashboard.headlines import Section
from dashboard.i18n import t
from dashboard.registry import agenda

TOP_ROWS = 10  # rows of a table printed in the PDF; the Excel file has them all


@dataclass(frozen=True)
class PackInput:
    """Everything the pack needs, taken from the page context of the run that asked for it."""

    scope: report.Scope
    province: str
    area_name: str
    as_of: dt.date | dt.datetime | None  # the "data as of" stamp shown on screen
    is_sample: bool
    communes_shapes: gpd.GeoDataFrame  # display boundaries (commune_code, geometry)
    districts_shapes: gpd.GeoDataFrame  # district outlines, may be empty


@dataclass
class Table:
    """A titled table: ``frame`` holds every row, labelled and formatted for display."""

    title: str
    frame: pd.DataFrame
    pdf_columns: tuple[str, ...] = ()  # the columns printed in the PDF (none: Excel only)


@dataclass
class Slide:
    """One agenda item: the page title, its headline rows, and its pictures and tables."""

    name: str  # registry name: overview, map, models, tipoffs
    title: str
    sections: list[Section] = field(default_factory=list)
    charts: list[tuple[str, alt.TopLevelMixin]] = field(default_factory=list)
    map_frame: gpd.GeoDataFrame | None = None  # communes with their values, for the rating map
    tables: list[Table] = field(default_factory=list)


def _labelled(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    return frame[list(columns)].rename(columns=columns).reset_index(drop=True)


def _overview(inp: PackInput) -> Slide:
    scope, cfg = inp.scope, inp.scope.cfg
    ratings, tips, models = report.ratings(scope), report.tipoffs(scope), report.models(scope)
    slide = Slide(
        "overview", t("page.overview"), headlines.overview(cfg, len(scope.communes), ratings, tips, models)
    )
    if ratings is not None and ratings.rated:
        slide.charts.append(
            (t("overview.distribution"), charts.rating_bars(ratings.counts, cfg.rating_colours))
        )
    if tips is not None and tips.current.received + tips.previous.received:
        trend = charts.trend_lines(report.trend(scope, tips), report.trend_labels(tips), height=260)
        slide.charts.append((t("overview.trend"), trend))
    if ratings is not None:
        columns = report.drops_columns(ratings.year)
        title = t("overview.drops", year=ratings.year, prev=ratings.year - 1)
        printed = tuple(columns[k] for k in report.DROPS_SHORT)
        slide.tables.append(Table(title, _labelled(report.drops_table(ratings.drops), columns), printed))
    return slide


def _map(inp: PackInput) -> Slide:
    values = report.map_values(inp.scope)
    frame = report.map_shapes(inp.communes_shapes, values)
    return Slide("map", t("page.map"), map_frame=frame)


def _models(inp: PackInput) -> Slide:
    scope = inp.scope
    models = report.models(scope)
    period = fmt.period(scope.sel.period) if scope.sel.period else None
    slide = Slide(
        "models", t("page.models"), [Section("", headlines.models_cards(scope.cfg, models, period))]
    )
    if not models.frame.empty:
        for frame, key, title in (
            (models.by_field, "field", t("models.by_field")),
            (models.by_lead, "lead_org", t("models.by_lead")),
            (models.by_status, "status", t("models.by_status")),
        ):
            slide.charts.append((title, charts.ranked_bars(frame, key, title=t("chart.models"))))
    table = report.models_table(scope)
    table[t("col.launch")] = table[t("col.launch")].map(fmt.date)
    table[t("col.exemplary")] = table[t("col.exemplary")].map(lambda v: "✓" if v else "")
    slide.tables.append(Table(t("models.table"), table))
    return slide


def _tipoffs(inp: PackInput) -> Slide:
    scope = inp.scope
    tips = report.tipoffs(scope)
    slide = Slide("tipoffs", t("page.tipoffs"))
    if tips is None:
        return slide
    overdue = report.overdue(scope)
    cards = headlines.tipoff_cards(scope.cfg, tips, len(overdue), fmt.date(scope.as_of))
    slide.sections.append(Section(t("tipoffs.heading", period=fmt.period(tips.period)), cards))
    if tips.current.received + tips.previous.received:
        trend = charts.trend_lines(report.trend(scope, tips), report.trend_labels(tips), height=260)
        slide.charts.append((t("overview.trend"), trend))
    if tips.current.received:
        breakdown = report.tipoff_breakdown(scope, tips)
        slide.charts.append(
            (
                t("tipoffs.by_category"),
                charts.ranked_bars(breakdown.by_category, "category", title=t("chart.tipoffs")),
            )
        )
        slide.charts.append(
            (
                t("tipoffs.top_communes"),
                charts.ranked_bars(breakdown.top_communes, "area", title=t("chart.tipoffs")),
            )
        )
    columns = report.overdue_columns()
    title = t("tipoffs.overdue_list", days=scope.cfg.tipoff_deadline_days, date=fmt.date(scope.as_of))
    printed = tuple(columns[k] for k in report.OVERDUE_SHORT)
    slide.tables.append(Table(title, _labelled(overdue, columns), printed))
    return slide


_BUILDERS = {"overview": _overview, "map": _map, "models": _models, "tipoffs": _tipoffs}


def slides(inp: PackInput) -> list[Slide]:
    """One slide per agenda page the pack can print, in the agenda's order (the Data page is not)."""
    return [_BUILDERS[spec.name](inp) for spec in agenda(inp.scope.cfg.agenda) if spec.name in _BUILDERS]


def filter_lines(inp: PackInput) -> list[tuple[str, str]]:
    """(label, value) of the filters, for the cover."""
    sel = inp.scope.sel
    lines = [(t("pack.area"), inp.area_name)]
    if sel.period is not None:
        lines.append((t("pack.period"), fmt.period(sel.period)))
    if sel.comparison is not None:
        lines.append((t("pack.comparison"), fmt.period(sel.comparison)))
    if sel.year is not None:
        lines.append((t("pack.year"), str(sel.year)))
    lines.append((t("pack.asof"), fmt.moment(inp.as_of)))
    return lines


def info_line(inp: PackInput) -> str:
    """The line under each page title, as the presentation bar writes it."""
    sel = inp.scope.sel
    parts = [inp.province, inp.area_name]
    if sel.period is not None:
        parts.append(fmt.period(sel.period))
    if sel.year is not None:
        parts.append(t("present.rating_year", year=sel.year))
    parts.append(t("asof", when=fmt.moment(inp.as_of)))
    return " · ".join(p for p in parts if p)
