"""Rooms of a place: what a room takes from its place, and the rooms a divisible place means.

A place (a building or site) holds rooms. A room always has its own floor area, capacity and
floor level; its accessibility, amenities, allowed uses, weekly hours and cost are ``None``
when they are the place's. A place may instead be *divisible* ("rooms of about 60 m², 12 of
them"), for owners who know a gross floor area but not the rooms one by one; it then stands
for that many equal rooms. Rooms are plain mappings, as ``listing.clean_room`` returns them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

from .errors import N_, FieldProblem
from .vocabulary import Text

ROOM_STATUSES = ("listed", "paused")
WHOLE_SPACE = "Whole space"  # stored as the automatic room's name: English, as a code
WHOLE_SPACE_TEXT = Text(WHOLE_SPACE, "공간 전체")
WHOLE_PLACE = Text("Whole place", "장소 전체")  # a pairing of the place, no room named
_DIVISION_NAME = re.compile(r"Room (\d+) of (\d+)")
MAX_ROOMS = 200  # per place; a place with more is a campus, to be listed as several places
MAX_POSITION = 10_000
# Facts a room may leave to its place; the cost ones travel together (see effective_room).
INHERITED = ("accessibility", "amenities", "allowed_uses", "weekly_hours", "cost_kind",
             "cost_amount", "currency")
_OWN_OR_PLACE = ("accessibility", "amenities", "allowed_uses", "weekly_hours")


def default_room(place: Mapping) -> dict:
    """The one room a place gets when its owner names none: all of it, as the place.

    It is listed only with its place, so a draft never shows up through its room.

    >>> r = default_room({"floor_area_m2": 85.0, "capacity": 30, "floor_level": 2,
    ...                   "status": "draft"})
    >>> r["name"], r["floor_area_m2"], r["capacity"], r["floor_level"], r["status"], r["amenities"]
    ('Whole space', 85.0, 30, 2, 'paused', None)
    """
    return {"name": WHOLE_SPACE, "position": 0, "floor_area_m2": place["floor_area_m2"],
            "capacity": place["capacity"], "floor_level": place.get("floor_level") or 0,
            **dict.fromkeys(INHERITED),
            "status": "listed" if place.get("status") == "listed" else "paused"}


def effective_room(place: Mapping, room: Mapping) -> dict:
    """``room`` with every fact it leaves to its place filled in from ``place``.

    A room with its own cost kind keeps its own amount (and currency, if it names one); a room
    without one takes the place's whole cost, so a kind is never paired with another's amount.

    >>> place = {"amenities": ["water"], "accessibility": [], "allowed_uses": [],
    ...          "weekly_hours": {}, "cost_kind": "hourly", "cost_amount": 9000,
    ...          "currency": "KRW"}
    >>> r = effective_room(place, {"amenities": None, "cost_kind": "free", "cost_amount": 0})
    >>> r["amenities"], r["cost_kind"], r["cost_amount"], r["currency"]
    (['water'], 'free', 0, 'KRW')
    """
    out = dict(room)
    for field in _OWN_OR_PLACE:
        if out.get(field) is None:
            out[field] = place[field]
    if out.get("cost_kind") is None:
        out.update(cost_kind=place["cost_kind"], cost_amount=place["cost_amount"],
                   currency=place["currency"])
    elif out.get("currency") is None:
        out["currency"] = place["currency"]
    return out


# More than the most divisions a place may have (listing.MAX_DIVISIBLE_ROOMS): each place's
# division keys then have a range of their own, below zero.
DIVISION_STRIDE = 10_000


def division_key(place_id: int, index: int) -> int:
    """The engine's key for room ``index`` (from 1) of a divisible place.

    Negative, so it never meets a room's database id, and rising with ``index``:

    >>> division_key(7, 1), division_key(7, 2), division_key(8, 1)
    (-69999, -69998, -79999)
    >>> place_of_division(-69998), index_of_division(-69998)
    (7, 2)
    >>> division_key(1, 1000) < 0, place_of_division(division_key(1, 1000))
    (True, 1)
    """
    return -place_id * DIVISION_STRIDE + index


def place_of_division(key: int) -> int:
    return (-key + DIVISION_STRIDE - 1) // DIVISION_STRIDE


def index_of_division(key: int) -> int:
    return key + place_of_division(key) * DIVISION_STRIDE


def is_divisible(place: Mapping) -> bool:
    return bool(place.get("divisible_room_m2") and place.get("divisible_rooms"))


def divide_place(place: Mapping) -> list[dict]:
    """The equal rooms a divisible place stands for, numbered from 1; ``[]`` if it is not.

    Each room gets the place's capacity in proportion to its share of the floor area
    (corridors and stairs keep the rest), and at least one person.

    >>> rooms = divide_place({"floor_area_m2": 900.0, "capacity": 600, "floor_level": 0,
    ...                       "divisible_room_m2": 60.0, "divisible_rooms": 12})
    >>> len(rooms), rooms[0]["name"], rooms[0]["floor_area_m2"], rooms[0]["capacity"]
    (12, 'Room 1 of 12', 60.0, 40)
    """
    if not is_divisible(place):
        return []
    n, m2 = int(place["divisible_rooms"]), float(place["divisible_room_m2"])
    share = m2 / float(place["floor_area_m2"])
    capacity = max(1, math.floor(place["capacity"] * share + 1e-9))
    return [{"index": i, "name": division_name(i, n), "position": i - 1, "floor_area_m2": m2,
             "capacity": capacity, "floor_level": place.get("floor_level") or 0,
             **dict.fromkeys(INHERITED), "status": "listed"}
            for i in range(1, n + 1)]


def division_name(index: int, count: int) -> Text:
    """The name of division ``index`` of ``count``, in English and Korean.

    >>> name = division_name(3, 12)
    >>> name, name.ko
    ('Room 3 of 12', '12개 중 3번 방')
    """
    return Text(f"Room {index} of {count}", f"{count}개 중 {index}번 방")


def room_label(name: str | None) -> str | None:
    """A room's name as a page shows it: the names spacematch gives rooms itself (the
    whole-space room, a division) in English and Korean; an owner's own name as it is.

    >>> room_label("Whole space").ko, room_label("Room 2 of 4").ko, room_label("Hall")
    ('공간 전체', '4개 중 2번 방', 'Hall')
    """
    if name is None or isinstance(name, Text):
        return name
    if name == WHOLE_SPACE:
        return WHOLE_SPACE_TEXT
    if found := _DIVISION_NAME.fullmatch(name):
        return division_name(int(found[1]), int(found[2]))
    return name


def is_whole_place(room: Mapping, place: Mapping) -> bool:
    """The automatic room that stands for all of the place: named so, and as big as it."""
    return room["name"] == WHOLE_SPACE and room["floor_area_m2"] >= place["floor_area_m2"]


def rooms_on_offer(place: Mapping, rooms: Sequence[Mapping]) -> list[Mapping]:
    """Which of a place's listed ``rooms`` it offers, beside any divisions.

    The automatic whole-space room stands for the whole floor. Next to other rooms or
    divisions it would let the whole building and a room of it go to two projects at one
    hour, so it is offered only alone.

    >>> place = {"floor_area_m2": 150, "divisible_room_m2": None, "divisible_rooms": None}
    >>> whole = {"name": WHOLE_SPACE, "floor_area_m2": 150}
    >>> hall = {"name": "Hall", "floor_area_m2": 70}
    >>> [r["name"] for r in rooms_on_offer(place, [whole])]
    ['Whole space']
    >>> [r["name"] for r in rooms_on_offer(place, [whole, hall])]
    ['Hall']
    """
    own = [r for r in rooms if not is_whole_place(r, place)]
    if own or is_divisible(place):
        return own
    return list(rooms)


def offers_nothing(place_status: str, divisible: bool, room_statuses: Iterable[str]) -> bool:
    """Whether a place would be listed with nothing on offer: no listed room, no divisions.

    >>> offers_nothing("listed", False, ["paused"]), offers_nothing("draft", False, [])
    (True, False)
    """
    return place_status == "listed" and not divisible and "listed" not in set(room_statuses)


def room_misfits(place: Mapping, room: Mapping, prefix: str = "") -> list[FieldProblem]:
    """What of ``room`` is bigger than its place: floor area, capacity; each named with
    ``prefix`` (as ``rooms[1].``).

    >>> [p.field for p in room_misfits({"floor_area_m2": 50, "capacity": 20},
    ...                                {"floor_area_m2": 80, "capacity": 20}, "rooms[0].")]
    ['rooms[0].floor_area_m2']
    """
    return [FieldProblem.of(f"{prefix}{f}", N_("%(room)s is more than the place's %(place)s"),
                            room=f"{room[f]:g}", place=f"{place[f]:g}")
            for f in ("floor_area_m2", "capacity") if room[f] > place[f]]
