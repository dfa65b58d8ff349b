"""Owners add, edit, pause and resume the rooms of their places in the browser's forms."""

import html
import io

from sqlalchemy import select

from spacematch.db.models import City, Room
from spacematch.extensions import db
from spacematch.services import indexes
from spacematch.services.catalogue import city_info
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

from .test_auth import GOOD, field_error, sign_in, token, typed_value

PLACE = {"title": "사직동 주민센터", "owner_kind": "public", "lon": 126.9687, "lat": 37.5759,
         "floor_area_m2": 600, "capacity": 300, "status": "listed", "cost_kind": "free",
         "amenities": ["toilets", "water"], "weekly_hours": "mon-sat 09:00-21:00"}
HOSTILE = "<img src=x onerror=alert(1)>강당"


def _owner_with_a_place(app) -> tuple[object, int]:
    with app.app_context():
        owner = create_user(email="centre@example.org", password=GOOD, role="owner",
                            display_name="Centre", system=True)
        place = create_space(owner, PLACE).id
    client = app.test_client()
    assert sign_in(client, "centre@example.org").status_code == 302
    return client, place


def _rooms(app, place: int) -> dict[str, Room]:
    with app.app_context():
        rooms = db.session.scalars(select(Room).where(Room.space_id == place))
        return {r.name: r for r in rooms}


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": token(client, path), **data})


def _hours(day_rows: dict[str, tuple[str, str]]) -> dict:
    """Form fields for the weekly rows: {"tue": ("18:00", "22:00")} is Tuesday 18–22."""
    out = {}
    for day, (opens, closes) in day_rows.items():
        out[f"hours_{day}-opens"], out[f"hours_{day}-closes"] = opens, closes
    return out


def test_an_owner_adds_a_room_problems_beside_their_fields_and_typed_values_kept(seoul_app):
    app = seoul_app
    client, place = _owner_with_a_place(app)
    new = f"/spaces/{place}/rooms/new"
    answer = _post(client, new, name="", floor_area_m2="150", capacity="lots")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert field_error(page, "name") == "is required"
    assert "number" in field_error(page, "capacity")
    assert typed_value(page, "floor_area_m2") == "150" and typed_value(page, "capacity") == "lots"
    answer = _post(client, new, name="Hall", floor_area_m2="150", capacity="900")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert field_error(page, "capacity") == "900 is more than the place's 300"
    assert typed_value(page, "name") == "Hall"
    assert set(_rooms(app, place)) == {"Whole space"}  # nothing stored
    # its own amenities, Tuesday evenings only, by the hour; access as the place
    answer = _post(client, new, name=HOSTILE, floor_area_m2="150", capacity="80",
                   floor_level="3", same_accessibility="y", amenities=["kitchen", "water"],
                   same_allowed_uses="y", cost_kind="hourly", cost_amount="5000",
                   **_hours({"tue": ("18:00", "22:00")}))
    assert answer.status_code == 302 and answer.headers["Location"] == f"/spaces/{place}/rooms"
    room = _rooms(app, place)[HOSTILE]
    assert (room.floor_area_m2, room.capacity, room.floor_level) == (150.0, 80, 3)
    assert (room.accessibility, room.amenities, room.allowed_uses) == (None, ["kitchen", "water"],
                                                                      None)
    assert room.weekly_hours == {"tue": ["18:00-22:00"]}
    assert (room.cost_kind, float(room.cost_amount)) == ("hourly", 5000.0)
    listing = client.get(f"/spaces/{place}/rooms").get_data(as_text=True)
    assert html.escape(HOSTILE) in listing and HOSTILE not in listing
    # the engine offers the new room (the whole-space room only alone: not beside it)
    with app.app_context():
        city = city_info(db.session.scalar(select(City).where(City.slug == "seoul")))
        t, rows = indexes.city_index(city).index.place_rows(place)
        assert [t.room_name_of(int(r)) for r in rows] == [HOSTILE]


