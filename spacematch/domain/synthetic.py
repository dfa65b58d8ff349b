"""Synthetic catalogues for tests and benchmarks: city-sized, clustered, reproducible.

Spaces cluster around district centres like real ones do (60 %), the rest spread evenly;
attributes follow the same vocabularies as real listings. Projects are drawn the same way.
"""

from __future__ import annotations

import numpy as np

from .activities import load_activities
from .schedule import SLOT_WORDS, parse_weekly_hours, to_slot_mask
from .scoring import FAR_BEYOND, Needs, Weights
from .spacetable import (
    ACCESS_BIT,
    AMENITY_BIT,
    COST_CODE,
    NO_DATE_MAX,
    NO_DATE_MIN,
    AreaTable,
    SpaceTable,
)

# Seoul's extent in EPSG:5179 metres (about 36 x 30 km).
SEOUL_BOX = (935_000.0, 1_936_000.0, 971_000.0, 1_966_000.0)
HOUR_TEMPLATES = ["mon-fri 09:00-18:00", "mon-fri 18:00-22:00", "sat-sun 10:00-18:00",
                  "tue,thu 18:00-21:00", "mon-sun 08:00-22:00", "wed 13:00-17:00; sat 09:00-13:00"]
NEED_TEMPLATES = ["tue 19:00-21:00", "sat 10:00-13:00", "mon-fri 10:00-12:00",
                  "thu 18:00-20:00", "sun 14:00-17:00", "wed 19:00-21:30", "fri 13:00-16:00"]


