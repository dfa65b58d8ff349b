"""Geometry in equals geometry out, on SpatiaLite and PostGIS, with real shapes."""

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import func, select

from spacematch.db.models import Area, City, TransitStop
from spacematch.domain.geometry import to_multipolygon
from spacematch.extensions import db

DATA = Path(__file__).resolve().parents[2] / "data"


def _dong(name: str):
    doc = json.loads((DATA / "seoul" / "neighbourhoods.geojson").read_text(encoding="utf-8"))
    feat = next(f for f in doc["features"] if f["properties"]["name"] == name)
    return to_multipolygon(shapely.geometry.shape(feat["geometry"]))


def _city() -> City:
    city = City(slug="t", name="t", country="KR", metric_crs="EPSG:5179", currency="KRW",
                timezone="Asia/Seoul", centre_lon=127.0, centre_lat=37.5, levels=["neighbourhood"])
    db.session.add(city)
    db.session.flush()
    return city


@pytest.mark.parametrize("name", ["사직동", "신사동", "잠실본동"])
def test_dong_polygon_round_trips_exactly(backend_app, name):
    shape = _dong(name)
    with backend_app.app_context():
        area = Area(city=_city(), level="neighbourhood", code="x", name=name,
                    geom=from_shape(shape, srid=4326))
        db.session.add(area)
        db.session.commit()
        area_id = area.id
        db.session.remove()
        back = db.session.get(Area, area_id)
        out = to_shape(back.geom)
        srid = db.session.scalar(select(func.ST_SRID(Area.geom)).where(Area.id == area_id))
    assert srid == 4326
    assert out.geom_type == "MultiPolygon"
    np.testing.assert_array_equal(shapely.get_coordinates(out), shapely.get_coordinates(shape))
    assert shapely.equals_exact(out, shape, tolerance=0)


def test_points_near_a_border_round_trip_and_stay_on_their_side(backend_app):
    dong = _dong("사직동")
    ring = dong.geoms[0].exterior
    # Points 10 cm inside and outside the border, at 20 places along it.
    probes = []
    for t in np.linspace(0, 1, 20, endpoint=False):
        p = ring.interpolate(t, normalized=True)
        q = ring.interpolate(t + 1e-4, normalized=True)
        dx, dy = q.x - p.x, q.y - p.y
        norm = np.hypot(dx, dy) or 1.0
        nx, ny = -dy / norm * 1e-6, dx / norm * 1e-6  # about 0.1 m
        probes += [shapely.Point(p.x + nx, p.y + ny), shapely.Point(p.x - nx, p.y - ny)]
    with backend_app.app_context():
        city = _city()
        area = Area(city=city, level="neighbourhood", code="x", name="사직동",
                    geom=from_shape(dong, srid=4326))
        db.session.add(area)
        for i, pt in enumerate(probes):
            db.session.add(TransitStop(city=city, kind="bus", code=str(i), name=str(i),
                                       lines=[], geom=from_shape(pt, srid=4326)))
        db.session.commit()
        db.session.remove()
        rows = db.session.execute(
            select(TransitStop.code, TransitStop.geom,
                   func.ST_Intersects(Area.geom, TransitStop.geom))
            .join(Area, Area.code == "x").order_by(TransitStop.id)
        ).all()
    assert len(rows) == len(probes)
    inside_db = []
    for (_code, geom, inside), pt in zip(rows, probes, strict=True):
        back = to_shape(geom)
        assert (back.x, back.y) == (pt.x, pt.y)
        inside_db.append(bool(inside))
    inside_shapely = [dong.covers(p) for p in probes]
    assert inside_db == inside_shapely
    assert 0 < sum(inside_db) < len(probes)  # both sides are represented
