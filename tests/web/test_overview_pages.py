"""The overview page (a choropleth and a sortable table of the same figures) and an area's
page, as people see them."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from spacematch.db.models import Area, City
from spacematch.extensions import db
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user


def _html(client, path, status=200):
    r = client.get(path)
    assert r.status_code == status, (path, r.status_code)
    return r.get_data(as_text=True)


def _table_rows(html):
    body = html.split('data-testid="overview-table"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<tr data-area="(\d+)">(.*?)</tr>', body, flags=re.S)


def test_the_overview_shows_every_district_on_the_map_and_in_the_table(client, demo_sqlite_app):
    html = _html(client, "/overview?city=seoul")
    with demo_sqlite_app.app_context():
        districts = db.session.scalars(select(Area.id).join(City).where(
            City.slug == "seoul", Area.level == "district")).all()
    rows = _table_rows(html)
    assert sorted(int(i) for i, _ in rows) == sorted(districts)
    # each area on the map is a link to the same page as its row
    urls = re.findall(r'"url": "(/areas/\d+)"', html)
    assert sorted(urls) == sorted(f"/areas/{i}" for i in districts)
    assert 'aria-sort="descending"' in html and "m² per 1,000 residents" in html
    legend = html.split('data-testid="choropleth-legend"')[1].split("</ul>")[0]
    assert legend.count("sm-swatch") >= 2


def test_the_table_sorts_by_any_column_and_the_measure_switches(client):
    html = _html(client, "/overview?city=seoul&sort=name&order=asc")
    names = [re.search(r'<a href="/areas/\d+">([^<]+)</a>', r).group(1) for _, r in
             _table_rows(html)]
    assert names == sorted(names, key=str.lower)
    assert 'aria-sort="ascending"' in html
    switched = _html(client, "/overview?city=seoul&measure=open_projects")
    nav = switched.split('data-testid="measures"')[1].split("</nav>")[0]
    assert re.search(r'aria-current="true">Open projects<', nav)
    counts = [int(re.findall(r'<td class="text-end">([\d,]+)</td>', r)[2]) for _, r in
              _table_rows(switched)]
    assert counts == sorted(counts, reverse=True)


def test_neighbourhoods_and_another_city(client, demo_sqlite_app):
    with demo_sqlite_app.app_context():
        dongs = db.session.scalar(select(func.count(Area.id)).join(City).where(
            City.slug == "seoul", Area.level == "neighbourhood"))
    assert len(_table_rows(_html(client, "/overview?city=seoul&level=neighbourhood"))) == dongs
    baltimore = _html(client, "/overview?city=baltimore")
    assert "Baltimore" in baltimore and len(_table_rows(baltimore)) > 0


def test_bad_choices_are_a_400_naming_the_field(client):
    for query, field in (("measure=everything", "measure"), ("level=planet", "level"),
                         ("sort=secret", "sort"), ("order=sideways", "order")):
        html = _html(client, f"/overview?city=seoul&{query}", status=400)
        assert f"<strong>{field}</strong>" in html
    assert client.get("/overview?city=atlantis").status_code == 404
    assert client.get("/areas/999999").status_code == 404


def test_an_area_page_lists_its_places_and_links_its_plan(client, demo_sqlite_app):
    with demo_sqlite_app.app_context():
        jongno = db.session.scalar(select(Area.id).where(Area.name == "종로구"))
        owner = create_user(email="o@example.org", password="correct horse battery",
                            role="owner", display_name="O", system=True)
        hostile = '<img src=x onerror="alert(1)">`${1}`'
        create_space(owner, {"title": hostile, "owner_kind": "public", "lon": 126.9687,
                             "lat": 37.5759, "floor_area_m2": 80, "capacity": 30,
                             "status": "listed", "weekly_hours": "mon 09:00-18:00"})
    html = _html(client, f"/areas/{jongno}")
    assert "Jongno-gu" in html
    assert f'/plan?city=seoul&amp;district={jongno}' in html
    assert hostile not in html and "&lt;img src=x" in html
    assert "Sajik-dong" in html  # its neighbourhoods, linked
    korean = client.get(f"/areas/{jongno}", headers={"Accept-Language": "ko"})
    assert "종로구" in korean.get_data(as_text=True)


def test_the_legend_says_each_colours_range_without_overlaps(demo_sqlite_app):
    from spacematch.web.overview import legend

    with demo_sqlite_app.test_request_context(headers={"Accept-Language": "en"}):
        counts = [e["text"] for e in legend("open_projects", [0, 2, 3, 7, 13], False)]
        assert counts == ["0", "1 – 2", "3", "4 – 7", "8 – 13"]
        floor = [e["text"] for e in legend("floor_per_1000", [26.0, 30.6, 283.3], True)]
        assert floor == ["≤ 26.0", "26.0 – 30.6", "30.6 – 283.3", "no residents recorded"]
