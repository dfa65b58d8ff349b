"""Big buildings host small projects: rooms are matched, places suggested once, buildings shared."""

import pytest
from sqlalchemy import select

from spacematch.db.models import City
from spacematch.domain.rooms import division_key
from spacematch.extensions import db
from spacematch.services import indexes, matching, plans
from spacematch.services.catalogue import city_info
from spacematch.services.places import place_page
from spacematch.services.projects import create_project
from spacematch.services.rooms import add_room
from spacematch.services.spaces import create_space, update_space
from spacematch.services.users import create_user

HERE = (126.9687, 37.5759)  # 사직동, Jongno-gu
OPEN = "mon-sat 09:00-21:00"
ALL_ON = {"owner_kind": "public", "status": "listed", "weekly_hours": OPEN, "floor_level": 0,
          "accessibility": ["step_free", "lift"], "cost_kind": "free", "cost_amount": 0,
          "amenities": ["toilets", "water", "internet", "heating_cooling", "power",
                        "storage", "kitchen"]}
# A closed school: 900 m² of classrooms the register knows only as a gross floor area.
SCHOOL = {**ALL_ON, "title": "옛 사직초등학교", "lon": HERE[0] + 0.0004, "lat": HERE[1],
          "floor_area_m2": 900, "capacity": 600, "divisible_room_m2": 60, "divisible_rooms": 12}
# A community centre whose owner lists its rooms one by one.
CENTRE = {**ALL_ON, "title": "사직동 주민센터", "lon": HERE[0] - 0.0004, "lat": HERE[1],
          "floor_area_m2": 1200, "capacity": 500,
          "rooms": [{"name": "2층 소회의실", "floor_area_m2": 40, "capacity": 25},
                    {"name": "3층 강당", "floor_area_m2": 90, "capacity": 60},
                    {"name": "체육관", "floor_area_m2": 900, "capacity": 400}]}


def _users():
    owner = create_user(email="owner@example.org", password="correct horse battery",
                        role="owner", display_name="Owner", system=True)
    group = create_user(email="group@example.org", password="correct horse battery",
                        role="group", display_name="Group", system=True)
    return owner, group


def _project(group, **changes):
    data = {"title": "청소년 공부방", "activity": "study_library", "participants": 20,
            "lon": HERE[0], "lat": HERE[1], "max_distance_m": 1500,
            "weekly_hours": "tue 19:00-21:00", "budget_kind": "monthly", "budget_amount": 0,
            "status": "open", **changes}
    return create_project(group, "seoul", data).id


def test_a_divisible_school_and_a_centre_with_rooms_both_host_a_small_project(demo_app):
    with demo_app.app_context():
        owner, group = _users()
        school = create_space(owner, SCHOOL).id
        centre = create_space(owner, CENTRE).id
        pid = _project(group)  # 20 people: about 60 m² wanted, 48–150 m²
        _, found = matching.suggest_spaces(pid, k=20)
        by_place = {s.space_id: s for s in found}
        assert len(by_place) == len(found)  # a place shows once, however many rooms fit
        # the school through one of its twelve 60 m² rooms, all of which fit
        s = by_place[school]
        assert (s.room_id, s.room_name, s.rooms_fit) == (division_key(school, 1),
                                                        "Room 1 of 12", 12)
        assert s.explanation[0]["en"].startswith("60 m² fits")
        # the centre through its 90 m² hall; the 40 m² room fits too, a little small; the
        # 900 m² gym is far too big for twenty
        c = by_place[centre]
        assert (c.room_name, c.rooms_fit) == ("3층 강당", 2)
        why = matching.explain_pair(pid, centre)
        assert why["passes"] and why["room_name"] == "3층 강당" and why["rooms"] == 3
        assert why["score"] == pytest.approx(c.score)


def test_why_not_shows_the_nearest_miss_among_a_places_rooms(demo_app):
    with demo_app.app_context():
        owner, group = _users()
        centre = create_space(owner, CENTRE).id
        # 300 coworkers want 1,500 m²: only the gym holds them, and it is too small
        pid = _project(group, activity="coworking", participants=300)
        answer = matching.explain_pair(pid, centre)
        assert not answer["passes"] and answer["rooms_fit"] == 0
        assert answer["room_name"] == "체육관" and answer["failed"] == ["floor_area"]
        assert answer["why_not"][0]["en"].startswith("900 m² is too small")


