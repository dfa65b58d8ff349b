from decimal import Decimal

import pytest

from spacematch.domain.errors import ValidationError
from spacematch.domain.listing import clean_project, clean_space

GOOD_SPACE = {"title": "경로당 2층", "owner_kind": "nonprofit", "lon": 126.97, "lat": 37.57,
              "floor_area_m2": 60, "capacity": 20, "weekly_hours": "mon-fri 18:00-21:00",
              "cost_kind": "hourly", "cost_amount": "15000"}


def test_good_space_is_cleaned():
    s = clean_space(GOOD_SPACE)
    assert s["cost_amount"] == Decimal("15000.00")
    assert s["weekly_hours"]["mon"] == ["18:00-21:00"]
    assert s["status"] == "draft"


def test_every_problem_is_reported_with_its_field():
    bad = {**GOOD_SPACE, "owner_kind": "alien", "lat": 137.0, "capacity": "many",
           "amenities": ["pool"], "cost_kind": "free", "available_from": "2027-05-01",
           "available_to": "2027-01-01", "allowed_uses": ["karaoke"]}
    with pytest.raises(ValidationError) as err:
        clean_space(bad)
    fields = {p.field for p in err.value.problems}
    assert fields == {"owner_kind", "location", "capacity", "amenities", "cost_amount",
                      "available_to", "allowed_uses"}


def test_paid_space_needs_an_amount():
    with pytest.raises(ValidationError) as err:
        clean_space({**GOOD_SPACE, "cost_amount": 0})
    assert err.value.problems[0].field == "cost_amount"


def test_project_area_range_and_distance_need_consistency():
    with pytest.raises(ValidationError) as err:
        clean_project({"title": "t", "activity": "childcare", "participants": 10,
                       "area_min_m2": 100, "area_max_m2": 50, "max_distance_m": 1000})
    assert {p.field for p in err.value.problems} == {"area_max_m2", "max_distance_m"}


def test_project_weights_are_checked():
    base = {"title": "t", "activity": "youth_jobs", "participants": 10}
    assert clean_project({**base, "weights": {"transit": "0.5"}})["weights"] == {"transit": 0.5}
    for bad, fragment in (({"vibes": 1}, "unknown criterion"), ({"cost": -1}, "outside 0..10"),
                          ({"cost": "x"}, "not a number"), ("cost=1", "must map")):
        with pytest.raises(ValidationError) as err:
            clean_project({**base, "weights": bad})
        assert err.value.problems[0].field == "weights"
        assert fragment in err.value.problems[0].problem


def test_a_divisible_space_gives_room_size_and_count_together():
    s = clean_space({**GOOD_SPACE, "floor_area_m2": 900, "divisible_room_m2": "60",
                     "divisible_rooms": "12"})
    assert (s["divisible_room_m2"], s["divisible_rooms"]) == (60.0, 12)
    plain = clean_space(GOOD_SPACE)
    assert (plain["divisible_room_m2"], plain["divisible_rooms"]) == (None, None)
    with pytest.raises(ValidationError) as err:
        clean_space({**GOOD_SPACE, "divisible_room_m2": 20})
    assert [p.field for p in err.value.problems] == ["divisible_rooms"]
    with pytest.raises(ValidationError) as err:
        clean_space({**GOOD_SPACE, "divisible_rooms": 3})
    assert [p.field for p in err.value.problems] == ["divisible_room_m2"]
    for bad in ({"divisible_room_m2": 0, "divisible_rooms": 3},
                {"divisible_room_m2": 20, "divisible_rooms": 1},
                {"divisible_room_m2": 20, "divisible_rooms": 2.5}):
        with pytest.raises(ValidationError):
            clean_space({**GOOD_SPACE, **bad})


def test_divided_rooms_fit_in_the_space():
    with pytest.raises(ValidationError) as err:
        clean_space({**GOOD_SPACE, "floor_area_m2": 500, "divisible_room_m2": 60,
                     "divisible_rooms": 12})
    assert [p.field for p in err.value.problems] == ["divisible_rooms"]
    assert "720" in err.value.problems[0].problem and "500" in err.value.problems[0].problem
