"""When two bookings of one place clash: the cases people ask about, and ``clash`` against a
brute force that walks every minute of every day."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spacematch.domain.conflicts import Booking, clash, conflicts, describe_clash

TUE = {"tue": ["18:00-21:00"]}
JAN, JUN = date(2027, 1, 1), date(2027, 6, 30)


def b(id_, room=7, hours=None, starts=None, ends=None):
    return Booking(id_, room, TUE if hours is None else hours, starts, ends)


def both_ways(x, y) -> bool:
    assert clash(x, y) == clash(y, x)
    return clash(x, y)


def test_same_room_same_hours_same_dates_clash():
    assert both_ways(b(1, starts=JAN, ends=JUN), b(2, starts=JAN, ends=JUN))
    assert both_ways(b(1, hours={"tue": ["20:00-22:00"]}), b(2))


@pytest.mark.parametrize(("first", "second", "meet"), [
    ("18:00-21:00", "21:00-22:00", False),  # one ends as the other starts
    ("18:00-20:59", "21:00-22:00", False),
    ("18:00-21:01", "21:00-22:00", True),  # a minute into the next half hour takes it
    ("18:00-20:45", "20:50-22:00", True),  # both touch 20:30-21:00
    ("09:00-09:30", "09:30-10:00", False),
    ("00:00-24:00", "23:59-24:00", True),
])
def test_half_hours_are_held_whole(first, second, meet):
    assert both_ways(b(1, hours={"wed": [first]}), b(2, hours={"wed": [second]})) == meet


def test_other_days_do_not_clash():
    assert not both_ways(b(1), b(2, hours={"wed": ["18:00-21:00"], "thu": ["18:00-21:00"]}))
    assert both_ways(b(1, hours={"mon": ["10:00-11:00"], "tue": ["20:30-21:00"]}), b(2))


@pytest.mark.parametrize(("a_dates", "b_dates", "meet"), [
    ((JAN, date(2027, 3, 1)), (date(2027, 3, 1), JUN), True),  # share 1 March
    ((JAN, date(2027, 2, 28)), (date(2027, 3, 1), JUN), False),
    ((None, None), (date(2030, 1, 1), date(2030, 2, 1)), True),  # open both ways
    ((None, date(2027, 2, 1)), (date(2027, 2, 2), None), False),
    ((None, date(2027, 2, 2)), (date(2027, 2, 2), None), True),
    ((date(2027, 5, 1), None), (None, JUN), True),
    ((date(2027, 7, 1), None), (None, JUN), False),
])
def test_dates_must_share_a_day(a_dates, b_dates, meet):
    hours = {d: ["10:00-12:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    assert both_ways(b(1, hours=hours, starts=a_dates[0], ends=a_dates[1]),
                     b(2, hours=hours, starts=b_dates[0], ends=b_dates[1])) == meet


def test_a_short_stay_clashes_only_on_the_weekdays_it_has():
    fri_to_sun = (date(2027, 1, 1), date(2027, 1, 3))
    assert fri_to_sun[0].weekday() == 4
    assert not both_ways(b(1, starts=fri_to_sun[0], ends=fri_to_sun[1]), b(2))
    sat = {"sat": ["18:00-21:00"]}
    assert both_ways(b(1, hours=sat, starts=fri_to_sun[0], ends=fri_to_sun[1]),
                     b(2, hours=sat))


def test_the_whole_place_meets_every_room_and_rooms_do_not_meet_each_other():
    assert both_ways(b(1, room=None), b(2, room=7))
    assert both_ways(b(1, room=None), b(2, room=-69999))  # a division too
    assert both_ways(b(1, room=None), b(2, room=None))
    assert not both_ways(b(1, room=7), b(2, room=8))
    assert not both_ways(b(1, room=-69999), b(2, room=-69998))


def test_a_booking_never_clashes_with_itself_nor_without_hours():
    assert not clash(b(1), b(1))
    assert not both_ways(b(1, hours={}), b(2))


def test_conflicts_lists_the_clashing_ones_by_id():
    mine = b(0, starts=JAN, ends=JUN)
    others = [b(9), b(3, room=8), b(5, room=None), b(4, hours={"tue": ["21:00-23:00"]}),
              b(2, starts=date(2028, 1, 1)), b(7, hours={"tue": ["17:00-18:30"]})]
    assert [o.id for o in conflicts(mine, others)] == [5, 7, 9]
    assert conflicts(mine, []) == []


def test_describe_clash_names_the_shared_hours_and_days():
    a = b(1, hours={"tue": ["18:00-21:00"], "thu": ["18:00-21:00"]}, starts=JAN, ends=JUN)
    c = b(2, hours={"tue": ["20:00-22:00"], "thu": ["17:00-19:00"]},
          starts=date(2027, 3, 1))
    assert describe_clash(a, c) == "Tue 20:00–21:00; Thu 18:00–19:00, 2027-03-01 to 2027-06-30"
    assert describe_clash(b(1), b(2, hours={"tue": ["17:00-18:10"]})) == "Tue 18:00–18:30"
    assert describe_clash(b(1, ends=JUN), b(2)) == "Tue 18:00–21:00, from now to 2027-06-30"
    assert describe_clash(b(1, starts=JAN), b(2)) == \
        "Tue 18:00–21:00, 2027-01-01 to no end date"


# -- against brute force ---------------------------------------------------------------------
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
FIRST, LAST = date(2027, 1, 1), date(2027, 2, 28)  # the dates drawn
HORIZON = (FIRST - timedelta(days=10), LAST + timedelta(days=10))  # open ends reach past it


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def ranges(draw):
    start = draw(st.integers(0, 24 * 60 - 1))
    end = draw(st.integers(start + 1, min(start + 300, 24 * 60)))
    return f"{_hhmm(start)}-{_hhmm(end)}"


@st.composite
def bookings(draw, id_):
    days = draw(st.lists(st.sampled_from(DAYS[:3]), max_size=3, unique=True))
    hours = {d: draw(st.lists(ranges(), min_size=1, max_size=2)) for d in days}
    day = st.one_of(st.none(), st.dates(FIRST, LAST))
    starts, ends = draw(day), draw(day)
    if starts and ends and ends < starts:
        starts, ends = ends, starts
    return Booking(draw(st.sampled_from([id_, 0])), draw(st.sampled_from([None, 1, 2])),
                   hours, starts, ends)


def _held(booking: Booking) -> set[tuple[int, int]]:
    """(weekday, half hour) of every minute the booking's hours cover."""
    out = set()
    for day, rngs in booking.hours.items():
        for rng in rngs:
            start, end = (int(t[:2]) * 60 + int(t[3:]) for t in rng.split("-"))
            out |= {(DAYS.index(day), minute // 30) for minute in range(start, end)}
    return out


def _days(booking: Booking):
    day, last = booking.starts_on or HORIZON[0], booking.ends_on or HORIZON[1]
    while day <= last:
        yield day
        day += timedelta(days=1)


def oracle(a: Booking, c: Booking) -> bool:
    if a.id == c.id or not (a.room is None or c.room is None or a.room == c.room):
        return False
    a_held, c_held = _held(a), _held(c)
    shared_days = set(_days(a)) & set(_days(c))
    return any((d.weekday(), s) in c_held for d in shared_days for w, s in a_held
               if w == d.weekday())


@settings(max_examples=500, deadline=None)
@given(a=bookings(1), c=bookings(2))
def test_clash_agrees_with_brute_force(a, c):
    assert clash(a, c) == oracle(a, c)
    assert [o.id for o in conflicts(a, [c])] == ([c.id] if oracle(a, c) else [])
