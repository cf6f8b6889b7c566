"""Pure folium builders: a commune GeoDataFrame in, an offline choropleth folium.Map out."""

from __future__ import annotations

import functools
import html
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.map import Layer
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
_CENTRE = [15.8, 105.8]  # the middle of VIETNAM_BOUNDS


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

    def index_of(self, value: float | None) -> int | None:
        """The class of ``value``; None when it is missing."""
        if value is None or pd.isna(value):
            return None
        return int(np.searchsorted(self.breaks, value, side="right"))

    def colour_of(self, value: float | None) -> str:
        """The fill for ``value``; missing values are grey."""
        index = self.index_of(value)
        return NO_DATA_COLOUR if index is None else self.colours[index]


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


def _values(frame: pd.DataFrame, name: str) -> pd.Series:
    """``frame[name]``, or missing values when the frame has no such column."""
    return (
        frame[name]
        if name in frame.columns
        else pd.Series([None] * len(frame), index=frame.index, dtype=object)
    )


def classify(frame: pd.DataFrame, mode: str, colours: dict[str, str]) -> tuple[list[int], list[LegendItem]]:
    """The legend of ``mode``, and for each row of ``frame`` the index of its entry in it."""
    column = functools.partial(_values, frame)
    no_data = LegendItem(NO_DATA_COLOUR, t("map.no_data"))
    if mode == "rating":
        legend = [LegendItem(c, level) for level, c in colours.items() if level != UNRATED]
        legend.append(LegendItem(colours.get(UNRATED, NO_DATA_COLOUR), t("map.unrated")))
        index = {item.label: i for i, item in enumerate(legend[:-1])}
        unrated = len(legend) - 1  # a rating without a colour is drawn as not rated, and counted so
        ratings = [None if pd.isna(r) or str(r).strip() == "" else str(r) for r in column("rating")]
        return [index.get(r, unrated) if r else unrated for r in ratings], legend
    if mode == "standard":
        flags = [_bool_or_none(v) for v in column("meets_standard")]
        legend = [
            LegendItem(STANDARD_COLOURS[True], t("map.standard_met")),
            LegendItem(STANDARD_COLOURS[False], t("map.standard_not_met")),
        ]
        if any(f is None for f in flags):
            legend.append(no_data)
        return [2 if f is None else (0 if f else 1) for f in flags], legend
    if mode in ("tipoffs", "models"):
        name, palette = (
            ("tipoffs_per_10k", TIPOFF_PALETTE) if mode == "tipoffs" else ("models", MODEL_PALETTE)
        )
        values = pd.to_numeric(column(name), errors="coerce")
        classes = numeric_classes(values, palette, integer=mode == "models", zero_class=mode == "models")
        legend = [LegendItem(c, label) for c, label in zip(classes.colours, classes.labels, strict=True)]
        found = [classes.index_of(v) for v in values]
        if values.isna().any():
            legend.append(no_data)
        return [len(legend) - 1 if i is None else i for i in found], legend
    raise ValueError(f"Unknown map mode {mode!r}; expected one of {MODES}")


def fill_colours(
    frame: pd.DataFrame, mode: str, colours: dict[str, str]
) -> tuple[list[str], list[LegendItem]]:
    """The fill of each row for ``mode`` and the legend that explains them."""
    found, legend = classify(frame, mode, colours)
    return [legend[i].colour for i in found], legend


def class_counts(frame: pd.DataFrame, mode: str, colours: dict[str, str]) -> list[tuple[LegendItem, int]]:
    """Each entry of the legend of ``mode`` with the number of communes it holds."""
    found, legend = classify(frame, mode, colours)
    counts = np.bincount(np.asarray(found, dtype=int), minlength=len(legend))
    return [(item, int(count)) for item, count in zip(legend, counts, strict=True)]


ATTENTION_NAMES = 8  # communes named beside the map; the others are counted


@dataclass(frozen=True)
class Attention:
    """The communes a committee asks about when the map shows ``mode``, named beside it."""

    title: str
    names: tuple[str, ...]  # "Commune (District)" (the district only when several), at most ATTENTION_NAMES
    more: int  # how many more there are
    ranked: bool = False  # the names are a ranking (highest first), not a list in district order


