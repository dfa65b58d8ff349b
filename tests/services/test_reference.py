"""Loading a city's reference folder: real Seoul data, and every kind of bad input."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from spacematch.db.models import Area, AuditEvent, City, TransitStop
from spacematch.domain.errors import DataLoadError
from spacematch.extensions import db
from spacematch.services.reference import load_reference

DATA = Path(__file__).resolve().parents[2] / "data"


def _count(model, **where):
    stmt = select(func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    return db.session.scalar(stmt)


@pytest.fixture
def mini_city(tmp_path) -> Path:
    """A small real city: three Seoul gu, their dongs and the stations in them."""
    folder = tmp_path / "mini"
    folder.mkdir()
    shutil.copy(DATA / "seoul" / "city.toml", folder / "city.toml")
    keep = {"11110", "11140", "11170"}  # Jongno, Jung, Yongsan
    for name, key in (("districts.geojson", "code"), ("neighbourhoods.geojson", "parent_code")):
        doc = json.loads((DATA / "seoul" / name).read_text(encoding="utf-8"))
        doc["features"] = [f for f in doc["features"] if f["properties"][key] in keep]
        (folder / name).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    for name, n in (("subway_stations.csv", 39), ("bus_stops.csv", 29)):
        rows = list(csv.DictReader((DATA / "seoul" / name).open(encoding="utf-8")))
        inside = [r for r in rows if 126.94 < float(r["lon"]) < 127.02
                  and 37.53 < float(r["lat"]) < 37.58][:n]
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(inside)
    return folder


def test_seoul_loads_completely(seoul_app):
    with seoul_app.app_context():
        city = db.session.scalar(select(City).where(City.slug == "seoul"))
        assert city.metric_crs == "EPSG:5179"
        assert city.levels == ["district", "neighbourhood"]
        assert _count(Area, level="district") == 25
        assert _count(Area, level="neighbourhood") == 425
        assert _count(TransitStop, kind="subway") == 337
        assert _count(TransitStop, kind="bus") == 11290
        # every dong hangs under the gu whose code its own code starts with
        pairs = db.session.execute(
            select(Area.code, Area.parent_id).where(Area.level == "neighbourhood")).all()
        gus = dict(db.session.execute(
            select(Area.id, Area.code).where(Area.level == "district")).all())
        assert all(gus[parent][:5] == code[:5] for code, parent in pairs)
        total = db.session.scalar(select(func.sum(Area.population)).where(Area.level == "district"))
        assert 9_000_000 < total < 10_000_000
        jongno = db.session.scalar(select(Area).where(Area.name_en == "Jongno-gu"))
        assert 0.15 < jongno.population_65plus / jongno.population < 0.30


def test_reloading_updates_in_place(app, mini_city):
    with app.app_context():
        first = load_reference(mini_city)
        ids = dict(db.session.execute(select(Area.code, Area.id)).all())
        second = load_reference(mini_city)
        assert first.stored == second.stored
        events = db.session.scalars(select(AuditEvent.detail)
                                    .where(AuditEvent.action == "load-reference")).all()
        assert len(events) == 2 and "25 district areas" not in events[0]
        assert "3 district areas" in events[0]
        assert dict(db.session.execute(select(Area.code, Area.id)).all()) == ids


def test_bad_rows_are_listed_and_good_rows_stored(app, mini_city):
    doc = json.loads((mini_city / "neighbourhoods.geojson").read_text(encoding="utf-8"))
    n = len(doc["features"])
    doc["features"][0]["geometry"] = {"type": "Polygon", "coordinates": [[[126.9, 37.5]]]}
    doc["features"][1]["geometry"] = {"type": "Point", "coordinates": [126.9, 37.5]}
    doc["features"][2]["geometry"]["coordinates"][0][0][0] = [226.9, 37.5]
    doc["features"][3]["properties"]["code"] = ""
    doc["features"][4]["properties"]["population"] = "many"
    (mini_city / "neighbourhoods.geojson").write_text(json.dumps(doc), encoding="utf-8")
    with (mini_city / "subway_stations.csv").open("a", encoding="utf-8") as fh:
        fh.write("X1,Nowhere,,,200.0,37.5\nX2,Far away,,,-76.6,39.3\nX3,Bad,,,abc,37.5\n")
    with app.app_context():
        report = load_reference(mini_city)
        problems = {(p.source, p.row, p.field) for p in report.rejected}
        assert ("neighbourhoods.geojson", 1, "geometry") in problems
        assert ("neighbourhoods.geojson", 2, "geometry") in problems
        assert ("neighbourhoods.geojson", 3, "geometry") in problems
        assert ("neighbourhoods.geojson", 4, "code") in problems
        assert ("neighbourhoods.geojson", 5, "population") in problems
        assert {p.row for p in report.rejected if p.source == "subway_stations.csv"} == {40, 41, 42}
        assert report.committed
        assert _count(Area, level="neighbourhood") == n - 5
        assert any("outside every area" in p.problem or "far outside" in p.problem
                   for p in report.rejected)


def test_strict_mode_stores_nothing(app, mini_city):
    with (mini_city / "bus_stops.csv").open("a", encoding="utf-8") as fh:
        fh.write("X9,Broken,,,126.9,\n")
    with app.app_context():
        report = load_reference(mini_city, strict=True)
        assert not report.committed and len(report.rejected) == 1
        assert _count(City) == 0 and _count(Area) == 0


def test_missing_column_stores_nothing_and_keeps_earlier_data(app, mini_city):
    with app.app_context():
        load_reference(mini_city)
        before = _count(TransitStop)
        text = (mini_city / "subway_stations.csv").read_text(encoding="utf-8")
        (mini_city / "subway_stations.csv").write_text(text.replace("lat", "latitude", 1),
                                                       encoding="utf-8")
        with pytest.raises(DataLoadError, match="missing column.*lat"):
            load_reference(mini_city)
        assert _count(TransitStop) == before


def test_wrong_encoding_is_named(app, mini_city):
    text = (mini_city / "bus_stops.csv").read_text(encoding="utf-8")
    (mini_city / "bus_stops.csv").write_bytes(text.encode("cp949"))
    with app.app_context():
        with pytest.raises(DataLoadError, match="not UTF-8.*CP949"):
            load_reference(mini_city)
        assert _count(City) == 0


def test_manifest_problems_are_explained(app, tmp_path):
    (tmp_path / "city.toml").write_text('slug = "x"\nname = "X"\n', encoding="utf-8")
    with app.app_context(), pytest.raises(DataLoadError, match="missing key"):
        load_reference(tmp_path)
    with app.app_context(), pytest.raises(DataLoadError, match="file not found"):
        load_reference(tmp_path / "nowhere")


def test_an_unknown_time_zone_is_refused_before_anything_is_stored(app, mini_city):
    manifest = mini_city / "city.toml"
    text = manifest.read_text(encoding="utf-8")
    assert 'timezone = "Asia/Seoul"' in text
    manifest.write_text(text.replace("Asia/Seoul", "Asia/Soul"), encoding="utf-8")
    with app.app_context():
        with pytest.raises(DataLoadError, match="city.toml: timezone: 'Asia/Soul' is not a"):
            load_reference(mini_city)
        assert _count(City) == 0


def test_another_city_loads_from_its_own_folder(app):
    with app.app_context():
        report = load_reference(DATA / "baltimore")
        city = db.session.scalar(select(City).where(City.slug == "baltimore"))
        assert city.metric_crs == "EPSG:32618"  # UTM 18N, chosen from the data
        assert report.stored == {"city areas": 1, "district areas": 56,
                                 "neighbourhood areas": 278}
        orphans = db.session.scalar(select(func.count()).select_from(Area).where(
            Area.level != "city", Area.parent_id.is_(None)))
        assert orphans == 0
        whole = db.session.scalar(select(Area).where(Area.level == "city"))
        assert whole.population == 585_708  # the 2020 Census count, summed from neighbourhoods
