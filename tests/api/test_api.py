"""The JSON API and its single error envelope."""

from sqlalchemy import func, select

from spacematch.db.models import City, Space
from spacematch.extensions import db


def test_health_names_the_backend(client):
    body = client.get("/api/health").get_json()
    assert body == {"status": "ok", "database": "sqlite"}


def test_cities_list_counts(client, demo_sqlite_app):
    cities = {c["slug"]: c for c in client.get("/api/cities").get_json()["cities"]}
    assert set(cities) == {"seoul", "baltimore"}
    with demo_sqlite_app.app_context():
        n = db.session.scalar(select(func.count(Space.id)).join(City).where(City.slug == "seoul"))
    assert cities["seoul"]["listed_spaces"] == n


def test_spaces_geojson(client):
    doc = client.get("/api/cities/baltimore/spaces").get_json()
    assert doc["type"] == "FeatureCollection"
    lons = [f["geometry"]["coordinates"][0] for f in doc["features"]]
    assert len(lons) > 16000 and all(-76.72 < x < -76.52 for x in lons)


def test_errors_share_one_envelope(client):
    resp = client.get("/api/cities/atlantis/spaces")
    assert resp.status_code == 404
    assert resp.get_json() == {"error": {"code": "not_found",
                                         "message": "No city 'atlantis' has been loaded."}}
    resp = client.get("/api/nothing-here")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
