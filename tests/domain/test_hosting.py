"""What a place could host: per room, for the whole place, and several things at once."""

import itertools
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from spacematch.domain.activities import load_activities
from spacematch.domain.hosting import could_host, could_host_place, sentence_phrases
from spacematch.domain.rooms import divide_place, effective_room

PLACE = {"floor_area_m2": 900.0, "capacity": 600, "floor_level": 0,
         "accessibility": ["step_free"], "amenities": ["toilets", "water"], "allowed_uses": [],
         "weekly_hours": {}, "cost_kind": "free", "cost_amount": 0, "currency": "KRW"}


def _room(name, m2, capacity, floor, amenities, access=("step_free",), uses=()):
    return {"name": name, "floor_area_m2": m2, "capacity": capacity, "floor_level": floor,
            "accessibility": list(access), "amenities": list(amenities),
            "allowed_uses": list(uses)}


# A closed school: a kitchen that can only be a community kitchen, a classroom upstairs (with a
# lift) and a hall that each fit many things.
KITCHEN = _room("Kitchen", 35, 16, 0, ["kitchen", "water", "toilets"])
CLASSROOM = _room("Classroom 2", 60, 30, 2, ["heating_cooling", "power", "internet", "toilets"],
                  access=["lift"])
HALL = _room("Hall", 150, 80, 0, ["power", "toilets", "sound_insulation", "storage", "water"])
SCHOOL = [KITCHEN, CLASSROOM, HALL]


def _best_by_brute_force(rooms):
    """Most different activities at once in distinct rooms, then the highest score sum."""
    fits = [{f.activity: f.score for f in could_host(r)} for r in rooms]
    codes = sorted({a for f in fits for a in f})
    best = (0, 0.0)
    for choice in itertools.product([None, *codes], repeat=len(rooms)):
        used = [a for a in choice if a is not None]
        if len(used) != len(set(used)):
            continue
        if any(a is not None and a not in fits[i] for i, a in enumerate(choice)):
            continue
        best = max(best, (len(used), round(sum(fits[i][a] for i, a in enumerate(choice)
                                               if a is not None), 6)))
    return best


def test_a_school_of_three_rooms_hosts_three_different_things_at_once():
    hosting = could_host_place(PLACE, SCHOOL)
    assert [r.name for r in hosting.rooms] == ["Kitchen", "Classroom 2", "Hall"]
    # The kitchen fits the community kitchen only; the others fit many things.
    assert [f.activity for f in hosting.rooms[0].fits] == ["community_kitchen"]
    assert len(hosting.rooms[1].fits) > 5 and len(hosting.rooms[2].fits) > 5
    together = hosting.together
    rooms = [p.room for p in together.activities]
    activities = [p.fit.activity for p in together.activities]
    assert len(activities) == 3 == len(set(activities)) == len(set(rooms))
    assert dict(zip(activities, rooms, strict=True))["community_kitchen"] == "Kitchen"
    # each activity is one its room fits, with that room's own reason
    for pair in together.activities:
        assert pair.fit.fits
        assert pair.fit in hosting.rooms[pair.room_index].fits
    assert (len(activities), round(together.score, 6)) == _best_by_brute_force(SCHOOL)
    # Ties (three activities score 1.0 in the hall, three in the classroom) go to the activity
    # first in the place's list, which ranks by score, then by code.
    assert activities == ["arts_studio", "meeting_workshop", "community_kitchen"]
    assert together.en == ("This place could host an arts studio, a meeting room and a "
                           "community kitchen at the same time, in different rooms.")
    assert together.ko == ("이 장소는 예술 작업실, 회의실, 공유부엌 활동을 서로 다른 방에서 "
                           "동시에 열 수 있습니다.")


def test_the_whole_place_lists_each_activity_once_with_its_best_room():
    hosting = could_host_place(PLACE, SCHOOL)
    codes = [p.fit.activity for p in hosting.place]
    assert len(codes) == len(set(codes))
    per_room = [{f.activity: f for f in r.fits} for r in hosting.rooms]
    assert set(codes) == {a for fits in per_room for a in fits}
    for entry in hosting.place:
        scores = [fits[entry.fit.activity].score for fits in per_room
                  if entry.fit.activity in fits]
        assert entry.fit.score == max(scores) and entry.rooms == len(scores)
        assert per_room[entry.room_index][entry.fit.activity] == entry.fit
    # both the classroom and the hall fit a pop-up shop; the hall fits it better
    popup = next(p for p in hosting.place if p.fit.activity == "popup_shop")
    assert (popup.room, popup.rooms) == ("Hall", 2)
    keys = [(-p.fit.score, p.fit.activity) for p in hosting.place]
    assert keys == sorted(keys)
    # what no room fits, with the reason of the room that comes closest
    assert {p.fit.activity for p in hosting.misfits} == {"childcare", "urban_garden"}
    garden = next(p for p in hosting.misfits if p.fit.activity == "urban_garden")
    assert not garden.fit.fits and garden.rooms == 0 and "outdoor space" in garden.fit.en


