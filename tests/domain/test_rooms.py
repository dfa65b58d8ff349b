"""Rooms of a place: checked like a space, unset facts read as the place's, divisible places."""

from decimal import Decimal

import pytest

from spacematch.domain.errors import ValidationError
from spacematch.domain.listing import clean_place, clean_room, clean_rooms, clean_space
from spacematch.domain.rooms import default_room, divide_place, effective_room

HALL = {"name": "3층 강당", "floor_area_m2": "150", "capacity": 80}
SCHOOL = {"title": "폐교 본관", "owner_kind": "public", "lon": 126.97, "lat": 37.57,
          "floor_area_m2": 900, "capacity": 600, "floor_level": 0, "status": "listed",
          "amenities": ["toilets", "water"], "weekly_hours": "mon-sat 09:00-21:00",
          "cost_kind": "hourly", "cost_amount": 10000}


def _fields(err) -> set[str]:
    return {p.field for p in err.value.problems}


def test_a_room_needs_a_name_an_area_and_a_capacity():
    with pytest.raises(ValidationError) as err:
        clean_room({"floor_level": 2})
    assert _fields(err) == {"name", "floor_area_m2", "capacity"}


def test_what_a_room_does_not_say_it_takes_from_its_place():
    room = clean_room(HALL, floor_level_default=3)
    assert (room["floor_area_m2"], room["capacity"], room["floor_level"]) == (150.0, 80, 3)
    assert room["status"] == "listed"
    for field in ("accessibility", "amenities", "allowed_uses", "weekly_hours", "cost_kind",
                  "cost_amount", "currency"):
        assert room[field] is None, field
    # An explicit empty list is a statement ("no amenities here"), not "as the place".
    assert clean_room({**HALL, "amenities": []})["amenities"] == []


def test_every_room_problem_is_named():
    bad = {**HALL, "floor_area_m2": 0, "capacity": "many", "amenities": ["jacuzzi"],
           "weekly_hours": "sat 18:00-10:00", "cost_kind": "monthly", "status": "draft",
           "allowed_uses": ["karaoke"], "floor_level": 500}
    with pytest.raises(ValidationError) as err:
        clean_room(bad)
    assert _fields(err) == {"floor_area_m2", "capacity", "amenities", "weekly_hours",
                            "cost_amount", "status", "allowed_uses", "floor_level"}


def test_a_room_cost_comes_whole_or_not_at_all():
    with pytest.raises(ValidationError) as err:
        clean_room({**HALL, "cost_amount": 5000})
    assert _fields(err) == {"cost_kind"}
    with pytest.raises(ValidationError) as err:
        clean_room({**HALL, "currency": "USD"})
    assert _fields(err) == {"currency"}
    own = clean_room({**HALL, "cost_kind": "hourly", "cost_amount": "5000", "currency": "krw"})
    assert (own["cost_kind"], own["cost_amount"], own["currency"]) == (
        "hourly", Decimal("5000.00"), "KRW")
    free = clean_room({**HALL, "cost_kind": "free"})
    assert (free["cost_kind"], free["cost_amount"]) == ("free", Decimal("0.00"))


def test_problems_in_a_list_of_rooms_name_the_room():
    with pytest.raises(ValidationError) as err:
        clean_rooms([HALL, {**HALL, "name": "", "capacity": 0}])
    assert _fields(err) == {"rooms[1].name", "rooms[1].capacity"}
    with pytest.raises(ValidationError) as err:
        clean_rooms("hall")
    assert _fields(err) == {"rooms"}


def test_a_room_read_with_its_place():
    place = clean_space(SCHOOL)
    own = effective_room(place, clean_room({**HALL, "amenities": ["kitchen"]}))
    assert own["amenities"] == ["kitchen"]
    assert own["weekly_hours"] == place["weekly_hours"]
    assert (own["cost_kind"], own["cost_amount"], own["currency"]) == (
        "hourly", Decimal("10000.00"), "KRW")
    free = effective_room(place, clean_room({**HALL, "cost_kind": "free"}))
    assert (free["cost_kind"], free["cost_amount"], free["currency"]) == (
        "free", Decimal("0.00"), "KRW")
    none = effective_room(place, clean_room({**HALL, "accessibility": []}))
    assert none["accessibility"] == [] and none["amenities"] == ["toilets", "water"]


def test_the_default_room_is_the_whole_place():
    place = clean_space(SCHOOL)
    room = default_room(place)
    assert (room["floor_area_m2"], room["capacity"], room["floor_level"]) == (900.0, 600, 0)
    assert room["status"] == "listed" and room["name"]
    assert effective_room(place, room)["amenities"] == place["amenities"]
    for status in ("draft", "paused", "archived"):
        assert default_room({**place, "status": status})["status"] == "paused"


def test_a_divisible_place_stands_for_that_many_equal_rooms():
    place = clean_space({**SCHOOL, "divisible_room_m2": 60, "divisible_rooms": 12})
    rooms = divide_place(place)
    assert len(rooms) == 12
    assert {r["floor_area_m2"] for r in rooms} == {60.0}
    assert len({r["capacity"] for r in rooms}) == 1
    assert rooms[0]["capacity"] >= 1 and rooms[0]["capacity"] * 12 <= place["capacity"]
    assert len({r["name"] for r in rooms}) == 12
    assert all(effective_room(place, r)["weekly_hours"] == place["weekly_hours"] for r in rooms)
    crowded = divide_place({**place, "capacity": 5})
    assert all(r["capacity"] >= 1 for r in crowded)
    assert divide_place(clean_space(SCHOOL)) == []


def test_a_place_gets_its_whole_room_unless_it_names_rooms_or_divides():
    place, rooms = clean_place(SCHOOL)
    assert [r["floor_area_m2"] for r in rooms] == [900.0]
    place, rooms = clean_place({**SCHOOL, "rooms": [HALL, {**HALL, "name": "2F"}]})
    assert [r["name"] for r in rooms] == ["3층 강당", "2F"]
    assert [r["position"] for r in rooms] == [0, 1]
    place, rooms = clean_place({**SCHOOL, "divisible_room_m2": 60, "divisible_rooms": 12})
    assert rooms == [] and place["divisible_rooms"] == 12


def test_a_place_must_offer_something():
    with pytest.raises(ValidationError) as err:
        clean_place({**SCHOOL, "rooms": []})
    assert _fields(err) == {"rooms"}
    with pytest.raises(ValidationError) as err:
        clean_place({**SCHOOL, "rooms": [{**HALL, "status": "paused"}]})
    assert _fields(err) == {"rooms"}
    # A draft may keep every room paused; a divisible place offers its divisions.
    clean_place({**SCHOOL, "status": "draft", "rooms": [{**HALL, "status": "paused"}]})
    clean_place({**SCHOOL, "divisible_room_m2": 60, "divisible_rooms": 12,
                 "rooms": [{**HALL, "status": "paused"}]})


def test_place_and_room_problems_come_together():
    with pytest.raises(ValidationError) as err:
        clean_place({**SCHOOL, "title": "", "rooms": [{**HALL, "floor_area_m2": -1}]})
    assert _fields(err) == {"title", "rooms[0].floor_area_m2"}
