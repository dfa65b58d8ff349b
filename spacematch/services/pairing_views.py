"""What people see of pairings: one pairing with its timeline, the lists of groups, owners
and officials, the review queue, and what a group fills in to ask for a place.

Only the project's group, the place's owner, officials and admins see a pairing. Clashes
with another project's booking name that pairing (its number, status and project) to
officials and the place's owner only; a group is told the hours are taken, not by whom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..db.models import Match, Project, Room, Space, User
from ..domain import workflow
from ..domain.conflicts import Booking, conflicts, describe_clash
from ..domain.days import local, today_in
from ..domain.errors import (
    N_,
    Conflict,
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from ..domain.rooms import (
    WHOLE_PLACE,
    divide_place,
    division_key,
    division_name,
    effective_room,
    is_whole_place,
    room_label,
    rooms_on_offer,
)
from ..domain.schedule import describe_hours
from ..domain.vocabulary import Text
from ..domain.workflow import STATUS_NAMES
from ..extensions import db
from .bookings import booking_of, live, place_today, room_key
from .indexes import city_index
from .matching import project_needs
from .users import require_role

OPTIONAL = {"withdraw", "cancel"}  # steps a party may take, but nobody waits for
SYSTEM = Text("system", "시스템")  # who took a step no person took
MAX_LISTED = 500  # pairings on one list page, newest first


@dataclass(frozen=True)
class OfferedRoom:
    key: int  # the engine's room key: a room id, or a division's (negative) key
    name: str
    floor_area_m2: float
    capacity: int
    hours: dict  # when it is open (its own or its place's)
    whole: bool = False  # the place's automatic whole-space room: the whole floor


@dataclass(frozen=True)
class RequestForm:
    """What a group sees before asking for a place."""

    project_id: int
    project_title: str
    project_hours: dict
    starts_on: date | None
    ends_on: date | None
    space_id: int
    place_title: str
    available_from: date | None
    available_to: date | None
    rooms: list[OfferedRoom]
    best_room: int | None  # the engine's choice for this project, if any room fits


@dataclass(frozen=True)
class Step:
    at: datetime
    actor: str
    from_status: str | None
    to_status: str
    message: str | None


@dataclass(frozen=True)
class ClashView:
    pairing_id: int | None  # None: not the viewer's to know
    status: str
    project_title: str
    when: str  # a Text (English and Korean)


@dataclass(frozen=True)
class PairingView:
    id: int
    status: str
    origin: str
    group_agreed: bool
    owner_agreed: bool
    project_id: int
    project_title: str
    group_name: str
    space_id: int
    place_title: str
    owner_name: str
    room_key: int | None
    room_name: str  # a Text for the names spacematch gives (divisions, the whole place)
    weekly_hours: dict
    hours_text: str  # a Text (English and Korean weekdays)
    starts_on: date | None
    ends_on: date | None
    score: float
    breakdown: dict
    updated_at: datetime


@dataclass(frozen=True)
class PairingPage:
    pairing: PairingView
    timeline: list[Step]
    actions: list[str]  # what the viewer may do now
    conflicts: list[ClashView]  # approved or active pairings it clashes with
    place_point: tuple[float, float]  # (lat, lon)
    project_point: tuple[float, float] | None
    city: str = ""  # the place's city's slug


@dataclass(frozen=True)
class PairingList:
    waiting: list[PairingView]  # waiting for the viewer to act
    others: list[PairingView]


@dataclass(frozen=True)
class ReviewItem:
    pairing: PairingView
    conflicts: list[ClashView]


# -- who is who --------------------------------------------------------------------------------
def parties_of(actor, match: Match) -> set[str]:
    """The parts ``actor`` plays in ``match``: the project's group, the place's owner, an
    official; an admin may act as any."""
    if actor is None or not actor.is_active:
        return set()
    if actor.role == "admin":
        return set(workflow.PARTIES)
    parties = set()
    if actor.role == "group" and match.project.group_id == actor.id:
        parties.add("group")
    if actor.role == "owner" and match.space.owner_id == actor.id:
        parties.add("owner")
    if actor.role == "official":
        parties.add("official")
    return parties


def state_of(match: Match) -> workflow.PairingState:
    return workflow.PairingState(match.status, match.origin, match.group_agreed,
                                 match.owner_agreed)


# -- rooms, bookings, clashes ---------------------------------------------------------------------
def _place_record(place: Space) -> dict:
    return {c: getattr(place, c) for c in (
        "id", "floor_area_m2", "capacity", "floor_level", "divisible_room_m2",
        "divisible_rooms", "accessibility", "amenities", "allowed_uses", "weekly_hours",
        "cost_kind", "cost_amount", "currency")}


def offered_rooms(place: Space) -> list[OfferedRoom]:
    """The rooms a place offers (as the engine sees them), read afresh, with their hours."""
    rec = _place_record(place)
    rooms = [{c.name: getattr(r, c.name) for c in Room.__table__.columns}
             for r in db.session.scalars(
                 select(Room).where(Room.space_id == place.id, Room.status == "listed")
                 .order_by(Room.position, Room.id).execution_options(populate_existing=True))]
    on_offer = rooms_on_offer(rec, rooms)
    out = []
    for room in on_offer:
        full = effective_room(rec, room)
        # on offer, the automatic whole-space room is alone: it is all of the place
        out.append(OfferedRoom(room["id"], room_label(room["name"]), full["floor_area_m2"],
                               full["capacity"], full["weekly_hours"] or {},
                               is_whole_place(room, rec)))
    for part in divide_place(rec):
        full = effective_room(rec, part)
        out.append(OfferedRoom(division_key(place.id, part["index"]), part["name"],
                               full["floor_area_m2"], full["capacity"],
                               full["weekly_hours"] or {}))
    return out


def holdings(place_id: int, *, lock: bool = False) -> list[tuple[Match, Booking]]:
    """The approved and active pairings of a place that have not ended."""
    stmt = (select(Match).where(Match.space_id == place_id, *live(place_today(place_id)))
            .order_by(Match.id).execution_options(populate_existing=True))
    if lock:
        stmt = stmt.with_for_update()
    return [(m, booking_of(m)) for m in db.session.scalars(stmt)]


def clashes(booking: Booking, place_id: int, *, named: bool = True,
            lock: bool = False) -> list[ClashView]:
    """The live bookings of the place ``booking`` clashes with; ``named=False`` leaves out
    which pairings they are (for a viewer who may not see them)."""
    held = [(m, b) for m, b in holdings(place_id, lock=lock) if m.id != booking.id]
    by_id = {b.id: m for m, b in held}
    return [ClashView(o.id if named else None, by_id[o.id].status,
                      by_id[o.id].project.title if named else "", describe_clash(booking, o))
            for o in conflicts(booking, [b for _, b in held])]


def conflict_error(found: list[ClashView]) -> Conflict:
    c = found[0]
    more = Text(f" (and {len(found) - 1} more)", f" (외 {len(found) - 1}건)") \
        if len(found) > 1 else ""
    if c.pairing_id is None:
        return Conflict(N_("These hours are already booked: %(when)s%(more)s."), when=c.when,
                        more=more)
    return Conflict(N_("This conflicts with pairing %(id)s (%(status)s, %(project)s): "
                       "%(when)s%(more)s."), id=c.pairing_id,
                    status=Text(c.status, STATUS_NAMES.get(c.status, c.status)),
                    project=c.project_title, when=c.when, more=more)


# -- pages ---------------------------------------------------------------------------------------
def own_project(actor, project_id: int) -> Project:
    require_role(actor, "group")
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound(N_("No project %(id)s."), id=project_id)
    if actor.role != "admin" and project.group_id != actor.id:
        raise PermissionDenied(N_("Only the project's group may ask for a space for it."))
    return project


def listed_place(project: Project, space_id: int, *, lock: bool = False) -> Space:
    place = db.session.get(Space, space_id, with_for_update=lock, populate_existing=lock)
    if place is None or place.status != "listed":
        raise NotFound(N_("No listed place %(id)s."), id=space_id)
    if place.city_id != project.city_id:
        raise ValidationError(FieldProblem("space", N_("this place is in another city")))
    return place


def request_form(actor, project_id: int, space_id: int) -> RequestForm:
    """What the project's group fills in to ask for the place."""
    project = own_project(actor, project_id)
    place = listed_place(project, space_id)
    ci = city_index(project.city)
    best = None
    found = ci.index.evaluate_place(place.id, project_needs(project, ci.crs))
    if found is not None:
        t, ev = found
        passing = np.flatnonzero(ev.failed == 0)
        if len(passing):
            keys = t.id[ev.rows]
            best = int(keys[passing[np.lexsort((keys[passing], -ev.total[passing]))[0]]])
    return RequestForm(project.id, project.title, dict(project.weekly_hours or {}),
                       project.starts_on, project.ends_on, place.id, place.title,
                       place.available_from, place.available_to, offered_rooms(place), best)


