"""Rooms of a place: owners add, edit, pause and resume them; everyone sees the listed ones.

For the matching indexes a room is part of its place: every room write bumps the catalogue
version and stamps the place, so each process reloads the place with its rooms.

A listed place always offers something: a listed room, or its divisions (domain.rooms). So
the last listed room of a listed, undivided place cannot be paused (pause the place instead),
and a place edit that would leave nothing on offer lists its only room, gives a place without
rooms its whole-space room, or is refused when the owner must say which room to list.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import DateTime as SqlDateTime
from sqlalchemy import case, exists, func, insert, literal, select, update
from sqlalchemy.orm import aliased

from ..db.base import utcnow
from ..db.models import Room, Space, User
from ..domain.errors import N_, FieldProblem, NotFound, ValidationError
from ..domain.listing import clean_room
from ..domain.rooms import (
    INHERITED,
    MAX_POSITION,
    MAX_ROOMS,
    WHOLE_SPACE,
    default_room,
    is_divisible,
    offers_nothing,
    room_label,
    room_misfits,
)
from ..extensions import db
from . import versioning
from .audit import record
from .users import require_record_owner, require_role

_EDITABLE = ("name", "position", "floor_area_m2", "capacity", "floor_level", *INHERITED,
             "status")
_SIZE = ("floor_area_m2", "capacity", "floor_level")


@dataclass(frozen=True)
class RoomView:
    """A room as pages and the API show it; a ``None`` fact is its place's. The name of the
    automatic whole-space room is a Text (English, and Korean)."""

    id: int
    place_id: int
    name: str
    position: int
    floor_area_m2: float
    capacity: int
    floor_level: int
    accessibility: list[str] | None
    amenities: list[str] | None
    allowed_uses: list[str] | None
    weekly_hours: dict | None
    cost_kind: str | None
    cost_amount: float | None
    currency: str | None
    status: str


def room_view(room: Room) -> RoomView:
    def copy(value):
        return None if value is None else type(value)(value)

    return RoomView(
        id=room.id, place_id=room.space_id, name=room_label(room.name), position=room.position,
        floor_area_m2=room.floor_area_m2, capacity=room.capacity, floor_level=room.floor_level,
        accessibility=copy(room.accessibility), amenities=copy(room.amenities),
        allowed_uses=copy(room.allowed_uses), weekly_hours=copy(room.weekly_hours),
        cost_kind=room.cost_kind,
        cost_amount=None if room.cost_amount is None else float(room.cost_amount),
        currency=room.currency, status=room.status)


def list_rooms(place_id: int, actor: User | None = None) -> list[RoomView]:
    """The place's rooms in order: all of them for its owner, officials and admins; the
    listed ones for everyone else, and none of a draft."""
    place = db.session.get(Space, place_id)
    if place is None:
        raise NotFound(N_("No place %(id)s."), id=place_id)
    sees_all = actor is not None and actor.is_active and (
        actor.role in ("admin", "official")
        or (actor.role == "owner" and place.owner_id == actor.id))
    if not sees_all and place.status == "draft":
        raise NotFound(N_("No listed place %(id)s."), id=place_id)
    stmt = select(Room).where(Room.space_id == place_id)
    if not sees_all:
        stmt = stmt.where(Room.status == "listed")
    return [room_view(r) for r in db.session.scalars(stmt.order_by(Room.position, Room.id))]


@dataclass(frozen=True)
class ManagedPlace:
    """A place as its owner manages its rooms: every room, paused ones too."""

    id: int
    title: str
    status: str
    floor_area_m2: float
    capacity: int
    divisible_room_m2: float | None
    divisible_rooms: int | None
    currency: str
    rooms: list[RoomView]


def rooms_to_manage(actor: User | None, place_id: int) -> ManagedPlace:
    """The place and all its rooms, for its owner (or an admin) only."""
    place = require_record_owner(actor, "owner", Space, place_id, "owner_id", "place")
    rooms = db.session.scalars(select(Room).where(Room.space_id == place.id)
                               .order_by(Room.position, Room.id))
    return ManagedPlace(place.id, place.title, place.status, place.floor_area_m2,
                        place.capacity, place.divisible_room_m2, place.divisible_rooms,
                        place.currency, [room_view(r) for r in rooms])


def room_to_edit(actor: User | None, room_id: int) -> tuple[RoomView, ManagedPlace]:
    """One room and its place, for the place's owner (or an admin) only."""
    require_role(actor, "owner")
    room = db.session.get(Room, room_id)
    if room is None:
        raise NotFound(N_("No room %(id)s."), id=room_id)
    place = rooms_to_manage(actor, room.space_id)
    return next(r for r in place.rooms if r.id == room_id), place


