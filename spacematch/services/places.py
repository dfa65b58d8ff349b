"""A place's page: its rooms, what each could host, what the whole place could host at once,
and which hours its pairings already take.

Everyone sees the listed rooms of a place that is not a draft (services.rooms.list_rooms); a
divisible place's divisions are one row ("12 rooms of about 60 m²"), though the place could
host as many things at once as it has divisions. A room's hours are taken by its pairings
that are accepted or approved and have not ended; its free hours are the rest of its own
opening hours (or the place's), in the half-hour slots matching uses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..domain.hosting import PlaceFit, RoomHosting, could_host_place
from ..domain.rooms import divide_place, division_key, effective_room, room_label, rooms_on_offer
from ..domain.schedule import SLOT_WORDS, describe_hours, describe_slots, to_slot_mask
from ..domain.vocabulary import Text
from .bookings import place_bookings
from .catalogue import space_detail
from .rooms import RoomView, list_rooms

NO_HOURS_TAKEN = Text("no hours taken yet", "아직 예약된 시간 없음")
BOOKED_AT_NO_HOURS = Text("booked, at hours not named", "예약됨, 시간 미지정")


@dataclass(frozen=True)
class RoomRow:
    """A room of the place as its page shows it, or all of a divisible place's divisions.

    ``own_*`` are the facts the room has of its own where they differ from the place's
    (``None``: as the place). The name and the hours texts are Texts (English and Korean).
    """

    id: int | None  # None for the divisions, which are not rooms of their own
    name: str
    count: int  # 1, or how many equal divisions the row stands for
    floor_area_m2: float
    capacity: int
    floor_level: int
    own_accessibility: list[str] | None
    own_amenities: list[str] | None
    own_allowed_uses: list[str] | None
    own_hours: str | None  # described as matching reads them
    own_cost: dict | None  # kind, amount, currency
    fits: tuple[dict, ...]  # what it could host, best first (domain.hosting.HostingFit)
    misfits: tuple[dict, ...]  # what it could not, each with its reason
    bookings: int  # pairings taking its hours
    taken_hours: str
    free_hours: str


@dataclass(frozen=True)
class PlacePage:
    place: dict  # catalogue.space_detail
    rooms: tuple[RoomRow, ...]
    # each activity some room fits, with the best room for it ("room", "room_id") and how
    # many rooms fit it ("rooms"); best first
    could_host: tuple[dict, ...]
    could_not_host: tuple[dict, ...]  # with the reason of the room that comes closest
    together: dict  # "activities" distinct rooms could host at once, "score", "en", "ko"


def place_page(place_id: int) -> PlacePage:
    """Everything the page of a place shows but its map; drafts are NotFound."""
    place = space_detail(place_id)
    views = list_rooms(place_id)
    # the rooms the engine offers too: not the whole floor beside rooms of it
    offered = {r["id"] for r in rooms_on_offer(place, [asdict(v) for v in views])}
    listed = [v for v in views if v.id in offered]
    divisions = divide_place(place)
    rooms = [effective_room(place, asdict(r)) for r in listed]
    rooms += [effective_room(place, d) for d in divisions]
    hosting = could_host_place(place, rooms)
    booked = place_bookings(place_id)
    whole = booked.get(None)  # a booking of the whole place takes every room's hours

    rows = [_room_row(place, view, rooms[i], hosting.rooms[i], *_with_whole(
        booked.get(view.id), whole)) for i, view in enumerate(listed)]
    if divisions:
        first = len(listed)
        m2 = divisions[0]["floor_area_m2"]
        rows.append(RoomRow(
            id=None, name=Text(f"{len(divisions)} rooms of about {m2:g} m²",
                               f"약 {m2:g} m² 방 {len(divisions)}개"), count=len(divisions),
            floor_area_m2=m2, capacity=divisions[0]["capacity"],
            floor_level=divisions[0]["floor_level"], own_accessibility=None, own_amenities=None,
            own_allowed_uses=None, own_hours=None, own_cost=None,
            fits=_fits(hosting.rooms[first].fits), misfits=_fits(hosting.rooms[first].misfits),
            **_divisions_taken(place_id, divisions, booked, rooms[first]["weekly_hours"])))

    def entry(p: PlaceFit) -> dict:
        if p.room_index < len(listed):
            room, room_id = room_label(p.room), listed[p.room_index].id
        elif divisions:  # "Room 3 of 12" is no room one could ask for by name
            m2 = divisions[0]["floor_area_m2"]
            room, room_id = Text(f"a room of about {m2:g} m²", f"약 {m2:g} m² 방 하나"), None
        else:  # no room on offer: the place judged whole
            room, room_id = room_label(p.room), None
        return {**asdict(p.fit), "room": room, "room_id": room_id, "rooms": p.rooms}

    together = hosting.together
    return PlacePage(
        place=place, rooms=tuple(rows),
        could_host=tuple(entry(p) for p in hosting.place),
        could_not_host=tuple(entry(p) for p in hosting.misfits),
        together={"activities": [entry(p) for p in together.activities],
                  "score": together.score, "en": together.en, "ko": together.ko})


def _fits(fits) -> tuple[dict, ...]:
    return tuple(asdict(f) for f in fits)


def _with_whole(own: tuple | None, whole: tuple | None) -> tuple[np.ndarray | None, int]:
    parts = [p for p in (own, whole) if p is not None]
    if not parts:
        return None, 0
    return np.bitwise_or.reduce([m for m, _ in parts]), sum(n for _, n in parts)


def _divisions_taken(place_id: int, divisions: list[dict], booked: dict, hours: dict) -> dict:
    """The divisions' row: each booked division's hours, and the hours at least one of
    them is still free."""
    taken = [_with_whole(booked.get(division_key(place_id, d["index"])), booked.get(None))
             for d in divisions]
    count = sum(n for _, n in taken)
    if not count:
        return {"bookings": 0, "taken_hours": NO_HOURS_TAKEN, "free_hours": _free(hours, None)}
    parts = []
    for d, (m, n) in zip(divisions, taken, strict=True):
        if n:
            name, text = room_label(d["name"]), _taken_text(m, n)
            parts.append(Text(f"{name}: {text}", f"{getattr(name, 'ko', name)}: {text.ko}"))
    busy = [m if m is not None else np.zeros(SLOT_WORDS, dtype=np.uint64) for m, _ in taken]
    return {"bookings": count, "taken_hours": Text.joined("; ", parts),
            "free_hours": _free(hours, np.bitwise_and.reduce(busy))}


def _slots_text(mask: np.ndarray) -> Text:
    return Text(describe_slots(mask), describe_slots(mask, "ko"))


def _free(hours: dict, taken: np.ndarray | None) -> Text:
    open_ = to_slot_mask(hours or {}, outward=False)
    return _slots_text(open_ if taken is None else open_ & ~taken)


def _taken_text(taken: np.ndarray | None, bookings: int) -> Text:
    if not bookings:
        return NO_HOURS_TAKEN
    if not taken.any():
        return BOOKED_AT_NO_HOURS
    return _slots_text(taken)


def _room_row(place: dict, view: RoomView, room: dict, hosting: RoomHosting,
              taken: np.ndarray | None, bookings: int) -> RoomRow:
    def own(field: str) -> list[str] | None:
        value = getattr(view, field)
        return None if value is None or sorted(value) == sorted(place[field] or []) else value

    own_hours = None
    if view.weekly_hours is not None and view.weekly_hours != (place["weekly_hours"] or {}):
        own_hours = Text(describe_hours(view.weekly_hours, outward=False),
                         describe_hours(view.weekly_hours, outward=False, lang="ko"))
    cost = (room["cost_kind"], float(room["cost_amount"] or 0), room["currency"])
    place_cost = (place["cost_kind"], float(place["cost_amount"] or 0), place["currency"])
    own_cost = (dict(zip(("kind", "amount", "currency"), cost, strict=True))
                if view.cost_kind is not None and cost != place_cost else None)
    return RoomRow(
        id=view.id, name=room_label(view.name), count=1, floor_area_m2=view.floor_area_m2,
        capacity=view.capacity, floor_level=view.floor_level,
        own_accessibility=own("accessibility"), own_amenities=own("amenities"),
        own_allowed_uses=own("allowed_uses"), own_hours=own_hours, own_cost=own_cost,
        fits=_fits(hosting.fits), misfits=_fits(hosting.misfits), bookings=bookings,
        taken_hours=_taken_text(taken, bookings), free_hours=_free(room["weekly_hours"], taken))
