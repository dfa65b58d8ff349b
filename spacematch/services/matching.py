"""Matching as a service: the in-memory index per city, kept in step with the database.

Each app process keeps one ``CityIndex`` per city: an immutable snapshot of the index as of
one catalogue version. Before answering, a request reads the catalogue version (one
primary-key lookup); if another process (or this one) changed spaces since, it loads just the
spaces stamped with a newer ``row_version`` into a new snapshot — listed ones replace their
old rows, others are dropped — compacting when the delta grows, and replaces the cached one
whole. A request takes one snapshot at its start and uses only that one to the end, so a
change that lands meanwhile never shows it a space half there.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from flask import current_app
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from ..db.models import Area, City, Project, Space, TransitStop
from ..domain.errors import NotFound
from ..domain.explain import explain, why_not
from ..domain.geometry import transform_xy
from ..domain.hosting import could_host as hosting_for
from ..domain.index import SpaceIndex
from ..domain.pairing import Candidate, Plan, plan_pairings
from ..domain.scoring import (
    CONSTRAINTS,
    FAIL_AREAS,
    Needs,
    evaluate,
    failed_constraints,
    needs_from_project,
)
from ..domain.spacetable import AreaTable, SpaceTable
from ..extensions import db
from . import versioning
from .areas import find_area
from .catalogue import CityInfo
from .projects import ProjectView, project_views

EXTENSION_KEY = "spacematch.indexes"
COMPACT_SHARE = 0.05
SPACE_FIELDS = ("id", "title", "area_id", "floor_area_m2", "capacity", "floor_level",
                "accessibility", "amenities", "allowed_uses", "available_from", "available_to",
                "weekly_hours", "cost_kind", "cost_amount", "currency", "status")

AnyCity = City | CityInfo  # what the functions below read of a city is on both


@dataclass(frozen=True)
class CityIndex:
    """One city's spaces as of catalogue ``version``: never changed, only replaced whole."""

    city_id: int
    crs: str
    version: int
    index: SpaceIndex
    areas: AreaTable
    stops: dict[str, list[dict]]


@dataclass(frozen=True)
class AreaOutlines:
    """Lon/lat outlines of a city's finest areas, for map context (they never change)."""

    names: list[str]
    shapes: list
    tree: shapely.STRtree


def _state() -> dict:
    return current_app.extensions.setdefault(
        EXTENSION_KEY, {"cities": {}, "outlines": {}, "lock": threading.Lock()})


def _space_rows(city_id: int, since: int | None = None) -> list[dict]:
    cols = [getattr(Space, f) for f in SPACE_FIELDS]
    stmt = select(*cols, func.ST_X(Space.location), func.ST_Y(Space.location)).where(
        Space.city_id == city_id)
    if since is None:
        stmt = stmt.where(Space.status == "listed")
    else:
        stmt = stmt.where(Space.row_version > since)
    out = []
    for row in db.session.execute(stmt.order_by(Space.id)):
        rec = dict(zip(SPACE_FIELDS, row[:-2], strict=True))
        rec["lon"], rec["lat"] = row[-2], row[-1]
        out.append(rec)
    return out


def _areas(city: AnyCity) -> AreaTable:
    level = city.levels[-1]
    rows = db.session.execute(
        select(Area.id, Area.parent_id, Area.name, Area.name_en, Area.population,
               Area.population_65plus, Area.population_under15)
        .where(Area.city_id == city.id, Area.level == level).order_by(Area.id)).all()
    # every level, so a project may prefer a district (or a CSA and the NSAs inside it)
    parent_of = dict(db.session.execute(
        select(Area.id, Area.parent_id).where(Area.city_id == city.id)).all())
    return AreaTable.from_records([r._asdict() for r in rows], parent_of=parent_of)


def _stops(city: AnyCity) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    rows = db.session.execute(
        select(TransitStop.kind, TransitStop.name, func.ST_X(TransitStop.geom),
               func.ST_Y(TransitStop.geom)).where(TransitStop.city_id == city.id)
        .order_by(TransitStop.kind, TransitStop.id))
    for kind, name, lon, lat in rows:
        out.setdefault(kind, []).append({"name": name, "lon": lon, "lat": lat})
    return out


def _table(records, ci_crs, areas, stops) -> SpaceTable:
    return SpaceTable.from_records(records, ci_crs, areas.ids, stops)


