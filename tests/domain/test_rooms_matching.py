"""Rooms as rows: size judged like a person would, and places ranked by their best room."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacematch.domain.explain import explain, why_not
from spacematch.domain.index import SpaceIndex
from spacematch.domain.rooms import divide_place, division_key
from spacematch.domain.scoring import (
    FAIL_AREA,
    area_fit,
    evaluate,
    failed_constraints,
    needs_from_project,
)
from spacematch.domain.spacetable import AreaTable, SpaceTable

from . import worlds as w

CRS = "EPSG:5179"
# A 25-person community kitchen: 2.5 m² a person, so 62.5 m² ideal, 50–156 m² wanted.
KITCHEN = w.project_record(activity="community_kitchen", participants=25,
                           lonlat=(w.LON0 + 0.05, w.LAT0 + 0.03), max_distance_m=2000)


def _needs(project=KITCHEN):
    xs, ys = w.project_xy(project) or (None, None)
    return needs_from_project(project, (xs, ys) if xs is not None else None)


def _one(m2: float, **kw) -> tuple[SpaceTable, AreaTable]:
    areas = AreaTable.from_records([w.area_record(100)])
    rec = w.space_record(1, floor_area_m2=m2, capacity=400, **kw)
    return SpaceTable.from_records([rec], CRS, areas.ids), areas


def _judge(m2: float):
    t, areas = _one(m2)
    needs = _needs()
    ev = evaluate(t, np.array([0]), needs, areas)
    return t, areas, needs, ev


def test_a_hall_bigger_than_needed_is_a_soft_cost_and_a_gym_a_hard_no():
    needs = _needs()
    assert (needs.area_min, needs.area_max) == (50.0, 156.25)
    hall, big, gym = (_judge(m2) for m2 in (150.0, 400.0, 900.0))
    # the 150 m² hall fits the range; 400 m² still passes, scoring lower, and says why
    assert hall[3].failed[0] == 0 and hall[3].criteria[0, 0] == 1.0
    assert big[3].failed[0] == 0 and 0 < big[3].criteria[0, 0] < 1
    assert big[3].total[0] < hall[3].total[0]
    area_line = explain(big[0], big[3], 0, needs, big[1])[0]
    assert area_line.en.startswith("400 m² is bigger than the 50–156 m² it needs")
    assert "625 m²" in area_line.en and "넓음" in area_line.ko
    # far beyond the need (4 × the range's top): a hard "no" that says "too big", not "small"
    assert failed_constraints(int(gym[3].failed[0])) == ["floor_area"]
    line = why_not(gym[0], gym[3], 0, needs, gym[1])[0]
    assert line.en.startswith("900 m² is far too big") and "625 m²" in line.en
    assert "너무 넓음" in line.ko


def test_a_room_too_small_is_a_hard_no_with_its_numbers():
    t, areas, needs, ev = _judge(30.0)
    assert ev.failed[0] & FAIL_AREA
    line = why_not(t, ev, 0, needs, areas)[0]
    assert line.en == "30 m² is too small: it needs 50–156 m², at least 40 m² for 25 people"


def test_a_maximum_the_group_gave_is_a_hard_limit():
    project = {**KITCHEN, "area_max_m2": 100}
    needs = _needs(project)
    assert needs.area_edges == (pytest.approx(40.0), pytest.approx(120.0))
    t, areas = _one(130.0)
    ev = evaluate(t, np.array([0]), needs, areas)
    assert ev.failed[0] & FAIL_AREA
    assert why_not(t, ev, 0, needs, areas)[0].en == (
        "130 m² is above the most you asked for: 50–100 m², at most 120 m² with the tolerance")


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 80), st.sampled_from(w.ACTIVITIES), st.floats(1, 5000),
       st.floats(1, 5000), st.one_of(st.none(), st.integers(10, 600)))
def test_the_area_score_never_rises_away_from_the_range(people, activity, a, b, given_max):
    """Closer to the wanted range never scores lower, on either side of it; the hard edges
    lie outside the range, and a room exactly at an edge scores 0."""
    project = w.project_record(activity=activity, participants=people, area_max_m2=given_max)
    needs = needs_from_project(project)
    lo, hi = needs.area_min, needs.area_max
    near, far = sorted([a, b], key=lambda m2: max(lo - m2, m2 - hi, 0) / (lo if m2 < lo else hi))
    same_side = (near <= hi and far <= hi) or (near >= lo and far >= lo)
    if same_side:
        assert area_fit(np.array([near]), needs)[0] >= area_fit(np.array([far]), needs)[0]
    lo_edge, hi_edge = needs.area_edges
    assert hi_edge >= hi and lo_edge <= lo
    at_edges = area_fit(np.array([lo_edge, hi_edge]), needs)
    assert at_edges[0] == pytest.approx(0, abs=1e-9) or lo_edge == lo
    assert at_edges[1] == pytest.approx(0, abs=1e-9) or hi_edge == hi


def _school_city():
    """A 900 m² school cut into 12 rooms of 60 m², a centre with three named rooms, and a
    one-room shop; all near the kitchen project."""
    areas = AreaTable.from_records([w.area_record(100)])
    school = {"floor_area_m2": 900.0, "capacity": 600, "floor_level": 0,
              "divisible_room_m2": 60.0, "divisible_rooms": 12}
    base = dict(lon=w.LON0 + 0.051, lat=w.LAT0 + 0.031)
    rooms = [w.space_record(division_key(7, r["index"]), place=7, title="School",
                            room_name=r["name"], floor_area_m2=r["floor_area_m2"],
                            capacity=r["capacity"], **base) for r in divide_place(school)]
    for rid, m2 in ((21, 45.0), (22, 120.0), (23, 900.0)):  # small, right, gym
        rooms.append(w.space_record(rid, place=8, title="Centre", room_name=f"Room {rid}",
                                    floor_area_m2=m2, capacity=300, lon=w.LON0 + 0.049,
                                    lat=w.LAT0 + 0.029))
    rooms.append(w.space_record(31, place=31, title="Shop", floor_area_m2=70.0, capacity=30,
                                lon=w.LON0 + 0.05, lat=w.LAT0 + 0.03))
    return SpaceIndex(SpaceTable.from_records(rooms, CRS, areas.ids), areas)


def test_each_place_appears_once_by_its_best_room_with_how_many_rooms_fit():
    index = _school_city()
    needs = _needs()
    hits = index.search(needs, 10, rooms_per_place=3)
    assert sorted(h.space_id for h in hits) == [7, 8, 31]  # no place twice
    by_place = {h.space_id: h for h in hits}
    assert by_place[7].rooms_fit == 12 and len(by_place[7].rooms) == 3
    # equal rooms tie; the first of them by key (Room 1 of 12) leads
    assert by_place[7].room == division_key(7, 1)
    assert [r for r, _ in by_place[7].rooms] == [division_key(7, i) for i in (1, 2, 3)]
    # the centre's 120 m² room fits the range; 45 m² is a little small; the gym is too big
    assert by_place[8].room == 22 and by_place[8].rooms_fit == 2
    assert [s for _, s in by_place[8].rooms] == sorted([s for _, s in by_place[8].rooms],
                                                      reverse=True)
    assert [h.space_id for h in hits] == [h.space_id for h in sorted(
        hits, key=lambda h: (-h.score, h.space_id))]
    assert [p for p, _ in index.brute_force(needs, 10)] == [h.space_id for h in hits]


def test_a_place_changes_with_all_its_rooms():
    index = _school_city()
    t, rows = index.place_rows(8)
    assert t.id[rows].tolist() == [21, 22, 23]
    # the owner pauses the 120 m² room: the centre now offers only 45 m² and the gym
    kept = t.take(rows[[0, 2]])
    index = index.with_changes(kept)
    t, rows = index.place_rows(8)
    assert t.id[rows].tolist() == [21, 23]
    hit = {h.space_id: h for h in index.search(_needs(), 10)}[8]
    assert (hit.room, hit.rooms_fit) == (21, 1)
    assert index.lookup(22) is None
    index = index.with_changes(None, [8]).compacted()
    assert index.place_rows(8) is None and 8 not in {h.space_id for h in index.search(_needs())}
