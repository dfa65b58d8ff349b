"""The map's points by view: counts per screen cell for a whole city, each space up close;
every listed space counted once, none outside the view."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from spacematch.db.models import City, Space, User
from spacematch.extensions import db
from spacematch.services import points as service

BALTIMORE = "-76.72,39.19,-76.52,39.38"


def _listed(app, slug):
    with app.app_context():
        return db.session.scalar(select(func.count(Space.id)).join(City)
                                 .where(City.slug == slug, Space.status == "listed"))


def _first_seoul_space(app) -> dict:
    """The first listed space of Seoul: its id, place, title, kind and owner."""
    with app.app_context():
        space = db.session.scalars(select(Space).join(City).where(
            City.slug == "seoul", Space.status == "listed").order_by(Space.id)).first()
        lon, lat = db.session.execute(select(func.ST_X(Space.location),
                                             func.ST_Y(Space.location))
                                      .where(Space.id == space.id)).one()
        return {"id": space.id, "lon": lon, "lat": lat, "title": space.title,
                "kind": space.owner_kind, "owner": db.session.get(User, space.owner_id)}


def test_a_whole_city_comes_as_counts_that_add_up_to_every_listed_space(client,
                                                                        demo_sqlite_app):
    body = client.get(f"/api/cities/baltimore/points?bbox={BALTIMORE}&zoom=11").get_json()
    listed = _listed(demo_sqlite_app, "baltimore")
    assert listed > service.DETAIL_MAX  # too many to draw one by one
    assert body["total"] == listed
    assert sum(n for _, _, n in body["clusters"]) + len(body["points"]) == listed
    assert all(n > 1 for _, _, n in body["clusters"]) and len(body["clusters"]) < 400
    for lat, lon, *_ in body["clusters"] + body["points"]:
        assert 39.19 <= lat <= 39.38 and -76.72 <= lon <= -76.52
    closer = client.get(f"/api/cities/baltimore/points?bbox={BALTIMORE}&zoom=13").get_json()
    assert len(closer["clusters"]) > len(body["clusters"])  # cells shrink as the map zooms


def test_up_close_each_space_comes_with_what_its_popup_says(client, demo_sqlite_app):
    space = _first_seoul_space(demo_sqlite_app)
    lon, lat, title, kind = space["lon"], space["lat"], space["title"], space["kind"]
    box = f"{lon - 0.002},{lat - 0.002},{lon + 0.002},{lat + 0.002}"
    body = client.get(f"/api/cities/seoul/points?bbox={box}&zoom=17").get_json()
    assert body["clusters"] == [] and body["total"] == len(body["points"]) >= 1
    mine = next(p for p in body["points"] if p[3] == space["id"])
    assert mine[:2] == [round(lat, 5), round(lon, 5)] and mine[4] == title
    assert body["kinds"][mine[2]] == kind
    for p in body["points"]:
        assert lat - 0.002 <= p[0] <= lat + 0.002 and lon - 0.002 <= p[1] <= lon + 0.002


@pytest.mark.parametrize(("query", "field"), [
    ("bbox=1,2,3&zoom=11", "bbox"), ("bbox=a,b,c,d&zoom=11", "bbox"),
    ("bbox=127,37,126,38&zoom=11", "bbox"), ("bbox=nan,1,2,3&zoom=11", "bbox"),
    (f"bbox={BALTIMORE}", "zoom"),
    (f"bbox={BALTIMORE}&zoom=99", "zoom"), (f"bbox={BALTIMORE}&zoom=nan", "zoom"),
])
def test_a_bad_view_is_a_400_naming_the_field(client, query, field):
    answer = client.get(f"/api/cities/baltimore/points?{query}")
    assert answer.status_code == 400
    assert [f["field"] for f in answer.get_json()["error"]["fields"]] == [field]


def test_a_view_past_the_edges_of_the_world_is_the_world(client, demo_sqlite_app):
    body = client.get("/api/cities/baltimore/points?bbox=-400,-100,400,100&zoom=2").get_json()
    assert body["total"] == _listed(demo_sqlite_app, "baltimore")


def test_a_changed_place_is_in_the_next_answer(client, demo_sqlite_app):
    from spacematch.services.spaces import update_space

    space = _first_seoul_space(demo_sqlite_app)
    lon, lat, owner, space_id = space["lon"], space["lat"], space["owner"], space["id"]
    url = (f"/api/cities/seoul/points?bbox={lon - 0.001},{lat - 0.001},{lon + 0.001},"
           f"{lat + 0.001}&zoom=17")
    before = client.get(url).get_json()
    assert space_id in [p[3] for p in before["points"]]
    with demo_sqlite_app.app_context():
        update_space(owner, space_id, {"title": "새 이름"})
        db.session.remove()
    after = client.get(url).get_json()
    assert after["version"] > before["version"]
    assert next(p for p in after["points"] if p[3] == space_id)[4] == "새 이름"
    with demo_sqlite_app.app_context():
        update_space(owner, space_id, {"status": "paused"})
        db.session.remove()
    assert space_id not in [p[3] for p in client.get(url).get_json()["points"]]


def test_points_are_revalidated_with_the_catalogue_version(client):
    url = f"/api/cities/baltimore/points?bbox={BALTIMORE}&zoom=12"
    first = client.get(url, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"],
                                     "Accept-Encoding": "br"})
    assert again.status_code == 304
