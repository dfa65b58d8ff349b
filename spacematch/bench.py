"""Benchmark of the matching engine: ``python -m spacematch.bench`` prints one JSON object.

It generates N rooms and M projects over a Seoul-sized area (EPSG:5179, 60 % clustered
around 25 centres); about one place in ten is a building of 2 to 12 rooms, the others have
one. Rooms are the rows the engine scores; a ranking lists places, each by its best room.
It measures, on the same data in the same run:

- index build time and memory; top-20 places latency (p50/p95) per project at each N;
- a batch of projects over N rooms; district-wide pairing of projects with rooms, with
  time-sharing (candidates: each project's best 20 places, up to 3 rooms of each);
- the same top-20 places as one PostGIS statement (GiST index, ST_DWithin plus filters,
  the best room per place by DISTINCT ON, ORDER BY score LIMIT 20) when PostGIS is
  reachable, and as a plain GeoPandas filter-and-sort, each as a ratio to the engine,
  checking that every method returns the same ranked list of (place, score).

Targets (2-core machine): p50 ≤ 2 ms and p95 ≤ 10 ms at N = 1,000,000 rooms; 10,000 projects
over 100,000 rooms ≤ 5 s; ≥ 20× faster than PostGIS at N = 1,000,000; pairing 2,000 projects
× 20,000 rooms ≤ 10 s. ``--quick`` runs tiny sizes (used by the test suite).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import sys
import time

import numpy as np

from .domain.index import SpaceIndex
from .domain.pairing import Candidate, plan_pairings
from .domain.scoring import criteria_that_apply, effective_weights, knows_transit
from .domain.spacetable import ACCESS_BIT, ARRAY_COLUMNS
from .domain.synthetic import make_areas, make_needs, make_spaces

TOLERANCE = 1e-9  # scores closer than this are ties; their order may differ by method


def _ms(samples) -> dict:
    a = np.asarray(samples) * 1000
    return {"p50_ms": round(float(np.percentile(a, 50)), 3),
            "p95_ms": round(float(np.percentile(a, 95)), 3),
            "mean_ms": round(float(a.mean()), 3), "queries": len(a)}


def _time_each(fn, items) -> tuple[list, list[float]]:
    out, times = [], []
    for it in items:
        t0 = time.perf_counter()
        out.append(fn(it))
        times.append(time.perf_counter() - t0)
    return out, times


# the index's own arrays besides the table's columns (band order, masks, key look-ups)
INDEX_ARRAYS = ("band", "band_start", "live", "by_id", "sorted_ids", "by_place",
                "sorted_places", "area_rows", "area_start")


def _index_bytes(index: SpaceIndex) -> int:
    cols = sum(getattr(index.table, c).nbytes for c in ARRAY_COLUMNS)
    return cols + sum(getattr(index, a).nbytes for a in INDEX_ARRAYS)


def _sizes(table) -> dict:
    """How many rows (rooms) and places a generated table has."""
    return {"rows": len(table), "places": int(len(np.unique(table.place)))}


def same_ranking(a: list[tuple[int, float]], b: list[tuple[int, float]]) -> bool:
    """The same ranked list of (place, score), allowing only reorderings among scores tied
    within TOLERANCE.

    Ranks must carry equal scores, a place in both lists must have one score, and a place in
    only one list must tie with the last score (a tie at the cut-off).
    """
    if [i for i, _ in a] == [i for i, _ in b]:
        return True
    if len(a) != len(b) or not a:
        return False
    if any(abs(sa - sb) >= TOLERANCE for (_, sa), (_, sb) in zip(a, b, strict=True)):
        return False
    da, db = dict(a), dict(b)
    if any(abs(da[i] - db[i]) >= TOLERANCE for i in da.keys() & db.keys()):
        return False
    last = min(a[-1][1], b[-1][1])
    return all(abs(s - last) < TOLERANCE for i, s in [*a, *b] if i not in da or i not in db)


# -- GeoPandas: filter and sort, no spatial index --------------------------------------------
def geopandas_frame(index: SpaceIndex):
    import geopandas as gpd

    t = index.table
    live = np.flatnonzero(index.live)
    return gpd.GeoDataFrame(
        {"id": t.id[live], "place": t.place[live], "floor_m2": t.floor_m2[live],
         "capacity": t.capacity[live],
         "floor_level": t.floor_level[live], "access": t.access[live].astype(np.int64),
         "amenities": t.amenities[live].astype(np.int64), "uses": t.uses[live].astype(np.int64),
         "date_from": t.date_from[live], "date_to": t.date_to[live],
         "cost_kind": t.cost_kind[live], "cost_amount": t.cost_amount[live],
         "subway_m": t.subway_m[live], "bus_m": t.bus_m[live], "area": t.area[live],
         **{f"s{i}": t.slots[live, i] for i in range(t.slots.shape[1])}},
        geometry=gpd.points_from_xy(t.x[live], t.y[live]), crs=t.crs)


def engine_weights(index: SpaceIndex, needs) -> np.ndarray:
    """The weights the engine uses for ``needs``: criteria that do not apply left out."""
    applies = criteria_that_apply(needs, index.areas, knows_transit(index.table))
    return effective_weights(needs.weights, applies)


def geopandas_top(gdf, needs, need_by_area, w, k=20) -> list[tuple[int, float]]:
    """The best ``k`` places as (place, score), each by its best passing room."""
    import shapely

    d = gdf.geometry.distance(shapely.Point(needs.x, needs.y)).to_numpy()
    lo_edge, hi_edge = needs.area_edges
    m2 = gdf["floor_m2"].to_numpy()
    access = gdf["access"].to_numpy()
    kind, amount = gdf["cost_kind"].to_numpy(), gdf["cost_amount"].to_numpy()
    cost = np.where(kind == 2, amount * needs.hours_per_month, np.where(kind == 1, amount, 0.0))
    overlap = sum(np.bitwise_count(gdf[f"s{i}"].to_numpy() & needs.slots[i])
                  for i in range(len(needs.slots))).astype(np.int64)
    uses, amen = gdf["uses"].to_numpy(), gdf["amenities"].to_numpy()
    ok = ((d <= needs.max_distance_m) & (m2 >= lo_edge) & (m2 <= hi_edge)
          & (gdf["capacity"].to_numpy() >= needs.participants)
          & ((access & needs.access_bits) == needs.access_bits)
          & ((not needs.ground_or_lift) | (gdf["floor_level"].to_numpy() == 0)
             | ((access & ACCESS_BIT["lift"]) != 0))
          & (gdf["date_to"].to_numpy() >= needs.date_from)
          & (gdf["date_from"].to_numpy() <= needs.date_to) & (overlap > 0)
          & (cost <= needs.budget_monthly + 1e-6)
          & ((uses == 0) | ((uses & needs.use_bit) != 0))
          & ((amen & needs.amenity_bits) == needs.amenity_bits))
    sub = gdf.loc[ok, ["id", "place"]].copy()
    m2, dd, c, ov, am = m2[ok], d[ok], cost[ok], overlap[ok], amen[ok]
    # too small: linear to 0 at the low edge; too big: falls with log(excess) to 0 at the
    # high edge (the high edge passes, scoring 0)
    below = np.clip((m2 - lo_edge) / max(needs.area_min - lo_edge, 1e-9), 0, 1)
    log_span = np.log(hi_edge / needs.area_max) if hi_edge > needs.area_max else 1e-9
    above = np.clip(1 - np.log(m2 / needs.area_max) / log_span, 0, 1)
    crit = np.column_stack([
        np.where(m2 < needs.area_min, below, np.where(m2 > needs.area_max, above, 1.0)),
        np.exp(-dd / (needs.max_distance_m / 2)),
        0.6 * np.exp(-gdf["subway_m"].to_numpy()[ok] / 800.0)
        + 0.4 * np.exp(-gdf["bus_m"].to_numpy()[ok] / 400.0),
        ov / max(int(np.bitwise_count(needs.slots).sum()), 1),
        (np.clip(1 - c / needs.budget_monthly, 0, 1) if needs.budget_monthly > 0
         else np.where(c > 0, 0.0, 1.0)),
        (np.bitwise_count(am & needs.helpful_bits) / needs.helpful_bits.bit_count()
         if needs.helpful_bits else np.ones(len(am))),
        need_by_area[gdf["area"].to_numpy()[ok]],
    ])
    sub["score"] = crit @ w
    # a place's first row in (score desc, place) order is its best room, and the places'
    # first rows come in ranking order
    best = sub.sort_values(["score", "place"], ascending=[False, True]
                           ).drop_duplicates("place").head(k)
    return list(zip(best["place"].astype(int).tolist(), best["score"].tolist(), strict=True))


# -- PostGIS: one SQL statement per project ----------------------------------------------------
PG_TABLE = "bench_space"
PG_SQL = """
WITH c AS (
  SELECT id, place, floor_m2, subway_m, bus_m, amenities, need,
         ST_Distance(geom, ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 5179)) AS d,
         CASE cost_kind WHEN 2 THEN cost_amount * %(hpm)s WHEN 1 THEN cost_amount ELSE 0 END
           AS cost,
         bit_count((s0 & %(n0)s)::bit(64)) + bit_count((s1 & %(n1)s)::bit(64))
         + bit_count((s2 & %(n2)s)::bit(64)) + bit_count((s3 & %(n3)s)::bit(64))
         + bit_count((s4 & %(n4)s)::bit(64)) + bit_count((s5 & %(n5)s)::bit(64)) AS ov
  FROM {table}
  WHERE ST_DWithin(geom, ST_SetSRID(ST_MakePoint(%(x)s, %(y)s), 5179), %(r)s)
    AND floor_m2 BETWEEN %(lo_edge)s AND %(hi_edge)s
    AND capacity >= %(people)s
    AND (access & %(acc)s) = %(acc)s
    AND (NOT %(gol)s OR floor_level = 0 OR (access & 2) <> 0)
    AND date_to >= %(dfrom)s AND date_from <= %(dto)s
    AND (uses = 0 OR (uses & %(use)s) <> 0)
    AND (amenities & %(amen)s) = %(amen)s
)
SELECT place, score FROM (
 SELECT DISTINCT ON (place) place, id, score FROM (
  SELECT place, id,
    %(w0)s * CASE WHEN floor_m2 < %(lo)s
                    THEN LEAST(GREATEST((floor_m2 - %(lo_edge)s) / %(lo_span)s, 0), 1)
                  WHEN floor_m2 > %(hi)s
                    THEN LEAST(GREATEST(1 - ln(floor_m2 / %(hi)s) / %(hi_log_span)s, 0), 1)
                  ELSE 1 END
    + %(w1)s * exp(-d / %(dscale)s)
    + %(w2)s * (0.6 * exp(-subway_m / 800.0) + 0.4 * exp(-bus_m / 400.0))
    + %(w3)s * ov / %(wanted)s
    + %(w4)s * CASE WHEN %(budget)s > 0 THEN LEAST(GREATEST(1 - cost / %(budget)s, 0), 1)
                    WHEN cost > 0 THEN 0 ELSE 1 END
    + %(w5)s * CASE WHEN %(nhelp)s > 0
                    THEN bit_count((amenities & %(helpful)s)::bit(32))::float8 / %(nhelp)s
                    ELSE 1 END
    + %(w6)s * need[%(needcol)s] AS score
  FROM c WHERE ov > 0 AND cost <= %(budget)s + 1e-6
 ) s ORDER BY place, score DESC, id
) b ORDER BY score DESC, place LIMIT %(k)s
"""


def _signed(words) -> list[int]:
    return [int(v) for v in np.asarray(words, dtype=np.uint64).view(np.int64)]


def postgis_load(url: str, index: SpaceIndex, need_cols: list[np.ndarray]) -> dict:
    import psycopg

    t = index.table
    live = np.flatnonzero(index.live)
    slots = t.slots[live].view(np.int64)
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")
        conn.execute(f"""CREATE UNLOGGED TABLE {PG_TABLE} (
            id bigint, place bigint, geom geometry(Point, 5179), floor_m2 float8, capacity int,
            floor_level int, access int, amenities int, uses bigint, date_from int, date_to int,
            s0 bigint, s1 bigint, s2 bigint, s3 bigint, s4 bigint, s5 bigint,
            cost_kind int, cost_amount float8, subway_m float8, bus_m float8, need float8[])""")
        buf = io.StringIO()
        needs_by_row = np.column_stack([col[np.maximum(t.area[live], 0)] for col in need_cols])
        for j, i in enumerate(live):
            need = "{" + ",".join(repr(float(v)) for v in needs_by_row[j]) + "}"
            buf.write("\t".join([
                str(t.id[i]), str(t.place[i]),
                f"SRID=5179;POINT({float(t.x[i])!r} {float(t.y[i])!r})", repr(float(t.floor_m2[i])),
                str(t.capacity[i]), str(t.floor_level[i]), str(t.access[i]), str(t.amenities[i]),
                str(t.uses[i]), str(t.date_from[i]), str(t.date_to[i]),
                *map(str, slots[j]), str(t.cost_kind[i]), repr(float(t.cost_amount[i])),
                repr(float(t.subway_m[i])), repr(float(t.bus_m[i])), need]) + "\n")
        with conn.cursor() as cur, cur.copy(f"COPY {PG_TABLE} FROM STDIN") as copy:
            data = buf.getvalue()
            for start in range(0, len(data), 1 << 20):
                copy.write(data[start:start + (1 << 20)])
        t1 = time.perf_counter()
        conn.execute(f"CREATE INDEX {PG_TABLE}_geom_gist ON {PG_TABLE} USING gist (geom)")
        conn.execute(f"ANALYZE {PG_TABLE}")
        t2 = time.perf_counter()
    return {"copy_s": round(t1 - t0, 2), "gist_index_s": round(t2 - t1, 2)}


def postgis_params(needs, need_col: int, w: np.ndarray, k: int = 20) -> dict:
    lo_edge, hi_edge = needs.area_edges
    n = _signed(needs.slots)
    return {
        "x": needs.x, "y": needs.y, "r": needs.max_distance_m, "hpm": needs.hours_per_month,
        **{f"n{i}": n[i] for i in range(6)},
        "lo_edge": lo_edge, "hi_edge": hi_edge, "lo": needs.area_min, "hi": needs.area_max,
        "lo_span": max(needs.area_min - lo_edge, 1e-9),
        "hi_log_span": (float(np.log(hi_edge / needs.area_max)) if hi_edge > needs.area_max
                        else 1e-9),
        "people": needs.participants, "acc": needs.access_bits, "gol": needs.ground_or_lift,
        "dfrom": needs.date_from, "dto": needs.date_to, "use": needs.use_bit,
        "amen": needs.amenity_bits, "helpful": needs.helpful_bits,
        "nhelp": needs.helpful_bits.bit_count(), "dscale": needs.max_distance_m / 2,
        "wanted": max(int(np.bitwise_count(needs.slots).sum()), 1),
        "budget": needs.budget_monthly, "needcol": need_col, "k": k,
        **{f"w{i}": float(w[i]) for i in range(7)},
    }


# -- the run -------------------------------------------------------------------------------
NEED_KINDS = ["", "elders", "children"]


def run(sizes, queries, batch, batch_n, pair_projects, pair_spaces, compare_queries,
        postgis_url, seed=7) -> dict:
    areas = make_areas()
    need_cols = [areas.need(k) for k in NEED_KINDS]
    out: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                             "numpy": np.__version__},
                 "index": {}, "compare": {}}
    for n in sizes:
        table = make_spaces(n, seed=seed)
        t0 = time.perf_counter()
        index = SpaceIndex(table, areas)
        build = time.perf_counter() - t0
        needs = make_needs(queries, seed=seed + 1)
        for nd in needs[:20]:
            index.search(nd, 20)
        hits, times = _time_each(lambda nd, ix=index: ix.search(nd, 20), needs)
        out["index"][str(n)] = {**_sizes(table), "build_s": round(build, 3),
                                "memory_mb": round(_index_bytes(index) / 2**20, 1),
                                "empty_results": sum(not h for h in hits),
                                # places listed with more than one fitting room
                                "hits_with_rooms_fit_gt_1": sum(h.rooms_fit > 1 for r in hits
                                                                for h in r),
                                "hits": sum(len(r) for r in hits), **_ms(times)}
        out["compare"][str(n)] = compare(index, needs[:compare_queries], need_cols, postgis_url)
    # batch
    table = make_spaces(batch_n, seed=seed + 2)
    index = SpaceIndex(table, areas)
    needs = make_needs(batch, seed=seed + 3)
    t0 = time.perf_counter()
    results = [index.search(nd, 20) for nd in needs]
    out["batch"] = {"projects": batch, **_sizes(table),
                    "seconds": round(time.perf_counter() - t0, 3),
                    "results": sum(len(r) for r in results)}
    out["pairing"] = pairing(pair_projects, pair_spaces, areas, seed)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["targets"] = targets(out, sizes)
    return out


def compare(index: SpaceIndex, needs, need_cols, postgis_url) -> dict:
    engine, e_times = _time_each(
        lambda nd: [(h.space_id, h.score) for h in index.search(nd, 20)], needs)
    brute = [index.brute_force(nd, 20) for nd in needs]
    res = {"queries": len(needs), "engine": _ms(e_times),
           "brute_force_agrees": sum(same_ranking(a, b) for a, b in zip(engine, brute,
                                                                       strict=True))}
    gdf = geopandas_frame(index)
    need_map = dict(zip(NEED_KINDS, need_cols, strict=True))
    gp, g_times = _time_each(lambda nd: geopandas_top(gdf, nd, need_map[nd.need_kind or ""],
                                                       engine_weights(index, nd)),
                             needs)
    res["geopandas"] = {**_ms(g_times),
                        "ratio_p50": round(float(np.median(g_times) / np.median(e_times)), 1),
                        "agrees": sum(same_ranking(a, b) for a, b in zip(engine, gp,
                                                                         strict=True))}
    if postgis_url:
        try:
            res["postgis"] = compare_postgis(index, needs, need_cols, postgis_url, engine,
                                             e_times)
        except Exception as exc:  # report, do not hide: the JSON says why
            res["postgis"] = {"error": f"{type(exc).__name__}: {exc}"}
    else:
        res["postgis"] = {"skipped": "no PostGIS URL (SPACEMATCH_BENCH_POSTGIS_URL)"}
    return res


def compare_postgis(index, needs, need_cols, url, engine, e_times) -> dict:
    import psycopg

    load = postgis_load(url, index, need_cols)
    sql = PG_SQL.format(table=PG_TABLE)
    with psycopg.connect(url) as conn:
        def top(nd):
            col = NEED_KINDS.index(nd.need_kind or "") + 1
            return [(int(i), float(s)) for i, s in
                    conn.execute(sql, postgis_params(nd, col, engine_weights(index, nd))
                                 ).fetchall()]

        for nd in needs[:5]:
            top(nd)
        pg, p_times = _time_each(top, needs)
        plan = conn.execute("EXPLAIN " + sql, postgis_params(needs[0], 1,
                                                               engine_weights(index, needs[0]))
                            ).fetchall()
    return {**load, **_ms(p_times),
            "ratio_p50": round(float(np.median(p_times) / np.median(e_times)), 1),
            "agrees": sum(same_ranking(a, b) for a, b in zip(engine, pg, strict=True)),
            "uses_gist": any(f"{PG_TABLE}_geom_gist" in r[0] for r in plan)}


ROOMS_PER_PLACE = 3  # as services.plans: up to 3 rooms of each of a project's best places


def pairing(n_projects, n_spaces, areas, seed) -> dict:
    """District pairing as the services do it: one candidate per (project, room), from each
    project's best 20 places with up to ``ROOMS_PER_PLACE`` rooms of each."""
    table = make_spaces(n_spaces, seed=seed + 4)
    index = SpaceIndex(table, areas)
    needs = make_needs(n_projects, seed=seed + 5, radius=(1000.0, 5000.0))
    t0 = time.perf_counter()
    cands, slots = [], {}
    for i, nd in enumerate(needs):
        slots[i] = nd.slots
        cands += [Candidate(i, room, score)
                  for h in index.search(nd, 20, rooms_per_place=ROOMS_PER_PLACE)
                  for room, score in h.rooms]
    t1 = time.perf_counter()
    plan = plan_pairings(cands, slots, list(range(n_projects)))
    t2 = time.perf_counter()
    hosted: dict[int, list[Candidate]] = {}  # place -> its pairings
    for c in plan.pairings:
        t, row = index.lookup(c.space)
        hosted.setdefault(int(t.place[row]), []).append(c)
    # places where two projects meet at an overlapping hour, in two rooms (as services.plans)
    same_hour = {p for p, cs in hosted.items()
                 if any(a.space != b.space and np.any(slots[a.project] & slots[b.project])
                        for j, a in enumerate(cs) for b in cs[j + 1:])}
    return {"projects": n_projects, **_sizes(table),
            "candidate_edges": len(cands), "candidates_s": round(t1 - t0, 3),
            "solve_s": round(t2 - t1, 3), "total_s": round(t2 - t0, 3),
            "pairs": len(plan.pairings), "rooms_shared": len(plan.shared_spaces),
            "places_used": len(hosted),
            "places_hosting_several": sum(len(v) > 1 for v in hosted.values()),
            "places_hosting_two_at_one_hour": len(same_hour), "status": plan.status,
            "total_score": round(plan.total, 4)}