def add_room(actor: User | None, place_id: int, data: dict) -> RoomView:
    """The place's owner (or an admin) adds a room; it goes last unless given a position."""
    with versioning.locked_write() as version:
        place = require_record_owner(actor, "owner", Space, place_id, "owner_id", "place")
        db.session.refresh(place)
        cleaned = clean_room(data, floor_level_default=place.floor_level)
        _fits(place, cleaned)
        count, last = db.session.execute(select(func.count(Room.id), func.max(Room.position))
                                         .where(Room.space_id == place.id)).one()
        if count >= MAX_ROOMS:
            raise ValidationError(FieldProblem.of(
                "rooms", N_("a place has at most %(max)s rooms"), max=MAX_ROOMS))
        if cleaned["position"] is None:
            cleaned["position"] = 0 if last is None else min(last + 1, MAX_POSITION)
        room = Room(space_id=place.id, **cleaned)
        db.session.add(room)
        place.row_version = version
        db.session.flush()
        record(actor, "create", room, after=_snapshot(room))
    return room_view(room)


def update_room(actor: User | None, room_id: int, changes: dict) -> RoomView:
    """The owner (or an admin) edits a room; nothing changes unless all of it is valid.

    Clearing ``cost_kind`` clears the room's own amount and currency with it: the room then
    costs what its place costs.
    """
    with versioning.locked_write() as version:
        room, place = _own_room(actor, room_id)
        # The stored position is checked only when the owner sends one.
        merged = {f: getattr(room, f) for f in _EDITABLE if f != "position"} | dict(changes)
        if "cost_kind" in changes and changes["cost_kind"] in (None, ""):
            for field in ("cost_amount", "currency"):
                if field not in changes:
                    merged[field] = None
        cleaned = clean_room(merged, floor_level_default=place.floor_level)
        if cleaned["position"] is None:
            cleaned["position"] = room.position
        _fits(place, cleaned)
        _keep_on_offer(place, room, cleaned["status"])
        return _change(actor, room, place, cleaned, "update", version)


def pause_room(actor: User | None, room_id: int) -> RoomView:
    """Take a room off offer (its place's last listed room only with the place)."""
    with versioning.locked_write() as version:
        room, place = _own_room(actor, room_id)
        _keep_on_offer(place, room, "paused")
        return _change(actor, room, place, {"status": "paused"}, "pause", version)


def resume_room(actor: User | None, room_id: int) -> RoomView:
    with versioning.locked_write() as version:
        room, place = _own_room(actor, room_id)
        return _change(actor, room, place, {"status": "listed"}, "resume", version)


def add_missing_rooms(city_id: int | None = None) -> int:
    """Give each undivided place that has no room its whole-space room; return how many.

    For loaders that insert places in bulk, past ``create_space``: one statement, in the
    caller's transaction; the caller stamps the places it wrote (services.versioning).
    """
    now = literal(utcnow(), SqlDateTime(timezone=True))
    source = select(
        Space.id, literal(WHOLE_SPACE), literal(0), Space.floor_area_m2, Space.capacity,
        Space.floor_level, case((Space.status == "listed", "listed"), else_="paused"), now, now,
    ).where(~exists().where(Room.space_id == Space.id), Space.divisible_rooms.is_(None))
    if city_id is not None:
        source = source.where(Space.city_id == city_id)
    columns = ["space_id", "name", "position", "floor_area_m2", "capacity", "floor_level",
               "status", "created_at", "updated_at"]
    # SQLAlchemy keeps an INSERT's row count only when asked to.
    return db.session.execute(insert(Room).from_select(columns, source),
                              execution_options={"preserve_rowcount": True}).rowcount


def resize_whole_rooms(place_ids: list[int], chunk: int = 500) -> None:
    """Give each of ``place_ids`` whose only room is its whole-space room that room's size
    again: the place's floor area, capacity and floor level.

    For loaders that update places in bulk, past ``update_space`` (which keeps the room in
    step itself); in the caller's transaction. A room the owner named, or one of several, is
    the owner's and is left alone.
    """
    other = aliased(Room)
    rooms_of_place = (select(func.count(other.id)).where(other.space_id == Room.space_id)
                      .scalar_subquery())
    sizes = {f: select(getattr(Space, f)).where(Space.id == Room.space_id).scalar_subquery()
             for f in _SIZE}
    for i in range(0, len(place_ids), chunk):
        db.session.execute(
            update(Room).where(Room.space_id.in_(place_ids[i:i + chunk]),
                               Room.name == WHOLE_SPACE, rooms_of_place == 1)
            .values(**sizes).execution_options(synchronize_session=False))


# --- for services.spaces: a place's rooms as the place is created or edited ----------------------

