"""The in-memory index of each city's rooms, kept in step with the database.

Each app process keeps one ``CityIndex`` per city: an immutable snapshot of the index as of
one catalogue version. Before answering, a request reads the catalogue version (one
primary-key lookup); if another process (or this one) changed places since, it loads just the
places stamped with a newer ``row_version`` into a new snapshot — a changed place's rooms
replace all its old rows, a place no longer listed drops out — compacting when the delta
grows, and replaces the cached one whole. A request takes one snapshot at its start and uses
only that one to the end, so a change that lands meanwhile never shows it a place half there.

The engine scores rooms (domain.index): a listed place contributes the listed rooms it offers
(``domain.rooms.rooms_on_offer``: its automatic whole-space room only when it has no other
room or division, since the whole floor and a room of it cannot go to two projects at one
hour) and, if it is divisible, its equal divisions (keyed by ``domain.rooms.division_key``).

A room offers only the hours no approved or active pairing holds (``bookings.held_slots``):
an approval, cancellation or completion stamps its place, so every process reloads it. A
pairing that ends gives its hours back the next day without any write, so a snapshot also
remembers that day (``recheck_on``) and is rebuilt when it comes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from flask import current_app
from sqlalchemy import func, select

from ..db.models import Area, City, Room, Space, TransitStop
from ..domain.days import today_in
from ..domain.index import SpaceIndex
from ..domain.rooms import divide_place, division_key, effective_room, rooms_on_offer
from ..domain.spacetable import AreaTable, SpaceTable
from ..extensions import db
from . import versioning
from .bookings import held_slots
from .catalogue import CityInfo

EXTENSION_KEY = "spacematch.indexes"
COMPACT_SHARE = 0.05
PLACE_FIELDS = ("id", "title", "area_id", "floor_area_m2", "capacity", "floor_level",
                "divisible_room_m2", "divisible_rooms", "accessibility", "amenities",
                "allowed_uses", "available_from", "available_to", "weekly_hours", "cost_kind",
                "cost_amount", "currency", "status")
ROOM_FIELDS = ("id", "space_id", "name", "floor_area_m2", "capacity", "floor_level",
               "accessibility", "amenities", "allowed_uses", "weekly_hours", "cost_kind",
               "cost_amount", "currency")

AnyCity = City | CityInfo  # what the functions below read of a city is on both


@dataclass(frozen=True)
class CityIndex:
    """One city's rooms as of catalogue ``version``: never changed, only replaced whole."""

    city_id: int
    crs: str
    version: int
    index: SpaceIndex
    areas: AreaTable
    stops: dict[str, list[dict]]
    recheck_on: date | None = None  # a booking stops holding its hours then: rebuild
    # (project id, its updated_at) → whether any room fits it, in this snapshot: the
    # overview asks it of every open project on every view; answers die with the snapshot
    found_any: dict = field(default_factory=dict, compare=False, repr=False)


def _earliest(a: date | None, b: date | None) -> date | None:
    return min((d for d in (a, b) if d is not None), default=None)


def state() -> dict:
    """This app's per-process caches (indexes, outlines) and the lock that guards them."""
    return current_app.extensions.setdefault(
        EXTENSION_KEY, {"cities": {}, "outlines": {}, "lock": threading.Lock()})


def city_index(city: AnyCity) -> CityIndex:
    """This process's snapshot of ``city``'s index, brought up to date with the database.

    Keep the snapshot for the whole request: calling again may give a newer one.
    """
    cache = state()
    with cache["lock"]:
        version = versioning.current()
        ci = cache["cities"].get(city.id)
        if ci is not None and ci.recheck_on is not None \
                and today_in(city.timezone) >= ci.recheck_on:
            ci = None  # a booking has ended: its hours are free again
        if ci is None:
            areas, stops = _areas(city), _stops(city)
            rooms, _, recheck = _room_rows(city.id)
            table = SpaceTable.from_records(rooms, city.metric_crs, areas.ids, stops)
            ci = CityIndex(city.id, city.metric_crs, version, SpaceIndex(table, areas), areas,
                           stops, recheck)
        elif ci.version < version:
            rooms, changed, recheck = _room_rows(city.id, since=ci.version)
            if not rooms and not changed:  # the change was another city's, or no place's
                ci = replace(ci, version=version)  # found_any too: its answers still hold
                cache["cities"][city.id] = ci
                return ci
            upserts = (SpaceTable.from_records(rooms, ci.crs, ci.areas.ids, ci.stops)
                       if rooms else None)
            # every changed place goes; those still on offer come back with their rooms
            index = ci.index.with_changes(upserts, changed)  # copy-on-write: ci keeps its own
            delta = len(index.delta) if index.delta is not None else 0
            if delta > COMPACT_SHARE * max(len(index), 1):
                index = index.compacted()
            ci = CityIndex(ci.city_id, ci.crs, version, index, ci.areas, ci.stops,
                           _earliest(ci.recheck_on, recheck))
        cache["cities"][city.id] = ci
        return ci


