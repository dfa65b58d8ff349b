"""Folium maps whose every script and stylesheet is served by the app itself (offline).

Their words (layer names, tooltips, popups) are in the page's language: the maps are built
while a page is drawn."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import folium
import numpy as np
import shapely
from flask_babel import gettext as _
from folium.plugins import FastMarkerCluster
from folium.template import Template
from markupsafe import Markup

from .i18n import named
from .why_not import WhyNotLayer

# Folium names each asset it links; map each name to our vendored copy. Assets our maps do not
# use (icon fonts and icon markers: we draw circles and numbered DivIcons) are dropped.
LOCAL_ASSETS = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "jquery": "vendor/jquery/jquery.min.js",
    "bootstrap": "vendor/bootstrap/bootstrap.bundle.min.js",
    "markerclusterjs": "vendor/markercluster/leaflet.markercluster.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "bootstrap_css": "vendor/bootstrap/bootstrap.min.css",
    "markerclustercss": "vendor/markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/markercluster/MarkerCluster.Default.css",
}
DROPPED_ASSETS = {"glyphicons_css", "awesome_rotate_css", "awesome_markers",
                  "awesome_markers_css", "awesome_markers_font_css"}

# Folium's map header adds a viewport tag with maximum-scale=1 and user-scalable=no, which stops
# people from zooming the page (WCAG 1.4.4); the page layout sets its own viewport.
_ZOOM_LOCK = re.compile(r'<meta name="viewport"[^>]*>\s*')

OWNER_COLOURS = {"public": "#1f6feb", "private": "#d97706", "nonprofit": "#15803d"}

# Runs before the map is made, because Leaflet and markercluster read these options when a map
# or a cluster group is created. With reduced motion asked for, zooms and pans jump instead of
# gliding: they have finished when the call that started them returns. The helpers put text
# into tooltips through the DOM (textContent), so names and titles are never parsed as HTML, and
# ``expose`` publishes the page's map as ``window.spacematchMap`` with data-zoom and
# data-map-ready (set once every marker is placed) on its container.
_PAGE_JS = """
window.spacematchMapKit = (function () {
    if (window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches) {
        L.Map.mergeOptions({zoomAnimation: false, fadeAnimation: false,
                            markerZoomAnimation: false, inertia: false});
        if (L.MarkerClusterGroup) { L.MarkerClusterGroup.mergeOptions({animate: false}); }
        var panBy = L.Map.prototype.panBy;
        L.Map.include({panBy: function (offset, options) {
            return panBy.call(this, offset, L.extend({}, options, {animate: false}));
        }});
    }
    function text(value) {
        var div = document.createElement('div');
        div.textContent = value;
        return div;
    }
    function table(properties, fields, labels) {
        var t = document.createElement('table');
        fields.forEach(function (field, i) {
            var row = t.insertRow();
            if (labels) { row.appendChild(document.createElement('th')).textContent = labels[i]; }
            var value = properties[field];
            row.insertCell().textContent = value === null || value === undefined ? '' : value;
        });
        var div = document.createElement('div');
        div.appendChild(t);
        return div;
    }
    function expose(map, layers) {
        var box = map.getContainer();
        var spaces = layers.spaces;
        var ready = spaces ? spaces.loaded : Promise.resolve();
        function showZoom() { box.setAttribute('data-zoom', String(map.getZoom())); }
        map.on('zoomend', showZoom);
        showZoom();
        ready.then(function () { box.setAttribute('data-map-ready', '1'); });
        window.spacematchMap = L.extend({map: map, ready: ready,
                                         markersById: spaces ? spaces.markersById : {}}, layers);
    }
    return {text: text, table: table, expose: expose};
})();
"""

# Builds one circle marker per row [lat, lon, title, owner_kind, m2, capacity, area, id]
# with text set through the DOM, so titles are never parsed as HTML. The line under the
# title is the page's translation with the row's values put in its %(name)s places.
_MARKER_CALLBACK = r"""
function callback(row) {
    var colours = %s;
    var line = %s;
    var m = L.circleMarker(new L.LatLng(row[0], row[1]), {
        radius: 6, weight: 1, color: '#ffffff', fillOpacity: 0.9,
        fillColor: colours[row[3]] || '#6b7280'
    });
    var box = document.createElement('div');
    var t = document.createElement('a'); t.textContent = row[2];
    t.href = '%s'.slice(0, -1) + row[7]; t.style.fontWeight = '600'; box.appendChild(t);
    var p = document.createElement('div');
    var values = {area: row[6], m2: row[4], people: row[5]};
    p.textContent = line.replace(/%%\((\w+)\)s/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
    box.appendChild(p);
    m.bindPopup(box);
    return m;
}
"""

# Neutral cluster bubbles, so cluster colours are not read as owner kinds.
_CLUSTER_ICON = """
function(cluster) {
    var n = cluster.getChildCount();
    var size = n < 50 ? 34 : (n < 300 ? 42 : 50);
    return L.divIcon({html: '<div><span>' + n + '</span></div>', className: 'sm-cluster',
                      iconSize: L.point(size, size)});
}
"""


class SpaceCluster(FastMarkerCluster):
    """Clustered space markers, kept by space id (the rows' last column), that say when all are
    placed: with chunked loading they arrive in slices between frames."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = (function () {
                {{ this.callback }}
                var data = {{ this.data|tojson }};
                var cluster = L.markerClusterGroup({{ this.options|tojavascript }});
                cluster.options.iconCreateFunction = {{ this.icon_create_function.strip() }};
                var markers = [];
                cluster.markersById = {};
                for (var i = 0; i < data.length; i++) {
                    var marker = callback(data[i]);
                    cluster.markersById[data[i][data[i].length - 1]] = marker;
                    markers.push(marker);
                }
                // The last slice is drawn right after chunkProgress reports it; a promise
                // resolved here runs its callbacks only once that drawing is done.
                cluster.loaded = new Promise(function (resolve) {
                    cluster.options.chunkProgress = function (done, total) {
                        if (done === total) { resolve(); }
                    };
                });
                cluster.addTo({{ this._parent.get_name() }});
                cluster.addLayers(markers);
                return cluster;
            })();
        {% endmacro %}""")


class TextTooltip(folium.MacroElement):
    """A tooltip showing ``text`` as text. Folium's Tooltip writes it into a JavaScript template
    literal as HTML, so markup, backticks and ``${...}`` in it would run."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(
                spacematchMapKit.text({{ this.text|tojson }}), {{ this.options|tojavascript }});
        {% endmacro %}""")

    def __init__(self, text: str, sticky: bool = True, permanent: bool = False):
        super().__init__()
        self._name = "TextTooltip"
        self.text = str(text)
        # a permanent one is a label: beside its point, always shown
        self.options = ({"permanent": True, "direction": "right", "offset": [8, 0],
                         "className": "sm-label"} if permanent else {"sticky": sticky})


class FieldsTooltip(folium.GeoJsonTooltip):
    """GeoJsonTooltip that fills its table through the DOM; folium's sets innerHTML from the
    features' properties, so an imported name with markup in it would run."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.bindTooltip(function (layer) {
                return spacematchMapKit.table(layer.feature.properties, {{ this.fields|tojson }},
                                              {{ (this.aliases if this.labels else none)|tojson }});
            }, {{ this.tooltip_options|tojavascript }});
        {% endmacro %}""")


class AreaLabels(folium.MacroElement):
    """Area names written on the map, as text, shown from the zoom at which a typical area
    is wide enough to hold its name (``label_zoom``): context where no basemap is drawn."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            (function (map) {
                // above the areas and the dots drawn on them, below the markers and
                // clusters; clicks go through to what lies under them
                var pane = map.createPane('sm-labels');
                pane.style.zIndex = 450;
                pane.style.pointerEvents = 'none';
                var labels = L.layerGroup();
                {{ this.labels|tojson }}.forEach(function (a) {
                    var icon = L.divIcon({className: 'sm-area-label', iconSize: null,
                                          html: '<span></span>'});
                    var m = L.marker([a[0], a[1]], {icon: icon, interactive: false,
                                                    keyboard: false, pane: 'sm-labels'});
                    m.on('add', function () {
                        var el = m.getElement();
                        el.firstChild.textContent = a[2];
                    });
                    labels.addLayer(m);
                });
                function fit() {
                    if (map.getZoom() >= {{ this.from_zoom }}) { labels.addTo(map); }
                    else { labels.remove(); }
                }
                map.on('zoomend', fit);
                fit();
            })({{ this._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self, labels: list[tuple[float, float, str]], from_zoom: float):
        super().__init__()
        self._name = "AreaLabels"
        self.labels = [[round(lat, 5), round(lon, 5), str(name)] for lat, lon, name in labels]
        self.from_zoom = float(from_zoom)


def label_zoom(shapes, min_px: float = 90) -> float:
    """The zoom at which the median area is ``min_px`` wide on screen (256-pixel tiles)."""
    widths = sorted(max(s.bounds[2] - s.bounds[0], 1e-6) for s in shapes)
    median = widths[len(widths) // 2]
    return round(float(np.log2(min_px * 360 / (256 * median))), 2)


class OpenOnClick(folium.MacroElement):
    """A click on an area opens its page (its ``url`` property, built by the server)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            {{ this._parent.get_name() }}.on('click', function (e) {
                var f = e.layer && e.layer.feature;
                if (f && f.properties.url) { window.location.href = f.properties.url; }
            });
        {% endmacro %}""")

    def __init__(self):
        super().__init__()
        self._name = "OpenOnClick"


class Handle(folium.MacroElement):
    """Publishes the map and its named layers to the page (see ``_PAGE_JS``); added last, so
    every layer exists when it runs."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            spacematchMapKit.expose({{ this._parent.get_name() }},
                                    {{ this.layers|tojavascript }});
        {% endmacro %}""")

    def __init__(self, layers: dict):
        super().__init__()
        self._name = "Handle"
        self.layers = layers


@dataclass(frozen=True)
class MapParts:
    """The pieces of a rendered map for a Jinja page: head links, the div, the script."""

    header: Markup
    html: Markup
    script: Markup


def localise_assets(element, static_url) -> None:
    """Point every asset of ``element`` and its children at the app's static files."""
    for child in [element, *element._children.values()]:
        for attr in ("default_js", "default_css"):
            assets = getattr(child, attr, None)
            if not assets:
                continue
            local = []
            for name, _url in assets:
                if name in DROPPED_ASSETS:
                    continue
                if name not in LOCAL_ASSETS:
                    raise KeyError(f"Folium asset {name!r} has no vendored copy")
                local.append((name, static_url(LOCAL_ASSETS[name])))
            setattr(child, attr, local)
        if child is not element:
            localise_assets(child, static_url)


def base_map(centre, zoom: int, tile_url: str = "", tile_attribution: str = "",
             **options) -> folium.Map:
    """An empty map filling its container; a basemap only where tiles are configured.

    ``maxZoom`` is set on the map itself because, without a tile layer, Leaflet has none and
    marker clustering refuses to start.
    """
    m = folium.Map(location=list(centre), zoom_start=zoom, tiles=None, control_scale=True,
                   height="100%", maxZoom=19, zoomSnap=0.25, **options)
    if tile_url:
        folium.TileLayer(tile_url, attr=tile_attribution or _("map tiles"),
                         name=_("Basemap")).add_to(m)
    return m


def build_city_map(centre, districts, spaces, static_url, tile_url="", tile_attribution="",
                   space_url="/spaces/0", area_url="/areas/0"):
    """A map of a city's districts (base layer; a click opens a district's page) and listed
    spaces (clustered points)."""
    m = base_map(centre, 11, tile_url, tile_attribution, prefer_canvas=True)
    layers = {}
    if districts:
        features = [
            {"type": "Feature",
             "properties": {"name": named(d), "spaces": d["listed_spaces"],
                            "url": area_url[:-1] + str(int(d["id"]))},
             "geometry": json.loads(shapely.to_geojson(
                 shapely.simplify(d["geometry"], 0.0003, preserve_topology=True)))}
            for d in districts
        ]
        layers["districts"] = folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            name=_("Districts"),
            style_function=lambda _f: {"color": "#475569", "weight": 1.2,
                                       "fillColor": "#e2e8f0", "fillOpacity": 0.35},
            highlight_function=lambda _f: {"weight": 2.5, "fillOpacity": 0.5},
            tooltip=FieldsTooltip(fields=["name", "spaces"],
                                  aliases=["", _("listed spaces")]),
        ).add_to(m)
        OpenOnClick().add_to(layers["districts"])
        if not tile_url:  # a basemap names its places itself
            AreaLabels([(p.y, p.x, named(d)) for d, p in
                        ((d, d["geometry"].representative_point()) for d in districts)],
                       label_zoom([d["geometry"] for d in districts])).add_to(m)
        xs = [d["geometry"].bounds for d in districts]
        m.fit_bounds([[min(b[1] for b in xs), min(b[0] for b in xs)],
                      [max(b[3] for b in xs), max(b[2] for b in xs)]])
    if spaces:
        rows = [[s["lat"], s["lon"], s["title"], s["owner_kind"], round(s["floor_area_m2"]),
                 s["capacity"], named({"name": s["area"], "name_en": s.get("area_en")}),
                 s["id"]] for s in spaces]
        line = _("%(area)s · %(m2)s m² · %(people)s people")
        callback = _MARKER_CALLBACK % (json.dumps(OWNER_COLOURS), json.dumps(line), space_url)
        layers["spaces"] = SpaceCluster(
            rows, callback=callback, name=_("Spaces"), icon_create_function=_CLUSTER_ICON,
            options={"chunkedLoading": True, "disableClusteringAtZoom": 16}).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return render_parts(m, static_url, layers)


