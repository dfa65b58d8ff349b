"""Matching as a service: a project's best places (by their best room), and why (not).

The per-city index snapshots live in ``services.indexes``; district plans in
``services.plans``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from ..db.models import Area, City, Project, Space
from ..domain.errors import NotFound
from ..domain.explain import explain, why_not
from ..domain.geometry import transform_xy
from ..domain.rooms import WHOLE_SPACE
from ..domain.scoring import (
    CONSTRAINTS,
    FAIL_AREAS,
    Needs,
    evaluate,
    failed_constraints,
    needs_from_project,
)
from ..domain.spacetable import SpaceTable
from ..extensions import db
from .catalogue import CityInfo
from .indexes import CityIndex, city_index, state
from .projects import ProjectView, project_views

AnyCity = City | CityInfo  # what the functions below read of a city is on both


@dataclass(frozen=True)
class AreaOutlines:
    """Lon/lat outlines of a city's finest areas, for map context (they never change)."""

    names: list[str]
    shapes: list
    tree: shapely.STRtree


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
    """A place suggested through its best room."""

    space_id: int  # the place
    title: str
    score: float
    lon: float
    lat: float
    explanation: list[dict]
    room_id: int  # the room's key: a room id, or a division's (negative) key
    room_name: str
    rooms_fit: int = 1  # how many of the place's rooms pass every hard constraint

    @property
    def more_rooms_fit(self) -> int:
        return self.rooms_fit - 1

    @property
    def shows_room(self) -> bool:
        """Worth naming: a room of several, not a place's one automatic whole-space room."""
        return bool(self.room_name) and (self.room_name != WHOLE_SPACE or self.rooms_fit > 1)


@dataclass(frozen=True)
class ProjectPage:
    """Everything a project's page shows, from one index snapshot."""

    project: ProjectView
    suggestions: list[Suggestion]
    reason: str | None  # why nothing fits, when nothing does
    centre: tuple[float, float] | None  # (lat, lon) the map frames: its place or its areas
    outlines: list[dict]  # names and outlines of the areas around it


def project_view(project_id: int) -> ProjectView:
    return project_views([_project(project_id)])[0]


def suggest_spaces(project_id: int, k: int = 20) -> tuple[ProjectView, list[Suggestion]]:
    """The project's best ``k`` spaces, each with its explanation."""
    project = _project(project_id)
    ci = city_index(project.city)
    return project_views([project])[0], _suggestions(ci, project_needs(project, ci.crs), k)


def _suggestions(ci: CityIndex, needs: Needs, k: int) -> list[Suggestion]:
    return [suggestion(ci, hit.room, needs, hit.rooms_fit)
            for hit in ci.index.search(needs, k)]


def suggestion(ci: CityIndex, room: int, needs: Needs, rooms_fit: int = 1) -> Suggestion:
    """Room ``room`` (a key of the snapshot) for ``needs``, explained."""
    t, row = ci.index.lookup(room)
    ev = ci.index.evaluate_one(room, needs)
    lines = explain(t, ev, 0, needs, ci.areas)
    lon, lat = transform_xy([t.x[row]], [t.y[row]], ci.crs, "EPSG:4326")
    return Suggestion(int(t.place[row]), t.title_of(row), float(ev.total[0]), float(lon[0]),
                      float(lat[0]), [ln.as_dict() for ln in lines], room, t.room_name_of(row),
                      rooms_fit)


