"""Pure Altair builders: a frame and column names in, a chart out. No Streamlit.

Charts carry a Vega locale so axes read 1.234 and "thg 8" in Vietnamese, and large type so
they stay readable from the back of a meeting room.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from dashboard import fmt, i18n

FONT_SIZE = 16
TITLE_SIZE = 18
BAR_STEP = 34  # pixels per bar: room for a 16 px label on a projector
ACCENT = "#1a5c99"
COMPARISON = "#9aa5b1"

_VI_LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]},
    "time": {
        "dateTime": "%A, %d/%m/%Y %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": ["SA", "CH"],
        "days": ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
        "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
        "months": [f"Tháng {i}" for i in range(1, 13)],
        "shortMonths": [f"T{i}" for i in range(1, 13)],
    },
}


def _style(chart: alt.Chart | alt.LayerChart, height: int | alt.Step) -> alt.Chart | alt.LayerChart:
    """Shared look: big labels, no chart border, the active language's number format.

    One ``configure`` call: a second one would replace the first's settings.
    """
    config: dict = {
        "axis": {
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "labelLimit": 320,
            "labelOverlap": False,
        },
        "legend": {
            "labelFontSize": FONT_SIZE,
            "titleFontSize": FONT_SIZE,
            "orient": "top",
            "labelLimit": 400,
        },
        "view": {"stroke": None},
    }
    if i18n.get_language() == "vi":
        config["locale"] = _VI_LOCALE
    return chart.properties(height=height).configure(**config)


# The count axis under bars that print their own values: whole numbers only, and ticks thinned
# rather than printed over each other ("260280" at the end of a long axis).
_COUNT_AXIS = alt.Axis(tickMinStep=1, labelOverlap="greedy")


def _with_labels(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """A printed ``label`` per row, unless the frame brings its own (masked counts read "< 5")."""
    out = frame.copy()
    if "label" not in out:
        out["label"] = out[value].map(fmt.num)
    return out


def rating_bars(counts: pd.DataFrame, colours: Mapping[str, str]) -> alt.LayerChart:
    """Horizontal bars of communes per rating level, in the palette every page uses."""
    data = _with_labels(counts, "communes")
    order = list(data["rating"])
    palette = [colours.get(level, "#999999") for level in order]
    y = alt.Y("rating:N", sort=order, title=None)
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("communes:Q", title=i18n.t("chart.communes"), axis=_COUNT_AXIS),
            color=alt.Color("rating:N", scale=alt.Scale(domain=order, range=palette), legend=None),
            tooltip=[
                alt.Tooltip("rating:N", title=i18n.t("chart.rating")),
                alt.Tooltip("label:N", title=i18n.t("chart.communes")),
            ],
        )
    )
    text = bars.mark_text(align="left", dx=6, fontSize=FONT_SIZE).encode(
        text="label:N", color=alt.value("#14213d")
    )
    return _style(bars + text, alt.Step(BAR_STEP))


def ranked_bars(
    frame: pd.DataFrame, category: str, value: str = "count", *, title: str, height: int | None = None
) -> alt.LayerChart:
    """Horizontal bars, largest first (the order of ``frame`` is kept), with the value printed."""
    data = _with_labels(frame, value)
    order = list(data[category])
    y = alt.Y(f"{category}:N", sort=order, title=None)
    bars = (
        alt.Chart(data)
        .mark_bar(color=ACCENT)
        .encode(
            y=y,
            x=alt.X(f"{value}:Q", title=title, axis=_COUNT_AXIS),
            tooltip=[alt.Tooltip(f"{category}:N", title=" "), alt.Tooltip("label:N", title=title)],
        )
    )
    text = bars.mark_text(align="left", dx=6, fontSize=FONT_SIZE).encode(text="label:N")
    return _style(bars + text, height or alt.Step(BAR_STEP))


def trend_lines(trend: pd.DataFrame, labels: Mapping[str, str], height: int = 320) -> alt.Chart:
    """Monthly counts of the current period, with the comparison period dashed behind it.

    ``trend`` comes from metrics.trend_with_comparison; ``labels`` names the two series.
    """
    data = _with_labels(trend, "count")
    data["month_label"] = data["month"].map(fmt.month)
    data["series_label"] = data["series"].map(labels)
    current = data[data["series"] == "current"]
    # The axis names months only ("T8"): the legend already says which year each line is.
    step_labels = dict(zip(current["step"], current["month"].map(fmt.month_short), strict=False))
    axis = alt.Axis(
        values=list(step_labels),
        labelExpr="{" + ",".join(f"{k}: '{v}'" for k, v in step_labels.items()) + "}[datum.value]",
        labelAngle=0,
    )
    domain = [labels["current"], labels["comparison"]]
    chart = (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("step:Q", axis=axis, title=None, scale=alt.Scale(nice=False)),
            y=alt.Y("count:Q", title=i18n.t("chart.tipoffs")),
            color=alt.Color(
                "series_label:N",
                scale=alt.Scale(domain=domain, range=[ACCENT, COMPARISON]),
                title=None,
                legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=400),
            ),
            # Same field and title as the colour: Vega-Lite draws one legend with solid and dashed
            # lines (legend=None here would drop the merged legend altogether).
            strokeDash=alt.StrokeDash(
                "series_label:N", scale=alt.Scale(domain=domain, range=[[1, 0], [6, 4]]), title=None
            ),
            tooltip=[
                alt.Tooltip("series_label:N", title=" "),
                alt.Tooltip("month_label:N", title=i18n.t("chart.month")),
                alt.Tooltip("label:N", title=i18n.t("chart.tipoffs")),
            ],
        )
    )
    return _style(chart, height)


def monthly_bars(frame: pd.DataFrame, height: int = 220) -> alt.Chart:
    """Tip-offs per month as columns (used in a commune's profile)."""
    data = _with_labels(frame, "count")
    data["month_label"] = data["month"].map(fmt.month)
    chart = (
        alt.Chart(data)
        .mark_bar(color=ACCENT)
        .encode(
            x=alt.X("month_label:N", sort=list(data["month_label"]), title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("count:Q", title=i18n.t("chart.tipoffs"), axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                alt.Tooltip("month_label:N", title=i18n.t("chart.month")),
                alt.Tooltip("label:N", title=i18n.t("chart.tipoffs")),
            ],
        )
    )
    return _style(chart, height)


def score_history(
    history: pd.DataFrame, colours: Mapping[str, str], levels: Sequence[str], height: int = 220
) -> alt.LayerChart:
    """A commune's score per evaluation year, points coloured by rating level."""
    data = history.copy()
    data["year_label"] = data["year"].astype(str)
    data["score_label"] = data["score"].map(lambda v: fmt.num(v, 1))
    order = [*levels, "Chưa xếp loại"]
    palette = [colours.get(level, "#999999") for level in order]
    base = alt.Chart(data).encode(x=alt.X("year_label:N", title=None, axis=alt.Axis(labelAngle=0)))
    line = base.mark_line(color=COMPARISON, strokeWidth=2).encode(
        y=alt.Y("score:Q", title=i18n.t("chart.score"), scale=alt.Scale(domain=[0, 100]))
    )
    points = base.mark_circle(size=260, opacity=1).encode(
        y="score:Q",
        color=alt.Color("rating:N", scale=alt.Scale(domain=order, range=palette), title=None),
        tooltip=[
            alt.Tooltip("year_label:N", title=i18n.t("chart.year")),
            alt.Tooltip("score_label:N", title=i18n.t("chart.score")),
            alt.Tooltip("rating:N", title=i18n.t("chart.rating")),
        ],
    )
    return _style(line + points, height)
