"""Score spaces against a project's needs: hard constraints, soft criteria, explanations.

Everything is computed on whole columns of a ``SpaceTable`` (a subset of rows at a time), so
one project is scored against thousands of spaces in a few numpy operations.

Hard constraints remove a space; each failure sets a bit, so "why not this one?" can name
every constraint that failed. Soft criteria give a score in [0, 1] each; the total is their
weighted mean over the criteria that apply to the project (see ``criteria_that_apply``), so
totals compare across projects. Every number a person sees is explained in English and Korean.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

from .activities import load_activities
from .schedule import slot_count, to_slot_mask, weekly_minutes
from .spacetable import (
    ACCESS_BIT,
    AMENITY_BIT,
    COST_CODE,
    NO_DATE_MAX,
    NO_DATE_MIN,
    AreaTable,
    SpaceTable,
    activity_bit,
    bits_of,
    day_number,
)

WEEKS_PER_MONTH = 52 / 12
DEFAULT_AREA_TOLERANCE = 0.2
# A room bigger than a project needs is a soft cost, not a "no": a 25-person repair café can
# use a 150 m² hall. Only this many times the upper end of the range (itself 2.5 times the
# ideal) is it a hard "no": too big to heat, staff or feel at home in.
FAR_BEYOND = 4.0

# Hard constraints, one bit each.
FAIL_ACCESS, FAIL_AREA, FAIL_CAPACITY, FAIL_DISTANCE, FAIL_AREAS = 1, 2, 4, 8, 16
FAIL_DATES, FAIL_HOURS, FAIL_COST, FAIL_USE, FAIL_AMENITY = 32, 64, 128, 256, 512
CONSTRAINTS = {
    FAIL_ACCESS: "accessibility", FAIL_AREA: "floor_area", FAIL_CAPACITY: "capacity",
    FAIL_DISTANCE: "distance", FAIL_AREAS: "preferred_areas", FAIL_DATES: "dates",
    FAIL_HOURS: "weekly_hours", FAIL_COST: "cost", FAIL_USE: "allowed_use",
    FAIL_AMENITY: "amenities",
}


@dataclass(frozen=True)
class Weights:
    """Default weights of the soft criteria (a project may set its own priorities)."""

    area: float = 0.20
    distance: float = 0.20
    transit: float = 0.10
    availability: float = 0.15
    cost: float = 0.15
    amenities: float = 0.10
    need: float = 0.10

    @classmethod
    def from_mapping(cls, values: dict | None) -> Weights:
        """Weights from a mapping; unknown names and negative values are refused.

        >>> Weights.from_mapping({"cost": 0.5}).cost
        0.5
        """
        values = values or {}
        known = {f.name for f in fields(cls)}
        bad = [k for k, v in values.items() if k not in known or float(v) < 0]
        if bad:
            raise ValueError(f"unknown or negative weight(s): {', '.join(bad)}")
        return cls(**{k: float(v) for k, v in values.items()})

    def as_array(self) -> np.ndarray:
        return np.array([getattr(self, f.name) for f in fields(self)], dtype=np.float64)


CRITERIA = tuple(f.name for f in fields(Weights))


@dataclass(frozen=True)
class Needs:
    """A project's needs in the engine's terms (see ``needs_from_project``)."""

    activity: str
    participants: int
    area_min: float
    area_max: float
    area_tolerance: float
    access_bits: int
    ground_or_lift: bool
    amenity_bits: int
    helpful_bits: int
    x: float | None
    y: float | None
    max_distance_m: float | None
    preferred_areas: frozenset[int]
    date_from: int
    date_to: int
    slots: np.ndarray = field(compare=False)
    hours_per_month: float
    budget_monthly: float
    currency: str
    need_kind: str | None
    weights: Weights
    # Above this floor area a room is a hard "no"; None: the range's upper end plus the
    # tolerance (a maximum the group gave itself is meant).
    area_hard_max: float | None = None

    @property
    def use_bit(self) -> int:
        return activity_bit(self.activity)

    @property
    def area_edges(self) -> tuple[float, float]:
        """Floor areas outside which a room is a hard "no": (too small, far too big)."""
        lo = self.area_min * (1 - self.area_tolerance)
        hi = self.area_hard_max if self.area_hard_max is not None else \
            self.area_max * (1 + self.area_tolerance)
        return lo, max(hi, self.area_max)


def needs_from_project(p: dict, xy: tuple[float, float] | None = None) -> Needs:
    """Turn a cleaned project (``domain.listing.clean_project`` output) into ``Needs``.

    ``xy`` is the preferred location in the table's metric CRS; ``p["preferred_area_ids"]``
    are database ids of areas on any level. Without an explicit area range the activity's
    floor area per person gives one; a bound the group gave always wins over a derived one.
    A maximum the group gave is a hard limit (plus the tolerance); a derived one is only
    where "bigger than needed" starts to cost (see ``FAR_BEYOND``).

    >>> n = needs_from_project({"activity": "meeting_workshop", "participants": 40,
    ...                         "area_max_m2": 50})
    >>> n.area_min, n.area_max, n.area_edges
    (50.0, 50.0, (40.0, 60.0))
    >>> needs_from_project({"activity": "maker_repair", "participants": 25}).area_edges
    (64.0, 1000.0)
    """
    act = load_activities()[p["activity"]]
    ideal = max(act.min_m2, p["participants"] * act.m2_per_person)
    given_lo, given_hi = p.get("area_min_m2"), p.get("area_max_m2")
    lo = given_lo or (min(ideal * 0.8, given_hi) if given_hi else ideal * 0.8)
    # a group's own minimum raises the derived maximum with it: "at least 300 m²" for five
    # people still welcomes 400 m²
    hi = given_hi or max(ideal, lo) * 2.5
    hours = p.get("weekly_hours") or act.typical_hours
    per_month = weekly_minutes(hours) / 60 * WEEKS_PER_MONTH
    budget = float(p.get("budget_amount") or 0)
    if p.get("budget_kind") == "hourly":
        budget *= per_month
    beneficiaries = set(p.get("beneficiaries") or [])
    need_kind = "elders" if "elders" in beneficiaries else (
        "children" if "children" in beneficiaries else None)
    return Needs(
        activity=act.code, participants=int(p["participants"]),
        area_min=float(lo), area_max=float(hi),
        area_tolerance=float(p.get("area_tolerance", DEFAULT_AREA_TOLERANCE)),
        access_bits=bits_of(p.get("required_accessibility"), ACCESS_BIT),
        ground_or_lift=act.access == "ground_or_lift",
        amenity_bits=bits_of(set(p.get("required_amenities") or []) | set(act.required),
                             AMENITY_BIT),
        helpful_bits=bits_of(act.helpful, AMENITY_BIT),
        x=xy[0] if xy else None, y=xy[1] if xy else None,
        max_distance_m=p.get("max_distance_m"),
        preferred_areas=frozenset(p.get("preferred_area_ids") or []),
        date_from=day_number(p.get("starts_on"), NO_DATE_MIN),
        date_to=day_number(p.get("ends_on"), NO_DATE_MAX),
        slots=to_slot_mask(hours, outward=True),
        hours_per_month=per_month, budget_monthly=budget,
        currency=p.get("currency") or "KRW", need_kind=need_kind,
        weights=Weights.from_mapping(p.get("weights")),
        area_hard_max=None if given_hi else float(hi) * FAR_BEYOND,
    )


@dataclass
class Evaluation:
    """Per-row results for the rows that were evaluated (same order as ``rows``)."""

    rows: np.ndarray
    failed: np.ndarray  # bits of CONSTRAINTS; 0 = passes every hard constraint
    criteria: np.ndarray  # (len(rows), len(CRITERIA)) scores in [0, 1]; 0 where not applying
    total: np.ndarray  # weighted mean; -inf where a hard constraint failed
    distance_m: np.ndarray
    overlap_slots: np.ndarray
    monthly_cost: np.ndarray
    # Per criterion, the same for every row: does it apply, and its share of the total
    # (the project's weights renormalised over the criteria that apply; they sum to 1).
    applies: np.ndarray = field(default_factory=lambda: np.ones(len(CRITERIA), dtype=bool))
    weights: np.ndarray = field(default_factory=lambda: np.zeros(len(CRITERIA)))


def criteria_that_apply(needs: Needs, areas: AreaTable, transit_known: bool) -> np.ndarray:
    """Per criterion: does it say anything about this project?

    A criterion that scores every space alike is left out of the total rather than counted
    as a constant, which would raise (or lower) one project's totals against another's:
    distance without a preferred location, amenities when the activity lists none as
    helpful, neighbourhood need when the project serves neither elders nor children (or the
    city has no age figures), transit when the city knows no stops.
    """
    applies = np.ones(len(CRITERIA), dtype=bool)
    applies[CRITERIA.index("distance")] = needs.x is not None
    applies[CRITERIA.index("transit")] = transit_known
    applies[CRITERIA.index("amenities")] = needs.helpful_bits != 0
    applies[CRITERIA.index("need")] = areas.has_figures(needs.need_kind)
    return applies


def effective_weights(weights: Weights, applies: np.ndarray) -> np.ndarray:
    """The weights of the criteria that apply, summing to 1 (all 0 if none has weight).

    >>> effective_weights(Weights(), np.array([1, 0, 1, 1, 1, 1, 0], dtype=bool)).round(4)
    array([0.2857, 0.    , 0.1429, 0.2143, 0.2143, 0.1429, 0.    ])
    """
    w = np.where(applies, weights.as_array(), 0.0)
    return w / w.sum() if w.sum() > 0 else w


def knows_transit(t: SpaceTable) -> bool:
    """Does the table know any stop at all (else transit says nothing about its spaces)?"""
    return bool(t.subway_names or t.bus_names)


def monthly_cost(t: SpaceTable, rows, hours_per_month: float) -> np.ndarray:
    """What each space would cost a month for the project's hours."""
    amount = t.cost_amount[rows]
    kind = t.cost_kind[rows]
    return np.where(kind == COST_CODE["hourly"], amount * hours_per_month,
                    np.where(kind == COST_CODE["monthly"], amount, 0.0))


