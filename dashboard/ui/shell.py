"""What every page shares: the loaded data, the selection, the banner, the stamp and the refresh.

The entry point calls :func:`start` before the page runs; a page calls :func:`context` to get
the same :class:`PageContext`. Keeping this out of the pages keeps them thin.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from html import escape

import pandas as pd
import streamlit as st

from dashboard import access, fmt, i18n, loaders, metrics, registry, report
from dashboard.auth import User
from dashboard.boundaries import Boundaries
from dashboard.config import Config, ConfigError, load_config
from dashboard.i18n import t
from dashboard.selection import Selection, clip_to
from dashboard.ui import filters, login, present

_CTX = "_page_context"
_app_run = threading.local()  # .active: the app is running a page in this thread (page_run)
_REPEATED = "_page_run_repeated"  # a page run by itself was repeated through the app (context)
_PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_CSS = """
<style>
/* Readable from the back of the room: big figures, roomy cards. */
[data-testid="stMetricValue"] { font-size: 2.4rem; font-weight: 700; }
[data-testid="stMetricValue"] p { font-size: inherit; font-weight: inherit; }  /* value in a paragraph */
[data-testid="stMetricLabel"] p { font-size: 1.05rem; }
/* A card's label is never cut to "Tin báo, tố giác ti…" on a narrow card: it wraps to a second line. */
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"], [data-testid="stMetricLabel"] p {
  white-space: normal; text-overflow: clip; overflow: visible; }
[data-testid="stMetricDelta"] { font-size: 1.05rem; }
.bcd-banner { background: #fff4d6; border: 2px solid #c98a00; color: #5c3d00; padding: .5rem 1rem;
  border-radius: .5rem; font-weight: 700; font-size: 1.05rem; margin-bottom: .5rem; }
