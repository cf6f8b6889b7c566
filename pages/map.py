"""Bản đồ xếp loại: communes coloured by rating (or standard, tip-offs, models); click for a profile."""

import streamlit as st

from dashboard import assets, boundaries, maps, report
from dashboard.i18n import t
from dashboard.ui import mapview, profile, shell

MODES = ("rating", "standard", "tipoffs", "models")

ctx = shell.context()
shell.header(ctx, t("page.map"))
cfg = ctx.cfg
bounds = boundaries.load_boundaries(cfg, ctx.data.frame("communes"))

mode = (
    st.segmented_control(
        t("mappage.colour_by"),
        options=MODES,
        format_func=lambda m: t(f"mappage.mode.{m}"),
        default=st.session_state.get("_map_mode", "rating"),
        key="map_mode",
    )
    or "rating"
)
st.session_state["_map_mode"] = mode

shapes = report.map_shapes(bounds.communes, report.map_values(ctx.scope))
if shapes.empty:
    shell.no_data()
    for problem in bounds.problems:
        st.warning(problem.describe())
    st.stop()

focus = None if ctx.sel.whole_province else tuple(shapes.total_bounds)
figure = maps.build_map(
    shapes,
    mode,
    bounds.districts,
    colours=cfg.rating_colours,
    focus=focus,
    tile_url=cfg.tile_url,
    tile_attribution=cfg.tile_attribution,
    leaflet_prefix=assets.ensure_leaflet(),
)

map_col, profile_col = st.columns([3, 2])
with map_col:
    clicked = mapview.show_map(figure, key="commune_map", height=680)
    profile.remember_click(clicked)
    st.caption(t("mappage.click_hint"))
with profile_col:
    code = profile.picker(ctx.communes)
    if code:
        profile.show(ctx, code)
