"""The browser-tab icon, drawn here: a `:material/…:` page icon would be fetched from a font CDN.

It is an SVG data URL, which Streamlit hands to the browser as it is. A PIL image was encoded to
PNG and stored on every rerun (60 ms on the first one), then fetched by the browser.
"""

from __future__ import annotations

import base64

_SHIELD = "32,3 58,12 55,38 32,61 9,38 6,12"
_STAR = "32,16 36,28 49,28 38,35 42,48 32,40 22,48 26,35 15,28 28,28"
_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">'
    f'<polygon points="{_SHIELD}" fill="#1a5c99"/><polygon points="{_STAR}" fill="#f2c94c"/></svg>'
)
_DATA_URL = "data:image/svg+xml;base64," + base64.b64encode(_SVG.encode("ascii")).decode("ascii")


def favicon() -> str:
    """A blue shield with a gold star, as a data URL."""
    return _DATA_URL
