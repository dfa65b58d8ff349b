"""The migrations build exactly the schema the models describe, with spatial indexes."""

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from spacematch import MIGRATIONS
from spacematch.db.models import Base, Room
from spacematch.extensions import db
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

SPATIAL = {("area", "geom"), ("transit_stop", "geom"), ("space", "location"),
           ("space", "footprint"), ("project", "preferred_location")}


def _include(obj, name, type_, reflected, compare_to):
    from geoalchemy2 import alembic_helpers

    if type_ == "table" and reflected and compare_to is None:
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def _schema_diff(conn) -> list:
    ctx = MigrationContext.configure(conn, opts={"include_object": _include,
                                                 "compare_type": False})
    return compare_metadata(ctx, Base.metadata)


def _diff_names(conn) -> list[tuple[str, str]]:
    """What the schema lacks or has beyond the models, by kind and name (diffs of indexes
    and columns have no equality of their own)."""
    return sorted((d[0], getattr(d[1], "name", str(d[1]))) if isinstance(d, tuple)
                  else ("modify", str(d)) for d in _schema_diff(conn))


def _spatial_indexes(conn) -> set[tuple[str, str]]:
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text(
            "SELECT f_table_name, f_geometry_column, srid FROM geometry_columns "
            "WHERE spatial_index_enabled = 1")).all()
        return {(t, c) for t, c, srid in rows if srid == 4326}
    rows = conn.execute(text(
        "SELECT t.relname, a.attname FROM pg_index ix "
        "JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid "
        "JOIN pg_am am ON am.oid = i.relam "
        "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(ix.indkey) "
        "WHERE am.amname = 'gist'")).all()
    return {(t, c) for t, c in rows}


def test_migrated_schema_matches_models(backend_app):
    with backend_app.app_context(), db.engine.connect() as conn:
        diff = _schema_diff(conn)
    assert diff == []


def test_spatial_columns_have_spatial_indexes(backend_app):
    with backend_app.app_context(), db.engine.connect() as conn:
        found = _spatial_indexes(conn)
    assert found >= SPATIAL


def test_every_model_table_exists(backend_app):
    with backend_app.app_context():
        names = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= names


# --- 0004: places with rooms, on a filled database ---------------------------------------------

INHERITED = ("accessibility", "amenities", "allowed_uses", "weekly_hours", "cost_kind",
             "cost_amount", "currency")


def _space_rows(conn, columns: list[str]) -> dict[int, tuple]:
    """Every space as stored (geometry as the database hands it out) and its coordinates."""
    rows = conn.execute(text(
        f"SELECT {', '.join(columns)}, ST_X(location), ST_Y(location) FROM space ORDER BY id"))
    return {row[0]: tuple(row) for row in rows}


def _spatial_index_works(conn) -> bool:
    """The spatial index of space.location is registered and agrees with the table."""
    if conn.dialect.name == "sqlite":
        return bool(conn.scalar(text("SELECT CheckSpatialIndex('space', 'location')")))
    return ("space", "location") in _spatial_indexes(conn)