def city_index(city: AnyCity) -> CityIndex:
    """This process's snapshot of ``city``'s index, brought up to date with the database.

    Keep the snapshot for the whole request: calling again may give a newer one.
    """
    state = _state()
    with state["lock"]:
        version = versioning.current()
        ci = state["cities"].get(city.id)
        if ci is None:
            areas, stops = _areas(city), _stops(city)
            table = _table(_space_rows(city.id), city.metric_crs, areas, stops)
            ci = CityIndex(city.id, city.metric_crs, version, SpaceIndex(table, areas), areas,
                           stops)
        elif ci.version < version:
            changed = _space_rows(city.id, since=ci.version)
            listed = [r for r in changed if r["status"] == "listed"]
            gone = [r["id"] for r in changed if r["status"] != "listed"]
            upserts = _table(listed, ci.crs, ci.areas, ci.stops) if listed else None
            index = ci.index.with_changes(upserts, gone)  # copy-on-write: ci keeps its own
            delta = len(index.delta) if index.delta is not None else 0
            if delta > COMPACT_SHARE * max(len(index), 1):
                index = index.compacted()
            ci = CityIndex(ci.city_id, ci.crs, version, index, ci.areas, ci.stops)
        state["cities"][city.id] = ci
        return ci


# -- projects ------------------------------------------------------------------------------
def _project(project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound(f"No project {project_id}.")
    return project


def project_needs(project: Project, crs: str) -> Needs:
    data = {c: getattr(project, c) for c in (
        "activity", "participants", "area_min_m2", "area_max_m2", "required_accessibility",
        "required_amenities", "max_distance_m", "preferred_area_ids", "starts_on", "ends_on",
        "weekly_hours", "budget_kind", "budget_amount", "currency", "beneficiaries",
        "weights")}
    xy = None
    if project.preferred_location is not None:
        pt = to_shape(project.preferred_location)
        xs, ys = transform_xy([pt.x], [pt.y], "EPSG:4326", crs)
        xy = (float(xs[0]), float(ys[0]))
    return needs_from_project(data, xy)


@dataclass(frozen=True)
class Suggestion:
    space_id: int
    title: str
    score: float
    lon: float
    lat: float
    explanation: list[dict]


@dataclass(frozen=True)
class ProjectPage:
    """Everything a project's page shows, from one index snapshot."""

    project: ProjectView
    suggestions: list[Suggestion]
    reason: str | None  # why nothing fits, when nothing does
    centre: tuple[float, float] | None  # (lat, lon) the map frames: its place or its areas
    outlines: list[dict]  # names and outlines of the areas around it


def suggest_spaces(project_id: int, k: int = 20) -> tuple[ProjectView, list[Suggestion]]:
    """The project's best ``k`` spaces, each with its explanation."""
    project = _project(project_id)
    ci = city_index(project.city)
    return project_views([project])[0], _suggestions(ci, project_needs(project, ci.crs), k)


def _suggestions(ci: CityIndex, needs: Needs, k: int) -> list[Suggestion]:
    return [_suggestion(ci, hit.space_id, needs) for hit in ci.index.search(needs, k)]


def _suggestion(ci: CityIndex, space_id: int, needs: Needs) -> Suggestion:
    t, row = ci.index.lookup(space_id)
    ev = ci.index.evaluate_one(space_id, needs)
    lines = explain(t, ev, 0, needs, ci.areas)
    lon, lat = transform_xy([t.x[row]], [t.y[row]], ci.crs, "EPSG:4326")
    return Suggestion(space_id, t.titles[row] if t.titles else "", float(ev.total[0]),
                      float(lon[0]), float(lat[0]), [ln.as_dict() for ln in lines])


def project_page(project_id: int, k: int = 10) -> ProjectPage:
    """The project, its best ``k`` spaces (or why none fits) and the place to frame."""
    project = _project(project_id)
    view = project_views([project])[0]
    ci = city_index(project.city)
    needs = project_needs(project, ci.crs)
    suggestions = _suggestions(ci, needs, k)
    reason = None if suggestions else _no_candidate_reason(ci, needs, ci.index.live_table())
    centre, outlines = view.point, []
    if not centre and not suggestions:  # frame the areas the group asked for, or the city
        centre = _area_centre(project)
    if centre:
        outlines = outlines_near(project.city, centre[1], centre[0],
                                 (project.max_distance_m or 2000) * 1.5)
    elif suggestions:  # no location: frame the suggestions themselves
        lat = sum(s.lat for s in suggestions) / len(suggestions)
        lon = sum(s.lon for s in suggestions) / len(suggestions)
        reach = max(((s.lat - lat) ** 2 + (s.lon - lon) ** 2) ** 0.5 for s in suggestions)
        outlines = outlines_near(project.city, lon, lat, reach * 111_000 + 500)
    return ProjectPage(view, suggestions, reason, centre, outlines)


def explain_pair(project_id: int, space_id: int) -> dict:
    """Score and explanation of one space for one project, or why it was removed."""
    project = _project(project_id)
    ci = city_index(project.city)
    needs = project_needs(project, ci.crs)
    ev = ci.index.evaluate_one(space_id, needs)
    if ev is None:
        space = db.session.get(Space, space_id)
        if space is None:
            raise NotFound(f"No space {space_id}.")
        reason = ("it is in another city" if space.city_id != project.city_id
                  else f"it is not listed (status: {space.status})")
        return {"space_id": space_id, "passes": False, "failed": ["listing"],
                "why_not": [{"criterion": "listing", "en": reason,
                             "ko": "다른 도시의 공간" if space.city_id != project.city_id
                             else f"등록 상태가 아님 ({space.status})"}]}
    t, _ = ci.index.lookup(space_id)
    if ev.failed[0]:
        return {"space_id": space_id, "passes": False,
                "failed": failed_constraints(int(ev.failed[0])),
                "why_not": [ln.as_dict() for ln in why_not(t, ev, 0, needs, ci.areas)]}
    return {"space_id": space_id, "passes": True, "score": float(ev.total[0]),
            "explanation": [ln.as_dict() for ln in explain(t, ev, 0, needs, ci.areas)]}


def could_host(space_id: int) -> list[dict]:
    space = db.session.get(Space, space_id)
    if space is None:
        raise NotFound(f"No space {space_id}.")
    data = {c: getattr(space, c) for c in ("floor_area_m2", "capacity", "floor_level",
                                            "accessibility", "amenities", "allowed_uses")}
    return [f.__dict__ for f in hosting_for(data, include_misfits=True)]


# -- district plans ------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanView:
    """A plan ready to show: every pairing with its score, district and explanation."""

    plan: Plan
    projects: dict[int, ProjectView]
    pairings: list[dict]
    unmatched: list[dict]
    districts: dict[int, str]  # every district with an open project: id -> name
    district_id: int | None = None  # the one district planned, if only one


def plan_city(city: AnyCity, district_id: int | None = None, k: int = 20,
              vulnerable_priority: float | None = None,
              min_share: float | None = None) -> PlanView:
    """Pairings for the open projects of a city (or of one district of it).

    ``vulnerable_priority`` multiplies the scores of projects serving elders, children,
    people with disabilities, migrants or low-income households; ``min_share`` asks that at
    least that share of each district's projects (those with any candidate) be paired.
    """
    if district_id is not None:
        _require_district(city, district_id)
    ci = city_index(city)
    stmt = select(Project).where(Project.city_id == city.id, Project.status == "open")
    projects = {p.id: p for p in db.session.scalars(stmt.order_by(Project.id))}
    districts, parent_of = _district_tree(city)
    home = {pid: _district_of(p, city, districts, parent_of) for pid, p in projects.items()}
    names = dict(db.session.execute(select(Area.id, func.coalesce(Area.name_en, Area.name))
                                    .where(Area.id.in_([d for d in home.values() if d]))).all())
    if district_id is not None:
        projects = {i: p for i, p in projects.items() if home[i] == district_id}
    live = _once(ci.index.live_table)
    cands, slots, reasons, priority, needs_of = [], {}, {}, {}, {}
    for pid, project in projects.items():
        needs = needs_of[pid] = project_needs(project, ci.crs)
        slots[pid] = needs.slots
        hits = ci.index.search(needs, k)
        cands += [Candidate(pid, h.space_id, h.score) for h in hits]
        if not hits:
            reasons[pid] = _no_candidate_reason(ci, needs, live())
        if vulnerable_priority and set(project.beneficiaries or []) & VULNERABLE:
            priority[pid] = vulnerable_priority
    # Projects with no district belong to no group, so the share rule does not bind them.
    group = {pid: str(home[pid]) for pid in projects if home[pid] is not None}
    plan = plan_pairings(cands, slots, list(projects), priority=priority or None,
                         min_share={g: min_share for g in set(group.values())}
                         if min_share else None, group_of=group,
                         group_names={str(d): n for d, n in names.items()},
                         no_candidate_reason=reasons)
    views = dict(zip(projects, project_views(list(projects.values())), strict=True))
    pairings = []
    for c in plan.pairings:
        s = _suggestion(ci, c.space, needs_of[c.project])
        pairings.append({"project_id": c.project, "project": views[c.project].title,
                         "district": names.get(home[c.project]), "space_id": c.space,
                         "space": s.title, "score": c.score, "explanation": s.explanation,
                         "shared_with": [p for p in plan.shared_spaces.get(c.space, [])
                                         if p != c.project]})
    unmatched = [{"project_id": p, "project": views[p].title,
                  "district": names.get(home[p]), "reason": r}
                 for p, r in sorted(plan.unmatched.items())]
    return PlanView(plan, views, pairings, unmatched, dict(sorted(names.items())), district_id)


def _require_district(city: AnyCity, district_id: int) -> None:
    """A plan for one district needs a district of this city (the level above the finest)."""
    level = city.levels[-2] if len(city.levels) > 1 else city.levels[-1]
    found = db.session.scalar(select(Area.id).where(
        Area.id == district_id, Area.city_id == city.id, Area.level == level))
    if found is None:
        raise NotFound(f"No district {district_id} in {city.name_en or city.name}.")


def _once(make: Callable[[], SpaceTable]) -> Callable[[], SpaceTable]:
    """``make`` called at most once, and only if needed."""
    made: list[SpaceTable] = []

    def get() -> SpaceTable:
        if not made:
            made.append(make())
        return made[0]

    return get


def _district_tree(city: AnyCity) -> tuple[set[int], dict[int, int | None]]:
    """The city's districts (the level above the finest) and every area's parent."""
    level = city.levels[-2] if len(city.levels) > 1 else city.levels[-1]
    rows = db.session.execute(select(Area.id, Area.parent_id, Area.level)
                              .where(Area.city_id == city.id)).all()
    return {i for i, _, lv in rows if lv == level}, {i: parent for i, parent, _ in rows}


def _district_of(project: Project, city: AnyCity, districts: set[int],
                 parent_of: dict[int, int | None]) -> int | None:
    """The district a project works in: that of its location, else of its first area.

    An area chosen above the district level (a whole city) is in no one district: None.
    """
    start = None
    if project.preferred_location is not None:
        pt = to_shape(project.preferred_location)
        area = find_area(pt.x, pt.y)
        if area is not None and area.city_id == city.id:
            start = area.id
    elif project.preferred_area_ids:
        start = project.preferred_area_ids[0]
    while start is not None and start not in districts:
        start = parent_of.get(start)
    return start


VULNERABLE = {"elders", "children", "people_with_disabilities", "migrants", "low_income"}


def _no_candidate_reason(ci: CityIndex, needs: Needs, t: SpaceTable) -> str:
    """Which hard constraints remove the most spaces near the project.

    ``t`` is every live space of the snapshot (``ci.index.live_table()``): the main table
    and the delta, so a space listed a moment ago counts like any other.
    """
    rows = np.arange(len(t))
    where = "listed spaces"
    if needs.x is not None:
        near = np.hypot(t.x - needs.x, t.y - needs.y) <= (needs.max_distance_m or 3000) * 2
        rows, where = rows[near], "spaces nearby"
    elif needs.preferred_areas:
        ev = evaluate(t, rows, needs, ci.areas)
        rows, where = rows[(ev.failed & FAIL_AREAS) == 0], "spaces in its areas"
    if not len(rows):
        return {"spaces nearby": "no listed space near its location",
                "spaces in its areas": "no listed space in its areas"}.get(
                    where, "no listed space in the city")
    ev = evaluate(t, rows, needs, ci.areas)
    counts = {name: int(np.count_nonzero(ev.failed & bit)) for bit, name in CONSTRAINTS.items()}
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:2]
    parts = [f"{name.replace('_', ' ')} ({n} of {len(rows)} {where})" for name, n in top if n]
    return "no space passes its hard constraints; most often failed: " + ", ".join(parts)


