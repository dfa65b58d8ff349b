"""Text that would run as script if a page wrote it into HTML or JavaScript unescaped.

The space's title also closes a JavaScript template literal and opens a ``${...}``
substitution; the area names close the page's ``<script>`` element.
"""

from __future__ import annotations

from dataclasses import dataclass

from geoalchemy2.shape import to_shape

from spacematch.db.models import Area
from spacematch.extensions import db
from spacematch.services import catalogue, matching
from spacematch.services.projects import create_project
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

PAYLOAD = "<img src=x onerror=alert(1)>"
TITLE = PAYLOAD + " `${alert(2)}`"
AREA_NAME = "</script><img src=x onerror=alert(3)>"
# A corner of Sajik-dong, Seoul, about 270 m from the nearest demo space, so a click on its
# marker meets only this space.
LON, LAT = 126.9727, 37.5724


@dataclass(frozen=True)
class Hostile:
    space_id: int
    project_id: int
    rank: int  # the space's place among the project's suggestions
    area: object  # the space's area (renamed), lon/lat shapely geometry
    district: object  # the area's parent (renamed)


def store_hostile_text(app) -> Hostile:
    """A listed space and an open project titled with script, next to each other, in an area
    and a district whose imported names are script too."""
    with app.app_context():
        owner = create_user(email="owner@example.org", password="a long passphrase",
                            role="owner", display_name="Owner", system=True)
        group = create_user(email="group@example.org", password="a long passphrase",
                            role="group", display_name="Group", system=True)
        space = create_space(owner, {
            "title": TITLE, "description": PAYLOAD, "owner_kind": "public", "lon": LON,
            "lat": LAT, "floor_area_m2": 60, "capacity": 30, "status": "listed",
            "amenities": ["heating_cooling", "toilets"], "weekly_hours": "sat 10:00-18:00",
            "cost_kind": "free"})
        project = create_project(group, "seoul", {
            "title": TITLE, "activity": "meeting_workshop", "participants": 12, "lon": LON,
            "lat": LAT, "max_distance_m": 300, "weekly_hours": "sat 10:00-12:00",
            "status": "open"})
        area = db.session.get(Area, space.area_id)
        district = area.parent
        for a in (area, district):
            a.name = a.name_en = AREA_NAME
        db.session.commit()
        _, suggestions = matching.suggest_spaces(project.id, k=10)
        ranked = [s.space_id for s in suggestions]
        assert space.id in ranked, "the project should be offered the space next door"
        others = [p for p in catalogue.listed_space_points(catalogue.pick_city("seoul"))
                  if p["id"] != space.id]
        assert min(abs(p["lat"] - LAT) * 111_000 + abs(p["lon"] - LON) * 88_000
                   for p in others) > 100, "another space is too close to click this one"
        return Hostile(space.id, project.id, ranked.index(space.id) + 1,
                       to_shape(area.geom), to_shape(district.geom))

