"""A place's page: its rooms with their own facts, what each could host, what the place could
host at once, and the hours its pairings already take."""

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from spacematch.db.models import Match, Room
from spacematch.domain.errors import NotFound
from spacematch.extensions import db
from spacematch.services.places import PlacePage, RoomRow, place_page
from spacematch.services.projects import create_project
from spacematch.services.rooms import pause_room
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

from .test_plain_data import orm_objects

SCHOOL = {"title": "폐교 본관", "owner_kind": "public", "lon": 126.9687, "lat": 37.5759,
          "floor_area_m2": 900, "capacity": 600, "status": "listed",
          "amenities": ["toilets", "water"], "weekly_hours": "mon-sat 09:00-21:00",
          "cost_kind": "free"}
# A kitchen that can only be a community kitchen, a classroom upstairs with a lift, a hall.
KITCHEN = {"name": "Kitchen", "floor_area_m2": 35, "capacity": 16,
           "accessibility": ["step_free"], "amenities": ["kitchen", "water", "toilets"]}
CLASSROOM = {"name": "Classroom 2", "floor_area_m2": 60, "capacity": 30, "floor_level": 2,
             "accessibility": ["lift"],
             "amenities": ["heating_cooling", "power", "internet", "toilets"],
             "weekly_hours": "mon-fri 15:00-21:00"}
HALL = {"name": "Hall", "floor_area_m2": 150, "capacity": 80, "accessibility": ["step_free"],
        "amenities": ["power", "toilets", "sound_insulation", "storage", "water"],
        "cost_kind": "hourly", "cost_amount": 20000}
DIVISIBLE = {**SCHOOL, "title": "옛 구청 별관", "divisible_room_m2": 60, "divisible_rooms": 12,
             "amenities": ["toilets", "water", "heating_cooling", "power", "internet",
                           "storage"]}


def _owner():
    return create_user(email="owner@example.org", password="correct horse battery",
                       role="owner", display_name="Owner", system=True)


def _projects(n: int) -> list[int]:
    group = create_user(email="group@example.org", password="correct horse battery",
                        role="group", display_name="Group", system=True)
    return [create_project(group, "seoul", {
        "title": f"모임 {i}", "activity": "meeting_workshop", "participants": 10,
        "lon": 126.9687, "lat": 37.5759, "max_distance_m": 2000,
        "weekly_hours": "tue 18:00-21:00", "status": "open"}).id for i in range(n)]


def _book(place: int, project: int, room: int | None, status: str, hours: dict | None,
          ends_on: date | None = None) -> None:
    db.session.add(Match(space_id=place, project_id=project, score=0.8, breakdown={},
                         status=status, room_id=room, weekly_hours=hours, ends_on=ends_on))
    db.session.commit()


def _school() -> int:
    return create_space(_owner(), {**SCHOOL, "rooms": [KITCHEN, CLASSROOM, HALL]}).id


def test_a_place_with_three_rooms_shows_each_and_what_it_could_host(seoul_app):
    with seoul_app.app_context():
        place = _school()
        page = place_page(place)
    assert isinstance(page, PlacePage) and orm_objects(page) == []
    assert page.place["id"] == place and page.place["title"] == "폐교 본관"
    assert [r.name for r in page.rooms] == ["Kitchen", "Classroom 2", "Hall"]
    assert all(isinstance(r, RoomRow) and r.count == 1 and r.id for r in page.rooms)
    kitchen, classroom, hall = page.rooms
    assert (classroom.floor_area_m2, classroom.capacity, classroom.floor_level) == (60, 30, 2)
    # the room's own facts, where they differ from the place's; None where they do not
    assert kitchen.own_amenities == ["kitchen", "toilets", "water"]
    assert classroom.own_hours == "Mon–Fri 15:00–21:00" and kitchen.own_hours is None
    assert hall.own_cost == {"kind": "hourly", "amount": 20000.0, "currency": "KRW"}
    assert kitchen.own_cost is None
    # what each room could host, best first, and why the rest cannot be
    assert [f["activity"] for f in kitchen.fits] == ["community_kitchen"]
    assert "needs" in next(f for f in kitchen.misfits if f["activity"] == "youth_jobs")["en"]
    assert classroom.fits[0]["score"] >= classroom.fits[-1]["score"] and len(hall.fits) > 3
    # the whole place: each activity once, with its best room (by id), and several at once
    popup = next(f for f in page.could_host if f["activity"] == "popup_shop")
    assert (popup["room"], popup["room_id"], popup["rooms"]) == ("Hall", hall.id, 2)
    assert {f["activity"] for f in page.could_not_host} == {"childcare", "urban_garden"}
    together = page.together
    assert [(a["activity"], a["room"]) for a in together["activities"]] == [
        ("arts_studio", "Hall"), ("meeting_workshop", "Classroom 2"),
        ("community_kitchen", "Kitchen")]
    assert together["en"] == ("This place could host an arts studio, a meeting room and a "
                              "community kitchen at the same time, in different rooms.")
    assert "동시에" in together["ko"]


