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
    sent: dict = {}
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kwargs: sent.update(kwargs))
    streamlit_folium.st_folium(build(), key="k", returned_objects=["last_active_drawing"])
    payload = mapview.render_payload(build())
    assert _normalised(payload.script) == _normalised(sent["script"])
    assert _normalised(payload.header) == _normalised(sent["header"])
    assert _normalised(payload.html) == _normalised(sent["html"])
    assert _normalised(payload.map_id) == _normalised(sent["id"])
    assert list(payload.css_links) == sent["css_links"] == [f"{PREFIX}leaflet.css"]
    assert list(payload.js_links) == sent["js_links"] == [f"{PREFIX}leaflet.js"]
    assert payload.size == len(payload.script) + len(payload.header) + len(payload.html)


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
    assert other.script != first.script
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
