"""Pairing: time-sharing and fairness that says its cost (brute-force comparisons live in
test_pairing_properties.py, rule edge cases in test_pairing_rules.py)."""

import pytest

from spacematch.domain.pairing import Candidate, plan_pairings
from spacematch.domain.schedule import parse_weekly_hours, to_slot_mask

HOURS = ["tue 18:00-21:00", "tue 20:00-22:00", "thu 18:00-21:00", "sat 10:00-13:00",
         "tue,thu 18:00-21:00"]
MASKS = [to_slot_mask(parse_weekly_hours(h), outward=True) for h in HOURS]


def test_a_room_is_shared_by_projects_at_different_hours():
    slots = {1: MASKS[0], 2: MASKS[3], 3: MASKS[1]}  # Tue evening, Sat morning, Tue late
    cands = [Candidate(1, 10, 0.9), Candidate(2, 10, 0.8), Candidate(3, 10, 0.7)]
    plan = plan_pairings(cands, slots)
    assert {(c.project, c.space) for c in plan.pairings} == {(1, 10), (2, 10)}
    assert plan.shared_spaces == {10: [1, 2]}
    assert "same hours" in plan.unmatched[3]


def test_priority_changes_the_plan_and_reports_its_cost():
    slots = {1: MASKS[0], 2: MASKS[0]}
    cands = [Candidate(1, 10, 0.9), Candidate(2, 10, 0.8)]
    plain = plan_pairings(cands, slots)
    assert [c.project for c in plain.pairings] == [1]
    fair = plan_pairings(cands, slots, priority={2: 1.5})
    assert [c.project for c in fair.pairings] == [2]
    assert fair.fairness_cost == pytest.approx(0.1)


def test_minimum_share_per_district():
    slots = {1: MASKS[0], 2: MASKS[0], 3: MASKS[0]}
    cands = [Candidate(1, 10, 0.9), Candidate(2, 10, 0.85), Candidate(2, 11, 0.8),
             Candidate(3, 11, 0.95)]
    group = {1: "north", 2: "south", 3: "north"}
    plain = plan_pairings(cands, slots)
    assert {c.project for c in plain.pairings} == {1, 3}
    fair = plan_pairings(cands, slots, min_share={"south": 1.0}, group_of=group)
    assert 2 in {c.project for c in fair.pairings}
    assert fair.fairness_cost == pytest.approx(plain.total - fair.total) and fair.fairness_cost > 0


def test_projects_without_candidates_say_why():
    plan = plan_pairings([], {}, [7], no_candidate_reason={7: "nothing within 1 km"})
    assert plan.unmatched == {7: "nothing within 1 km"}
