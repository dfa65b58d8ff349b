"""The index returns exactly what scoring every space would, before and after changes."""

import numpy as np
import pytest

from spacematch.domain.explain import explain
from spacematch.domain.index import SpaceIndex, concat_tables
from spacematch.domain.scoring import FAIL_AREAS, evaluate, needs_from_project
from spacematch.domain.spacetable import AreaTable, SpaceTable
from spacematch.domain.synthetic import make_areas, make_needs, make_spaces

from . import worlds as w


@pytest.fixture(scope="module")
def catalogue():
    areas = make_areas()
    return make_spaces(20_000, seed=3), areas


def _ids(hits):
    return [h.space_id for h in hits]


def test_search_equals_brute_force(catalogue):
    table, areas = catalogue
    index = SpaceIndex(table, areas)
    # the synthetic needs are satisfiable most of the time
    assert _agrees_with_brute_force(index, make_needs(150, seed=5)) > 100


def _agrees_with_brute_force(index, needs) -> int:
    """Assert the index answers each of ``needs`` as scoring every space would; count hits."""
    nonempty = 0
    for n in needs:
        got = index.search(n, k=20)
        expected = index.brute_force(n, k=20)
        assert _ids(got) == [i for i, _ in expected]
        np.testing.assert_allclose([h.score for h in got], [s for _, s in expected])
        nonempty += bool(got)
    return nonempty


def test_search_equals_brute_force_for_projects_that_choose_areas(catalogue):
    table, areas = catalogue
    index = SpaceIndex(table, areas)
    needs = [n for n in make_needs(150, seed=6, areas=areas) if n.preferred_areas]
    assert {n.x is None for n in needs} == {True, False}
    levels = {int(np.isin(areas.ancestors, list(n.preferred_areas)).any(axis=0).argmax()) + 1
              if not np.isin(areas.ids, list(n.preferred_areas)).any() else 0 for n in needs}
    assert levels == {0, 1, 2}  # neighbourhoods, districts and regions are all chosen
    assert _agrees_with_brute_force(index, needs) > len(needs) // 2


def test_search_follows_changes(catalogue):
    table, areas = catalogue
    index = SpaceIndex(table, areas)
    needs = make_needs(60, seed=9)
    # remove the current winner of each of the first needs, and move some places (with all
    # their rooms: a place changes whole) around
    removed = {index.search(n, 1)[0].space_id for n in needs[:20] if index.search(n, 1)}
    places = np.unique(index.table.place[np.arange(0, 2000, 7)])
    moved = index.table.take(np.flatnonzero(np.isin(index.table.place, places)))
    assert len(moved) > len(places)  # some moved places have several rooms
    moved.x = moved.x + 3000.0
    moved.floor_m2 = moved.floor_m2 * 1.3
    index.apply_changes(moved, removed)
    rooms_removed = np.isin(table.place, list(removed - set(places.tolist()))).sum()
    assert len(index) == len(table) - rooms_removed
    for n in needs:
        assert _ids(index.search(n, 20)) == [i for i, _ in index.brute_force(n, 20)]
    for n in needs[:20]:
        assert not removed & set(_ids(index.search(n, 20))) - set(places.tolist())
    before = [_ids(index.search(n, 20)) for n in needs]
    index.compact()
    assert [_ids(index.search(n, 20)) for n in needs] == before


def test_ties_break_by_lowest_id(catalogue):
    table, areas = catalogue
    twin = table.take(np.array([0, 0, 0]))
    twin.id = np.array([30, 10, 20])
    twin.place = twin.id.copy()  # three places of one room each
    twin.uses = np.zeros(3, dtype=np.uint32)
    twin.capacity = np.full(3, 100, dtype=np.int32)
    index = SpaceIndex(twin, areas)
    n = make_needs(1, seed=2)[0]
    n = type(n)(**{**n.__dict__, "x": float(twin.x[0]), "y": float(twin.y[0]),
                   "area_min": 1.0, "area_max": 5000.0, "participants": 1,
                   "budget_monthly": 1e12, "access_bits": 0, "ground_or_lift": False,
                   "activity": "meeting_workshop", "slots": twin.slots[0].copy(),
                   "amenity_bits": 0, "max_distance_m": 100.0})
    hits = index.search(n, 3)
    assert _ids(hits) == [10, 20, 30]
    assert len({h.score for h in hits}) == 1


def test_copy_on_write_leaves_the_old_index_untouched(catalogue):
    table, areas = catalogue
    old = SpaceIndex(table, areas)
    needs = make_needs(30, seed=21)
    before = [_ids(old.search(n, 10)) for n in needs]
    winners = {h[0] for h in before if h}
    new = old.with_changes(None, winners)
    assert [_ids(old.search(n, 10)) for n in needs] == before
    assert all(not winners & set(_ids(new.search(n, 10))) for n in needs)
    assert [_ids(new.compacted().search(n, 10)) for n in needs] == \
        [_ids(new.search(n, 10)) for n in needs]


