"""Owners list spaces; the area is computed; only the right people may write."""

import pytest
from sqlalchemy import select

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
