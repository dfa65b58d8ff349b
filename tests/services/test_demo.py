"""The demo catalogue: real places, correct coordinates, idempotent, on both backends."""

import csv
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import aliased

from spacematch.db.models import Area, City, Project, Room, Space, User
from spacematch.extensions import db
from spacematch.services import versioning
from spacematch.services.demo import load_demo

DATA = Path(__file__).resolve().parents[2] / "data"


def _districts_of(prefix: str) -> list[tuple[str, str]]:
    """(address, name of the district the space was placed in) for demo spaces of a source."""
    gu = aliased(Area)
    return db.session.execute(
        select(Space.address, gu.name)
        .join(Area, Space.area_id == Area.id).join(gu, Area.parent_id == gu.id)
        .where(Space.source_ref.like(f"{prefix}%"))
    ).all()


def test_senior_centres_fall_in_the_district_of_their_address(demo_app):
    """EPSG:5174 → 4326 and point-in-polygon agree with the address for ≥ 99 %."""
    with demo_app.app_context():
        rows = _districts_of("demo:seoul-senior:")
        assert len(rows) > 2800
        named = [(re.search(r"서울특별시\s+(\S+구)", addr), gu) for addr, gu in rows]
        checked = [(m.group(1), gu) for m, gu in named if m]
        agree = sum(a == b for a, b in checked)
        assert len(checked) > 2800
        assert agree / len(checked) >= 0.99, Counter((a, b) for a, b in checked if a != b)


def test_libraries_fall_in_their_named_district(demo_app):
    named = {f"demo:seoul-library:{r['도서관 일련번호']}": r["구명"] for r in csv.DictReader(
        (DATA / "demo" / "seoul" / "seoul_public_libraries.csv").open(encoding="utf-8"))}
    with demo_app.app_context():
        gu = aliased(Area)
        rows = db.session.execute(
            select(Space.source_ref, gu.name).join(Area, Space.area_id == Area.id)
            .join(gu, Area.parent_id == gu.id).where(Space.source_ref.like("demo:seoul-library:%"))
        ).all()
        assert len(rows) == 215
        assert sum(named[ref] == name for ref, name in rows) / len(rows) >= 0.99


def test_catalogue_contents(demo_app):
    with demo_app.app_context():
        per_city = dict(db.session.execute(
            select(City.slug, func.count(Space.id)).join(Space).group_by(City.slug)).all())
        assert per_city["seoul"] == 215 + 1035 + 2837
        assert per_city["baltimore"] == 16449
        assert db.session.scalar(select(func.count()).select_from(Space)
                                 .where(Space.is_demo.is_(False))) == 0
        projects = db.session.scalars(select(Project)).all()
        assert len(projects) == 20 and all(p.is_demo and p.title_en for p in projects)
        assert {p.city.slug for p in projects} == {"seoul", "baltimore"}
        users = db.session.scalars(select(User)).all()
        assert all(u.is_demo and u.password_hash.startswith("!") for u in users)
        assert {u.role for u in users} == {"owner", "group", "official"}
        usd = db.session.scalar(select(func.count()).select_from(Space)
                                .where(Space.currency == "USD"))
        assert usd == per_city["baltimore"]