def attention(frame: pd.DataFrame, mode: str, levels: Sequence[str]) -> Attention:
    """The lowest-rated communes, those below the standard, those with the most tip-offs per 10,000
    people (top ATTENTION_NAMES) or those without a model, by ``mode``.

    ``levels`` are the rating levels from the highest down (cfg.rating_levels). Lists are ordered
    by district, then commune; the tip-off list by its rate, highest first.
    """
    if mode not in MODES:
        raise ValueError(f"Unknown map mode {mode!r}; expected one of {MODES}")
    frame = frame.reset_index(drop=True)
    column = functools.partial(_values, frame)
    names = column("commune_name").map(_text)
    districts = column("district_name").map(_text)
    if districts[districts != fmt.DASH].nunique() > 1:  # within one district its name says nothing
        names = names + " (" + districts + ")"
    if mode == "tipoffs":
        rate = pd.to_numeric(column("tipoffs_per_10k"), errors="coerce")
        top = rate[rate > 0].sort_values(ascending=False, kind="stable").head(ATTENTION_NAMES)
        shown = [f"{names[i]}: {fmt.num(float(rate[i]), 1)}" for i in top.index]
        return Attention(t("mapsum.most_tipoffs"), tuple(shown), 0, ranked=True)
    if mode == "rating":
        lowest = levels[-1] if levels else ""
        chosen = column("rating").map(lambda r: _text(r) == lowest and lowest != "")
        title = "mapsum.lowest"
    elif mode == "standard":
        chosen = column("meets_standard").map(lambda v: _bool_or_none(v) is False)
        title = "mapsum.not_met"
    else:
        chosen = pd.to_numeric(column("models"), errors="coerce").eq(0)
        title = "mapsum.no_models"
    keys = zip(districts, column("commune_name").map(_text), strict=True)
    order = [fmt.collate(district) + fmt.collate(commune) for district, commune in keys]
    picked = sorted(np.flatnonzero(chosen.astype(bool).to_numpy()), key=order.__getitem__)
    shown = tuple(names[i] for i in picked[:ATTENTION_NAMES])
    text = t(title, n=fmt.num(len(picked)), level=levels[-1] if levels else "")
    return Attention(text, shown, len(picked) - len(shown))


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


# The map travels as a compact encoding that a few lines of our own script turn back into GeoJSON
# in the browser, before Leaflet sees it. Coordinates are integers of the display grid (1e-5°, the
# grid dashboard.boundaries snaps to), each vertex written as its step from the previous one, in
# base-64 digits of 5 bits plus a "more digits follow" bit. A simplified commune edge moves a few
# hundred grid steps per vertex, so a vertex takes ~4 characters instead of ~24 as JSON numbers.
# The alphabet has no "_" (streamlit-folium renames "_abc…" words in the script) and nothing that
# JSON or HTML would escape.
COORD_SCALE = 10**COORD_DECIMALS
_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-."
_DIGIT_CODES = np.frombuffer(_DIGITS.encode("ascii"), dtype=np.uint8)
_POLYGON, _LINE = 3, 1  # shapely type ids of the parts each kind of layer keeps


def encode_integers(values: np.ndarray) -> str:
    """Signed integers as base-64 digits, least significant first; digit & 32 means "more follow"."""
    zigzag = np.where(values < 0, -2 * values - 1, 2 * values).astype(np.uint64)
    if zigzag.size == 0:
        return ""
    lengths = np.ones(zigzag.size, dtype=np.int64)
    rest = zigzag >> np.uint64(5)
    while rest.any():
        lengths += rest > 0
        rest >>= np.uint64(5)
    places = np.arange(int(lengths.max()))
    digits = (zigzag[:, None] >> (places * 5).astype(np.uint64)[None, :]) & np.uint64(31)
    digits += np.uint64(32) * (places[None, :] < lengths[:, None] - 1)
    return _DIGIT_CODES[digits[places[None, :] < lengths[:, None]]].tobytes().decode("ascii")


