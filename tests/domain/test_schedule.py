import pytest
from hypothesis import given
from hypothesis import strategies as st

from spacematch.domain.errors import ValidationError
from spacematch.domain.schedule import (
    DAYS,
    overlap_minutes,
    parse_weekly_hours,
    weekly_minutes,
)


def test_day_ranges_wrap_around_the_week():
    assert list(parse_weekly_hours("sat-mon 10:00-12:00")) == ["mon", "sat", "sun"]


@pytest.mark.parametrize("text,fragment", [
    ("funday 10:00-12:00", "not a day"),
    ("mon 10-12", "not a time range"),
    ("mon 10:00-25:00", "not a valid time"),
    ("mon", "should look like"),
])
def test_bad_hours_name_the_field_and_problem(text, fragment):
    with pytest.raises(ValidationError) as err:
        parse_weekly_hours(text, field="weekly_hours")
    assert err.value.problems[0].field == "weekly_hours"
    assert fragment in err.value.problems[0].problem


ranges = st.tuples(st.integers(0, 47), st.integers(1, 48)).filter(lambda t: t[0] < t[1])
schedules = st.dictionaries(
    st.sampled_from(DAYS),
    st.lists(ranges.map(lambda t: f"{t[0] // 2:02d}:{t[0] % 2 * 30:02d}-"
                                  f"{t[1] // 2:02d}:{t[1] % 2 * 30:02d}"), min_size=1, max_size=3),
    max_size=7,
).map(parse_weekly_hours)


@given(schedules, schedules)
def test_overlap_is_symmetric_and_bounded(a, b):
    ab = overlap_minutes(a, b)
    assert ab == overlap_minutes(b, a)
    assert 0 <= ab <= min(weekly_minutes(a), weekly_minutes(b))
    assert overlap_minutes(a, a) == weekly_minutes(a)


@given(schedules)
def test_normalising_is_idempotent(a):
    assert parse_weekly_hours(a) == a
