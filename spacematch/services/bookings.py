"""Hours already booked: a room's pairings that are accepted or approved and have not ended.

The place's page shows them (hours taken, hours free). The pairing workflow (issue 7) will
read them here too, to keep the engine from offering booked hours again.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import or_, select

from ..db.models import Match
from ..domain.schedule import parse_weekly_hours, to_slot_mask
from ..extensions import db

TAKING = ("accepted", "approved")  # match statuses that hold a room's hours


def taken_slots(room_ids: list[int]) -> dict[int, tuple[np.ndarray, int]]:
    """Per room of ``room_ids``, the slots its live bookings hold, and how many it has.

    A booking that names no hours counts, but holds no slot. A booking holds every half hour
    it touches, as a project's needs do.
    """
    if not room_ids:
        return {}
    stmt = (select(Match.room_id, Match.weekly_hours)
            .where(Match.room_id.in_(room_ids), Match.status.in_(TAKING),
                   or_(Match.ends_on.is_(None), Match.ends_on >= date.today())))
    out: dict[int, tuple[np.ndarray, int]] = {}
    for room_id, hours in db.session.execute(stmt.order_by(Match.id)):
        mask, n = out.get(room_id, (to_slot_mask({}, outward=True), 0))
        if hours:
            mask = mask | to_slot_mask(parse_weekly_hours(hours, "match.weekly_hours"),
                                       outward=True)
        out[room_id] = (mask, n + 1)
    return out