def encode_geometries(geoms: np.ndarray, polygons: bool) -> tuple[list[list], str]:
    """The vertex counts of each geometry's parts, and every vertex in one string (see encode_integers).

    Polygon layers give, per geometry, a list of polygons, each a list of ring lengths (exterior
    first), the closing vertex left out; line layers give a list of line lengths. Parts of other
    kinds (a point left by clipping a line) are dropped.
    """
    parts, owner = shapely.get_parts(geoms, return_index=True)
    kept = shapely.get_type_id(parts) == (_POLYGON if polygons else _LINE)
    parts, owner = parts[kept], owner[kept]
    if polygons:
        rings, ring_part = shapely.get_rings(parts, return_index=True)
    else:
        rings, ring_part = parts, np.arange(len(parts))
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    lengths = np.bincount(ring_of, minlength=len(rings))
    if polygons:  # rings repeat their first vertex at the end: the browser adds it back
        closing = np.cumsum(lengths) - 1
        coords = np.delete(coords, closing[lengths > 0], axis=0)
        lengths = np.maximum(lengths - 1, 0)
    grid = np.rint(coords * COORD_SCALE).astype(np.int64)
    steps = np.diff(grid, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    shapes: list[list] = [[] for _ in range(len(geoms))]
    if polygons:
        by_part: list[list[int]] = [[] for _ in range(len(parts))]
        for part, n in zip(ring_part.tolist(), lengths.tolist(), strict=True):
            by_part[part].append(n)
        for geom, rings_of_part in zip(owner.tolist(), by_part, strict=True):
            shapes[geom].append(rings_of_part)
    else:
        for geom, n in zip(owner.tolist(), lengths.tolist(), strict=True):
            shapes[geom].append(n)
    return shapes, encode_integers(steps.ravel())


def _column(values: list[str]) -> list[str] | dict[str, list]:
    """A property column; repeated values (districts, ratings) as distinct values and indices."""
    distinct = list(dict.fromkeys(values))
    if len(distinct) * 2 > len(values):
        return values
    index = {v: i for i, v in enumerate(distinct)}
    return {"k": distinct, "i": [index[v] for v in values]}


def _compact(
    geoms: np.ndarray,
    *,
    polygons: bool,
    styles: list[dict],
    style_of: list[int] | None = None,
    ids: list[str] | None = None,
    properties: dict[str, list[str]] | None = None,
) -> dict:
    """One layer's compact payload: shapes, coordinates, ids, property columns, styles."""
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    keep = np.flatnonzero(present).tolist()
    shapes, coords = encode_geometries(geoms[present], polygons)
    payload: dict = {"polygons": polygons, "g": shapes, "c": coords, "s": styles}
    if style_of is not None and len(styles) > 1:
        payload["si"] = [style_of[i] for i in keep]
    if ids is not None:
        payload["id"] = [ids[i] for i in keep]
    if properties:
        payload["p"] = {name: _column([column[i] for i in keep]) for name, column in properties.items()}
    return payload


def _commune_payload(
    frame: gpd.GeoDataFrame, rows: list[tuple[str, str, str, Callable]], fills: list[str]
) -> dict:
    """The communes: the code as id, the preformatted tooltip values, one style per distinct fill."""
    codes = frame["commune_code"].astype(str).tolist()
    properties = {"code": codes}
    for prop, source, _, formatter in rows:
        column = frame[source].tolist() if source in frame.columns else [None] * len(frame)
        properties[prop] = [formatter(v) for v in column]
    palette = list(dict.fromkeys(fills))
    styles = [{"fillColor": c, "fillOpacity": 0.85, "color": BORDER_COLOUR, "weight": 1} for c in palette]
    style_of = [palette.index(f) for f in fills]
    geoms = frame.geometry.to_numpy()
    return _compact(geoms, polygons=True, styles=styles, style_of=style_of, ids=codes, properties=properties)


def _outline_payload(
    districts: gpd.GeoDataFrame, focus: tuple[float, float, float, float] | None = None
) -> dict:
    """District outlines as lines; with a ``focus``, only the lines in and around it.

    A map of one district used to carry every district's full outline (most of its payload and of
    its server time) for lines far off screen. The lines are clipped, not the polygons, so the cut
    draws no edge of its own.
    """
    geoms = shapely.boundary(districts.geometry.to_numpy())
    if focus is not None:
        minx, miny, maxx, maxy = focus
        # A whole view's width and height around the focus: what the fitted view and a little
        # panning show, whatever the screen's aspect.
        dx, dy = maxx - minx, maxy - miny
        geoms = shapely.clip_by_rect(geoms, minx - dx, miny - dy, maxx + dx, maxy + dy)
    style = {"color": DISTRICT_COLOUR, "weight": 3, "fill": False, "opacity": 0.9}
    return _compact(geoms, polygons=False, styles=[style])


def _script_json(value: object) -> str:
    """JSON for inside a <script>: compact, UTF-8 kept (a Vietnamese letter is 2–3 bytes, not 6)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Decoder(MacroElement):
    """Defines bcdDecode once per map: a compact layer payload (see encode_geometries) → GeoJSON."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        function bcdDecode(d) {
            var digits = {{ this.digits|tojson }}, scale = {{ this.scale }}, value = [];
            for (var k = 0; k < digits.length; k++) value[digits.charCodeAt(k)] = k;
            var s = d.c, at = 0, x = 0, y = 0;
            function next() {
                var n = 0, place = 1, digit;
                do { digit = value[s.charCodeAt(at++)]; n += (digit & 31) * place; place *= 32; }
                while (digit & 32);
                return n % 2 ? -(n + 1) / 2 : n / 2;
            }
            function line(n, closed) {
                var points = [];
                for (var i = 0; i < n; i++) { x += next(); y += next(); points.push([x / scale, y / scale]); }
                if (closed && n) points.push(points[0]);
                return points;
            }
            function cell(column, i) { return column.k ? column.k[column.i[i]] : column[i]; }
            return {type: "FeatureCollection", features: d.g.map(function (parts, i) {
                var geometry;
                if (d.polygons) {
                    var polygons = parts.map(function (rings) {
                        return rings.map(function (n) { return line(n, true); });
                    });
                    geometry = polygons.length == 1 ? {type: "Polygon", coordinates: polygons[0]}
                        : {type: "MultiPolygon", coordinates: polygons};
                } else {
                    var lines = parts.map(function (n) { return line(n, false); });
                    geometry = lines.length == 1 ? {type: "LineString", coordinates: lines[0]}
                        : {type: "MultiLineString", coordinates: lines};
                }
                var properties = {};
                for (var name in d.p || {}) properties[name] = cell(d.p[name], i);
                var feature = {type: "Feature", properties: properties, geometry: geometry};
                if (d.id) feature.id = d.id[i];
                return feature;
            })};
        }
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Decoder"
        self.digits = _DIGITS
        self.scale = COORD_SCALE


