"""The project map's other listed places: each answers "why not this one?" when clicked,
from the API's explanation of that place for that project (its failed constraints and their
numbers, or its score where it fits after all). Every text goes in as text, never as HTML."""

from __future__ import annotations

import folium
from folium.template import Template


class WhyNotLayer(folium.MacroElement):
    """``rows``: dicts with space_id, title, lat, lon. ``why_url`` and ``space_url`` end in
    0, replaced by the space's id. ``words``: the popup's texts in the page's language."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var rows = {{ this.rows|tojson }}, words = {{ this.words|tojson }};
            var whyUrl = {{ this.why_url|tojson }}, spaceUrl = {{ this.space_url|tojson }};
            var ko = words.lang === 'ko', layer = L.featureGroup();
            layer.markersById = {};
            function el(tag, text, cls) {
                var e = document.createElement(tag);
                if (text !== undefined) { e.textContent = text; }
                if (cls) { e.className = cls; }
                return e;
            }
            function line(l) {
                var li = el('li');
                li.appendChild(el('strong', (words.criteria[l.criterion] || l.criterion) + ': '));
                li.appendChild(document.createTextNode(ko ? (l.ko || l.en) : (l.en || l.ko)));
                li.setAttribute('data-criterion', l.criterion);
                return li;
            }
            function explain(marker, row) {
                var box = el('div', undefined, 'sm-why');
                var link = el('a', row.title);
                link.href = spaceUrl.slice(0, -1) + row.space_id;
                link.className = 'fw-semibold';
                box.appendChild(link);
                var status = el('div', words.loading, 'small mt-1');
                box.appendChild(status);
                marker.bindPopup(box, {maxWidth: 320}).openPopup();
                fetch(whyUrl.slice(0, -1) + row.space_id,
                      {headers: {Accept: 'application/json'}, credentials: 'same-origin'})
                    .then(function (r) { if (!r.ok) { throw r.status; } return r.json(); })
                    .then(function (d) {
                        status.textContent = d.passes
                            ? words.fits.replace('%(score)s', String(Math.round(d.score * 100)))
                            : words.why_not;
                        var list = el('ul', undefined, 'small ps-3 mb-0');
                        (d.passes ? d.explanation : d.why_not).forEach(function (l) {
                            list.appendChild(line(l));
                        });
                        box.appendChild(list);
                        box.setAttribute('data-why-ready', d.passes ? 'fits' : 'fails');
                        marker.getPopup().update();
                    })
                    .catch(function () {
                        status.textContent = words.failed;
                        box.setAttribute('data-why-ready', 'error');
                    });
            }
            rows.forEach(function (row) {
                var m = L.circleMarker([row.lat, row.lon], {
                    radius: 6, weight: 2, color: '#334155', fillColor: '#ffffff',
                    fillOpacity: 1});
                m.bindTooltip(spacematchMapKit.text(row.title));
                m.on('click', function () { explain(m, row); });
                layer.markersById[row.space_id] = m;
                layer.addLayer(m);
            });
            return layer.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}""")

    def __init__(self, rows: list[dict], why_url: str, space_url: str, words: dict):
        super().__init__()
        self._name = "WhyNotLayer"
        self.rows = [{"space_id": int(r["space_id"]), "title": str(r["title"]),
                      "lat": round(float(r["lat"]), 6), "lon": round(float(r["lon"]), 6)}
                     for r in rows]
        self.why_url, self.space_url, self.words = why_url, space_url, words
