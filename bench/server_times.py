"""Server time per rerun, through Streamlit's AppTest: every page of the dashboard, and the naive app.

Run in a fresh process per scale (``python -m bench.server_times SETTINGS``) so "cold" means
cold: nothing loaded, nothing cached. Prints one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from streamlit.testing.v1 import AppTest

from bench import scales
from dashboard.config import PROJECT_ROOT

WARM_RUNS = 3


def _clear() -> None:
    """Forget every process cache the dashboard keeps, as after a restart."""
    import streamlit as st

    from dashboard import boundaries, loaders
    from dashboard.ui import mapview

    loaders.clear_cache()
    boundaries.clear_cache()
    # Also runs on a checkout from before the map cache existed, for before/after figures.
    getattr(mapview, "clear_cache", lambda: None)()
    st.cache_data.clear()


class _PayloadMeter:
    """Wraps streamlit-folium's component call to record the characters of the map it is sent."""

    def __init__(self) -> None:
        import streamlit_folium

        self.last = 0
        self._inner = streamlit_folium._component_func
        streamlit_folium._component_func = self

    def __call__(self, **kwargs):  # the component's own keyword arguments
        self.last = sum(len(kwargs.get(name) or "") for name in ("script", "header", "html", "feature_group"))
        return self._inner(**kwargs)


METER = _PayloadMeter()


def _timed(at: AppTest) -> float:
    start = time.perf_counter()
    at.run()
    ms = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    return ms


def _warm(at: AppTest) -> float:
    return statistics.median(_timed(at) for _ in range(WARM_RUNS))


def _first_district() -> str:
    """The code of a district of the registry: the first by name, as the sidebar lists them."""
    from dashboard.config import load_config
    from dashboard.loaders import load_dataset

    communes = load_dataset(load_config()).frame("communes").dropna(subset=["district_code"])
    return str(communes.sort_values("district_name")["district_code"].iloc[0])


def dashboard_times() -> dict[str, dict[str, float | str]]:
    """Cold and warm rerun of each page; for the map, also a district change (a new map)."""
    from dashboard.registry import PAGES

    out: dict[str, dict[str, float | str]] = {}
    for spec in PAGES:
        try:
            at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=600)
            at.run()
            at.switch_page(spec.file)
            _clear()
            row: dict[str, float | str] = {"cold": _timed(at), "warm": _warm(at)}
            if spec.name == "map":
                row["payload_kb"] = METER.last / 1000
                # The first district in the list: a map never drawn before, then drawn again.
                at.sidebar.multiselect[0].set_value([_first_district()])
                row["district"] = _timed(at)
                row["district_warm"] = _warm(at)
            out[spec.url_path] = row
        except Exception as exc:  # another page's failure must not hide the rest of the table
            out[spec.url_path] = {"error": f"{type(exc).__name__}: {exc}"}
    return out


def naive_times(geo: str, data: str) -> dict[str, float | str]:
    """The baseline app: cold, warm, and a district change."""
    os.environ["BENCH_GEO"], os.environ["BENCH_DATA"] = geo, data
    try:
        at = AppTest.from_file(str(scales.naive_app()), default_timeout=600)
        row: dict[str, float | str] = {"cold": _timed(at), "warm": _warm(at), "payload_kb": METER.last / 1000}
        widget = at.sidebar.multiselect[0]
        widget.set_value([widget.options[0]])
        row["district"] = _timed(at)
        row["district_warm"] = _warm(at)
        return row
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}


def main() -> None:
    """``python -m bench.server_times SETTINGS GEO DATA``: print the timings as JSON."""
    settings, geo, data = sys.argv[1:4]
    os.environ["DASHBOARD_CONFIG"] = settings
    from dashboard.apptest import served_mode

    with served_mode():  # reruns as the served dashboard's, not AppTest's old-style ones
        dashboard = dashboard_times()
    result = {"dashboard": dashboard, "naive": naive_times(geo, data)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
