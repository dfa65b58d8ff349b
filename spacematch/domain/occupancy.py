"""How much of a place a plan uses: projects hosted, rooms used, share of room-hours booked.

A pairing books a room for the half hours its project needs that the room offers (the
pairing rules already keep two projects out of one room at one hour). A place's room-hours
are the half hours its rooms are free in a week, summed over its rooms.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .schedule import slot_count


@dataclass(frozen=True)
class PlaceUse:
    place: int
    projects: tuple[int, ...]
    rooms_used: int
    rooms: int
    booked_half_hours: int
    free_half_hours: int

    @property
    def share_used(self) -> float:
        """Share of the place's weekly room-hours the plan books (0 when it offers none)."""
        return self.booked_half_hours / self.free_half_hours if self.free_half_hours else 0.0


def place_use(bookings: list[tuple[int, int]], project_slots: Mapping[int, np.ndarray],
              room_place: Mapping[int, int], room_slots: Mapping[int, np.ndarray]
              ) -> list[PlaceUse]:
    """Per place that hosts a booking: ``bookings`` are (project, room); ``room_place`` and
    ``room_slots`` cover every room on offer of those places. Busiest places first.

    >>> free = {1: np.array([0b1111], dtype=np.uint64), 2: np.array([0b11], dtype=np.uint64)}
    >>> use = place_use([(10, 1), (11, 2)], {10: np.array([0b11], dtype=np.uint64),
    ...                                      11: np.array([0b01], dtype=np.uint64)},
    ...                 {1: 5, 2: 5}, free)
    >>> use[0].projects, use[0].rooms_used, use[0].booked_half_hours, use[0].free_half_hours
    ((10, 11), 2, 3, 6)
    """
    by_place: dict[int, list[tuple[int, int]]] = {}
    for project, room in bookings:
        by_place.setdefault(room_place[room], []).append((project, room))
    rooms_of: dict[int, list[int]] = {}
    for room, place in room_place.items():
        rooms_of.setdefault(place, []).append(room)
    out = []
    for place, booked in by_place.items():
        used = sum(int(slot_count(room_slots[r] & project_slots[p])) for p, r in booked)
        free = sum(int(slot_count(room_slots[r])) for r in rooms_of[place])
        out.append(PlaceUse(place, tuple(sorted(p for p, _ in booked)),
                            len({r for _, r in booked}), len(rooms_of[place]), used, free))
    return sorted(out, key=lambda u: (-len(u.projects), -u.share_used, u.place))
