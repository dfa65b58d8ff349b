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


def test_suggestions_api(client):
    body = client.get("/api/projects/1/suggestions?k=3").get_json()
    assert body["project"]["id"] == 1 and 1 <= len(body["suggestions"]) <= 3
    first = body["suggestions"][0]
    assert {"space_id", "title", "score", "lon", "lat", "explanation"} <= set(first)
    pair = client.get(f"/api/projects/1/spaces/{first['space_id']}").get_json()
    assert pair["passes"] and abs(pair["score"] - first["score"]) < 1e-12


def test_bad_query_parameters_name_the_field(client):
    resp = client.get("/api/projects/1/suggestions?k=many")
    assert resp.status_code == 400
    assert resp.get_json()["error"]["fields"] == [{"field": "k",
                                                   "problem": "'many' is not a number"}]
    assert client.get("/api/projects/999999/suggestions").status_code == 404


def test_plan_and_could_host_api(client):
    plan = client.get("/api/cities/seoul/plan?priority=1.2").get_json()
    assert plan["status"] == "optimal" and plan["pairings"]
    hosts = client.get(f"/api/spaces/{plan['pairings'][0]['space_id']}/could-host").get_json()
    assert any(a["fits"] for a in hosts["activities"])


# The same values the /plan page refuses (tests/web/test_matching_pages.py), through the API.
BAD_PLAN_PARAMETERS = [("priority", "nan"), ("priority", "inf"), ("priority", "-5"),
                       ("priority", "0.5"), ("priority", "lots"), ("min_share", "5"),
                       ("min_share", "-0.5"), ("min_share", "nan"), ("district", "Mapo"),
                       ("district", "-3"), ("k", "0")]


def test_plan_api_refuses_bad_parameters_by_name(client):
    for field, value in BAD_PLAN_PARAMETERS:
        resp = client.get(f"/api/cities/seoul/plan?{field}={value}")
        assert resp.status_code == 400, (field, value)
        error = resp.get_json()["error"]
        assert error["code"] == "invalid_input"
        assert [f["field"] for f in error["fields"]] == [field], (field, value)


def test_plan_api_for_a_district_of_another_city_is_not_found(client, demo_sqlite_app):
    from spacematch.db.models import Area

    with demo_sqlite_app.app_context():
        baltimore = db.session.scalar(select(Area.id).join(City).where(City.slug == "baltimore"))
    for district in (999999, baltimore):
        resp = client.get(f"/api/cities/seoul/plan?district={district}")
        assert resp.status_code == 404, district
        assert resp.get_json()["error"]["code"] == "not_found"
        assert str(district) in resp.get_json()["error"]["message"]


def test_plan_api_for_one_district(client, demo_sqlite_app):
    from spacematch.db.models import Area

    with demo_sqlite_app.app_context():
        jongno = db.session.scalar(select(Area.id).where(Area.name_en == "Jongno-gu"))
    whole = client.get("/api/cities/seoul/plan").get_json()
    one = client.get(f"/api/cities/seoul/plan?district={jongno}").get_json()
    expected = {p["project_id"] for p in whole["pairings"] + whole["unmatched"]
                if p["district"] == "Jongno-gu"}
    got = {p["project_id"] for p in one["pairings"] + one["unmatched"]}
    assert expected and got == expected
    assert one["warnings"] == []


SCRIPT = "<script>alert(1)</script>"
SCHOOL = {"title": "폐교 본관", "owner_kind": "public", "lon": 126.9687, "lat": 37.5759,
          "floor_area_m2": 900, "capacity": 600, "status": "listed",
          "amenities": ["toilets", "water"], "weekly_hours": "mon-sat 09:00-21:00",
          "rooms": [
              {"name": SCRIPT, "floor_area_m2": 35, "capacity": 16,
               "amenities": ["kitchen", "water", "toilets"]},
              {"name": "Classroom 2", "floor_area_m2": 60, "capacity": 30, "floor_level": 2,
               "accessibility": ["lift"],
               "amenities": ["heating_cooling", "power", "internet", "toilets"]},
              {"name": "Hall", "floor_area_m2": 150, "capacity": 80,
               "amenities": ["power", "toilets", "sound_insulation", "storage", "water"]}]}


def test_could_host_api_answers_per_room_for_the_place_and_together(client, demo_sqlite_app):
    from spacematch.services.spaces import create_space
    from spacematch.services.users import create_user

    with demo_sqlite_app.app_context():
        owner = create_user(email="owner@example.org", password="a long passphrase",
                            role="owner", display_name="Owner", system=True)
        place = create_space(owner, SCHOOL).id
    body = client.get(f"/api/spaces/{place}/could-host").get_json()
    assert body["space_id"] == place
    assert [r["name"] for r in body["rooms"]] == [SCRIPT, "Classroom 2", "Hall"]
    assert all(r["id"] and r["count"] == 1 for r in body["rooms"])
    assert [f["activity"] for f in body["rooms"][0]["fits"]] == ["community_kitchen"]
    assert body["rooms"][1]["taken_hours"] == "no hours taken yet"
    assert {f["activity"] for f in body["place"]} == {
        f["activity"] for r in body["rooms"] for f in r["fits"]}
    hall = body["rooms"][2]["id"]
    assert [(a["room"], a["room_id"]) for a in body["together"]["activities"]][0] == (
        "Hall", hall)
    assert [a["room"] for a in body["together"]["activities"]] == ["Hall", "Classroom 2", SCRIPT]
    assert body["together"]["en"].endswith("at the same time, in different rooms.")
    # what older clients read: every activity, fits first (as the place list), with reasons
    fits = [a for a in body["activities"] if a["fits"]]
    assert [a["activity"] for a in fits] == [f["activity"] for f in body["place"]]
    assert len(body["activities"]) == 15 and {"en", "ko", "score", "people"} <= set(fits[0])
    assert not any(a["fits"] for a in body["activities"][len(fits):])


def test_could_host_api_for_a_divisible_place_and_for_no_place(client, demo_sqlite_app):
    from spacematch.services.spaces import create_space
    from spacematch.services.users import create_user

    with demo_sqlite_app.app_context():
        owner = create_user(email="owner@example.org", password="a long passphrase",
                            role="owner", display_name="Owner", system=True)
        place = create_space(owner, {**SCHOOL, "rooms": None, "divisible_room_m2": 60,
                                     "divisible_rooms": 12,
                                     "amenities": ["toilets", "water", "heating_cooling",
                                                   "power", "internet", "storage"]}).id
    body = client.get(f"/api/spaces/{place}/could-host").get_json()
    assert [(r["id"], r["count"], r["name"]) for r in body["rooms"]] == [
        (None, 12, "12 rooms of about 60 m²")]
    assert len(body["together"]["activities"]) == 12
    assert all(a["room_id"] is None for a in body["together"]["activities"])
    resp = client.get("/api/spaces/99999999/could-host")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