def make_areas(n_areas: int = 400, seed: int = 0) -> AreaTable:
    """Neighbourhoods 1..n in districts of 16 (ids from 10,000) in regions of 64 (20,000)."""
    rng = np.random.default_rng(seed)
    pop = rng.integers(5_000, 40_000, n_areas)
    parents = (np.arange(n_areas) // 16 + 10_000).astype(np.int64)
    regions = (np.arange(n_areas) // 64 + 20_000).astype(np.int64)
    return AreaTable(
        ids=np.arange(1, n_areas + 1, dtype=np.int64),
        parent_ids=parents, ancestors=np.column_stack([parents, regions]),
        names=[f"area {i}" for i in range(1, n_areas + 1)],
        share_65plus=rng.uniform(0.08, 0.30, n_areas) * (pop > 0),
        share_under15=rng.uniform(0.05, 0.18, n_areas),
    )


def _slot_bank(templates: list[str], outward: bool) -> np.ndarray:
    return np.stack([to_slot_mask(parse_weekly_hours(h), outward=outward) for h in templates])


def make_spaces(n: int, seed: int = 0, box=SEOUL_BOX, n_areas: int = 400,
                crs: str = "EPSG:5179", rooms: bool = True) -> SpaceTable:
    """``n`` rooms. With ``rooms``, about one place in ten is a building of 2 to 12 rooms
    (sharing its location, neighbourhood, dates and transit); the others have one room."""
    table = _make_rows(n, seed, box, n_areas, crs)
    return _group_into_places(table, seed) if rooms and n else table


def _group_into_places(t: SpaceTable, seed: int) -> SpaceTable:
    rng = np.random.default_rng(seed + 20_000)  # leaves the other draws as they were
    n = len(t)
    sizes = np.where(rng.random(n) < 0.9, 1, rng.integers(2, 13, n))
    sizes = sizes[:int(np.searchsorted(np.cumsum(sizes), n)) + 1]
    n_places = len(sizes)
    place_of_row = np.repeat(np.arange(n_places), sizes)[:n]
    head = np.searchsorted(place_of_row, place_of_row)  # each row's place's first row
    for name in ("x", "y", "area", "date_from", "date_to", "subway_m", "subway_stop",
                 "bus_m", "bus_stop"):
        setattr(t, name, getattr(t, name)[head])
    t.place = rng.permutation(np.arange(1, n_places + 1, dtype=np.int64))[place_of_row]
    return t


def _make_rows(n: int, seed: int, box, n_areas: int, crs: str) -> SpaceTable:
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = box
    centres = rng.uniform((x0, y0), (x1, y1), size=(25, 2))
    clustered = rng.random(n) < 0.6
    xy = rng.uniform((x0, y0), (x1, y1), size=(n, 2))
    c = centres[rng.integers(0, 25, n)]
    xy[clustered] = c[clustered] + rng.normal(0, 1500, size=(int(clustered.sum()), 2))
    xy = np.clip(xy, (x0, y0), (x1, y1))
    area = (((xy[:, 0] - x0) / (x1 - x0) * 20).astype(int).clip(0, 19) * 20
            + ((xy[:, 1] - y0) / (y1 - y0) * 20).astype(int).clip(0, 19)) % n_areas
    m2 = np.round(rng.lognormal(4.3, 0.6, n).clip(10, 2000), 1)
    kind = rng.choice([COST_CODE["free"], COST_CODE["hourly"], COST_CODE["monthly"]], n,
                      p=[0.4, 0.4, 0.2])
    amount = np.where(kind == COST_CODE["hourly"], rng.integers(5, 60, n) * 1000.0,
                      np.where(kind == COST_CODE["monthly"], rng.integers(10, 200, n) * 10000.0,
                               0.0))
    n_acts = len(load_activities())
    uses = np.where(rng.random(n) < 0.5, 0,
                    rng.integers(1, 2 ** n_acts, n)).astype(np.uint32)
    bank = _slot_bank(HOUR_TEMPLATES, outward=False)
    start = np.where(rng.random(n) < 0.7, NO_DATE_MIN, 739_000 + rng.integers(0, 400, n))
    end = np.where(rng.random(n) < 0.7, NO_DATE_MAX, 739_500 + rng.integers(0, 400, n))
    return SpaceTable(
        crs=crs,
        id=(ids := rng.permutation(np.arange(1, n + 1, dtype=np.int64))), place=ids.copy(),
        x=xy[:, 0], y=xy[:, 1], area=area.astype(np.int32),
        floor_m2=m2, capacity=np.maximum((m2 / 2.5).astype(np.int32), 2),
        floor_level=rng.choice([-1, 0, 0, 0, 1, 2, 3], n).astype(np.int16),
        access=rng.integers(0, 16, n).astype(np.uint8),
        amenities=rng.integers(0, 2 ** len(AMENITY_BIT), n).astype(np.uint16),
        uses=uses, date_from=start.astype(np.int32), date_to=end.astype(np.int32),
        slots=bank[rng.integers(0, len(bank), n)].reshape(n, SLOT_WORDS),
        cost_kind=kind.astype(np.int8), cost_amount=amount,
        currency=np.zeros(n, dtype=np.int16),
        subway_m=rng.gamma(2.0, 400.0, n), subway_stop=rng.integers(0, 300, n).astype(np.int32),
        bus_m=rng.gamma(1.5, 150.0, n), bus_stop=rng.integers(0, 10_000, n).astype(np.int32),
        titles=[], currencies=["KRW"],
        subway_names=[f"station {i}" for i in range(300)],
        bus_names=[f"stop {i}" for i in range(10_000)],
    )


def make_needs(m: int, seed: int = 1, box=SEOUL_BOX, radius=(500.0, 5000.0),
               areas: AreaTable | None = None) -> list[Needs]:
    """``m`` projects, each with a location and radius. Given ``areas``, about a third of
    them choose areas instead (on any level), half of those with no location at all."""
    rng = np.random.default_rng(seed)
    area_rng = np.random.default_rng(seed + 10_000)  # leaves the other draws as they were
    acts = list(load_activities().values())
    bank = _slot_bank(NEED_TEMPLATES, outward=True)
    x0, y0, x1, y1 = box
    out = []
    for _ in range(m):
        act = acts[rng.integers(0, len(acts))]
        people = int(rng.integers(5, 60))
        ideal = max(act.min_m2, people * act.m2_per_person)
        slots = bank[rng.integers(0, len(bank))]
        hours = int(np.bitwise_count(slots).sum()) / 2 * 52 / 12
        # drawn in the order they always were, so seeds give the same projects as before
        access = int(rng.choice([0, 0, 0, ACCESS_BIT["step_free"]]))
        x, y, r = float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1)), rng.uniform(*radius)
        preferred, located = frozenset(), True
        if areas is not None and area_rng.random() < 1 / 3:
            level = area_rng.integers(0, 1 + areas.ancestors.shape[1])
            pool = areas.ids if level == 0 else areas.ancestors[:, level - 1]
            preferred = frozenset(int(a) for a in area_rng.choice(np.unique(pool[pool >= 0]),
                                                                  area_rng.integers(1, 3)))
            located = area_rng.random() < 0.5
        out.append(Needs(
            activity=act.code, participants=people,
            area_min=ideal * 0.8, area_max=ideal * 2.5, area_tolerance=0.2,
            access_bits=access,
            ground_or_lift=act.access == "ground_or_lift",
            amenity_bits=0, helpful_bits=sum(AMENITY_BIT[a] for a in act.helpful),
            x=x if located else None, y=y if located else None,
            max_distance_m=float(r) if located else None,
            preferred_areas=preferred, date_from=NO_DATE_MIN, date_to=NO_DATE_MAX,
            slots=slots, hours_per_month=hours,
            budget_monthly=float(rng.choice([0, 200_000, 500_000, 1_500_000])),
            currency="KRW", need_kind=rng.choice([None, "elders", "children"]),
            weights=Weights(), area_hard_max=ideal * 2.5 * FAR_BEYOND,
        ))
    return out
