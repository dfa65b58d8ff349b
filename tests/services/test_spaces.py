"""Owners list spaces; the area is computed; only the right people may write."""

import pytest
from sqlalchemy import func, select

from spacematch.db.models import Area, AuditEvent, Space
from spacematch.domain.errors import PermissionDenied, ValidationError
from spacematch.extensions import db
from spacematch.services.areas import locate_area
from spacematch.services.spaces import create_space, update_space
from spacematch.services.users import create_user

ROOM = {"title": "사직동 주민센터 3층 강당", "owner_kind": "public", "lon": 126.9687,
        "lat": 37.5759, "floor_area_m2": 120, "capacity": 60, "status": "listed",
        "amenities": ["toilets", "heating_cooling"], "weekly_hours": "sat 10:00-18:00"}


def _user(role: str, email: str | None = None):
    return create_user(email=email or f"{role}@example.org", password="correct horse battery",
                       role=role, display_name=role.title(), system=True)


def test_owner_lists_a_space_in_the_computed_area(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        space = create_space(owner, ROOM)
        area = db.session.get(Area, space.area_id)
        assert (area.name, area.parent.name) == ("사직동", "종로구")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "space"))
        assert event.actor_id == owner.id and event.after["title"] == ROOM["title"]


def test_typed_area_is_ignored_in_favour_of_the_location(seoul_app):
    with seoul_app.app_context():
        gangnam = db.session.scalar(select(Area).where(Area.name_en == "Gangnam-gu"))
        space = create_space(_user("owner"), {**ROOM, "area_id": gangnam.id})
        assert db.session.get(Area, space.area_id).parent.name == "종로구"


@pytest.mark.parametrize("role", ["group", "official"])
def test_only_owners_may_list(seoul_app, role):
    with seoul_app.app_context():
        with pytest.raises(PermissionDenied):
            create_space(_user(role), ROOM)
        with pytest.raises(PermissionDenied):
            create_space(None, ROOM)
        assert db.session.scalar(select(Space.id)) is None


def test_a_point_outside_every_area_is_refused(seoul_app):
    with seoul_app.app_context():
        with pytest.raises(ValidationError) as err:
            create_space(_user("owner"), {**ROOM, "lon": 129.07, "lat": 35.18})  # Busan
        assert err.value.problems[0].field == "location"


def test_bad_edit_changes_nothing(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        space = create_space(owner, ROOM)
        with pytest.raises(ValidationError) as err:
            update_space(owner, space.id, {"capacity": -3, "floor_area_m2": "big"})
        assert {p.field for p in err.value.problems} == {"capacity", "floor_area_m2"}
        db.session.rollback()
        fresh = db.session.get(Space, space.id)
        assert (fresh.capacity, fresh.floor_area_m2) == (60, 120)


def test_only_the_owner_may_edit(seoul_app):
    with seoul_app.app_context():
        space = create_space(_user("owner"), ROOM)
        other = _user("owner", "other@example.org")
        with pytest.raises(PermissionDenied):
            update_space(other, space.id, {"capacity": 10})
        moved = update_space(_user("admin"), space.id, {"lon": 127.0590, "lat": 37.5115})
        assert db.session.get(Area, moved.area_id).parent.name == "강남구"


def test_database_and_bulk_area_lookup_agree(seoul_app):
    import numpy as np
    import shapely

    from spacematch.db.models import City
    from spacematch.services.demo import finest_areas

    with seoul_app.app_context():
        city = db.session.scalar(select(City))
        ids, shapes = finest_areas(city)
        from spacematch.domain.geometry import locate_points

        rng = np.random.default_rng(3)
        pts = np.column_stack([rng.uniform(126.85, 127.12, 60), rng.uniform(37.45, 37.65, 60)])
        bulk = locate_points(shapely.points(pts), shapes)
        for (lon, lat), idx in zip(pts, bulk, strict=True):
            if idx < 0:
                with pytest.raises(ValidationError):
                    locate_area(float(lon), float(lat))
            else:
                assert locate_area(float(lon), float(lat)).id == ids[idx]


# --- places and their rooms ---------------------------------------------------------------------

HALL = {"name": "강당", "floor_area_m2": 80, "capacity": 40}


def _rooms(place_id: int):
    from spacematch.db.models import Room

    return list(db.session.scalars(select(Room).where(Room.space_id == place_id)
                                   .order_by(Room.position, Room.id)))


def test_a_new_space_is_a_place_with_one_whole_room(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        space = create_space(owner, {**ROOM, "floor_level": 3})
        [room] = _rooms(space.id)
        assert (room.floor_area_m2, room.capacity, room.floor_level) == (120, 60, 3)
        assert room.status == "listed" and room.name.strip()
        assert (room.amenities, room.weekly_hours, room.cost_kind) == (None, None, None)
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.entity == "room", AuditEvent.entity_id == room.id)) == "create"
        draft = create_space(owner, {**ROOM, "status": "draft"})
        assert [r.status for r in _rooms(draft.id)] == ["paused"]