def room_name(match: Match) -> str:
    """The room a pairing books, as pages name it (a Text where spacematch names it)."""
    if match.division:
        return division_name(match.division, match.space.divisible_rooms or match.division)
    if match.room is not None:
        return room_label(match.room.name)
    return WHOLE_PLACE


def view_of(match: Match) -> PairingView:
    group, owner = match.project.group, match.space.owner
    return PairingView(
        id=match.id, status=match.status, origin=match.origin,
        group_agreed=match.group_agreed, owner_agreed=match.owner_agreed,
        project_id=match.project_id, project_title=match.project.title,
        group_name=group.organisation or group.display_name,
        space_id=match.space_id, place_title=match.space.title,
        owner_name=owner.organisation or owner.display_name,
        room_key=room_key(match.space_id, match.room_id, match.division),
        room_name=room_name(match), weekly_hours=dict(match.weekly_hours or {}),
        hours_text=Text(describe_hours(match.weekly_hours or {}),
                        describe_hours(match.weekly_hours or {}, lang="ko")),
        starts_on=match.starts_on, ends_on=match.ends_on, score=float(match.score),
        breakdown=dict(match.breakdown or {}), updated_at=match.updated_at)


def _visible(actor, match_id: int) -> tuple[Match, set[str]]:
    require_role(actor, "group", "owner", "official")
    match = db.session.get(Match, match_id)
    if match is None:
        raise NotFound(N_("No pairing %(id)s."), id=match_id)
    parties = parties_of(actor, match)
    if not parties:
        raise PermissionDenied(N_("Only the group, the place's owner and officials see a "
                                  "pairing."))
    return match, parties


