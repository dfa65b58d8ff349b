"""Pairing against brute force on small instances drawn (and shrunk) by hypothesis.

The documented semantics the brute force reproduces: a district that cannot reach its share
even alone loses the rule; the plan leaves as few projects short of the other districts'
shares as possible (summed), and among such plans maximises the priority-weighted score;
``fairness_cost`` is the best total without any rule minus the total of the plan returned.
"""

import itertools
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacematch.domain.pairing import Candidate, plan_pairings
from spacematch.domain.schedule import parse_weekly_hours, to_slot_mask

HOURS = ["tue 18:00-21:00", "tue 20:00-22:00", "thu 18:00-21:00", "sat 10:00-13:00",
         "tue,thu 18:00-21:00"]
MASKS = [to_slot_mask(parse_weekly_hours(h), outward=True) for h in HOURS]
GROUPS = "ab"


@st.composite
def instances(draw, rules: bool, crowded: bool = False):
    """Up to 6 projects and 3 spaces; ``crowded``: all at the same hours, where shares fail."""
    n_projects = draw(st.integers(1, 6))
    n_spaces = draw(st.integers(1, 3))
    # Tuesday evening more often than the rest, so that projects compete for rooms
    hours = [0] * n_projects if crowded else draw(st.lists(
        st.sampled_from([0, 0, 0, 1, 2, 3, 4]), min_size=n_projects, max_size=n_projects))
    # a score in thousandths, or None when the space is not a candidate of the project
    score = st.integers(1, 1000)
    grid = draw(st.lists(st.one_of(st.none(), score, score),
                         min_size=n_projects * n_spaces, max_size=n_projects * n_spaces))
    cands = [Candidate(p, s, grid[p * n_spaces + s] / 1000) for p in range(n_projects)
             for s in range(n_spaces) if grid[p * n_spaces + s] is not None]
    slots = {p: MASKS[h] for p, h in enumerate(hours)}
    if not rules:
        return cands, slots, None, None, None
    multipliers = draw(st.lists(st.one_of(st.none(), st.floats(0.2, 4.0)),
                                min_size=n_projects, max_size=n_projects))
    priority = {p: m for p, m in enumerate(multipliers) if m is not None}
    groups = draw(st.lists(st.sampled_from(GROUPS), min_size=n_projects, max_size=n_projects))
    # a share of 1.0 more often than the rest, so that some cannot be met
    min_share = draw(st.dictionaries(st.sampled_from(GROUPS), st.one_of(
        st.just(1.0), st.sampled_from([0.0, 0.5]), st.floats(0.0, 1.0)),
        min_size=2 if crowded else 0))
    return cands, slots, priority or None, min_share or None, dict(enumerate(groups))


def _overlap(a, b) -> bool:
    return bool(np.any(a & b))


def _feasible(chosen, slots) -> bool:
    if len({c.project for c in chosen}) < len(chosen):
        return False
    return not any(a.space == b.space and _overlap(slots[a.project], slots[b.project])
                   for a, b in itertools.combinations(chosen, 2))


def _needs(cands, min_share, group_of) -> dict[str, int]:
    """Projects each district must pair: its share of the projects with candidates."""
    wanting = {c.project for c in cands}
    needs = {}
    for g, share in (min_share or {}).items():
        n = sum(1 for p in wanting if group_of[p] == g)
        if math.ceil(share * n - 1e-9) > 0:
            needs[g] = math.ceil(share * n - 1e-9)
    return needs


def _paired_in(chosen, group_of, g) -> int:
    return sum(1 for c in chosen if group_of[c.project] == g)


def _all_plans(cands, slots):
    by_project: dict[int, list[Candidate]] = {}
    for c in cands:
        by_project.setdefault(c.project, []).append(c)
    for combo in itertools.product(*([None, *cs] for cs in by_project.values())):
        chosen = [c for c in combo if c is not None]
        if _feasible(chosen, slots):
            yield chosen


def _weighted(chosen, priority) -> float:
    return sum(c.score * (priority or {}).get(c.project, 1.0) for c in chosen)


@settings(max_examples=80, deadline=None)
@given(instances(rules=False))
def test_plan_equals_brute_force_optimum_and_never_double_books(inst):
    cands, slots, *_ = inst
    projects = list(slots)
    plan = plan_pairings(cands, slots, projects)
    assert plan.status == "optimal" and plan.warnings == []
    assert _feasible(plan.pairings, slots)
    assert plan.total == pytest.approx(max(sum(c.score for c in ch)
                                           for ch in _all_plans(cands, slots)), abs=1e-9)
    assert plan.fairness_cost == 0
    assert set(plan.unmatched) | {c.project for c in plan.pairings} == set(projects)
    assert all(plan.unmatched.values())