def render_parts(m: folium.Map, static_url, layers: dict | None = None) -> MapParts:
    """Render ``m`` for a page, publishing it and ``layers`` (name → folium layer)."""
    Handle(layers or {}).add_to(m)
    localise_assets(m, static_url)
    root = m.get_root()
    root.render()
    header = _ZOOM_LOCK.sub("", root.header.render())
    return MapParts(Markup(header), Markup(root.html.render()),
                    Markup(_PAGE_JS + root.script.render()))


def add_outlines(m: folium.Map, outlines: list[dict], labels: bool = True) -> dict:
    """Neighbourhood outlines with their names: context where no basemap is loaded.
    Returns the layer by name, for ``render_parts``."""
    if not outlines:
        return {}
    features = [{"type": "Feature", "properties": {"name": named(o)},
                 "geometry": json.loads(shapely.to_geojson(o["geometry"]))} for o in outlines]
    layer = folium.GeoJson({"type": "FeatureCollection", "features": features}, name=_("Areas"),
                           style_function=lambda _f: {"color": "#94a3b8", "weight": 1,
                                                      "fillColor": "#f1f5f9", "fillOpacity": 0.6},
                           tooltip=FieldsTooltip(fields=["name"], labels=False)).add_to(m)
    if labels:
        AreaLabels([(p.y, p.x, named(o)) for o, p in
                    ((o, o["geometry"].representative_point()) for o in outlines)],
                   label_zoom([o["geometry"] for o in outlines])).add_to(m)
    return {"outlines": layer}


