"""``spacematch load-demo``: the demo catalogue, idempotent.

Every demo record has ``is_demo`` set and a stable ``source_ref``, so a second run updates
the same rows instead of adding new ones. Rows that fail validation, or lie outside every
area of their city, are listed with their reason; all good rows are stored in one transaction.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import func, insert, select, update

from ..db.models import Area, City, Project, Space, User
from ..domain.errors import DataLoadError, FieldProblem, ValidationError
from ..domain.geometry import locate_points
from ..domain.listing import clean_project, clean_space
from ..extensions import db
from . import rooms, versioning
from .audit import record
from .demo_sources import DEMO_OWNERS, DEMO_SOURCES, DemoOwner
from .sources import LoadReport, RowProblem, read_text

Progress = Callable[[str, int, int], None]
UNUSABLE_PASSWORD = "!demo-account-cannot-sign-in"
DEMO_OFFICIAL = "demo-official-{slug}@spacematch.invalid"


def load_demo(data_dir: str | Path, progress: Progress | None = None) -> list[LoadReport]:
    """Load demo spaces and projects for every city whose reference data is loaded."""
    data_dir = Path(data_dir)
    cities = {c.slug: c for c in db.session.scalars(select(City))}
    if not cities:
        raise DataLoadError("No city is loaded yet: run `spacematch load-reference` first.")
    reports = []
    try:
        for slug, sources in DEMO_SOURCES.items():
            if slug in cities:
                reports.append(_load_city_spaces(cities[slug], data_dir / "demo" / slug,
                                                 sources, progress))
        reports.append(_load_projects(cities, data_dir / "demo" / "projects.toml"))
        record(None, "load-demo", "demo", label="command line",
               detail="; ".join(r.lines()[0] for r in reports)[:500])
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for r in reports:
        r.committed = True
    return reports


def _demo_user(email: str, name: str, role: str, organisation: str | None) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, password_hash=UNUSABLE_PASSWORD, role=role, display_name=name,
                    organisation=organisation, is_demo=True)
        db.session.add(user)
        db.session.flush()
    return user


def _owner(owner: DemoOwner) -> User:
    return _demo_user(owner.email, owner.display_name, "owner", owner.organisation)


def finest_areas(city: City) -> tuple[list[int], list]:
    """Ids and shapes of the city's finest areas, ordered by id (ties go to the lowest)."""
    level = city.levels[-1]
    rows = db.session.execute(
        select(Area.id, Area.geom).where(Area.city_id == city.id, Area.level == level)
        .order_by(Area.id)
    ).all()
    return [r[0] for r in rows], [to_shape(r[1]) for r in rows]


def _load_city_spaces(city: City, folder: Path, sources, progress) -> LoadReport:
    report = LoadReport(f"Demo spaces for {city.name_en or city.name}")
    _demo_user(DEMO_OFFICIAL.format(slug=city.slug), f"{city.name_en} official (demo)",
               "official", f"{city.name_en} city government")
    owners = {key: _owner(o) for key, o in DEMO_OWNERS.items() if key.startswith(city.slug)}
    area_ids, area_shapes = finest_areas(city)
    good: list[tuple[str, str, dict]] = []
    for filename, reader in sources:
        for row in reader(folder / filename):
            try:
                cleaned = clean_space(row.listing, default_currency=city.currency)
            except ValidationError as exc:
                for p in exc.problems:
                    report.reject(RowProblem(filename, row.row, p.field, p.problem))
                continue
            good.append((filename, row.ref, {**cleaned, "_row": row.row,
                                             "owner_id": owners[row.owner].id}))
    located = locate_points(shapely.points([(g[2]["lon"], g[2]["lat"]) for g in good]),
                            area_shapes) if good else []
    existing = _stored_demo_spaces(city)
    inserts, updates, seen, unchanged = [], [], set(), 0
    for (filename, ref, data), idx in zip(good, located, strict=True):
        if idx < 0:
            report.reject(RowProblem(filename, data["_row"], "location",
                                     f"outside every area of {city.name_en or city.name}"))
            continue
        if ref in seen:
            report.reject(RowProblem(filename, data["_row"], "id", f"duplicate record {ref}"))
            continue
        seen.add(ref)
        values = _space_values(data, city, area_ids[idx], ref)
        stored = existing.get(ref)
        if stored is None:
            inserts.append(values)
        elif _changed(stored, values, data):
            updates.append({"id": stored["id"], **values})
        else:
            unchanged += 1
    # Only rows that change get a new stamp, and the version moves only if any does: every
    # process reloads what is stamped after the version it knows, so a load that changes
    # nothing must cost them nothing.
    if inserts or updates:
        version = versioning.bump()
        for values in (*inserts, *updates):
            values["row_version"] = version
    _write_in_chunks(Space, inserts, updates, progress, report.title)
    rooms.add_missing_rooms(city.id)  # a new place is a place with its whole-space room
    rooms.resize_whole_rooms([u["id"] for u in updates])  # and it keeps the place's size
    report.count("new spaces", len(inserts))
    report.count("updated spaces", len(updates))
    report.count("unchanged spaces", unchanged)
    return report


