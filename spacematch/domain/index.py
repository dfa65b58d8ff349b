"""An in-memory spatial index of listed spaces that answers "top k for this project".

Spaces are stored as columns (``SpaceTable``) sorted into horizontal bands of the metric
plane and, within a band, by x. A radius query then touches a few contiguous runs of rows —
one per band — so the columns are read as views, without gathering; cheap hard filters
(distance, floor area, capacity, cost) run first on those runs and the full score only on
the survivors. Ties are broken by space id, so results are deterministic.

Changes arrive without a rebuild: a changed or removed space is masked out of the main
table, and new versions go to a small delta table that is scanned in full; ``compact`` folds
the delta in when it grows.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from .scoring import Evaluation, Needs, evaluate, knows_transit, monthly_cost, rank
from .spacetable import ARRAY_COLUMNS, AreaTable, SpaceTable

DEFAULT_BAND_M = 1000.0


@dataclass(frozen=True)
class Hit:
    space_id: int
    score: float
    criteria: np.ndarray
    distance_m: float


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
    titles = (a.titles or [""] * len(a)) + (b.titles or [""] * len(b)) \
        if a.titles or b.titles else []
    return SpaceTable(crs=a.crs, titles=titles, **lists, **cols)


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
        order = np.lexsort((table.id, table.x, band))
        self.table = table.take(order)
        self.band = band[order]
        self.n_bands = int(self.band.max()) + 1 if n else 0
        self.band_start = np.searchsorted(self.band, np.arange(self.n_bands + 1))
        self.live = np.ones(n, dtype=bool)
        self.row_of = dict(zip(self.table.id.tolist(), range(n), strict=True))
        self.delta: SpaceTable | None = None
        # rows of each area, for projects that name areas but no location
        pos = self.table.area
        area_order = np.argsort(pos, kind="stable")
        self.area_rows = area_order
        self.area_start = np.searchsorted(pos[area_order], np.arange(len(self.areas.ids) + 1))

    def __len__(self) -> int:
        return int(self.live.sum()) + (len(self.delta) if self.delta is not None else 0)

    # -- changes ---------------------------------------------------------------------------
    def apply_changes(self, upserts: SpaceTable | None, removed_ids=()) -> None:
        """Replace or add the spaces in ``upserts``; drop ``removed_ids``."""
        gone = set(int(i) for i in removed_ids)
        if upserts is not None:
            gone |= set(upserts.id.tolist())
        for sid in gone:
            row = self.row_of.get(sid)
            if row is not None:
                self.live[row] = False
        if self.delta is not None and gone:
            keep = ~np.isin(self.delta.id, np.fromiter(gone, dtype=np.int64))
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
    def with_changes(self, upserts: SpaceTable | None, removed_ids=()) -> SpaceIndex:
        """A new index with the changes applied; this one is left as it was."""
        new = copy.copy(self)
        new.live = self.live.copy()
        new.apply_changes(upserts, removed_ids)
        return new

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
        tol = needs.area_tolerance
        m2 = t.floor_m2[run]
        ok = (m2 >= needs.area_min * (1 - tol)) & (m2 <= needs.area_max * (1 + tol))
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

    def search(self, needs: Needs, k: int = 20) -> list[Hit]:
        """The best ``k`` spaces for ``needs``: highest score first, then lowest id."""
        need_by_area = self._need(needs.need_kind)
        transit = self._knows_transit()
        found: list[tuple[SpaceTable, Evaluation, np.ndarray]] = []
        # The cheap filters run per contiguous run (views); the full score runs once over
        # all survivors, since numpy's per-call overhead dominates at these sizes.
        parts = [self._prefilter(self.table, run, needs) for run in self._runs(needs)]
        sources = [(self.table, np.concatenate(parts) if parts else np.zeros(0, np.int64))]
        if self.delta is not None and len(self.delta):
            sources.append((self.delta, self._prefilter(self.delta, slice(0, len(self.delta)),
                                                        needs)))
        for t, rows in sources:
            if len(rows):
                ev = evaluate(t, rows, needs, self.areas, need_by_area, transit)
                found.append((t, ev, rank(ev, t.id, k)))
        if not found:
            return []
        ids = np.concatenate([t.id[ev.rows[pick]] for t, ev, pick in found])
        scores = np.concatenate([ev.total[pick] for _, ev, pick in found])
        order = np.lexsort((ids, -scores))[:k]
        which = np.concatenate([np.full(len(pick), i) for i, (_, _, pick) in enumerate(found)])
        offs = np.concatenate([np.arange(len(pick)) for _, _, pick in found])
        hits = []
        for j in order:
            t, ev, pick = found[which[j]]
            p = pick[offs[j]]
            hits.append(Hit(int(ids[j]), float(scores[j]), ev.criteria[p],
                            float(ev.distance_m[p])))
        return hits

    def lookup(self, space_id: int) -> tuple[SpaceTable, int] | None:
        """The table and row currently holding ``space_id`` (delta first)."""
        if self.delta is not None:
            hit = np.flatnonzero(self.delta.id == space_id)
            if len(hit):
                return self.delta, int(hit[0])
        row = self.row_of.get(int(space_id))
        if row is not None and self.live[row]:
            return self.table, row
        return None

    def evaluate_one(self, space_id: int, needs: Needs) -> Evaluation | None:
        """Full evaluation of one space (for "why not this one?")."""
        found = self.lookup(space_id)
        if found is None:
            return None
        t, row = found
        return evaluate(t, np.array([row]), needs, self.areas, self._need(needs.need_kind),
                        self._knows_transit())

    def brute_force(self, needs: Needs, k: int = 20) -> list[tuple[int, float]]:
        """Reference answer: score every live space, no index. For tests and benchmarks."""
        table = self.live_table()
        ev = evaluate(table, slice(0, len(table)), needs, self.areas, self._need(needs.need_kind),
                      self._knows_transit())
        pick = rank(ev, table.id, k)
        return [(int(table.id[ev.rows[p]]), float(ev.total[p])) for p in pick]