class CompactGeoJson(Layer):
    """A GeoJSON layer sent compactly (see encode_geometries), styled per feature, with a text tooltip.

    The tooltip is built from DOM text nodes, never innerHTML, so a commune named like markup
    shows as that text. Hover thickens the border; streamlit-folium returns the clicked feature.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var d = {{ this.payload_json }};
            var byId = {};
            if (d.si) d.id.forEach(function (id, i) { byId[id] = d.s[d.si[i]]; });
            var highlight = {{ this.highlight|tojson }};
            var layer = L.geoJson(null, Object.assign({
                style: function (f) { return d.si ? byId[f.id] : d.s[0]; },
                onEachFeature: function (feature, item) {
                    if (!highlight) return;
                    item.on({
                        mouseover: function (e) { e.target.setStyle(highlight); },
                        mouseout: function (e) { layer.resetStyle(e.target); }
                    });
                }
            }, {{ this.options|tojson }}));
            layer.addData(bcdDecode(d));
            {%- if this.tooltip %}
            var tip = {{ this.tooltip|tojson }};
            layer.bindTooltip(function (item) {
                var table = document.createElement("table"), values = item.feature.properties;
                tip.fields.forEach(function (field, i) {
                    var row = table.insertRow();
                    row.appendChild(document.createElement("th")).textContent = tip.aliases[i];
                    row.appendChild(document.createElement("td")).textContent = values[field];
                });
                return table;
            }, tip.options);
            {%- endif %}
            return layer;
        })();
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        payload: dict,
        *,
        name: str,
        highlight: dict | None = None,
        tooltip: dict | None = None,
        **options: object,
    ) -> None:
        super().__init__(name=name, overlay=True, control=False)
        self._name = "CompactGeoJson"
        self.payload = payload
        self.highlight = highlight
        self.tooltip = tooltip
        self.options = options

    @functools.cached_property
    def payload_json(self) -> str:
        """The payload as written into the script (made once: the page and st_folium both ask)."""
        return _script_json(self.payload)

    def render(self, **kwargs) -> None:
        """Put the layer's script into the page as it is.

        MacroElement.render wraps each rendered script in an Element, which compiles it as a Jinja
        template again: for this layer, the whole payload (6 ms for a province, ~0.5 s for a
        country's 5 MB). The script's own addTo replaces the one Layer.render would add.
        """
        script = self._template.module.__dict__["script"](self, kwargs)
        self.get_root().script.add_child(_Verbatim(script), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class _Verbatim(Element):
    """Text that goes into the page as it is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        """The text."""
        return self.text


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


# What a change of area, mode or language draws anew: the fitted view, the layers and the legend.
# The rest of a map (Leaflet, the decoder, the district pane, tiles) stays as it is.
VIEW_ELEMENTS = (folium.FitBounds, CompactGeoJson, _Legend)


def view_script(elements: Sequence[MacroElement]) -> str:
    """The scripts of a map's view elements as one script that replaces the view drawn before it.

    For st_folium's ``feature_group`` argument: the component removes the layers listed in
    ``window.feature_group`` and runs this in the map it already has, instead of loading a new
    frame, Leaflet and all. The elements' parent map must already be named as in the page.
    """
    parts = ["if (window.bcdLegend) window.bcdLegend.remove();"]
    layers = []
    for element in elements:
        parts.append(element._template.module.__dict__["script"](element, {}))
        if isinstance(element, CompactGeoJson):
            layers.append(element.get_name())
        elif isinstance(element, _Legend):
            parts.append(f"window.bcdLegend = {element.get_name()};")
    parts.append(f"window.feature_group = [{', '.join(layers)}];")
    return "(function () {\n" + "\n".join(parts) + "\n})();"


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
    m = folium.Map(
        # The same for every view, so the map itself (see view_script) stays the same when only the
        # area changes; the FitBounds below sets the view before anything is drawn.
        location=_CENTRE,
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
    # Keep a strip on the right free for the legend, so it does not cover communes at the fitted view.
    fit = folium.FitBounds(focus_bounds, padding_top_left=(8, 8), padding_bottom_right=(LEGEND_ROOM, 8))
    # Jump straight to the fitted view: a zoom animation on load costs slow meeting-room PCs a second
    # of redrawing every polygon, for nothing the audience needs to see.
    fit.options["animate"] = False
    # Fitted before any layer is added: each polygon is then drawn once, at the view shown, where
    # fitting afterwards drew every one twice (60–100 ms of the browser's first draw for the demo).
    m.add_child(fit)
    if has_tiles:
        attribution = tile_attribution or urlsplit(tile_url).netloc or tile_url
        folium.TileLayer(tiles=tile_url, attr=attribution, control=False).add_to(m)

    fills, legend_items = fill_colours(frame, mode, colours)
    rows = [r for r in _TOOLTIP_ROWS if r[0] != "district" or _has_districts(frame)]
    tooltip = {
        "fields": [r[0] for r in rows],
        "aliases": [t(r[2]) for r in rows],
        # Leaflet's default opacity 0.9 lets the fills show through the text on a projector.
        "options": {"sticky": True, "opacity": 1.0, "className": "bcd-tooltip"},
    }
    _Decoder().add_to(m)
    CompactGeoJson(
        _commune_payload(frame, rows, fills),
        name="communes",
        highlight={"weight": 3, "color": DISTRICT_COLOUR},
        tooltip=tooltip,
    ).add_to(m)

    drawn_districts = districts is not None and not districts.empty
    if drawn_districts:
        # A pane above the communes that ignores the mouse: outlines stay on top, even over a
        # hovered commune, and clicks fall through to the commune underneath.
        folium.map.CustomPane(DISTRICT_PANE, z_index=450, pointer_events=False).add_to(m)
        CompactGeoJson(
            _outline_payload(districts.to_crs("EPSG:4326") if districts.crs else districts, focus),
            name="districts",
            interactive=False,
            pane=DISTRICT_PANE,
        ).add_to(m)

    title = t(f"map.mode.{mode}")
    _Legend(title, legend_items, t("map.district_outline") if drawn_districts else None).add_to(m)
    return m
