"""Tổng quan: the headline figures of a BCĐ report for the selected area and period."""

import streamlit as st

from dashboard import charts, headlines, report
from dashboard.i18n import t
from dashboard.ui import cards, present, shell

ctx = shell.context()
shell.header(ctx, t("page.overview"))
cfg = ctx.cfg
ratings = report.ratings(ctx.scope)
tips = report.tipoffs(ctx.scope)
models = report.models(ctx.scope)
compact = present.active()

if ratings is None:
    shell.no_data()
cards.sections(headlines.overview(cfg, len(ctx.communes), ratings, tips, models))

# --- Charts and the communes a chair asks about first (side by side when presenting).
columns = st.columns(3) if compact else [*st.columns(2), st.container()]
with columns[0]:
    st.subheader(t("overview.distribution"))
    if ratings is None or ratings.rated == 0:
        shell.no_data()
    else:
        cards.chart(charts.rating_bars, ratings.counts, cfg.rating_colours, cache=(ctx.scope.key, "ratings"))
with columns[1]:
    st.subheader(t("overview.trend"))
    if tips is None or tips.current.received + tips.previous.received == 0:
        shell.no_data()
    else:
        trend = report.trend(ctx.scope, tips)
        cards.chart(
            charts.trend_lines,
            trend,
            report.trend_labels(tips),
            height=present.chart_height(320, presenting=180),
            cache=(ctx.scope.key, "trend"),
        )
with columns[2]:
    st.subheader(
        t("overview.drops", year=ratings.year if ratings else "", prev=ratings.year - 1 if ratings else "")
    )
    if ratings is None or ratings.drops.empty:
        st.success(t("overview.no_drops"), icon=":material/check_circle:")
    else:
        columns = report.drops_columns(ratings.year)
        if compact:  # the names and the two ratings: what the room reads from afar
            columns = {k: columns[k] for k in report.DROPS_SHORT}
        cards.table(report.drops_table(ratings.drops), columns, rows=present.TABLE_ROWS if compact else None)
