"""Serves Leaflet from the app's own static folder so maps work with no internet."""

from __future__ import annotations

import filecmp
import mimetypes
import shutil
import threading
from pathlib import Path

import xstatic.pkg.leaflet as xstatic_leaflet

from dashboard.config import PROJECT_ROOT

# Streamlit serves <folder of the main script>/static at <baseUrlPath>/app/static/ (enableStaticServing).
STATIC_DIR = PROJECT_ROOT / "static"
VENDOR_SUBDIR = Path("vendor") / "leaflet"

# The folium map runs inside the streamlit-folium component iframe, whose page is
# <baseUrlPath>/component/streamlit_folium.st_folium/index.html. Going up two levels from there
# reaches the app's root whatever baseUrlPath or reverse-proxy prefix is in use, so a relative
# URL needs no knowledge of the server's settings (an absolute "/app/static/..." breaks under one).
COMPONENT_PREFIX = "../../app/static/vendor/leaflet/"

_FILES = ("leaflet.js", "leaflet.css")
_lock = threading.Lock()


def leaflet_source_dir() -> Path:
    """The folder of the installed xstatic-leaflet package holding leaflet.js, leaflet.css, images/."""
    return Path(xstatic_leaflet.BASE_DIR)


def _register_mime_types() -> None:
    # Streamlit's static route names the Content-Type after Python's mimetypes table and sends
    # "X-Content-Type-Options: nosniff", so a wrong guess blocks the script outright. On Windows that
    # table is read from the registry, where editors sometimes map .js to text/plain: pin the types.
    mimetypes.add_type("text/javascript", ".js")
    mimetypes.add_type("text/css", ".css")
    mimetypes.add_type("image/png", ".png")


def _copy_if_different(source: Path, target: Path) -> None:
    if target.exists() and filecmp.cmp(source, target, shallow=False):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copy next to the target and rename, so a browser never reads a half-written file.
    partial = target.with_name(target.name + ".part")
    shutil.copyfile(source, partial)
    partial.replace(target)


def ensure_leaflet(static_dir: Path | None = None) -> str:
    """Copy Leaflet into ``static_dir``/vendor/leaflet (if missing or changed); return its URL prefix.

    ``static_dir`` defaults to the project's ``static/`` (next to ``app.py``). The prefix is meant
    for maps shown through ``st_folium``: it is relative to the component's iframe.
    """
    _register_mime_types()
    source = leaflet_source_dir()
    target = (static_dir or STATIC_DIR) / VENDOR_SUBDIR
    with _lock:
        for name in _FILES:
            _copy_if_different(source / name, target / name)
        for image in sorted((source / "images").glob("*.png")):
            _copy_if_different(image, target / "images" / image.name)
    return COMPONENT_PREFIX