def test_0004_turns_every_space_into_a_place_with_one_room(demo_app):
    """On the demo catalogue: taken back to 0003, then forward; nothing is lost either way."""
    with demo_app.app_context():
        downgrade(directory=str(MIGRATIONS), revision="0003")
        with db.engine.begin() as conn:
            assert not inspect(conn).has_table("room")
            ids = list(conn.scalars(text("SELECT id FROM space ORDER BY id")))
            assert len(ids) > 1000
            # Every status, so both outcomes of the room's status are seen.
            for status, some in (("paused", ids[:3]), ("draft", ids[3:5]),
                                 ("archived", ids[5:7])):
                conn.execute(text("UPDATE space SET status = :s WHERE id IN (:a, :b)"),
                             {"s": status, "a": some[0], "b": some[1]})
            columns = [c["name"] for c in inspect(conn).get_columns("space")]
            before = _space_rows(conn, ["id", *(c for c in columns if c != "id")])
            assert _spatial_index_works(conn)

        upgrade(directory=str(MIGRATIONS), revision="head")
        with db.engine.connect() as conn:
            after = _space_rows(conn, ["id", *(c for c in columns if c != "id")])
            rooms = conn.execute(text(
                "SELECT id, space_id, name, floor_area_m2, capacity, floor_level, status "
                "FROM room ORDER BY id")).all()
            inherited = conn.scalar(text(
                "SELECT count(*) FROM room WHERE " + " OR ".join(f"{c} IS NOT NULL"
                                                                 for c in INHERITED)))
            divisible = conn.scalar(text(
                "SELECT count(*) FROM space "
                "WHERE divisible_room_m2 IS NOT NULL OR divisible_rooms IS NOT NULL"))
            assert _spatial_index_works(conn)
            assert _spatial_indexes(conn) >= SPATIAL
            assert _schema_diff(conn) == []
        assert after == before
        assert [r.id for r in rooms] == ids and [r.space_id for r in rooms] == ids
        names = dict(zip(columns, range(len(columns)), strict=True))
        for r in rooms:
            space = before[r.id]
            assert (r.floor_area_m2, r.capacity, r.floor_level) == (
                space[names["floor_area_m2"]], space[names["capacity"]],
                space[names["floor_level"]])
            assert r.status == ("listed" if space[names["status"]] == "listed" else "paused")
            assert r.name.strip()
        assert {r.status for r in rooms} == {"listed", "paused"}
        assert (inherited, divisible) == (0, 0)

        # A place listed after the migration: its geometry is indexed, its room gets a new id.
        owner = create_user(email="owner@example.org", password="correct horse battery",
                            role="owner", display_name="Owner", system=True)
        new = create_space(owner, {"title": "새 공간", "owner_kind": "public", "lon": 126.9687,
                                   "lat": 37.5759, "floor_area_m2": 50, "capacity": 20,
                                   "status": "listed"}).id
        new_rooms = list(db.session.scalars(select(Room.id).where(Room.space_id == new)))
        assert len(new_rooms) == 1 and new_rooms[0] > max(ids)
        db.session.remove()
        with db.engine.connect() as conn:
            assert _spatial_index_works(conn)

        downgrade(directory=str(MIGRATIONS), revision="0003")
        with db.engine.connect() as conn:
            assert not inspect(conn).has_table("room")
            assert [c["name"] for c in inspect(conn).get_columns("space")] == columns
            back = _space_rows(conn, ["id", *(c for c in columns if c != "id")])
            assert _spatial_index_works(conn)
        assert {k: v for k, v in back.items() if k != new} == before and new in back

        upgrade(directory=str(MIGRATIONS), revision="head")
        with db.engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM room")) == len(ids) + 1


@pytest.mark.parametrize("statement", [
    "UPDATE room SET floor_area_m2 = 0 WHERE id = :room",
    "UPDATE room SET capacity = 0 WHERE id = :room",
    "UPDATE room SET status = 'draft' WHERE id = :room",
    "UPDATE space SET divisible_rooms = 3 WHERE id = :place",
    "UPDATE space SET divisible_room_m2 = 40 WHERE id = :place",
    "UPDATE space SET divisible_room_m2 = 0, divisible_rooms = 3 WHERE id = :place",
])
def test_the_database_refuses_rooms_and_divisions_that_make_no_sense(seoul_app, statement):
    with seoul_app.app_context():
        owner = create_user(email="owner@example.org", password="correct horse battery",
                            role="owner", display_name="Owner", system=True)
        place = create_space(owner, {"title": "강당", "owner_kind": "public", "lon": 126.9687,
                                     "lat": 37.5759, "floor_area_m2": 120, "capacity": 60})
        room = Room(space_id=place.id, name="Hall", floor_area_m2=60, capacity=30)
        db.session.add(room)
        db.session.commit()
        keys = {"room": room.id, "place": place.id}
        db.session.remove()
        with db.engine.begin() as conn:  # a sensible division is accepted
            conn.execute(text("UPDATE space SET divisible_room_m2 = 40, divisible_rooms = 3 "
                              "WHERE id = :place"), keys)
            conn.execute(text("UPDATE space SET divisible_room_m2 = NULL, divisible_rooms = NULL "
                              "WHERE id = :place"), keys)
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text(statement), keys)