def evaluate(t: SpaceTable, rows, needs: Needs, areas: AreaTable,
             need_by_area: np.ndarray | None = None,
             transit_known: bool | None = None) -> Evaluation:
    """Hard constraints and soft scores of ``rows`` (an index array or a slice) of ``t``.

    A slice keeps every column access a view (no copy), which the index relies on.
    ``transit_known`` (default: whether ``t`` knows any stop) lets an index whose rows sit
    in several tables decide once for all of them.
    """
    if isinstance(rows, slice):
        positions = np.arange(*rows.indices(len(t)))
    else:
        rows = positions = np.asarray(rows, dtype=np.int64)
    n = len(positions)
    failed = np.zeros(n, dtype=np.uint16)

    access = t.access[rows]
    failed |= np.where((access & needs.access_bits) != needs.access_bits, FAIL_ACCESS, 0
                       ).astype(np.uint16)
    if needs.ground_or_lift:
        reachable = (t.floor_level[rows] == 0) | ((access & ACCESS_BIT["lift"]) != 0)
        failed |= np.where(reachable, 0, FAIL_ACCESS).astype(np.uint16)

    m2 = t.floor_m2[rows]
    lo_edge, hi_edge = needs.area_edges
    failed |= np.where((m2 < lo_edge) | (m2 > hi_edge), FAIL_AREA, 0).astype(np.uint16)
    failed |= np.where(t.capacity[rows] < needs.participants, FAIL_CAPACITY, 0).astype(np.uint16)

    if needs.x is not None:
        dist = np.hypot(t.x[rows] - needs.x, t.y[rows] - needs.y)
        if needs.max_distance_m:
            failed |= np.where(dist > needs.max_distance_m, FAIL_DISTANCE, 0).astype(np.uint16)
    else:
        dist = np.full(n, np.nan)
    if needs.preferred_areas:
        pos = t.area[rows]
        # a chosen area on any level counts: the neighbourhood itself or any area above it
        ok = (pos >= 0) & areas.within(needs.preferred_areas)[np.maximum(pos, 0)]
        failed |= np.where(ok, 0, FAIL_AREAS).astype(np.uint16)

    failed |= np.where((t.date_to[rows] < needs.date_from) | (t.date_from[rows] > needs.date_to),
                       FAIL_DATES, 0).astype(np.uint16)
    overlap = slot_count(t.slots[rows] & needs.slots)
    failed |= np.where(overlap == 0, FAIL_HOURS, 0).astype(np.uint16)

    cost = monthly_cost(t, rows, needs.hours_per_month)
    same_currency = t.currencies.index(needs.currency) if needs.currency in t.currencies else -1
    too_dear = (cost > needs.budget_monthly + 1e-6) | (
        (t.currency[rows] != same_currency) & (cost > 0))
    failed |= np.where(too_dear, FAIL_COST, 0).astype(np.uint16)

    uses = t.uses[rows]
    failed |= np.where((uses != 0) & ((uses & needs.use_bit) == 0), FAIL_USE, 0).astype(np.uint16)
    amen = t.amenities[rows]
    failed |= np.where((amen & needs.amenity_bits) != needs.amenity_bits, FAIL_AMENITY, 0
                       ).astype(np.uint16)

    applies = criteria_that_apply(needs, areas, knows_transit(t) if transit_known is None
                                  else transit_known)
    crit = np.empty((n, len(CRITERIA)), dtype=np.float64)
    crit[:, 0] = area_fit(m2, needs)
    scale = (needs.max_distance_m or 4000.0) / 2
    crit[:, 1] = 0.0 if needs.x is None else np.exp(-dist / scale)
    crit[:, 2] = 0.6 * np.exp(-t.subway_m[rows] / 800.0) + 0.4 * np.exp(-t.bus_m[rows] / 400.0)
    wanted_slots = max(int(slot_count(needs.slots)), 1)
    crit[:, 3] = overlap / wanted_slots
    crit[:, 4] = (np.clip(1 - cost / needs.budget_monthly, 0, 1) if needs.budget_monthly > 0
                  else np.where(cost > 0, 0.0, 1.0))
    helpful = int(needs.helpful_bits).bit_count()
    crit[:, 5] = (np.bitwise_count(amen & needs.helpful_bits) / helpful) if helpful else 0.0
    if need_by_area is None:
        need_by_area = areas.need(needs.need_kind or "")
    pos = t.area[rows]
    crit[:, 6] = np.where(pos >= 0, need_by_area[np.maximum(pos, 0)], 0.5)
    crit[:, ~applies] = 0.0

    w = effective_weights(needs.weights, applies)
    total = np.where(failed == 0, crit @ w, -np.inf)
    return Evaluation(positions, failed, crit, total, dist, overlap, cost, applies, w)


