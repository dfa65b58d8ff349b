"""Scoring: hard constraints hold, explanations carry numbers, and scores are monotone."""

import re
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spacematch.domain.activities import load_activities
from spacematch.domain.explain import explain, why_not
from spacematch.domain.index import SpaceIndex
from spacematch.domain.pairing import Candidate, plan_pairings
from spacematch.domain.scoring import (
    CRITERIA,
    FAIL_AREA,
    FAIL_COST,
    evaluate,
    failed_constraints,
    needs_from_project,
)
from spacematch.domain.spacetable import AreaTable, SpaceTable
from spacematch.domain.synthetic import make_areas, make_needs, make_spaces

from . import worlds as w
from .oracle import ancestry, terms

AREAS = make_areas()
TABLE = make_spaces(3000, seed=11)
NEEDS = make_needs(40, seed=12, radius=(3000, 8000))


# -- monotonicity: a better space never scores lower -------------------------------------------
@st.composite
def passing_cases(draw) -> tuple[w.World, dict, dict]:
    """A small city, a project and one space that passes every hard constraint."""
    areas = draw(w.area_trees())
    project = draw(w.projects([a["id"] for a in areas]))
    space = draw(w.fitting_spaces(1, project, areas, exact=True))
    return w.World(areas, draw(w.stop_sets()), [space]), project, space


def _judge(world: w.World, project: dict, space: dict):
    areas = w.area_table(world)
    t = SpaceTable.from_records([space], w.CRS, areas.ids, world.stops)
    needs = needs_from_project(project, w.project_xy(project))
    return evaluate(t, np.array([0]), needs, areas), needs, areas


def _toward(a: float, b: float, step: float) -> float:
    return a + (b - a) * step


def _improve(criterion: str, step: float, world: w.World, project: dict, space: dict):
    """The same case with one attribute of the space moved ``step`` of the way toward what
    the project wants (everything else as it was)."""
    better = dict(space)
    _, needs, areas = _judge(world, project, space)
    if criterion == "area":
        goal = min(max(space["floor_area_m2"], needs.area_min), needs.area_max)
        better["floor_area_m2"] = _toward(space["floor_area_m2"], goal, step)
    elif criterion == "distance" and project["lonlat"]:
        # the place moves toward the space, not the space toward the place: moving the
        # space would change its walk to the stops too, which is another criterion
        lon, lat = project["lonlat"]
        project = {**project, "lonlat": (_toward(lon, space["lon"], step),
                                         _toward(lat, space["lat"], step))}
    elif criterion == "transit":
        # a new station on the way to the space's door
        station = {"name": "new", "lon": space["lon"] + (1 - step) * 0.004,
                   "lat": space["lat"] + (1 - step) * 0.003}
        world = replace(world, stops={**world.stops,
                                      "subway": [*world.stops.get("subway", []), station]})
    elif criterion == "availability":
        wanted = w.touched_half_hours(terms(project).hours)
        days = sorted(wanted)[:max(1, round(step * len(wanted)))]
        better["weekly_hours"] = w.union_hours(space["weekly_hours"], {d: wanted[d] for d in days})
    elif criterion == "cost":
        better["cost_amount"] = space["cost_amount"] * (1 - step)
        if better["cost_amount"] == 0:
            better["cost_kind"] = "free"
    elif criterion == "amenities":
        lacking = sorted(set(load_activities()[project["activity"]].helpful)
                         - set(space["amenities"]))
        if lacking:
            better["amenities"] = sorted({*space["amenities"], lacking[int(step * 0.999 *
                                                                          len(lacking))]})
    elif criterion == "need":
        # to the neediest area the project accepts (where the space is counts as 0.5 when
        # the area is unknown), if that is needier than where the space is
        chosen = set(project["preferred_area_ids"])
        need = areas.need(needs.need_kind or "")
        here = np.flatnonzero(areas.ids == space["area_id"])
        now = need[here[0]] if len(here) else 0.5
        fits = [(need[i], int(a)) for i, a in enumerate(areas.ids) if need[i] >= now and (
            not chosen or {int(a), *ancestry(int(a), world.parent_of)} & chosen)]
        if fits:
            better["area_id"] = max(fits)[1]
    return world, project, better


