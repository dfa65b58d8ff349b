"""The pairing workflow through the service: a group asks for a room, the owner says yes, an
official approves; approved hours are held, checked and no longer offered by the engine."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from spacematch import create_app
from spacematch.db.models import AuditEvent, Match, MatchEvent, Room, Space
from spacematch.domain import days
from spacematch.domain.days import today_in
from spacematch.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from spacematch.domain.rooms import division_key
from spacematch.extensions import db
from spacematch.services import bookings, indexes, matching, pairing_views
from spacematch.services.pairing_views import my_pairings, pairing_page
from spacematch.services.pairings import act, request_space
from spacematch.services.projects import create_project
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

HERE = {"lon": 126.9687, "lat": 37.5759}
PLACE = {"title": "사직동 주민센터", "owner_kind": "public", **HERE, "floor_area_m2": 600,
         "capacity": 300, "status": "listed", "weekly_hours": "mon-sat 09:00-21:00",
         "cost_kind": "free", "amenities": ["heating_cooling", "power", "toilets", "internet"],
         "rooms": [{"name": "Studio", "floor_area_m2": 45, "capacity": 25},
                   {"name": "Hall", "floor_area_m2": 150, "capacity": 80}]}
DIVISIBLE = {**PLACE, "title": "옛 구청 별관", "rooms": None, "divisible_room_m2": 45,
             "divisible_rooms": 3}
TUE = {"tue": ["18:00-21:00"]}
LATER = (date.today() + timedelta(days=400)).isoformat()


def _user(role: str, n: int = 0):
    return create_user(email=f"{role}{n}@example.org", password="correct horse battery",
                       role=role, display_name=f"{role.title()} {n}", system=True)


def project(group, hours="tue 18:00-21:00", n=0) -> int:
    return create_project(group, "seoul", {
        "title": f"모임 {n}", "activity": "meeting_workshop", "participants": 10, **HERE,
        "max_distance_m": 2000, "weekly_hours": hours, "status": "open"}).id


def world(place=PLACE) -> SimpleNamespace:
    """An owner's listed place, two groups, another owner, an official."""
    w = SimpleNamespace(owner=_user("owner"), group=_user("group"), official=_user("official"),
                        other_group=_user("group", 1), other_owner=_user("owner", 1))
    w.place = create_space(w.owner, place).id
    rooms = db.session.scalars(select(Room.id).where(Room.space_id == w.place)
                               .order_by(Room.position)).all()
    w.studio, w.hall = (rooms + [None, None])[:2]
    w.project = project(w.group)
    return w


def ask(w, project_id=None, group=None, **data) -> int:
    data = {"room": w.studio, "weekly_hours": TUE, "ends_on": LATER, **data}
    return request_space(group or w.group, project_id or w.project, w.place, data).id


def agreed(w, **data) -> int:
    """A request the owner has accepted."""
    match = ask(w, **data)
    act(w.owner, match, "accept")
    return match


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count()).select_from(m))
                 for m in (Match, MatchEvent, AuditEvent))


def best_room(project_id: int, place_id: int):
    found = matching.explain_pair(project_id, place_id)
    return found.get("room_id") if found["passes"] else None, found.get("rooms_fit")


