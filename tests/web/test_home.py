"""The home page: counts from the database, a map of the spaces, nothing from a CDN."""

import re
from urllib.parse import urlparse

from sqlalchemy import func, select

from spacematch.db.models import City, Project, Space
from spacematch.extensions import db

ASSET = re.compile(r'(?:src|href)="([^"]+)"')


def _listed(app, slug):
    with app.app_context():
        return db.session.scalar(select(func.count(Space.id)).join(City)
                                 .where(City.slug == slug, Space.status == "listed"))


def test_home_shows_counts_and_a_map_of_the_first_city(client, demo_sqlite_app):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    with demo_sqlite_app.app_context():
        open_projects = db.session.scalar(select(func.count(Project.id)).join(City).where(
            City.slug == "seoul", Project.status == "open"))
    assert f'data-testid="listed-spaces">{_listed(demo_sqlite_app, "seoul"):,}<' in html
    assert f'data-testid="open-projects">{open_projects:,}<' in html
    assert "L.markerClusterGroup" in html and "class=\"folium-map\"" in html
    assert html.count("var data = ") == 1
    assert "Seoul" in html and "서울특별시" not in html.split("<main")[1].split("<script")[0]
    korean = client.get("/", headers={"Accept-Language": "ko"}).get_data(as_text=True)
    assert "서울특별시" in korean


def test_city_switch_and_unknown_city(client, demo_sqlite_app):
    html = client.get("/?city=baltimore").get_data(as_text=True)
    assert f'data-testid="listed-spaces">{_listed(demo_sqlite_app, "baltimore"):,}<' in html
    missing = client.get("/?city=atlantis")
    assert missing.status_code == 404
    assert "No city &#39;atlantis&#39; has been loaded" in missing.get_data(as_text=True)


def test_every_asset_is_served_by_the_app(client):
    html = client.get("/").get_data(as_text=True)
    # the language switch is a link to a page, not an asset
    urls = {u for u in ASSET.findall(html) if not u.startswith("/language/")}
    assert urls, "the page links no assets?"
    external = [u for u in urls if urlparse(u).netloc]
    assert external == []
    css_refs = set()
    for url in urls:
        resp = client.get(url)
        assert resp.status_code == 200, url
        if url.endswith(".css"):
            base = url.rsplit("/", 1)[0]
            for ref in re.findall(r"url\(['\"]?([^'\")]+)['\"]?\)", resp.get_data(as_text=True)):
                if not ref.startswith(("data:", "#")):
                    assert not urlparse(ref).netloc, f"{url} loads {ref}"
                    css_refs.add(f"{base}/{ref.split('?')[0].split('#')[0]}")
        resp.close()
    for ref in css_refs:
        resp = client.get(ref)
        assert resp.status_code == 200, ref
        resp.close()


def test_empty_database_explains_how_to_load_data(app):
    html = app.test_client().get("/").get_data(as_text=True)
    assert "No city loaded yet" in html and "spacematch load-reference" in html


def test_database_without_schema_says_to_run_init_db(tmp_path):
    from spacematch import create_app

    app = create_app({"SPACEMATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite'}",
                      "TESTING": True})
    page = app.test_client().get("/")
    assert page.status_code == 503
    assert "spacematch init-db" in page.get_data(as_text=True)
    api = app.test_client().get("/api/cities")
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "database_not_ready"


def test_text_from_people_and_imports_never_reaches_a_page_as_markup(client, demo_sqlite_app):
    from ..browser.hostile import AREA_NAME, PAYLOAD, store_hostile_text

    stored = store_hostile_text(demo_sqlite_app)
    for url in ["/?city=seoul", f"/spaces/{stored.space_id}", f"/projects/{stored.project_id}"]:
        resp = client.get(url)
        assert resp.status_code == 200, url
        html = resp.get_data(as_text=True)
        assert "alert(1)" in html, f"{url} should show the title"
        assert PAYLOAD not in html, url
        assert AREA_NAME not in html, url
        assert "<img src=x" not in html, url


def test_the_map_names_every_district_from_the_zoom_at_which_names_fit(client,
                                                                       demo_sqlite_app):
    import json

    from spacematch.db.models import Area

    html = client.get("/?city=seoul").get_data(as_text=True)
    found = re.search(r"map\.getZoom\(\) >= ([\d.]+)", html)
    labels = json.loads(re.search(r"var labels = L\.layerGroup\(\);\s*(\[.*?\])\.forEach",
                                  html, re.S).group(1))
    with demo_sqlite_app.app_context():
        districts = db.session.execute(select(Area.name_en).join(City).where(
            City.slug == "seoul", Area.level == "district")).scalars().all()
    assert sorted(name for _, _, name in labels) == sorted(districts)  # in English, each once
    # Seoul's districts (~5 km across) hold a name from about zoom 10.5: the city's view
    assert found and 9.5 < float(found.group(1)) < 11.5
    for lat, lon, _ in labels:
        assert 37.4 < lat < 37.7 and 126.7 < lon < 127.2