@settings(max_examples=80, deadline=None)
@given(instances(rules=True))
def test_plan_with_priority_and_shares_equals_brute_force(inst):
    _assert_matches_brute_force(inst)


@settings(max_examples=60, deadline=None)
@given(instances(rules=True, crowded=True))
def test_shares_that_cannot_all_be_met_fall_back_as_documented(inst):
    _assert_matches_brute_force(inst)


def _assert_matches_brute_force(inst):
    cands, slots, priority, min_share, group_of = inst
    projects = list(slots)
    plan = plan_pairings(cands, slots, projects, priority=priority, min_share=min_share,
                         group_of=group_of)
    needs = _needs(cands, min_share, group_of)
    plans = list(_all_plans(cands, slots))

    def unmet(chosen) -> set[str]:
        return {g for g, n in needs.items() if _paired_in(chosen, group_of, g) < n}

    alone = {g: max(_paired_in(ch, group_of, g) for ch in plans) for g in needs}
    kept = {g for g, n in needs.items() if alone[g] >= n}

    def shortfall(chosen) -> int:
        return sum(max(0, needs[g] - _paired_in(chosen, group_of, g)) for g in kept)

    least = min(shortfall(ch) for ch in plans)
    best = max(_weighted(ch, priority) for ch in plans if shortfall(ch) == least)
    best_plain = max(sum(c.score for c in ch) for ch in plans)

    assert plan.status == "optimal"
    assert _feasible(plan.pairings, slots)
    assert shortfall(plan.pairings) == least
    assert _weighted(plan.pairings, priority) == pytest.approx(best, abs=1e-6)
    assert plan.total == pytest.approx(sum(c.score for c in plan.pairings), abs=1e-9)
    assert plan.fairness_cost >= -1e-9
    assert plan.fairness_cost == pytest.approx(best_plain - plan.total, abs=1e-6)
    assert set(plan.unmatched) | {c.project for c in plan.pairings} == set(projects)
    assert not set(plan.unmatched) & {c.project for c in plan.pairings}
    assert all(plan.unmatched.values())

    # one warning per district whose share the plan does not reach, with true numbers
    assert len(plan.warnings) == len(unmet(plan.pairings))
    for g in unmet(plan.pairings):
        [warning] = [w for w in plan.warnings if f"district {g}:" in w or f"district {g} " in w]
        wanting = len({c.project for c in cands if group_of[c.project] == g})
        if g in kept:
            paired = _paired_in(plan.pairings, group_of, g)
            assert "together with" in warning and f" {paired} of its {wanting} " in warning
        else:
            assert f"at most {alone[g]} of its {wanting} project" in warning
        assert f"asks for {needs[g]})" in warning


@settings(max_examples=80, deadline=None)
@given(st.one_of(instances(rules=True), instances(rules=True, crowded=True)))
def test_reasons_for_unpaired_projects_are_true(inst):
    cands, slots, priority, min_share, group_of = inst
    plan = plan_pairings(cands, slots, list(slots), priority=priority, min_share=min_share,
                         group_of=group_of)
    plans = list(_all_plans(cands, slots))
    best_plain = max(sum(c.score for c in ch) for ch in plans)
    optima = [ch for ch in plans if sum(c.score for c in ch) >= best_plain - 1e-9]
    for p, reason in plan.unmatched.items():
        mine = [c for c in cands if c.project == p]
        if not mine:
            continue
        if "same hours" in reason:
            assert all(any(q.space == c.space and _overlap(slots[q.project], slots[p])
                           for q in plan.pairings) for c in mine), reason
        if "without the fairness rules it would be paired" in reason:
            assert any(p in {c.project for c in ch} for ch in optima), reason
        if "score more in total" in reason or "even without the fairness rules" in reason:
            assert any(p not in {c.project for c in ch} for ch in optima), reason
        if "higher priority" in reason:
            named = {int(x) for x in re.findall(r"\d+", reason.split("higher priority")[1]
                                                .split(")")[0])}
            assert named and all((priority or {}).get(q, 1.0) > (priority or {}).get(p, 1.0)
                                 for q in named), reason
        if not priority and not min_share:
            assert "rule" not in reason and "priority" not in reason