.bcd-stamp { color: #3d4a5c; font-size: 1rem; margin: 0 0 .25rem 0; }
.bcd-stale { color: #8a1c00; font-weight: 700; }
/* The summary beside the map (dashboard.ui.profile.summary_html). */
.bcd-classes { border-collapse: collapse; width: 100%; margin: 0 0 .75rem 0; }
.bcd-classes th { font-weight: 400; color: #3d4a5c; padding: .25rem .6rem; border-bottom: 1px solid #c9d1dc; }
.bcd-classes td { padding: .3rem .6rem; border-bottom: 1px solid #e3e8ef; }
.bcd-classes .bcd-text { text-align: left; }
.bcd-classes .bcd-num { text-align: right; font-variant-numeric: tabular-nums; }
.bcd-classes td.bcd-swatch { width: 2.5rem; border-bottom: 1px solid #ffffff; }
.bcd-note { font-weight: 700; margin: .25rem 0; }
.bcd-names { margin: 0 0 .25rem 1.5rem; padding: 0; }
.bcd-more { color: #3d4a5c; margin: 0; }
</style>
"""


@dataclass(frozen=True)
class PageContext:
    """Everything a page needs, computed once per rerun."""

    cfg: Config
    user: User  # who is looking (auth.OPEN when no login is configured)
    data: loaders.Dataset  # already cut to the user's area (dashboard.access)
    sel: Selection
    communes: pd.DataFrame  # registry rows of the selected area
    area_name: str  # "Toàn tỉnh" or the names of the selected districts
    scope: report.Scope  # the tables restricted to the area

    @property
    def codes(self) -> list[str]:
        """Commune codes of the selected area."""
        return list(self.communes["commune_code"])

    @property
    def province(self) -> str:
        """Province name: from settings, else from the data set's description."""
        return self.cfg.province_name or str(self.data.meta.get("province_name", ""))


def start() -> PageContext | None:
    """Load data, draw the sidebar and the page header; None when the settings are unusable."""
    st.session_state[_REPEATED] = False  # the app runs: a page run by itself may be repeated again
    st.html(_CSS)
    try:
        cfg = load_config()
    except ConfigError as exc:
        st.error(str(exc))
        return None
    filters.language_picker(cfg.language)
    user = login.gate(cfg)
    if user is None:
        return None
    present.toggle()
    present.style()
    data = access.load_data(cfg, user)  # cut to the user's area before anything else sees it
    opts = filters.options_from(data.frame("communes"), data.frame("ratings"), data.frame("tipoffs"))
    as_of = _as_of_date(data)
    # A district user's "everything" is their own area, and the screen says so.
    everything = None if user.sees_everything else ", ".join(opts.areas.values())
    sel = filters.sidebar_filters(opts, everything)
    if sel.period is not None:  # no empty months after the data's last day
        sel = replace(sel, period=clip_to(sel.period, as_of))
    scope = metrics.communes_in_scope(data.frame("communes"), sel)
    names = [opts.areas.get(c, c) for c in (sel.districts or sel.communes)]
    area = ", ".join(names) if names else (everything or t("filters.whole_province"))
    frames = {name: data.frame(name) for name in ("ratings", "models", "tipoffs")}
    key = (data.signature, sel, user.districts, as_of, hash(repr(cfg)))  # see report.Scope.key
    reports = report.make_scope(cfg, sel, frames, scope, as_of, key)
    ctx = PageContext(cfg, user, data, sel, scope, area, reports)
    st.session_state[_CTX] = ctx
    _pack_downloads(ctx)
    _refresh_timer(cfg, data.signature)
    return ctx


def _pack_downloads(ctx: PageContext) -> None:
    """The meeting pack (PDF, PowerPoint) and its tables (Excel), made only when a button is pressed.

    Deferred (a callable): making the pack takes seconds, which no page view should pay.
    The language of this rerun is passed on, since the callable runs outside the script thread.
    """
    language = i18n.get_language()

    def build(kind: str) -> bytes:
        # Imported on the first click: the pack's libraries (matplotlib, fpdf2, python-pptx,
        # vl-convert) cost about a second and 60 MB that no page view needs.
        from dashboard import pack

        bounds = boundaries_for(ctx)
        made = pack.PackInput(
            ctx.scope, ctx.province, ctx.area_name, ctx.data.as_of, ctx.data.is_sample, bounds.communes,
            bounds.districts,
        )  # fmt: skip
        makers = {"pdf": pack.build_pdf, "pptx": pack.build_pptx, "xlsx": pack.build_excel}
        return makers[kind](made, language)

    stamp = ctx.scope.as_of.strftime("%Y%m%d")
    side = st.sidebar
    side.subheader(t("pack.title"))
    # (label, kind, file name, type, icon): the pack as PDF and PowerPoint, its tables as Excel.
    for label, kind, name, mime, icon in (
        ("pack.download", "pdf", "tai-lieu-hop", "application/pdf", "picture_as_pdf"),
        ("pack.pptx", "pptx", "trinh-chieu", _PPTX, "slideshow"),
        ("pack.excel", "xlsx", "bang-so-lieu", _XLSX, "table_view"),
    ):
        side.download_button(
            t(label),
            data=lambda kind=kind: build(kind),
            file_name=f"{name}-{stamp}.{kind}",
            mime=mime,
            icon=f":material/{icon}:",
            on_click="ignore",
            key=f"pack_{kind}",
        )


def _as_of_date(data: loaders.Dataset) -> dt.date:
    """The day figures are computed at (overdue tip-offs are counted to this day)."""
    stamp = data.as_of
    if isinstance(stamp, dt.datetime):
        return stamp.date()
    return stamp or dt.date.today()


@contextmanager
def page_run() -> Iterator[None]:
    """The app runs the chosen page inside this block; after the page, the URL mirrors the selection.

    Marks this thread's script run as the app's while the page runs (see :func:`context`).
    """
    _app_run.active = True
    try:
        yield
    finally:  # also when a page stops early (st.stop) or fails
        _app_run.active = False
        ctx = st.session_state.get(_CTX)
        if ctx is not None:
            filters.write_url(ctx.sel)


def closed() -> None:
    """The only page while nobody is logged in: the login form above it says what to do."""


def leave_folder_mode() -> bool:
    """Leave Streamlit's old ``pages/`` folder mode; True when this run must be repeated.

    A fresh server treats an app with a ``pages/`` folder the old way until the first
    ``st.navigation`` call, so the very first run after a start is an old-style run (and under
    AppTest, every run unless dashboard.apptest.served_mode is on). That run's widgets belong to another
    page than in the new mode, so the next rerun would count as a change of page and a widget
    used in between (the login button) would be lost. The caller repeats the run once in the
    new mode, before drawing anything, on the page the address names (app.py: ``st.switch_page``,
    as a plain rerun of the main script would drop a deep link such as ``/ban-do``).
    """
    from streamlit.runtime.pages_manager import PagesManager  # no public switch for this

    if not PagesManager.uses_pages_directory:
        return False
    PagesManager.uses_pages_directory = False
    return True


def default_page_by_address(url_path: str) -> None:
    """Let the default page's own address (``/tong-quan``) open it, as the root address does.

    Streamlit serves the default page only at ``/`` but keeps its ``url_path`` reserved, so a typed
    or bookmarked ``/tong-quan`` would pop up "Page not found" before showing the same page. Call
    before ``st.navigation``: a request for that address is made a request for the default page
    (the browser's address then becomes ``/``, with its query string).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx  # no public switch for this

    run = get_script_run_ctx()
    manager = run.pages_manager if run is not None else None
    if manager is None or manager.intended_page_script_hash:
        return  # a page chosen from the menu or by st.switch_page names itself by its hash
    if url_path and manager.intended_page_name == url_path:
        manager.set_script_intent("", "")


def context() -> PageContext:
    """The context :func:`start` made for this rerun.

    The old folder mode (see :func:`leave_folder_mode`) finds a page file by the address, as the
    files are named after the addresses, and runs it by itself, outside app.py: that run is
    repeated in the new mode, where app.py runs the page inside :func:`page_run`. Repeated even
    when another session has just left the folder mode (two first visitors at once); at most
    once until the app runs again (even to the login form), so a page file started as the main
    script cannot loop.
    """
    if not getattr(_app_run, "active", False):
        leave_folder_mode()
        if not st.session_state.get(_REPEATED):
            st.session_state[_REPEATED] = True
            st.rerun()  # the same page, with its address and filters
        st.stop()
    return st.session_state[_CTX]


def header(ctx: PageContext, title: str) -> None:
    """Page title, sample-data banner, province and area, and the "data as of" stamp.

    In presentation mode the same facts fit in one line under the title, beside the agenda buttons.
    """
    if present.active():
        sample = t("present.sample") if ctx.data.is_sample else None
        menu = registry.visible(ctx.user.sees_files)
        agenda = [spec.name for spec in registry.agenda(ctx.cfg.agenda) if spec in menu]
        agenda = agenda or [spec.name for spec in menu]
        present.bar(title, info_line(ctx), sample, agenda, ctx.cfg.auto_advance_seconds)
        return
    if ctx.data.is_sample:
        st.html(f'<div class="bcd-banner" role="note">{escape(t("sample.banner"))}</div>')
    st.title(title)
    when = fmt.moment(ctx.data.as_of)
    parts = [p for p in (ctx.province, ctx.area_name) if p]
    line = " · ".join([*parts, t("asof", when=when)])
    stale = [s for s in ctx.data.tables.values() if s.problems]
    warn = f' <span class="bcd-stale">· {escape(t("stamp.problems", n=len(stale)))}</span>' if stale else ""
    st.html(f'<p class="bcd-stamp">{escape(line)}{warn}</p>')


def info_line(ctx: PageContext) -> str:
    """Province · area · tip-off period · rating year · data as of: the context of every figure."""
    sel = ctx.sel
    parts = [ctx.province, ctx.area_name]
    if sel.period is not None:
        parts.append(fmt.period(sel.period))
    if sel.year is not None:
        parts.append(t("present.rating_year", year=sel.year))
    parts.append(t("asof", when=fmt.moment(ctx.data.as_of)))
    return " · ".join(p for p in parts if p)


def no_data() -> None:
    """The message shown instead of a chart or table when the selection has nothing."""
    st.info(t("no_data"), icon=":material/info:")


def boundaries_for(ctx: PageContext) -> Boundaries:
    """The display boundaries, cut to what the user may see (dashboard.access)."""
    return access.load_boundaries(ctx.cfg, ctx.user)


def _refresh_timer(cfg: Config, signature: tuple) -> None:
    """Every refresh interval, rerun the app if a data file changed (filters and scroll stay).

    With login on, the timer also ends an idle session: the data leaves the screen once the
    session has expired, instead of staying up on an unattended machine.
    """
    every = max(5, cfg.refresh_seconds)
    if login.enabled(cfg):
        every = min(every, 60)

    @st.fragment(run_every=every)
    def watch() -> None:
        if login.expired(cfg):
            st.rerun()
        if loaders.data_signature(cfg) != signature:
            login.mark_automatic()
            st.rerun()

    with st.sidebar:
        watch()
