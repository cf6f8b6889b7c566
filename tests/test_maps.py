"""Map structure, not pixels: features, fills per mode, tooltips, legend, offline assets, fit bounds."""

from __future__ import annotations

import contextvars
import json
import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

from dashboard import i18n, maps
from dashboard.config import Config
from dashboard.ui import mapview
from dashboard.ui.mapview import clicked_code

COLOURS = Config().rating_colours
PREFIX = "../../app/static/vendor/leaflet/"


def communes() -> gpd.GeoDataFrame:
    """Six unit squares in a row, two districts, every kind of value including missing ones."""
    return gpd.GeoDataFrame(
        {
            "commune_code": ["01001", "01002", "01003", "01004", "01005", "01006"],
            "commune_name": ["Xã An Bình", "Phường Đông", "Xã <Tây>", "Thị trấn Nam", "Xã Bắc", "Xã Trung"],
            "district_name": ["Huyện Một"] * 3 + ["Huyện Hai"] * 3,
            "rating": ["Xuất sắc", "Khá", "Trung bình", "Yếu", None, "Khá"],
            "score": [95.5, 85.5, 60.25, 40.0, None, 71.0],
            "meets_standard": [True, True, False, False, None, True],
            "tipoffs_per_10k": [0.5, 1.2, 2.5, 4.0, 9.75, None],
            "models": [0, 1, 2, 3, 5, 12],
        },
        geometry=[box(105.8 + 0.05 * i, 20.4, 105.85 + 0.05 * i, 20.45) for i in range(6)],
        crs="EPSG:4326",
    )


def districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"district_code": ["001", "002"], "district_name": ["Huyện Một", "Huyện Hai"]},
        geometry=[box(105.8, 20.4, 105.95, 20.45), box(105.95, 20.4, 106.1, 20.45)],
        crs="EPSG:4326",
    )


def build(mode: str = "rating", **kwargs) -> folium.Map:
    kwargs.setdefault("colours", COLOURS)
    kwargs.setdefault("leaflet_prefix", PREFIX)
    return maps.build_map(communes(), mode, kwargs.pop("districts", districts()), **kwargs)


def layers(m: folium.Map, kind: type) -> list:
    return [child for child in m._children.values() if isinstance(child, kind)]


def commune_layer(m: folium.Map) -> maps.CompactGeoJson:
    return next(g for g in layers(m, maps.CompactGeoJson) if g.layer_name == "communes")


