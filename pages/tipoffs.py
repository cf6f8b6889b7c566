"""Tin báo, tố giác: tip-offs from the people — trend, kinds, categories, places, and the overdue."""

import streamlit as st

from dashboard import charts, fmt, report
from dashboard.i18n import t
from dashboard.ui import cards, shell

ctx = shell.context()
shell.header(ctx, t("page.tipoffs"))
tips = report.tipoffs(ctx.scope)

if tips is None:
    shell.no_data()
    st.stop()

overdue = report.overdue(ctx.scope)
st.subheader(t("tipoffs.heading", period=fmt.period(tips.period)))
cards.kpi_row(
    [
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
        {"label": t("tipoffs.handled"), "value": fmt.num(tips.current.handled)},
        {
            "label": t("tipoffs.handled_share"),
            "value": fmt.pct(tips.current.handled_share),
            "change": tips.handled_share,
            "share": True,
        },
        {
            "label": t("tipoffs.overdue_now", days=ctx.cfg.tipoff_deadline_days),
            "value": fmt.num(len(overdue)),
            "help": t("tipoffs.overdue_help", date=fmt.date(ctx.scope.as_of)),
        },
    ]
)

st.subheader(t("overview.trend"))
if tips.current.received + tips.previous.received == 0:
    shell.no_data()
else:
    st.altair_chart(
        charts.trend_lines(report.trend(ctx.scope, tips), report.trend_labels(tips)), width="stretch"
    )

if tips.current.received == 0:
    shell.no_data()
else:
    breakdown = report.tipoff_breakdown(ctx.scope, tips)
    left, right = st.columns(2)
    with left:
        st.subheader(t("tipoffs.by_kind"))
        st.altair_chart(
            charts.ranked_bars(breakdown.by_kind, "kind", title=t("chart.tipoffs")), width="stretch"
        )
        st.subheader(t("tipoffs.by_area"))
        st.altair_chart(
            charts.ranked_bars(breakdown.by_area, "area", title=t("chart.tipoffs")), width="stretch"
        )
    with right:
        st.subheader(t("tipoffs.by_category"))
        st.altair_chart(
            charts.ranked_bars(breakdown.by_category, "category", title=t("chart.tipoffs")), width="stretch"
        )
        st.subheader(t("tipoffs.top_communes"))
        st.altair_chart(
            charts.ranked_bars(breakdown.top_communes, "area", title=t("chart.tipoffs")), width="stretch"
        )

st.subheader(t("tipoffs.overdue_list", days=ctx.cfg.tipoff_deadline_days, date=fmt.date(ctx.scope.as_of)))
if overdue.empty:
    st.success(t("tipoffs.no_overdue"), icon=":material/check_circle:")
else:
    cards.table(
        overdue,
        {
            "tipoff_id": t("col.tipoff_id"),
            "received_label": t("col.received"),
            "days_label": t("col.days_open"),
            "commune_name": t("col.commune"),
            "district_name": t("col.district"),
            "kind": t("col.kind"),
            "category": t("col.category"),
            "status": t("col.status"),
        },
    )
