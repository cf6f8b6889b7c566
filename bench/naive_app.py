"""The baseline: the commune map as a user would first write it, with folium and st_folium.

Reads the same boundaries and tables as the dashboard (paths from BENCH_GEO and BENCH_DATA), caches
the file reads like any sensible app, and hands the whole GeoDataFrame to folium on every rerun.
The only change from the textbook version: Leaflet comes from the locally served copy, as the
benchmark runs offline (folium's CDN URLs cannot load there).
"""

from __future__ import annotations

import os
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.assets import ensure_leaflet

GEO = os.environ["BENCH_GEO"]
DATA = Path(os.environ["BENCH_DATA"])
COLOURS = {"Xuất sắc": "#1a5c99", "Khá": "#6baed6", "Trung bình": "#fdae6b", "Yếu": "#e6550d"}


@st.cache_data
def load() -> gpd.GeoDataFrame:
    """Boundaries joined to the registry and the latest year's ratings."""
    shapes = gpd.read_parquet(GEO) if GEO.endswith(".parquet") else gpd.read_file(GEO)
    communes = pd.read_csv(DATA / "communes.csv", dtype=str)
    ratings = pd.read_csv(DATA / "ratings.csv", dtype={"commune_code": str})
    latest = ratings[ratings["year"] == ratings["year"].max()][["commune_code", "rating", "score"]]
    merged = (
        shapes[["commune_code", "geometry"]]
        .merge(communes, on="commune_code")
        .merge(latest, on="commune_code", how="left")
    )
    return merged[["commune_code", "commune_name", "district_name", "rating", "score", "geometry"]]


st.set_page_config(layout="wide")
# Streamlit serves the static/ folder next to the main script; Leaflet is copied there.
prefix = ensure_leaflet(Path(__file__).parent / "static")
frame = load()
chosen = st.sidebar.multiselect("Huyện", sorted(frame["district_name"].dropna().unique()))
shown = frame[frame["district_name"].isin(chosen)] if chosen else frame
minx, miny, maxx, maxy = shown.total_bounds
m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=9, tiles=None)
m.default_js = [("leaflet", f"{prefix}leaflet.js")]
m.default_css = [("leaflet_css", f"{prefix}leaflet.css")]
folium.GeoJson(
    shown,
    style_function=lambda f: {
        "fillColor": COLOURS.get(f["properties"]["rating"], "#d4d4d4"),
        "fillOpacity": 0.85,
        "color": "#ffffff",
        "weight": 1,
    },
    tooltip=folium.GeoJsonTooltip(["commune_name", "district_name", "rating", "score"]),
).add_to(m)
m.fit_bounds([[miny, minx], [maxy, maxx]])
st_folium(m, key="map", height=680, use_container_width=True)
