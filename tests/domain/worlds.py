"""Small cities as plain dicts — areas, stops, spaces, projects — for engine and oracle alike.

The records have the shapes services hand to the engine (``SpaceTable.from_records``,
``AreaTable.from_records``, ``needs_from_project``), so a test can build the engine from them
and give the very same dicts to the oracle (``tests/domain/oracle.py``). Coordinates are in
central Seoul; its metric CRS is EPSG:5179.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from hypothesis import strategies as st

from spacematch.domain.activities import load_activities
from spacematch.domain.geometry import transform_xy
from spacematch.domain.index import SpaceIndex
from spacematch.domain.schedule import parse_weekly_hours
from spacematch.domain.spacetable import AreaTable, SpaceTable
from spacematch.domain.vocabulary import ACCESSIBILITY, AMENITIES

from .oracle import ancestry, terms  # the oracle reads a project's terms for the strategies

CRS = "EPSG:5179"
LON0, LAT0 = 126.95, 37.53  # south-west corner of the small test city (about 9 x 8 km)
SPAN_LON, SPAN_LAT = 0.10, 0.07


def area_record(id: int, parent_id: int | None = None, population: int | None = 10_000,
                elders: int | None = 1_500, children: int | None = 1_200) -> dict:
    return {"id": id, "parent_id": parent_id, "name": f"동 {id}", "name_en": f"Area {id}",
            "population": population, "population_65plus": elders,
            "population_under15": children}


def space_record(id: int, **kw) -> dict:
    """A listed space that passes an undemanding project; ``kw`` overrides any field."""
    rec = {"id": id, "title": f"Space {id}", "lon": LON0 + 0.05, "lat": LAT0 + 0.03,
           "area_id": 100, "floor_area_m2": 60.0, "capacity": 40, "floor_level": 0,
           "accessibility": ["step_free", "lift"], "amenities": list(AMENITIES),
           "allowed_uses": [], "available_from": None, "available_to": None,
           "weekly_hours": {"mon": ["09:00-22:00"], "tue": ["09:00-22:00"],
                            "sat": ["09:00-18:00"]},
           "cost_kind": "free", "cost_amount": 0, "currency": "KRW"}
    rec.update(kw)
    return rec


def project_record(**kw) -> dict:
    """A cleaned project (``clean_project`` output shape); ``kw`` overrides any field."""
    rec = {"activity": "meeting_workshop", "participants": 10, "area_min_m2": None,
           "area_max_m2": None, "required_accessibility": [], "required_amenities": [],
           "max_distance_m": None, "preferred_area_ids": [], "starts_on": None,
           "ends_on": None, "weekly_hours": {"tue": ["19:00-21:00"]}, "budget_kind": "monthly",
           "budget_amount": 0, "currency": "KRW", "beneficiaries": [], "weights": {}}
    rec.update(kw)
    return rec


@dataclass
class Batch:
    """One round of changes as services apply them: new versions of places (all the rooms
    of each), places removed, maybe a compaction afterwards."""

    upserts: list[dict]
    removed: list[int]  # place ids
    compact: bool = False


@dataclass
class World:
    """A city as plain data: areas on every level, stops, listed spaces, their changes."""

    areas: list[dict]  # every level; the finest are those no other area names as parent
    stops: dict[str, list[dict]]
    spaces: list[dict]  # rooms as first loaded; each names its ``place``
    batches: list[Batch] = field(default_factory=list)

    @property
    def parent_of(self) -> dict[int, int | None]:
        return {a["id"]: a["parent_id"] for a in self.areas}

    @property
    def finest(self) -> list[dict]:
        parents = {a["parent_id"] for a in self.areas}
        return [a for a in self.areas if a["id"] not in parents]

    def final_spaces(self) -> list[dict]:
        """The rooms after every change: what a fresh load would read."""
        by_place: dict[int, list[dict]] = {}
        for s in self.spaces:
            by_place.setdefault(s["place"], []).append(s)
        for b in self.batches:
            for p in b.removed:
                by_place.pop(p, None)
            fresh: dict[int, list[dict]] = {}
            for s in b.upserts:
                fresh.setdefault(s["place"], []).append(s)
            by_place.update(fresh)
        return sorted((s for rooms in by_place.values() for s in rooms), key=lambda s: s["id"])

    def places(self) -> list[int]:
        return sorted({s["place"] for s in self.final_spaces()})


def area_table(world: World) -> AreaTable:
    return AreaTable.from_records(world.finest, parent_of=world.parent_of)


def engine_index(world: World) -> tuple[SpaceIndex, AreaTable]:
    """The index as services keep it: built from the first load, then changed by deltas."""
    areas = area_table(world)
    index = SpaceIndex(SpaceTable.from_records(world.spaces, CRS, areas.ids, world.stops), areas)
    for b in world.batches:
        delta = (SpaceTable.from_records(b.upserts, CRS, areas.ids, world.stops)
                 if b.upserts else None)
        index = index.with_changes(delta, b.removed)
        if b.compact:
            index = index.compacted()
    return index, areas


def project_xy(project: dict) -> tuple[float, float] | None:
    """The project's preferred location in the city's metric CRS, as services compute it."""
    if project.get("lonlat") is None:
        return None
    xs, ys = transform_xy([project["lonlat"][0]], [project["lonlat"][1]], "EPSG:4326", CRS)
    return float(xs[0]), float(ys[0])


# -- hypothesis strategies ---------------------------------------------------------------------
ACTIVITIES = sorted(load_activities())
HALF_HOURS = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)] + ["24:00"]
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@st.composite
def time_ranges(draw, whole_half_hours: bool = False) -> str:
    """``HH:MM-HH:MM``; minutes off the half hour unless ``whole_half_hours``."""
    if whole_half_hours:
        a = draw(st.integers(0, 46))
        b = draw(st.integers(a + 1, 48))
        return f"{HALF_HOURS[a]}-{HALF_HOURS[b]}"
    a = draw(st.integers(0, 24 * 60 - 20))
    b = draw(st.integers(a + 10, min(a + 12 * 60, 24 * 60)))
    return f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"


def weekly_hours(whole_half_hours: bool = False, min_days: int = 1):
    """Normalised as ``clean_space``/``clean_project`` store them (overlaps merged)."""
    return st.dictionaries(st.sampled_from(DAY_CODES),
                           st.lists(time_ranges(whole_half_hours), min_size=1, max_size=2),
                           min_size=min_days, max_size=3).map(parse_weekly_hours)


lons = st.floats(LON0, LON0 + SPAN_LON)
lats = st.floats(LAT0, LAT0 + SPAN_LAT)
dates = st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2027, 12, 31)))


@st.composite
def area_trees(draw) -> list[dict]:
    """Three levels (city → districts → neighbourhoods), some figures unknown."""
    out = [area_record(1, None, None, None, None)]
    next_id = 10
    shares = st.one_of(st.integers(0, 400), st.integers(0, 400), st.none())
    for _ in range(draw(st.integers(1, 3))):
        district = next_id
        next_id += 1
        out.append(area_record(district, 1, None, None, None))
        for _ in range(draw(st.integers(1, 3))):
            pop = draw(st.sampled_from([1000, 1000, 1000, None]))
            out.append(area_record(100 + len(out), district, pop, draw(shares), draw(shares)))
    return out


@st.composite
def stop_sets(draw) -> dict[str, list[dict]]:
    """Subway and bus stops; sometimes a kind is missing, sometimes the city knows none."""
    out = {}
    for kind in ("subway", "bus"):
        n = draw(st.integers(0, 3))
        if n:
            out[kind] = [{"name": f"{kind} {i}", "lon": draw(lons), "lat": draw(lats)}
                         for i in range(n)]
    return out


@st.composite
def spaces(draw, id: int, area_ids: list[int]) -> dict:
    kind = draw(st.sampled_from(["free", "hourly", "monthly"]))
    amount = {"free": 0, "hourly": draw(st.integers(1, 40)) * 1000,
              "monthly": draw(st.integers(1, 80)) * 10_000}[kind]
    start = draw(dates)
    end = draw(dates)
    if start and end and end < start:
        start, end = end, start
    return space_record(
        id, lon=draw(lons), lat=draw(lats),
        area_id=draw(st.sampled_from([*area_ids, 999_999])),  # 999999: not a known area
        floor_area_m2=float(draw(st.integers(10, 400))), capacity=draw(st.integers(2, 150)),
        floor_level=draw(st.sampled_from([-1, 0, 0, 1, 3])),
        accessibility=draw(st.lists(st.sampled_from(list(ACCESSIBILITY)), unique=True)),
        amenities=draw(st.lists(st.sampled_from(list(AMENITIES)), unique=True)),
        allowed_uses=draw(st.one_of(st.just([]), st.lists(st.sampled_from(ACTIVITIES),
                                                          min_size=1, max_size=4, unique=True))),
        available_from=start, available_to=end,
        weekly_hours=draw(weekly_hours()),
        cost_kind=kind, cost_amount=amount,
        # mostly the city's currency, sometimes another; a free space's currency never matters
        currency=draw(st.sampled_from(["KRW", "KRW", "KRW", "USD"])),
    )


WEIGHT_CHOICES = st.one_of(st.just({}), st.dictionaries(
    st.sampled_from(["area", "distance", "transit", "availability", "cost", "amenities", "need"]),
    st.sampled_from([0.0, 0.1, 0.3, 1.0, 2.5]), max_size=4))


@st.composite
def projects(draw, area_ids: list[int]) -> dict:
    """A cleaned project plus ``lonlat`` (its preferred location, or None)."""
    people = draw(st.integers(1, 60))
    lo = draw(st.one_of(st.none(), st.integers(10, 200)))
    hi = draw(st.one_of(st.none(), st.integers(lo or 10, 400)))
    located = draw(st.booleans())
    start, end = draw(dates), draw(dates)
    if start and end and end < start:
        start, end = end, start
    budget_kind = draw(st.sampled_from(["monthly", "hourly"]))
    rec = project_record(
        activity=draw(st.sampled_from(ACTIVITIES)), participants=people,
        area_min_m2=lo, area_max_m2=hi,
        required_accessibility=draw(st.lists(st.sampled_from(list(ACCESSIBILITY)),
                                             max_size=1, unique=True)),
        required_amenities=draw(st.lists(st.sampled_from(list(AMENITIES)), max_size=1,
                                         unique=True)),
        max_distance_m=draw(st.one_of(st.none(), st.integers(300, 9000))) if located else None,
        preferred_area_ids=draw(st.lists(st.sampled_from(area_ids), max_size=2, unique=True)),
        starts_on=start, ends_on=end,
        weekly_hours=draw(st.one_of(st.just({}), weekly_hours(min_days=1))),
        budget_kind=budget_kind,
        budget_amount=draw(st.sampled_from([0, 5_000, 20_000, 300_000, 2_000_000]))
        if budget_kind == "monthly" else draw(st.sampled_from([0, 2_000, 20_000])),
        currency=draw(st.sampled_from(["KRW", "KRW", "USD"])),
        beneficiaries=draw(st.lists(st.sampled_from(["elders", "children", "youth"]),
                                    max_size=2, unique=True)),
        weights=draw(WEIGHT_CHOICES),
    )
    rec["lonlat"] = (draw(lons), draw(lats)) if located else None
    return rec


# -- spaces that (mostly) fit a project ---------------------------------------------------------
HARD = ("accessibility", "floor_area", "capacity", "distance", "preferred_areas", "dates",
        "weekly_hours", "cost", "allowed_use", "amenities")


def touched_half_hours(hours: dict[str, list[str]]) -> dict[str, list[str]]:
    """The whole half hours a schedule touches (what a project asks a space to give)."""
    out: dict[str, list[str]] = {}
    for day, ranges in hours.items():
        for r in ranges:
            a, b = (int(t[:2]) * 60 + int(t[3:]) for t in r.split("-"))
            a, b = a // 30 * 30, -(-b // 30) * 30
            out.setdefault(day, []).append(f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}")
    return out


def union_hours(a: dict, b: dict) -> dict:
    return parse_weekly_hours({d: [*a.get(d, []), *b.get(d, [])] for d in {*a, *b}})


@st.composite
def fitting_spaces(draw, id: int, project: dict, areas: list[dict],
                   exact: bool = False) -> dict:
    """A space for ``project`` that fails at most the constraints drawn to stay broken (and
    sometimes, drawn raw, whatever it happens to fail); with ``exact``, one that passes."""
    finest = [a["id"] for a in areas if a["id"] not in {b["parent_id"] for b in areas}]
    s = draw(spaces(id, finest))
    if not exact and draw(st.integers(0, 5)) == 0:
        return s
    broken = set() if exact else draw(st.sets(st.sampled_from(HARD), max_size=2))
    t = terms(project)
    fix = [c for c in HARD if c not in broken]
    if "accessibility" in fix:
        s["accessibility"] = sorted(set(s["accessibility"]) | t.access | {"lift"})
    if "floor_area" in fix:
        s["floor_area_m2"] = draw(st.floats(t.lo * 0.8, t.hi * 1.2))
    if "capacity" in fix:
        s["capacity"] = max(s["capacity"], t.people)
    if "distance" in fix and project["lonlat"] and project["max_distance_m"]:
        reach = project["max_distance_m"] / 1.5
        lon, lat = project["lonlat"]
        s["lon"] = lon + draw(st.floats(-1, 1)) * reach / 88_000
        s["lat"] = lat + draw(st.floats(-1, 1)) * reach / 111_000
    if "preferred_areas" in fix and t.chosen:
        parent_of = {a["id"]: a["parent_id"] for a in areas}
        inside = [a for a in finest if {a, *ancestry(a, parent_of)} & t.chosen]
        s["area_id"] = draw(st.sampled_from(inside))
    if "dates" in fix:
        s["available_from"] = s["available_to"] = None
    if "weekly_hours" in fix:
        wanted = touched_half_hours(t.hours)
        day = draw(st.sampled_from(sorted(wanted)))
        s["weekly_hours"] = union_hours(s["weekly_hours"], {day: wanted[day]})
    if "cost" in fix:
        s["currency"] = t.currency
        if t.budget < 1 or draw(st.booleans()):
            s["cost_kind"], s["cost_amount"] = "free", 0
        else:
            s["cost_kind"], s["cost_amount"] = "monthly", draw(st.integers(1, int(t.budget)))
    if "allowed_use" in fix and s["allowed_uses"]:
        s["allowed_uses"] = sorted({*s["allowed_uses"], t.activity})
    if "amenities" in fix:
        s["amenities"] = sorted(set(s["amenities"]) | t.required)
    return s


PLACE_FACTS = ("lon", "lat", "area_id", "available_from", "available_to", "title")


@st.composite
def places(draw, place: int, room_ids, project: dict, areas: list[dict]) -> list[dict]:
    """The rooms of one place: mostly one, sometimes several sharing the place's location,
    neighbourhood, dates and title (each room its own size, equipment, hours and cost)."""
    n = draw(st.sampled_from([1, 1, 1, 2, 3]))
    rooms = [draw(fitting_spaces(next(room_ids), project, areas)) for _ in range(n)]
    for room in rooms:
        room.update({f: rooms[0][f] for f in PLACE_FACTS}, place=place)
        room["room_name"] = f"Room {room['id']}"
    return rooms


@st.composite
def cities(draw, max_spaces: int = 60) -> tuple[World, dict]:
    """A small city, a project in it, and a history of changes to its catalogue.

    Room keys and place ids are drawn from different ranges, so a test cannot mix them up.
    """
    areas = draw(area_trees())
    project = draw(projects([a["id"] for a in areas]))
    stops = draw(stop_sets())
    room_ids = iter(range(1, 10_000))
    place_ids = iter(range(50_001, 60_000))
    first = [room for _ in range(draw(st.one_of(st.just(0), st.integers(1, max_spaces // 4),
                                                st.integers(1, max_spaces // 4))))
             # a third of the cities start empty, as a new city does
             for room in draw(places(next(place_ids), room_ids, project, areas))]
    world = World(areas, stops, first)
    budget = max_spaces - len(first)
    for _ in range(draw(st.integers(0, 3))):
        live = world.places()
        changed = draw(st.lists(st.sampled_from(live), unique=True,
                                max_size=max(0, min(budget // 3, 4)))) if live else []
        fresh = draw(st.integers(0, max(0, min(budget // 3 - len(changed), 4))))
        gone = draw(st.lists(st.sampled_from(live), unique=True, max_size=3)) if live else []
        upserts = [room for p in [*changed, *(next(place_ids) for _ in range(fresh))]
                   for room in draw(places(p, room_ids, project, areas))]
        budget -= len(upserts)
        world.batches.append(Batch(upserts, [p for p in gone if p not in changed],
                                   draw(st.booleans())))
    return world, project