def test_a_request_runs_from_the_group_to_the_official(seoul_app):
    with seoul_app.app_context():
        w = world()
        before = counts()
        view = request_space(w.group, w.project, w.place, {
            "room": str(w.studio), "weekly_hours": "tue 18:00-21:00", "starts_on": "2027-01-05",
            "ends_on": LATER, "message": "  Tuesdays, please.\n"})
        assert (view.status, view.origin, view.group_agreed, view.owner_agreed) == (
            "requested", "request", True, False)
        assert (view.room_key, view.room_name, view.weekly_hours) == (w.studio, "Studio", TUE)
        assert (view.starts_on, view.ends_on) == (date(2027, 1, 5), date.fromisoformat(LATER))
        assert view.breakdown["passes"] and view.score > 0, view.breakdown
        assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
        audit = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert (audit.action, audit.entity, audit.entity_id, audit.actor_id) == (
            "pairing.request", "match", view.id, w.group.id)
        assert audit.after == {"status": "requested", "project": w.project, "space": w.place}

        assert act(w.owner, view.id, "accept", "Welcome").status == "accepted"
        assert act(w.official, view.id, "approve").status == "approved"
        page = pairing_page(w.group, view.id)
        assert [(s.actor, s.from_status, s.to_status, s.message) for s in page.timeline] == [
            ("Group 0", None, "requested", "Tuesdays, please."),
            ("Owner 0", "requested", "accepted", "Welcome"),
            ("Official 0", "accepted", "approved", None)]
        assert page.actions == ["cancel"] and page.conflicts == []
        assert pairing_page(w.owner, view.id).actions == ["start", "cancel"]
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.entity == "match", AuditEvent.entity_id == view.id)
            .order_by(AuditEvent.id)).all()
        assert actions == ["pairing.request", "pairing.accept", "pairing.approve"]


@pytest.mark.parametrize("who", ["other_group", "owner", "official", "nobody"])
def test_only_the_projects_group_may_ask(seoul_app, who):
    with seoul_app.app_context():
        w = world()
        before = counts()
        actor = getattr(w, who, None)  # nobody: not signed in
        with pytest.raises(PermissionDenied):
            request_space(actor, w.project, w.place, {"room": w.studio, "weekly_hours": TUE})
        assert counts() == before


@pytest.mark.parametrize(("data", "fields"), [
    ({"room": "elsewhere"}, ["room"]),
    ({"room": 99999999}, ["room"]),
    ({"room": True}, ["room"]),  # a checkbox, not room 1
    ({"weekly_hours": "sun 10:00-12:00"}, ["weekly_hours"]),
    ({"weekly_hours": "tue 20:00-21:30"}, ["weekly_hours"]),
    ({"weekly_hours": ""}, ["weekly_hours"]),
    ({"starts_on": "2030-02-01", "ends_on": "2030-01-31"}, ["ends_on"]),
    ({"ends_on": (date.today() - timedelta(days=1)).isoformat()}, ["ends_on"]),
    ({"starts_on": "first of may"}, ["starts_on"]),
    ({"message": "hi\x00"}, ["message"]),
    ({"room": None, "ends_on": "2001-01-01", "message": 5}, ["room", "ends_on", "message"]),
])
def test_bad_input_is_named_by_field_and_nothing_is_stored(seoul_app, data, fields):
    with seoul_app.app_context():
        w = world()
        if data.get("room") == "elsewhere":  # a room of another place
            other = create_space(w.other_owner, {**PLACE, "title": "다른 곳"}).id
            data = {**data, "room": db.session.scalar(select(Room.id).where(
                Room.space_id == other).limit(1))}
        before = counts()
        with pytest.raises(ValidationError) as caught:
            ask(w, **data)
        assert [p.field for p in caught.value.problems] == fields
        assert counts() == before


def test_hours_outside_the_room_are_named_with_its_hours(seoul_app):
    with seoul_app.app_context(), pytest.raises(ValidationError) as caught:
        ask(world(), weekly_hours="tue 20:00-21:30; sun 10:00-11:00")
    assert caught.value.problems[0].problem == (
        "Studio is not open Tue 21:00–21:30; Sun 10:00–11:00 (open: Mon–Sat 09:00–21:00)")


@pytest.mark.parametrize(("who", "action"), [
    ("other_owner", "accept"), ("other_group", "withdraw"), ("official", "accept"),
    ("group", "approve"), ("owner", "approve"), ("nobody", "accept")])