def add_place_rooms(actor: User, place: Space, rooms: list[dict]) -> None:
    """Add a new place's checked rooms (domain.listing.clean_place) to the transaction."""
    created = [Room(space_id=place.id, **data) for data in rooms]
    db.session.add_all(created)
    db.session.flush()
    for room in created:
        record(actor, "create", room, after=_snapshot(room))


Step = tuple[str, Room | None, dict]  # (audit action, room or None for a new one, values)


def plan_place_edit(place: Space, edited: dict) -> list[Step]:
    """What an edit of ``place`` (cleaned values, not yet applied) does to its rooms.

    Raises ValidationError, before anything changes, when the owner must first say which
    room to list, or when the place would shrink below one of its rooms. The automatic
    whole-space room (the only room, still named WHOLE_SPACE and the size of its place)
    follows the place's floor area, capacity and floor level; a room the owner named or
    sized, or one of several, is the owner's. Call under ``versioning.locked_write``.
    """
    rooms = list(db.session.scalars(select(Room).where(Room.space_id == place.id)
                                    .order_by(Room.position, Room.id)
                                    .execution_options(populate_existing=True)))
    steps: list[Step] = []
    follows = len(rooms) == 1 and _is_whole_space(rooms[0], place)
    if follows:
        size = {f: edited[f] for f in _SIZE}
        if any(getattr(rooms[0], f) != v for f, v in size.items()):
            steps.append(("update", rooms[0], size))
    else:
        misfits = {p.field: p for r in rooms for p in room_misfits(edited, _sizes(r))}
        if misfits:
            raise ValidationError([FieldProblem(f, N_("one of the place's rooms is bigger: "
                                                      "shrink or remove it first"))
                                   for f in misfits])
    divisible = is_divisible(edited)
    if not rooms and not divisible:
        steps.append(("create", None, default_room(edited)))
    elif offers_nothing(edited["status"], divisible, (r.status for r in rooms)):
        if len(rooms) > 1:
            field = "status" if place.status != "listed" else "divisible_rooms"
            raise ValidationError(FieldProblem(
                field, N_("none of the place's rooms is listed: resume one of them first")))
        steps.append(("resume", rooms[0], {"status": "listed"}))
    return steps


def apply_place_edit(actor: User, place: Space, steps: list[Step]) -> None:
    """Carry out ``plan_place_edit``'s steps; the caller stamps the place and commits."""
    for action, room, values in steps:
        if room is None:
            add_place_rooms(actor, place, [values])
            continue
        before = _snapshot(room)
        for key, value in values.items():
            setattr(room, key, value)
        db.session.flush()
        record(actor, action, room, before=before, after=_snapshot(room),
               detail="follows its place")


# --- helpers ----------------------------------------------------------------------------------

def _own_room(actor: User | None, room_id: int) -> tuple[Room, Space]:
    """The room and its place as stored now (call under ``versioning.locked_write``)."""
    require_role(actor, "owner")
    room = db.session.get(Room, room_id, populate_existing=True)
    if room is None:
        raise NotFound(N_("No room %(id)s."), id=room_id)
    place = require_record_owner(actor, "owner", Space, room.space_id, "owner_id", "place")
    db.session.refresh(place)
    return room, place


def _is_whole_space(room: Room, place: Space) -> bool:
    """Still the room the place got automatically: named so, and as big as the place."""
    return room.name == WHOLE_SPACE and all(getattr(room, f) == getattr(place, f)
                                            for f in _SIZE)


def _sizes(room: Room) -> dict:
    return {f: getattr(room, f) for f in _SIZE}


def _fits(place: Space, room: dict) -> None:
    problems = room_misfits({f: getattr(place, f) for f in _SIZE}, room)
    if problems:
        raise ValidationError(problems)


def _keep_on_offer(place: Space, room: Room, status: str) -> None:
    others = db.session.scalars(select(Room.status).where(Room.space_id == place.id,
                                                         Room.id != room.id))
    facts = {"divisible_room_m2": place.divisible_room_m2,
             "divisible_rooms": place.divisible_rooms}
    if offers_nothing(place.status, is_divisible(facts), [*others, status]):
        raise ValidationError(FieldProblem(
            "status", N_("is the last listed room of a listed place: pause the place instead, "
                         "or list another room first")))


def _change(actor: User, room: Room, place: Space, values: dict, action: str,
            version: int) -> RoomView:
    before = _snapshot(room)
    for key, value in values.items():
        setattr(room, key, value)
    place.row_version = version
    db.session.flush()
    record(actor, action, room, before=before, after=_snapshot(room))
    return room_view(room)


def _snapshot(room: Room) -> dict:
    values = {f: getattr(room, f) for f in _EDITABLE}
    if values["cost_amount"] is not None:
        values["cost_amount"] = str(values["cost_amount"])
    return {"place_id": room.space_id, **values}
