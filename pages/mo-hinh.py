"""Mô hình: the self-management models — how many, at which level, in which field, in what state."""

import streamlit as st

from dashboard import charts, fmt, headlines, report
from dashboard.i18n import t
from dashboard.ui import cards, present, shell

ctx = shell.context()
shell.header(ctx, t("page.models"))
models = report.models(ctx.scope)

if models.frame.empty:
    shell.no_data()
    st.stop()

period = fmt.period(ctx.sel.period) if ctx.sel.period else None
cards.kpi_row(headlines.models_cards(ctx.cfg, models, period))

left, mid, right = st.columns(3)
for column, frame, key, title in (
    (left, models.by_field, "field", t("models.by_field")),
    (mid, models.by_lead, "lead_org", t("models.by_lead")),
    (right, models.by_status, "status", t("models.by_status")),
):
    with column:
        st.subheader(title)
        cards.chart(
            charts.ranked_bars,
            frame,
            key,
            title=t("chart.models"),
            height=present.chart_height(),
            cache=(ctx.scope.key, "models", key),
        )

# The searchable table is for looking things up at a desk, not for the projected agenda.
if not present.active():
    st.subheader(t("models.table"))
    query = st.text_input(t("models.search"), key="models_search", placeholder=t("models.search_hint"))
    table = report.models_table(ctx.scope, query)
    if table.empty:
        shell.no_data()
    else:
        # Counts written "2.437" and still sorted as numbers (fmt.sortable), aligned to the right.
        counts = [t(key) for key in ("col.sites", "col.teams", "col.members")]
        st.dataframe(
            table.assign(**{name: fmt.sortable(table[name]) for name in counts}),
            hide_index=True,
            width="stretch",
            column_config={
                t("col.launch"): st.column_config.DateColumn(format="DD/MM/YYYY"),
                t("col.exemplary"): st.column_config.CheckboxColumn(),
                **{name: st.column_config.TextColumn(alignment="right") for name in counts},
            },
        )
