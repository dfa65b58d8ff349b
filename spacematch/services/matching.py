"""Matching as a service: a project's best places (by their best room), and why (not).

The per-city index snapshots live in ``services.indexes``; district plans in
``services.plans``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from ..db.models import Area, City, Project, Space
from ..domain.errors import N_, NotFound
from ..domain.explain import explain, why_not
from ..domain.geometry import transform_xy
from ..domain.rooms import WHOLE_SPACE, room_label
from ..domain.scoring import (
    CONSTRAINTS,
    FAIL_AREAS,
    Needs,
    evaluate,
    failed_constraints,
    needs_from_project,
)
from ..domain.spacetable import SpaceTable
from ..domain.vocabulary import SPACE_STATUS_KO, Text
from ..extensions import db
from .catalogue import CityInfo
from .indexes import CityIndex, city_index, state
from .projects import ProjectView, project_views

AnyCity = City | CityInfo  # what the functions below read of a city is on both

# the hard constraints' names in Korean, for "why nothing fits"
CONSTRAINT_KO = {"accessibility": "접근성", "floor_area": "면적", "capacity": "수용 인원",
                 "distance": "거리", "preferred_areas": "희망 지역", "dates": "기간",
                 "weekly_hours": "이용 시간", "cost": "비용", "allowed_use": "허용 용도",
                 "amenities": "편의 시설"}


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
        raise NotFound(N_("No project %(id)s."), id=project_id)
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
    shortfall: Text | None = None  # fewer than asked fit: what removes the others
    others: list[dict] = field(default_factory=list)  # listed places not suggested, nearby
    more: bool = False  # as many fit as were asked for: there may be more


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
                      float(lat[0]), [ln.as_dict() for ln in lines], room,
                      room_label(t.room_name_of(row)), rooms_fit)


def project_page(project_id: int, k: int = 10) -> ProjectPage:
    """The project, its best ``k`` spaces (or why none fits) and the place to frame; when
    fewer than ``k`` fit, which constraints remove the most of the others (``shortfall``);
    the other listed places on the map, to ask "why not this one?" of."""
    project = _project(project_id)
    view = project_views([project])[0]
    ci = city_index(project.city)
    needs = project_needs(project, ci.crs)
    suggestions = _suggestions(ci, needs, k)
    reason = None if suggestions else no_candidate_reason(ci, needs)
    shortfall = shortfall_reason(ci, needs, len(suggestions)) if 0 < len(suggestions) < k \
        else None
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
    others = other_places(ci, needs, {s.space_id for s in suggestions})
    return ProjectPage(view, suggestions, reason, centre, outlines, shortfall, others,
                       more=len(suggestions) == k)


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
            raise NotFound(N_("No space %(id)s."), id=space_id)
        reason = ("it is in another city" if space.city_id != project.city_id
                  else f"it is not listed (status: {space.status})")
        return {"space_id": space_id, "passes": False, "failed": ["listing"],
                "why_not": [{"criterion": "listing", "en": reason,
                             "ko": "다른 도시의 공간" if space.city_id != project.city_id
                             else "등록 상태가 아님 "
                             f"({SPACE_STATUS_KO.get(space.status, space.status)})"}]}
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
    return {"room_id": int(t.id[row]), "room_name": room_label(t.room_name_of(row))}


def no_candidate_reason(ci: CityIndex, needs: Needs) -> Text:
    """Which hard constraints remove the most rooms near the project."""
    where, total, ranked = _failures(ci, needs)
    top = ranked[:2]
    if not total:
        if needs.x is not None:
            return Text("no listed space near its location", "희망 위치 주변에 등록된 공간 없음")
        if needs.preferred_areas:
            return Text("no listed space in its areas", "희망 지역에 등록된 공간 없음")
        return Text("no listed space in the city", "이 도시에 등록된 공간 없음")
    parts = [f"{name.replace('_', ' ')} ({n} of {total} {where})" for name, n in top if n]
    parts_ko = [f"{CONSTRAINT_KO.get(name, name)} ({where.ko} {total}개 중 {n}개)"
                for name, n in top if n]
    return Text("no space passes its hard constraints; most often failed: " + ", ".join(parts),
                "필수 조건을 모두 충족하는 공간 없음; 가장 많이 충족하지 못한 조건: "
                + ", ".join(parts_ko))


def shortfall_reason(ci: CityIndex, needs: Needs, found: int) -> Text | None:
    """Why only ``found`` places fit: the constraints the other rooms nearby fail most
    ("23 of 140 rooms nearby are too small")."""
    where, total, ranked = _failures(ci, needs)
    # rooms are looked at up to twice the distance allowed: that they are far says nothing
    parts = [(name, n) for name, n in ranked if n and name != "distance"][:2]
    if not parts:
        return None
    en = "; ".join(f"{n} of {total} {where} fail on {name.replace('_', ' ')}"
                   for name, n in parts)
    ko = "; ".join(f"{where.ko} {total}개 중 {n}개는 {CONSTRAINT_KO.get(name, name)} 조건 미충족"
                   for name, n in parts)
    lead = "only 1 place meets" if found == 1 else f"only {found} places meet"
    return Text(f"{lead} every requirement: {en}",
                f"모든 조건을 충족하는 공간은 {found}곳뿐입니다: {ko}")


def _failures(ci: CityIndex, needs: Needs) -> tuple[Text, int, list[tuple[str, int]]]:
    """The rooms considered (near the project, or in its areas), how many, and every
    constraint with how many of them fail it, most failed first.

    Every live room of the snapshot counts: the main table's and the delta's, so a room
    listed a moment ago counts like any other. Each table is read as it is (no copy).
    """
    index = ci.index
    sources = [(index.table, np.flatnonzero(index.live))]
    if index.delta is not None and len(index.delta):
        sources.append((index.delta, np.arange(len(index.delta))))
    where, total = Text("listed rooms", "등록된 방"), 0
    counts = dict.fromkeys(CONSTRAINTS.values(), 0)
    for t, rows in sources:
        if needs.x is not None:
            near = np.hypot(t.x[rows] - needs.x, t.y[rows] - needs.y) <= \
                (needs.max_distance_m or 3000) * 2
            rows, where = rows[near], Text("rooms nearby", "주변 방")
        elif needs.preferred_areas:
            ev = evaluate(t, rows, needs, ci.areas)
            rows, where = rows[(ev.failed & FAIL_AREAS) == 0], Text("rooms in its areas",
                                                                    "희망 지역의 방")
        if not len(rows):
            continue
        ev = evaluate(t, rows, needs, ci.areas)
        total += len(rows)
        for bit, name in CONSTRAINTS.items():
            counts[name] += int(np.count_nonzero(ev.failed & bit))
    return where, total, sorted(counts.items(), key=lambda kv: -kv[1])


def other_places(ci: CityIndex, needs: Needs, suggested: set[int], limit: int = 400
                 ) -> list[dict]:
    """Listed places near the project that were not suggested, nearest first (at most
    ``limit``), for the map: each can be asked "why not this one?"."""
    if needs.x is None:
        return []
    reach = (needs.max_distance_m or 3000) * 1.5
    found: dict[int, tuple[float, float, float, str]] = {}
    index = ci.index
    sources = [(index.table, np.flatnonzero(index.live))]
    if index.delta is not None and len(index.delta):
        sources.append((index.delta, np.arange(len(index.delta))))
    for t, rows in sources:
        d = np.hypot(t.x[rows] - needs.x, t.y[rows] - needs.y)
        for r, dist in zip(rows[d <= reach], d[d <= reach], strict=True):
            place = int(t.place[r])
            if place not in suggested and (place not in found or dist < found[place][0]):
                found[place] = (float(dist), float(t.x[r]), float(t.y[r]), t.title_of(int(r)))
    nearest = sorted(found.items(), key=lambda kv: (kv[1][0], kv[0]))[:limit]
    if not nearest:
        return []
    lon, lat = transform_xy([v[1] for _, v in nearest], [v[2] for _, v in nearest], ci.crs,
                            "EPSG:4326")
    return [{"space_id": place, "title": v[3], "lat": float(la), "lon": float(lo)}
            for (place, v), lo, la in zip(nearest, lon, lat, strict=True)]


# -- maps ------------------------------------------------------------------------------------
def _outlines(city: AnyCity) -> AreaOutlines:
    cache = state()
    with cache["lock"]:
        found = cache["outlines"].get(city.id)
        if found is None:
            rows = db.session.execute(
                select(Area.geom, func.coalesce(Area.name_en, Area.name), Area.name)
                .where(Area.city_id == city.id, Area.level == city.levels[-1])
                .order_by(Area.id)).all()
            shapes = [shapely.simplify(to_shape(g), 0.00005) for g, _, _ in rows]
            found = AreaOutlines([Text(n, local or n) for _, n, local in rows], shapes,
                                 shapely.STRtree(shapes))
            cache["outlines"][city.id] = found
        return found


def outlines_near(city: AnyCity, lon: float, lat: float, radius_m: float) -> list[dict]:
    """Names and outlines of the finest areas within ``radius_m`` of a point (map context)."""
    outlines = _outlines(city)
    deg = radius_m / 111_000
    box = shapely.box(lon - deg * 1.3, lat - deg, lon + deg * 1.3, lat + deg)
    return [{"name": outlines.names[i], "geometry": outlines.shapes[i]}
            for i in sorted(outlines.tree.query(box, predicate="intersects"))]


def nearest_stops(city: AnyCity, lon: float, lat: float) -> list[dict]:
    """The nearest subway station and the nearest bus stop to a point (where the city has
    them), each with its name, place and straight-line distance in metres."""
    ci = city_index(city)
    (x,), (y,) = transform_xy([lon], [lat], "EPSG:4326", ci.crs)
    out = []
    for kind in ("subway", "bus"):
        stops = ci.stops.get(kind) or []
        if not stops:
            continue
        sx, sy = transform_xy([s["lon"] for s in stops], [s["lat"] for s in stops],
                              "EPSG:4326", ci.crs)
        gaps = np.hypot(np.asarray(sx) - x, np.asarray(sy) - y)
        i = int(np.argmin(gaps))
        out.append({**stops[i], "kind": kind, "distance_m": round(float(gaps[i]))})
    return out


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