def test_a_divisible_place_shows_its_divisions_as_one_row(seoul_app):
    with seoul_app.app_context():
        owner = _owner()
        only = create_space(owner, DIVISIBLE).id
        both = create_space(owner, {**DIVISIBLE, "title": "별관 2", "rooms": [HALL]}).id
        page, mixed = place_page(only), place_page(both)
    assert len(page.rooms) == 1
    row = page.rooms[0]
    assert (row.id, row.count, row.name, row.floor_area_m2, row.capacity) == (
        None, 12, "12 rooms of about 60 m²", 60.0, 40)
    assert row.taken_hours == "no hours taken yet" and row.free_hours == "Mon–Sat 09:00–21:00"
    assert len(row.fits) == 13
    # twelve equal rooms host the twelve best of the thirteen things they fit, at once
    assert len(page.together["activities"]) == 12
    assert page.together["en"].endswith("and 9 other activities at the same time, in "
                                        "different rooms.")
    assert [r.name for r in mixed.rooms] == ["Hall", "12 rooms of about 60 m²"]
    assert [r.count for r in mixed.rooms] == [1, 12]
    assert len(mixed.together["activities"]) == 13  # the hall adds a thirteenth room


def test_a_room_shows_the_hours_its_approved_and_active_pairings_take(seoul_app):
    with seoul_app.app_context():
        place = _school()
        rooms = list(db.session.scalars(select(Room.id).where(Room.space_id == place)
                                        .order_by(Room.position)))
        kitchen, classroom, hall = rooms
        p = _projects(7)
        _book(place, p[0], classroom, "active", {"tue": ["18:00-21:00"]})
        _book(place, p[1], classroom, "approved", {"sat": ["10:00-12:00"]})
        # not (or not yet, or no longer) taking hours: agreed but not approved, declined,
        # ended, another room
        _book(place, p[2], classroom, "accepted", {"mon": ["09:00-21:00"]})
        _book(place, p[3], classroom, "declined", {"wed": ["09:00-21:00"]})
        _book(place, p[4], classroom, "approved", {"thu": ["09:00-21:00"]},
              ends_on=date.today() - timedelta(days=1))
        _book(place, p[5], kitchen, "approved", {"fri": ["11:00-14:00"]})
        _book(place, p[6], hall, "approved", None)  # a pairing that names no hours
        page = place_page(place)
    by_name = {r.name: r for r in page.rooms}
    classroom_row = by_name["Classroom 2"]
    assert classroom_row.taken_hours == "Tue 18:00–21:00; Sat 10:00–12:00"
    # the classroom keeps its own hours (weekdays 15:00–21:00): Saturday was never free
    assert classroom_row.free_hours == "Mon/Wed–Fri 15:00–21:00; Tue 15:00–18:00"
    assert by_name["Kitchen"].taken_hours == "Fri 11:00–14:00"
    assert by_name["Kitchen"].free_hours == ("Mon–Thu/Sat 09:00–21:00; "
                                             "Fri 09:00–11:00, 14:00–21:00")
    assert (by_name["Hall"].bookings, by_name["Hall"].taken_hours) == (
        1, "booked, at hours not named")
    assert by_name["Hall"].free_hours == "Mon–Sat 09:00–21:00"
    assert [r.bookings for r in page.rooms] == [1, 2, 1]


def test_draft_places_are_not_found_and_paused_rooms_are_not_shown(seoul_app):
    with seoul_app.app_context():
        owner = _owner()
        draft = create_space(owner, {**SCHOOL, "status": "draft"}).id
        with pytest.raises(NotFound):
            place_page(draft)
        with pytest.raises(NotFound):
            place_page(99999999)
        place = create_space(owner, {**SCHOOL, "rooms": [KITCHEN, CLASSROOM, HALL]}).id
        kitchen = db.session.scalar(select(Room.id).where(Room.space_id == place,
                                                          Room.name == "Kitchen"))
        pause_room(owner, kitchen)
        page = place_page(place)
    assert [r.name for r in page.rooms] == ["Classroom 2", "Hall"]
    assert "community_kitchen" not in {f["activity"] for f in page.could_host}


def test_the_page_is_frozen_plain_data(seoul_app):
    with seoul_app.app_context():
        page = place_page(_school())
    with pytest.raises(dataclasses.FrozenInstanceError):
        page.rooms = ()
    assert orm_objects(page) == []
