"""Presentation mode: the projector layout, the agenda slideshow and its keyboard keys.

Switched on by the sidebar toggle or ``?present=1`` (kept in the URL like the filters). When
it is on, Streamlit's header, menu and sidebar are hidden, type grows and contrast rises, and
each page is drawn in a compact layout that fits a 1920×1080 screen without scrolling. A bar
at the top shows the page title, one discreet line with province, area, period and "data as
of", and the previous / next / exit buttons; → Space PageDown, ← PageUp and Esc press them.
"""

from __future__ import annotations

from html import escape

import streamlit as st

from dashboard.i18n import t
from dashboard.registry import PAGES, PageSpec, agenda, by_url_path
from dashboard.ui.filters import K_PRESENT

_CURRENT = "_present_page"  # url_path of the page this rerun runs
W_PRESENT = "w_present"  # the sidebar switch
KEY_PREV, KEY_NEXT, KEY_EXIT = "present_prev", "present_next", "present_exit"
SCREEN_HEIGHT = 1080  # the projector the compact layouts are measured against
MAP_HEIGHT = 780  # map height that leaves room for the bar and the colour switch on 1080 px
CHART_HEIGHT = 300  # chart height in the compact layouts (two rows of charts fit)
TABLE_ROWS = 5  # rows of a table in the compact layouts (the rest is counted below it)

# Why each rule: the audience sees data, not the app's chrome; a projector washes out greys,
# so text turns black and borders thicken; sizes are in px because the acceptance is in px.
_CSS = """
<style>
[data-testid="stHeader"], [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] {
  display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 20px 28px 0 28px !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff; }
.stApp { color: #000000; }
h1 { font-size: 36px !important; color: #000 !important; }
h2, h3 { font-size: 24px !important; color: #000 !important; padding: 4px 0 12px 0 !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stWidgetLabel"] p, [data-testid="stCaptionContainer"] { font-size: 20px !important; }
[data-testid="stMetric"] { border: 2px solid #14213d !important; padding: 4px 14px !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {
  font-size: 42px !important; font-weight: 800 !important; color: #000 !important;
  line-height: 1.1 !important; }
[data-testid="stMetricLabel"] p { font-size: 20px !important; color: #000 !important; font-weight: 600; }
[data-testid="stMetricDelta"] { font-size: 20px !important; }
[data-testid="stVerticalBlock"] { gap: 8px; }
h1 { padding-top: 0 !important; }
[data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 20px !important; color: #000 !important;
  padding: 4px 8px !important; }
.bcd-present-line { font-size: 20px; color: #222; margin: 0; }
.bcd-present-line b { background: #fff4d6; border: 2px solid #c98a00; color: #5c3d00; padding: 0 6px; }
.bcd-present-pos { font-size: 22px; font-weight: 700; }
.bcd-summary, .bcd-summary th, .bcd-summary .bcd-more { font-size: 20px; color: #000; }
</style>
"""

# Keys on the app's document press the on-screen links and buttons, so a key and a click do the
# same thing through Streamlit's own navigation. Installed once per browser tab; when the
# buttons are gone (presentation off) the keys do nothing. Keys typed in a field are left alone.
_KEYS_JS = f"""
<script>
(function () {{
  if (window.__bcdPresentKeys) return;
  window.__bcdPresentKeys = true;
  var keys = {{ArrowRight: "{KEY_NEXT}", " ": "{KEY_NEXT}", PageDown: "{KEY_NEXT}",
              ArrowLeft: "{KEY_PREV}", PageUp: "{KEY_PREV}", Escape: "{KEY_EXIT}"}};
  document.addEventListener("keydown", function (e) {{
    var from = e.target || {{}};
    if (e.altKey || e.ctrlKey || e.metaKey || from.isContentEditable) return;
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(from.tagName || "")) return;
    var key = keys[e.key];
    var target = key && document.querySelector(".st-key-" + key + " a, .st-key-" + key + " button");
    if (!target || target.disabled) return;
    e.preventDefault();
    target.click();
  }}, true);
  // Auto-advance: the info line carries the interval; the clock restarts whenever the page changes.
  var shown = location.pathname, since = Date.now();
  setInterval(function () {{
    if (location.pathname !== shown) {{ shown = location.pathname; since = Date.now(); return; }}
    var line = document.querySelector(".bcd-present-line[data-auto-advance]");
    var seconds = line ? parseInt(line.getAttribute("data-auto-advance"), 10) : 0;
    var link = document.querySelector(".st-key-{KEY_NEXT} a");
    if (seconds > 0 && link && Date.now() - since >= seconds * 1000) {{ since = Date.now(); link.click(); }}
  }}, 500);
}})();
</script>
"""


