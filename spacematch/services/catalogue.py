"""Read-only views of the catalogue: cities, counts, and what the map shows."""

from __future__ import annotations

from dataclasses import dataclass

from geoalchemy2.shape import to_shape
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..db.models import Area, City, Project, Space
from ..domain.errors import N_, NotFound
from ..domain.vocabulary import Text, language_of_country
from ..extensions import db
from .projects import ProjectView, project_views


@dataclass(frozen=True)
class CityInfo:
    """A loaded city: what pages, the API and the other services need to know of it."""

    id: int
    slug: str
    name: str
    name_en: str | None
    metric_crs: str
    currency: str
    centre_lat: float
    centre_lon: float
    levels: tuple[str, ...]  # area levels, coarsest first
    language: str = "en"  # what its people read first: Korean in Korea
    timezone: str = "UTC"  # where "today" is reckoned: a pairing's first and last days


def city_info(city: City) -> CityInfo:
    return CityInfo(city.id, city.slug, city.name, city.name_en, city.metric_crs, city.currency,
                    city.centre_lat, city.centre_lon, tuple(city.levels or ()),
                    language_of_country(city.country), city.timezone or "UTC")


@dataclass(frozen=True)
class CitySummary:
    slug: str
    name: str
    name_en: str | None
    centre: tuple[float, float]  # lat, lon
    listed_spaces: int
    open_projects: int
    areas: int


def list_cities() -> list[CityInfo]:
    return [city_info(c) for c in db.session.scalars(select(City).order_by(City.id))]


def city_language(slug: str | None, default_slug: str | None = None) -> str:
    """The language of the city a page is about ("en" when none is loaded or it is unknown,
    or when the database has no schema yet: the page saying so is in English)."""
    try:
        try:
            city = pick_city(slug, default_slug)
        except NotFound:
            city = pick_city(None, default_slug)
    except SQLAlchemyError:
        db.session.rollback()
        return "en"
    return city.language if city else "en"


def pick_city(slug: str | None, default_slug: str | None = None) -> CityInfo | None:
    """The city asked for, else the configured default, else the first loaded; None if none."""
    if slug:
        city = db.session.scalar(select(City).where(City.slug == slug))
        if city is None:
            # a long value is named by its start: the page that says so stays readable
            shown = slug if len(slug) <= 40 else slug[:40] + "…"
            raise NotFound(N_("No city %(slug)s has been loaded."), slug=repr(shown))
        return city_info(city)
    if default_slug:
        city = db.session.scalar(select(City).where(City.slug == default_slug))
        if city is not None:
            return city_info(city)
    city = db.session.scalar(select(City).order_by(City.id).limit(1))
    return city_info(city) if city is not None else None


def summarise_city(city: CityInfo) -> CitySummary:
    spaces = db.session.scalar(
        select(func.count(Space.id)).where(Space.city_id == city.id, Space.status == "listed")
    )
    projects = db.session.scalar(
        select(func.count(Project.id)).where(Project.city_id == city.id, Project.status == "open")
    )
    areas = db.session.scalar(select(func.count(Area.id)).where(Area.city_id == city.id))
    return CitySummary(city.slug, city.name, city.name_en, (city.centre_lat, city.centre_lon),
                       spaces or 0, projects or 0, areas or 0)


def listed_space_points(city: CityInfo) -> list[dict]:
    """Listed spaces of a city as plain rows for a map (no ORM objects leave the service)."""
    rows = db.session.execute(
        select(
            Space.id, Space.title, Space.owner_kind, Space.floor_area_m2, Space.capacity,
            Space.cost_kind, Space.location, Area.name, Area.name_en,
        )
        .join(Area, Space.area_id == Area.id)
        .where(Space.city_id == city.id, Space.status == "listed")
        .order_by(Space.id)
    )
    out = []
    for sid, title, kind, m2, cap, cost, loc, area, area_en in rows:
        pt = to_shape(loc)
        out.append({"id": sid, "title": title, "owner_kind": kind, "floor_area_m2": m2,
                    "capacity": cap, "cost_kind": cost, "lon": pt.x, "lat": pt.y, "area": area,
                    "area_en": area_en})
    return out


def district_outlines(city: CityInfo) -> list[dict]:
    """The areas one level above the finest, with their listed-space counts, for the map."""
    level = city.levels[-2] if len(city.levels) > 1 else city.levels[0]
    counts = dict(db.session.execute(
        select(Area.parent_id, func.count(Space.id))
        .join(Space, Space.area_id == Area.id)
        .where(Space.city_id == city.id, Space.status == "listed")
        .group_by(Area.parent_id)
    ).all())
    areas = db.session.scalars(
        select(Area).where(Area.city_id == city.id, Area.level == level).order_by(Area.id)
    )
    return [
        {"id": a.id, "name": a.name, "name_en": a.name_en, "population": a.population,
         "listed_spaces": counts.get(a.id, 0), "geometry": to_shape(a.geom)}
        for a in areas
    ]


def space_detail(space_id: int) -> dict:
    """A place's facts for its page, with its area and district names (its rooms:
    services.places)."""
    space = db.session.get(Space, space_id)
    if space is None or space.status == "draft":
        raise NotFound(N_("No listed space %(id)s."), id=space_id)
    pt = to_shape(space.location)
    area = space.area
    return {
        "id": space.id, "title": space.title, "description": space.description,
        "owner_kind": space.owner_kind, "owner": space.owner.display_name,
        "owner_id": space.owner_id,
        "address": space.address, "lon": pt.x, "lat": pt.y,
        "area": local_name(area), "area_local": area.name,
        "district": local_name(area.parent) if area.parent else None,
        "floor_area_m2": space.floor_area_m2, "capacity": space.capacity,
        "divisible_room_m2": space.divisible_room_m2, "divisible_rooms": space.divisible_rooms,
        "floor_level": space.floor_level, "accessibility": space.accessibility,
        "amenities": space.amenities, "allowed_uses": space.allowed_uses,
        "weekly_hours": space.weekly_hours, "available_from": space.available_from,
        "available_to": space.available_to, "cost_kind": space.cost_kind,
        "cost_amount": float(space.cost_amount), "currency": space.currency,
        "condition_notes": space.condition_notes, "status": space.status,
        "is_demo": space.is_demo, "city": space.city.slug,
    }


def local_name(record) -> Text:
    """An area's (or a city's) name: English where it has one, with its local name as the
    Korean (``|l10n`` shows the one of the page's language)."""
    return Text(record.name_en or record.name, record.name or record.name_en)


def list_projects(city: CityInfo) -> list[ProjectView]:
    return project_views(list(db.session.scalars(
        select(Project).where(Project.city_id == city.id, Project.status == "open")
        .order_by(Project.id))))
