"""An independent reading of the matching rules, in plain Python over plain dicts.

It re-implements README's "The matching engine" (hard constraints, soft criteria, default
weights, ranking) from the raw records — space dicts as services load them, project dicts as
``clean_project`` returns them, area and stop dicts — without numpy and without any of the
engine's scoring, schedule or table code. Only input data is shared: the activity catalogue
and pyproj for the metric projection. Slow and obvious on purpose; for small cases only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

from pyproj import Transformer

from spacematch.domain.activities import load_activities

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WEIGHTS = {"area": 0.20, "distance": 0.20, "transit": 0.10, "availability": 0.15,
                   "cost": 0.15, "amenities": 0.10, "need": 0.10}
TOLERANCE = 0.2  # floor area may be this share outside the wanted range
FAR_BEYOND = 4  # a derived maximum is a hard limit only this many times over
DEFAULT_RADIUS_M = 4000.0  # distance scale when a project gives a place but no maximum
WALK_DETOUR = 1.3
SLOT = 30


@cache
def _to_metric(crs: str) -> Transformer:
    return Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def metric(lon: float, lat: float, crs: str = "EPSG:5179") -> tuple[float, float]:
    x, y = _to_metric(crs).transform(lon, lat)
    return float(x), float(y)


# -- weekly hours --------------------------------------------------------------------------------
def _minutes(hhmm: str) -> int:
    h, m = hhmm.strip().split(":")
    return int(h) * 60 + int(m)


def week_ranges(hours: dict[str, list[str]]) -> list[tuple[int, int]]:
    """(start, end) in minutes from Monday 00:00."""
    out = []
    for day, ranges in hours.items():
        for r in ranges:
            a, b = r.split("-")
            base = DAYS.index(day) * 24 * 60
            out.append((base + _minutes(a), base + _minutes(b)))
    return out


def half_hours(hours: dict[str, list[str]], *, whole_only: bool) -> set[int]:
    """Half-hour slots of the week: wholly inside the hours (a space offers them) or merely
    touched by them (a project needs them)."""
    out: set[int] = set()
    for a, b in week_ranges(hours):
        for s in range(a // SLOT, -(-b // SLOT)):
            inside = s * SLOT >= a and (s + 1) * SLOT <= b
            if inside or not whole_only:
                out.add(s)
    return out


# -- projects --------------------------------------------------------------------------------------
@dataclass
class Terms:
    """A project's needs, read from its record."""

    activity: str
    people: int
    lo: float
    hi: float
    hard_hi: float  # above this, too big
    hours: dict[str, list[str]]
    slots: set[int]
    hours_per_month: float
    budget: float
    currency: str
    access: set[str]
    ground_or_lift: bool
    required: set[str]
    helpful: set[str]
    xy: tuple[float, float] | None
    max_m: float | None
    chosen: set[int]
    start: object
    end: object
    need_kind: str | None
    weights: dict[str, float] = field(default_factory=dict)


def terms(p: dict) -> Terms:
    act = load_activities()[p["activity"]]
    ideal = max(act.min_m2, p["participants"] * act.m2_per_person)
    lo_given, hi_given = p.get("area_min_m2"), p.get("area_max_m2")
    # the group's own bounds win; a derived bound never crosses one the group gave
    lo = lo_given or (min(ideal * 0.8, hi_given) if hi_given else ideal * 0.8)
    hi = hi_given or max(ideal, lo) * 2.5
    hours = p.get("weekly_hours") or act.typical_hours
    minutes = sum(b - a for a, b in week_ranges(hours))
    per_month = minutes / 60 * (52 / 12)
    budget = float(p.get("budget_amount") or 0)
    if p.get("budget_kind") == "hourly":
        budget *= per_month
    who = set(p.get("beneficiaries") or [])
    lonlat = p.get("lonlat")
    return Terms(
        activity=act.code, people=p["participants"], lo=float(lo), hi=float(hi),
        # a maximum the group gave is meant; a derived one only starts to cost
        hard_hi=float(hi) * (1 + TOLERANCE if hi_given else FAR_BEYOND), hours=hours,
        slots=half_hours(hours, whole_only=False), hours_per_month=per_month,
        budget=budget, currency=p.get("currency") or "KRW",
        access=set(p.get("required_accessibility") or []),
        ground_or_lift=act.access == "ground_or_lift",
        required=set(p.get("required_amenities") or []) | set(act.required),
        helpful=set(act.helpful), xy=metric(*lonlat) if lonlat else None,
        max_m=p.get("max_distance_m"), chosen=set(p.get("preferred_area_ids") or []),
        start=p.get("starts_on"), end=p.get("ends_on"),
        need_kind="elders" if "elders" in who else "children" if "children" in who else None,
        weights={**DEFAULT_WEIGHTS, **(p.get("weights") or {})},
    )