def build_suggestion_map(project_point, radius_m, suggestions, static_url, tile_url="",
                         tile_attribution="", outlines=None, mark_point=True, others=None,
                         why_url="", space_url="/spaces/0", words=None):
    """The project's place (and reach) with its numbered suggestions, and the other listed
    places nearby (``others``), each answering "why not this one?" when clicked."""
    centre = project_point or ((suggestions[0]["lat"], suggestions[0]["lon"]) if suggestions
                               else (0, 0))
    m = base_map(centre, 14, tile_url, tile_attribution)
    layers = add_outlines(m, outlines or [], labels=not tile_url)
    if others and why_url:
        # under the numbered suggestions, which are markers (drawn above vector layers)
        layers["others"] = WhyNotLayer(others, why_url, space_url, words or {}).add_to(m)
    points = []
    if project_point and mark_point:
        folium.CircleMarker(project_point, radius=9, color="#0f3d3e", fill=True,
                            fill_color="#f59e0b", fill_opacity=1, weight=3,
                            ).add_child(TextTooltip(_("Your project"))).add_to(m)
        points.append(project_point)
        if radius_m:
            folium.Circle(project_point, radius=radius_m, color="#0f3d3e", weight=1.5,
                          fill=False, dash_array="6 6",
                          ).add_child(TextTooltip(_("your maximum distance"))).add_to(m)
            dlat = radius_m / 111_000
            dlon = dlat / max(np.cos(np.radians(project_point[0])), 0.1)
            points += [(project_point[0] - dlat, project_point[1] - dlon),
                       (project_point[0] + dlat, project_point[1] + dlon)]
    for rank, s in enumerate(suggestions, start=1):
        folium.Marker(
            (s["lat"], s["lon"]),
            icon=folium.DivIcon(html=f'<div class="sm-rank">{int(rank)}</div>',
                                icon_size=(26, 26), icon_anchor=(13, 13)),
        ).add_child(TextTooltip(f"{rank}. {s['title']}")).add_to(m)
        points.append((s["lat"], s["lon"]))
    if len(points) > 1:
        lats, lons = [p[0] for p in points], [p[1] for p in points]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30))
    return render_parts(m, static_url, layers)