# --- 0005: a pairing names its room, its hours and its dates ------------------------------------

BOOKING = ("room_id", "weekly_hours", "starts_on", "ends_on")


def _match_rows(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(
        "SELECT id, space_id, project_id, score, status FROM match ORDER BY id"))]


def test_0005_gives_a_pairing_its_room_hours_and_dates(demo_app):
    """On the demo catalogue with pairings stored: back to 0004 and forward; the new columns
    start empty, hold what they are given, name only existing rooms, and go away again."""
    with demo_app.app_context():
        downgrade(directory=str(MIGRATIONS), revision="0004")
        with db.engine.begin() as conn:
            assert not set(BOOKING) & {c["name"] for c in inspect(conn).get_columns("match")}
            spaces = list(conn.scalars(text("SELECT id FROM space ORDER BY id LIMIT 3")))
            project = conn.scalar(text("SELECT min(id) FROM project"))
            for i, space in enumerate(spaces):
                conn.execute(text(
                    "INSERT INTO match (space_id, project_id, score, breakdown, status, "
                    "created_at, updated_at) VALUES (:s, :p, :score, '{}', :status, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                    {"s": space, "p": project, "score": 0.5 + i / 10,
                     "status": ("accepted", "approved", "suggested")[i]})
            before = _match_rows(conn)
            assert len(before) >= 3

        upgrade(directory=str(MIGRATIONS), revision="head")
        with db.engine.begin() as conn:
            columns = {c["name"]: c for c in inspect(conn).get_columns("match")}
            assert set(BOOKING) <= set(columns) and all(columns[c]["nullable"] for c in BOOKING)
            assert {tuple(fk["constrained_columns"]) for fk in inspect(conn).get_foreign_keys(
                "match") if fk["referred_table"] == "room"} == {("room_id",)}
            assert "ix_match_room_id" in {ix["name"] for ix in inspect(conn).get_indexes("match")}
            assert _match_rows(conn) == before
            assert conn.scalar(text("SELECT count(*) FROM match WHERE " + " OR ".join(
                f"{c} IS NOT NULL" for c in BOOKING))) == 0
            assert _schema_diff(conn) == []
            assert _spatial_indexes(conn) >= SPATIAL
        # what the columns are for: the room of the place, the hours booked, the dates
        first = before[0][0]
        with db.engine.begin() as conn:
            conn.execute(text(
                "UPDATE match SET room_id = space_id, weekly_hours = :h, starts_on = :a, "
                "ends_on = :b WHERE id = :m"),
                {"h": '{"tue": ["18:00-21:00"]}', "a": "2027-03-01", "b": "2027-06-30",
                 "m": first})
        from spacematch.db.models import Match

        stored = db.session.get(Match, first)
        assert (stored.room_id, stored.weekly_hours, str(stored.starts_on),
                str(stored.ends_on)) == (before[0][1], {"tue": ["18:00-21:00"]}, "2027-03-01",
                                         "2027-06-30")
        db.session.remove()
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            conn.execute(text("UPDATE match SET room_id = 99999999 WHERE id = :m"),
                         {"m": first})

        downgrade(directory=str(MIGRATIONS), revision="0004")
        with db.engine.connect() as conn:
            assert not set(BOOKING) & {c["name"] for c in inspect(conn).get_columns("match")}
            assert _match_rows(conn) == before
            assert _spatial_index_works(conn)
        upgrade(directory=str(MIGRATIONS), revision="head")
        with db.engine.connect() as conn:
            assert _match_rows(conn) == before and _schema_diff(conn) == []


# --- 0006: the pairing workflow; match is rebuilt on SQLite, its timeline kept --------------------