def test_a_room_that_would_take_the_best_activity_leaves_it_to_the_only_room_that_fits_it():
    """Greedy per room would put the community kitchen in the canteen (its best) and leave the
    small kitchen with nothing; the assignment hosts two things instead of one."""
    canteen = _room("Canteen", 80, 40, 0, ["kitchen", "water", "toilets", "heating_cooling",
                                           "storage", "power"],
                    uses=["community_kitchen", "meeting_workshop"])
    rooms = [canteen, KITCHEN]
    hosting = could_host_place(PLACE, rooms)
    assert hosting.rooms[0].fits[0].activity == "community_kitchen"  # the canteen's best
    pairs = {p.room: p.fit.activity for p in hosting.together.activities}
    assert pairs == {"Canteen": "meeting_workshop", "Kitchen": "community_kitchen"}
    assert (2, round(hosting.together.score, 6)) == _best_by_brute_force(rooms)


def test_a_divisible_place_of_twelve_rooms_hosts_twelve_things_at_once():
    place = {**PLACE, "divisible_room_m2": 60.0, "divisible_rooms": 12,
             "amenities": ["toilets", "water", "heating_cooling", "power", "internet",
                           "storage"]}
    rooms = [effective_room(place, r) for r in divide_place(place)]
    hosting = could_host_place(place, rooms)
    assert len(hosting.rooms) == 12
    assert all(r.fits == hosting.rooms[0].fits for r in hosting.rooms)  # equal rooms
    fits = [f.activity for f in hosting.rooms[0].fits]
    assert len(fits) == 13  # of the 15 activities: not the kitchen (no kitchen), not the garden
    assert all(p.rooms == 12 and p.room == "Room 1 of 12" for p in hosting.place)
    together = hosting.together.activities
    # twelve rooms, thirteen things they fit: twelve at once, the twelve best, earliest rooms
    assert len(together) == 12 == len({p.fit.activity for p in together})
    assert [p.fit.activity for p in together] == fits[:12]
    assert sorted(p.room_index for p in together) == list(range(12))
    assert hosting.together.en.startswith("This place could host a meeting room, a study "
                                          "room, a youth job club and 9 other activities at "
                                          "the same time")
    assert "외 9개 활동을 서로 다른 방에서 동시에" in hosting.together.ko


def test_a_place_of_a_thousand_equal_rooms_is_answered_at_once():
    place = {**PLACE, "floor_area_m2": 60_000.0, "capacity": 30_000,
             "divisible_room_m2": 60.0, "divisible_rooms": 1000,
             "amenities": ["toilets", "water", "heating_cooling", "power"]}
    rooms = [effective_room(place, r) for r in divide_place(place)]
    started = time.perf_counter()
    hosting = could_host_place(place, rooms)
    assert time.perf_counter() - started < 2
    assert len(hosting.together.activities) == len(hosting.place)
    assert sorted(p.room_index for p in hosting.together.activities) == list(
        range(len(hosting.place)))


def test_one_room_claims_nothing_at_the_same_time():
    hosting = could_host_place(PLACE, [CLASSROOM])
    assert len(hosting.together.activities) == 1
    assert "same time" not in hosting.together.en and "동시에" not in hosting.together.ko
    assert hosting.together.en == ("This place could host a meeting room, a study room, a "
                                   "youth job club or 8 other activities, one at a time.")
    assert hosting.together.ko == ("이 장소는 회의실, 공부방, 청년 취업 동아리 외 8개 활동을 "
                                   "한 번에 하나씩 열 수 있습니다.")
    only = could_host_place(PLACE, [KITCHEN])
    assert only.together.en == "This place could host a community kitchen."
    assert only.together.ko == "이 장소는 공유부엌 활동을 열 수 있습니다."


def test_a_place_nothing_fits_says_so():
    cellar = _room("Cellar", 10, 3, -1, [], access=[])
    hosting = could_host_place(PLACE, [cellar])
    assert hosting.place == () and hosting.together.activities == ()
    assert hosting.together.en == "No activity in the catalogue fits this place as listed."
    assert len(hosting.misfits) == len(load_activities())


def test_a_place_given_no_rooms_is_judged_whole():
    place = {**PLACE, "amenities": ["kitchen", "water", "toilets"]}
    hosting = could_host_place(place, [])
    assert [r.name for r in hosting.rooms] == ["Whole space"]
    assert [p.fit for p in hosting.place] == could_host(place)


def test_every_activity_has_words_for_the_sentence():
    phrases = sentence_phrases()
    assert set(phrases) == set(load_activities())
    assert all(en and ko and "," not in en and " and " not in en and " or " not in en
               for en, ko in phrases.values())


def test_the_answer_does_not_depend_on_anything_but_its_input():
    assert could_host_place(PLACE, SCHOOL) == could_host_place(PLACE, [dict(r) for r in SCHOOL])


AMENITY_SETS = [["kitchen", "water", "toilets"], ["power"], ["toilets", "heating_cooling"],
                ["power", "internet", "toilets", "heating_cooling"], ["storage", "power"],
                ["outdoor_space", "water", "storage"], ["toilets", "sound_insulation", "power"]]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([12, 20, 35, 60, 150]), st.integers(2, 60),
                          st.sampled_from([0, 0, 2]), st.sampled_from(range(len(AMENITY_SETS)))),
                min_size=1, max_size=3))
def test_together_is_the_largest_then_best_set_a_brute_force_finds(specs):
    rooms = [_room(f"Room {i}", m2, cap, floor, AMENITY_SETS[a], access=[])
             for i, (m2, cap, floor, a) in enumerate(specs)]
    together = could_host_place(PLACE, rooms).together
    found = (len(together.activities), round(together.score, 6))
    assert found == _best_by_brute_force(rooms)
    assert len({p.room_index for p in together.activities}) == found[0]
