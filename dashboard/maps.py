"""Pure folium builders: a commune GeoDataFrame in, an offline choropleth folium.Map out."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from dashboard import fmt
from dashboard.i18n import t

MODES = ("rating", "standard", "tipoffs", "models")
UNRATED = "Chưa xếp loại"  # the rating_colours key for communes without a rating (data value, not UI text)

# Met / not met: blue and orange stay distinct for every common form of colour blindness.
STANDARD_COLOURS = {True: "#1a5c99", False: "#e66100"}
# ColorBrewer sequential schemes, marked colour-blind safe by ColorBrewer.
TIPOFF_PALETTE = ("#ffffd4", "#fed98e", "#fe9929", "#d95f0e", "#993404")  # YlOrBr, 5 classes
MODEL_PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")  # Blues, 5 classes
NO_DATA_COLOUR = "#d4d4d4"
BACKGROUND = "#f4f6f8"  # shown where there are no tiles: light, so the fills carry the meaning
BORDER_COLOUR = "#ffffff"
DISTRICT_COLOUR = "#14213d"
COORD_DECIMALS = 5  # ~1 m: finer than any screen, and it keeps the page small
DISTRICT_PANE = "district_outlines"
LEGEND_ROOM = 190  # px kept free on the right of the fitted view for the legend (about its width)
VIETNAM_BOUNDS = [[8.2, 102.1], [23.4, 109.5]]  # shown when a selection has no commune at all


@dataclass(frozen=True)
class LegendItem:
    """One swatch of the legend."""

    colour: str
    label: str


@dataclass(frozen=True)
class Classes:
    """Class breaks for a numeric mode: class i holds values in [breaks[i-1], breaks[i])."""

    breaks: tuple[float, ...]
    colours: tuple[str, ...]
    labels: tuple[str, ...]

    def colour_of(self, value: float | None) -> str:
        """The fill for ``value``; missing values are grey."""
        if value is None or pd.isna(value):
            return NO_DATA_COLOUR
        return self.colours[int(np.searchsorted(self.breaks, value, side="right"))]


def _nice(value: float, integer: bool) -> float:
    """Round a break to two significant digits, so the legend reads 2,5 rather than 2,4871."""
    if value <= 0:
        return 0.0
    digits = 1 - math.floor(math.log10(value))
    nice = round(value, digits)
    return float(max(1, round(nice))) if integer else nice


def numeric_classes(
    values: Sequence[float] | pd.Series, palette: Sequence[str], *, integer: bool, zero_class: bool = False
) -> Classes:
    """Up to len(palette) quantile classes with rounded breaks, labelled in the active language.

    ``integer`` labels whole-number classes as "3 – 5"; ``zero_class`` (integers only) keeps 0 apart:
    a commune with no model at all is a fact the committee asks about.
    """
    data = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").dropna().astype(float)
    if data.empty:
        return Classes((), (), ())
    low, high = float(data.min()), float(data.max())
    k = len(palette)
    quantiles = np.quantile(data, np.linspace(0, 1, k + 1)[1:-1])
    breaks = sorted({_nice(float(q), integer) for q in quantiles})
    if zero_class and integer and low == 0 and high > 0:
        breaks = sorted({1.0, *breaks})
    breaks = [b for b in breaks if low < b <= high][: k - 1]
    n = len(breaks) + 1
    # Spread the classes over the whole palette so the highest class is always the darkest.
    colours = tuple(palette[round(i)] for i in np.linspace(0, k - 1, n)) if n > 1 else (palette[-1],)
    # One decimal only where it tells classes apart: "2,5 – 5,0" but "1.800 – 3.800".
    decimals = 0 if integer or all(abs(v) >= 10 for v in [*breaks, low, high] if v) else 1

    def num(v: float) -> str:
        return fmt.num(v, decimals)

    labels: list[str] = []
    edges = [low, *breaks, high]
    for i in range(n):
        lo, hi = edges[i], edges[i + 1]
        if integer:
            top = hi if i == n - 1 else hi - 1
            labels.append(num(lo) if top <= lo else t("map.range", low=num(lo), high=num(top)))
        elif n == 1:
            labels.append(num(lo) if lo == hi else t("map.range", low=num(lo), high=num(hi)))
        elif i == 0:
            labels.append(t("map.below", value=num(hi)))
        elif i == n - 1:
            labels.append(t("map.from", value=num(lo)))
        else:
            labels.append(t("map.range", low=num(lo), high=num(hi)))
    return Classes(tuple(breaks), colours, tuple(labels))


def _bool_or_none(value: object) -> bool | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return bool(value)


def fill_colours(
    frame: pd.DataFrame, mode: str, colours: dict[str, str]
) -> tuple[list[str], list[LegendItem]]:
    """The fill of each row for ``mode`` and the legend that explains them."""
    n = len(frame)

    def column(name: str) -> pd.Series:
        return (
            frame[name] if name in frame.columns else pd.Series([None] * n, index=frame.index, dtype=object)
        )

    no_data = LegendItem(NO_DATA_COLOUR, t("map.no_data"))
    if mode == "rating":
        unrated = colours.get(UNRATED, NO_DATA_COLOUR)
        ratings = [None if pd.isna(r) or str(r).strip() == "" else str(r) for r in column("rating")]
        fills = [colours.get(r, unrated) if r else unrated for r in ratings]
        legend = [LegendItem(c, level) for level, c in colours.items() if level != UNRATED]
        legend.append(LegendItem(unrated, t("map.unrated")))
        return fills, legend
    if mode == "standard":
        flags = [_bool_or_none(v) for v in column("meets_standard")]
        fills = [NO_DATA_COLOUR if f is None else STANDARD_COLOURS[f] for f in flags]
        legend = [
            LegendItem(STANDARD_COLOURS[True], t("map.standard_met")),
            LegendItem(STANDARD_COLOURS[False], t("map.standard_not_met")),
        ]
        if any(f is None for f in flags):
            legend.append(no_data)
        return fills, legend
    if mode in ("tipoffs", "models"):
        name, palette = (
            ("tipoffs_per_10k", TIPOFF_PALETTE) if mode == "tipoffs" else ("models", MODEL_PALETTE)
        )
        values = pd.to_numeric(column(name), errors="coerce")
        classes = numeric_classes(values, palette, integer=mode == "models", zero_class=mode == "models")
        fills = [classes.colour_of(v) for v in values]
        legend = [LegendItem(c, label) for c, label in zip(classes.colours, classes.labels, strict=True)]
        if values.isna().any():
            legend.append(no_data)
        return fills, legend
    raise ValueError(f"Unknown map mode {mode!r}; expected one of {MODES}")


def _text(value: object) -> str:
    return fmt.DASH if value is None or pd.isna(value) or str(value).strip() == "" else str(value)


def _standard_text(value: object) -> str:
    flag = _bool_or_none(value)
    return fmt.DASH if flag is None else t("map.standard_met" if flag else "map.standard_not_met")


# Tooltip rows: (property, label key, formatter). Values are formatted here in Python, once,
# so the browser shows exactly what fmt produces ("85,5"), and escaped because the tooltip uses innerHTML.
_TOOLTIP_ROWS: tuple[tuple[str, str, str, Callable[[object], str]], ...] = (
    ("name", "commune_name", "map.commune", _text),
    ("district", "district_name", "map.district", _text),
    ("rating", "rating", "map.rating", lambda v: _text(v) if _text(v) != fmt.DASH else t("map.unrated")),
    ("score", "score", "map.score", lambda v: fmt.num(None if pd.isna(v) else float(v), 1)),
    ("standard", "meets_standard", "map.standard", _standard_text),
    ("tipoffs", "tipoffs_per_10k", "map.tipoffs_per_10k",
     lambda v: fmt.num(None if pd.isna(v) else float(v), 1)),
    ("models", "models", "map.models", lambda v: fmt.num(None if pd.isna(v) else int(v))),
)  # fmt: skip


def _has_districts(frame: pd.DataFrame) -> bool:
    return "district_name" in frame.columns and frame["district_name"].map(_text).ne(fmt.DASH).any()


def _feature_collection(frame: gpd.GeoDataFrame, rows: list[tuple[str, str, str, Callable]]) -> dict:
    """Slim GeoJSON: the code as id, the preformatted tooltip values, coordinates rounded."""
    geoms = shapely.transform(frame.geometry.to_numpy(), lambda xy: np.round(xy, COORD_DECIMALS))
    codes = frame["commune_code"].astype(str).tolist()
    columns = {source: frame[source].tolist() if source in frame.columns else [None] * len(frame)
               for _, source, _, _ in rows}  # fmt: skip
    features = []
    for i, (code, geom) in enumerate(zip(codes, geoms, strict=True)):
        if geom is None or geom.is_empty:
            continue
        props = {"code": code}
        for prop, source, _, formatter in rows:
            props[prop] = html.escape(formatter(columns[source][i]))
        features.append(
            {"type": "Feature", "id": code, "properties": props, "geometry": geom.__geo_interface__}
        )
    return {"type": "FeatureCollection", "features": features}


def _outline_collection(
    districts: gpd.GeoDataFrame, focus: tuple[float, float, float, float] | None = None
) -> dict:
    """District outlines as lines; with a ``focus``, only the lines in and around it.

    A map of one district used to carry every district's full outline (most of its payload and of
    its server time) for lines far off screen. The lines are clipped, not the polygons, so the cut
    draws no edge of its own.
    """
    geoms = districts.geometry.to_numpy()
    if focus is not None:
        minx, miny, maxx, maxy = focus
        # A whole view's width and height around the focus: what the fitted view and a little
        # panning show, whatever the screen's aspect.
        dx, dy = maxx - minx, maxy - miny
        geoms = shapely.clip_by_rect(shapely.boundary(geoms), minx - dx, miny - dy, maxx + dx, maxy + dy)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, COORD_DECIMALS))
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": g.__geo_interface__}
            for g in geoms
            if g is not None and not g.is_empty
        ],
    }


class _Legend(MacroElement):
    """A Leaflet control with the legend, in large type for a projector; also sets the background."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: {{ this.background }}; }
        .bcd-legend { background: rgba(255,255,255,0.92); padding: 10px 14px; border-radius: 6px;
            box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 17px/1.35 sans-serif; color: #14213d; }
        .bcd-legend b { display: block; margin-bottom: 6px; font-size: 18px; }
        .bcd-legend i { display: inline-block; width: 22px; height: 16px; margin-right: 8px;
            vertical-align: -2px; border: 1px solid #8a8a8a; }
        .bcd-legend i.bcd-line { height: 0; border: 0; border-top: 3px solid {{ this.district_colour }};
            vertical-align: 4px; }
        /* Chromium draws a focus rectangle round a clicked SVG path: noise on a projected map. */
        .leaflet-container path.leaflet-interactive:focus { outline: none; }
        .leaflet-tooltip.bcd-tooltip { font-size: 16px; }
        .leaflet-tooltip.bcd-tooltip th { text-align: left; padding-right: 10px; font-weight: normal; }
        .leaflet-tooltip.bcd-tooltip td { font-weight: bold; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "topright"});
        {{ this.get_name() }}.onAdd = function () {
            var div = L.DomUtil.create("div", "bcd-legend");
            div.innerHTML = {{ this.html|tojson }};
            L.DomEvent.disableClickPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, title: str, items: list[LegendItem], outline_label: str | None) -> None:
        super().__init__()
        self._name = "Legend"
        self.background = BACKGROUND
        self.district_colour = DISTRICT_COLOUR
        rows = [f"<b>{html.escape(title)}</b>"]
        rows += [
            f'<div><i style="background:{item.colour}"></i>{html.escape(item.label)}</div>' for item in items
        ]
        if outline_label:
            rows.append(f'<div><i class="bcd-line"></i>{html.escape(outline_label)}</div>')
        self.html = "".join(rows)


def _bounds(frame: gpd.GeoDataFrame, focus: tuple[float, float, float, float] | None) -> list[list[float]]:
    minx, miny, maxx, maxy = focus if focus is not None else frame.total_bounds
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def build_map(
    frame: gpd.GeoDataFrame,
    mode: str,
    districts: gpd.GeoDataFrame | None = None,
    *,
    colours: dict[str, str],
    leaflet_prefix: str,
    focus: tuple[float, float, float, float] | None = None,
    tile_url: str = "",
    tile_attribution: str = "",
) -> folium.Map:
    """A choropleth of ``frame`` (one row per commune) coloured by ``mode``, loading only local Leaflet.

    ``frame`` columns: commune_code, commune_name, district_name, rating, score, meets_standard,
    tipoffs_per_10k, models, geometry (missing columns show as "—"). ``mode`` is one of MODES;
    ``colours`` is cfg.rating_colours. ``districts`` (district_code, district_name, geometry) is
    drawn as thick outlines above the communes. ``focus`` = (minx, miny, maxx, maxy) to fit, else
    the whole frame. ``leaflet_prefix`` is the URL folder holding leaflet.js/leaflet.css (see
    dashboard.assets.ensure_leaflet). Tiles only when ``tile_url`` is set.
    """
    if mode not in MODES:
        raise ValueError(f"Unknown map mode {mode!r}; expected one of {MODES}")
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    has_tiles = bool(tile_url)
    if frame.empty:
        focus_bounds = _bounds(frame, focus) if focus is not None else VIETNAM_BOUNDS
    else:
        focus_bounds = _bounds(frame, focus)
    centre = [(focus_bounds[0][0] + focus_bounds[1][0]) / 2, (focus_bounds[0][1] + focus_bounds[1][1]) / 2]
    m = folium.Map(
        location=centre,
        zoom_start=9,
        tiles=None,
        zoomSnap=0.25,  # quarter zoom steps: a province fills the screen instead of a third of it
        attributionControl=has_tiles,  # nothing to credit without tiles; keeps the projected map clean
        # Leaflet's keyboard handler focuses the map on mousedown; inside the component iframe that
        # scrolls the page when the map is partly off-screen, so the mouseup lands on another commune
        # and the click is lost. Arrow-key panning is not worth that on a meeting-room screen.
        keyboard=False,
    )
    # Only the locally served Leaflet: folium's defaults fetch Leaflet, jQuery, Bootstrap and
    # awesome-markers from CDNs, which a closed meeting-room network cannot reach.
    m.default_js = [("leaflet", f"{leaflet_prefix}leaflet.js")]
    m.default_css = [("leaflet_css", f"{leaflet_prefix}leaflet.css")]
    if has_tiles:
        attribution = tile_attribution or urlsplit(tile_url).netloc or tile_url
        folium.TileLayer(tiles=tile_url, attr=attribution, control=False).add_to(m)

    fills, legend_items = fill_colours(frame, mode, colours)
    styles = {
        str(code): {"fillColor": fill, "fillOpacity": 0.85, "color": BORDER_COLOUR, "weight": 1}
        for code, fill in zip(frame["commune_code"], fills, strict=True)
    }
    rows = [r for r in _TOOLTIP_ROWS if r[0] != "district" or _has_districts(frame)]
    tooltip = folium.GeoJsonTooltip(
        fields=[r[0] for r in rows],
        aliases=[t(r[2]) for r in rows],
        sticky=True,
        opacity=1.0,  # Leaflet's default 0.9 lets the fills show through the text on a projector
        class_name="bcd-tooltip",
    )
    folium.GeoJson(
        _feature_collection(frame, rows),
        name="communes",
        style_function=lambda feature: styles[feature["id"]],
        highlight_function=lambda _feature: {"weight": 3, "color": DISTRICT_COLOUR},
        # folium checks tooltip fields against the first feature, so an empty selection has none.
        tooltip=tooltip if not frame.empty else None,
        control=False,
    ).add_to(m)

    drawn_districts = districts is not None and not districts.empty
    if drawn_districts:
        # A pane above the communes that ignores the mouse: outlines stay on top, even over a
        # hovered commune, and clicks fall through to the commune underneath.
        folium.map.CustomPane(DISTRICT_PANE, z_index=450, pointer_events=False).add_to(m)
        folium.GeoJson(
            _outline_collection(districts.to_crs("EPSG:4326") if districts.crs else districts, focus),
            name="districts",
            style_function=lambda _f: {"color": DISTRICT_COLOUR, "weight": 3, "fill": False, "opacity": 0.9},
            interactive=False,
            pane=DISTRICT_PANE,
            control=False,
        ).add_to(m)

    title = t(f"map.mode.{mode}")
    _Legend(title, legend_items, t("map.district_outline") if drawn_districts else None).add_to(m)
    # Keep a strip on the right free for the legend, so it does not cover communes at the fitted view.
    fit = folium.FitBounds(focus_bounds, padding_top_left=(8, 8), padding_bottom_right=(LEGEND_ROOM, 8))
    # Jump straight to the fitted view: a zoom animation on load costs slow meeting-room PCs a second
    # of redrawing every polygon, for nothing the audience needs to see.
    fit.options["animate"] = False
    m.add_child(fit)
    return m
