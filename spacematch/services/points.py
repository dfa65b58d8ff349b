"""A city's listed spaces for one view of a map, light whatever their number: counts per
screen cell where a view holds many, each space (with what its popup says) where it holds
few. The page asks again as the map moves (``/api/cities/<slug>/points``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..domain.clusters import grid, inside
from ..domain.errors import N_, FieldProblem, ValidationError
from ..domain.vocabulary import OWNER_KINDS
from . import versioning
from .catalogue import CityInfo, listed_space_points
from .indexes import state
from .plan_options import parse_number

# a view with this many spaces or fewer shows each one; this close, up to POINTS_MAX
DETAIL_MAX = 1500
DETAIL_ZOOM = 16
POINTS_MAX = 5000
CELL_PX = 64
KINDS = tuple(OWNER_KINDS)  # owner kinds by code number, as the points carry them


@dataclass(frozen=True)
class PointSet:
    version: int
    ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    rows: list[dict]  # listed_space_points' rows, in the same order


def parse_view(args) -> tuple[tuple[float, float, float, float], float]:
    """``bbox=west,south,east,north`` (degrees) and ``zoom`` from a query, or a 400 naming
    the field."""
    zoom = parse_number(args, "zoom", None, 0, 22)
    if zoom is None:
        raise ValidationError(FieldProblem("zoom", N_("is required")))
    parts = (args.get("bbox") or "").split(",")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ValidationError(FieldProblem(
            "bbox", N_("must be four numbers: west,south,east,north"))) from None
    if not all(np.isfinite((west, south, east, north))) or not (west < east and south < north):
        raise ValidationError(FieldProblem(
            "bbox", N_("must run west to east and south to north, in degrees")))
    # a map zoomed out or panned past the date line asks beyond the world: the world
    return (max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0)), zoom


def city_points(city: CityInfo) -> PointSet:
    """The city's listed spaces as arrays, read once per catalogue version."""
    cache = state()
    version = versioning.current()
    with cache["lock"]:
        found = cache.setdefault("points", {}).get(city.id)
        if found is not None and found.version == version:
            return found
    rows = listed_space_points(city)
    points = PointSet(version, np.array([r["id"] for r in rows], dtype=np.int64),
                      np.array([r["lon"] for r in rows], dtype=float),
                      np.array([r["lat"] for r in rows], dtype=float), rows)
    with cache["lock"]:
        cache["points"][city.id] = points
    return points


def _detail(row: dict) -> list:
    return [round(row["lat"], 5), round(row["lon"], 5),
            KINDS.index(row["owner_kind"]) if row["owner_kind"] in KINDS else -1, row["id"],
            row["title"], row["area"], row["area_en"], round(row["floor_area_m2"]),
            row["capacity"]]


def view_points(city: CityInfo, bbox, zoom: float) -> dict:
    """What a map of ``bbox`` at ``zoom`` draws: ``clusters`` as [lat, lon, count] and
    ``points`` as [lat, lon, owner kind number, id, title, area, area in English, m²,
    people]; ``total`` spaces in view."""
    points = city_points(city)
    here = np.flatnonzero(inside(points.lon, points.lat, bbox))
    if len(here) <= DETAIL_MAX or (zoom >= DETAIL_ZOOM and len(here) <= POINTS_MAX):
        return {"version": points.version, "total": int(len(here)), "clusters": [],
                "points": [_detail(points.rows[i]) for i in here], "kinds": list(KINDS)}
    cells = grid(points.lon[here], points.lat[here], zoom, CELL_PX)
    alone = cells.counts == 1
    clusters = [[round(float(a), 5), round(float(b), 5), int(n)] for a, b, n in
                zip(cells.lat[~alone], cells.lon[~alone], cells.counts[~alone], strict=True)]
    singles = [_detail(points.rows[here[i]]) for i in cells.first[alone]]
    return {"version": points.version, "total": int(len(here)), "clusters": clusters,
            "points": singles, "kinds": list(KINDS)}
