"""Scoring: hard constraints hold, explanations carry numbers, and scores are monotone."""

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacematch.domain.explain import explain, why_not
from spacematch.domain.index import SpaceIndex
from spacematch.domain.pairing import Candidate, plan_pairings
from spacematch.domain.scoring import CRITERIA, FAIL_AREA, FAIL_COST, evaluate, failed_constraints
from spacematch.domain.spacetable import AMENITY_BIT
from spacematch.domain.synthetic import make_areas, make_needs, make_spaces

AREAS = make_areas()
TABLE = make_spaces(3000, seed=11)
NEEDS = make_needs(40, seed=12, radius=(3000, 8000))


def _score(table, needs):
    ev = evaluate(table, np.array([0]), needs, AREAS)
    return ev.failed[0], ev.total[0]


pairs = st.tuples(st.integers(0, len(TABLE) - 1), st.integers(0, len(NEEDS) - 1))


def _passing(pair):
    row, k = pair
    t = TABLE.take(np.array([row]))
    t.uses[:] = 0
    n = NEEDS[k]
    # make the space qualify, then improve one thing at a time
    t.floor_m2[:] = n.area_min * (0.85 + 0.3 * (row % 7) / 6)
    t.capacity[:] = n.participants
    t.floor_level[:] = 0
    t.access[:] = 0xF
    t.amenities[:] |= n.amenity_bits
    t.slots[:] = t.slots | n.slots
    t.cost_kind[:] = 2
    t.cost_amount[:] = 1.0
    t.x[:] = n.x + (n.max_distance_m or 1000) * 0.6
    t.y[:] = n.y
    n = type(n)(**{**n.__dict__, "budget_monthly": max(n.budget_monthly, 1e6)})
    return t, n


@settings(max_examples=80, deadline=None)
@given(pairs, st.floats(0.05, 1.0))
def test_improving_a_space_never_lowers_its_score(pair, step):
    t, n = _passing(pair)
    failed, base = _score(t, n)
    assert failed == 0
    closer = t.take(np.array([0]))
    closer.x[:] = n.x + (closer.x - n.x) * (1 - step)
    toward = t.take(np.array([0]))
    toward.floor_m2[:] = toward.floor_m2 + (n.area_min - toward.floor_m2).clip(0) * step
    cheaper = t.take(np.array([0]))
    cheaper.cost_amount[:] = cheaper.cost_amount * (1 - step)
    equipped = t.take(np.array([0]))
    equipped.amenities[:] |= AMENITY_BIT[list(AMENITY_BIT)[int(step * 8)]]
    for better in (closer, toward, cheaper, equipped):
        f, s = _score(better, n)
        assert f == 0 and s >= base - 1e-12


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
        cands += [Candidate(i, h.space_id, h.score) for h in index.search(n, 10)]
    plan = plan_pairings(cands, slots, list(range(len(NEEDS))))
    assert plan.pairings
    for c in plan.pairings:
        ev = index.evaluate_one(c.space, NEEDS[c.project])
        assert ev.failed[0] == 0 and ev.total[0] == pytest.approx(c.score)


def test_explanations_carry_numbers_in_both_languages():
    index = SpaceIndex(TABLE, AREAS)
    n = next(n for n in NEEDS if index.search(n, 1))
    hit = index.search(n, 1)[0]
    t, row = index.lookup(hit.space_id)
    ev = evaluate(t, np.array([row]), n, AREAS)
    lines = explain(t, ev, 0, n, AREAS)
    assert [ln.key for ln in lines] == list(CRITERIA)
    assert "m²" in lines[0].en and "m²" in lines[0].ko
    assert re.search(r"^[\d,.]+ k?m from your location", lines[1].en)
    assert "역" in lines[2].ko and "station" in lines[2].en
    assert sum(ln.score * ln.weight for ln in lines) == pytest.approx(hit.score)


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