# -- neighbourhood need ----------------------------------------------------------------------------
def _percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default method)."""
    v = sorted(values)
    rank = q / 100 * (len(v) - 1)
    i = math.floor(rank)
    j = min(i + 1, len(v) - 1)
    return v[i] + (v[j] - v[i]) * (rank - i)


def _share(area: dict, kind: str) -> float | None:
    num = area.get({"elders": "population_65plus", "children": "population_under15"}[kind])
    den = area.get("population")
    return num / den if num is not None and den else None


def need_of(finest: list[dict], kind: str | None) -> dict[int, float] | None:
    """Need in [0, 1] per finest area (the share between the city's 10th and 90th
    percentiles; unknown counts as 0.5), or None when there is nothing to measure."""
    if kind is None:
        return None
    shares = {a["id"]: _share(a, kind) for a in finest}
    known = [s for s in shares.values() if s is not None]
    if not known:
        return None
    lo, hi = _percentile(known, 10), _percentile(known, 90)
    span = hi - lo if hi > lo else 1.0
    return {i: 0.5 if s is None else min(max((s - lo) / span, 0.0), 1.0)
            for i, s in shares.items()}


def ancestry(area_id: int, parent_of: dict[int, int | None]) -> list[int]:
    out, p = [], parent_of.get(area_id)
    while p is not None and p not in out:
        out.append(p)
        p = parent_of.get(p)
    return out


# -- one space ------------------------------------------------------------------------------------
@dataclass
class Verdict:
    failed: set[str]
    criteria: dict[str, float | None]  # None: the criterion does not apply
    weights: dict[str, float]  # effective, summing to 1 over those that apply
    total: float


def _nearest_walk(xy, stops: list[dict]) -> float:
    if not stops:
        return math.inf
    return min(math.dist(xy, metric(s["lon"], s["lat"])) for s in stops) * WALK_DETOUR


def judge(space: dict, t: Terms, world) -> Verdict:
    """Hard constraints and soft criteria of one space for one project in ``world``
    (anything with ``finest``, ``parent_of`` and ``stops``)."""
    failed = set()
    acc = set(space["accessibility"])
    if not t.access <= acc or (t.ground_or_lift and space["floor_level"] != 0
                                and "lift" not in acc):
        failed.add("accessibility")
    m2 = float(space["floor_area_m2"])
    lo_edge, hi_edge = t.lo * (1 - TOLERANCE), t.hard_hi
    if m2 < lo_edge or m2 > hi_edge:
        failed.add("floor_area")
    if space["capacity"] < t.people:
        failed.add("capacity")
    xy = metric(space["lon"], space["lat"])
    d = math.dist(xy, t.xy) if t.xy else None
    if d is not None and t.max_m and d > t.max_m:
        failed.add("distance")
    finest = {a["id"] for a in world.finest}
    if t.chosen:
        known = space["area_id"] in finest
        levels = {space["area_id"], *ancestry(space["area_id"], world.parent_of)}
        if not known or not levels & t.chosen:
            failed.add("preferred_areas")
    s_from, s_to = space["available_from"], space["available_to"]
    if (s_to is not None and t.start is not None and s_to < t.start) or (
            s_from is not None and t.end is not None and s_from > t.end):
        failed.add("dates")
    common = half_hours(space["weekly_hours"], whole_only=True) & t.slots
    if not common:
        failed.add("weekly_hours")
    amount = float(space["cost_amount"])
    cost = {"free": 0.0, "monthly": amount,
            "hourly": amount * t.hours_per_month}[space["cost_kind"]]
    if cost > t.budget + 1e-6 or (cost > 0 and space["currency"] != t.currency):
        failed.add("cost")
    if space["allowed_uses"] and t.activity not in space["allowed_uses"]:
        failed.add("allowed_use")
    if not t.required <= set(space["amenities"]):
        failed.add("amenities")

    crit: dict[str, float | None] = {}
    if m2 < t.lo:
        crit["area"] = min(max((m2 - lo_edge) / (t.lo - lo_edge), 0.0), 1.0)
    elif m2 > t.hi:
        # each doubling of the excess costs alike, down to 0 at the hard edge
        crit["area"] = min(max(1 - math.log(m2 / t.hi) / math.log(hi_edge / t.hi), 0.0), 1.0)
    else:
        crit["area"] = 1.0
    crit["distance"] = None if d is None else math.exp(-d / ((t.max_m or DEFAULT_RADIUS_M) / 2))
    if world.stops.get("subway") or world.stops.get("bus"):
        sub = _nearest_walk(xy, world.stops.get("subway", []))
        bus = _nearest_walk(xy, world.stops.get("bus", []))
        crit["transit"] = 0.6 * math.exp(-sub / 800) + 0.4 * math.exp(-bus / 400)
    else:
        crit["transit"] = None
    crit["availability"] = len(common) / max(len(t.slots), 1)
    if t.budget > 0:
        crit["cost"] = min(max(1 - cost / t.budget, 0.0), 1.0)
    else:
        crit["cost"] = 0.0 if cost > 0 else 1.0
    crit["amenities"] = (len(t.helpful & set(space["amenities"])) / len(t.helpful)
                         if t.helpful else None)
    need = need_of(world.finest, t.need_kind)
    crit["need"] = None if need is None else need.get(space["area_id"], 0.5)

    raw = {k: (t.weights[k] if crit[k] is not None else 0.0) for k in DEFAULT_WEIGHTS}
    whole = sum(raw.values())
    weights = {k: (w / whole if whole > 0 else 0.0) for k, w in raw.items()}
    total = sum(weights[k] * crit[k] for k in crit if crit[k] is not None)
    return Verdict(failed, crit, weights, total)


def ranking(spaces: list[dict], project: dict, world) -> list[tuple[int, float]]:
    """Every place with a passing room as (place, its best room's total): best total first,
    then lowest place id. A record is a room of place ``place`` (its own ``id`` if absent)."""
    t = terms(project)
    best: dict[int, float] = {}
    for s in spaces:
        v = judge(s, t, world)
        place = s.get("place", s["id"])
        if not v.failed and v.total > best.get(place, -math.inf):
            best[place] = v.total
    return sorted(best.items(), key=lambda p: (-p[1], p[0]))


def best_room(spaces: list[dict], project: dict, world, place: int) -> int | None:
    """The key of ``place``'s best passing room: highest total, then lowest key."""
    t = terms(project)
    found = [(-v.total, s["id"]) for s in spaces if s.get("place", s["id"]) == place
             and not (v := judge(s, t, world)).failed]
    return min(found)[1] if found else None