def _room_rows(city_id: int, since: int | None = None
               ) -> tuple[list[dict], list[int], date | None]:
    """The rooms on offer of the city's listed places (all of them, or those of places
    changed after version ``since``), less the hours their bookings hold; the ids of the
    places read; and the day the first of those bookings stops holding its hours."""
    where = [Space.city_id == city_id]
    where.append(Space.status == "listed" if since is None else Space.row_version > since)
    places: dict[int, dict] = {}
    stmt = select(*(getattr(Space, f) for f in PLACE_FIELDS), func.ST_X(Space.location),
                  func.ST_Y(Space.location)).where(*where).order_by(Space.id)
    for row in db.session.execute(stmt):
        rec = dict(zip(PLACE_FIELDS, row[:-2], strict=True))
        rec["lon"], rec["lat"] = row[-2], row[-1]
        places[rec["id"]] = rec
    listed = {i for i, p in places.items() if p["status"] == "listed"}
    rooms: dict[int, list[dict]] = {i: [] for i in listed}
    if listed:
        stmt = (select(*(getattr(Room, f) for f in ROOM_FIELDS)).join(Space)
                .where(*where, Space.status == "listed", Room.status == "listed")
                .order_by(Room.space_id, Room.position, Room.id))
        for row in db.session.execute(stmt):
            rec = dict(zip(ROOM_FIELDS, row, strict=True))
            # A place listed or stamped after the first statement (each statement sees new
            # commits on PostgreSQL) is left for the next reload: its stamp is newer than
            # this snapshot's version.
            if rec["space_id"] in rooms:
                rooms[rec["space_id"]].append(rec)
    held, recheck = held_slots(city_id, since)
    out = [r for i in sorted(listed) for r in _records(places[i], rooms[i], held.get(i, {}))]
    return out, list(places), recheck


def _records(place: dict, rooms: list[dict], held: dict) -> list[dict]:
    """A listed place's rows for the engine: the rooms it offers, then its divisions, each
    with the slots its bookings (or the whole place's) hold as ``taken``."""
    shared = {"place": place["id"], "title": place["title"], "lon": place["lon"],
              "lat": place["lat"], "area_id": place["area_id"],
              "available_from": place["available_from"], "available_to": place["available_to"]}
    out = []
    for room in rooms_on_offer(place, rooms):
        full = effective_room(place, room)
        out.append({**full, **shared, "id": room["id"], "room_name": room["name"]})
    for part in divide_place(place):
        full = effective_room(place, part)
        out.append({**full, **shared, "id": division_key(place["id"], part["index"]),
                    "room_name": part["name"]})
    # bookings of the place as a whole (key None, the whole-space room's too) hold every room
    for rec in out:
        taken = [m for m in (held.get(rec["id"]), held.get(None)) if m is not None]
        if taken:
            rec["taken"] = np.bitwise_or.reduce(taken)
    return out


def _areas(city: AnyCity) -> AreaTable:
    level = city.levels[-1]
    rows = db.session.execute(
        select(Area.id, Area.parent_id, Area.name, Area.name_en, Area.population,
               Area.population_65plus, Area.population_under15)
        .where(Area.city_id == city.id, Area.level == level).order_by(Area.id)).all()
    # every level, so a project may prefer a district (or a CSA and the NSAs inside it)
    parent_of = dict(db.session.execute(
        select(Area.id, Area.parent_id).where(Area.city_id == city.id)).all())
    return AreaTable.from_records([r._asdict() for r in rows], parent_of=parent_of)


def _stops(city: AnyCity) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    rows = db.session.execute(
        select(TransitStop.kind, TransitStop.name, TransitStop.name_en,
               func.ST_X(TransitStop.geom), func.ST_Y(TransitStop.geom))
        .where(TransitStop.city_id == city.id).order_by(TransitStop.kind, TransitStop.id))
    for kind, name, name_en, lon, lat in rows:
        out.setdefault(kind, []).append({"name": name, "name_en": name_en, "lon": lon,
                                         "lat": lat})
    return out