# Columns a demo load writes, compared with what is stored (the location separately).
_COMPARED = tuple(c.name for c in Space.__table__.columns
                  if c.name not in ("id", "location", "footprint", "row_version", "created_at",
                                    "updated_at"))


def _stored_demo_spaces(city: City) -> dict[str, dict]:
    """The city's demo spaces as stored, by ``source_ref``, with ``lon`` and ``lat``."""
    cols = [Space.id, *(getattr(Space, c) for c in _COMPARED),
            func.ST_X(Space.location), func.ST_Y(Space.location)]
    names = ("id", *_COMPARED, "lon", "lat")
    rows = db.session.execute(select(*cols).where(Space.city_id == city.id, Space.is_demo))
    return {r.source_ref: dict(zip(names, r, strict=True)) for r in rows}


def _changed(stored: dict, values: dict, data: dict) -> bool:
    if (stored["lon"], stored["lat"]) != (data["lon"], data["lat"]):
        return True
    return any(stored[k] != v for k, v in values.items() if k != "location")


def _space_values(data: dict, city: City, area_id: int, ref: str) -> dict:
    values = {k: v for k, v in data.items() if k not in ("lon", "lat", "_row")}
    values.update(
        location=from_shape(shapely.Point(data["lon"], data["lat"]), srid=4326),
        city_id=city.id, area_id=area_id, is_demo=True, source_ref=ref,
    )
    return values


def _write_in_chunks(model, inserts, updates, progress, label, chunk=2000) -> None:
    total, done = len(inserts) + len(updates), 0
    for rows, stmt in ((inserts, insert(model)), (updates, update(model))):
        for i in range(0, len(rows), chunk):
            db.session.execute(stmt, rows[i:i + chunk])
            done += len(rows[i:i + chunk])
            if progress:
                progress(label, done, total)


def _load_projects(cities: dict[str, City], path: Path) -> LoadReport:
    report = LoadReport("Demo projects")
    try:
        specs = tomllib.loads(read_text(path)).get("project", [])
    except tomllib.TOMLDecodeError as exc:
        raise DataLoadError(f"{path}: not valid TOML: {exc}") from None
    for n, spec in enumerate(specs, start=1):
        city = cities.get(spec.get("city"))
        if city is None:
            continue  # that city's reference data is not loaded
        try:
            cleaned = clean_project(spec, default_currency=city.currency)
            area_ids = _area_ids(city, spec.get("districts", []))
        except ValidationError as exc:
            for p in exc.problems:
                report.reject(RowProblem(path.name, n, p.field, p.problem))
            continue
        group = _demo_user(f"demo-group-{spec['key']}@spacematch.invalid",
                           spec.get("group", cleaned["title"]) + " (demo)", "group",
                           spec.get("group"))
        ref = f"demo:project:{spec['key']}"
        project = db.session.scalar(select(Project).where(Project.source_ref == ref))
        is_new = project is None
        if is_new:
            project = Project(source_ref=ref, is_demo=True)
            db.session.add(project)
        lon, lat = cleaned.pop("lon", None), cleaned.pop("lat", None)
        changed = _assign(project, {**cleaned, "preferred_area_ids": area_ids,
                                    "group_id": group.id, "city_id": city.id})
        point = (lon, lat) if lon is not None else None
        if is_new or _lonlat(project.preferred_location) != point:
            project.preferred_location = (
                from_shape(shapely.Point(lon, lat), srid=4326) if point else None)
            changed = True
        report.count("new projects" if is_new else
                     "updated projects" if changed else "unchanged projects")
    db.session.flush()
    return report


def _assign(record, values: dict) -> bool:
    """Set only the values that differ (so an unchanged record is not written); any set?"""
    changed = False
    for key, value in values.items():
        if getattr(record, key) != value:
            setattr(record, key, value)
            changed = True
    return changed


def _lonlat(geom) -> tuple[float, float] | None:
    if geom is None:
        return None
    pt = to_shape(geom)
    return (pt.x, pt.y)


def _area_ids(city: City, codes: list[str]) -> list[int]:
    if not codes:
        return []
    found = dict(db.session.execute(
        select(Area.code, Area.id).where(Area.city_id == city.id, Area.code.in_(codes))
    ).all())
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError(FieldProblem("districts", f"unknown area code(s) {missing}"))
    return [found[c] for c in codes]
