"""What an approval depends on is checked again when it is made; approved projects leave the
district plan; whole-place bookings hold every room; officials propose pairings from a plan;
the place's page shows every booking."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from spacematch.db.models import City, Match, Project, Room, Space
from spacematch.domain.errors import Conflict, ValidationError
from spacematch.domain.rooms import division_key
from spacematch.extensions import db
from spacematch.services import plans
from spacematch.services.catalogue import city_info
from spacematch.services.pairing_views import my_pairings
from spacematch.services.pairings import act, propose
from spacematch.services.places import place_page
from spacematch.services.rooms import add_room, pause_room, update_room
from spacematch.services.spaces import update_space

from .test_pairings import DIVISIBLE, PLACE, agreed, ask, best_room, project, world

ONE_ROOM = {**PLACE, "title": "작은 경로당", "rooms": None}


def test_a_last_day_far_off_is_refused_by_field(seoul_app):
    with seoul_app.app_context():
        w = world()
        with pytest.raises(ValidationError) as caught:
            ask(w, ends_on="9999-12-31")
        assert [(p.field, p.problem) for p in caught.value.problems] == [
            ("ends_on", "must be within 20 years")]


@pytest.mark.parametrize("change", ["pause room", "pause place", "narrow hours", "past",
                                    "availability"])
def test_an_approval_checks_again_what_it_depends_on(seoul_app, change):
    with seoul_app.app_context():
        w = world()
        match = agreed(w)
        if change == "pause room":
            pause_room(w.owner, w.studio)
            expected = "its room is no longer offered"
        elif change == "pause place":
            update_space(w.owner, w.place, {"status": "paused"})
            expected = "the place is paused"
        elif change == "narrow hours":
            update_room(w.owner, w.studio, {"weekly_hours": "tue 09:00-19:00"})
            expected = "Studio is not open Tue 19:00–21:00"
        elif change == "past":
            db.session.get(Match, match).ends_on = date.today() - timedelta(days=1)
            db.session.commit()
            expected = "ends on — has passed"
        else:
            until = date.today() + timedelta(days=30)
            update_space(w.owner, w.place, {"available_to": until.isoformat()})
            expected = f"the place is available until {until.isoformat()}"
        with pytest.raises(Conflict, match=expected):
            act(w.official, match, "approve")
        db.session.expire_all()
        assert db.session.get(Match, match).status == "accepted"


def test_an_approved_project_leaves_the_plan_and_comes_back_when_cancelled(seoul_app):
    with seoul_app.app_context():
        w = world()
        city = city_info(db.session.scalar(select(City).where(City.slug == "seoul")))

        def planned() -> set[int]:
            view = plans.plan_city(city)
            return {p["project_id"] for p in view.pairings} | {
                u["project_id"] for u in view.unmatched}

        assert w.project in planned()
        match = agreed(w)
        act(w.official, match, "approve")
        assert db.session.get(Project, w.project).status == "matched"
        assert w.project not in planned()
        act(w.group, match, "cancel", "We found a bigger hall.")
        assert db.session.get(Project, w.project).status == "open"
        assert w.project in planned()


def test_a_booking_of_the_whole_place_holds_the_rooms_added_later(seoul_app):
    """A place with only its automatic whole-space room is booked whole: when the owner
    then adds rooms, none of them is offered at those hours."""
    with seoul_app.app_context():
        w = world(ONE_ROOM)
        match = agreed(w)  # the whole-space room, Tuesday 18:00-21:00
        assert db.session.get(Match, match).room_id is None
        act(w.official, match, "approve")
        kitchen = add_room(w.owner, w.place, {"name": "Kitchen", "floor_area_m2": 40,
                                              "capacity": 20}).id
        needing = project(w.other_group, n=1)
        assert best_room(needing, w.place) == (None, 0)
        other = project(w.other_group, hours="wed 18:00-21:00", n=2)
        assert best_room(other, w.place) == (kitchen, 1)
        row = {r.name: r for r in place_page(w.place).rooms}["Kitchen"]
        assert (row.bookings, row.taken_hours) == (1, "Tue 18:00–21:00")


def test_the_place_page_shows_booked_divisions(seoul_app):
    with seoul_app.app_context():
        w = world(DIVISIBLE)
        act(w.official, agreed(w, room=division_key(w.place, 2)), "approve")
        (row,) = place_page(w.place).rooms
        assert row.bookings == 1
        assert row.taken_hours == "Room 2 of 3: Tue 18:00–21:00"
        # the other two rooms are still free on Tuesday evenings
        assert "Tue 09:00–21:00" in row.free_hours or row.free_hours.startswith("Mon–Sat")


def test_a_pairing_that_has_ended_does_not_stop_a_new_request(seoul_app):
    with seoul_app.app_context():
        w = world()
        match = agreed(w)
        act(w.official, match, "approve")
        with pytest.raises(ValidationError, match="has a pairing of this room already"):
            ask(w, weekly_hours="wed 18:00-21:00")
        db.session.get(Match, match).ends_on = date.today() - timedelta(days=1)
        db.session.commit()
        assert ask(w, weekly_hours="wed 18:00-21:00") > match


def test_an_official_proposes_plan_pairings_and_both_parties_must_accept(seoul_app):
    with seoul_app.app_context():
        w = world()
        hall = db.session.scalar(select(Room.id).where(Room.space_id == w.place,
                                                       Room.name == "Hall"))
        outcomes = propose(w.official, [
            {"project_id": w.project, "space_id": w.place, "room": hall},
            {"project_id": w.project, "space_id": w.place, "room": hall},  # twice: refused
            {"project_id": 10**9, "space_id": w.place, "room": hall},
            {"project_id": "1; drop table", "space_id": w.place, "room": hall}])
        sent = outcomes[0].pairing_id
        assert sent is not None and [o.pairing_id for o in outcomes[1:]] == [None] * 3
        assert "has a pairing of this room already" in outcomes[1].problem
        assert outcomes[2].problem == outcomes[3].problem == "no such project"
        stored = db.session.get(Match, sent)
        assert (stored.status, stored.origin, stored.weekly_hours) == (
            "proposed", "proposal", {"tue": ["18:00-21:00"]})
        assert [p.id for p in my_pairings(w.group).waiting] == [sent]
        assert [p.id for p in my_pairings(w.owner).waiting] == [sent]
        assert act(w.owner, sent, "accept").status == "proposed"  # the group has not yet
        assert [p.id for p in my_pairings(w.owner).waiting] == []
        assert act(w.group, sent, "accept").status == "accepted"
        assert act(w.official, sent, "approve").status == "approved"
        with pytest.raises(Exception, match="official"):
            propose(w.owner, [{"project_id": w.project, "space_id": w.place, "room": hall}])


def test_only_officials_propose_and_a_proposal_never_takes_held_hours(seoul_app):
    with seoul_app.app_context():
        w = world()
        act(w.official, agreed(w), "approve")  # the studio, Tuesday evenings
        other = project(w.other_group, n=1)
        (outcome,) = propose(w.official, [{"project_id": other, "space_id": w.place,
                                           "room": w.studio}])
        assert outcome.pairing_id is None
        assert "conflicts with pairing" in outcome.problem  # officials are told which
        assert db.session.get(Space, w.place).status == "listed"


def test_a_booking_of_the_whole_place_is_checked_again_at_approval(seoul_app):
    with seoul_app.app_context():
        w = world(ONE_ROOM)
        match = agreed(w)  # the whole place, Tuesday 18:00-21:00
        update_space(w.owner, w.place, {"weekly_hours": "mon-sat 09:00-19:00"})
        with pytest.raises(Conflict, match="Whole space is not open Tue 19:00–21:00"):
            act(w.official, match, "approve")


def test_drafts_are_not_proposed_nor_asked_for(seoul_app):
    with seoul_app.app_context():
        w = world()
        db.session.get(Project, w.project).status = "draft"
        db.session.commit()
        (outcome,) = propose(w.official, [{"project_id": w.project, "space_id": w.place,
                                           "room": w.studio}])
        assert outcome.problem == "project: the project is draft: publish it first"
        with pytest.raises(ValidationError, match="publish it first"):
            ask(w)


def test_a_project_with_pairings_under_way_cannot_go_back_to_draft(seoul_app):
    from spacematch.services.projects import update_project

    with seoul_app.app_context():
        w = world()
        match = ask(w)
        with pytest.raises(ValidationError) as caught:
            update_project(w.group, w.project, {"status": "draft"})
        assert [p.field for p in caught.value.problems] == ["status"]
        act(w.group, match, "withdraw")
        assert update_project(w.group, w.project, {"status": "draft"}).status == "draft"
