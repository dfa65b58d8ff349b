"""Fairness rules in the pairing: unmeetable shares, true reasons, rejected inputs."""

import math

import pytest

from spacematch.domain.pairing import Candidate, plan_pairings
from spacematch.domain.schedule import parse_weekly_hours, to_slot_mask

TUE_EVENING = to_slot_mask(parse_weekly_hours("tue 18:00-21:00"), outward=True)
SAT_MORNING = to_slot_mask(parse_weekly_hours("sat 10:00-13:00"), outward=True)


def test_a_share_no_plan_can_reach_is_dropped_and_said_plainly():
    # Projects 1 and 2 of district 12 both want room 10 on Tuesday evening: only one can have it.
    slots = {1: TUE_EVENING, 2: TUE_EVENING}
    cands = [Candidate(1, 10, 0.9), Candidate(2, 10, 0.6)]
    plan = plan_pairings(cands, slots, min_share={"12": 1.0}, group_of={1: "12", 2: "12"})
    assert plan.status == "optimal"
    assert [(c.project, c.space) for c in plan.pairings] == [(1, 10)]
    assert plan.total == pytest.approx(0.9) and plan.fairness_cost == 0
    [warning] = plan.warnings
    assert "district 12" in warning and "100 %" in warning
    assert "at most 1 of its 2 projects" in warning and "asks for 2" in warning
    assert "lower the district's total score" not in plan.unmatched[2]
    assert "same hours" in plan.unmatched[2]


def test_the_share_is_kept_for_districts_that_can_reach_it():
    # District a cannot pair both 1 and 2; district b can pair 3, at the cost of project 4.
    slots = {1: TUE_EVENING, 2: TUE_EVENING, 3: TUE_EVENING, 4: TUE_EVENING}
    cands = [Candidate(1, 10, 0.9), Candidate(2, 10, 0.6), Candidate(3, 11, 0.5),
             Candidate(4, 11, 0.9)]
    group = {1: "a", 2: "a", 3: "b", 4: "c"}
    plan = plan_pairings(cands, slots, min_share={"a": 1.0, "b": 1.0}, group_of=group,
                         group_names={"a": "Jongno-gu", "b": "Mapo-gu"})
    assert plan.status == "optimal"
    assert {(c.project, c.space) for c in plan.pairings} == {(1, 10), (3, 11)}
    assert plan.fairness_cost == pytest.approx(0.4)
    [warning] = plan.warnings
    assert "Jongno-gu" in warning and "Mapo-gu" not in warning
    assert "minimum share of Mapo-gu" in plan.unmatched[4]
    assert "without the fairness rules it would be paired" in plan.unmatched[4]


def test_shares_that_only_clash_with_each_other_come_as_close_as_the_rooms_allow():
    # Each district alone can pair its project, but both want room 10 on Tuesday evening.
    slots = {1: TUE_EVENING, 2: TUE_EVENING, 3: SAT_MORNING}
    cands = [Candidate(1, 10, 0.9), Candidate(2, 10, 0.6), Candidate(3, 11, 0.7)]
    group = {1: "a", 2: "b", 3: "b"}
    plan = plan_pairings(cands, slots, min_share={"a": 1.0, "b": 1.0}, group_of=group)
    assert plan.status == "optimal"
    assert {c.project for c in plan.pairings} == {1, 3}
    [warning] = plan.warnings
    assert "district b" in warning and "together with" in warning
    assert "1 of its 2 projects" in warning and "asks for 2" in warning


def test_a_project_pushed_out_by_priority_is_told_so():
    slots = {1: TUE_EVENING, 2: TUE_EVENING}
    cands = [Candidate(1, 10, 0.9), Candidate(2, 10, 0.8)]
    plan = plan_pairings(cands, slots, priority={2: 1.5})
    assert [c.project for c in plan.pairings] == [2]
    reason = plan.unmatched[1]
    assert "higher priority" in reason and "2" in reason
    assert "without the fairness rules it would be paired" in reason
    assert "score more" not in reason and "lower the district's total score" not in reason


def test_a_project_that_loses_on_score_alone_is_not_blamed_on_the_rules():
    # Project 2 loses room 10 to project 1 with or without the priority given to project 3.
    slots = {1: TUE_EVENING, 2: TUE_EVENING, 3: SAT_MORNING}
    cands = [Candidate(1, 10, 0.9), Candidate(2, 10, 0.5), Candidate(3, 11, 0.4)]
    plan = plan_pairings(cands, slots, priority={3: 2.0})
    assert {c.project for c in plan.pairings} == {1, 3}
    assert "same hours" in plan.unmatched[2] and "priority" not in plan.unmatched[2]


def test_a_room_free_at_the_project_s_hours_is_given_to_it_even_at_score_zero():
    # Room 10 is busy on Saturday only, so project 2 can have it on Tuesday: the old plan left
    # it out and claimed the room was taken "at the same hours".
    slots = {1: SAT_MORNING, 2: TUE_EVENING}
    cands = [Candidate(1, 10, 0.9), Candidate(2, 10, 0.0)]
    plan = plan_pairings(cands, slots)
    assert {(c.project, c.space) for c in plan.pairings} == {(1, 10), (2, 10)}
    assert plan.shared_spaces == {10: [1, 2]} and plan.unmatched == {}


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_a_priority_that_is_not_a_positive_number_is_refused(bad):
    with pytest.raises(ValueError, match="priority"):
        plan_pairings([Candidate(1, 10, 0.5)], {1: TUE_EVENING}, priority={1: bad})


@pytest.mark.parametrize("bad", [-0.1, 1.5, math.nan])
def test_a_minimum_share_outside_zero_to_one_is_refused(bad):
    with pytest.raises(ValueError, match="share"):
        plan_pairings([Candidate(1, 10, 0.5)], {1: TUE_EVENING}, min_share={"a": bad},
                      group_of={1: "a"})
