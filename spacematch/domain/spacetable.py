"""The columnar form of a catalogue of spaces: one numpy array per attribute.

Scoring and search work on whole columns at once, so the engine answers from memory without
a database round trip. Codes become bits (accessibility, amenities, allowed activities),
schedules become half-hour slot masks, places become metric x/y, and each space carries the
walking distance to its nearest subway station and bus stop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy.spatial import cKDTree

from .activities import load_activities
from .geometry import transform_xy
from .schedule import SLOT_WORDS, to_slot_mask
from .vocabulary import ACCESSIBILITY, AMENITIES, COST_KINDS

ACCESS_BIT = {code: 1 << i for i, code in enumerate(ACCESSIBILITY)}
AMENITY_BIT = {code: 1 << i for i, code in enumerate(AMENITIES)}
COST_CODE = {code: i for i, code in enumerate(COST_KINDS)}
NO_DATE_MIN, NO_DATE_MAX = np.iinfo(np.int32).min, np.iinfo(np.int32).max
# Straight-line distance times this factor approximates the walk on a street grid.
WALK_DETOUR = 1.3


def activity_bit(code: str) -> int:
    return 1 << list(load_activities()).index(code)


def bits_of(codes, table: dict[str, int]) -> int:
    """OR of the bits of ``codes``.

    >>> bits_of(["lift", "step_free"], ACCESS_BIT)
    3
    """
    out = 0
    for c in codes or ():
        out |= table[c]
    return out


def day_number(d: date | None, default: int) -> int:
    return default if d is None else d.toordinal()


@dataclass
class AreaTable:
    """Neighbourhood-need figures per area, indexed by position (``SpaceTable.area``)."""

    ids: np.ndarray  # database ids of the finest areas
    parent_ids: np.ndarray  # database id of each area's parent (-1 if none)
    names: list[str]
    share_65plus: np.ndarray  # NaN where unknown
    share_under15: np.ndarray
    # (n_areas, depth) database ids of every area above each finest one, nearest first,
    # padded with -1; column 0 is ``parent_ids``. Without one, just the parents.
    ancestors: np.ndarray | None = None
    # the names in the city's own language (``names`` are English where known)
    local_names: list[str] | None = None

    def __post_init__(self) -> None:
        if self.local_names is None:
            self.local_names = list(self.names)
        if self.ancestors is None:
            self.ancestors = np.asarray(self.parent_ids, dtype=np.int64).reshape(-1, 1)

    @classmethod
    def from_records(cls, records: list[dict],
                     parent_of: dict[int, int | None] | None = None) -> AreaTable:
        """Build from the finest areas' records (``id, parent_id, name, name_en, population,
        population_65plus, population_under15``).

        ``parent_of`` maps every area of the city, on every level, to its parent (None or
        absent at the top), so a project may choose an area on any level:

        >>> t = AreaTable.from_records([{"id": 100, "parent_id": 10, "name": "dong"}],
        ...                            parent_of={100: 10, 10: 1, 1: None})
        >>> t.ancestors.tolist(), t.parent_ids.tolist()
        ([[10, 1]], [10])
        """
        def share(num, den):
            return np.array([(r[num] / r[den]) if r.get(num) is not None and r.get(den) else np.nan
                             for r in records], dtype=np.float64)

        chains = [_ancestry(r, parent_of or {}) for r in records]
        depth = max([1, *map(len, chains)])
        ancestors = np.full((len(records), depth), -1, dtype=np.int64)
        for i, chain in enumerate(chains):
            ancestors[i, :len(chain)] = chain
        return cls(
            ids=np.array([r["id"] for r in records], dtype=np.int64),
            parent_ids=ancestors[:, 0].copy(),
            names=[r.get("name_en") or r["name"] for r in records],
            share_65plus=share("population_65plus", "population"),
            share_under15=share("population_under15", "population"),
            ancestors=ancestors,
            local_names=[r["name"] for r in records],
        )

    def within(self, chosen) -> np.ndarray:
        """Per area: is it one of ``chosen`` (database ids) or inside one of them?"""
        wanted = np.array(sorted(int(a) for a in chosen), dtype=np.int64)
        return np.isin(self.ids, wanted) | np.isin(self.ancestors, wanted).any(axis=1)

    def has_figures(self, kind: str | None) -> bool:
        """Is there a need to measure: an elders' or children's project, and known shares?"""
        values = {"elders": self.share_65plus, "children": self.share_under15}.get(kind or "")
        return values is not None and bool(np.isfinite(values).any())

    def need(self, kind: str) -> np.ndarray:
        """Need in [0, 1] per area: the share's position between the 10th and 90th percentile.

        Unknown shares count as average (0.5); ``kind`` other than elders/children gives 0.5.
        """
        values = {"elders": self.share_65plus, "children": self.share_under15}.get(kind)
        if values is None or np.all(np.isnan(values)):
            return np.full(len(self.ids), 0.5)
        lo, hi = np.nanpercentile(values, [10, 90])
        out = np.clip((values - lo) / (hi - lo if hi > lo else 1.0), 0.0, 1.0)
        return np.where(np.isnan(out), 0.5, out)


def _ancestry(record: dict, parent_of: dict[int, int | None]) -> list[int]:
    """Ids above an area, nearest first: its own parent, then up through ``parent_of``."""
    chain: list[int] = []
    parent = record.get("parent_id") or parent_of.get(record["id"])
    while parent is not None and parent not in chain and parent != record["id"]:
        chain.append(int(parent))
        parent = parent_of.get(parent)
    return chain


@dataclass
class SpaceTable:
    """Listed rooms as columns, one row per room; row order is arbitrary.

    ``id`` is the stable key of a row: a room's database id, or for the equal rooms of a
    divisible place a negative key (``domain.rooms.division_key``). ``place`` is the id of
    the place (the ``space`` row) the room belongs to; a room carries its place's location,
    neighbourhood, dates and transit, and its own size, equipment, hours and cost.
    """

    crs: str
    id: np.ndarray
    place: np.ndarray
    x: np.ndarray
    y: np.ndarray
    area: np.ndarray  # position in the AreaTable
    floor_m2: np.ndarray
    capacity: np.ndarray
    floor_level: np.ndarray
    access: np.ndarray
    amenities: np.ndarray
    uses: np.ndarray  # activity bits the owner allows; 0 = any
    date_from: np.ndarray
    date_to: np.ndarray
    slots: np.ndarray  # (n, SLOT_WORDS) uint64
    cost_kind: np.ndarray
    cost_amount: np.ndarray
    currency: np.ndarray  # position in ``currencies``
    subway_m: np.ndarray
    subway_stop: np.ndarray  # position in ``subway_names``, -1 if none
    bus_m: np.ndarray
    bus_stop: np.ndarray
    # Per row, as numpy object arrays (empty when not kept): the place's title, the room's
    # name. Arrays, not lists, so taking a million rows is one fancy index, not a loop.
    titles: np.ndarray = field(default_factory=lambda: NO_TEXT)
    room_names: np.ndarray = field(default_factory=lambda: NO_TEXT)
    currencies: list[str] = field(default_factory=list)
    subway_names: list[str] = field(default_factory=list)
    bus_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.id)

    def __post_init__(self) -> None:
        for name in ROW_TEXTS:
            values = getattr(self, name)
            if not isinstance(values, np.ndarray) or values.dtype != object:
                setattr(self, name, text_column(values))

    def take(self, rows: np.ndarray) -> SpaceTable:
        """A new table with only ``rows`` (in that order)."""
        cols = {name: getattr(self, name)[rows] for name in ARRAY_COLUMNS}
        texts = {name: getattr(self, name)[rows] if len(getattr(self, name)) else NO_TEXT
                 for name in ROW_TEXTS}
        return SpaceTable(crs=self.crs, currencies=self.currencies,
                          subway_names=self.subway_names, bus_names=self.bus_names,
                          **texts, **cols)

    def title_of(self, row: int) -> str:
        return str(self.titles[row]) if len(self.titles) else ""

    def room_name_of(self, row: int) -> str:
        return str(self.room_names[row]) if len(self.room_names) else ""

    @classmethod
    def from_records(cls, records: list[dict], crs: str, area_ids: np.ndarray,
                     stops: dict[str, list[dict]] | None = None) -> SpaceTable:
        """Build from plain dicts (as services read them from the database).

        Each record has ``id, lon, lat, area_id, floor_area_m2, capacity, floor_level,
        accessibility, amenities, allowed_uses, available_from, available_to,
        weekly_hours, cost_kind, cost_amount, currency`` and optionally ``place`` (the
        room's place; its own ``id`` if absent: a place with one room), ``title`` and
        ``room_name``, and ``taken`` (a slot mask of hours already booked, not offered).
        ``stops`` maps ``subway``/``bus`` to dicts with ``name, lon, lat``.
        """
        n = len(records)
        lon = np.array([r["lon"] for r in records], dtype=np.float64)
        lat = np.array([r["lat"] for r in records], dtype=np.float64)
        x, y = transform_xy(lon, lat, "EPSG:4326", crs) if n else (lon, lat)
        area_pos = {int(a): i for i, a in enumerate(area_ids)}
        currencies = sorted({r["currency"] for r in records})
        slots = np.zeros((n, SLOT_WORDS), dtype=np.uint64)
        for i, r in enumerate(records):
            slots[i] = to_slot_mask(r["weekly_hours"], outward=False)
            if r.get("taken") is not None:  # hours its bookings already hold
                slots[i] &= ~np.asarray(r["taken"], dtype=np.uint64)
        table = cls(
            crs=crs,
            id=np.array([r["id"] for r in records], dtype=np.int64),
            place=np.array([r.get("place", r["id"]) for r in records], dtype=np.int64),
            x=np.asarray(x, dtype=np.float64), y=np.asarray(y, dtype=np.float64),
            area=np.array([area_pos.get(r["area_id"], -1) for r in records], dtype=np.int32),
            floor_m2=np.array([r["floor_area_m2"] for r in records], dtype=np.float64),
            capacity=np.array([r["capacity"] for r in records], dtype=np.int32),
            floor_level=np.array([r["floor_level"] for r in records], dtype=np.int16),
            access=np.array([bits_of(r["accessibility"], ACCESS_BIT) for r in records],
                            dtype=np.uint8),
            amenities=np.array([bits_of(r["amenities"], AMENITY_BIT) for r in records],
                               dtype=np.uint16),
            uses=np.array([sum(activity_bit(u) for u in r["allowed_uses"]) for r in records],
                          dtype=np.uint32),
            date_from=np.array([day_number(r["available_from"], NO_DATE_MIN) for r in records],
                               dtype=np.int32),
            date_to=np.array([day_number(r["available_to"], NO_DATE_MAX) for r in records],
                             dtype=np.int32),
            slots=slots,
            cost_kind=np.array([COST_CODE[r["cost_kind"]] for r in records], dtype=np.int8),
            cost_amount=np.array([float(r["cost_amount"]) for r in records], dtype=np.float64),
            currency=np.array([currencies.index(r["currency"]) for r in records], dtype=np.int16),
            subway_m=np.full(n, np.inf), subway_stop=np.full(n, -1, dtype=np.int32),
            bus_m=np.full(n, np.inf), bus_stop=np.full(n, -1, dtype=np.int32),
            titles=[r.get("title", "") for r in records],
            room_names=[r.get("room_name", "") for r in records], currencies=currencies,
        )
        for kind, found in (stops or {}).items():
            table.attach_stops(kind, found)
        return table

    def attach_stops(self, kind: str, stops: list[dict]) -> None:
        """Record the nearest stop of ``kind`` and its walking distance for every space.

        The names are kept even for a table without rows: a city that starts empty still
        knows its stops, and the spaces added to it later find their stations by name.
        """
        if not stops:
            return
        setattr(self, f"{kind}_names", [s["name"] for s in stops])
        if not len(self):
            return
        sx, sy = transform_xy([s["lon"] for s in stops], [s["lat"] for s in stops],
                              "EPSG:4326", self.crs)
        dist, idx = cKDTree(np.column_stack([sx, sy])).query(np.column_stack([self.x, self.y]))
        setattr(self, f"{kind}_m", dist * WALK_DETOUR)
        setattr(self, f"{kind}_stop", idx.astype(np.int32))


ARRAY_COLUMNS = ("id", "place", "x", "y", "area", "floor_m2", "capacity", "floor_level", "access",
                 "amenities", "uses", "date_from", "date_to", "slots", "cost_kind",
                 "cost_amount", "currency", "subway_m", "subway_stop", "bus_m", "bus_stop")
ROW_TEXTS = ("titles", "room_names")  # per-row text columns, empty when not kept
NO_TEXT = np.empty(0, dtype=object)


def text_column(values) -> np.ndarray:
    """A per-row text column: a numpy array of Python strings.

    >>> text_column(["a", "b"])[[1, 0]].tolist(), len(text_column([]))
    (['b', 'a'], 0)
    """
    out = np.empty(len(values), dtype=object)
    out[:] = list(values)
    return out
