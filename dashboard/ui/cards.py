"""Headline figures (KPI cards) and small tables, formatted the Vietnamese way."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from dashboard import fmt
from dashboard.headlines import Card, Section
from dashboard.i18n import t


def kpi(card: Card) -> None:
    """One card: the figure, and its change coloured so a worsening stands out."""
    colour = {"up": "normal", "down": "inverse", "neutral": "off"}[card.good]
    if card.change is not None and card.change.delta == 0:
        colour = "off"  # no change is neither good nor bad news
    st.metric(card.label, card.value, delta=card.delta, delta_color=colour, border=True, help=card.help)  # type: ignore[arg-type]


def kpi_row(cards: Sequence[Card]) -> None:
    """Cards side by side, one column each."""
    for col, card in zip(st.columns(len(cards)), cards, strict=True):
        with col:
            kpi(card)


def sections(rows: Sequence[Section]) -> None:
    """Titled rows of cards, as headlines.overview builds them."""
    for row in rows:
        st.subheader(row.title)
        kpi_row(row.cards)


def table(
    frame: pd.DataFrame, columns: dict[str, str], *, height: int | None = None, rows: int | None = None
) -> None:
    """A read-only table with the given columns renamed to their labels (pre-formatted).

    ``rows`` draws a plain table of the first rows instead of the interactive grid: on a
    projector nobody scrolls, and plain HTML text takes the large presentation type.
    """
    shown = frame[list(columns)].rename(columns=columns)
    if rows is None:
        st.dataframe(shown, hide_index=True, width="stretch", height=height or "auto")
        return
    st.table(shown.head(rows), border="horizontal", hide_index=True)
    if len(shown) > rows:
        st.caption(t("present.more_rows", n=fmt.num(len(shown) - rows)))


_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~$"})


def plain(text: str) -> str:
    """Escape Markdown so text from a data file is shown as written, never interpreted."""
    return text.translate(_MARKDOWN_SPECIALS)