def pairing_page(actor, match_id: int) -> PairingPage:
    """The pairing, its timeline, what ``actor`` may do, and what it clashes with."""
    match, parties = _visible(actor, match_id)
    names = dict(db.session.execute(select(User.id, User.display_name).where(
        User.id.in_({e.actor_id for e in match.events if e.actor_id}))).all())
    timezone = match.space.city.timezone  # moments on the clocks where the place is
    timeline = [Step(local(e.at, timezone), names.get(e.actor_id, SYSTEM), e.from_status,
                     e.to_status, e.reason) for e in match.events]
    found = [] if match.status in workflow.ENDED else clashes(
        booking_of(match), match.space_id, named=bool(parties & {"owner", "official"}))
    place = to_shape(match.space.location)
    project = match.project.preferred_location
    point = to_shape(project) if project is not None else None
    return PairingPage(view_of(match), timeline, workflow.available(state_of(match), parties),
                       found, (place.y, place.x), (point.y, point.x) if point else None,
                       match.space.city.slug)


def _loaded(stmt):
    return stmt.options(selectinload(Match.project).selectinload(Project.group),
                        selectinload(Match.space).selectinload(Space.owner),
                        selectinload(Match.room))


def my_pairings(actor) -> PairingList:
    """A group's pairings of its projects, an owner's of its places; those waiting for
    the viewer first. Officials and admins see every pairing."""
    require_role(actor, "group", "owner", "official")
    stmt = select(Match).order_by(Match.updated_at.desc(), Match.id.desc())
    if actor.role == "group":
        stmt = stmt.join(Project).where(Project.group_id == actor.id)
    elif actor.role == "owner":
        stmt = stmt.join(Space).where(Space.owner_id == actor.id)
    waiting, others = [], []
    for match in db.session.scalars(_loaded(stmt.limit(MAX_LISTED))):
        acts = workflow.available(state_of(match), parties_of(actor, match))
        (waiting if _waits_for(match, acts) else others).append(view_of(match))
    return PairingList(waiting, others)


def _waits_for(match: Match, acts: list[str]) -> bool:
    """Whether the pairing waits for someone who may take ``acts``: withdrawing and
    cancelling are ways out, always open, that nothing waits for; starting waits for the
    first day (none named: now), completing for the day after the last, in the place's city."""
    today = today_in(match.space.city.timezone)
    due = set(acts) - OPTIONAL
    if match.starts_on is not None and match.starts_on > today:
        due.discard("start")
    if match.ends_on is None or match.ends_on >= today:
        due.discard("complete")
    return bool(due)


def review_queue(actor) -> list[ReviewItem]:
    """Pairings both parties accepted, oldest first, each with its clashes flagged."""
    require_role(actor, "official")
    stmt = (select(Match).where(Match.status == "accepted")
            .order_by(Match.updated_at, Match.id).limit(MAX_LISTED))
    return [ReviewItem(view_of(m), clashes(booking_of(m), m.space_id))
            for m in db.session.scalars(_loaded(stmt))]