def area_fit(m2: np.ndarray, needs: Needs) -> np.ndarray:
    """The floor-area score: 1 inside the wanted range; below it, falling linearly to 0 at
    the "too small" edge; above it, falling with the logarithm of the excess to 0 at the
    "far too big" edge, so each doubling costs alike (150 → 300 m² as 300 → 600 m²).

    >>> n = needs_from_project({"activity": "maker_repair", "participants": 25})
    >>> area_fit(np.array([72.0, 150.0, 250.0, 500.0, 1000.0]), n).round(2).tolist()
    [0.5, 1.0, 1.0, 0.5, 0.0]
    """
    lo_edge, hi_edge = needs.area_edges
    below = np.clip((m2 - lo_edge) / max(needs.area_min - lo_edge, 1e-9), 0, 1)
    span = np.log(hi_edge / needs.area_max) if hi_edge > needs.area_max else 1e-9
    above = np.clip(1 - np.log(np.maximum(m2, 1e-9) / needs.area_max) / span, 0, 1)
    return np.where(m2 < needs.area_min, below, np.where(m2 > needs.area_max, above, 1.0))


def rank(ev: Evaluation, ids: np.ndarray, k: int) -> np.ndarray:
    """Positions (into ``ev.rows``) of the best ``k`` passing rows: score desc, id asc."""
    ok = np.flatnonzero(ev.failed == 0)
    return _best_of(ev, ok, ids, k)


