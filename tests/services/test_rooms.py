"""Owners add, edit, pause and resume the rooms of their places; nobody else may."""

import dataclasses

import pytest
from sqlalchemy import delete, func, select

from spacematch.db.models import AuditEvent, Room, Space, User
from spacematch.domain.errors import NotFound, PermissionDenied, ValidationError
from spacematch.extensions import db
from spacematch.services import versioning
from spacematch.services.rooms import (
    RoomView,
    add_missing_rooms,
    add_room,
    list_rooms,
    pause_room,
    resume_room,
    update_room,
)
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

CENTRE = {"title": "사직동 주민센터", "owner_kind": "public", "lon": 126.9687, "lat": 37.5759,
          "floor_area_m2": 600, "capacity": 300, "status": "listed",
          "amenities": ["toilets", "water"], "weekly_hours": "mon-sat 09:00-21:00"}
HALL = {"name": "3층 강당", "floor_area_m2": 150, "capacity": 80, "floor_level": 3,
        "amenities": ["toilets", "heating_cooling", "sound_insulation"]}


def _user(role: str, email: str | None = None):
    return create_user(email=email or f"{role}@example.org", password="correct horse battery",
                       role=role, display_name=role.title(), system=True)


def _place(owner, **changes) -> int:
    return create_space(owner, {**CENTRE, **changes}).id


def _room_count(place_id: int) -> int:
    return db.session.scalar(select(func.count(Room.id)).where(Room.space_id == place_id))


def _room_events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "room")
                                   .order_by(AuditEvent.id)))


def test_an_owner_adds_a_room_audited_and_seen_by_the_indexes(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner)
        version = versioning.current()
        events = len(_room_events())
        room = add_room(owner, place, HALL)
        assert isinstance(room, RoomView) and dataclasses.is_dataclass(room)
        assert not hasattr(room, "_sa_instance_state")
        assert (room.place_id, room.name, room.floor_area_m2, room.capacity,
                room.floor_level) == (place, "3층 강당", 150.0, 80, 3)
        assert room.weekly_hours is None and room.cost_kind is None  # as the place
        assert room.status == "listed"
        owner_id = owner.id
        db.session.remove()  # what the view holds is all there is
        owner = db.session.get(User, owner_id)
        rooms = list_rooms(place, owner)
        assert [r.id for r in rooms][-1] == room.id and len(rooms) == 2
        assert rooms[0].position < rooms[1].position
        assert versioning.current() > version
        assert db.session.get(Space, place).row_version == versioning.current()
        event = _room_events()[events]
        assert (event.action, event.entity_id, event.actor_id) == ("create", room.id, owner.id)
        assert event.after["name"] == "3층 강당" and event.after["place_id"] == place


def test_an_owner_edits_a_room_and_only_what_is_valid_is_kept(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        room = add_room(owner, _place(owner), HALL)
        version = versioning.current()
        edited = update_room(owner, room.id, {"capacity": 100, "cost_kind": "hourly",
                                              "cost_amount": 8000, "amenities": ""})
        assert (edited.capacity, edited.cost_kind, edited.cost_amount) == (100, "hourly", 8000.0)
        assert edited.amenities is None  # cleared: as the place again
        assert edited.floor_area_m2 == 150.0 and edited.name == "3층 강당"
        assert versioning.current() > version
        event = _room_events()[-1]
        assert event.action == "update"
        assert (event.before["capacity"], event.after["capacity"]) == (80, 100)


def test_bad_room_input_names_the_field_and_stores_nothing(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner)
        room = add_room(owner, place, HALL)
        version, events, count = versioning.current(), len(_room_events()), _room_count(place)
        with pytest.raises(ValidationError) as err:
            add_room(owner, place, {**HALL, "floor_area_m2": 0, "capacity": "many"})
        assert {p.field for p in err.value.problems} == {"floor_area_m2", "capacity"}
        with pytest.raises(ValidationError) as err:
            update_room(owner, room.id, {"weekly_hours": "sat 18:00-10:00", "name": " "})
        assert {p.field for p in err.value.problems} == {"weekly_hours", "name"}
        db.session.rollback()
        assert _room_count(place) == count
        assert db.session.get(Room, room.id).name == "3층 강당"
        assert db.session.get(Room, room.id).weekly_hours is None
        assert len(_room_events()) == events and versioning.current() == version


@pytest.mark.parametrize("who", ["other owner", "group", "official", "nobody"])
def test_only_the_owner_or_an_admin_may_change_rooms(seoul_app, who):
    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner)
        room = add_room(owner, place, HALL)
        actor = {"other owner": lambda: _user("owner", "other@example.org"),
                 "group": lambda: _user("group"), "official": lambda: _user("official"),
                 "nobody": lambda: None}[who]()
        version, events, count = versioning.current(), len(_room_events()), _room_count(place)
        for attempt in (lambda: add_room(actor, place, HALL),
                        lambda: update_room(actor, room.id, {"capacity": 5}),
                        lambda: pause_room(actor, room.id),
                        lambda: resume_room(actor, room.id)):
            with pytest.raises(PermissionDenied):
                attempt()
        db.session.rollback()
        assert _room_count(place) == count
        fresh = db.session.get(Room, room.id)
        assert (fresh.capacity, fresh.status) == (80, "listed")
        assert len(_room_events()) == events and versioning.current() == version
        admin = _user("admin")
        assert update_room(admin, room.id, {"capacity": 5}).capacity == 5
        assert _room_events()[-1].actor_id == admin.id


def test_pausing_and_resuming_a_room(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner)
        hall = add_room(owner, place, HALL)
        version = versioning.current()
        assert pause_room(owner, hall.id).status == "paused"
        assert _room_events()[-1].action == "pause"
        assert versioning.current() > version
        assert db.session.get(Space, place).row_version == versioning.current()
        assert resume_room(owner, hall.id).status == "listed"
        assert _room_events()[-1].action == "resume"