def active() -> bool:
    """Whether this rerun is in presentation mode."""
    return bool(st.session_state.get(K_PRESENT, False))


def map_height(default: int) -> int:
    """The map page's map height: shorter when presenting, so the page fits the screen."""
    return MAP_HEIGHT if active() else default


def chart_height(default: int | None = None, presenting: int = CHART_HEIGHT) -> int | None:
    """Chart height: ``presenting`` in the compact layout, else ``default`` (None: the chart's own)."""
    return presenting if active() else default


def toggle() -> None:
    """The sidebar switch (``?present=1`` sets it when a session starts).

    The mode lives in a plain session key that the URL, the switch and the exit button all set;
    the switch only mirrors it, so no widget-state rule can turn the mode off behind our back.
    """
    st.session_state[W_PRESENT] = active()
    st.sidebar.toggle(t("present.toggle"), key=W_PRESENT, help=t("present.keys_help"), on_change=_from_switch)


def style() -> None:
    """The projector look; drawn before the sidebar so nothing flashes before it applies."""
    if active():
        st.html(_CSS)


def _from_switch() -> None:
    st.session_state[K_PRESENT] = bool(st.session_state.get(W_PRESENT))


def set_current(url_path: str) -> None:
    """Remember the page this rerun runs: the agenda buttons point at its neighbours."""
    st.session_state[_CURRENT] = url_path


def neighbours(order: list[PageSpec], current: PageSpec | None) -> tuple[PageSpec, PageSpec, int]:
    """(previous, next, 1-based position) in the agenda; a page off the agenda counts as before it."""
    if current in order:
        i = order.index(current)
        return order[(i - 1) % len(order)], order[(i + 1) % len(order)], i + 1
    return order[-1], order[0], 0


def _exit() -> None:
    st.session_state[K_PRESENT] = False


def bar(title: str, line: str, sample_label: str | None, agenda_names: list[str], auto_seconds: int) -> None:
    """Title, info line and agenda buttons at the top of a page in presentation mode.

    Previous and next are page links, the same client-side navigation as the menu, so every
    filter keeps its value (a server-side st.switch_page drops widget state). The keys and the
    auto-advance timer click these links.
    """
    st.html(_KEYS_JS, unsafe_allow_javascript=True)
    order = agenda(agenda_names) or list(PAGES)
    current = by_url_path(st.session_state.get(_CURRENT, ""))
    prev, nxt, pos = neighbours(order, current)
    left, right = st.columns([5, 2], vertical_alignment="center")
    with left:
        st.title(title)
        badge = f"<b>{escape(sample_label)}</b> " if sample_label else ""
        st.html(
            f'<p class="bcd-present-line" data-auto-advance="{max(0, int(auto_seconds))}">'
            f"{badge}{escape(line)}</p>"
        )
    with right, st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center"):
        with st.container(key=KEY_PREV, width="content"):
            st.page_link(prev.file, label=t("present.prev"), icon=":material/arrow_back:")
        st.html(f'<span class="bcd-present-pos">{pos}/{len(order)}</span>', width="content")
        with st.container(key=KEY_NEXT, width="content"):
            st.page_link(nxt.file, label=t("present.next"), icon=":material/arrow_forward:")
        st.button(t("present.exit"), key=KEY_EXIT, icon=":material/close:", on_click=_exit)