def targets(out: dict, sizes) -> dict:
    t: dict = {}
    big = out["index"].get("1000000")
    if big:
        t["top20_p50_le_2ms_at_1M"] = big["p50_ms"] <= 2.0
        t["top20_p95_le_10ms_at_1M"] = big["p95_ms"] <= 10.0
        pg = out["compare"]["1000000"].get("postgis", {})
        if "ratio_p50" in pg:
            t["at_least_20x_postgis_at_1M"] = pg["ratio_p50"] >= 20
    if out["batch"]["projects"] == 10_000 and out["batch"]["rows"] == 100_000:
        t["batch_10k_over_100k_le_5s"] = out["batch"]["seconds"] <= 5.0
    p = out["pairing"]
    if p["projects"] == 2000 and p["rows"] == 20_000:
        t["pairing_2000x20000_le_10s"] = p["total_s"] <= 10.0
    agree = all(c["brute_force_agrees"] == c["queries"] and c["geopandas"]["agrees"] == c["queries"]
                and c.get("postgis", {}).get("agrees", c["queries"]) == c["queries"]
                for c in out["compare"].values())
    t["all_methods_same_ranked_lists"] = agree
    return t


BENCH_EXTRA = ("geopandas", "pandas")


def missing_bench_packages() -> list[str]:
    """The packages of the extra ``bench`` that cannot be imported (the app runs without)."""
    missing = []
    for name in BENCH_EXTRA:
        try:
            __import__(name)
        except ImportError:
            missing.append(name)
    return missing


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m spacematch.bench", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="100000,1000000",
                   help="N values (rooms) for top-20 latency")
    p.add_argument("--queries", type=int, default=500, help="projects timed per N")
    p.add_argument("--compare-queries", type=int, default=50,
                   help="projects compared with PostGIS and GeoPandas per N")
    p.add_argument("--batch", type=int, default=10_000, help="projects in the batch")
    p.add_argument("--batch-spaces", type=int, default=100_000, help="rooms in the batch")
    p.add_argument("--pair-projects", type=int, default=2000,
                   help="projects in the pairing")
    p.add_argument("--pair-spaces", type=int, default=20_000, help="rooms in the pairing")
    p.add_argument("--postgis-url", default=os.environ.get("SPACEMATCH_BENCH_POSTGIS_URL", ""),
                   help="psycopg URL of a PostGIS database to compare with (a table "
                        f"{PG_TABLE} is created there)")
    p.add_argument("--quick", action="store_true", help="tiny sizes, for the test suite")
    a = p.parse_args(argv)
    missing = missing_bench_packages()
    if missing:
        print(f"The benchmark compares with GeoPandas and needs {', '.join(missing)}, which "
              "the app itself does not: pip install 'spacematch[bench]' "
              "(in a checkout: pip install -e '.[bench]').", file=sys.stderr)
        return 2
    if a.quick:
        a.sizes, a.queries, a.compare_queries = "5000", 40, 20
        a.batch, a.batch_spaces, a.pair_projects, a.pair_spaces = 200, 5000, 60, 600
    result = run([int(s) for s in a.sizes.split(",")], a.queries, a.batch, a.batch_spaces,
                 a.pair_projects, a.pair_spaces, a.compare_queries,
                 a.postgis_url.replace("postgresql+psycopg://", "postgresql://"))
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
