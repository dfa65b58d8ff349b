"""Build data/seoul/ (the reference folder spacematch loads) from ../shared/data/.

Run from the repository root:  python data/prepare/seoul.py ../shared/data
Provenance, licences and counts are in data/SOURCES.md. Needs geopandas.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

OUT = Path(__file__).resolve().parents[1] / "seoul"


def dongs_with_population(shared: Path) -> gpd.GeoDataFrame:
    dong = gpd.read_file(shared / "seoul-admin-dong-2021/seoul_admin_dong_2021.geojson")
    dong["name"] = dong["adm_nm"].str.split().str[-1]
    # English names: KOSTAT 2013 uses the same 7-digit code system as vuski's adm_cd.
    k13 = gpd.read_file(shared / "seoul-boundaries-kostat2013/seoul_dong_kostat2013.geojson")
    dong = dong.merge(
        k13[["code", "name_eng"]].rename(columns={"code": "adm_cd"}), on="adm_cd", how="left"
    )

    def norm(name: str) -> str:
        return name.replace(".", "·").strip()

    eld = pd.read_csv(shared / "seoul-population/seoul_elderly_by_dong_2023.csv", dtype=str)
    eld["key"] = eld["행정구"] + "|" + eld["행정동"].map(norm)
    figures = zip(eld["전체인구"], eld["65세이상 인구"], strict=True)
    eld_pop = dict(zip(eld["key"], figures, strict=True))

    # 2025Q1 by age has dong names only, in gu order: give each row the gu of the same-named
    # dong in the 2023 table, taking repeated names (신사동 in 강남구 and 관악구) in order.
    age = pd.read_csv(
        shared / "seoul-population/seoul_population_by_dong_age_2024Q4_2025Q1.csv", dtype=str
    )
    age = age[age["항목"] == "계"]
    gu_queue: dict[str, list[str]] = {}
    for gu, dn in zip(eld["행정구"], eld["행정동"].map(norm), strict=True):
        gu_queue.setdefault(dn, []).append(gu)
    under15: dict[str, int] = {}
    seen: dict[str, int] = {}
    order = []
    for dn in age.loc[age["연령별"] == "합계", "동별"].map(norm):
        k = seen.get(dn, 0)
        seen[dn] = k + 1
        gus = gu_queue.get(dn, [])
        order.append(f"{gus[k]}|{dn}" if k < len(gus) else None)
    young = age[age["연령별"].isin(["0~4세", "5~9세", "10~14세"])].copy()
    young["n"] = pd.to_numeric(young["2025. 1/4"].str.replace("-", "0"), errors="coerce")
    young["dong_idx"] = (age["연령별"] == "합계").cumsum().loc[young.index] - 1
    for idx, n in young.groupby("dong_idx")["n"].sum().items():
        key = order[int(idx)]
        if key:
            under15[key] = int(n)

    keys = dong["sggnm"] + "|" + dong["name"].map(norm)
    dong["population"] = [int(eld_pop[k][0]) if k in eld_pop else None for k in keys]
    dong["population_65plus"] = [int(eld_pop[k][1]) if k in eld_pop else None for k in keys]
    dong["population_under15"] = [under15.get(k) for k in keys]
    missing = dong.loc[dong["population"].isna(), "adm_nm"].tolist()
    print(f"dongs: {len(dong)}, without 2023 population: {len(missing)} {missing}")
    return gpd.GeoDataFrame(
        {
            "code": dong["adm_cd2"],
            "name": dong["name"],
            "name_en": dong["name_eng"],
            "parent_code": dong["sgg"],
            "population": dong["population"].astype("Int64"),
            "population_65plus": dong["population_65plus"].astype("Int64"),
            "population_under15": dong["population_under15"].astype("Int64"),
            "population_year": 2023,
        },
        geometry=dong.geometry,
        crs="EPSG:4326",
    )


def districts(shared: Path, dongs: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    gu = gpd.read_file(shared / "seoul-boundaries-juso2015/seoul_gu_juso2015.geojson")
    cols = ["population", "population_65plus", "population_under15"]
    sums = dongs.groupby("parent_code")[cols].sum()
    out = gpd.GeoDataFrame(
        {"code": gu["SIG_CD"], "name": gu["SIG_KOR_NM"], "name_en": gu["SIG_ENG_NM"]},
        geometry=gu.geometry.make_valid(),
        crs="EPSG:4326",
    ).join(sums, on="code")
    out["population_year"] = 2023
    return out


def subway(shared: Path, seoul) -> list[dict]:
    st = pd.read_csv(shared / "seoul-subway-stations/seoul_station_master.csv", dtype=str)
    st["lat"], st["lon"] = st["위도"].astype(float), st["경도"].astype(float)
    pts = gpd.GeoSeries(gpd.points_from_xy(st["lon"], st["lat"]), crs="EPSG:4326").to_crs(5179)
    near = pts.within(gpd.GeoSeries([seoul], crs="EPSG:4326").to_crs(5179).buffer(2000).iloc[0])
    st = st[near.values]
    rows = []
    # One stop per station name: transfer stations are listed once per line.
    for name, grp in st.groupby("역사명", sort=True):
        rows.append({
            "code": sorted(grp["역사_ID"])[0],
            "name": name,
            "name_en": "",
            "lines": ";".join(sorted(set(grp["호선"]))),
            "lon": round(grp["lon"].mean(), 6),
            "lat": round(grp["lat"].mean(), 6),
        })
    return rows


def bus(shared: Path) -> list[dict]:
    b = pd.read_csv(shared / "seoul-bus-stops/seoul_bus_stops.csv", dtype=str)
    return [
        {"code": r["노드 ID"], "name": r["정류소명"], "name_en": "", "lines": "",
         "lon": r["X좌표"], "lat": r["Y좌표"]}
        for _, r in b.iterrows()
    ]


def write_csv(path: Path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["code", "name", "name_en", "lines", "lon", "lat"])
        w.writeheader()
        w.writerows(rows)
    print(f"{path.name}: {len(rows)} rows")


def main(shared: Path) -> None:
    OUT.mkdir(exist_ok=True)
    dongs = dongs_with_population(shared)
    gus = districts(shared, dongs)
    gus.to_file(OUT / "districts.geojson", driver="GeoJSON", COORDINATE_PRECISION=6)
    dongs.to_file(OUT / "neighbourhoods.geojson", driver="GeoJSON", COORDINATE_PRECISION=6)
    print(f"districts: {len(gus)}, population {int(gus['population'].sum()):,}")
    seoul = shapely.union_all(gus.geometry.values)
    write_csv(OUT / "subway_stations.csv", subway(shared, seoul))
    write_csv(OUT / "bus_stops.csv", bus(shared))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
