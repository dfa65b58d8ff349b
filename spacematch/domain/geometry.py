"""Geometry helpers: coordinate checks, metric projections, point-in-area assignment.

Distances and areas are always computed in a metric projection chosen for the data: the
Korean unified CRS (EPSG:5179) inside Korea, the local UTM zone elsewhere. Never EPSG:3857,
whose scale error at Seoul's latitude is about 26 %.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer

from .errors import N_, FieldProblem, ValidationError

WGS84 = "EPSG:4326"
# Korea's mainland and islands; inside it EPSG:5179 (Korea 2000 / Unified CS) is the metric CRS.
_KOREA_BBOX = (124.0, 33.0, 132.0, 39.0)


def check_lonlat(lon, lat, field: str = "location") -> tuple[float, float]:
    """Return ``(lon, lat)`` as floats, or raise naming ``field`` if they are not valid.

    >>> check_lonlat("126.978", 37.566)
    (126.978, 37.566)
    >>> check_lonlat(37.566, 126.978)
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: location: latitude 126.978 ...
    """
    if isinstance(lon, bool) or isinstance(lat, bool):
        raise ValidationError(FieldProblem(field,
                                           N_("coordinates must be numbers, not true/false")))
    try:
        lon_f, lat_f = float(lon), float(lat)
    except OverflowError:  # an integer beyond any float
        raise ValidationError(FieldProblem(field, N_("coordinates are far outside the Earth"))) \
            from None
    except (TypeError, ValueError):
        # cut long input short: an error message must not echo a whole upload back
        shown = ", ".join(repr(v)[:40] for v in (lon, lat))
        raise ValidationError(FieldProblem.of(
            field, N_("coordinates %(shown)s are not numbers"), shown=shown)) from None
    if not (np.isfinite(lon_f) and np.isfinite(lat_f)):
        raise ValidationError(FieldProblem(field, N_("coordinates must be finite numbers")))
    if not -90 <= lat_f <= 90:
        raise ValidationError(
            FieldProblem.of(
                field,
                N_("latitude %(lat)s is outside -90..90 (are longitude and latitude swapped?)"),
                lat=lat_f,
            )
        )
    if not -180 <= lon_f <= 180:
        raise ValidationError(FieldProblem.of(
            field, N_("longitude %(lon)s is outside -180..180"), lon=lon_f))
    return lon_f, lat_f


def choose_metric_crs(lon: float, lat: float) -> str:
    """The metric CRS for data centred on ``(lon, lat)``.

    >>> choose_metric_crs(126.98, 37.57)   # Seoul
    'EPSG:5179'
    >>> choose_metric_crs(-76.61, 39.29)   # Baltimore: UTM zone 18N
    'EPSG:32618'
    >>> choose_metric_crs(151.2, -33.9)    # Sydney: UTM zone 56S
    'EPSG:32756'
    """
    x0, y0, x1, y1 = _KOREA_BBOX
    if x0 <= lon <= x1 and y0 <= lat <= y1:
        return "EPSG:5179"
    zone = min(int((lon + 180) // 6) + 1, 60)
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


@lru_cache(maxsize=32)
def transformer(src: str, dst: str) -> Transformer:
    """A cached, always-lon/lat-ordered transformer between two CRSs."""
    if CRS.from_user_input(dst).to_epsg() == 3857:
        raise ValueError("EPSG:3857 is not a measuring projection; use choose_metric_crs()")
    return Transformer.from_crs(src, dst, always_xy=True)


def transform_xy(x, y, src: str, dst: str = WGS84) -> tuple[np.ndarray, np.ndarray]:
    """Transform coordinate arrays from ``src`` to ``dst`` (x = easting or longitude).

    The senior-centre register gives EPSG:5174 (Bessel, with its datum shift):

    >>> lon, lat = transform_xy([198056.0], [451705.0], "EPSG:5174")
    >>> round(float(lon[0]), 3), round(float(lat[0]), 3)
    (126.979, 37.568)
    """
    xs, ys = transformer(src, dst).transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(xs), np.asarray(ys)


def project(geom, crs: str):
    """A shapely geometry (lon/lat) in metric ``crs``.

    >>> a, b = shapely.Point(126.9780, 37.5665), shapely.Point(126.9880, 37.5665)
    >>> round(project(a, "EPSG:5179").distance(project(b, "EPSG:5179")))
    883
    """
    t = transformer(WGS84, crs)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def repair(geom):
    """A valid version of ``geom`` (unchanged if already valid), polygons kept as polygons."""
    if geom is None or geom.is_empty:
        return geom
    if shapely.is_valid(geom):
        return geom
    fixed = shapely.make_valid(geom)
    parts = getattr(fixed, "geoms", [fixed])
    polys = [g for g in parts if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else fixed


def to_multipolygon(geom) -> shapely.MultiPolygon:
    """Polygons as a MultiPolygon, so one column type holds every boundary.

    >>> to_multipolygon(shapely.box(0, 0, 1, 1)).geom_type
    'MultiPolygon'
    """
    if geom.geom_type == "MultiPolygon":
        return geom
    if geom.geom_type == "Polygon":
        return shapely.MultiPolygon([geom])
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    polys = []
    for g in parts:
        polys.extend(g.geoms if g.geom_type == "MultiPolygon" else [g])
    if not polys:
        raise ValueError(f"{geom.geom_type} has no polygon part")
    return shapely.MultiPolygon(polys)


def locate_points(points, polygons) -> np.ndarray:
    """For each point, the index of the polygon that covers it, or -1.

    A point on a shared border belongs to the polygon with the lowest index, so the answer
    does not depend on the order of the query. Uses an STRtree, which returns indices.

    >>> polys = [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)]
    >>> locate_points(shapely.points([(0.5, 0.5), (1.0, 0.5), (1.5, 0.5), (5, 5)]), polys).tolist()
    [0, 0, 1, -1]
    """
    points = np.asarray(points, dtype=object)
    result = np.full(len(points), -1, dtype=np.int64)
    if len(points) == 0 or len(polygons) == 0:
        return result
    tree = shapely.STRtree(polygons)
    point_idx, poly_idx = tree.query(points, predicate="covered_by")
    if len(point_idx):
        order = np.lexsort((poly_idx, point_idx))
        point_idx, poly_idx = point_idx[order], poly_idx[order]
        first = np.r_[True, point_idx[1:] != point_idx[:-1]]
        result[point_idx[first]] = poly_idx[first]
    return result
