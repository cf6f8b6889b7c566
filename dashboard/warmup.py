"""Get the server ready before the first visitor: ``python -m dashboard serve``.

A fresh Python process spends seconds importing pandas, geopandas, folium and Altair, reading
the data and boundary files and compiling folium's templates; with ``streamlit run app.py`` the
first person to open the dashboard after a restart waits for all of it. ``serve`` does that work
first, into the same process caches the pages use, then starts Streamlit on app.py in this
process with the options given after ``serve`` (e.g. ``--server.port 8502``). It also tells
Streamlit from the start that the app builds its own navigation, so the first visitor after a
start gets the page the address names at once.

What is not done here: anything that needs a Streamlit session. In particular streamlit-folium is
not imported: a component declared outside a script run is never registered, and its map would
never load.
"""

from __future__ import annotations

import gc
import importlib
import inspect
import logging
import time

from dashboard.config import PROJECT_ROOT, ConfigError, load_config

logger = logging.getLogger(__name__)

# What the pages import, heaviest first; none of it declares a Streamlit component.
LIBRARIES = (
    "pandas",
    "pyarrow.parquet",
    "pyarrow.compute",
    "pyarrow.csv",
    "geopandas",
    "folium",
    "folium.plugins",
    "altair",
    "babel.numbers",
    "babel.dates",
    "dashboard.report",
    "dashboard.charts",
    "dashboard.maps",
    "dashboard.headlines",
    "dashboard.access",
    # The pages' own modules, all but dashboard.ui.mapview (streamlit-folium: see above).
    "dashboard.ui.shell",
    "dashboard.ui.filters",
    "dashboard.ui.present",
    "dashboard.ui.login",
    "dashboard.ui.profile",
    "dashboard.ui.icon",
    # Imported by Streamlit on the first page icon or label it looks at (a large regex to compile).
    "streamlit.emojis",
    "streamlit.material_icon_names",
    "PIL.Image",  # imported by st.set_page_config for any page icon
)


def warm() -> dict[str, float]:
    """Import, read and render once; seconds spent per step. Never raises: the app reports problems."""
    spent: dict[str, float] = {}
    start = time.perf_counter()
    for name in LIBRARIES:
        importlib.import_module(name)
    from dashboard import fmt

    fmt.preload()
    # inspect.getmodule looks at the file of every module loaded so far the first time it is asked
    # about a frame, and keeps what it saw. Streamlit asks on the first page's first element (is it
    # in a REPL?) and streamlit-folium when it declares its component: ~0.1 s of the first visit.
    inspect.getmodule(inspect.currentframe())
    spent["imports"] = time.perf_counter() - start
    try:
        cfg = load_config()
    except ConfigError:  # the app shows the settings error on screen; nothing to read ahead
        return spent
    try:
        from dashboard import boundaries, loaders, maps

        start = time.perf_counter()
        data = loaders.load_dataset(cfg)
        spent["data"] = time.perf_counter() - start
        start = time.perf_counter()
        bounds = boundaries.load_boundaries(cfg, data.frame("communes"))
        spent["boundaries"] = time.perf_counter() - start
        start = time.perf_counter()
        # Folium compiles each template the first time a map is rendered: one commune and one
        # district outline use them all.
        one, outline = bounds.communes.head(1), bounds.districts.head(1)
        sample = maps.build_map(one, "rating", outline, colours=cfg.rating_colours, leaflet_prefix="")
        sample.get_root().render()
        spent["map templates"] = time.perf_counter() - start
    except Exception:  # a bad file must not stop the server: the pages show it, with its row and column
        logger.exception("Warm-up could not read the data; the dashboard starts anyway")
    return spent


def serve(streamlit_args: list[str]) -> int:
    """Warm up, then run ``streamlit run app.py <streamlit_args>`` in this process."""
    from dashboard import memory

    memory.limit_arenas()  # before the warm-up's and the server's threads exist
    spent = warm()
    # What the warm-up loaded stays for the life of the server. Frozen, it is out of the cyclic
    # garbage collector's sight: a full collection walked all of it, 120–280 ms during the first
    # visitor's page. Objects still go when nothing refers to them; only a cycle among them would
    # stay, and that is at most the first version of the data.
    gc.collect()
    gc.freeze()
    print("Chuẩn bị xong / ready: " + ", ".join(f"{k} {v:.1f} s" for k, v in spent.items()), flush=True)
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    # app.py calls st.navigation on every run, so Streamlit's old pages/ folder mode is never
    # wanted; said before the first run, the first visitor gets no "page not found" and no
    # repeated run (dashboard.ui.shell.leave_folder_mode). A private flag: no public switch.
    PagesManager.uses_pages_directory = False
    return cli.main(["run", str(PROJECT_ROOT / "app.py"), *streamlit_args], prog_name="streamlit")
