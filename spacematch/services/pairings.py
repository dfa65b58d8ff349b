"""The pairing workflow's writes: a group asks for a room, an official proposes pairings from
a district plan, and the parties move a pairing on (``domain.workflow``).

Every write runs under the catalogue lock (``versioning.locked_write``): on PostgreSQL the
version row's lock (and the place's row, ``FOR UPDATE``) makes two officials approving at
once wait for each other; on SQLite the first write takes the database's write lock. So the
checks inside see every approval committed before, and no two approved pairings hold the
same hours of a room (``domain.conflicts``). Everything a request or an approval depends on
(the place listed, the room offered and open at those hours, the dates) is checked again
inside the lock. A step that changes which hours are held (approve, cancel, complete) stamps
the place, so every process's index stops, or starts again, offering them; an approval marks
the project ``matched`` (out of district plans), a cancellation gives it back if nothing else
holds. Every step writes a ``MatchEvent`` and an audit event in the same transaction.

The read side (pages, lists, the review queue) is ``services.pairing_views``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import SQLAlchemyError

from ..db.models import City, Match, MatchEvent, Project, Space
from ..domain import days, vocabulary, workflow
from ..domain.conflicts import Booking
from ..domain.days import today_in
from ..domain.errors import (
    N_,
    Conflict,
    FieldProblem,
    NotFound,
    SpacematchError,
    ValidationError,
)
from ..domain.explain import explain, why_not
from ..domain.rooms import index_of_division
from ..domain.schedule import describe_hours, describe_slots, parse_weekly_hours, to_slot_mask
from ..domain.scoring import failed_constraints
from ..domain.vocabulary import Text
from ..extensions import db
from . import versioning
from .audit import record
from .bookings import booking_of, live, place_today
from .indexes import city_index
from .matching import project_needs
from .pairing_views import (
    OfferedRoom,
    PairingView,
    clashes,
    conflict_error,
    listed_place,
    offered_rooms,
    own_project,
    parties_of,
    state_of,
    view_of,
)
from .users import require_role

PROJECT_STATUS_KO, SPACE_STATUS_KO = vocabulary.PROJECT_STATUS_KO, vocabulary.SPACE_STATUS_KO

log = logging.getLogger(__name__)
CHANGES_HOLDINGS = ("approve", "cancel", "complete")
YEARS_AHEAD = 20  # a last day further off is a typing slip, not a plan
NO_SUCH_PROJECT = Text("no such project", "해당 프로젝트 없음")


@dataclass(frozen=True)
class Booked:
    """A checked request: the room, the hours, the dates and the message."""

    room: OfferedRoom
    hours: dict
    starts_on: date | None
    ends_on: date | None
    message: str | None


# -- checking what is asked for ----------------------------------------------------------------
def _room_key(value) -> int | None:
    """The room key a form or a caller gave: an integer, or its digits (a checkbox's True
    or a 12.7 is no room)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d{1,12}\s*", value):
        return int(value)
    return None


def _date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):  # a moment is no day; its date is
        value = value.date()
    elif not isinstance(value, date):
        if not isinstance(value, str):
            raise ValidationError(FieldProblem(field, N_("must be a date (YYYY-MM-DD)")))
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(FieldProblem(field, N_("must be a date (YYYY-MM-DD)"))) \
                from None
    if value.year > days.now().year + YEARS_AHEAD:  # any zone's year: a bound, not a day
        raise ValidationError(FieldProblem.of(field, N_("must be within %(years)s years"),
                                              years=YEARS_AHEAD))
    return value


def _hours_problem(room: OfferedRoom, hours: dict) -> FieldProblem | None:
    outside = to_slot_mask(hours, outward=True) & ~to_slot_mask(room.hours, outward=False)
    if not np.any(outside):
        return None
    return FieldProblem.of(
        "weekly_hours", N_("%(room)s is not open %(hours)s (open: %(open)s)"), room=room.name,
        hours=Text(describe_slots(outside), describe_slots(outside, "ko")),
        open=Text(describe_hours(room.hours, outward=False),
                  describe_hours(room.hours, outward=False, lang="ko")))