def test_an_owner_edits_a_room_and_gives_a_fact_back_to_the_place(seoul_app):
    app = seoul_app
    client, place = _owner_with_a_place(app)
    room = _rooms(app, place)["Whole space"]
    edit = f"/rooms/{room.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert typed_value(page, "name") == "Whole space" and typed_value(page, "capacity") == "300"
    answer = _post(client, edit, name="큰 강당", floor_area_m2="600", capacity="250",
                   floor_level="0", amenities=["toilets"], same_accessibility="y",
                   same_allowed_uses="y", same_weekly_hours="y", cost_kind="")
    assert answer.status_code == 302
    room = _rooms(app, place)["큰 강당"]
    assert (room.capacity, room.amenities, room.weekly_hours, room.cost_kind) == (
        250, ["toilets"], None, None)
    # ticking "same as the place" again gives the amenities back to the place
    _post(client, edit, name="큰 강당", floor_area_m2="600", capacity="250", floor_level="0",
          same_amenities="y", same_accessibility="y", same_allowed_uses="y",
          same_weekly_hours="y")
    assert _rooms(app, place)["큰 강당"].amenities is None


def test_the_last_listed_room_cannot_be_paused_but_one_of_two_can(seoul_app):
    app = seoul_app
    client, place = _owner_with_a_place(app)
    whole = _rooms(app, place)["Whole space"].id
    answer = _post(client, f"/rooms/{whole}/pause")
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "is the last listed room of a listed place" in page
    assert _rooms(app, place)["Whole space"].status == "listed"
    _post(client, f"/spaces/{place}/rooms/new", name="Hall", floor_area_m2="100",
          capacity="50", same_accessibility="y", same_amenities="y", same_allowed_uses="y",
          same_weekly_hours="y")
    hall = _rooms(app, place)["Hall"].id
    assert _post(client, f"/rooms/{hall}/pause").status_code == 302
    assert _rooms(app, place)["Hall"].status == "paused"
    assert "paused" in client.get(f"/spaces/{place}/rooms").get_data(as_text=True)
    assert _post(client, f"/rooms/{hall}/resume").status_code == 302
    assert _rooms(app, place)["Hall"].status == "listed"


def test_my_places_lists_only_my_own(seoul_app):
    app = seoul_app
    client, place = _owner_with_a_place(app)
    with app.app_context():
        other = create_user(email="other@example.org", password=GOOD, role="owner",
                            display_name="Other", system=True)
        create_space(other, {**PLACE, "title": "남의 공간"})
    page = client.get("/my/places").get_data(as_text=True)
    assert "사직동 주민센터" in page and "남의 공간" not in page
    assert f'href="/spaces/{place}/rooms"' in page
    # and the place's page offers its owner the way in
    assert f'href="/spaces/{place}/rooms"' in client.get(f"/spaces/{place}").get_data(as_text=True)


def test_odd_input_is_refused_by_name_never_a_server_error(seoul_app):
    """A NUL in a name (PostgreSQL stores no NUL), a JSON body, a file where text belongs."""
    app = seoul_app
    client, place = _owner_with_a_place(app)
    new = f"/spaces/{place}/rooms/new"
    answer = _post(client, new, name="Hall" + chr(0), floor_area_m2="100", capacity="50")
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "name") == \
        "must not contain control characters"
    csrf = token(client, new)
    for body in ([1, 2], "Hall", {"name": 5, "capacity": [1]}):
        answer = client.post(new, json=body, headers={"X-CSRFToken": csrf})
        assert answer.status_code == 400, body
    answer = client.post(new, data={"csrf_token": csrf, "name": (io.BytesIO(b"x"), "a.txt"),
                                    "floor_area_m2": "100", "capacity": "50"},
                         content_type="multipart/form-data")
    assert answer.status_code == 400
    assert set(_rooms(app, place)) == {"Whole space"}
