"""Whatever JSON a client sends, cleaning a place or a room answers with a ValidationError
naming the field, never another exception (which the web layer would turn into a 500)."""

import math
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spacematch.domain.errors import ValidationError
from spacematch.domain.listing import clean_place, clean_room, clean_space

SPACE = {"title": "경로당 2층", "owner_kind": "nonprofit", "lon": 126.97, "lat": 37.57,
         "floor_area_m2": 60, "capacity": 20, "weekly_hours": "mon-fri 18:00-21:00",
         "cost_kind": "hourly", "cost_amount": "15000", "amenities": ["water"],
         "allowed_uses": ["maker_repair"], "status": "listed"}
ROOM = {"name": "Hall", "floor_area_m2": 50, "capacity": 20, "floor_level": 1,
        "amenities": ["water"], "cost_kind": "hourly", "cost_amount": 9000, "currency": "KRW"}
SPACE_FIELDS = sorted({*SPACE, "description", "address", "divisible_room_m2", "divisible_rooms",
                       "floor_level", "accessibility", "available_from", "available_to",
                       "currency", "condition_notes"})
ROOM_FIELDS = sorted({*ROOM, "position", "accessibility", "allowed_uses", "weekly_hours",
                      "status"})
KNOWN = {*SPACE_FIELDS, "location"}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**12, max_value=10**400)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
    | st.sampled_from(["1e30", "nan", "-inf", "free", "water", "10**400"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6)

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _cleans_or_names(clean, data, known) -> None:
    try:
        clean(data)
    except ValidationError as exc:
        assert exc.problems and all(p.field in known for p in exc.problems), exc.problems


@SETTINGS
@given(field=st.sampled_from(SPACE_FIELDS), value=json_values)
def test_any_value_of_any_space_field_is_cleaned_or_named(field, value):
    _cleans_or_names(clean_space, {**SPACE, field: value}, KNOWN)


@SETTINGS
@given(field=st.sampled_from(ROOM_FIELDS), value=json_values)
def test_any_value_of_any_room_field_is_cleaned_or_named(field, value):
    _cleans_or_names(clean_room, {**ROOM, field: value}, set(ROOM_FIELDS))


@SETTINGS
@given(values=st.fixed_dictionaries({}, optional=dict.fromkeys(ROOM_FIELDS, json_values)))
def test_any_room_is_cleaned_or_named(values):
    _cleans_or_names(clean_room, values, set(ROOM_FIELDS))


@pytest.mark.parametrize(("field", "value"), [
    ("capacity", 10**400), ("floor_area_m2", 10**400), ("floor_area_m2", True),
    ("capacity", False), ("amenities", 5), ("allowed_uses", 5), ("amenities", [["water"]]),
    ("cost_kind", ["free"]), ("cost_amount", "1e30"), ("cost_amount", 10**13),
    ("cost_amount", float("nan")), ("cost_amount", math.inf), ("weekly_hours", 5),
], ids=lambda v: f"{v!r:.20}")
def test_bad_values_are_named(field, value):
    with pytest.raises(ValidationError) as err:
        clean_space({**SPACE, field: value})
    assert [p.field for p in err.value.problems] == [field]
    with pytest.raises(ValidationError) as err:
        clean_room({**ROOM, field: value})
    assert [p.field for p in err.value.problems] == [field]


def test_amounts_just_below_the_cap_are_kept():
    assert clean_space({**SPACE, "cost_amount": "999999999999.99"})["cost_amount"] == Decimal(
        "999999999999.99")


def test_rooms_fit_in_their_place():
    with pytest.raises(ValidationError) as err:
        clean_place({**SPACE, "rooms": [ROOM, {**ROOM, "floor_area_m2": 100_000,
                                               "capacity": 100_000}]})
    assert {p.field for p in err.value.problems} == {"rooms[1].floor_area_m2",
                                                      "rooms[1].capacity"}
    place, rooms = clean_place({**SPACE, "rooms": [{**ROOM, "floor_area_m2": 60,
                                                    "capacity": 20}]})
    assert rooms[0]["floor_area_m2"] == place["floor_area_m2"]


def test_a_place_has_at_most_so_many_rooms():
    from spacematch.domain.rooms import MAX_ROOMS

    place, rooms = clean_place({**SPACE, "rooms": [ROOM] * MAX_ROOMS})
    assert len(rooms) == MAX_ROOMS
    with pytest.raises(ValidationError) as err:
        clean_place({**SPACE, "rooms": [ROOM] * (MAX_ROOMS + 1)})
    assert [p.field for p in err.value.problems] == ["rooms"]


@pytest.mark.parametrize("bad", ["Hall" + chr(0), "Hall" + chr(27) + "[2J", "Hall" + chr(0xD800)])
def test_text_no_database_stores_is_named_on_its_field(bad):
    """PostgreSQL stores no NUL and no lone surrogate; control characters are never meant."""
    with pytest.raises(ValidationError) as err:
        clean_room({"name": bad, "floor_area_m2": 50, "capacity": 10})
    assert [p.field for p in err.value.problems] == ["name"]
    with pytest.raises(ValidationError) as err:
        clean_space({"title": bad, "owner_kind": "public", "lon": 126.97, "lat": 37.57,
                     "floor_area_m2": 50, "capacity": 10})
    assert [p.field for p in err.value.problems] == ["title"]
    # tabs and line breaks are text
    assert clean_room({"name": "Hall\twith a tab", "floor_area_m2": 50,
                       "capacity": 10})["name"] == "Hall\twith a tab"


HALL = {"title": "Hall", "owner_kind": "public", "lon": 126.97, "lat": 37.57,
         "floor_area_m2": 300, "capacity": 100}


@pytest.mark.parametrize(("blank", "other", "named"), [
    ({"divisible_room_m2": "  "}, {"divisible_rooms": 3}, "divisible_room_m2"),
    ({"divisible_rooms": "\t"}, {"divisible_room_m2": 60}, "divisible_rooms"),
])
def test_white_space_is_nothing_typed_for_fields_that_come_in_pairs(blank, other, named):
    with pytest.raises(ValidationError) as caught:
        clean_space({**HALL, **blank, **other})
    assert [p.field for p in caught.value.problems] == [named]
    assert "is required with" in caught.value.problems[0].problem


def test_a_rooms_own_cost_needs_a_kind_that_is_not_white_space():
    with pytest.raises(ValidationError) as caught:
        clean_room({"name": "A", "floor_area_m2": 40, "capacity": 10, "cost_kind": " ",
                    "cost_amount": 5000, "currency": "USD"})
    assert "cost_kind" in [p.field for p in caught.value.problems]
