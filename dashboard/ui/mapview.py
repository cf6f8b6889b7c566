"""Shows a folium map in Streamlit, rendered once per distinct map, and hands back the clicked commune.

``st_folium`` renders the whole map (every coordinate through JSON and Jinja) two or three times
on every rerun, then walks every coordinate in pure Python for bounds we never return: at province
scale that is most of a rerun, and it happens even when only an unrelated widget changed (see
/work/shared/PERF_NOTES.md). Here the component's arguments are computed once per *signature* (the
boundaries, the values shown, the mode, the language, the view) and kept in a small process-wide
cache, so a rerun that shows the same map costs a dictionary lookup, and the browser receives
byte-identical arguments, so the component does not redraw. A map that differs only in what it
shows (another district, mode or language) is drawn in the component's existing map, through
st_folium's ``feature_group`` argument, not in a new frame.

The arguments are built with streamlit-folium's own helpers (pinned in requirements.txt);
tests/test_mapview.py checks they match what ``st_folium`` itself sends.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import folium
import pandas as pd
import streamlit as st
import streamlit_folium

from dashboard import maps, memory

# Only the clicked feature and the component's count of clicks come back: panning or zooming
# changes nothing we return, so it does not rerun the app. The component sends a value only when
# it differs from the last one: without the count, a second click on the same commune would not
# reach Python (after the profile was switched to another commune through the list, say).
_RETURNED = ["last_active_drawing", "last_object_clicked_count"]
# A few maps per process: modes × a handful of districts in a meeting. Bounded by size as well,
# because a country map is several MB of script.
_CACHE_ENTRIES = 32
_CACHE_CHARS = 60_000_000


@dataclass(frozen=True)
class Payload:
    """What the st_folium component needs to draw one map: the same for every rerun that shows it."""

    script: str  # the map itself: Leaflet's map, the decoder, the district pane, tiles
    view: str  # what is drawn on it (maps.view_script): the fitted view, the layers, the legend
    header: str
    html: str
    map_id: str
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]
    digest: str  # of the map itself; names the component, so only a different map mounts a new one

    @property
    def size(self) -> int:
        """Characters sent to the browser for this map."""
        return len(self.script) + len(self.view) + len(self.header) + len(self.html)


@dataclass(frozen=True)
class Click:
    """A click on a commune: its code, and what tells this click from the others on the same map."""

    code: str
    token: tuple[str, int]  # the component's key and its running count of clicks


_cache: OrderedDict[Hashable, Payload] = OrderedDict()
_lock = threading.Lock()


def clicked_code(result: dict | None) -> str | None:
    """The commune_code of the feature in an st_folium result, or None."""
    feature = (result or {}).get("last_active_drawing") or {}
    props = feature.get("properties") or {}
    code = props.get("code") or feature.get("id")
    return str(code) if code else None


def frame_digest(frame: pd.DataFrame) -> str:
    """A short digest of a frame's values, for cache keys (a few ms for a country's communes)."""
    hashed = pd.util.hash_pandas_object(frame.astype("string"), index=False)
    return hashlib.sha1(hashed.to_numpy().tobytes() + ",".join(map(str, frame.columns)).encode()).hexdigest()


def render_payload(m: folium.Map) -> Payload:
    """The component arguments for ``m``, rendered once (st_folium renders the map twice more).

    The map itself and its view are sent apart (see Payload): a new area, mode or language changes
    only the view, which the component draws in the map it has, where a new map would load a new
    frame (Leaflet included) and cost the browser ~0.5 s more.

    Alters ``m`` (its view elements are taken off, streamlit-folium renames the rest), so render a
    map only once.
    """
    m.get_root().render()  # the page's header: the Leaflet links, the legend's style
    view = [(name, child) for name, child in m._children.items() if isinstance(child, maps.VIEW_ELEMENTS)]
    for name, _ in view:
        del m._children[name]
    # The order is st_folium's: _get_map_string renames the map ("map_div"), which the id and the
    # view's scripts then name.
    html = streamlit_folium._get_html(m)
    header = streamlit_folium._get_header(m)
    script = streamlit_folium._get_map_string(m)
    map_id = streamlit_folium.get_full_id(m)
    drawn = maps.view_script([child for _, child in view])
    css = tuple(dict.fromkeys(href for _, href in getattr(m, "default_css", [])))
    js = tuple(dict.fromkeys(src for _, src in getattr(m, "default_js", [])))
    # st_folium hashes the script with a regex pass on every rerun: once per map is enough. The
    # regex drops folium's random ids, as st_folium's hash does.
    digest = streamlit_folium.generate_js_hash("\n".join((script, header, html, *css, *js)), None, False)
    return Payload(script, drawn, header, html, map_id, css, js, digest)


def cached_payload(signature: Hashable, build: Callable[[], folium.Map]) -> Payload:
    """The payload of the map ``build()`` makes, built only the first time ``signature`` is seen."""
    with _lock:
        if signature in _cache:
            _cache.move_to_end(signature)
            return _cache[signature]
    # Built outside the lock: a country map takes a second and other sessions should not wait on it.
    payload = render_payload(build())
    memory.release()  # a country's map allocates ~150 MB of temporaries while it is rendered
    with _lock:
        _cache[signature] = payload
        _cache.move_to_end(signature)
        while len(_cache) > _CACHE_ENTRIES or (
            len(_cache) > 1 and sum(p.size for p in _cache.values()) > _CACHE_CHARS
        ):
            _cache.popitem(last=False)
    return payload


def clear_cache() -> None:
    """Forget every rendered map (tests, benchmarks)."""
    with _lock:
        _cache.clear()


def show_payload(payload: Payload, *, key: str, height: int = 640) -> Click | None:
    """Draw ``payload`` full width and return the last click on a commune (None until a click).

    The component is named after the map itself, so a new area, mode or language keeps it and
    redraws only the view; the last click sticks until the next one, which has another token even
    on the same commune (the profile takes each click once: dashboard.ui.profile.remember_click).
    """
    hash_key = hashlib.sha256(f"{payload.digest}:{key}".encode()).hexdigest()

    def on_change() -> None:  # what st_folium does: mirror the value under the caller's key
        st.session_state[key] = st.session_state.get(hash_key, {})

    result = streamlit_folium._component_func(
        script=payload.script,
        header=payload.header,
        html=payload.html,
        id=payload.map_id,
        key=hash_key,
        height=height,
        width=None,  # full container width
        returned_objects=_RETURNED,
        default={name: None for name in _RETURNED},
        zoom=None,
        center=None,
        feature_group=payload.view,  # drawn in the map the frame has; replaced when it changes
        return_on_hover=False,
        layer_control=None,
        pixelated=False,
        css_links=list(payload.css_links),
        js_links=list(payload.js_links),
        on_change=on_change,
        wrap_longitude=False,
    )
    code = clicked_code(result)
    return Click(code, (hash_key, int(result.get("last_object_clicked_count") or 0))) if code else None


def show_map(
    build: Callable[[], folium.Map], *, signature: Hashable, key: str, height: int = 640
) -> Click | None:
    """Draw the map ``build()`` makes (called only for a new ``signature``); return the last click.

    ``signature`` must change whenever the map would: boundaries, values, mode, language, view.
    """
    return show_payload(cached_payload(signature, build), key=key, height=height)
