"""The overview's map: areas coloured by one measure, each a link to its page."""

from __future__ import annotations

import json

import folium
import shapely

from ..domain.classes import class_of
from .maps import FieldsTooltip, OpenOnClick, TextTooltip, base_map, render_parts

# light to dark, readable on white; grey (with a pattern in the legend) for no figure
PALETTE = ("#eff6ff", "#bfdbfe", "#60a5fa", "#2563eb", "#1e3a8a")
MISSING = "#d1d5db"


def colour_of(value, breaks) -> str:
    k = class_of(value, breaks)
    if k is None:
        return MISSING
    # spread fewer classes over the whole palette, lightest to darkest
    if len(breaks) == 1:
        return PALETTE[-1]
    return PALETTE[round(k * (len(PALETTE) - 1) / (len(breaks) - 1))]


def build_overview_map(areas: list[dict], breaks, static_url, tile_url="",
                       tile_attribution=""):
    """``areas``: dicts with ``geometry``, ``label`` (name shown), ``value``, ``value_text``
    and ``url``."""
    features = []
    for a in areas:
        if a["geometry"] is None:
            continue
        features.append({"type": "Feature",
                         "properties": {"name": a["label"], "value": a["value_text"],
                                        "url": a["url"],
                                        "fill": colour_of(a["value"], breaks)},
                         "geometry": json.loads(shapely.to_geojson(a["geometry"]))})
    bounds = shapely.total_bounds([a["geometry"] for a in areas if a["geometry"] is not None])
    centre = ((bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2) if features else (0, 0)
    m = base_map(centre, 11, tile_url, tile_attribution)
    layer = folium.GeoJson(
        {"type": "FeatureCollection", "features": features}, name="Areas",
        style_function=lambda f: {"color": "#334155", "weight": 1,
                                  "fillColor": f["properties"]["fill"], "fillOpacity": 0.8},
        highlight_function=lambda _f: {"weight": 3, "color": "#0f172a"},
        tooltip=FieldsTooltip(fields=["name", "value"], labels=False),
    ).add_to(m)
    OpenOnClick().add_to(layer)
    if features:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return render_parts(m, static_url, {"areas": layer})


def build_area_map(outline, spaces: list[dict], static_url, tile_url="", tile_attribution=""):
    """One area's outline and the places listed in it."""
    c = outline.centroid
    m = base_map((c.y, c.x), 14, tile_url, tile_attribution)
    folium.GeoJson(json.loads(shapely.to_geojson(outline)), name="Area",
                   style_function=lambda _f: {"color": "#1e3a8a", "weight": 2,
                                              "fillColor": "#bfdbfe", "fillOpacity": 0.3},
                   ).add_to(m)
    for s in spaces:
        folium.CircleMarker((s["lat"], s["lon"]), radius=7, color="#ffffff", weight=2,
                            fill=True, fill_color="#1f6feb", fill_opacity=1,
                            ).add_child(TextTooltip(s["title"])).add_to(m)
    b = outline.bounds
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return render_parts(m, static_url)
