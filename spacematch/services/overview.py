"""A city from above: per district (or neighbourhood) how much space is listed for its
people, how many projects look for a room there, how many find none, how many are paired.

A place counts in the area it stands in. A project counts in the area of its location, else
in each area it chose (chosen areas coarser than the level shown count in none of its areas:
they say "anywhere in this district", not where). Drafts count nowhere.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from ..db.models import Area, City, Match, Project, Space
from ..domain.errors import N_, FieldProblem, NotFound, ValidationError
from ..extensions import db
from .areas import find_area
from .catalogue import CityInfo
from .indexes import city_index
from .matching import project_needs
from .projects import project_views

AnyCity = City | CityInfo
# what a pairing counts as once an official said yes
APPROVED = ("approved", "active", "completed")
MEASURES = ("floor_per_1000", "open_projects", "without_candidate", "approved_pairings")
SORTS = ("name", "population", *MEASURES)


@dataclass(frozen=True)
class AreaFigures:
    id: int
    name: str
    name_en: str | None
    level: str
    parent_id: int | None
    population: int | None
    listed_spaces: int
    floor_m2: float
    floor_per_1000: float | None  # None where the population is not known
    open_projects: int
    without_candidate: int
    approved_pairings: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Overview:
    city: CityInfo
    level: str
    areas: list[AreaFigures]
    shapes: dict  # area id → shapely geometry (simplified for the map)
    totals: dict


def check_choice(name: str, value: str | None, allowed, default: str) -> str:
    """A query choice: the default when absent, a 400 naming the field when not allowed."""
    if value in (None, ""):
        return default
    if value not in allowed:
        raise ValidationError(FieldProblem.of(
            name, N_("must be one of %(choices)s"), choices=", ".join(allowed)))
    return value


def city_overview(city: CityInfo, level: str | None = None, sort: str | None = None,
                  descending: bool = True, lang: str = "en") -> Overview:
    """Figures for every area of ``level`` (default: the level above the finest); names
    sort as read in ``lang`` (local names for "ko", English names where known otherwise)."""
    default = city.levels[-2] if len(city.levels) > 1 else city.levels[-1]
    level = check_choice("level", level, city.levels, default)
    sort = check_choice("sort", sort, SORTS, "floor_per_1000")
    counted = _figures(city, level)
    figures, shapes, city_totals = counted.figures, counted.shapes, counted.totals
    rows = sorted(figures, key=lambda a: (a.name if lang == "ko" else a.name_en or a.name
                                          ).lower())
    if sort != "name":
        present = [a for a in rows if getattr(a, sort) is not None]
        absent = [a for a in rows if getattr(a, sort) is None]
        rows = sorted(present, key=lambda a: getattr(a, sort), reverse=descending) + absent
    elif descending:
        rows.reverse()
    # the whole city, each project once (one that chose two areas is a row in each)
    totals = {m: sum(getattr(a, m) for a in figures) for m in ("listed_spaces", "floor_m2")}
    totals.update(city_totals)
    people = sum(a.population or 0 for a in figures)
    totals["population"] = people
    totals["floor_per_1000"] = totals["floor_m2"] / people * 1000 if people else None
    return Overview(city, level, rows, shapes, totals)


def area_page(area_id: int, lang: str = "en") -> dict:
    """One area: its figures, the places listed in it, the projects working in it, its
    smaller areas (named and ordered as read in ``lang``) and the district whose plan
    covers it."""
    area = db.session.get(Area, area_id)
    if area is None:
        raise NotFound(N_("No area %(id)s."), id=area_id)
    city = area.city
    tree = _tree(city)
    counted = _figures(city, area.level, only=area.id, tree=tree)
    spaces = db.session.execute(
        select(Space.id, Space.title, Space.floor_area_m2, Space.capacity, Space.owner_kind,
               Space.location)
        .where(Space.status == "listed", Space.area_id.in_(_finest_under(tree, area.id)))
        .order_by(Space.title)).all()
    projects = [{"id": v.id, "title": v.title, "title_en": v.title_en, "activity": v.activity,
                 "no_candidate": v.id in counted.without}
                for v in project_views(counted.projects_here)]
    children = db.session.execute(
        select(Area.id, Area.name, Area.name_en).where(Area.parent_id == area.id)
        .order_by(Area.name if lang == "ko" else func.coalesce(Area.name_en, Area.name))).all()
    return {
        "area": {"id": area.id, "name": area.name, "name_en": area.name_en, "level": area.level,
                 "population": area.population},
        "city": {"slug": city.slug, "name": city.name, "name_en": city.name_en},
        "parent": ({"id": area.parent.id, "name": area.parent.name,
                    "name_en": area.parent.name_en} if area.parent else None),
        "figures": counted.figures[0].as_dict() if counted.figures else None,
        "spaces": [{"id": i, "title": t, "floor_area_m2": m2, "capacity": cap, "owner_kind": k,
                    "lon": to_shape(loc).x, "lat": to_shape(loc).y}
                   for i, t, m2, cap, k, loc in spaces],
        "projects": projects,
        "children": [{"id": i, "name": n, "name_en": e} for i, n, e in children],
        "district_id": _district_of_area(city, area, tree),
        "outline": to_shape(area.geom),
    }


# --- the counting --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tree:
    parent_of: dict[int, int | None]
    level_of: dict[int, str]


@dataclass(frozen=True)
class Counted:
    figures: list[AreaFigures]
    shapes: dict
    totals: dict
    projects_here: list[Project]  # open projects counted in the areas shown
    without: set[int]  # of those, the ones no room fits


def _tree(city: AnyCity) -> Tree:
    rows = db.session.execute(select(Area.id, Area.parent_id, Area.level)
                              .where(Area.city_id == city.id)).all()
    return Tree({i: p for i, p, _ in rows}, {i: lv for i, _, lv in rows})


def _up_to(area_id: int | None, level: str, tree: Tree) -> int | None:
    """The area of ``level`` that holds ``area_id`` (itself when it is of that level)."""
    while area_id is not None and tree.level_of.get(area_id) != level:
        area_id = tree.parent_of.get(area_id)
    return area_id


def _finest_under(tree: Tree, area_id: int) -> list[int]:
    """``area_id`` and every area inside it, at every level below."""
    children: dict[int, list[int]] = {}
    for i, parent in tree.parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(i)
    out, todo = [], [area_id]
    while todo:
        i = todo.pop()
        out.append(i)
        todo.extend(children.get(i, ()))
    return out


def _district_of_area(city: AnyCity, area: Area, tree: Tree) -> int | None:
    """The district whose plan covers ``area`` (None for a level above the districts)."""
    levels = tuple(city.levels or ())
    district_level = levels[-2] if len(levels) > 1 else levels[-1] if levels else None
    return _up_to(area.id, district_level, tree)


def _project_areas(project: Project, level: str, tree: Tree) -> set[int]:
    if project.preferred_location is not None:
        pt = to_shape(project.preferred_location)
        found = find_area(pt.x, pt.y)
        if found is None or found.city_id != project.city_id:
            return set()
        up = _up_to(found.id, level, tree)
        return {up} if up is not None else set()
    out = set()
    for chosen in project.preferred_area_ids or []:
        up = _up_to(chosen, level, tree)
        if up is not None:
            out.add(up)
    return out


def _open_projects(city: AnyCity) -> list[Project]:
    return list(db.session.scalars(select(Project).where(
        Project.city_id == city.id, Project.status == "open").order_by(Project.id)))


def _without_candidate(city: AnyCity, projects: list[Project]) -> set[int]:
    """Open projects for which the engine finds no room at all. The answers are kept with
    the index snapshot, per project as last edited: a view of the overview searches only
    for the projects changed, and all again once a place or a booking changes."""
    if not projects:
        return set()
    ci = city_index(city)
    out = set()
    for p in projects:
        key = (p.id, p.updated_at)
        found = ci.found_any.get(key)
        if found is None:
            found = ci.found_any[key] = bool(ci.index.search(project_needs(p, ci.crs), 1))
        if not found:
            out.add(p.id)
    return out


def _figures(city: AnyCity, level: str, only: int | None = None, tree: Tree | None = None
             ) -> Counted:
    """Per area of ``level`` (only area ``only``, if given), and the city's own totals of
    open projects, projects without a candidate and approved pairings."""
    tree = tree or _tree(city)
    stmt = select(Area.id, Area.name, Area.name_en, Area.parent_id, Area.population, Area.geom
                  ).where(Area.city_id == city.id, Area.level == level)
    if only is not None:
        stmt = stmt.where(Area.id == only)
    areas = db.session.execute(stmt).all()
    counts = {a[0]: {"spaces": 0, "m2": 0.0, "open": 0, "none": 0, "approved": 0}
              for a in areas}

    for finest, n, m2 in db.session.execute(
            select(Space.area_id, func.count(Space.id), func.sum(Space.floor_area_m2))
            .where(Space.city_id == city.id, Space.status == "listed")
            .group_by(Space.area_id)):
        up = _up_to(finest, level, tree)
        if up in counts:
            counts[up]["spaces"] += n
            counts[up]["m2"] += float(m2 or 0)

    projects = _open_projects(city)
    areas_of = {p.id: _project_areas(p, level, tree) & counts.keys() for p in projects}
    here = [p for p in projects if areas_of[p.id]]
    # an area's page needs only the projects working there searched for, not the city's
    without = _without_candidate(city, projects if only is None else here)
    for p in here:
        for up in areas_of[p.id]:
            counts[up]["open"] += 1
            counts[up]["none"] += p.id in without

    approved = 0
    for finest, n in db.session.execute(
            select(Space.area_id, func.count(Match.id)).join(Space, Space.id == Match.space_id)
            .where(Space.city_id == city.id, Match.status.in_(APPROVED))
            .group_by(Space.area_id)):
        approved += n
        up = _up_to(finest, level, tree)
        if up in counts:
            counts[up]["approved"] += n

    figures, shapes = [], {}
    for area_id, name, name_en, parent, people, geom in areas:
        c = counts[area_id]
        # ~30 m: outlines stay recognisable and the page stays light
        shapes[area_id] = shapely.simplify(to_shape(geom), 0.0003, preserve_topology=True)
        figures.append(AreaFigures(
            area_id, name, name_en, level, parent, people, c["spaces"], round(c["m2"], 1),
            round(c["m2"] / people * 1000, 1) if people else None, c["open"], c["none"],
            c["approved"]))
    totals = {"open_projects": len(projects), "approved_pairings": approved,
              "without_candidate": len(without) if only is None else None}
    return Counted(figures, shapes, totals, here, without)
