"""Entry point: draws the shared sidebar and header, then routes to the page the user chose.

Run with ``streamlit run app.py``. Pages are registered in dashboard/registry.py.
"""

from __future__ import annotations

import streamlit as st

from dashboard import assets
from dashboard.i18n import t
from dashboard.registry import PAGES, page_path, visible
from dashboard.ui import icon, present, shell


def run() -> None:
    """Build the navigation from the page registry and run the chosen page."""
    if shell.leave_folder_mode():
        # The first run after a server start (see leave_folder_mode): before loading or drawing
        # anything, straight on to a new-style run of the page the address names, with its filters.
        every = [st.Page(page_path(s), url_path=s.url_path, default=i == 0) for i, s in enumerate(PAGES)]
        st.switch_page(st.navigation(every, position="hidden"), query_params=st.query_params.to_dict())
    st.set_page_config(page_title="BCĐ — ANTQ", page_icon=icon.favicon(), layout="wide")
    assets.ensure_leaflet()
    ctx = shell.start()
    if ctx is None:  # the login form or a settings error is on screen: no page may run
        closed = st.Page(shell.closed, title=t("login.title"), url_path="dang-nhap")
        st.navigation([closed], position="hidden")
        return
    menu = visible(ctx.user.sees_files)
    pages = [
        st.Page(
            page_path(spec), title=t(spec.title_key), icon=spec.icon, url_path=spec.url_path, default=i == 0
        )
        for i, spec in enumerate(menu)
    ]
    shell.default_page_by_address(menu[0].url_path)
    page = st.navigation(pages, position="top")
    present.set_current(page.url_path)  # the agenda buttons need to know where they are
    with shell.page_run():  # also ends well when a page stops early on an empty selection
        page.run()


run()