STOP_STYLES = {"subway": {"radius": 7, "color": "#ffffff", "fill_color": "#7c3aed"},
               "bus": {"radius": 5, "color": "#ffffff", "fill_color": "#0e7490"}}


def build_point_map(lat, lon, static_url, tile_url="", tile_attribution="", outlines=None,
                    stops=None, title=""):
    """A place where it stands, 500 m around it, and its nearest subway station and bus stop
    labelled with their names and distances; zoomed to show them all where they are near."""
    m = base_map((lat, lon), 16, tile_url, tile_attribution)
    layers = add_outlines(m, outlines or [], labels=not tile_url)
    folium.Circle((lat, lon), radius=500, color="#475569", weight=1, fill=False,
                  dash_array="4 6").add_child(TextTooltip(_("500 m around"))).add_to(m)
    dlat = 500 / 111_000  # the 500 m circle is always in view
    dlon = dlat / max(np.cos(np.radians(lat)), 0.1)
    points = [(lat - dlat, lon - dlon), (lat + dlat, lon + dlon)]
    for stop in stops or []:
        label = _("%(name)s · %(metres)s m", name=named(stop), metres=stop["distance_m"])
        folium.CircleMarker((stop["lat"], stop["lon"]), weight=2, fill=True, fill_opacity=1,
                            **STOP_STYLES[stop["kind"]]
                            ).add_child(TextTooltip(label, permanent=True)).add_to(m)
        if stop["distance_m"] <= 1500:  # farther ones are named, but not worth the zoom
            points.append((stop["lat"], stop["lon"]))
    folium.CircleMarker((lat, lon), radius=9, color="#ffffff", weight=2, fill=True,
                        fill_color="#1f6feb", fill_opacity=1,
                        ).add_child(TextTooltip(title or _("This place"))).add_to(m)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(40, 40))
    return render_parts(m, static_url, layers)