def integers(text: str) -> list[int]:
    """Python twin of the browser's decoder (maps._Decoder): base-64 digits → signed integers."""
    out, n, place = [], 0, 1
    for char in text:
        digit = maps._DIGITS.index(char)
        n += (digit & 31) * place
        place *= 32
        if not digit & 32:
            out.append(-(n + 1) // 2 if n % 2 else n // 2)
            n, place = 0, 1
    assert place == 1, "the last number is cut short"
    return out


def features(layer: maps.CompactGeoJson) -> list[dict]:
    """The GeoJSON features the browser rebuilds from a compact layer, as maps._Decoder does."""
    payload = layer.payload
    steps = iter(integers(payload["c"]))
    x = y = 0

    def line(n: int, closed: bool) -> list[list[float]]:
        nonlocal x, y
        points = []
        for _ in range(n):
            x += next(steps)
            y += next(steps)
            points.append([x / maps.COORD_SCALE, y / maps.COORD_SCALE])
        return points + points[:1] if closed else points

    out = []
    for i, parts in enumerate(payload["g"]):
        if payload["polygons"]:
            coords = [[line(n, True) for n in rings] for rings in parts]
            geometry = {"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1 else {
                "type": "MultiPolygon", "coordinates": coords}  # fmt: skip
        else:
            coords = [line(n, False) for n in parts]
            geometry = {"type": "LineString", "coordinates": coords[0]} if len(coords) == 1 else {
                "type": "MultiLineString", "coordinates": coords}  # fmt: skip
        props = {name: col["k"][col["i"][i]] if isinstance(col, dict) else col[i]
                 for name, col in payload.get("p", {}).items()}  # fmt: skip
        feature = {"type": "Feature", "properties": props, "geometry": geometry}
        if "id" in payload:
            feature["id"] = payload["id"][i]
        out.append(feature)
    assert next(steps, None) is None, "coordinates left over"
    return out


def style(layer: maps.CompactGeoJson, i: int) -> dict:
    """The style of the i-th feature."""
    payload = layer.payload
    return payload["s"][payload["si"][i]] if "si" in payload else payload["s"][0]


def fills(m: folium.Map) -> dict[str, str]:
    layer = commune_layer(m)
    return {f["id"]: style(layer, i)["fillColor"] for i, f in enumerate(features(layer))}


def legend(m: folium.Map) -> str:
    return next(child.html for child in m._children.values() if child._name == "Legend")


def in_language(code: str, func, *args, **kwargs):
    """Run ``func`` with the UI language set, without leaking the setting into other tests."""

    def run():
        i18n.set_language(code)
        return func(*args, **kwargs)

    return contextvars.copy_context().run(run)


GREY = maps.NO_DATA_COLOUR
MET, NOT_MET = maps.STANDARD_COLOURS[True], maps.STANDARD_COLOURS[False]
FILL_CASES = [
    ("rating", [COLOURS["Xuất sắc"], COLOURS["Khá"], COLOURS["Trung bình"], COLOURS["Yếu"],
                COLOURS["Chưa xếp loại"], COLOURS["Khá"]], ["Xuất sắc", "Yếu", "Chưa xếp loại"]),
    ("standard", [MET, MET, NOT_MET, NOT_MET, GREY, MET], ["Đạt", "Chưa đạt", "Không có số liệu"]),
    ("tipoffs", [None, None, None, None, maps.TIPOFF_PALETTE[-1], GREY],
     ["Dưới ", "trở lên", "Không có số liệu"]),
    ("models", [maps.MODEL_PALETTE[0], None, None, None, None, maps.MODEL_PALETTE[-1]], ["0", "1", "5 – 12"]),
]  # fmt: skip


@pytest.mark.parametrize(("mode", "expected", "legend_labels"), FILL_CASES, ids=[c[0] for c in FILL_CASES])
def test_fill_colours_follow_the_palette(mode: str, expected: list, legend_labels: list[str]) -> None:
    m = build(mode)
    got = fills(m)
    assert len(got) == len(communes())  # one feature per commune
    palette = {
        "rating": set(COLOURS.values()),
        "standard": {MET, NOT_MET, GREY},
        "tipoffs": {*maps.TIPOFF_PALETTE, GREY},
        "models": {*maps.MODEL_PALETTE, GREY},
    }[mode]
    assert set(got.values()) <= palette
    for code, colour in zip(communes()["commune_code"], expected, strict=True):
        if colour is not None:
            assert got[code] == colour, code
    html = legend(m)
    assert maps.t(f"map.mode.{mode}") in html
    for label in legend_labels:
        assert label in html
    for colour in set(got.values()):
        assert f"background:{colour}" in html  # every colour on the map is explained


def test_numeric_fills_increase_with_the_value() -> None:
    got = fills(build("tipoffs"))
    order = [maps.TIPOFF_PALETTE.index(got[c]) for c in ["01001", "01002", "01003", "01004", "01005"]]
    assert order == sorted(order) and order[0] < order[-1]


@pytest.mark.parametrize(
    ("values", "integer", "zero_class", "labels"),
    [
        ([0.4, 1.0, 2.5, 3.1, 4.4, 6.0, 7.7, 9.9, 12.0, 15.5], False, False,
         ["Dưới 2,2", "2,2 – 3,9", "3,9 – 6,7", "6,7 – 10,0", "Từ 10,0 trở lên"]),
        ([0, 0, 0, 1, 2, 2, 3, 5, 8, 13], True, True, ["0", "1", "2 – 5", "6 – 13"]),
        ([0, 0, 0, 0, 1], True, True, ["0", "1"]),
        ([4.0, 4.0, 4.0], False, False, ["4,0"]),
        ([None, float("nan")], False, False, []),
        ([1234.5, 2000.0, 5000.0, 9000.0, 12000.0], False, False,
         ["Dưới 1.800", "1.800 – 3.800", "3.800 – 6.600", "6.600 – 9.600", "Từ 9.600 trở lên"]),
    ],
)  # fmt: skip
def test_numeric_classes_labels(values: list, integer: bool, zero_class: bool, labels: list[str]) -> None:
    palette = maps.TIPOFF_PALETTE
    classes = maps.numeric_classes(values, palette, integer=integer, zero_class=zero_class)
    assert list(classes.labels) == labels
    assert len(classes.colours) == len(labels)
    assert list(classes.breaks) == sorted(classes.breaks)
    if labels:
        assert classes.colours[-1] == palette[-1]


def test_tooltip_has_vietnamese_labels_and_formatted_values() -> None:
    m = build("rating")
    layer = commune_layer(m)
    assert layer.tooltip["aliases"] == [
        "Xã, phường", "Huyện", "Xếp loại", "Điểm", "An toàn về ANTT", "Tin báo /10.000 dân", "Số mô hình",
    ]  # fmt: skip
    props = {f["id"]: f["properties"] for f in features(layer)}
    assert props["01002"] == {
        "code": "01002", "name": "Phường Đông", "district": "Huyện Một", "rating": "Khá",
        "score": "85,5", "standard": "Đạt", "tipoffs": "1,2", "models": "1",
    }  # fmt: skip
    assert props["01003"]["name"] == "Xã <Tây>"  # as text: the tooltip writes text nodes, never HTML
    assert props["01003"]["standard"] == "Chưa đạt"
    assert props["01003"]["score"] in ("60,2", "60,3")  # Babel rounds half to even
    assert props["01005"]["rating"] == "Chưa xếp loại"
    assert props["01005"]["score"] == "—" and props["01005"]["standard"] == "—"
    assert props["01006"]["models"] == "12"


def test_tooltip_in_english() -> None:
    m = in_language("en", build, "standard")
    assert "Commune" in commune_layer(m).tooltip["aliases"]
    props = {f["id"]: f["properties"] for f in features(commune_layer(m))}
    assert props["01002"]["score"] == "85.5" and props["01002"]["standard"] == "Met"


def test_no_district_row_when_there_are_no_districts() -> None:
    frame = communes().assign(district_name=None)
    m = maps.build_map(frame, "rating", None, colours=COLOURS, leaflet_prefix=PREFIX)
    assert "district" not in features(commune_layer(m))[0]["properties"]
    assert [g.layer_name for g in layers(m, maps.CompactGeoJson)] == ["communes"]
    assert "Ranh giới huyện" not in legend(m)


def test_properties_are_slim_and_coordinates_rounded() -> None:
    frame = communes()
    frame["geometry"] = frame.geometry.translate(1e-7 / 3, 1e-7 / 3)
    frame["extra_column"] = "not needed"
    m = maps.build_map(frame, "rating", None, colours=COLOURS, leaflet_prefix=PREFIX)
    feature = features(commune_layer(m))[0]
    assert set(feature["properties"]) == {"code", "name", "district", "rating", "score", "standard",
                                          "tipoffs", "models"}  # fmt: skip
    xs = [x for ring in feature["geometry"]["coordinates"] for x, _ in ring]
    assert all(round(x, 5) == x for x in xs)


@pytest.mark.parametrize("mode", maps.MODES)
def test_rendered_html_references_no_cdn(mode: str) -> None:
    html = build(mode).get_root().render()
    assert not re.findall(r"https?://", html)
    assert f'<script src="{PREFIX}leaflet.js"></script>' in html
    assert f'href="{PREFIX}leaflet.css"' in html
    for library in ("jquery", "bootstrap", "awesome-markers", "d3.min.js", "d3.v4"):
        assert library not in html


def test_only_the_configured_tile_url() -> None:
    tiles = "http://tiles.noi-bo.local/{z}/{x}/{y}.png"
    m = build("rating", tile_url=tiles, tile_attribution="Sở TN&MT")
    assert layers(m, folium.TileLayer)[0].tiles == tiles
    urls = set(re.findall(r"https?://[^\"'\s]+", m.get_root().render()))
    assert urls == {tiles}
    assert layers(build("rating"), folium.TileLayer) == []  # none by default


def test_district_outlines_on_top_and_not_interactive() -> None:
    m = build("rating")
    names = [g.layer_name for g in layers(m, maps.CompactGeoJson)]
    assert names == ["communes", "districts"]
    outline = layers(m, maps.CompactGeoJson)[1]
    assert len(features(outline)) == 2
    assert outline.options["interactive"] is False
    assert outline.options["pane"] == maps.DISTRICT_PANE
    outline_style = style(outline, 0)
    assert outline_style["fill"] is False and outline_style["weight"] > 1
    pane = next(c for c in m._children.values() if isinstance(c, folium.map.CustomPane))
    assert pane.z_index > 400 and pane.pointer_events is False  # above overlayPane (400)
    assert "Ranh giới huyện" in legend(m)


def _fit(m: folium.Map) -> list[float]:
    """[south, west, north, east] of the map's FitBounds."""
    bounds = next(c for c in m._children.values() if isinstance(c, folium.FitBounds)).bounds
    return [*bounds[0], *bounds[1]]


def test_fit_bounds_follow_focus() -> None:
    assert _fit(build("rating")) == pytest.approx([20.4, 105.8, 20.45, 106.1])
    focus = (105.95, 20.4, 106.1, 20.45)
    assert _fit(build("rating", focus=focus)) == pytest.approx([20.4, 105.95, 20.45, 106.1])


def test_the_view_is_fitted_before_any_layer_is_drawn() -> None:
    """Each polygon is drawn once, at the view shown (fitting afterwards drew them all twice)."""
    m = maps.build_map(communes(), "rating", districts(), colours=COLOURS, leaflet_prefix=PREFIX)
    payload = mapview.render_payload(m)
    assert "fitBounds(" not in payload.script and "L.geoJson(" not in payload.script
    assert payload.view.count("fitBounds(") == 1
    assert payload.view.index("fitBounds(") < payload.view.index("L.geoJson(")


def test_projected_frame_is_reprojected() -> None:
    frame = communes().to_crs("EPSG:3405")
    m = maps.build_map(frame, "models", None, colours=COLOURS, leaflet_prefix=PREFIX)
    assert _fit(m) == pytest.approx([20.4, 105.8, 20.45, 106.1], abs=1e-6)


def test_empty_frame_still_builds() -> None:
    frame = communes().iloc[0:0]
    m = maps.build_map(frame, "tipoffs", None, colours=COLOURS, leaflet_prefix=PREFIX)
    assert features(commune_layer(m)) == []
    assert not re.findall(r"https?://", m.get_root().render())


def test_unknown_mode_is_an_error() -> None:
    with pytest.raises(ValueError, match="mode"):
        build("population")


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (None, None),
        ({"last_active_drawing": None}, None),
        (
            {"last_active_drawing": {"type": "Feature", "id": "01002", "properties": {"code": "01002"}}},
            "01002",
        ),
        ({"last_active_drawing": {"type": "Feature", "id": "01003", "properties": {}}}, "01003"),
    ],
)
def test_clicked_code(result: dict | None, expected: str | None) -> None:
    assert clicked_code(result) == expected


