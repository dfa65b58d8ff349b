import pytest
from hypothesis import given
from hypothesis import strategies as st

from spacematch.domain.errors import ValidationError
from spacematch.domain.schedule import (
    DAYS,
    describe_hours,
    overlap_minutes,
    parse_weekly_hours,
    to_slot_mask,
    weekly_minutes,
)

from . import worlds as w


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


@pytest.mark.parametrize("hours,space,project", [
    ({"mon": ["09:10-09:50"]}, "—", "Mon 09:00–10:00"),
    ({"mon": ["09:10-10:50"]}, "Mon 09:30–10:30", "Mon 09:00–11:00"),
    ({"sat": ["10:00-12:00", "13:15-13:45"]}, "Sat 10:00–12:00", "Sat 10:00–12:00, 13:00–14:00"),
])
def test_a_space_is_described_with_the_hours_matching_uses(hours, space, project):
    assert describe_hours(hours, outward=False) == space
    assert describe_hours(hours, outward=True) == describe_hours(hours) == project


def _as_hours(text: str) -> str:
    """A description read back as weekly hours text (``Mon–Wed/Fri 09:00–10:00`` form)."""
    return "" if text == "—" else text.replace("–", "-").replace("/", ",")


@given(w.weekly_hours(min_days=0))
def test_a_space_description_never_claims_a_slot_it_does_not_offer(hours):
    text = describe_hours(hours, outward=False)
    if not weekly_minutes(hours):
        assert text == "—"
    # what the description says is exactly what matching credits the space with
    assert to_slot_mask(hours, outward=False).tolist() == \
        to_slot_mask(parse_weekly_hours(_as_hours(text)), outward=True).tolist()
