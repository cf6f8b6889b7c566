"""Headline figures (KPI cards) and small tables, formatted the Vietnamese way."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pandas as pd
import streamlit as st

from dashboard import fmt
from dashboard.i18n import t
from dashboard.metrics import Change

Good = Literal["up", "down", "neutral"]


def delta_text(change: Change, *, share: bool = False) -> str:
    """'+12 (+5,3%)' for counts, '+1,5 điểm %' for shares; starts with '-' when it fell.

    Streamlit reads the leading '-' to draw the arrow, so the ASCII minus is kept here.
    """
    if share:
        text = fmt.num(abs(change.delta) * 100, 1) + " " + t("unit.pp")
    else:
        rel = "" if change.relative is None else f" ({fmt.num(abs(change.relative) * 100, 1)}%)"
        text = fmt.num(abs(change.delta)) + rel
    sign = "-" if change.delta < 0 else "+"
    return sign + text


def kpi(
    label: str,
    value: str,
    change: Change | None = None,
    *,
    share: bool = False,
    good: Good = "up",
    help: str | None = None,
) -> None:
    """One card: the figure, and its change coloured so a worsening stands out."""
    delta = delta_text(change, share=share) if change is not None and change.delta == change.delta else None
    colour = {"up": "normal", "down": "inverse", "neutral": "off"}[good]
    if change is not None and change.delta == 0:
        colour = "off"  # no change is neither good nor bad news
    st.metric(label, value, delta=delta, delta_color=colour, border=True, help=help)  # type: ignore[arg-type]


def kpi_row(cards: Sequence[dict]) -> None:
    """Cards side by side, one column each."""
    for col, card in zip(st.columns(len(cards)), cards, strict=True):
        with col:
            kpi(**card)


def table(frame: pd.DataFrame, columns: dict[str, str], *, height: int | None = None) -> None:
    """A read-only table with the given columns renamed to their labels (pre-formatted)."""
    shown = frame[list(columns)].rename(columns=columns)
    st.dataframe(shown, hide_index=True, width="stretch", height=height or "auto")


_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~$"})


def plain(text: str) -> str:
    """Escape Markdown so text from a data file is shown as written, never interpreted."""
    return text.translate(_MARKDOWN_SPECIALS)
