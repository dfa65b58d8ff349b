"""Listing spaces: owners create and edit them; the area is always computed, never typed.

A space is a place holding rooms (services.rooms): a new place gets the rooms it names, or
one whole-space room, or none if it is divisible; editing a place keeps its rooms in step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import case, func, select

from ..db.models import Room, Space, User
from ..domain.hosting import could_host_place
from ..domain.listing import clean_place, clean_space
from ..domain.rooms import divide_place, effective_room
from ..domain.vocabulary import Text
from ..extensions import db
from . import rooms, versioning
from .areas import locate_area
from .audit import record
from .catalogue import local_name
from .users import require_record_owner, require_role

AUDITED = ("title", "status", "floor_area_m2", "capacity", "cost_kind", "cost_amount", "area_id",
           "divisible_room_m2", "divisible_rooms")


def may_list(actor: User | None) -> None:
    """PermissionDenied unless ``actor`` is an owner (or an admin)."""
    require_role(actor, "owner")


@dataclass(frozen=True)
class Preview:
    """What a space would be, before it is stored: where, and what it could host."""

    area: str  # the neighbourhood and district it falls in (a Text: English, local names)
    together: str  # the sentence: what its rooms could host at once, or one at a time (a Text)
    could_host: list[dict]  # each activity it fits, best first (domain.hosting.HostingFit)
    could_not_host: list[dict]


def preview_place(actor: User | None, data: dict) -> Preview:
    """Check ``data`` as ``create_space`` would and say what the space could host; writes
    nothing. Problems are named by field, as on saving."""
    require_role(actor, "owner")
    cleaned, room_rows = clean_place(data)
    area = locate_area(cleaned["lon"], cleaned["lat"])
    names = [local_name(a) for a in (area, area.parent) if a is not None]
    rooms_ = [effective_room(cleaned, r) for r in room_rows] + [
        effective_room(cleaned, d) for d in divide_place(cleaned)]
    hosting = could_host_place(cleaned, rooms_)
    return Preview(Text.joined(", ", names), Text(hosting.together.en, hosting.together.ko),
                   [asdict(p.fit) for p in hosting.place],
                   [asdict(p.fit) for p in hosting.misfits])


def space_values(actor: User | None, space_id: int) -> dict:
    """A place as its edit form shows it, for its owner (or an admin) only."""
    space = require_record_owner(actor, "owner", Space, space_id, "owner_id", "space")
    values = {c: getattr(space, c) for c in _EDITABLE}
    here = to_shape(space.location)
    values.update(id=space.id, lon=here.x, lat=here.y, city=space.city.slug,
                  cost_amount=float(space.cost_amount or 0))
    return values


def create_space(actor: User | None, data: dict) -> Space:
    """An owner lists a new space (as a draft unless ``status`` says otherwise).

    ``data["rooms"]``, if given, lists its rooms (domain.listing.clean_room); problems in
    them are named like ``rooms[1].capacity``, together with the place's own.
    """
    require_role(actor, "owner")
    cleaned, room_rows = clean_place(data)
    lon, lat = cleaned.pop("lon"), cleaned.pop("lat")
    area = locate_area(lon, lat)
    if data.get("currency") in (None, ""):  # the currency of the city it is in
        cleaned["currency"] = area.city.currency
    space = Space(**cleaned, owner_id=actor.id, city_id=area.city_id, area_id=area.id,
                  location=from_shape(shapely.Point(lon, lat), srid=4326),
                  row_version=versioning.bump())
    db.session.add(space)
    db.session.flush()
    record(actor, "create", space, after=_snapshot(space))
    rooms.add_place_rooms(actor, space, room_rows)
    db.session.commit()
    return space


def update_space(actor: User | None, space_id: int, changes: dict) -> Space:
    """The owner (or an admin) edits a space; nothing changes unless all of it is valid."""
    # Under the lock, so the rooms checked are the rooms stored (services.rooms).
    with versioning.locked_write() as version:
        space = require_record_owner(actor, "owner", Space, space_id, "owner_id", "space")
        db.session.refresh(space)
        before = _snapshot(space)
        here = to_shape(space.location)
        merged = ({c: getattr(space, c) for c in _EDITABLE} | {"lon": here.x, "lat": here.y}
                  | changes)
        cleaned = clean_space(merged, default_currency=space.currency)
        lon, lat = cleaned.pop("lon"), cleaned.pop("lat")
        area = locate_area(lon, lat)
        room_steps = rooms.plan_place_edit(space, cleaned)
        for key, value in cleaned.items():
            setattr(space, key, value)
        space.location = from_shape(shapely.Point(lon, lat), srid=4326)
        space.area_id, space.city_id = area.id, area.city_id
        space.row_version = version
        db.session.flush()
        record(actor, "update", space, before=before, after=_snapshot(space))
        rooms.apply_place_edit(actor, space, room_steps)
    return space


_EDITABLE = ("title", "description", "owner_kind", "address", "floor_area_m2", "capacity",
             "divisible_room_m2", "divisible_rooms", "floor_level", "accessibility", "amenities",
             "allowed_uses", "available_from", "available_to", "weekly_hours", "cost_kind",
             "cost_amount", "currency", "condition_notes", "status")


def _snapshot(space: Space) -> dict:
    return {k: (str(v) if k == "cost_amount" else v) for k in AUDITED
            if (v := getattr(space, k)) is not None}


def places_of(actor: User | None) -> list[dict]:
    """The places an owner has listed (every place, for an admin), with their rooms counted."""
    actor = require_role(actor, "owner")
    listed = func.sum(case((Room.status == "listed", 1), else_=0))
    stmt = (select(Space.id, Space.title, Space.status, Space.divisible_rooms,
                   func.count(Room.id), listed)
            .outerjoin(Room, Room.space_id == Space.id).group_by(Space.id).order_by(Space.id))
    if actor.role != "admin":
        stmt = stmt.where(Space.owner_id == actor.id)
    return [{"id": i, "title": t, "status": st, "divisible_rooms": d, "rooms": n,
             "listed_rooms": int(ln or 0)} for i, t, st, d, n, ln in db.session.execute(stmt)]
