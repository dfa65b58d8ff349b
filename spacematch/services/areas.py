"""Which area a point lies in: computed from the loaded boundaries, never typed by a person."""

from __future__ import annotations

from sqlalchemy import func, select

from ..db.models import Area, City
from ..domain.errors import N_, FieldProblem, ValidationError
from ..extensions import db


def find_area(lon: float, lat: float) -> Area | None:
    """The finest loaded area that covers the point (lowest id on a shared border), or None."""
    point = func.ST_GeomFromText(f"POINT({lon!r} {lat!r})", 4326)
    candidates = db.session.execute(
        select(Area, City.levels).join(City, Area.city_id == City.id)
        .where(func.ST_Intersects(Area.geom, point)).order_by(Area.id)
    ).all()
    return next((a for a, levels in candidates if levels and a.level == levels[-1]), None)


def locate_area(lon: float, lat: float) -> Area:
    """Like ``find_area``, but a point outside every area is an input error on ``location``."""
    area = find_area(lon, lat)
    if area is None:
        raise ValidationError(FieldProblem.of(
            "location", N_("(%(lon)s, %(lat)s) is outside every area spacematch knows"),
            lon=f"{lon:.5f}", lat=f"{lat:.5f}"))
    return area
