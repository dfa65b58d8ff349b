"""Two owners' writes at the same moment cannot together leave a listed place with nothing
on offer: the checks run under the catalogue lock, so the second sees the first's change."""

import threading

import pytest
from sqlalchemy import select

from spacematch.db.models import Room, Space, User
from spacematch.domain.errors import ValidationError
from spacematch.extensions import db
from spacematch.services.rooms import pause_room, resume_room
from spacematch.services.spaces import create_space, update_space
from spacematch.services.users import create_user

PLACE = {"title": "사직동 주민센터", "owner_kind": "public", "lon": 126.9687, "lat": 37.5759,
         "floor_area_m2": 600, "capacity": 300, "status": "listed",
         "rooms": [{"name": "A", "floor_area_m2": 100, "capacity": 50},
                   {"name": "B", "floor_area_m2": 100, "capacity": 50}]}
ROUNDS = 20


def _at_once(app, owner_id: int, calls) -> list:
    """Run each ``call(owner)`` in its own thread and session, all released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        with app.app_context():
            owner = db.session.get(User, owner_id)
            barrier.wait()
            try:
                outcomes[i] = call(owner)
            except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
                db.session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def _statuses(place_id: int) -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Room.status).where(Room.space_id == place_id)
                                   .order_by(Room.position)))


def _postgis_only(app) -> None:
    if app.config["SPACEMATCH_DATABASE_URL"].startswith("sqlite"):
        pytest.skip("needs concurrent writers: SQLite lets one writer in at a time, so this "
                    "race is PostgreSQL's")


@pytest.mark.postgis
def test_two_owners_pausing_the_last_two_rooms_at_once_leave_one_listed(seoul_app):
    _postgis_only(seoul_app)
    with seoul_app.app_context():
        owner = create_user(email="owner@example.org", password="correct horse battery",
                            role="owner", display_name="Owner", system=True)
        owner_id = owner.id
        place = create_space(owner, PLACE).id
        a, b = db.session.scalars(select(Room.id).where(Room.space_id == place)
                                  .order_by(Room.position))
        db.session.commit()
    for _ in range(ROUNDS):
        outcomes = _at_once(seoul_app, owner_id, [lambda o: pause_room(o, a).status,
                                                  lambda o: pause_room(o, b).status])
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert sorted(map(str, outcomes)).count("paused") == 1, outcomes
        assert len(refused) == 1 and isinstance(refused[0], ValidationError), outcomes
        assert [p.field for p in refused[0].problems] == ["status"]
        with seoul_app.app_context():
            assert _statuses(place).count("listed") == 1
            owner = db.session.get(User, owner_id)
            for room, status in zip((a, b), _statuses(place), strict=True):
                if status == "paused":
                    resume_room(owner, room)


@pytest.mark.postgis
def test_an_owner_listing_a_place_while_pausing_its_room_leaves_one_listed(seoul_app):
    _postgis_only(seoul_app)
    with seoul_app.app_context():
        owner = create_user(email="owner@example.org", password="correct horse battery",
                            role="owner", display_name="Owner", system=True)
        owner_id = owner.id
        place = create_space(owner, {**PLACE, "status": "paused",
                                     "rooms": [PLACE["rooms"][0],
                                               {**PLACE["rooms"][1], "status": "paused"}]}).id
        a = db.session.scalar(select(Room.id).where(Room.space_id == place, Room.name == "A"))
        db.session.commit()
    for _ in range(ROUNDS):
        outcomes = _at_once(seoul_app, owner_id, [
            lambda o: pause_room(o, a).status,
            lambda o: update_space(o, place, {"status": "listed"}).status])
        with seoul_app.app_context():
            listed = _statuses(place).count("listed")
            place_status = db.session.get(Space, place).status
            assert place_status != "listed" or listed >= 1, outcomes
            owner = db.session.get(User, owner_id)
            update_space(owner, place, {"status": "paused"})
            if listed == 0:
                resume_room(owner, a)
