"""Dữ liệu: each input file, its "as of" time, rows, validation status and messages; boundary matching."""

import streamlit as st

from dashboard import i18n, matching, report
from dashboard.i18n import t
from dashboard.ui import cards, shell

ctx = shell.context()
shell.header(ctx, t("page.data"))
if not ctx.user.sees_files:  # not in this user's menu; a typed address lands here
    st.info(t("data.secretariat_only"), icon=":material/lock:")
    st.stop()
bounds = shell.boundaries_for(ctx)

st.subheader(t("data.files"))
cards.table(
    report.file_status(ctx.data, bounds),
    {
        "file": t("data.file"),
        "status": t("data.status"),
        "modified": t("data.modified"),
        "in_use": t("data.in_use"),
        "rows": t("data.rows"),
        "problems": t("data.problems"),
    },
)

problems = [*ctx.data.problems, *bounds.problems]
if not problems:
    st.success(t("data.all_ok"), icon=":material/check_circle:")
else:
    st.subheader(t("data.messages"))
    for file, items in report.problems_by_file(problems).items():
        with st.expander(t("load.errors_title", file=file) + f" ({len(items)})", expanded=True):
            st.markdown("\n".join(f"- {cards.plain(p)}" for p in items))

match = bounds.matching
if match is not None:
    lang = i18n.get_language()
    st.subheader(matching.label("title", lang))
    summary, *_rest = match.lines()
    if match.ok:
        st.success(summary, icon=":material/check_circle:")
    else:
        st.warning(summary, icon=":material/warning:")
    for note in match.notes:
        st.caption(note)
    unmatched = matching.report_table(match, lang)
    if len(unmatched):
        cards.table(unmatched, {key: matching.label(key, lang) for key in ("kind", "unit", "candidates")})
    st.caption(matching.label("hint", lang))

st.caption(t("data.folder", path=str(ctx.cfg.data_dir)))
