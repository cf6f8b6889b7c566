"""The cached map view: the same component arguments as st_folium, built once per signature."""

from __future__ import annotations

import re

import folium
import pytest
import streamlit_folium

from dashboard import maps
from dashboard.ui import mapview
from tests.test_maps import COLOURS, PREFIX, communes, districts


def build(mode: str = "rating") -> folium.Map:
    return maps.build_map(communes(), mode, districts(), colours=COLOURS, leaflet_prefix=PREFIX)


def _normalised(text: str) -> str:
    """Folium names every element with a random 32-hex id; compare the structure, not the ids."""
    return re.sub(r"[0-9a-f]{32}", "ID", text)


@pytest.fixture(autouse=True)
def _empty_cache():
    mapview.clear_cache()
    yield
    mapview.clear_cache()


def test_payload_matches_what_st_folium_sends(monkeypatch) -> None:
    """The map itself is what st_folium sends for the map without its view; the view (fitted
    bounds, layers, legend) goes as st_folium's feature_group, drawn in that map."""
    sent: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    bare = build()
    for name in [n for n, c in bare._children.items() if isinstance(c, maps.VIEW_ELEMENTS)]:
        del bare._children[name]
    streamlit_folium.st_folium(bare, key="k", returned_objects=mapview._RETURNED)
    payload = mapview.render_payload(build())
    assert _normalised(payload.script) == _normalised(sent["script"])
    assert _normalised(payload.html) == _normalised(sent["html"])
    assert _normalised(payload.map_id) == _normalised(sent["id"])
    assert list(payload.css_links) == sent["css_links"] == [f"{PREFIX}leaflet.css"]
    assert list(payload.js_links) == sent["js_links"] == [f"{PREFIX}leaflet.js"]
    assert ".bcd-legend" in payload.header  # the legend's style, set once with the frame
    view = payload.view
    assert view.count("fitBounds(") == 1 and view.count("L.geoJson(") == 2 and "L.control(" in view
    assert "map_div" in view and "window.feature_group = [" in view  # the layers the next view removes
    assert payload.size == len(payload.script) + len(view) + len(payload.header) + len(payload.html)


def test_the_component_stays_when_only_the_view_changes(monkeypatch) -> None:
    sent: list[dict] = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.append(kwargs))
    for mode in ("rating", "models"):
        mapview.show_payload(mapview.render_payload(build(mode)), key="commune_map")
    assert sent[0]["key"] == sent[1]["key"] and sent[0]["script"] == sent[1]["script"]
    assert sent[0]["feature_group"] != sent[1]["feature_group"]
    without_districts = maps.build_map(communes(), "rating", None, colours=COLOURS, leaflet_prefix=PREFIX)
    mapview.show_payload(mapview.render_payload(without_districts), key="commune_map")
    assert sent[2]["key"] != sent[0]["key"]  # another map (no district pane): a new component


def test_a_map_is_built_once_per_signature() -> None:
    calls: list[str] = []

    def builder(mode: str):
        def make() -> folium.Map:
            calls.append(mode)
            return build(mode)

        return make

    first = mapview.cached_payload(("rating",), builder("rating"))
    again = mapview.cached_payload(("rating",), builder("rating"))
    other = mapview.cached_payload(("models",), builder("models"))
    assert calls == ["rating", "models"]
    assert again is first  # identical arguments: the browser keeps the drawn map
    assert other.view != first.view and other.script == first.script
    mapview.clear_cache()
    mapview.cached_payload(("rating",), builder("rating"))
    assert calls == ["rating", "models", "rating"]


def test_the_cache_is_bounded(monkeypatch) -> None:
    monkeypatch.setattr(mapview, "_CACHE_ENTRIES", 2)
    for mode in maps.MODES:
        mapview.cached_payload((mode,), lambda mode=mode: build(mode))
    assert list(mapview._cache) == [(m,) for m in maps.MODES[-2:]]


def test_frame_digest_follows_the_values() -> None:
    frame = communes().drop(columns="geometry")
    assert mapview.frame_digest(frame) == mapview.frame_digest(frame.copy())
    changed = frame.copy()
    changed.loc[0, "score"] = 12.0
    assert mapview.frame_digest(changed) != mapview.frame_digest(frame)
    assert mapview.frame_digest(frame.rename(columns={"score": "points"})) != mapview.frame_digest(frame)