def project_page(project_id: int, k: int = 10) -> ProjectPage:
    """The project, its best ``k`` spaces (or why none fits) and the place to frame."""
    project = _project(project_id)
    view = project_views([project])[0]
    ci = city_index(project.city)
    needs = project_needs(project, ci.crs)
    suggestions = _suggestions(ci, needs, k)
    reason = None if suggestions else no_candidate_reason(ci, needs)
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
    """Score and explanation of one place for one project through its best room, or why
    none of its rooms passes (shown for the room that fails the fewest constraints)."""
    project = _project(project_id)
    ci = city_index(project.city)
    needs = project_needs(project, ci.crs)
    found = ci.index.evaluate_place(space_id, needs)
    if found is None:
        space = db.session.get(Space, space_id)
        if space is None:
            raise NotFound(f"No space {space_id}.")
        reason = ("it is in another city" if space.city_id != project.city_id
                  else f"it is not listed (status: {space.status})")
        return {"space_id": space_id, "passes": False, "failed": ["listing"],
                "why_not": [{"criterion": "listing", "en": reason,
                             "ko": "다른 도시의 공간" if space.city_id != project.city_id
                             else f"등록 상태가 아님 ({space.status})"}]}
    t, ev = found
    keys = t.id[ev.rows]
    passing = np.flatnonzero(ev.failed == 0)
    room = {"rooms": len(keys), "rooms_fit": len(passing)}
    if not len(passing):
        # the nearest miss: fewest failed constraints, then the first room
        misses = np.bitwise_count(ev.failed)
        pos = int(np.lexsort((keys, misses))[0])
        return {"space_id": space_id, "passes": False, **room, **_room_of(t, ev, pos),
                "failed": failed_constraints(int(ev.failed[pos])),
                "why_not": [ln.as_dict() for ln in why_not(t, ev, pos, needs, ci.areas)]}
    pos = int(passing[np.lexsort((keys[passing], -ev.total[passing]))[0]])
    return {"space_id": space_id, "passes": True, **room, **_room_of(t, ev, pos),
            "score": float(ev.total[pos]),
            "explanation": [ln.as_dict() for ln in explain(t, ev, pos, needs, ci.areas)]}


def _room_of(t: SpaceTable, ev, pos: int) -> dict:
    row = int(ev.rows[pos])
    return {"room_id": int(t.id[row]), "room_name": t.room_name_of(row)}


def no_candidate_reason(ci: CityIndex, needs: Needs) -> str:
    """Which hard constraints remove the most rooms near the project.

    Every live room of the snapshot counts: the main table's and the delta's, so a room
    listed a moment ago counts like any other. Each table is read as it is (no copy).
    """
    index = ci.index
    sources = [(index.table, np.flatnonzero(index.live))]
    if index.delta is not None and len(index.delta):
        sources.append((index.delta, np.arange(len(index.delta))))
    where, total = "listed rooms", 0
    counts = dict.fromkeys(CONSTRAINTS.values(), 0)
    for t, rows in sources:
        if needs.x is not None:
            near = np.hypot(t.x[rows] - needs.x, t.y[rows] - needs.y) <= \
                (needs.max_distance_m or 3000) * 2
            rows, where = rows[near], "rooms nearby"
        elif needs.preferred_areas:
            ev = evaluate(t, rows, needs, ci.areas)
            rows, where = rows[(ev.failed & FAIL_AREAS) == 0], "rooms in its areas"
        if not len(rows):
            continue
        ev = evaluate(t, rows, needs, ci.areas)
        total += len(rows)
        for bit, name in CONSTRAINTS.items():
            counts[name] += int(np.count_nonzero(ev.failed & bit))
    if not total:
        if needs.x is not None:
            return "no listed space near its location"
        if needs.preferred_areas:
            return "no listed space in its areas"
        return "no listed space in the city"
    top = sorted(counts.items(), key=lambda kv: -kv[1])[:2]
    parts = [f"{name.replace('_', ' ')} ({n} of {total} {where})" for name, n in top if n]
    return "no space passes its hard constraints; most often failed: " + ", ".join(parts)


# -- maps ------------------------------------------------------------------------------------
def _outlines(city: AnyCity) -> AreaOutlines:
    cache = state()
    with cache["lock"]:
        found = cache["outlines"].get(city.id)
        if found is None:
            rows = db.session.execute(
                select(Area.geom, func.coalesce(Area.name_en, Area.name))
                .where(Area.city_id == city.id, Area.level == city.levels[-1])
                .order_by(Area.id)).all()
            shapes = [shapely.simplify(to_shape(g), 0.00005) for g, _ in rows]
            found = AreaOutlines([n for _, n in rows], shapes, shapely.STRtree(shapes))
            cache["outlines"][city.id] = found
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