# -- deltas keep their own lookup lists (currencies, stop names) ------------------------------
def _stops():
    return {"subway": [{"name": "City Hall", "lon": w.LON0 + 0.051, "lat": w.LAT0 + 0.031}],
            "bus": [{"name": "Market", "lon": w.LON0 + 0.049, "lat": w.LAT0 + 0.029}]}


def _one_area():
    return AreaTable.from_records([w.area_record(100)])


def _hits(index, **project):
    needs = needs_from_project(w.project_record(**project))
    return [(h.space_id, h.score) for h in index.search(needs, 10)]


def test_a_usd_space_stays_usd_after_its_delta_is_compacted():
    areas, stops = _one_area(), _stops()
    krw = w.space_record(1, cost_kind="monthly", cost_amount=100_000, currency="KRW")
    usd = w.space_record(2, cost_kind="monthly", cost_amount=100, currency="USD")
    index = SpaceIndex(SpaceTable.from_records([krw], w.CRS, areas.ids, stops), areas)
    index = index.with_changes(SpaceTable.from_records([usd], w.CRS, areas.ids, stops))
    for current in (index, index.compacted()):
        assert [i for i, _ in _hits(current, budget_amount=200, currency="USD")] == [2]
        assert [i for i, _ in _hits(current, budget_amount=200_000, currency="KRW")] == [1]


def test_a_city_that_starts_empty_keeps_its_first_space_after_compaction():
    areas, stops = _one_area(), _stops()
    empty = SpaceTable.from_records([], w.CRS, areas.ids, stops)
    index = SpaceIndex(empty, areas)
    first = w.space_record(7, cost_kind="hourly", cost_amount=1_000, currency="KRW")
    index = index.with_changes(SpaceTable.from_records([first], w.CRS, areas.ids, stops))
    project = {"budget_amount": 100_000}
    before = _hits(index, **project)
    assert [i for i, _ in before] == [7]
    compacted = index.compacted()
    after = _hits(compacted, **project)
    assert [i for i, _ in after] == [7]
    assert after[0][1] == pytest.approx(before[0][1])
    needs = needs_from_project(w.project_record(**project))
    t, row = compacted.lookup(7)
    lines = {ln.key: ln for ln in explain(t, compacted.evaluate_one(7, needs), 0, needs, areas)}
    assert "City Hall" in lines["transit"].en and "City Hall" in lines["transit"].ko


def test_tables_with_different_lookup_lists_meet_without_mixing_codes():
    areas = _one_area()
    a = SpaceTable.from_records([w.space_record(1, currency="KRW"),
                                 w.space_record(2, currency="EUR")], w.CRS, areas.ids,
                                {"subway": [{"name": "West", "lon": w.LON0, "lat": w.LAT0}]})
    b = SpaceTable.from_records([w.space_record(3, currency="USD"),
                                 w.space_record(4, currency="KRW")], w.CRS, areas.ids,
                                {"subway": [{"name": "East", "lon": w.LON0 + 0.1,
                                             "lat": w.LAT0}]})
    both = concat_tables(a, b)
    assert [both.currencies[c] for c in both.currency] == ["KRW", "EUR", "USD", "KRW"]
    assert [both.subway_names[c] for c in both.subway_stop] == ["West", "West", "East", "East"]
    assert concat_tables(a, a).currencies == a.currencies  # equal lists are not grown
    assert len(concat_tables(SpaceTable.from_records([], w.CRS, areas.ids), b)) == 2
    # a table that knows no stops meets one that does: its rows have none, the others keep theirs
    bare = SpaceTable.from_records([w.space_record(5)], w.CRS, areas.ids)
    mixed = concat_tables(a, bare)
    assert [mixed.subway_names[c] if c >= 0 else None for c in mixed.subway_stop] == \
        ["West", "West", None]


# -- preferred areas at any level ---------------------------------------------------------------
def _three_levels():
    """City 1 → districts 10, 11 → neighbourhoods 100, 101 (in 10) and 110 (in 11)."""
    tree = [w.area_record(1), w.area_record(10, 1), w.area_record(11, 1),
            w.area_record(100, 10), w.area_record(101, 10), w.area_record(110, 11)]
    finest = [a for a in tree if a["id"] >= 100]
    return AreaTable.from_records(finest, parent_of={a["id"]: a["parent_id"] for a in tree})


@pytest.mark.parametrize("chosen,expected", [([1], [1, 2, 3]), ([10], [1, 2]), ([11], [3]),
                                             ([101, 11], [2, 3])])
def test_preferred_areas_match_any_ancestor(chosen, expected):
    areas = _three_levels()
    table = SpaceTable.from_records([w.space_record(1, area_id=100), w.space_record(2, area_id=101),
                                     w.space_record(3, area_id=110)], w.CRS, areas.ids)
    index = SpaceIndex(table, areas)
    needs = needs_from_project(w.project_record(preferred_area_ids=chosen))
    assert sorted(i for i, _ in _hits(index, preferred_area_ids=chosen)) == expected
    ev = evaluate(table, slice(0, 3), needs, areas)
    assert sorted(table.id[(ev.failed & FAIL_AREAS) == 0].tolist()) == expected
    assert areas.parent_ids.tolist() == [10, 10, 11]
