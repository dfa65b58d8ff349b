import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from spacematch.domain.errors import ValidationError
from spacematch.domain.geometry import (
    check_lonlat,
    choose_metric_crs,
    locate_points,
    project,
    repair,
    to_multipolygon,
    transform_xy,
    transformer,
)

DATA = Path(__file__).resolve().parents[2] / "data"


def test_swapped_coordinates_are_named_in_the_error():
    with pytest.raises(ValidationError) as err:
        check_lonlat(37.5, 126.9, field="location")
    assert err.value.problems[0].field == "location"
    assert "swapped" in err.value.problems[0].problem


@pytest.mark.parametrize("lon,lat", [("x", 1), (float("nan"), 1), (181, 0), (None, 3)])
def test_bad_coordinates_rejected(lon, lat):
    with pytest.raises(ValidationError):
        check_lonlat(lon, lat)


def test_web_mercator_is_refused_for_measuring():
    with pytest.raises(ValueError, match="3857"):
        transformer("EPSG:4326", "EPSG:3857")


def test_metric_crs_distance_matches_geodesic_distance():
    # Seoul City Hall to Gangnam station: about 8.6 km on the ellipsoid.
    from pyproj import Geod

    a, b = shapely.Point(126.9779, 37.5663), shapely.Point(127.0276, 37.4979)
    crs = choose_metric_crs(126.98, 37.56)
    planar = project(a, crs).distance(project(b, crs))
    _, _, geodesic = Geod(ellps="WGS84").inv(a.x, a.y, b.x, b.y)
    assert abs(planar - geodesic) / geodesic < 0.001


def test_epsg5174_transform_puts_senior_centres_in_seoul():
    # A row of the 경로당 register (양평동3가, 영등포구) in EPSG:5174 metres.
    lon, lat = transform_xy([191373.6], [447187.6], "EPSG:5174")
    gu = json.loads((DATA / "seoul" / "districts.geojson").read_text(encoding="utf-8"))
    polys = [shapely.geometry.shape(f["geometry"]) for f in gu["features"]]
    idx = locate_points(shapely.points([(lon[0], lat[0])]), polys)[0]
    assert gu["features"][idx]["properties"]["name"] == "영등포구"


def test_locate_points_prefers_lowest_index_on_shared_border():
    left, right = shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)
    pts = shapely.points([(1.0, 0.5), (1.0, 0.5)])
    assert locate_points(pts, [right, left]).tolist() == [0, 0]
    assert locate_points(pts, [left, right]).tolist() == [0, 0]


def test_locate_points_agrees_with_brute_force_on_real_dongs():
    doc = json.loads((DATA / "seoul" / "neighbourhoods.geojson").read_text(encoding="utf-8"))
    polys = [shapely.geometry.shape(f["geometry"]) for f in doc["features"]]
    rng = np.random.default_rng(7)
    x0, y0, x1, y1 = shapely.total_bounds(np.array(polys, dtype=object))
    pts = shapely.points(np.column_stack([rng.uniform(x0, x1, 300), rng.uniform(y0, y1, 300)]))
    got = locate_points(pts, polys)
    for p, g in zip(pts, got, strict=True):
        expected = next((i for i, poly in enumerate(polys) if poly.covers(p)), -1)
        assert g == expected
    assert (got >= 0).sum() > 100  # most of the bounding box is Seoul


def test_repair_keeps_area_of_bow_tie_parts():
    bow = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    assert not bow.is_valid
    fixed = to_multipolygon(repair(bow))
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon"
    assert fixed.area == pytest.approx(2.0)


@pytest.mark.parametrize("lon,lat,says", [
    (126.97, 10**400, "far outside"), (True, 37.5, "not true/false"),
    ("x" * 5000, 37.5, "are not numbers")])
def test_absurd_coordinates_are_named_without_echoing_them(lon, lat, says):
    with pytest.raises(ValidationError) as err:
        check_lonlat(lon, lat)
    (problem,) = err.value.problems
    assert problem.field == "location" and says in problem.problem
    assert len(problem.problem) < 200