def _dates_problems(place: Space, starts: date | None, ends: date | None) -> list[FieldProblem]:
    problems = []
    if ends is not None and ends < today_in(place.city.timezone):
        problems.append(FieldProblem("ends_on", N_("has passed")))
    if starts and ends and ends < starts:
        problems.append(FieldProblem.of("ends_on", N_("is before the start (%(start)s)"),
                                        start=starts.isoformat()))
    if place.available_from and (starts is None or starts < place.available_from):
        problems.append(FieldProblem.of(
            "starts_on", N_("the place is available from %(date)s"),
            date=place.available_from.isoformat()))
    if place.available_to and (ends is None or ends > place.available_to):
        problems.append(FieldProblem.of(
            "ends_on", N_("the place is available until %(date)s"),
            date=place.available_to.isoformat()))
    return problems


def check_request(place: Space, rooms: list[OfferedRoom], data: dict) -> Booked:
    """Every problem of a request, by field, before anything is stored."""
    problems: list[FieldProblem] = []

    def take(fn):
        try:
            return fn()
        except ValidationError as exc:
            problems.extend(exc.problems)
            return None

    raw_room = data.get("room")
    room = {r.key: r for r in rooms}.get(_room_key(raw_room))
    if room is None and len(rooms) == 1 and raw_room in (None, ""):
        room = rooms[0]
    if room is None:
        problems.append(FieldProblem("room", N_("choose one of the place's rooms")))
    hours = take(lambda: parse_weekly_hours(data.get("weekly_hours") or {}, "weekly_hours"))
    if hours is not None and not hours:
        problems.append(FieldProblem("weekly_hours", N_("give at least one day's hours")))
    elif hours and room is not None and (problem := _hours_problem(room, hours)):
        problems.append(problem)
    starts = take(lambda: _date(data.get("starts_on"), "starts_on"))
    ends = take(lambda: _date(data.get("ends_on"), "ends_on"))
    problems += _dates_problems(place, starts, ends)
    message = take(lambda: workflow.clean_message(data.get("message")))
    if problems:
        raise ValidationError(problems)
    return Booked(room, hours, starts, ends, message)


def _breakdown(project: Project, room_key: int) -> tuple[float, dict]:
    """The room's score and explanation for the project, as the engine sees it now."""
    ci = city_index(project.city)
    needs = project_needs(project, ci.crs)
    found = ci.index.lookup(room_key)
    ev = ci.index.evaluate_one(room_key, needs)
    if found is None or ev is None:
        return 0.0, {"passes": False, "lines": []}
    t, _ = found
    if ev.failed[0]:
        return 0.0, {"passes": False, "failed": failed_constraints(int(ev.failed[0])),
                     "lines": [ln.as_dict() for ln in why_not(t, ev, 0, needs, ci.areas)]}
    return float(ev.total[0]), {"passes": True, "lines": [
        ln.as_dict() for ln in explain(t, ev, 0, needs, ci.areas)]}


def _columns(key: int, room: OfferedRoom) -> dict:
    """How a pairing names its room: a room row, a division, or (neither) the whole place."""
    if key < 0:
        return {"room_id": None, "division": index_of_division(key)}
    return {"room_id": None if room.whole else key, "division": None}


def _scored(project: Project, place_id: int, data: dict) -> tuple[float, dict]:
    """Check ``data`` as things are and score its room: before the lock, because inside it
    the index would take this transaction's own, uncommitted catalogue version for one
    that every process has seen."""
    place = listed_place(project, place_id)
    booked = check_request(place, offered_rooms(place), data)
    return _breakdown(project, booked.room.key)