@pytest.mark.parametrize("criterion", CRITERIA)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=passing_cases(), step=st.floats(0.05, 1.0))
def test_moving_a_space_toward_the_ideal_never_lowers_its_total(criterion, case, step):
    world, project, space = case
    if criterion == "transit" and not world.stops:
        # transit that starts to apply is a different question (it may lower the total)
        world = replace(world, stops={"bus": [{"name": "far", "lon": w.LON0, "lat": w.LAT0}]})
    before, _, _ = _judge(world, project, space)
    assert before.failed[0] == 0
    after, _, _ = _judge(*_improve(criterion, step, world, project, space))
    assert after.failed[0] == 0, failed_constraints(int(after.failed[0]))
    assert after.total[0] >= before.total[0] - 1e-12


def test_scores_stay_in_unit_range_and_failures_score_minus_inf():
    for n in NEEDS:
        ev = evaluate(TABLE, slice(0, len(TABLE)), n, AREAS)
        assert np.all((ev.criteria >= 0) & (ev.criteria <= 1))
        ok = ev.failed == 0
        assert np.all(np.isinf(ev.total[~ok])) and np.all((ev.total[ok] >= 0) & (ev.total[ok] <= 1))


def test_every_pairing_of_a_plan_passes_every_hard_constraint():
    index = SpaceIndex(TABLE, AREAS)
    cands, slots = [], {}
    for i, n in enumerate(NEEDS):
        slots[i] = n.slots
        # pairing books rooms: each place's best rooms are candidates
        cands += [Candidate(i, room, score) for h in index.search(n, 10, rooms_per_place=3)
                  for room, score in h.rooms]
    plan = plan_pairings(cands, slots, list(range(len(NEEDS))))
    assert plan.pairings
    for c in plan.pairings:
        ev = index.evaluate_one(c.space, NEEDS[c.project])
        assert ev.failed[0] == 0 and ev.total[0] == pytest.approx(c.score)


def test_explanations_carry_numbers_in_both_languages():
    index = SpaceIndex(TABLE, AREAS)
    n = next(n for n in NEEDS if index.search(n, 1))
    hit = index.search(n, 1)[0]
    t, row = index.lookup(hit.room)
    assert t.place[row] == hit.space_id
    ev = evaluate(t, np.array([row]), n, AREAS)
    lines = explain(t, ev, 0, n, AREAS)
    assert [ln.key for ln in lines] == list(CRITERIA)
    assert "m²" in lines[0].en and "m²" in lines[0].ko
    assert re.search(r"^[\d,.]+ k?m from your location", lines[1].en)
    assert "역" in lines[2].ko and "station" in lines[2].en
    assert sum(ln.score * ln.weight for ln in lines if ln.score is not None) == \
        pytest.approx(hit.score)


def test_why_not_names_each_failed_constraint():
    n = NEEDS[0]
    t = TABLE.take(np.array([0]))
    t.floor_m2[:] = n.area_max * 10
    t.cost_kind[:] = 1
    t.cost_amount[:] = n.budget_monthly + 1e9
    ev = evaluate(t, np.array([0]), n, AREAS)
    assert {"floor_area", "cost"} <= set(failed_constraints(int(ev.failed[0])))
    lines = {ln.key: ln for ln in why_not(t, ev, 0, n, AREAS)}
    assert ev.failed[0] & FAIL_AREA and ev.failed[0] & FAIL_COST
    assert f"{n.area_max * 10:,.0f} m²" in lines["floor_area"].en
    assert "예산" in lines["cost"].ko


# -- the area range a project gives is respected ------------------------------------------------
def _one(space: dict, project: dict, stops=None, areas=None, xy=None):
    """Evaluation of one space (a record) for one project (a record)."""
    areas = areas or AreaTable.from_records([w.area_record(100)])
    t = SpaceTable.from_records([space], w.CRS, areas.ids, stops)
    needs = needs_from_project(project, xy)
    return t, evaluate(t, np.array([0]), needs, areas), needs, areas


@pytest.mark.parametrize("m2", [45.0, 50.0, 58.0])
def test_a_maximum_alone_is_not_undercut_by_the_derived_minimum(m2):
    # 40 people at 2 m² each would derive 64 m² as minimum, above the group's own 50 m²
    project = w.project_record(activity="meeting_workshop", participants=40, area_max_m2=50)
    t, ev, needs, _ = _one(w.space_record(1, floor_area_m2=m2), project)
    assert not ev.failed[0] & FAIL_AREA
    assert needs.area_min <= needs.area_max == 50


