"""The index against an independent oracle (``oracle.py``) on small generated cities.

The engine is built from the same plain records the oracle reads — as services build it,
first load then deltas and compactions — so the two share input data and nothing else.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spacematch.domain.explain import explain
from spacematch.domain.scoring import failed_constraints, needs_from_project

from . import oracle
from . import worlds as w

TOL = 1e-9


def assert_same_ranking(got: list[tuple[int, float]], expected: list[tuple[int, float]],
                        k: int) -> None:
    """Same length, same score at every rank, and each id where the oracle puts it — up to
    reorderings among scores tied within TOL (float rounding may order those differently)."""
    assert len(got) == min(k, len(expected)), (got, expected[:k])
    assert len({i for i, _ in got}) == len(got)
    truth = dict(expected)
    for (gid, gs), (eid, es) in zip(got, expected, strict=False):
        assert gs == pytest.approx(es, abs=TOL), (got, expected[:k])
        assert gid in truth and truth[gid] == pytest.approx(gs, abs=TOL), (gid, got, expected)
        if gid != eid:
            assert abs(truth[gid] - es) <= TOL, (got, expected[:k])


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(w.cities(), st.integers(1, 12))
def test_search_agrees_with_the_oracle(city, k):
    world, project = city
    index, _ = w.engine_index(world)
    needs = needs_from_project(project, w.project_xy(project))
    final = world.final_spaces()
    assert len(index) == len(final)
    hits = index.search(needs, k)
    assert_same_ranking([(h.space_id, h.score) for h in hits],
                        oracle.ranking(final, project, world), k)
    terms = oracle.terms(project)
    for h in hits:  # each place by its best room, and how many of its rooms fit
        rooms = [s for s in final if s["place"] == h.space_id]
        passing = {s["id"]: v.total for s in rooms
                   if not (v := oracle.judge(s, terms, world)).failed}
        assert h.room in passing and passing[h.room] == pytest.approx(h.score, abs=TOL)
        assert h.rooms_fit == len(passing)


@SETTINGS
@given(w.cities(max_spaces=25))
def test_every_space_is_judged_and_explained_as_the_oracle_does(city):
    world, project = city
    index, areas = w.engine_index(world)
    needs = needs_from_project(project, w.project_xy(project))
    terms = oracle.terms(project)
    for space in world.final_spaces():
        verdict = oracle.judge(space, terms, world)
        ev = index.evaluate_one(space["id"], needs)
        assert set(failed_constraints(int(ev.failed[0]))) == verdict.failed, space
        if verdict.failed:
            continue
        assert float(ev.total[0]) == pytest.approx(verdict.total, abs=TOL)
        t, _ = index.lookup(space["id"])
        for line in explain(t, ev, 0, needs, areas):
            expected = verdict.criteria[line.key]
            if expected is None:
                assert line.score is None and line.weight == 0 and "left out" in line.en
            else:
                assert line.score == pytest.approx(expected, abs=TOL), line
            assert line.weight == pytest.approx(verdict.weights[line.key], abs=TOL)
    gone = {i for b in world.batches for i in b.removed} - set(world.places())
    assert all(index.place_rows(p) is None for p in gone)
    for p in world.places():  # every place holds exactly its rooms of now
        t, rows = index.place_rows(p)
        assert sorted(t.id[rows].tolist()) == sorted(s["id"] for s in world.final_spaces()
                                                     if s["place"] == p)