def _store(actor, project: Project, place_id: int, data: dict, origin: str,
           scored: tuple[float, dict], *, named: bool) -> Match:
    """Check ``data`` again against the place as it is under the lock, then store the
    pairing. Runs inside ``locked_write``."""
    place = listed_place(project, place_id, lock=True)
    db.session.refresh(project)
    if project.status not in (("open",) if origin == "proposal" else ("open", "matched")):
        status = Text(project.status, PROJECT_STATUS_KO.get(project.status, project.status))
        raise ValidationError(FieldProblem.of(
            "project", N_("the project is %(status)s: publish it first")
            if project.status == "draft" else N_("the project is %(status)s"), status=status))
    booked = check_request(place, offered_rooms(place), data)
    columns = _columns(booked.room.key, booked.room)
    score, breakdown = scored
    key = None if booked.room.whole else booked.room.key
    found = clashes(Booking(0, key, booked.hours, booked.starts_on, booked.ends_on),
                    place.id, named=named)
    if found:
        error = conflict_error(found)
        raise ValidationError(FieldProblem.of("weekly_hours", error.template,
                                              **(error.params or {})))
    same = db.session.scalar(select(Match.id).where(
        Match.project_id == project.id, Match.space_id == place.id,
        Match.room_id.is_(None) if columns["room_id"] is None else
        Match.room_id == columns["room_id"],
        Match.division.is_(None) if columns["division"] is None else
        Match.division == columns["division"],
        or_(Match.status.in_(workflow.UNDECIDED), and_(*live(place_today(place.id))))))
    if same is not None:
        raise ValidationError(FieldProblem.of(
            "room", N_("this project has a pairing of this room already (pairing %(id)s)"),
            id=same))
    state = workflow.start(origin)
    match = Match(space_id=place.id, project_id=project.id, score=score,
                  breakdown={"room": booked.room.name, **breakdown}, **columns,
                  weekly_hours=booked.hours, starts_on=booked.starts_on,
                  ends_on=booked.ends_on, status=state.status, origin=state.origin,
                  group_agreed=state.group_agreed, owner_agreed=state.owner_agreed)
    db.session.add(match)
    db.session.flush()
    _event(actor, match, None, match.status, booked.message, action=origin)
    return match


# -- requests and proposals ----------------------------------------------------------------------
def request_space(actor, project_id: int, space_id: int, data: dict) -> PairingView:
    """The project's group asks for a room of a place (``data``: room, weekly_hours,
    starts_on, ends_on, message). Hours an approved pairing holds are refused by field;
    the group is told they are booked, not by whom."""
    project = own_project(actor, project_id)
    scored = _scored(project, space_id, data)
    with versioning.locked_write():
        match = _store(actor, project, space_id, data, "request", scored, named=False)
    return view_of(match)


@dataclass(frozen=True)
class ProposalOutcome:
    project_id: int
    space_id: int
    pairing_id: int | None  # None: not sent
    problem: str | None  # in English
    # why it was not sent, for a page to say in its own language (web.i18n.error_text, and
    # problem_text for each of a ValidationError's problems)
    error: SpacematchError | None = None


def may_propose(actor) -> None:
    """PermissionDenied unless ``actor`` is an official (or an admin)."""
    require_role(actor, "official")


def propose(actor, proposals: list[dict]) -> list[ProposalOutcome]:
    """An official sends district-plan pairings (each: project_id, space_id, room) to both
    parties as proposals, for the project's own weekly hours and dates. Each is checked and
    stored on its own: one that cannot be sent says why and the others go."""
    may_propose(actor)
    out = []
    for p in proposals:
        ids = (p.get("project_id"), p.get("space_id"))
        project = db.session.get(Project, ids[0]) if all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids) else None
        if project is None:
            out.append(ProposalOutcome(p.get("project_id"), p.get("space_id"), None,
                                       NO_SUCH_PROJECT, NotFound(N_("no such project"))))
            continue
        data = {"room": p.get("room"), "weekly_hours": project.weekly_hours,
                "starts_on": project.starts_on, "ends_on": project.ends_on,
                "message": p.get("message")}
        try:
            scored = _scored(project, p.get("space_id"), data)
            with versioning.locked_write():
                match = _store(actor, project, p.get("space_id"), data, "proposal", scored,
                               named=True)
        except SpacematchError as exc:
            problems = getattr(exc, "problems", None)
            out.append(ProposalOutcome(project.id, p.get("space_id"), None, "; ".join(
                f.describe() for f in problems) if problems else exc.message, exc))
        else:
            out.append(ProposalOutcome(project.id, match.space_id, match.id, None))
    return out


