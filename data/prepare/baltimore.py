"""Build data/baltimore/ (the reference folder spacematch loads) from ../shared/data/.

Run from the repository root:  python data/prepare/baltimore.py ../shared/data
The city level is the land boundary (MD iMap) with the 2020 Census total; districts are
BNIA's Community Statistical Areas; neighbourhoods are the 2010 Neighborhood
Statistical Areas, whose names the vacant-building notices use. Needs geopandas.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import geopandas as gpd

OUT = Path(__file__).resolve().parents[1] / "baltimore"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def main(shared: Path) -> None:
    OUT.mkdir(exist_ok=True)
    land = gpd.read_file(shared / "baltimore-boundaries/baltimore_city_land_boundary.geojson")
    nsa = gpd.read_file(shared / "baltimore-boundaries/baltimore_neighborhoods_2010.geojson")
    gpd.GeoDataFrame(
        {"code": ["2451090000"], "name": ["Baltimore City"], "name_en": ["Baltimore City"],
         "population": [int(nsa["pop2020"].sum())], "population_year": [2020]},
        geometry=land.geometry.iloc[:1].values, crs="EPSG:4326",
    ).to_file(OUT / "city.geojson", driver="GeoJSON", COORDINATE_PRECISION=6)
    csa = gpd.read_file(shared / "baltimore-boundaries/baltimore_csas.geojson")
    gpd.GeoDataFrame(
        {"code": csa["id"].astype(int).astype(str), "name": csa["name"], "name_en": csa["name"],
         "population": csa["pop2020"].astype(int), "population_year": 2020},
        geometry=csa.geometry, crs="EPSG:4326",
    ).to_file(OUT / "districts.geojson", driver="GeoJSON", COORDINATE_PRECISION=6)
    gpd.GeoDataFrame(
        {"code": nsa["name"].map(slug), "name": nsa["name"], "name_en": nsa["name"],
         "parent_code": nsa["csa_id"].astype("Int64").astype(str),
         "population": nsa["pop2020"].astype(int), "population_year": 2020},
        geometry=nsa.geometry, crs="EPSG:4326",
    ).to_file(OUT / "neighbourhoods.geojson", driver="GeoJSON", COORDINATE_PRECISION=6)
    print(f"districts: {len(csa)}, neighbourhoods: {len(nsa)}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