KEPT = ("id", "space_id", "project_id", "score", "breakdown", "status", "created_at",
        "updated_at", "room_id", "weekly_hours", "starts_on", "ends_on")
WORKFLOW = ("origin", "group_agreed", "owner_agreed", "division")
EVENT = "SELECT id, match_id, at, actor_id, from_status, to_status, reason FROM match_event"


def _kept(conn) -> tuple[list[tuple], list[tuple]]:
    """Every pairing (its columns before 0006) and every step of their timelines."""
    rows = conn.execute(text(f"SELECT {', '.join(KEPT)} FROM match ORDER BY id"))
    return [tuple(r) for r in rows], [tuple(r) for r in conn.execute(text(EVENT + " ORDER BY id"))]


def _unique_pairs(conn) -> list:
    return [u["name"] for u in inspect(conn).get_unique_constraints("match")]


def _pair(conn, space: int, project: int, status: str, **booking) -> int:
    columns = ", ".join(["space_id", "project_id", "score", "breakdown", "status", "created_at",
                         "updated_at", *booking])
    values = ", ".join([":s", ":p", "0.5", "'{}'", ":status", "CURRENT_TIMESTAMP",
                        "CURRENT_TIMESTAMP", *(f":{k}" for k in booking)])
    conn.execute(text(f"INSERT INTO match ({columns}) VALUES ({values})"),
                 {"s": space, "p": project, "status": status, **booking})
    return conn.scalar(text("SELECT max(id) FROM match"))


def _step(conn, match: int, before: str | None, after: str, reason: str | None = None):
    conn.execute(text("INSERT INTO match_event (match_id, at, from_status, to_status, reason) "
                      "VALUES (:m, CURRENT_TIMESTAMP, :a, :b, :r)"),
                 {"m": match, "a": before, "b": after, "r": reason})


def test_0006_keeps_every_pairing_and_its_timeline(demo_app):
    with demo_app.app_context():
        downgrade(directory=str(MIGRATIONS), revision="0005")
        with db.engine.begin() as conn:
            assert not set(WORKFLOW) & {c["name"] for c in inspect(conn).get_columns("match")}
            assert _unique_pairs(conn) == ["uq_match_pair"]
            spaces = list(conn.scalars(text("SELECT id FROM space ORDER BY id LIMIT 3")))
            project = conn.scalar(text("SELECT min(id) FROM project"))
            room = conn.scalar(text("SELECT min(id) FROM room WHERE space_id = :s"),
                               {"s": spaces[0]})
            first = _pair(conn, spaces[0], project, "accepted", room_id=room,
                          weekly_hours='{"tue": ["18:00-21:00"]}', starts_on="2027-03-01",
                          ends_on="2027-06-30")
            others = [_pair(conn, s, project, st) for s, st in zip(
                spaces[1:], ("approved", "requested"), strict=True)]
            _step(conn, first, None, "requested", "Tuesdays, please")
            _step(conn, first, "requested", "accepted")
            for match in others:
                _step(conn, match, None, "requested")
            before = _kept(conn)
            assert len(before[0]) == 3 and len(before[1]) == 4

        upgrade(directory=str(MIGRATIONS), revision="head")
        with db.engine.begin() as conn:
            assert _kept(conn) == before
            # requests all; the owner's yes where the pairing got past it (accepted, approved)
            assert conn.execute(text(
                "SELECT origin, group_agreed, owner_agreed, division FROM match ORDER BY id"
            )).all() == [("request", True, True, None), ("request", True, True, None),
                         ("request", True, False, None)]
            assert _unique_pairs(conn) == []
            indexes = {ix["name"] for ix in inspect(conn).get_indexes("match")}
            assert {"ix_match_space_status", "ix_match_room_id", "ix_match_space_id",
                    "ix_match_project_id"} <= indexes
            assert {ix["name"] for ix in inspect(conn).get_indexes("match_event")} == {
                "ix_match_event_match_id"}
            again = _pair(conn, spaces[0], project, "requested")  # the same project and place
            assert _schema_diff(conn) == [] and _spatial_indexes(conn) >= SPATIAL
        with pytest.raises(IntegrityError), db.engine.begin() as conn:  # events still point
            _step(conn, 99999999, None, "requested")
        from spacematch.db.models import Match

        stored = db.session.get(Match, first)
        assert [(e.to_status, e.reason) for e in stored.events] == [
            ("requested", "Tuesdays, please"), ("accepted", None)]
        assert (stored.origin, stored.group_agreed, stored.room_id) == ("request", True, room)
        db.session.remove()

        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM match WHERE id = :m"), {"m": again})
        downgrade(directory=str(MIGRATIONS), revision="0005")
        with db.engine.connect() as conn:
            assert not set(WORKFLOW) & {c["name"] for c in inspect(conn).get_columns("match")}
            assert _kept(conn) == before and _unique_pairs(conn) == ["uq_match_pair"]
        with pytest.raises(IntegrityError), db.engine.begin() as conn:
            _pair(conn, spaces[0], project, "requested")
        for bad in ("UPDATE match SET room_id = 99999999", "UPDATE match_event SET match_id = "
                    "99999999"):  # both foreign keys still hold
            with pytest.raises(IntegrityError), db.engine.begin() as conn:
                conn.execute(text(bad))
        upgrade(directory=str(MIGRATIONS), revision="head")
        with db.engine.connect() as conn:
            assert _kept(conn) == before and _schema_diff(conn) == []


