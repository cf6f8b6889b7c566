"""Pictures for the pack, made offline: Altair charts via vl-convert, the rating map via matplotlib."""

from __future__ import annotations

import io

import altair as alt
import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display on a server; set before pyplot is imported

import matplotlib.pyplot as plt
import vl_convert as vlc
from matplotlib.patches import Patch

from dashboard import maps
from dashboard.i18n import t

CHART_WIDTH = 520  # px before scaling: about a third of a landscape page at print size
SCALE = 2  # print resolution


def chart_png(chart: alt.TopLevelMixin, width: int = CHART_WIDTH) -> bytes:
    """The chart as PNG through Vega-Lite's own renderer, so it looks as on screen."""
    spec = chart.properties(width=width).to_dict()
    return vlc.vegalite_to_png(vl_spec=spec, scale=SCALE)


def map_png(frame: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, colours: dict[str, str]) -> bytes:
    """The commune map coloured by rating, with the legend of the map page (maps.fill_colours)."""
    fills, legend = maps.fill_colours(frame, "rating", colours)
    fig, ax = plt.subplots(figsize=(11, 7.2), dpi=150)
    try:
        if not frame.empty:
            frame.plot(ax=ax, color=fills, edgecolor=maps.BORDER_COLOUR, linewidth=0.5)
        if districts is not None and not districts.empty:
            districts.boundary.plot(ax=ax, color=maps.DISTRICT_COLOUR, linewidth=1.6)
        ax.set_axis_off()
        ax.set_aspect("equal")
        handles = [Patch(facecolor=item.colour, edgecolor="#8a8a8a", label=item.label) for item in legend]
        ax.legend(
            handles=handles,
            title=t("map.mode.rating"),
            loc="upper left",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=12,
            title_fontsize=13,
            frameon=False,
        )
        out = io.BytesIO()
        fig.savefig(out, format="png", facecolor="white", bbox_inches="tight")  # keeps the legend whole
        return out.getvalue()
    finally:
        plt.close(fig)