def two_projects_by_a_two_room_place(title: str = "두 방 센터") -> tuple[int, int, int]:
    """A place with rooms A and B, and two projects at the same hours that only it is close
    enough for: (place, first project, second project)."""
    owner, group = _users()
    two_rooms = {**CENTRE, "title": title,
                 "rooms": [{"name": "A", "floor_area_m2": 70, "capacity": 30},
                           {"name": "B", "floor_area_m2": 75, "capacity": 30}]}
    place = create_space(owner, two_rooms).id
    near = {"lon": two_rooms["lon"], "lat": two_rooms["lat"], "max_distance_m": 60}
    first = _project(group, title="공부방 1", **near)
    second = _project(group, title="공부방 2", activity="meeting_workshop", **near)
    return place, first, second


def test_a_district_plan_puts_two_projects_in_one_building_at_the_same_hour(demo_app):
    with demo_app.app_context():
        place, first, second = two_projects_by_a_two_room_place()
        city = city_info(db.session.scalar(select(City).where(City.slug == "seoul")))
        view = plans.plan_city(city)
        mine = {p["project_id"]: p for p in view.pairings if p["space_id"] == place}
        assert set(mine) == {first, second}
        assert {mine[first]["room"], mine[second]["room"]} == {"A", "B"}
        assert mine[first]["same_hours_in_building"] == [second]
        use = next(u for u in view.places if u["space_id"] == place)
        assert (use["rooms_used"], use["rooms"]) == (2, 2)
        assert [p["project_id"] for p in use["projects"]] == sorted([first, second])
        # two rooms open 12 h on 6 days (288 half hours); each project books tue 19–21 (4)
        assert (use["booked_half_hours"], use["free_half_hours"]) == (8, 288)
        assert use["share_used"] == pytest.approx(8 / 288, abs=1e-4)


def test_a_place_made_divisible_offers_its_divisions_not_also_its_whole_floor(demo_app):
    with demo_app.app_context():
        owner, _ = _users()
        place = create_space(owner, {**SCHOOL, "divisible_room_m2": None,
                                     "divisible_rooms": None}).id
        city = city_info(db.session.scalar(select(City).where(City.slug == "seoul")))
        t, rows = indexes.city_index(city).index.place_rows(place)
        assert len(rows) == 1 and t.room_name_of(int(rows[0])) == "Whole space"
        update_space(owner, place, {"divisible_room_m2": 60, "divisible_rooms": 12})
        t, rows = indexes.city_index(city).index.place_rows(place)
        # the whole-space room would double-book the floor its divisions stand for
        assert sorted(t.id[rows].tolist()) == sorted(division_key(place, i)
                                                     for i in range(1, 13))
        assert set(t.floor_m2[rows].tolist()) == {60.0}


def test_the_whole_floor_is_not_offered_beside_a_room_added_to_it(demo_app):
    """A place listed before it had rooms keeps its automatic whole-space room; once the
    owner adds a hall, the whole floor and the hall must not go to two projects at once."""
    with demo_app.app_context():
        owner, group = _users()
        place = create_space(owner, {**ALL_ON, "title": "작은 센터", "lon": HERE[0],
                                     "lat": HERE[1], "floor_area_m2": 150, "capacity": 80}).id
        hall = add_room(owner, place, {"name": "Hall", "floor_area_m2": 70, "capacity": 40})
        city = city_info(db.session.scalar(select(City).where(City.slug == "seoul")))
        t, rows = indexes.city_index(city).index.place_rows(place)
        assert t.id[rows].tolist() == [hall.id]
        near = {"max_distance_m": 60}
        first = _project(group, title="모임 1", **near)
        second = _project(group, title="모임 2", **near)
        view = plans.plan_city(city)
        here = [p for p in view.pairings if p["space_id"] == place]
        assert len(here) == 1 and here[0]["room_id"] == hall.id
        assert {first, second} - {p["project_id"] for p in here}  # one had to go elsewhere
        page = place_page(place)
        assert [r.name for r in page.rooms] == ["Hall"]