def test_a_space_listed_with_its_rooms_has_exactly_those(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        space = create_space(owner, {**ROOM, "rooms": [
            HALL, {"name": "주방", "floor_area_m2": 30, "capacity": 12, "amenities": ["kitchen"],
                   "floor_level": -1}]})
        rooms = _rooms(space.id)
        assert [(r.name, r.floor_level, r.amenities) for r in rooms] == [
            ("강당", 0, None), ("주방", -1, ["kitchen"])]
        with pytest.raises(ValidationError) as err:
            create_space(owner, {**ROOM, "capacity": 0, "rooms": [HALL, {**HALL, "capacity": 0}]})
        assert {p.field for p in err.value.problems} == {"capacity", "rooms[1].capacity"}
        db.session.rollback()
        assert db.session.scalar(select(func.count(Space.id))) == 1


def test_a_divisible_space_needs_no_room_rows(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        space = create_space(owner, {**ROOM, "divisible_room_m2": 30, "divisible_rooms": 4})
        assert (space.divisible_room_m2, space.divisible_rooms) == (30, 4)
        assert _rooms(space.id) == []
        # Without its divisions it would offer nothing: it gets its whole-space room.
        update_space(owner, space.id, {"divisible_room_m2": None, "divisible_rooms": None})
        [room] = _rooms(space.id)
        assert (room.floor_area_m2, room.capacity, room.status) == (120, 60, "listed")
        # With several rooms all paused, the owner must first say which to list.
        two = create_space(owner, {**ROOM, "divisible_room_m2": 30, "divisible_rooms": 4,
                                   "rooms": [{**HALL, "status": "paused"},
                                             {**HALL, "name": "2층", "status": "paused"}]})
        with pytest.raises(ValidationError) as err:
            update_space(owner, two.id, {"divisible_room_m2": None, "divisible_rooms": None})
        assert err.value.problems[0].field == "divisible_rooms"
        db.session.rollback()
        assert db.session.get(Space, two.id).divisible_rooms == 4


def test_listing_a_draft_lists_its_whole_room(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        space = create_space(owner, {**ROOM, "status": "draft"})
        update_space(owner, space.id, {"status": "listed"})
        [room] = _rooms(space.id)
        assert room.status == "listed"
        assert db.session.scalar(select(AuditEvent.action).where(
            AuditEvent.entity == "room", AuditEvent.entity_id == room.id)
            .order_by(AuditEvent.id.desc()).limit(1)) == "resume"
        # With several rooms, the owner says which: listing with none listed is refused.
        two = create_space(owner, {**ROOM, "status": "draft", "rooms": [
            {**HALL, "status": "paused"}, {**HALL, "name": "2층", "status": "paused"}]})
        with pytest.raises(ValidationError) as err:
            update_space(owner, two.id, {"status": "listed"})
        assert err.value.problems[0].field == "status"
        db.session.rollback()
        assert db.session.get(Space, two.id).status == "draft"
        assert [r.status for r in _rooms(two.id)] == ["paused", "paused"]


def test_the_whole_room_follows_the_size_of_its_place(seoul_app):
    from spacematch.services.rooms import add_room, update_room

    with seoul_app.app_context():
        owner = _user("owner")
        space = create_space(owner, ROOM)
        update_space(owner, space.id, {"floor_area_m2": 150, "capacity": 70, "floor_level": 1})
        [room] = _rooms(space.id)
        assert (room.floor_area_m2, room.capacity, room.floor_level) == (150, 70, 1)
        # A room the owner sized, or one of several, is the owner's to change.
        update_room(owner, room.id, {"floor_area_m2": 100})
        update_space(owner, space.id, {"floor_area_m2": 160})
        assert _rooms(space.id)[0].floor_area_m2 == 100
        other = create_space(owner, ROOM)
        add_room(owner, other.id, HALL)
        update_space(owner, other.id, {"capacity": 90})
        assert [r.capacity for r in _rooms(other.id)] == [60, 40]


def test_a_place_cannot_shrink_below_its_rooms(seoul_app):
    from spacematch.services.rooms import add_room

    with seoul_app.app_context():
        owner = _user("owner")
        space = create_space(owner, ROOM)
        add_room(owner, space.id, {**HALL, "floor_area_m2": 100, "capacity": 50})
        with pytest.raises(ValidationError) as err:
            update_space(owner, space.id, {"floor_area_m2": 90, "capacity": 40})
        assert {p.field for p in err.value.problems} == {"floor_area_m2", "capacity"}
        db.session.rollback()
        assert db.session.get(Space, space.id).floor_area_m2 == 120
        # The whole-space room shrinks with its place.
        whole = create_space(owner, ROOM)
        update_space(owner, whole.id, {"floor_area_m2": 90, "capacity": 40})
        [room] = _rooms(whole.id)
        assert (room.floor_area_m2, room.capacity) == (90, 40)


def test_only_the_automatic_whole_space_room_follows_its_place(seoul_app):
    with seoul_app.app_context():
        owner = _user("owner")
        named = create_space(owner, {**ROOM, "rooms": [
            {"name": "강당", "floor_area_m2": 120, "capacity": 60}]})
        update_space(owner, named.id, {"floor_area_m2": 200, "capacity": 90})
        [room] = _rooms(named.id)
        assert (room.name, room.floor_area_m2, room.capacity) == ("강당", 120, 60)
        two = create_space(owner, {**ROOM, "rooms": [
            {"name": "Whole space", "floor_area_m2": 120, "capacity": 60},
            {"name": "주방", "floor_area_m2": 30, "capacity": 12}]})
        update_space(owner, two.id, {"floor_area_m2": 200, "capacity": 90, "floor_level": 2})
        assert [(r.floor_area_m2, r.capacity, r.floor_level) for r in _rooms(two.id)] == [
            (120, 60, 0), (30, 12, 0)]


def test_a_new_place_takes_the_currency_of_the_city_it_is_in(demo_sqlite_app):
    from spacematch.services.spaces import create_space
    from spacematch.services.users import create_user

    with demo_sqlite_app.app_context():
        owner = create_user(email="baltimore-owner@example.org", password="a long passphrase",
                            role="owner", display_name="Owner", system=True)
        place = create_space(owner, {"title": "Rowhouse hall", "owner_kind": "private",
                                     "lon": -76.6122, "lat": 39.2904, "floor_area_m2": 90,
                                     "capacity": 40, "cost_kind": "hourly",
                                     "cost_amount": 25})
        assert (place.currency, place.city.slug) == ("USD", "baltimore")