def test_the_wrong_party_moves_nothing(seoul_app, who, action):
    with seoul_app.app_context():
        w = world()
        match = ask(w)
        before = counts()
        with pytest.raises(PermissionDenied):
            act(getattr(w, who, None), match, action)
        assert counts() == before
        assert db.session.get(Match, match).status == "requested"
        if who.startswith("other"):
            with pytest.raises(PermissionDenied):
                pairing_page(getattr(w, who), match)
        with pytest.raises(NotFound):
            act(w.owner, 99999999, "accept")


def test_an_approval_that_clashes_is_refused_and_left_accepted(seoul_app):
    with seoul_app.app_context():
        w = world()
        first = agreed(w)
        second = agreed(w, project_id=project(w.other_group, n=1), group=w.other_group,
                        weekly_hours="tue 20:30-21:00")
        queue = pairing_views.review_queue(w.official)
        assert [(i.pairing.id, i.conflicts) for i in queue] == [(first, []), (second, [])]
        act(w.official, first, "approve")
        before = counts()
        with pytest.raises(Conflict) as caught:
            act(w.official, second, "approve")
        assert f"conflicts with pairing {first}" in caught.value.message
        assert "Tue 20:30–21:00" in caught.value.message
        assert counts() == before
        assert db.session.get(Match, second).status == "accepted"
        (item,) = pairing_views.review_queue(w.official)
        assert item.pairing.id == second
        assert [(c.pairing_id, c.status) for c in item.conflicts] == [(first, "approved")]
        assert [c.pairing_id for c in pairing_page(w.official, second).conflicts] == [first]
        # the same hours in the other room, and other hours in the same room, both go
        hall = agreed(w, project_id=project(w.group, n=2), room=w.hall)
        earlier = agreed(w, project_id=project(w.group, n=3), weekly_hours="tue 15:00-18:00")
        assert act(w.official, hall, "approve").status == "approved"
        assert act(w.official, earlier, "approve").status == "approved"


def test_held_hours_cannot_be_asked_for_again(seoul_app):
    with seoul_app.app_context():
        w = world()
        match = act(w.official, agreed(w), "approve").id
        held = bookings.held_slots(db.session.get(Match, match).space.city_id)[0]
        assert set(held) == {w.place} and set(held[w.place]) == {w.studio}
        other = project(w.other_group, n=1)
        with pytest.raises(ValidationError) as caught:
            ask(w, project_id=other, group=w.other_group, weekly_hours="tue 19:00-20:00")
        assert [p.field for p in caught.value.problems] == ["weekly_hours"]
        # the other group learns the hours are taken, not whose they are
        assert "These hours are already booked: Tue 19:00–20:00" in caught.value.message
        assert f"pairing {match}" not in caught.value.message
        # asking again for a room one has a pairing of already is named on the room
        with pytest.raises(ValidationError, match="has a pairing of this room already"):
            ask(w, weekly_hours="wed 18:00-21:00")


def test_approved_hours_leave_the_engine_until_cancelled(seoul_app):
    url = seoul_app.config["SPACEMATCH_DATABASE_URL"]
    other = create_app({"SPACEMATCH_DATABASE_URL": url, "TESTING": True})  # a second server
    with seoul_app.app_context():
        w = world()
        needing = project(w.other_group, n=1)  # needs exactly the same hours
        wednesday = project(w.other_group, hours="wed 18:00-21:00", n=2)

        def seen(pid):
            with other.app_context():
                return best_room(pid, w.place)

        assert best_room(needing, w.place) == (w.studio, 2) == seen(needing)
        match = agreed(w)
        assert best_room(needing, w.place) == (w.studio, 2)  # accepted holds nothing yet
        act(w.official, match, "approve")
        assert best_room(needing, w.place) == (w.hall, 1) == seen(needing)
        assert pairing_views.request_form(w.other_group, needing, w.place).best_room == w.hall
        suggested = {s.space_id: s.room_id for s in matching.suggest_spaces(needing)[1]}
        assert suggested[w.place] == w.hall
        assert best_room(wednesday, w.place) == (w.studio, 2)  # other hours: still offered
        act(w.group, match, "cancel", "We found another place")
        assert best_room(needing, w.place) == (w.studio, 2) == seen(needing)
        again = agreed(w, project_id=project(w.group, n=3))
        for action in ("approve", "start"):
            act(w.official, again, action)
        assert best_room(needing, w.place) == (w.hall, 1) == seen(needing)  # active holds too
        act(w.owner, again, "complete")
        assert best_room(needing, w.place) == (w.studio, 2) == seen(needing)
    with other.app_context():
        db.engine.dispose()


