"""Beside the map: a commune's profile (who it is, its rating history, its models, its tip-offs), or
while none is open, what the map shows of the area in figures."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import fmt, maps, report
from dashboard.config import Config
from dashboard.i18n import t
from dashboard.ui import cards
from dashboard.ui.shell import PageContext

if TYPE_CHECKING:  # mapview imports streamlit-folium, which the server's warm-up must not declare
    from dashboard.ui.mapview import Click

K_PROFILE = "profile_commune"
_LAST_CLICK = "_profile_last_click"


def remember_click(click: Click | None) -> None:
    """Open the clicked commune's profile; a click seen before does not override the picker.

    Each click is taken once, a new click on the commune already clicked included (after the list
    opened another one). A map without a click yet (just drawn, or drawn again after another page)
    forgets the last one, as its count of clicks starts again.
    """
    if click is None:
        st.session_state.pop(_LAST_CLICK, None)
    elif click.token != st.session_state.get(_LAST_CLICK):
        st.session_state[_LAST_CLICK] = click.token
        st.session_state[K_PROFILE] = click.code


def picker(communes: pd.DataFrame) -> str | None:
    """A select box of the area's communes (another way to open a profile than clicking).

    It sits in a popover, whose content the browser builds only when it is opened: a select box
    builds every option on each redraw of the page (~0.1–0.2 s for a province's 140 communes on
    the machine measured, while the map is being drawn; seconds for a country's).
    """
    names = dict(zip(communes["commune_code"], communes["commune_name"], strict=True))
    if st.session_state.get(K_PROFILE) not in names:
        st.session_state[K_PROFILE] = None
    with st.popover(t("profile.pick_hint"), icon=":material/search:", width="stretch"):
        return st.selectbox(
            t("profile.pick"),
            options=sorted(names, key=lambda code: fmt.collate(str(names[code]))),
            key=K_PROFILE,
            format_func=names.get,
            index=None,
            placeholder=t("profile.pick_hint"),
        )


def _close() -> None:
    st.session_state[K_PROFILE] = None


def area_summary(frame: pd.DataFrame, mode: str, cfg: Config, area: str) -> None:
    """While no profile is open: the communes each colour of the map holds, and the communes the
    committee asks about when the map shows ``mode`` (the lowest-rated, those below the standard,
    the most tip-offs per 10,000 people, those without a model). ``frame`` is what the map draws."""
    st.subheader(f"{t(f'mappage.mode.{mode}')} — {area}")
    counts = maps.class_counts(frame, mode, cfg.rating_colours)
    # One HTML block: drawn as a styled st.table and Markdown lists, the summary made a warm visit of
    # the map 0.14 s slower (median of 12 visits in Chromium); as this block, 0.05 s.
    st.html(summary_html(counts, maps.attention(frame, mode, cfg.rating_levels)))


def summary_html(counts: list[tuple[maps.LegendItem, int]], note: maps.Attention) -> str:
    """The summary's table of colours and its list of communes. Every text is escaped: names come
    from the data files and are shown as written."""
    total = sum(n for _, n in counts)
    head = "".join(
        f'<th class="{cls}">{escape(t(key))}</th>'
        for cls, key in (
            ("bcd-text", "mapsum.class"),
            ("bcd-num", "mapsum.communes"),
            ("bcd-num", "mapsum.share"),
        )
    )
    rows = "".join(
        f'<tr><td class="bcd-swatch" style="background-color: {escape(item.colour)}"></td>'
        f'<td class="bcd-text">{escape(item.label)}</td><td class="bcd-num">{fmt.num(n)}</td>'
        f'<td class="bcd-num">{fmt.pct(n / total) if total else fmt.DASH}</td></tr>'
        for item, n in counts
    )
    parts = [
        f'<table class="bcd-classes"><thead><tr><th></th>{head}</tr></thead><tbody>{rows}</tbody></table>',
        f'<p class="bcd-note">{escape(note.title)}</p>',
    ]
    if note.names:  # one commune a line, read from the back of the room; a ranking is numbered
        tag = "ol" if note.ranked else "ul"
        parts.append(
            f'<{tag} class="bcd-names">{"".join(f"<li>{escape(n)}</li>" for n in note.names)}</{tag}>'
        )
    elif note.ranked:  # a list's title counts its communes ("…: 0"); a ranking's does not
        parts.append(f'<p class="bcd-more">{escape(t("mapsum.none"))}</p>')
    if note.more:
        parts.append(f'<p class="bcd-more">{escape(t("mapsum.more", n=fmt.num(note.more)))}</p>')
    return f'<div class="bcd-summary">{"".join(parts)}</div>'


def show(ctx: PageContext, code: str) -> None:
    """The profile panel of commune ``code``, with a button back to the area's summary."""
    st.button(t("profile.close"), icon=":material/close:", on_click=_close, type="tertiary")
    # Altair (~0.4 s to import) only once a commune is opened: the map's first draw does not wait for it.
    from dashboard import charts

    frames = {name: ctx.data.frame(name) for name in ("ratings", "models", "tipoffs")}
    prof = report.profile(ctx.scope, frames, code)
    if prof is None:
        st.info(t("no_data"))
        return
    reg = prof.registry
    # Names from the data are shown as written: Markdown in them is escaped, never interpreted.
    st.subheader(cards.plain(f"{reg['commune_type']} {reg['commune_name']}"))
    facts = [str(reg.get("district_name") or ""), t("profile.population", n=fmt.num(reg.get("population")))]
    st.markdown(cards.plain(" · ".join(f for f in facts if f)))

    st.markdown(f"**{t('profile.ratings')}**")
    if prof.ratings.empty:
        st.caption(t("no_data"))
    else:
        cards.chart(charts.score_history, prof.ratings, ctx.cfg.rating_colours, ctx.cfg.rating_levels)
        history = prof.ratings.assign(
            score_label=prof.ratings["score"].map(lambda v: fmt.num(v, 1)),
            standard_label=prof.ratings["meets_standard"].map(
                lambda v: t("std.met") if v else t("std.not_met")
            ),
            year_label=prof.ratings["year"].astype(str),
        )
        cards.table(
            history,
            {
                "year_label": t("chart.year"),
                "rating": t("chart.rating"),
                "score_label": t("chart.score"),
                "standard_label": t("mappage.mode.standard"),
            },
        )

    st.markdown(f"**{t('profile.models', n=len(prof.models))}**")
    if prof.models.empty:
        st.caption(t("no_data"))
    else:
        cards.table(prof.models, {"name": t("col.model"), "field": t("col.field"), "status": t("col.status")})

    st.markdown(f"**{t('profile.tipoffs', period=fmt.period(ctx.sel.period))}**")
    by_month = prof.tipoffs_by_month
    if by_month["count"].sum() == 0 and not by_month.get("masked", pd.Series(dtype=bool)).any():
        st.caption(t("no_data"))
    else:
        cards.chart(charts.monthly_bars, prof.tipoffs_by_month)
