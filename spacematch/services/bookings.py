"""Hours already booked: a place's approved and active pairings that have not ended.

The place's page shows them (hours taken, hours free), the engine's indexes leave them out of
what each room offers (services.indexes), and approvals check new bookings against them
(services.pairings). A pairing books a room (``room_id``), one of a divisible place's equal
rooms (``division``), or, with neither, the place as a whole: every room of it.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import or_, select

from ..db.models import City, Match, Space
from ..domain.conflicts import Booking
from ..domain.days import today_in
from ..domain.rooms import division_key
from ..domain.workflow import HOLDING
from ..extensions import db

TAKING = HOLDING  # match statuses that hold a room's hours
_COLUMNS = (Match.id, Match.space_id, Match.room_id, Match.division, Match.weekly_hours,
            Match.starts_on, Match.ends_on)


def live(today: date):
    """The SQL conditions of a booking that holds hours on ``today`` (its city's today:
    ``city_today``, ``place_today``)."""
    return (Match.status.in_(TAKING),
            or_(Match.ends_on.is_(None), Match.ends_on >= today))


def city_today(city_id: int) -> date:
    """Today's date in the city's time zone."""
    return today_in(db.session.scalar(select(City.timezone).where(City.id == city_id)))


def place_today(place_id: int) -> date:
    """Today's date where the place is."""
    return today_in(db.session.scalar(
        select(City.timezone).join(Space, Space.city_id == City.id).where(Space.id == place_id)))


def room_key(space_id: int, room_id: int | None, division: int | None) -> int | None:
    """The engine's key of the room a pairing books; None for the place as a whole."""
    if division:
        return division_key(space_id, division)
    return room_id


def booking_of(match: Match) -> Booking:
    return Booking(match.id, room_key(match.space_id, match.room_id, match.division),
                   dict(match.weekly_hours or {}), match.starts_on, match.ends_on)


def _bookings(where, today: date) -> list[tuple[int, Booking]]:
    rows = db.session.execute(select(*_COLUMNS).join(Space, Space.id == Match.space_id)
                              .where(*where, *live(today)).order_by(Match.id))
    return [(space, Booking(i, room_key(space, room, division), dict(hours or {}), a, b))
            for i, space, room, division, hours, a, b in rows]


def place_bookings(place_id: int) -> dict[int | None, tuple[np.ndarray, int]]:
    """Per room key of the place (None: the whole place), the slots its live bookings
    hold and how many bookings there are. A booking that names no hours counts, but holds
    no slot."""
    out: dict[int | None, tuple[np.ndarray, int]] = {}
    for _, b in _bookings([Match.space_id == place_id], place_today(place_id)):
        mask, n = out.get(b.room, (np.zeros_like(b.slots()), 0))
        out[b.room] = (mask | b.slots(), n + 1)
    return out


def held_slots(city_id: int, since: int | None = None
               ) -> tuple[dict[int, dict[int | None, np.ndarray]], date | None]:
    """Per place of the city (or of its places stamped after version ``since``), per room
    key (None: the whole place), the slots its live bookings hold; and the first day on
    which one of them no longer holds (when the index must look again).

    A booking holds its hours from now to its last day, whatever its first: the engine
    never offers hours that are promised, even for later.
    """
    where = [Space.city_id == city_id]
    if since is not None:
        where.append(Space.row_version > since)
    out: dict[int, dict[int | None, np.ndarray]] = {}
    first_free = None
    for space, b in _bookings(where, city_today(city_id)):
        per_room = out.setdefault(space, {})
        per_room[b.room] = per_room.get(b.room, np.zeros_like(b.slots())) | b.slots()
        if b.ends_on is not None and b.ends_on < date.max:
            free = b.ends_on + timedelta(days=1)
            first_free = free if first_free is None else min(first_free, free)
    return out, first_free