def test_second_load_changes_nothing(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        before = db.session.execute(
            select(Space.source_ref, Space.id, Space.area_id, Space.floor_area_m2,
                   Space.amenities).order_by(Space.id)).all()
        reports = load_demo(DATA)
        after = db.session.execute(
            select(Space.source_ref, Space.id, Space.area_id, Space.floor_area_m2,
                   Space.amenities).order_by(Space.id)).all()
        assert before == after
        assert reports[0].stored["new spaces"] == 0
        assert db.session.scalar(select(func.count()).select_from(Project)) == 20


def _stamps() -> tuple[int, dict[int, int], dict]:
    return (versioning.current(),
            dict(db.session.execute(select(Space.id, Space.row_version)).all()),
            dict(db.session.execute(select(Project.id, Project.updated_at)).all()))


def _rename_first_library(folder: Path) -> str:
    """Copy the demo sources to ``folder`` with the first library renamed; its reference."""
    shutil.copytree(DATA / "demo", folder / "demo")
    path = folder / "demo" / "seoul" / "seoul_public_libraries.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    rows[0]["도서관명"] += " 별관"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return f"demo:seoul-library:{rows[0]['도서관 일련번호']}"


def test_a_repeated_load_moves_no_version_and_a_changed_row_only_its_own(demo_app, tmp_path):
    """Every process reloads what is stamped after the version it knows, so a load that
    changes nothing must stamp nothing, and one changed source row must stamp one space."""
    with demo_app.app_context():
        version, stamps, projects = _stamps()
        load_demo(DATA)
        assert _stamps() == (version, stamps, projects)
        ref = _rename_first_library(tmp_path)
        reports = load_demo(tmp_path)
        assert reports[0].stored["updated spaces"] == 1
        changed = db.session.execute(select(Space.id, Space.title)
                                     .where(Space.source_ref == ref)).one()
        assert changed.title.endswith("별관 세미나실")
        new_version, new_stamps, _ = _stamps()
        assert new_version > version
        assert {i for i in stamps if new_stamps[i] != stamps[i]} == {changed.id}
        assert new_stamps[changed.id] == new_version


def test_rows_that_cannot_be_placed_are_reported(demo_sqlite_app):
    with demo_sqlite_app.app_context():
        seoul = load_demo(DATA)[0]
        by_source = Counter(p.source for p in seoul.rejected)
        assert by_source["seoul_senior_centers.csv"] >= 907  # rows without coordinates
        bad = [p for p in seoul.rejected if p.source == "seoul_cultural_spaces.csv"]
        assert [(p.row, p.field) for p in bad] == [(1006, "location")]
        assert "37.5718961547884~2" in bad[0].problem


def test_both_backends_place_every_space_in_the_same_area(spatialite_templates,
                                                           postgis_templates):
    from spacematch import create_app

    placed = []
    for templates in (spatialite_templates, postgis_templates):
        url = templates.clone("demo")
        app = create_app({"SPACEMATCH_DATABASE_URL": url, "TESTING": True})
        with app.app_context():
            placed.append(dict(db.session.execute(
                select(Space.source_ref, Area.code).join(Area, Space.area_id == Area.id)).all()))
            db.session.remove()
            db.engine.dispose()
        templates.drop(url)
    assert len(placed[0]) > 20000
    assert placed[0] == placed[1]


@pytest.mark.parametrize("slug", ["seoul", "baltimore"])
def test_generated_attributes_are_plausible(demo_sqlite_app, slug):
    with demo_sqlite_app.app_context():
        spaces = db.session.scalars(select(Space).join(City).where(City.slug == slug)).all()
        assert all(10 <= s.floor_area_m2 <= 400 for s in spaces)
        assert all(s.capacity >= 5 and s.weekly_hours for s in spaces)
        assert all((s.cost_kind == "free") == (s.cost_amount == 0) for s in spaces)
        assert len({s.floor_area_m2 for s in spaces}) > 10  # generated, not constant


def test_every_demo_place_has_its_whole_room_once(demo_app):
    from spacematch.db.models import Room

    with demo_app.app_context():
        places = db.session.scalar(select(func.count(Space.id)).where(Space.is_demo))
        per_place = db.session.execute(select(Room.space_id, func.count(Room.id))
                                       .join(Space, Space.id == Room.space_id)
                                       .where(Space.is_demo).group_by(Room.space_id)).all()
        assert len(per_place) == places > 20_000 and {n for _, n in per_place} == {1}
        load_demo(DATA)
        assert db.session.scalar(select(func.count(Room.id))) == places


def test_a_reloaded_place_gives_its_whole_space_room_its_size_again(demo_app):
    """A place the loader updates keeps its automatic room the size of the place."""
    with demo_app.app_context():
        library = Space.source_ref.like("demo:seoul-library:%")
        sid = db.session.scalar(select(Space.id).where(library).order_by(Space.id).limit(1))
        shrunk = {"floor_area_m2": 1.0, "capacity": 1, "floor_level": 9}
        db.session.execute(update(Space).where(Space.id == sid).values(**shrunk))
        db.session.execute(update(Room).where(Room.space_id == sid).values(**shrunk))
        db.session.commit()
        assert load_demo(DATA)[0].stored["updated spaces"] == 1
        place = db.session.get(Space, sid, populate_existing=True)
        (room,) = db.session.scalars(select(Room).where(Room.space_id == sid)
                                     .execution_options(populate_existing=True))
        assert place.floor_area_m2 > 1
        assert (room.name, room.floor_area_m2, room.capacity, room.floor_level) == (
            "Whole space", place.floor_area_m2, place.capacity, place.floor_level)