# -- moving a pairing on ---------------------------------------------------------------------------
def act(actor, match_id: int, action: str, message: str | None = None) -> PairingView:
    """``actor`` takes ``action`` on the pairing (``workflow.ACTIONS``), with a message
    (the reason, where one is required). An approval is refused with "conflicts with pairing
    N" when an approved pairing already holds any of its hours, and when the place, the room
    or the dates no longer allow it."""
    require_role(actor, "group", "owner", "official")
    if action == "start":
        match = db.session.get(Match, match_id, populate_existing=True)
        if match is not None and match.status == "active":
            workflow.check_party(action, parties_of(actor, match))
            return view_of(match)  # it started itself on its first day, after the page showed
    with versioning.locked_write() as version:
        match = db.session.get(Match, match_id, populate_existing=True)
        if match is None:
            raise NotFound(N_("No pairing %(id)s."), id=match_id)
        parties = parties_of(actor, match)
        workflow.check_party(action, parties)
        if action == "start" and match.status == "active":
            return view_of(match)  # it started itself between the read above and the lock
        cleaned = workflow.clean_message(message)
        before = match.status
        new = workflow.advance(state_of(match), action, parties, cleaned)
        if action == "approve":
            _still_bookable(match)
        match.status, match.group_agreed, match.owner_agreed = (
            new.status, new.group_agreed, new.owner_agreed)
        if action in CHANGES_HOLDINGS:
            match.space.row_version = version  # every index reloads the place
            _project_status(match)
        _event(actor, match, before, new.status, cleaned, action=action)
    return view_of(match)


def start_due(today: date | None = None, *, best_effort: bool = False) -> list[int]:
    """Approved pairings whose first day has come and whose last has not passed become
    active, each with a timeline step no person took. "Today" is each place's city's
    (``today`` for every city, when given). Returns their ids.

    Cheap when nothing is due (one read outside the lock), so pages about pairings call it
    first, ``best_effort``: a database too busy to take the lock now (a long import) leaves
    them as they are, logged, and the page shows what is stored; ``spacematch
    start-due-pairings`` does it from cron as well."""
    if best_effort:
        try:
            return start_due(today)
        except SQLAlchemyError:
            log.warning("could not start due pairings now", exc_info=True)
            return []
    # the widest day anywhere (UTC+14 to UTC-12) finds the candidates; each city's day
    # decides, before the lock is taken: a page must not queue on it for nothing
    at = days.now()
    latest = today or (at + timedelta(hours=14)).date()
    earliest = today or (at - timedelta(hours=12)).date()
    near = [Match.status == "approved",
            or_(Match.starts_on.is_(None), Match.starts_on <= latest),
            or_(Match.ends_on.is_(None), Match.ends_on >= earliest)]
    rows = db.session.execute(
        select(Match.id, Match.starts_on, Match.ends_on, City.timezone)
        .join(Space, Space.id == Match.space_id).join(City, City.id == Space.city_id)
        .where(*near)).all()
    local = {zone: today or today_in(zone, at) for zone in {r.timezone for r in rows}}
    due = [r.id for r in rows if (r.starts_on is None or r.starts_on <= local[r.timezone])
           and (r.ends_on is None or r.ends_on >= local[r.timezone])]
    if not due:
        return []
    started = []
    with versioning.locked_write():
        # read again under the lock: another worker may have started them meanwhile
        for match in db.session.scalars(select(Match).where(Match.id.in_(due))
                                        .order_by(Match.id)
                                        .execution_options(populate_existing=True)):
            state = state_of(match)
            day = today or today_in(match.space.city.timezone, at)
            if not workflow.due_to_start(state, match.starts_on, day, match.ends_on):
                continue
            match.status = workflow.advance(state, "start", {workflow.SYSTEM}).status
            # approved and active both hold the room's hours: no index changes
            _event(None, match, "approved", match.status, None, action="start")
            started.append(match.id)
    return started