def test_0006_refuses_to_downgrade_a_project_paired_twice_and_changes_nothing(demo_app):
    with demo_app.app_context():
        with db.engine.begin() as conn:
            space = conn.scalar(text("SELECT min(id) FROM space"))
            project = conn.scalar(text("SELECT min(id) FROM project"))
            declined = _pair(conn, space, project, "declined")
            _step(conn, declined, None, "requested")
            again = _pair(conn, space, project, "requested")
            before = _kept(conn)
        # Alembic itself, so the error reaches the test (Flask-Migrate logs it and exits)
        config = demo_app.extensions["migrate"].migrate.get_config(str(MIGRATIONS))
        command.downgrade(config, "0006")  # the later ones step down; 0006 refuses
        with db.engine.connect() as conn:
            schema = _diff_names(conn)
        assert schema == [("add_index", "ix_match_status_starts_on")]  # 0007's
        with pytest.raises(RuntimeError) as caught:
            command.downgrade(config, "0005")
        assert (f"uq_match_pair allows one pairing per project and place, but pairings "
                f"{declined}, {again} pair project {project} with place {space}"
                ) in str(caught.value)
        db.session.remove()
        with db.engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0006"
            assert sorted(t for t in inspect(conn).get_table_names() if "match" in t) == [
                "match", "match_event"]
            assert _kept(conn) == before and _diff_names(conn) == schema


def test_0006_failing_half_way_changes_nothing(backend_app, monkeypatch):
    """SQLite's driver runs DDL outside a transaction unless one is open: a rebuild that
    failed half-way would leave the timeline table dropped. It must leave all as it was."""
    from alembic.operations import Operations

    with backend_app.app_context():
        downgrade(directory=str(MIGRATIONS), revision="0005")
        with db.engine.connect() as conn:
            before = sorted(inspect(conn).get_table_names())

        def fail(*_args, **_kwargs):
            raise RuntimeError("the disk is full")

        monkeypatch.setattr(Operations, "rename_table", fail)
        monkeypatch.setattr(Operations, "create_index", fail)
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            upgrade(directory=str(MIGRATIONS), revision="0006")
        db.session.remove()
        with db.engine.connect() as conn:
            assert sorted(inspect(conn).get_table_names()) == before
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "0005"
        monkeypatch.undo()
        upgrade(directory=str(MIGRATIONS), revision="head")
        with db.engine.connect() as conn:
            assert _schema_diff(conn) == []
