"""A place's page: its rooms, what each could host, what the place could host at once."""

import html as htmllib
import json
import re

from sqlalchemy import select

from spacematch.db.models import Match, Room
from spacematch.extensions import db
from spacematch.services.projects import create_project
from spacematch.services.spaces import create_space
from spacematch.services.users import create_user

SCRIPT = "<script>alert(1)</script>"
SCHOOL = {"title": "폐교 본관", "owner_kind": "public", "lon": 126.9687, "lat": 37.5759,
          "floor_area_m2": 900, "capacity": 600, "status": "listed",
          "amenities": ["toilets", "water"], "weekly_hours": "mon-sat 09:00-21:00"}
ROOMS = [
    {"name": SCRIPT, "floor_area_m2": 35, "capacity": 16, "accessibility": ["step_free"],
     "amenities": ["kitchen", "water", "toilets"]},
    {"name": "Classroom 2", "floor_area_m2": 60, "capacity": 30, "floor_level": 2,
     "accessibility": ["lift"], "amenities": ["heating_cooling", "power", "internet", "toilets"],
     "weekly_hours": "mon-fri 15:00-21:00"},
    {"name": "Hall", "floor_area_m2": 150, "capacity": 80, "accessibility": ["step_free"],
     "amenities": ["power", "toilets", "sound_insulation", "storage", "water"],
     "cost_kind": "hourly", "cost_amount": 20000},
]


def _owner():
    return create_user(email="owner@example.org", password="a long passphrase", role="owner",
                       display_name="Owner", system=True)


def _text(html: str) -> str:
    """What a person reads: tags out, entities decoded, spaces squeezed."""
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_the_page_shows_each_room_and_escapes_its_name(client, demo_sqlite_app):
    with demo_sqlite_app.app_context():
        owner = _owner()
        place = create_space(owner, {**SCHOOL, "rooms": ROOMS}).id
        classroom = db.session.scalar(select(Room.id).where(Room.space_id == place,
                                                            Room.name == "Classroom 2"))
        group = create_user(email="g@example.org", password="a long passphrase", role="group",
                            display_name="G", system=True)
        project = create_project(group, "seoul", {
            "title": "청년 모임", "activity": "youth_jobs", "participants": 12, "lon": 126.9687,
            "lat": 37.5759, "max_distance_m": 2000, "weekly_hours": "tue 18:00-21:00",
            "status": "open"}).id
        db.session.add(Match(space_id=place, project_id=project, score=0.9, breakdown={},
                             status="approved", room_id=classroom,
                             weekly_hours={"tue": ["18:00-21:00"]}))
        db.session.commit()
    resp = client.get(f"/spaces/{place}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert SCRIPT not in html and htmllib.escape(SCRIPT, quote=False) in html
    text = _text(html)
    hosting = text.index("What it could host")
    rooms = text.index("Rooms")
    facts = text.index("The space")
    assert hosting < rooms < facts
    # the "at the same time" sentence opens what the place could host, before any list
    together = text.index("This place could host an arts studio, a meeting room and a "
                          "community kitchen at the same time, in different rooms.")
    assert hosting < together < text.index("Arts studio / rehearsal room") < rooms
    korean = _text(client.get(f"/spaces/{place}", headers={"Accept-Language": "ko"})
                   .get_data(as_text=True))
    assert "동시에 열 수 있습니다" in korean and "at the same time" not in korean
    assert "예약됨 화 18:00–21:00" in korean  # Korean weekdays on a Korean page
    listed = text[rooms:facts]
    assert [listed.index(n) for n in (SCRIPT, "Classroom 2", "Hall")] == sorted(
        listed.index(n) for n in (SCRIPT, "Classroom 2", "Hall"))
    classroom_card = listed[listed.index("Classroom 2"):listed.index("Hall")]
    assert "60 m², up to 30 people, floor 2 above ground" in classroom_card
    assert "Open Mon–Fri 15:00–21:00" in classroom_card  # its own hours, not the place's
    assert "Taken Tue 18:00–21:00" in classroom_card
    assert "Still free Mon/Wed–Fri 15:00–21:00; Tue 15:00–18:00" in classroom_card
    # top three it could host, each with how many people
    assert "Meeting and workshop room — 30 people" in classroom_card
    assert classroom_card.count(" people") == 4  # the room's size line, then three fits
    hall_card = listed[listed.index("Hall"):]
    assert "₩20,000 an hour" in hall_card and "no hours taken yet" in hall_card
    kitchen_card = listed[:listed.index("Classroom 2")]
    assert "Community kitchen / shared meals" in kitchen_card and "Kitchen" in kitchen_card


def test_a_divisible_place_shows_its_divisions_once(client, demo_sqlite_app):
    with demo_sqlite_app.app_context():
        place = create_space(_owner(), {
            **SCHOOL, "title": "옛 구청 별관", "divisible_room_m2": 60, "divisible_rooms": 12,
            "amenities": ["toilets", "water", "heating_cooling", "power", "internet",
                          "storage"]}).id
    text = _text(client.get(f"/spaces/{place}").get_data(as_text=True))
    listed = text[text.index("Rooms"):text.index("The space")]
    assert listed.count("12 rooms of about 60 m²") == 1 and "Room 2 of 12" not in text
    assert "60 m², up to 40 people each" in listed
    assert "at the same time, in different rooms" in text


def test_the_map_names_the_nearest_station_and_bus_stop_with_their_distances(
        client, demo_sqlite_app):
    from geoalchemy2.shape import to_shape
    from pyproj import Transformer

    from spacematch.db.models import TransitStop
    from spacematch.domain.geometry import WGS84

    with demo_sqlite_app.app_context():
        place = create_space(_owner(), SCHOOL).id  # in 사직동, Jongno-gu
        stops = db.session.execute(select(TransitStop.kind, TransitStop.name, TransitStop.geom)
                                   ).all()
    to_metric = Transformer.from_crs(WGS84, "EPSG:5179", always_xy=True)
    here = to_metric.transform(SCHOOL["lon"], SCHOOL["lat"])
    nearest = {}
    for kind, name, geom in stops:  # every stop, by brute force, in a Korean metric CRS
        pt = to_shape(geom)
        x, y = to_metric.transform(pt.x, pt.y)
        gap = ((x - here[0]) ** 2 + (y - here[1]) ** 2) ** 0.5
        if kind not in nearest or gap < nearest[kind][1]:
            nearest[kind] = (name, gap)
    page = client.get(f"/spaces/{place}", headers={"Accept-Language": "ko"}).get_data(
        as_text=True)
    for kind, words in (("subway", "가장 가까운 지하철역"), ("bus", "가장 가까운 버스 정류장")):
        item = re.search(rf'data-testid="nearest-{kind}">(.*?)</li>', page).group(1)
        name, gap = nearest[kind]
        metres = int(re.search(r", ([\d,]+)m$", _text(item).strip()).group(1).replace(",", ""))
        assert f"{words}: {name}" in _text(item) and abs(metres - gap) <= 2, (item, gap)
        # the map labels it too, as text (not HTML)
        labels = [json.loads(t) for t in re.findall(r'spacematchMapKit\.text\(("[^"]*")', page)]
        assert f"{name} · {metres}m" in labels, labels
