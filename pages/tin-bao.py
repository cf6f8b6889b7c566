"""Tin báo, tố giác: tip-offs from the people — trend, kinds, categories, places, and the overdue."""

import streamlit as st

from dashboard import charts, fmt, headlines, report
from dashboard.i18n import t
from dashboard.ui import cards, present, shell

ctx = shell.context()
shell.header(ctx, t("page.tipoffs"))
tips = report.tipoffs(ctx.scope)

if tips is None:
    shell.no_data()
    st.stop()

compact = present.active()
height = present.chart_height()
overdue = report.overdue(ctx.scope)
st.subheader(t("tipoffs.heading", period=fmt.period(tips.period)))
cards.kpi_row(headlines.tipoff_cards(ctx.cfg, tips, len(overdue), fmt.date(ctx.scope.as_of)))
if ctx.cfg.mask_below > 1:
    st.caption(t("mask.note", n=fmt.num(ctx.cfg.mask_below - 1), below=fmt.num(ctx.cfg.mask_below)))

# Presenting: two rows of three (trend, kind, area / category, top communes, overdue) fit one screen;
# at a desk: the trend full width, then the four breakdowns two by two, then the overdue list.
grid = [*st.columns(3), *st.columns(3)] if compact else None
with grid[0] if grid else st.container():
    st.subheader(t("overview.trend"))
    if tips.current.received + tips.previous.received == 0:
        shell.no_data()
    else:
        cards.chart(
            charts.trend_lines,
            report.trend(ctx.scope, tips),
            report.trend_labels(tips),
            height=height or 320,
            cache=(ctx.scope.key, "trend"),
        )

if tips.current.received == 0:
    shell.no_data()
else:
    breakdown = report.tipoff_breakdown(ctx.scope, tips)
    left, right = (None, None) if grid else st.columns(2)
    for slot, frame, key, title in (
        (grid[1] if grid else left, breakdown.by_kind, "kind", t("tipoffs.by_kind")),
        (grid[3] if grid else right, breakdown.by_category, "category", t("tipoffs.by_category")),
        (grid[2] if grid else left, breakdown.by_area, "area", t("tipoffs.by_area")),
        (grid[4] if grid else right, breakdown.top_communes, "area", t("tipoffs.top_communes")),
    ):
        with slot:
            st.subheader(title)
            cards.chart(
                charts.ranked_bars,
                frame,
                key,
                title=t("chart.tipoffs"),
                height=height,
                cache=(ctx.scope.key, title),
            )

with grid[5] if grid else st.container():
    st.subheader(t("tipoffs.overdue_list", days=ctx.cfg.tipoff_deadline_days, date=fmt.date(ctx.scope.as_of)))
    if overdue.empty:
        st.success(t("tipoffs.no_overdue"), icon=":material/check_circle:")
    else:
        columns = report.overdue_columns()
        if compact:  # a third of the screen: when, how long, where
            columns = {k: columns[k] for k in report.OVERDUE_SHORT}
        cards.table(overdue, columns, rows=present.TABLE_ROWS if compact else None)
