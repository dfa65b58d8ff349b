"""Load a city's reference folder: boundaries with population, and transit stops.

A folder holds ``city.toml`` naming its layers (see data/README.md). Loading is idempotent:
areas are updated in place by (city, level, code), so spaces keep pointing at them; transit
stops are replaced. All good rows are stored in one transaction; with ``strict`` any bad row
means nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import delete, select

from ..db.models import Area, City, TransitStop
from ..db.reference import CODE_MAX, NAME_MAX
from ..domain.errors import DataLoadError, ValidationError
from ..domain.geometry import check_lonlat, choose_metric_crs, locate_points
from ..extensions import db
from . import versioning
from .audit import record
from .sources import (
    LoadReport,
    RowError,
    RowProblem,
    clean_polygon,
    optional_int,
    read_csv,
    read_features,
    read_manifest,
)

Progress = Callable[[str, int], None]
POPULATION_FIELDS = ("population", "population_65plus", "population_under15", "population_year")
# Transit stops just beyond the city limits still serve it; farther ones are data errors.
TRANSIT_MARGIN_DEG = 0.05


def load_reference(folder: str | Path, strict: bool = False) -> LoadReport:
    folder = Path(folder)
    manifest = read_manifest(folder)
    report = LoadReport(f"Reference data for {manifest.get('name_en') or manifest['name']}")
    layers = [_read_area_layer(folder, layer, report) for layer in manifest["areas"]]
    if not any(rows for _, rows in layers):
        raise DataLoadError(f"{folder}: no valid area in any layer; nothing stored")
    all_polys = [row["geom"] for _, rows in layers for row in rows]
    union_bounds = shapely.total_bounds(np.array(all_polys, dtype=object))
    stops = [
        (layer["kind"], _read_transit(folder, layer, union_bounds, report))
        for layer in manifest.get("transit", [])
    ]
    if strict and report.rejected:
        report.note = "Strict mode: nothing stored because some rows were rejected."
        return report
    try:
        city = _upsert_city(manifest, union_bounds, [layer["level"] for layer in manifest["areas"]])
        for (layer, rows) in layers:
            _upsert_areas(city, layer, rows, report)
        for kind, rows in stops:
            _replace_stops(city, kind, rows, report)
        versioning.bump()  # names and outlines changed: answers tagged with the version too
        record(None, "load-reference", city, label="command line",
               detail=f"{folder}: " + "; ".join(report.lines()[:1]))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.committed = True
    return report


def _read_area_layer(folder: Path, layer: dict, report: LoadReport) -> tuple[dict, list[dict]]:
    rows = []
    seen: set[str] = set()
    for n, props, geom in read_features(folder / layer["file"], ["code", "name"]):
        code, name = str(props.get("code") or "").strip(), str(props.get("name") or "").strip()
        try:
            if not code:
                raise RowError("code", "missing")
            if code in seen:
                raise RowError("code", f"{code!r} appears twice in this layer")
            if len(code) > CODE_MAX:
                raise RowError("code", f"longer than {CODE_MAX} characters")
            if not name:
                raise RowError("name", "missing")
            if len(name) > NAME_MAX:
                raise RowError("name", f"longer than {NAME_MAX} characters")
            polygon = clean_polygon(geom)
            figures = {f: optional_int(props.get(f), f) for f in POPULATION_FIELDS}
        except RowError as exc:
            report.reject(RowProblem(layer["file"], n, exc.field, exc.problem))
            continue
        seen.add(code)
        rows.append({
            "code": code, "name": name, "name_en": (props.get("name_en") or None),
            "parent_code": str(props["parent_code"]) if props.get("parent_code") else None,
            "geom": polygon, **figures,
        })
    return layer, rows


def _read_transit(folder: Path, layer: dict, bounds, report: LoadReport) -> list[dict]:
    x0, y0, x1, y1 = bounds
    m = TRANSIT_MARGIN_DEG
    rows = []
    for n, row in read_csv(folder / layer["file"], ["code", "name", "lon", "lat"]):
        try:
            lon, lat = check_lonlat(row["lon"], row["lat"], "lon/lat")
        except ValidationError as exc:
            report.reject(RowProblem(layer["file"], n, "lon/lat", exc.problems[0].problem))
            continue
        if not (x0 - m <= lon <= x1 + m and y0 - m <= lat <= y1 + m):
            report.reject(RowProblem(layer["file"], n, "lon/lat", "far outside every area"))
            continue
        if not row["code"].strip():
            report.reject(RowProblem(layer["file"], n, "code", "missing"))
            continue
        rows.append({
            "code": row["code"].strip(), "name": row["name"].strip(),
            "name_en": (row.get("name_en") or "").strip() or None,
            "lines": [s for s in (row.get("lines") or "").split(";") if s],
            "geom": shapely.Point(lon, lat),
        })
    return rows


def _upsert_city(manifest: dict, bounds, levels: list[str]) -> City:
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    city = db.session.scalar(select(City).where(City.slug == manifest["slug"]))
    if city is None:
        city = City(slug=manifest["slug"])
        db.session.add(city)
    city.name = manifest["name"]
    city.name_en = manifest.get("name_en")
    city.country = manifest["country"]
    city.currency = manifest["currency"]
    city.timezone = manifest.get("timezone", "UTC")
    city.metric_crs = manifest.get("metric_crs") or choose_metric_crs(cx, cy)
    city.centre_lon, city.centre_lat = float(cx), float(cy)
    city.levels = levels
    db.session.flush()
    return city


def _upsert_areas(city: City, layer: dict, rows: list[dict], report: LoadReport) -> None:
    level = layer["level"]
    existing = {
        a.code: a
        for a in db.session.scalars(
            select(Area).where(Area.city_id == city.id, Area.level == level))
    }
    parents: list[Area] = []
    if layer.get("parent_level"):
        parents = list(db.session.scalars(
            select(Area).where(Area.city_id == city.id, Area.level == layer["parent_level"])
            .order_by(Area.id)
        ))
    by_code = {p.code: p for p in parents}
    # Rows without a parent code get the parent that holds their representative point.
    located = locate_points(
        [shapely.point_on_surface(r["geom"]) for r in rows],
        [_parent_shape(p) for p in parents],
    ) if parents else np.full(len(rows), -1)
    for row, loc in zip(rows, located, strict=True):
        area = existing.get(row["code"])
        if area is None:
            area = Area(city=city, level=level, code=row["code"])
            db.session.add(area)
        area.name, area.name_en = row["name"], row["name_en"]
        for f in POPULATION_FIELDS:
            setattr(area, f, row[f])
        area.geom = from_shape(row["geom"], srid=4326)
        if parents:
            parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
            area.parent = parent if parent is not None else (parents[loc] if loc >= 0 else None)
        report.count(f"{level} areas")
    db.session.flush()


def _parent_shape(area: Area):
    return to_shape(area.geom)


def _replace_stops(city: City, kind: str, rows: list[dict], report: LoadReport) -> None:
    db.session.execute(
        delete(TransitStop).where(TransitStop.city_id == city.id, TransitStop.kind == kind)
    )
    seen: set[str] = set()
    batch = []
    for row in rows:
        if row["code"] in seen:
            continue
        seen.add(row["code"])
        batch.append({
            "city_id": city.id, "kind": kind, "code": row["code"], "name": row["name"],
            "name_en": row["name_en"], "lines": row["lines"],
            "geom": from_shape(row["geom"], srid=4326),
        })
    if batch:
        db.session.execute(TransitStop.__table__.insert(), batch)
    report.count(f"{kind} stops", len(batch))