def test_a_division_is_booked_and_the_others_are_still_offered(seoul_app):
    with seoul_app.app_context():
        w = world(DIVISIBLE)
        keys = [r.key for r in pairing_views.offered_rooms(db.session.get(Space, w.place))]
        assert keys == [division_key(w.place, i) for i in (1, 2, 3)]
        needing = project(w.other_group, n=1)
        assert best_room(needing, w.place) == (keys[0], 3)
        match = agreed(w, room=keys[0])
        stored = db.session.get(Match, match)
        assert (stored.room_id, stored.division) == (None, 1)
        view = act(w.official, match, "approve")
        assert (view.room_key, view.room_name) == (keys[0], "Room 1 of 3")
        assert best_room(needing, w.place) == (keys[1], 2)
        second = agreed(w, project_id=needing, group=w.other_group, room=keys[1])
        assert act(w.official, second, "approve").status == "approved"
        with pytest.raises(ValidationError, match="already booked"):
            ask(w, project_id=project(w.group, n=3), room=keys[0])


def test_the_owner_sees_what_waits_for_them(seoul_app):
    with seoul_app.app_context():
        w = world()
        first, second = ask(w), ask(w, project_id=project(w.group, n=1), room=w.hall)
        mine = my_pairings(w.owner)
        assert [p.id for p in mine.waiting] == [second, first] and mine.others == []
        assert my_pairings(w.other_owner) == pairing_views.PairingList([], [])
        assert [p.id for p in my_pairings(w.group).others] == [second, first]
        assert my_pairings(w.group).waiting == []
        act(w.owner, first, "accept")
        mine = my_pairings(w.owner)
        assert ([p.id for p in mine.waiting], [p.id for p in mine.others]) == ([second], [first])
        assert [p.id for p in my_pairings(w.official).waiting] == [first]
        act(w.official, first, "approve")
        act(w.owner, second, "decline", "Not that day")
        assert my_pairings(w.group).waiting == []  # it may cancel, but nothing waits for it
        assert [p.id for p in my_pairings(w.owner).waiting] == [first]  # to start it
        act(w.owner, first, "start")
        assert my_pairings(w.owner).waiting == [] == my_pairings(w.official).waiting
        soon = (date.today() + timedelta(days=30)).isoformat()
        later = agreed(w, project_id=project(w.group, n=2), room=w.hall, starts_on=soon)
        act(w.official, later, "approve")
        assert my_pairings(w.owner).waiting == []  # it starts in a month


def test_a_booking_that_has_ended_holds_nothing(seoul_app, monkeypatch):
    today = today_in("Asia/Seoul")  # the city's day, which runs ahead of UTC's
    with seoul_app.app_context():
        w = world()
        needing = project(w.other_group, n=1)
        match = agreed(w, ends_on=today.isoformat())  # its last day is today
        act(w.official, match, "approve")
        city = db.session.get(Match, match).space.city
        assert indexes.city_index(city).recheck_on == today + timedelta(days=1)
        assert best_room(needing, w.place) == (w.hall, 1)

        moment = days.now() + timedelta(days=1)
        monkeypatch.setattr(days, "now", lambda: moment)
        # no write: the snapshot knows the day it must look again
        assert best_room(needing, w.place) == (w.studio, 2)
        assert pairing_views.holdings(w.place) == []
        assert indexes.city_index(city).recheck_on is None