# -- maps ------------------------------------------------------------------------------------
def _outlines(city: AnyCity) -> AreaOutlines:
    state = _state()
    with state["lock"]:
        found = state["outlines"].get(city.id)
        if found is None:
            rows = db.session.execute(
                select(Area.geom, func.coalesce(Area.name_en, Area.name))
                .where(Area.city_id == city.id, Area.level == city.levels[-1])
                .order_by(Area.id)).all()
            shapes = [shapely.simplify(to_shape(g), 0.00005) for g, _ in rows]
            found = AreaOutlines([n for _, n in rows], shapes, shapely.STRtree(shapes))
            state["outlines"][city.id] = found
        return found


def outlines_near(city: AnyCity, lon: float, lat: float, radius_m: float) -> list[dict]:
    """Names and outlines of the finest areas within ``radius_m`` of a point (map context)."""
    outlines = _outlines(city)
    deg = radius_m / 111_000
    box = shapely.box(lon - deg * 1.3, lat - deg, lon + deg * 1.3, lat + deg)
    return [{"name": outlines.names[i], "geometry": outlines.shapes[i]}
            for i in sorted(outlines.tree.query(box, predicate="intersects"))]


def _area_centre(project: Project) -> tuple[float, float]:
    """(lat, lon) to centre a map on: the project's chosen areas, else its city."""
    ids = project.preferred_area_ids or []
    if ids:
        rows = db.session.execute(select(func.ST_X(func.ST_Centroid(Area.geom)),
                                         func.ST_Y(func.ST_Centroid(Area.geom)))
                                  .where(Area.id.in_(ids))).all()
        if rows:
            return (sum(r[1] for r in rows) / len(rows), sum(r[0] for r in rows) / len(rows))
    return (project.city.centre_lat, project.city.centre_lon)