def test_many_communes_render_quickly_and_small() -> None:
    # ~140 communes of ~60 vertices: the size of a real province after simplification.
    n = 144
    frame = gpd.GeoDataFrame(
        {
            "commune_code": [f"{i:05d}" for i in range(n)],
            "commune_name": [f"Xã số {i}" for i in range(n)],
            "district_name": [f"Huyện {i // 12}" for i in range(n)],
            "rating": ["Khá"] * n,
            "score": [80.0] * n,
            "meets_standard": [True] * n,
            "tipoffs_per_10k": [float(i % 10) for i in range(n)],
            "models": [i % 7 for i in range(n)],
        },
        geometry=[
            box(
                105 + (i % 12) * 0.05,
                20 + (i // 12) * 0.05,
                105.05 + (i % 12) * 0.05,
                20.05 + (i // 12) * 0.05,
            ).segmentize(0.004)
            for i in range(n)
        ],
        crs="EPSG:4326",
    )
    m = maps.build_map(frame, "tipoffs", None, colours=COLOURS, leaflet_prefix=PREFIX)
    html = m.get_root().render()
    assert len(features(commune_layer(m))) == n
    vertices = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum())
    # Each vertex a few characters (JSON numbers took ~24), plus the page and the tooltip values.
    assert len(commune_layer(m).payload["c"]) < 5 * vertices
    assert len(html) < 6 * vertices + 40_000


def test_map_options_for_a_meeting_room() -> None:
    m = build("rating")
    # keyboard off: its focus-on-mousedown scrolls the page inside the component and loses clicks.
    assert m.options["keyboard"] is False
    assert m.options["attributionControl"] is False  # nothing to credit without tiles
    fit = next(c for c in m._children.values() if isinstance(c, folium.FitBounds))
    assert fit.options["animate"] is False  # no zoom animation on load
    assert fit.options["paddingBottomRight"][0] == maps.LEGEND_ROOM  # the legend does not cover communes


def test_a_focused_map_carries_only_the_outlines_around_the_focus() -> None:
    focus = (106.085, 20.42, 106.095, 20.43)  # by the second district's east edge, far from the first
    m = build("rating", focus=focus)
    outline = layers(m, maps.CompactGeoJson)[1]
    lines = features(outline)
    assert len(lines) == 1  # the first district's outline is off screen: not sent
    geometry = lines[0]["geometry"]
    assert geometry["type"] in ("LineString", "MultiLineString")  # lines: the cut draws no edge
    lines = geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
    xs = [x for line in lines for x, _ in line]
    assert min(xs) >= 106.075 - 1e-9 and max(xs) <= 106.105 + 1e-9
    assert len(features(layers(build("rating"), maps.CompactGeoJson)[1])) == 2  # whole area: all


@pytest.mark.parametrize(
    "values", [[0], [1, -1, 15, -16, 16, 17, 1023, -1024], [10_512_345, -2_091_234, 2**40, -(2**40)], []]
)
def test_integers_round_trip(values: list[int]) -> None:
    text = maps.encode_integers(np.array(values, dtype=np.int64))
    assert integers(text) == values
    assert set(text) <= set(maps._DIGITS)


def test_geometries_round_trip_with_holes_and_parts() -> None:
    holed = box(105.8, 20.4, 105.9, 20.5).difference(box(105.82, 20.42, 105.84, 20.44))
    two_parts = box(-0.3, -0.3, -0.1, -0.1).union(box(0.1, 0.1, 0.123456, 0.2))  # either side of 0
    frame = communes().iloc[:3].set_geometry([holed, two_parts, box(105.9, 20.4, 105.95, 20.45)])
    m = maps.build_map(frame, "rating", None, colours=COLOURS, leaflet_prefix=PREFIX)
    got = features(commune_layer(m))
    snapped = shapely.set_precision(frame.geometry.to_numpy(), 10**-maps.COORD_DECIMALS)
    for feature, expected in zip(got, snapped, strict=True):
        decoded = shapely.geometry.shape(feature["geometry"])
        assert decoded.geom_type == expected.geom_type
        assert shapely.equals_exact(shapely.normalize(decoded), shapely.normalize(expected), 1e-9)
    assert len(got[0]["geometry"]["coordinates"]) == 2  # exterior and hole


def test_payload_is_safe_inside_a_script() -> None:
    frame = communes().assign(commune_name=["</script><img src=x onerror=alert(1)>", *"ABCDE"])
    m = maps.build_map(frame, "rating", None, colours=COLOURS, leaflet_prefix=PREFIX)
    text = commune_layer(m).payload_json
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["p"]["name"][0] == "</script><img src=x onerror=alert(1)>"
    # The tooltip writes text nodes: markup in a name can never become an element.
    m.get_root().render()
    layer_script = commune_layer(m)._template.module.script(commune_layer(m))
    assert "textContent" in layer_script and "innerHTML" not in layer_script


def test_template_syntax_in_a_name_is_kept_as_text() -> None:
    """The rendered page is not read as a Jinja template again: a name holding "{%" or "{{" neither
    breaks the map (it raised TemplateSyntaxError) nor changes."""
    names = ["Xã {% if", "Phường {{ 7 * 7 }}", *"ABCD"]
    frame = communes().assign(commune_name=names)

    def fresh() -> folium.Map:
        return maps.build_map(frame, "rating", districts(), colours=COLOURS, leaflet_prefix=PREFIX)

    m = fresh()
    assert json.loads(commune_layer(m).payload_json)["p"]["name"][:2] == names[:2]
    for text in (m.get_root().render(), mapview.render_payload(fresh()).view):
        assert "Xã {% if" in text and "Phường {{ 7 * 7 }}" in text


def test_a_moved_map_keeps_its_component_and_redraws_its_view() -> None:
    # The view goes to the component as it is written: streamlit-folium renames words like "_abc1"
    # only in the map's own script (and the coordinates hold no "_" anyway).
    assert "_" not in maps._DIGITS
    moved = communes().assign(geometry=communes().geometry.translate(0.001, 0))
    built = [
        maps.build_map(frame, "rating", None, colours=COLOURS, leaflet_prefix=PREFIX)
        for frame in (communes(), moved)
    ]
    encoded = [json.loads(commune_layer(m).payload_json)["c"] for m in built]
    one, two = (mapview.render_payload(m) for m in built)
    assert one.digest == two.digest and one.script == two.script  # the same map: the frame stays
    assert [commune_layer_text(one.view), commune_layer_text(two.view)] == encoded
    assert encoded[0] != encoded[1]


def commune_layer_text(script: str) -> str:
    """The first compact payload in a rendered script."""
    start = script.index('"c":"') + 5
    return script[start : script.index('"', start)]


SUMMARY_CASES = [
    ("rating", {"Xuất sắc": 1, "Khá": 2, "Trung bình": 1, "Yếu": 1, "Chưa xếp loại": 1}),
    ("standard", {"Đạt": 3, "Chưa đạt": 2, "Không có số liệu": 1}),
    ("models", {"0": 1, "1": 1, "2": 1, "3 – 4": 1, "5 – 12": 2}),
]  # fmt: skip


@pytest.mark.parametrize(("mode", "expected"), SUMMARY_CASES, ids=[c[0] for c in SUMMARY_CASES])
def test_each_legend_entry_counts_the_communes_drawn_in_its_colour(mode: str, expected: dict) -> None:
    frame = communes()
    counts = maps.class_counts(frame, mode, COLOURS)
    assert {item.label: n for item, n in counts} == expected
    # The same colours as the map: each commune is counted under the colour it is filled with.
    drawn = fills(build(mode))
    for item, n in counts:
        assert sum(colour == item.colour for colour in drawn.values()) == n


def test_a_rating_without_a_colour_is_counted_where_the_map_draws_it() -> None:
    frame = communes().assign(rating=["Xuất sắc", "Tốt", None, "Yếu", "Yếu", "Khá"])
    counts = {item.label: n for item, n in maps.class_counts(frame, "rating", COLOURS)}
    assert counts == {"Xuất sắc": 1, "Khá": 1, "Trung bình": 0, "Yếu": 2, "Chưa xếp loại": 2}
    assert sum(counts.values()) == len(frame)


ATTENTION_CASES = [
    ("rating", "Xã xếp loại Yếu: 1", ("Thị trấn Nam (Huyện Hai)",), False),
    ("standard", "Xã chưa đạt chuẩn: 2", ("Thị trấn Nam (Huyện Hai)", "Xã <Tây> (Huyện Một)"), False),
    ("models", "Xã chưa có mô hình nào: 1", ("Xã An Bình (Huyện Một)",), False),
    ("tipoffs", "Nhiều tin báo nhất (trên 10.000 dân)",
     ("Xã Bắc (Huyện Hai): 9,8", "Thị trấn Nam (Huyện Hai): 4,0", "Xã <Tây> (Huyện Một): 2,5",
      "Phường Đông (Huyện Một): 1,2", "Xã An Bình (Huyện Một): 0,5"), True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mode", "title", "names", "ranked"), ATTENTION_CASES, ids=[c[0] for c in ATTENTION_CASES]
)
def test_the_communes_to_ask_about_in_each_mode(mode: str, title: str, names: tuple, ranked: bool) -> None:
    """Lists in Vietnamese order of district then commune ("Huyện Hai" before "Huyện Một"); tip-offs
    ranked by their rate; a commune without a value is in none of them."""
    found = maps.attention(communes(), mode, Config().rating_levels)
    assert (found.title, found.names, found.more, found.ranked) == (title, names, 0, ranked)


def test_a_long_list_names_the_first_communes_and_counts_the_others() -> None:
    frame = pd.concat([communes()] * 3, ignore_index=True).assign(models=0)
    frame["district_name"] = ["Huyện Em", "Huyện Đông"] * 9
    found = maps.attention(frame, "models", ["Tốt", "Kém"])
    assert found.title == "Xã chưa có mô hình nào: 18"
    assert len(found.names) == maps.ATTENTION_NAMES and found.more == 18 - maps.ATTENTION_NAMES
    assert all(name.endswith("(Huyện Đông)") for name in found.names)  # Đ before E, in Vietnamese
    assert (
        in_language("en", maps.attention, communes(), "rating", ["Tốt", "Kém"]).title
        == "Communes rated Kém: 0"
    )


def test_within_one_district_the_communes_are_named_without_it() -> None:
    found = maps.attention(communes().assign(district_name="Huyện Một"), "rating", Config().rating_levels)
    assert found.names == ("Thị trấn Nam",)
