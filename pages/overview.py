"""Tổng quan: the headline figures of a BCĐ report for the selected area and period."""

import streamlit as st

from dashboard import charts, fmt, report
from dashboard.i18n import t
from dashboard.schema import STANDARD_GROUPS
from dashboard.ui import cards, shell

ctx = shell.context()
shell.header(ctx, t("page.overview"))
cfg = ctx.cfg
ratings = report.ratings(ctx.scope)
tips = report.tipoffs(ctx.scope)
models = report.models(ctx.scope)

# --- Ratings: communes per level this year, against last year.
if ratings is None:
    shell.no_data()
else:
    st.subheader(
        t("overview.ratings", year=ratings.year, n=fmt.num(ratings.rated), total=fmt.num(len(ctx.communes)))
    )
    cards.kpi_row(
        [
            {
                "label": level,
                "value": fmt.num(ratings.level_change(level).current),
                "change": ratings.level_change(level),
                "good": "down" if i >= 2 else "up",
                "help": t("overview.vs_year", year=ratings.year - 1),
            }
            for i, level in enumerate(cfg.rating_levels)
        ]
    )

    st.subheader(t("overview.standard", year=ratings.year))
    std = ratings.standard.set_index("group")
    groups = [("communes", t("group.communes")), *((g, t(f"group.{g}")) for g, _vi, _en in STANDARD_GROUPS)]
    cards.kpi_row(
        [
            {
                "label": f"{label} — {fmt.pct(std.at[g, 'share'])}",
                "value": fmt.ratio(std.at[g, "met"], std.at[g, "total"]),
                "change": ratings.share_change(g),
                "share": True,
                "help": t("overview.share_vs_year", year=ratings.year - 1),
            }
            for g, label in groups
            if g in std.index
        ]
    )

# --- Models and tip-offs.
st.subheader(t("overview.models_tipoffs", period=fmt.period(tips.period) if tips else ""))
levels = models.by_level.set_index("level")["count"]
model_cards = [
    {
        "label": t("overview.models_total"),
        "value": fmt.num(len(models.frame)),
        "help": " · ".join(f"{lvl}: {fmt.num(n)}" for lvl, n in levels.items()),
    },
    *({"label": t("overview.models_level", level=lvl), "value": fmt.num(n)} for lvl, n in levels.items()),
]
tip_cards = []
if tips is not None:
    tip_cards = [
        {
            "label": t("tipoffs.received"),
            "value": fmt.num(tips.current.received),
            "change": tips.received,
            "good": "neutral",
            "help": t(
                "overview.compared_with",
                start=fmt.date(tips.comparison.start),
                end=fmt.date(tips.comparison.end),
            ),
        },
        {
            "label": t("tipoffs.handled_share"),
            "value": fmt.pct(tips.current.handled_share),
            "change": tips.handled_share,
            "share": True,
        },
    ]
cards.kpi_row([*model_cards, *tip_cards])

# --- Charts and the communes a chair asks about first.
left, right = st.columns(2)
with left:
    st.subheader(t("overview.distribution"))
    if ratings is None or ratings.rated == 0:
        shell.no_data()
    else:
        st.altair_chart(charts.rating_bars(ratings.counts, cfg.rating_colours), width="stretch")
with right:
    st.subheader(t("overview.trend"))
    if tips is None or tips.current.received + tips.previous.received == 0:
        shell.no_data()
    else:
        trend = report.trend(ctx.scope, tips)
        st.altair_chart(charts.trend_lines(trend, report.trend_labels(tips)), width="stretch")

st.subheader(
    t("overview.drops", year=ratings.year if ratings else "", prev=ratings.year - 1 if ratings else "")
)
if ratings is None or ratings.drops.empty:
    st.success(t("overview.no_drops"), icon=":material/check_circle:")
else:
    cards.table(
        report.drops_table(ratings.drops),
        {
            "commune_name": t("col.commune"),
            "district_name": t("col.district"),
            "rating_prev": t("col.rating_prev", year=ratings.year - 1),
            "rating": t("col.rating_now", year=ratings.year),
            "score_prev_label": t("col.score_prev"),
            "score_label": t("col.score_now"),
        },
    )
