"""Bản đồ xếp loại: communes coloured by rating (or standard, tip-offs, models); click for a profile."""

import folium
import streamlit as st

from dashboard import assets, fmt, maps, report
from dashboard.i18n import get_language, t
from dashboard.ui import mapview, present, profile, shell

MODES = ("rating", "standard", "tipoffs", "models")

ctx = shell.context()
shell.header(ctx, t("page.map"))
cfg = ctx.cfg
bounds = shell.boundaries_for(ctx)

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

values = report.map_values(ctx.scope)
shapes = report.map_shapes(bounds.communes, values)
if shapes.empty:
    shell.no_data()
    for problem in bounds.problems:
        st.warning(problem.describe())
    st.stop()

focus = None if ctx.sel.whole_province else tuple(shapes.total_bounds)
# Everything the drawn map depends on: while it stays the same, the map is not rendered again.
signature = (
    bounds.path, bounds.mtime, cfg.simplify_tolerance, cfg.boundary_code_column, ctx.data.signature,
    # The scope's key names the values (they are computed from it): no hashing of them per rerun.
    ctx.scope.key if ctx.scope.key is not None else mapview.frame_digest(values), mode, get_language(), focus,
    cfg.tile_url, cfg.tile_attribution, tuple(cfg.rating_colours.items()), ctx.user.districts,
)  # fmt: skip


def build() -> folium.Map:
    return maps.build_map(
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
    clicked = mapview.show_map(build, signature=signature, key="commune_map", height=present.map_height(680))
    profile.remember_click(clicked)
    st.caption(t("mappage.click_hint"))
    if mode == "tipoffs" and cfg.mask_below > 1:
        st.caption(t("mask.note", n=fmt.num(cfg.mask_below - 1), below=fmt.num(cfg.mask_below)))
with profile_col:
    code = profile.picker(ctx.communes)
    if code:
        profile.show(ctx, code)
    else:
        profile.area_summary(shapes, mode, cfg, ctx.area_name)