@pytest.mark.parametrize("m2", [300.0, 400.0, 750.0])
def test_a_minimum_alone_is_not_overtaken_by_the_derived_maximum(m2):
    # five people need far less than 300 m²; the group asked for at least 300, no maximum
    project = w.project_record(activity="meeting_workshop", participants=5, area_min_m2=300)
    t, ev, needs, _ = _one(w.space_record(1, floor_area_m2=m2, capacity=10), project)
    assert not ev.failed[0] & FAIL_AREA
    assert needs.area_min == 300 and needs.area_max >= m2


# -- criteria that do not apply are left out -----------------------------------------------------
STOPS = {"subway": [{"name": "City Hall", "lon": w.LON0 + 0.06, "lat": w.LAT0 + 0.03}],
         "bus": [{"name": "Market", "lon": w.LON0 + 0.05, "lat": w.LAT0 + 0.035}]}
AGES = [w.area_record(100, elders=3_000), w.area_record(101, elders=500),
        w.area_record(102, elders=1_500)]


def _total(project, stops=STOPS, xy=None, helpful=None, ages=AGES):
    areas = AreaTable.from_records(ages)
    space = w.space_record(1, amenities=["heating_cooling", "internet"], cost_kind="hourly",
                           cost_amount=2_000)
    t = SpaceTable.from_records([space], w.CRS, areas.ids, stops)
    needs = needs_from_project(project, xy)
    if helpful is not None:
        needs = replace(needs, helpful_bits=helpful)
    ev = evaluate(t, np.array([0]), needs, areas)
    assert ev.failed[0] == 0
    return float(ev.total[0]), explain(t, ev, 0, needs, areas)


XY = (955_000.0, 1_950_000.0)


@pytest.mark.parametrize("left_out,setting,reason_en,reason_ko", [
    ("distance", {"xy": None}, "no preferred location", "희망 위치"),
    ("need", {"project": {"beneficiaries": ["youth"]}}, "neither elders nor children", "어르신"),
    ("transit", {"stops": {}}, "no transit stops", "대중교통"),
    ("amenities", {"helpful": 0}, "no helpful amenities", "편의시설"),
    ("need", {"ages": [w.area_record(a["id"], population=None) for a in AGES]},
     "no age figures", "연령 통계"),
])
def test_a_criterion_that_does_not_apply_is_left_out(left_out, setting, reason_en, reason_ko):
    base = {"beneficiaries": ["elders"], "budget_amount": 500_000, "weekly_hours":
            {"tue": ["19:00-21:00"], "wed": ["10:00-12:00"]}}
    project = w.project_record(**{**base, **setting.get("project", {})})
    kwargs = {"xy": XY, **{k: v for k, v in setting.items() if k != "project"}}
    total, lines = _total(project, **kwargs)
    # leaving a criterion out is the same as the project giving it no weight at all
    weightless = w.project_record(**{**base, "weights": {left_out: 0}})
    assert total == pytest.approx(_total(weightless, xy=XY)[0])
    line = {ln.key: ln for ln in lines}[left_out]
    assert line.score is None and line.weight == 0.0
    assert "left out" in line.en and reason_en in line.en
    assert "제외" in line.ko and reason_ko in line.ko
    counted = [ln for ln in lines if ln.score is not None]
    assert len(counted) == len(lines) - 1
    assert sum(ln.weight for ln in counted) == pytest.approx(1.0)
    assert sum(ln.score * ln.weight for ln in counted) == pytest.approx(total)


def test_why_not_does_not_invent_time_a_space_does_not_give():
    # free 09:10–09:50: not one whole half hour, so matching credits it with nothing
    space = w.space_record(1, weekly_hours={"tue": ["19:10-19:50"]})
    t, ev, needs, areas = _one(space, w.project_record(weekly_hours={"tue": ["19:00-21:00"]}))
    line = {ln.key: ln for ln in why_not(t, ev, 0, needs, areas)}["weekly_hours"]
    assert "19:00–21:00" in line.en  # the project's hours are shown as asked
    assert "no whole half hour" in line.en and "30분" in line.ko
    assert "free —" not in line.en and not line.ko.startswith("—")