def _best_of(ev: Evaluation, ok: np.ndarray, ids: np.ndarray, k: int) -> np.ndarray:
    if len(ok) > k:
        # argpartition on the negated score, then an exact sort of the survivors; rows tied
        # with the k-th score are all kept so the id tie-break is exact.
        kth = -np.partition(-ev.total[ok], k - 1)[k - 1]
        ok = ok[ev.total[ok] >= kth]
    order = np.lexsort((ids[ev.rows[ok]], -ev.total[ok]))
    return ok[order][:k]


@dataclass(frozen=True)
class PlaceRanking:
    """The best places of an evaluation, best first, with their fitting rooms.

    ``rooms[i]`` are positions (into ``ev.rows``) of place ``i``'s passing rooms, best
    first (score desc, then room key asc), at most the number asked for; ``fits[i]`` is how
    many of its rooms pass in all.
    """

    places: np.ndarray
    rooms: list[np.ndarray]
    fits: np.ndarray


def rank_places(ev: Evaluation, ids: np.ndarray, places: np.ndarray, k: int,
                rooms_per_place: int = 1) -> PlaceRanking:
    """The best ``k`` places by their best passing room: score desc, then place id asc.

    A place shows once, so twenty rooms of one school do not fill the list. ``ids`` and
    ``places`` are the table's room keys and place ids (indexed by ``ev.rows``).
    """
    ok = np.flatnonzero(ev.failed == 0)
    if k <= 0 or not len(ok):
        return PlaceRanking(np.zeros(0, np.int64), [], np.zeros(0, np.int64))
    total = ev.total[ok]
    place_of = places[ev.rows[ok]]
    # The best rows already name k places unless some place has several of them; take more
    # rows until k places (or every passing row) are in, so the common case sorts few rows.
    # Every row tied with the last one taken comes too, so the place-id tie-break is exact.
    take = k
    while True:
        if take < len(ok):
            kth = -np.partition(-total, take - 1)[take - 1]
            top = np.flatnonzero(total >= kth)
        else:
            top = np.arange(len(ok))
        chosen = _first_places(place_of[top[np.lexsort((place_of[top], -total[top]))]])
        if len(chosen) >= k or len(top) == len(ok):
            break
        take *= 4
    chosen = chosen[:k]
    # Every passing room of the chosen places, grouped by the place's rank and best first
    # within it, for the count and the room list. A binary search in the few chosen places
    # (not np.isin, nor one pass per place) keeps this to a handful of numpy calls.
    by = np.argsort(chosen)
    pos = np.minimum(np.searchsorted(chosen[by], place_of), len(chosen) - 1)
    mine = np.flatnonzero(chosen[by][pos] == place_of)
    rank_of = by[pos[mine]]  # chosen is in rank order
    mine = mine[np.lexsort((ids[ev.rows[ok[mine]]], -total[mine], rank_of))]
    fits = np.bincount(rank_of, minlength=len(chosen))
    start = np.cumsum(fits) - fits
    best = ok[mine]
    rooms = [best[s:s + min(f, rooms_per_place)] for s, f in zip(start.tolist(), fits.tolist(),
                                                                strict=True)]
    return PlaceRanking(chosen, rooms, fits)


def _first_places(place_of_ranked: np.ndarray) -> np.ndarray:
    """Distinct places in their order of first appearance."""
    if len(place_of_ranked) <= 256:  # the usual few rows: a dict is cheaper than a sort
        return np.array(list(dict.fromkeys(place_of_ranked.tolist())),
                        dtype=place_of_ranked.dtype)
    _, first = np.unique(place_of_ranked, return_index=True)
    return place_of_ranked[np.sort(first)]


def failed_constraints(bits: int) -> list[str]:
    """Names of the hard constraints in a failure bit set.

    >>> failed_constraints(FAIL_AREA | FAIL_COST)
    ['floor_area', 'cost']
    """
    return [name for bit, name in CONSTRAINTS.items() if bits & bit]
