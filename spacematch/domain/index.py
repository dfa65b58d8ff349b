"""An in-memory spatial index of listed rooms that answers "top k places for this project".

Rooms are stored as columns (``SpaceTable``, one row per room, carrying its place's
location) sorted into horizontal bands of the metric plane and, within a band, by x, so the
rooms of one place are neighbours. A radius query then touches a few contiguous runs of rows
— one per band — so the columns are read as views, without gathering; cheap hard filters
(distance, floor area, capacity, cost) run first on those runs and the full score only on
the survivors. Rooms are scored one by one and places ranked by their best room; ties are
broken by place id, then room key, so results are deterministic.

Changes arrive by place, without a rebuild: a changed or removed place has all its rooms
masked out of the main table, and its new rooms go to a small delta table that is scanned in
full; ``compact`` folds the delta in when it grows.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .scoring import Evaluation, Needs, evaluate, knows_transit, monthly_cost, rank_places
from .spacetable import ARRAY_COLUMNS, NO_TEXT, ROW_TEXTS, AreaTable, SpaceTable, text_column

DEFAULT_BAND_M = 1000.0


@dataclass(frozen=True)
class Hit:
    """A place in a ranking, by its best room."""

    space_id: int  # the place
    room: int  # its best room's key
    score: float
    criteria: np.ndarray
    distance_m: float
    rooms_fit: int = 1  # how many of its rooms pass every hard constraint
    # its best rooms as (key, score), best first (as many as the search asked for)
    rooms: tuple[tuple[int, float], ...] = ()


def merge_lookup(a: list[str], b: list[str]) -> tuple[list[str], np.ndarray | None]:
    """One lookup list for codes into ``a`` and into ``b``, and how ``b``'s codes map into it.

    Equal lists are reused as they are (``None``: codes stay), so tables built from the same
    stops never grow their lists; otherwise ``b``'s new names are appended.

    >>> merge_lookup(["KRW"], ["USD", "KRW"])
    (['KRW', 'USD'], array([1, 0]))
    """
    if a is b or a == b:
        return a, None
    merged = list(a)
    pos: dict[str, int] = {}
    for i, name in enumerate(merged):
        pos.setdefault(name, i)
    mapping = np.empty(len(b), dtype=np.int64)
    for i, name in enumerate(b):
        if name not in pos:
            pos[name] = len(merged)
            merged.append(name)
        mapping[i] = pos[name]
    return merged, mapping


def _recode(codes: np.ndarray, mapping: np.ndarray | None) -> np.ndarray:
    if mapping is None or not len(codes):
        return codes
    # -1 ("none") stays -1; every other code moves to its place in the merged list. Only
    # real codes index ``mapping``, which is empty when the table brought no names.
    out = np.full_like(codes, -1)
    ok = codes >= 0
    out[ok] = mapping[codes[ok]]
    return out


def concat_tables(a: SpaceTable, b: SpaceTable) -> SpaceTable:
    """Rows of ``a`` then ``b`` (same CRS), their lookup-list codes mapped into shared lists.

    A delta is built on its own (``SpaceTable.from_records``), so its currency and stop codes
    index its own lists; they are translated here, never read against ``a``'s lists.
    """
    b_cols = {name: getattr(b, name) for name in ARRAY_COLUMNS}
    lists = {}
    for codes, names in (("currency", "currencies"), ("subway_stop", "subway_names"),
                         ("bus_stop", "bus_names")):
        lists[names], mapping = merge_lookup(getattr(a, names), getattr(b, names))
        b_cols[codes] = _recode(b_cols[codes], mapping)
    cols = {name: np.concatenate([getattr(a, name), b_cols[name]]) for name in ARRAY_COLUMNS}
    texts = {name: np.concatenate([_texts(a, name), _texts(b, name)])
             if len(getattr(a, name)) or len(getattr(b, name)) else NO_TEXT
             for name in ROW_TEXTS}
    return SpaceTable(crs=a.crs, **texts, **lists, **cols)


def _texts(t: SpaceTable, name: str) -> np.ndarray:
    values = getattr(t, name)
    return values if len(values) else text_column([""] * len(t))


class SpaceIndex:
    """Banded columnar index over a ``SpaceTable`` plus an ``AreaTable`` of need figures."""

    def __init__(self, table: SpaceTable, areas: AreaTable, band_m: float = DEFAULT_BAND_M):
        self.areas = areas
        self.band_m = band_m
        self._need_cache: dict[str, np.ndarray] = {}
        self._build(table)

    # -- construction ----------------------------------------------------------------------
    def _build(self, table: SpaceTable) -> None:
        n = len(table)
        self.y0 = float(table.y.min()) if n else 0.0
        band = np.floor((table.y - self.y0) / self.band_m).astype(np.int64) if n else \
            np.zeros(0, dtype=np.int64)
        order = np.lexsort((table.id, table.place, table.x, band))
        self.table = table.take(order)
        self.band = band[order]
        self.n_bands = int(self.band.max()) + 1 if n else 0
        self.band_start = np.searchsorted(self.band, np.arange(self.n_bands + 1))
        self.live = np.ones(n, dtype=bool)
        # rows by room key and by place, as sorted arrays (binary search; no dict of 1M keys)
        self.by_id = np.argsort(self.table.id, kind="stable")
        self.sorted_ids = self.table.id[self.by_id]
        self.by_place = np.argsort(self.table.place, kind="stable")
        self.sorted_places = self.table.place[self.by_place]
        self.delta: SpaceTable | None = None
        # rows of each area, for projects that name areas but no location
        pos = self.table.area
        area_order = np.argsort(pos, kind="stable")
        self.area_rows = area_order
        self.area_start = np.searchsorted(pos[area_order], np.arange(len(self.areas.ids) + 1))

    def __len__(self) -> int:
        return int(self.live.sum()) + (len(self.delta) if self.delta is not None else 0)

    # -- changes ---------------------------------------------------------------------------
    def apply_changes(self, upserts: SpaceTable | None, removed_places=()) -> None:
        """Replace the places in ``upserts`` with the rooms given there (a place's rooms
        come together or not at all); drop every room of ``removed_places``."""
        gone = set(int(i) for i in removed_places)
        if upserts is not None:
            gone |= set(upserts.place.tolist())
        for place in gone:
            self.live[self._main_rows_of(place)] = False
        if self.delta is not None and gone:
            keep = ~np.isin(self.delta.place, np.fromiter(gone, dtype=np.int64))
            self.delta = self.delta.take(np.flatnonzero(keep))
        if upserts is not None and len(upserts):
            self.delta = upserts if self.delta is None else concat_tables(self.delta, upserts)

    def compact(self) -> None:
        """Fold the delta into the main table (a rebuild of the sort order)."""
        self._build(self.live_table())

    def live_table(self) -> SpaceTable:
        """Every live space (main table then delta) as one table."""
        table = self.table.take(np.flatnonzero(self.live))
        if self.delta is not None and len(self.delta):
            table = concat_tables(table, self.delta)
        return table

    # Copy-on-write versions, for servers whose threads search while another applies changes:
    # a search keeps the index object it started with, which never changes under it.
    def with_changes(self, upserts: SpaceTable | None, removed_places=()) -> SpaceIndex:
        """A new index with the changes applied; this one is left as it was."""
        new = copy.copy(self)
        new.live = self.live.copy()
        new.apply_changes(upserts, removed_places)
        return new

    def _main_rows_of(self, place: int) -> np.ndarray:
        lo, hi = np.searchsorted(self.sorted_places, [place, place + 1])
        return self.by_place[lo:hi]

    def compacted(self) -> SpaceIndex:
        """A new index with the delta folded in; this one is left as it was."""
        return SpaceIndex(self.live_table(), self.areas, self.band_m)

    # -- queries ---------------------------------------------------------------------------
    def _need(self, kind: str | None) -> np.ndarray:
        key = kind or ""
        if key not in self._need_cache:
            self._need_cache[key] = self.areas.need(key)
        return self._need_cache[key]

    def _knows_transit(self) -> bool:
        # decided for the whole index, so rows in the main table and the delta score alike
        return knows_transit(self.table) or (self.delta is not None
                                             and knows_transit(self.delta))

    def _runs(self, needs: Needs) -> list:
        """Contiguous runs (slices) or row arrays of the main table that may hold matches."""
        t = self.table
        if needs.x is not None and needs.max_distance_m:
            r = needs.max_distance_m
            b0 = max(int(np.floor((needs.y - r - self.y0) / self.band_m)), 0)
            b1 = min(int(np.floor((needs.y + r - self.y0) / self.band_m)), self.n_bands - 1)
            runs = []
            for b in range(b0, b1 + 1):
                s, e = self.band_start[b], self.band_start[b + 1]
                xs = t.x[s:e]
                lo = s + np.searchsorted(xs, needs.x - r, "left")
                hi = s + np.searchsorted(xs, needs.x + r, "right")
                if hi > lo:
                    runs.append(slice(int(lo), int(hi)))
            return runs
        if needs.preferred_areas:
            wanted = np.flatnonzero(self.areas.within(needs.preferred_areas))
            parts = [self.area_rows[self.area_start[a]:self.area_start[a + 1]] for a in wanted]
            return [np.sort(np.concatenate(parts))] if parts else []
        return [slice(0, len(t))]

    def _prefilter(self, t: SpaceTable, run, needs: Needs) -> np.ndarray:
        """Absolute row numbers in ``run`` that pass the cheap hard constraints."""
        lo_edge, hi_edge = needs.area_edges
        m2 = t.floor_m2[run]
        ok = (m2 >= lo_edge) & (m2 <= hi_edge)
        ok &= t.capacity[run] >= needs.participants
        if needs.x is not None and needs.max_distance_m:
            dx = t.x[run] - needs.x
            dy = t.y[run] - needs.y
            ok &= dx * dx + dy * dy <= needs.max_distance_m ** 2
        ok &= monthly_cost(t, run, needs.hours_per_month) <= needs.budget_monthly + 1e-6
        if t is self.table:
            ok &= self.live[run]
        found = np.flatnonzero(ok)
        return found + run.start if isinstance(run, slice) else run[found]

    def search(self, needs: Needs, k: int = 20, rooms_per_place: int = 1) -> list[Hit]:
        """The best ``k`` places for ``needs`` by their best room: highest score first, then
        lowest place id. Each hit names its best ``rooms_per_place`` rooms."""
        need_by_area = self._need(needs.need_kind)
        transit = self._knows_transit()
        # The cheap filters run per contiguous run (views); the full score runs once over
        # all survivors, since numpy's per-call overhead dominates at these sizes.
        parts = [self._prefilter(self.table, run, needs) for run in self._runs(needs)]
        sources = [(self.table, np.concatenate(parts) if parts else np.zeros(0, np.int64))]
        if self.delta is not None and len(self.delta):
            sources.append((self.delta, self._prefilter(self.delta, slice(0, len(self.delta)),
                                                        needs)))
        ranked = []
        # a place's rooms are all in one source (its old rows are masked when it changes)
        for t, rows in sources:
            if len(rows):
                ev = evaluate(t, rows, needs, self.areas, need_by_area, transit)
                ranked.append(_hits(t, ev, rank_places(ev, t.id, t.place, k, rooms_per_place)))
        if len(ranked) == 1:  # already in order (the usual case: no delta)
            return ranked[0]
        hits = [h for part in ranked for h in part]
        hits.sort(key=lambda h: (-h.score, h.space_id))
        return hits[:k]

    def lookup(self, room: int) -> tuple[SpaceTable, int] | None:
        """The table and row currently holding room key ``room`` (delta first)."""
        if self.delta is not None:
            hit = np.flatnonzero(self.delta.id == room)
            if len(hit):
                return self.delta, int(hit[0])
        i = int(np.searchsorted(self.sorted_ids, room))
        if i < len(self.sorted_ids) and self.sorted_ids[i] == room:
            row = int(self.by_id[i])
            if self.live[row]:
                return self.table, row
        return None

    def place_rows(self, place: int) -> tuple[SpaceTable, np.ndarray] | None:
        """The table and rows currently holding the rooms of ``place``, in key order."""
        if self.delta is not None:
            hit = np.flatnonzero(self.delta.place == place)
            if len(hit):
                return self.delta, hit[np.argsort(self.delta.id[hit], kind="stable")]
        rows = self._main_rows_of(place)
        rows = rows[self.live[rows]]
        if not len(rows):
            return None
        return self.table, rows[np.argsort(self.table.id[rows], kind="stable")]

    def evaluate_one(self, room: int, needs: Needs) -> Evaluation | None:
        """Full evaluation of one room (for its explanation)."""
        found = self.lookup(room)
        if found is None:
            return None
        t, row = found
        return evaluate(t, np.array([row]), needs, self.areas, self._need(needs.need_kind),
                        self._knows_transit())

    def evaluate_place(self, place: int, needs: Needs
                       ) -> tuple[SpaceTable, Evaluation] | None:
        """Full evaluation of every room of one place (for "why not this one?")."""
        found = self.place_rows(place)
        if found is None:
            return None
        t, rows = found
        return t, evaluate(t, rows, needs, self.areas, self._need(needs.need_kind),
                           self._knows_transit())

    def brute_force(self, needs: Needs, k: int = 20) -> list[tuple[int, float]]:
        """Reference answer: score every live room, no index; the best ``k`` places as
        (place, score). For tests and benchmarks."""
        table = self.live_table()
        ev = evaluate(table, slice(0, len(table)), needs, self.areas, self._need(needs.need_kind),
                      self._knows_transit())
        ranked = rank_places(ev, table.id, table.place, k)
        return [(int(p), float(ev.total[r[0]])) for p, r in zip(ranked.places, ranked.rooms,
                                                                 strict=True)]


def _hits(t: SpaceTable, ev: Evaluation, ranked) -> list[Hit]:
    if not len(ranked.places):
        return []
    # one gather for every listed room of every place, then plain Python per hit
    counts = [len(r) for r in ranked.rooms]
    flat = np.concatenate(ranked.rooms)
    keys = t.id[ev.rows[flat]].tolist()
    scores = ev.total[flat].tolist()
    rooms = list(zip(keys, scores, strict=True))
    starts = np.cumsum(counts) - counts
    best = flat[starts]
    criteria = ev.criteria[best]
    dist = ev.distance_m[best].tolist()
    return [Hit(place, keys[s], scores[s], criteria[i], dist[i], fits, tuple(rooms[s:s + c]))
            for i, (place, fits, s, c) in enumerate(zip(ranked.places.tolist(),
                                                        ranked.fits.tolist(), starts.tolist(),
                                                        counts, strict=True))]
