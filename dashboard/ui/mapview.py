"""Shows a folium map in Streamlit and hands back the commune the user clicked."""

from __future__ import annotations

import folium
from streamlit_folium import st_folium

# Only the clicked feature comes back: panning or zooming changes nothing we return, so the
# component does not rerun the app (every rerun costs a full re-render of the map, see PERF_NOTES).
_RETURNED = ["last_active_drawing"]


def clicked_code(result: dict | None) -> str | None:
    """The commune_code of the feature in an st_folium result, or None."""
    feature = (result or {}).get("last_active_drawing") or {}
    props = feature.get("properties") or {}
    code = props.get("code") or feature.get("id")
    return str(code) if code else None


def show_map(m: folium.Map, *, key: str, height: int = 640) -> str | None:
    """Render ``m`` full width and return the code of the last clicked commune (None until a click).

    The click sticks until another commune is clicked or the map itself changes (new mode or
    filter: st_folium then mounts a fresh component and forgets the old click).
    """
    result = st_folium(
        m,
        key=key,
        height=height,
        use_container_width=True,
        returned_objects=_RETURNED,
    )
    return clicked_code(result)