def test_a_listed_place_keeps_a_listed_room(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner)
        hall = add_room(owner, place, HALL)
        whole = next(r for r in list_rooms(place, owner) if r.id != hall.id)
        pause_room(owner, whole.id)
        with pytest.raises(ValidationError) as err:
            pause_room(owner, hall.id)
        assert err.value.problems[0].field == "status"
        with pytest.raises(ValidationError) as err:
            update_room(owner, hall.id, {"status": "paused"})
        assert err.value.problems[0].field == "status"
        db.session.rollback()
        assert db.session.get(Room, hall.id).status == "listed"
        # A divisible place offers its divisions, and a paused place offers nothing anyway.
        divisible = _place(owner, divisible_room_m2=50, divisible_rooms=6, rooms=[HALL])
        only = list_rooms(divisible, owner)[0]
        assert pause_room(owner, only.id).status == "paused"
        paused = _place(owner, status="paused", rooms=[HALL])
        assert pause_room(owner, list_rooms(paused, owner)[0].id).status == "paused"


def test_who_sees_which_rooms(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner)
        hall = add_room(owner, place, HALL)
        pause_room(owner, hall.id)
        every = {r.id for r in list_rooms(place, owner)}
        assert hall.id in every and len(every) == 2
        assert {r.id for r in list_rooms(place, _user("official"))} == every
        public = list_rooms(place)
        assert [r.status for r in public] == ["listed"] and hall.id not in {r.id for r in public}
        assert {r.id for r in list_rooms(place, _user("owner", "other@example.org"))} == {
            r.id for r in public}
        draft = _place(owner, status="draft")
        with pytest.raises(NotFound):
            list_rooms(draft)
        assert len(list_rooms(draft, owner)) == 1


def test_unknown_places_and_rooms_are_not_found(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        with pytest.raises(NotFound):
            add_room(owner, 999_999, HALL)
        with pytest.raises(NotFound):
            update_room(owner, 999_999, {"capacity": 3})
        with pytest.raises(NotFound):
            pause_room(owner, 999_999)
        with pytest.raises(NotFound):
            list_rooms(999_999)


def test_places_stored_in_bulk_get_their_whole_room(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        plain = _place(owner, floor_level=2, status="paused")
        divisible = _place(owner, divisible_room_m2=50, divisible_rooms=6, rooms=[HALL])
        with_rooms = _place(owner, rooms=[HALL, {**HALL, "name": "2F"}])
        # As a bulk loader leaves them: places without room rows.
        db.session.execute(delete(Room).where(Room.space_id.in_([plain, divisible])))
        assert add_missing_rooms(city_id=-1) == 0
        assert add_missing_rooms() == 1
        db.session.commit()
        [room] = db.session.scalars(select(Room).where(Room.space_id == plain))
        assert (room.floor_area_m2, room.capacity, room.floor_level, room.status) == (
            600, 300, 2, "paused")
        assert room.name.strip() and room.amenities is None and room.created_at is not None
        assert _room_count(divisible) == 0 and _room_count(with_rooms) == 2
        assert add_missing_rooms() == 0


def test_a_room_fits_in_its_place(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner, floor_area_m2=50, capacity=20)
        with pytest.raises(ValidationError) as err:
            add_room(owner, place, {**HALL, "floor_area_m2": 100_000, "capacity": 100_000})
        assert {p.field for p in err.value.problems} == {"floor_area_m2", "capacity"}
        assert _room_count(place) == 1
        room = add_room(owner, place, {**HALL, "floor_area_m2": 50, "capacity": 20})
        with pytest.raises(ValidationError) as err:
            update_room(owner, room.id, {"capacity": 21})
        assert [p.field for p in err.value.problems] == ["capacity"]
        assert db.session.get(Room, room.id).capacity == 20
        with pytest.raises(ValidationError) as err:
            create_space(owner, {**CENTRE, "floor_area_m2": 50, "rooms": [HALL]})
        assert [p.field for p in err.value.problems] == ["rooms[0].floor_area_m2"]


def test_a_place_has_at_most_so_many_rooms(seoul_app):
    from spacematch.domain.rooms import MAX_ROOMS

    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner, rooms=[{**HALL, "name": f"{i}"} for i in range(MAX_ROOMS - 1)])
        add_room(owner, place, HALL)
        with pytest.raises(ValidationError) as err:
            add_room(owner, place, HALL)
        assert [p.field for p in err.value.problems] == ["rooms"]
        assert _room_count(place) == MAX_ROOMS


def test_rooms_added_after_the_last_position_stay_editable(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner)
        add_room(owner, place, {**HALL, "position": 10_000})
        later = add_room(owner, place, HALL)
        assert later.position == 10_000
        assert update_room(owner, later.id, {"capacity": 5}).capacity == 5
        # A stored position the form would refuse does not block edits of other fields.
        db.session.get(Room, later.id).position = 20_000
        db.session.commit()
        assert update_room(owner, later.id, {"capacity": 6}).position == 20_000
        with pytest.raises(ValidationError) as err:
            update_room(owner, later.id, {"position": 20_001})
        assert [p.field for p in err.value.problems] == ["position"]


def test_a_refused_room_write_moves_nothing(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        place = _place(owner, rooms=[HALL])
        [hall] = list_rooms(place, owner)
        version, events = versioning.current(), len(_room_events())
        with pytest.raises(ValidationError):
            pause_room(owner, hall.id)
        assert (versioning.current(), len(_room_events())) == (version, events)
        assert db.session.get(Room, hall.id).status == "listed"