def _still_bookable(match: Match) -> None:
    """Under the lock, with the place's row locked: the place listed, the room offered and
    open at the pairing's hours, its last day not past, and no clash with an approved or
    active pairing committed before."""
    place = db.session.get(Space, match.space_id, with_for_update=True,
                           populate_existing=True)
    if place.status != "listed":
        raise Conflict(N_("This pairing cannot be approved: the place is %(status)s."),
                       status=Text(place.status, SPACE_STATUS_KO.get(place.status,
                                                                     place.status)))
    booking = booking_of(match)
    rooms = offered_rooms(place)
    # a booking of the whole place is checked against the whole-space room, while offered
    room = next((r for r in rooms if (r.whole if booking.room is None
                                      else r.key == booking.room)), None)
    if room is None and booking.room is not None:
        raise Conflict(N_("This pairing cannot be approved: its room is no longer offered."))
    if room is not None and (problem := _hours_problem(room, booking.hours)) is not None:
        raise Conflict(N_("This pairing cannot be approved: %(room)s is not open %(hours)s "
                          "(open: %(open)s)."), **problem.params)
    dates = _dates_problems(place, match.starts_on, match.ends_on)
    if dates:
        raise _dates_refusal(dates[0])
    found = clashes(booking, match.space_id, lock=True)
    if found:
        raise conflict_error(found)


# a dates problem (``_dates_problems``) as the reason an approval is refused, whole
_NOT_APPROVED = {
    N_("has passed"): N_("This pairing cannot be approved: ends on — has passed."),
    N_("is before the start (%(start)s)"):
        N_("This pairing cannot be approved: ends on — is before the start (%(start)s)."),
    N_("the place is available from %(date)s"):
        N_("This pairing cannot be approved: starts on — the place is available from "
           "%(date)s."),
    N_("the place is available until %(date)s"):
        N_("This pairing cannot be approved: ends on — the place is available until "
           "%(date)s."),
}


def _dates_refusal(problem: FieldProblem) -> Conflict:
    """``This pairing cannot be approved: ends on — has passed.``"""
    field = problem.field.replace("_", " ")
    template = _NOT_APPROVED.get(problem.template or problem.problem)
    if template is None or f"cannot be approved: {field} —" not in template:
        return Conflict(N_("This pairing cannot be approved: %(field)s — %(problem)s."),
                        field=field, problem=problem.problem)
    return Conflict(template, **(problem.params or {}))


def _project_status(match: Match) -> None:
    """An approved pairing takes its project out of district plans; when its last holding
    pairing is cancelled, the project is open again."""
    project = match.project
    if match.status == "approved" and project.status == "open":
        project.status = "matched"
    elif match.status == "cancelled" and project.status == "matched":
        others = db.session.scalar(select(Match.id).where(
            Match.project_id == project.id, Match.id != match.id,
            *live(place_today(match.space_id))))
        if others is None:
            project.status = "open"


def _event(actor, match: Match, before: str | None, after: str, message: str | None,
           action: str) -> None:
    """A timeline step and its audit event; ``actor`` None: the service itself."""
    db.session.add(MatchEvent(match_id=match.id, actor_id=actor.id if actor else None,
                              from_status=before, to_status=after, reason=message))
    record(actor, f"pairing.{action}", match,
           before={"status": before} if before else None,
           after={"status": after, "project": match.project_id, "space": match.space_id},
           detail=message)
