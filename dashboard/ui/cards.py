"""Headline figures (KPI cards) and small tables, formatted the Vietnamese way."""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from dashboard import fmt
from dashboard.headlines import Card, Section
from dashboard.i18n import get_language, t

if TYPE_CHECKING:  # Altair takes ~0.4 s to import: the pages that draw charts import it (dashboard.charts)
    import altair as alt


def kpi(card: Card) -> None:
    """One card: the figure, and its change coloured so a worsening stands out."""
    colour = {"up": "normal", "down": "inverse", "neutral": "off"}[card.good]
    if card.change is not None and card.change.delta == 0:
        colour = "off"  # no change is neither good nor bad news
    # As tall as the row's tallest card (a label may wrap to two lines): the borders line up.
    st.metric(
        card.label,
        card.value,
        delta=card.delta,
        delta_color=colour,  # type: ignore[arg-type]
        border=True,
        help=card.help,
        height="stretch",
    )


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


# Vega-Lite specs of the charts drawn lately, by what they were built from. Building an Altair chart
# and converting it (with its schema validation) was the largest cost of a rerun under load; the
# same view asked again, by any session, reuses the spec.
_SPECS: OrderedDict[Hashable, dict] = OrderedDict()
_SPECS_LOCK = threading.Lock()
_SPECS_SIZE = 512
_VALIDATE = False


def _fingerprint(value: object) -> Hashable:
    if isinstance(value, pd.DataFrame):
        hashed = pd.util.hash_pandas_object(value, index=True)
        return (
            "frame",
            tuple(map(str, value.columns)),
            tuple(map(str, value.dtypes)),
            len(value),
            int(hashed.sum()),
        )
    if isinstance(value, Mapping):
        return ("map", tuple((str(k), _fingerprint(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return ("seq", tuple(_fingerprint(v) for v in value))
    return repr(value)


def _without_frames(values):
    if isinstance(values, Mapping):
        return {k: v for k, v in values.items() if not isinstance(v, pd.DataFrame)}
    return tuple(v for v in values if not isinstance(v, pd.DataFrame))


def chart(
    build: Callable[..., alt.TopLevelMixin], *args: object, cache: Hashable | None = None, **kwargs: object
) -> None:
    """Draw ``build(*args, **kwargs)`` (a function of dashboard.charts) across the container.

    The chart is built and converted to Vega-Lite once per distinct input and language. ``cache``
    names the data when the caller knows it (a report's Scope.key and which chart): the frames are
    then not hashed, only the other arguments; without it every frame is hashed.
    """
    if cache is not None and not (isinstance(cache, tuple) and cache and cache[0] is None):
        inputs: Hashable = (cache, _fingerprint(_without_frames(args)), _fingerprint(_without_frames(kwargs)))
    else:
        inputs = (_fingerprint(args), _fingerprint(kwargs))
    key = (build.__module__, build.__qualname__, get_language(), inputs)
    with _SPECS_LOCK:
        spec = _SPECS.get(key)
        if spec is not None:
            _SPECS.move_to_end(key)
    if spec is None:
        # Checking the spec against the Vega-Lite schema was most of a chart's cost; the charts are
        # checked in the tests (tests/test_charts.py runs every page with _VALIDATE on).
        spec = build(*args, **kwargs).to_dict(validate=_VALIDATE)
        # Altair's default theme sizes the view (300 × 300); Streamlit's own conversion turns that
        # theme off, and so do we: width follows the column, heights are set in dashboard.charts.
        view = spec.get("config", {}).get("view", {})
        view.pop("continuousWidth", None)
        view.pop("continuousHeight", None)
        with _SPECS_LOCK:
            _SPECS[key] = spec
            while len(_SPECS) > _SPECS_SIZE:
                _SPECS.popitem(last=False)
    st.vega_lite_chart(copy.deepcopy(spec), width="stretch")
