"""When two bookings of one place cannot both stand: same room, shared hours, shared dates.

A booking holds every half hour its weekly hours touch (as a project's needs do), from its
first day to its last (either may be open); two bookings clash only on a day both run, so
when they share less than a week only the weekdays of those days count. A booking that names
no room holds the whole place, so it meets every room of it.

>>> from datetime import date
>>> a = Booking(1, room=7, hours={"tue": ["18:00-21:00"]}, starts_on=date(2027, 1, 1),
...             ends_on=date(2027, 6, 30))
>>> b = Booking(2, room=7, hours={"tue": ["20:30-22:00"]}, starts_on=date(2027, 3, 1),
...             ends_on=None)
>>> clash(a, b)
True
>>> clash(a, Booking(3, room=8, hours={"tue": ["18:00-21:00"]}))
False
>>> clash(a, Booking(4, room=7, hours={"tue": ["21:00-22:00"]}))
False
>>> when = describe_clash(a, b)
>>> when, when.ko
('Tue 20:30–21:00, 2027-03-01 to 2027-06-30', '화 20:30–21:00, 2027-03-01 ~ 2027-06-30')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from .schedule import DAYS, describe_slots, to_slot_mask
from .vocabulary import Text


@dataclass(frozen=True)
class Booking:
    """A pairing's hold on a room: ``room`` None is the whole place."""

    id: int
    room: int | None
    hours: dict = field(default_factory=dict)
    starts_on: date | None = None
    ends_on: date | None = None

    def slots(self) -> np.ndarray:
        return to_slot_mask(self.hours, outward=True)


def dates_meet(a: Booking, b: Booking) -> bool:
    """Whether the two date ranges share a day (an open end reaches forever)."""
    return ((a.ends_on is None or b.starts_on is None or b.starts_on <= a.ends_on)
            and (b.ends_on is None or a.starts_on is None or a.starts_on <= b.ends_on))


def rooms_meet(a: Booking, b: Booking) -> bool:
    return a.room is None or b.room is None or a.room == b.room


def _shared_window(a: Booking, b: Booking) -> tuple[date | None, date | None]:
    start = max((d for d in (a.starts_on, b.starts_on) if d), default=None)
    end = min((d for d in (a.ends_on, b.ends_on) if d), default=None)
    return start, end


def _shared_slots(a: Booking, b: Booking) -> np.ndarray:
    """The weekly slots both hold on some day they share: when they share less than a
    week, only the weekdays those days fall on (a Tuesday booking for a Friday to a Sunday
    meets no other Tuesday booking)."""
    both = a.slots() & b.slots()
    start, end = _shared_window(a, b)
    if start is not None and end is not None and (end - start).days < 6:
        days = {DAYS[(start + timedelta(days=k)).weekday()]
                for k in range(max((end - start).days + 1, 0))}
        both = both & to_slot_mask({d: ["00:00-24:00"] for d in days}, outward=True)
    return both


def clash(a: Booking, b: Booking) -> bool:
    """Whether ``a`` and ``b`` want the same room at the same half hour on a same day.

    >>> tue = {"tue": ["18:00-21:00"]}
    >>> clash(Booking(1, 7, tue, date(2027, 1, 1), date(2027, 1, 3)),  # Friday to Sunday
    ...       Booking(2, 7, tue))
    False
    """
    return (a.id != b.id and rooms_meet(a, b) and dates_meet(a, b)
            and bool(np.any(_shared_slots(a, b))))


def conflicts(booking: Booking, others: list[Booking]) -> list[Booking]:
    """The bookings of ``others`` that clash with ``booking``, by id."""
    return sorted((o for o in others if clash(booking, o)), key=lambda o: o.id)


def describe_clash(a: Booking, b: Booking) -> Text:
    """The shared hours and dates, in words (English and Korean)."""
    shared = _shared_slots(a, b)
    hours, hours_ko = describe_slots(shared), describe_slots(shared, "ko")
    start, end = _shared_window(a, b)
    if start is None and end is None:
        return Text(hours, hours_ko)
    return Text(f"{hours}, {start.isoformat() if start else 'from now'} to "
                f"{end.isoformat() if end else 'no end date'}",
                f"{hours_ko}, {start.isoformat() if start else '지금부터'} ~ "
                f"{end.isoformat() if end else '종료일 없음'}")