def build_pair_map(place_point, project_point, place_title, project_title, static_url,
                   tile_url="", tile_attribution="", outlines=None):
    """A pairing: the place, and the project's preferred location when it has one, among
    the named areas around them."""
    m = base_map(place_point, 15, tile_url, tile_attribution)
    layers = add_outlines(m, outlines or [], labels=not tile_url)
    folium.CircleMarker(place_point, radius=9, color="#ffffff", weight=2, fill=True,
                        fill_color="#1f6feb", fill_opacity=1,
                        ).add_child(TextTooltip(place_title)).add_to(m)
    if project_point:
        tooltip = TextTooltip(_("Project: %(title)s", title=project_title))
        folium.CircleMarker(project_point, radius=9, color="#0f3d3e", fill=True,
                            fill_color="#f59e0b", fill_opacity=1, weight=3,
                            ).add_child(tooltip).add_to(m)
        lats, lons = (place_point[0], project_point[0]), (place_point[1], project_point[1])
        # at least 300 m around the place: neighbours close together are not a street view
        dlat = 300 / 111_000
        dlon = dlat / max(np.cos(np.radians(place_point[0])), 0.1)
        lats += (place_point[0] - dlat, place_point[0] + dlat)
        lons += (place_point[1] - dlon, place_point[1] + dlon)
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(40, 40))
    return render_parts(m, static_url, layers)


def build_picker_map(centre, static_url, tile_url="", tile_attribution="", outlines=None):
    """A map to click a place on (the page's script listens); neighbourhood outlines with
    their names stand in for a basemap offline."""
    m = base_map(centre, 12, tile_url, tile_attribution)
    layers = add_outlines(m, outlines or [], labels=not tile_url)
    return render_parts(m, static_url, layers)
