"""District plans: the best set of pairings of a city's open projects with rooms.

Pairing books rooms by half-hour slots (domain.pairing), so one building can host several
projects at one hour in different rooms, and one room several projects at different hours.
The plan reports, per place it uses, how many projects it hosts and what share of its weekly
room-hours they book.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from ..db.models import Area, City, Project
from ..domain.errors import N_, NotFound
from ..domain.occupancy import PlaceUse, place_use
from ..domain.pairing import Candidate, Plan, plan_pairings
from ..domain.vocabulary import Text
from ..extensions import db
from .areas import find_area
from .catalogue import CityInfo
from .indexes import city_index
from .matching import no_candidate_reason, project_needs, suggestion
from .projects import ProjectView, project_views

AnyCity = City | CityInfo
# Each project's candidates: its best k places, with up to this many rooms of each, so two
# projects can meet in one building at one hour.
ROOMS_PER_PLACE = 3
VULNERABLE = {"elders", "children", "people_with_disabilities", "migrants", "low_income"}


@dataclass(frozen=True)
class PlanView:
    """A plan ready to show: every pairing with its score, district and explanation.

    District names, unpaired projects' reasons and the plan's warnings are Texts (English,
    with the Korean): ``|l10n``.
    """

    plan: Plan
    projects: dict[int, ProjectView]
    pairings: list[dict]
    unmatched: list[dict]
    districts: dict[int, str]  # every district with an open project: id -> name
    district_id: int | None = None  # the one district planned, if only one
    places: list[dict] = ()  # per place the plan uses: projects hosted, share of room-hours


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
    names = {i: Text(en, local or en) for i, en, local in db.session.execute(
        select(Area.id, func.coalesce(Area.name_en, Area.name), Area.name)
        .where(Area.id.in_([d for d in home.values() if d]))).all()}
    if district_id is not None:
        projects = {i: p for i, p in projects.items() if home[i] == district_id}
    cands, slots, reasons, priority, needs_of = [], {}, {}, {}, {}
    for pid, project in projects.items():
        needs = needs_of[pid] = project_needs(project, ci.crs)
        slots[pid] = needs.slots
        hits = ci.index.search(needs, k, rooms_per_place=ROOMS_PER_PLACE)
        cands += [Candidate(pid, room, score) for h in hits for room, score in h.rooms]
        if not hits:
            reasons[pid] = no_candidate_reason(ci, needs)
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
    place_of = {c.space: _place_of(ci, c.space) for c in plan.pairings}
    in_place: dict[int, list[Candidate]] = {}
    for c in plan.pairings:
        in_place.setdefault(place_of[c.space], []).append(c)
    pairings = []
    for c in plan.pairings:
        s = suggestion(ci, c.space, needs_of[c.project])
        # other projects in the same building at overlapping hours (so in other rooms)
        together = [o.project for o in in_place[s.space_id]
                    if o.space != c.space and np.any(slots[o.project] & slots[c.project])]
        pairings.append({"project_id": c.project, "project": views[c.project].title,
                         "district": names.get(home[c.project]), "space_id": s.space_id,
                         "space": s.title, "room_id": c.space, "room": s.room_name,
                         "room_shown": s.shows_room,
                         "score": c.score, "explanation": s.explanation,
                         "shared_with": [p for p in plan.shared_spaces.get(c.space, [])
                                         if p != c.project],
                         "same_hours_in_building": together})
    unmatched = [{"project_id": p, "project": views[p].title,
                  "district": names.get(home[p]), "reason": r}
                 for p, r in sorted(plan.unmatched.items())]
    places = [_place_dict(ci, u, views) for u in _uses(ci, plan, slots, set(in_place))]
    return PlanView(plan, views, pairings, unmatched, dict(sorted(names.items())), district_id,
                    places)


def _place_of(ci, room: int) -> int:
    t, row = ci.index.lookup(room)
    return int(t.place[row])


def _uses(ci, plan: Plan, project_slots: dict, places: set[int]) -> list[PlaceUse]:
    """How the plan uses each place it books a room of."""
    room_place, room_slots = {}, {}
    for place in places:
        t, rows = ci.index.place_rows(place)
        for row in rows:
            room_place[int(t.id[row])] = place
            room_slots[int(t.id[row])] = t.slots[row]
    bookings = [(c.project, c.space) for c in plan.pairings]
    return place_use(bookings, project_slots, room_place, room_slots)


def _place_dict(ci, use: PlaceUse, views: dict[int, ProjectView]) -> dict:
    t, rows = ci.index.place_rows(use.place)
    return {"space_id": use.place, "space": t.title_of(int(rows[0])),
            "projects": [{"project_id": p, "project": views[p].title} for p in use.projects],
            "rooms_used": use.rooms_used, "rooms": use.rooms,
            "booked_half_hours": use.booked_half_hours, "free_half_hours": use.free_half_hours,
            "share_used": round(use.share_used, 4)}


def _require_district(city: AnyCity, district_id: int) -> None:
    """A plan for one district needs a district of this city (the level above the finest)."""
    level = city.levels[-2] if len(city.levels) > 1 else city.levels[-1]
    found = db.session.scalar(select(Area.id).where(
        Area.id == district_id, Area.city_id == city.id, Area.level == level))
    if found is None:
        raise NotFound(N_("No district %(id)s in %(city)s."), id=district_id,
                       city=Text(city.name_en or city.name, city.name or city.name_en))


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
