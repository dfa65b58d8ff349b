"""The index returns exactly what scoring every space would, before and after changes."""

import numpy as np
import pytest

from spacematch.domain.index import SpaceIndex
from spacematch.domain.synthetic import make_areas, make_needs, make_spaces


@pytest.fixture(scope="module")
def catalogue():
    areas = make_areas()
    return make_spaces(20_000, seed=3), areas


def _ids(hits):
    return [h.space_id for h in hits]


def test_search_equals_brute_force(catalogue):
    table, areas = catalogue
    index = SpaceIndex(table, areas)
    needs = make_needs(150, seed=5)
    nonempty = 0
    for n in needs:
        got = index.search(n, k=20)
        expected = index.brute_force(n, k=20)
        assert _ids(got) == [i for i, _ in expected]
        np.testing.assert_allclose([h.score for h in got], [s for _, s in expected])
        nonempty += bool(got)
    assert nonempty > 100  # the synthetic needs are satisfiable most of the time


def test_search_follows_changes(catalogue):
    table, areas = catalogue
    index = SpaceIndex(table, areas)
    needs = make_needs(60, seed=9)
    # remove the current winner of each of the first needs, and move some spaces around
    removed = {index.search(n, 1)[0].space_id for n in needs[:20] if index.search(n, 1)}
    rows = np.arange(0, 2000, 7)
    moved = index.table.take(rows)
    moved.x = moved.x + 3000.0
    moved.floor_m2 = moved.floor_m2 * 1.3
    index.apply_changes(moved, removed)
    assert len(index) == len(table) - len(removed - set(moved.id.tolist()))
    for n in needs:
        assert _ids(index.search(n, 20)) == [i for i, _ in index.brute_force(n, 20)]
    for n in needs[:20]:
        assert not removed & set(_ids(index.search(n, 20))) - set(moved.id.tolist())
    before = [_ids(index.search(n, 20)) for n in needs]
    index.compact()
    assert [_ids(index.search(n, 20)) for n in needs] == before


def test_ties_break_by_lowest_id(catalogue):
    table, areas = catalogue
    twin = table.take(np.array([0, 0, 0]))
    twin.id = np.array([30, 10, 20])
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
