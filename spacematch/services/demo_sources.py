"""Demo spaces built on real public places, with the attributes the sources lack generated.

Each reader turns one raw source file into ``DemoRow``s: a stable reference, the source row
number, and a space listing for ``domain.listing.clean_space``. Generated attributes (floor
area, amenities, hours, cost) are plausible for the kind of place and deterministic: every
random draw is seeded by the row's own reference, so a reload gives the same catalogue.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..domain.geometry import transform_xy
from .sources import read_text

DEMO_NOTE = "Demo record: a real public place with generated floor area, amenities, hours and cost."


@dataclass(frozen=True)
class DemoRow:
    ref: str
    row: int
    owner: str  # key of DEMO_OWNERS
    listing: dict


@dataclass(frozen=True)
class DemoOwner:
    email: str
    display_name: str
    organisation: str
    kind: str


DEMO_OWNERS = {
    "seoul-libraries": DemoOwner("demo-seoul-libraries@spacematch.invalid",
                                 "서울시 공공도서관 (demo)", "Seoul public libraries", "public"),
    "seoul-culture": DemoOwner("demo-seoul-culture@spacematch.invalid",
                               "서울 문화시설 (demo)", "Seoul cultural facilities", "public"),
    "seoul-galleries": DemoOwner("demo-seoul-galleries@spacematch.invalid",
                                 "민간 갤러리 (demo)", "Private galleries in Seoul", "private"),
    "seoul-seniors": DemoOwner("demo-seoul-seniors@spacematch.invalid",
                               "경로당 운영회 (demo)", "Seoul senior community rooms", "nonprofit"),
    "baltimore-city": DemoOwner("demo-baltimore-city@spacematch.invalid",
                                "Baltimore City DHCD (demo)", "Baltimore City Housing", "public"),
    "baltimore-private": DemoOwner("demo-baltimore-private@spacematch.invalid",
                                   "Private owners, Baltimore (demo)", "Private owners", "private"),
}


def _rng(ref: str) -> random.Random:
    return random.Random(zlib.crc32(ref.encode("utf-8")))


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    yield from enumerate(csv.DictReader(io.StringIO(read_text(path), newline="")), start=1)


def _pick_hours(rng: random.Random, options: list[str]) -> str:
    return rng.choice(options)


def _access(rng: random.Random, floor: int, p_lift: float, p_toilet: float, p_parking: float):
    out = []
    if floor == 0 and rng.random() < 0.85:
        out.append("step_free")
    if floor != 0 and rng.random() < p_lift:
        out += ["lift", "step_free"]
    if rng.random() < p_toilet:
        out.append("accessible_toilet")
    if rng.random() < p_parking:
        out.append("disabled_parking")
    return sorted(set(out))


def _some(rng: random.Random, always: list[str], maybe: dict[str, float]) -> list[str]:
    return sorted(set(always) | {a for a, p in maybe.items() if rng.random() < p})


def _cost(rng: random.Random, p_free: float, hourly: tuple[int, int] | None,
          monthly: tuple[int, int] | None, step: int) -> tuple[str, int]:
    if rng.random() < p_free:
        return "free", 0
    if hourly and (not monthly or rng.random() < 0.6):
        return "hourly", rng.randrange(hourly[0], hourly[1] + 1, step)
    assert monthly is not None
    return "monthly", rng.randrange(monthly[0], monthly[1] + 1, step)


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def read_seoul_libraries(path: Path) -> Iterator[DemoRow]:
    for n, r in _rows(path):
        ref = f"demo:seoul-library:{r['도서관 일련번호']}"
        rng = _rng(ref)
        floor = rng.choice([0, 1, 1, 2, 2, 3, -1])
        m2 = rng.randrange(40, 121, 5)
        kind, amount = _cost(rng, 0.7, (10_000, 30_000), None, 1_000)
        yield DemoRow(ref, n, "seoul-libraries", {
            "title": f"{r['도서관명']} 세미나실",
            "description": (f"Seminar room of {r['도서관명']}, a public library, offered to "
                            "community groups outside library programmes. 도서관 세미나실 개방."),
            "owner_kind": "public", "lon": r["경도"], "lat": r["위도"],
            "address": r["주소"], "floor_area_m2": m2, "capacity": max(6, int(m2 / 2.2)),
            "floor_level": floor,
            "accessibility": _access(rng, floor, 0.85, 0.7, 0.4),
            "amenities": _some(rng, ["toilets", "heating_cooling", "internet", "power"],
                               {"storage": 0.3, "sound_insulation": 0.3, "water": 0.5}),
            "allowed_uses": ["study_library", "meeting_workshop", "youth_jobs", "coworking",
                             "counselling_health", "childcare", "senior_care", "maker_repair"],
            "weekly_hours": _pick_hours(rng, ["mon-fri 18:00-21:00; sat 14:00-18:00",
                                              "tue-thu 18:00-22:00", "sat-sun 10:00-17:00",
                                              "mon-fri 10:00-12:00; wed 18:00-21:00",
                                              "mon-fri 09:00-18:00"]),
            "cost_kind": kind, "cost_amount": amount, "currency": "KRW",
            "condition_notes": DEMO_NOTE, "status": "listed",
        })


_CULTURE = {  # category -> (English kind, area range, allowed uses, p_free)
    "공연장": ("Performance hall", (100, 400), ["exhibition_performance", "arts_studio",
                                                "sport_dance", "meeting_workshop"], 0.3),
    "미술관/갤러리": ("Gallery", (60, 300), ["exhibition_performance", "popup_shop",
                                            "arts_studio", "meeting_workshop"], 0.4),
    "박물관/기념관": ("Museum education room", (50, 150), ["meeting_workshop", "study_library",
                                                      "childcare", "exhibition_performance"], 0.6),
    "도서관": ("Reading room", (40, 150), ["study_library", "meeting_workshop", "youth_jobs",
                                          "childcare"], 0.8),
    "문화원": ("Culture centre room", (60, 200), ["meeting_workshop", "arts_studio", "sport_dance",
                                               "senior_care", "community_kitchen",
                                               "maker_repair"], 0.6),
    "문화예술회관": ("Arts centre studio", (80, 300), ["arts_studio", "sport_dance",
                                                  "exhibition_performance"], 0.4),
    "기타": ("Multi-purpose room", (40, 250), [], 0.5),
}


def read_seoul_cultural_spaces(path: Path) -> Iterator[DemoRow]:
    for n, r in _rows(path):
        ref = f"demo:seoul-culture:{r['번호']}"
        rng = _rng(ref)
        kind_en, (lo, hi), uses, p_free = _CULTURE.get(r["주제분류"], _CULTURE["기타"])
        private = r["주제분류"] == "미술관/갤러리" and rng.random() < 0.7
        floor = rng.choice([0, 0, 1, 2, -1])
        m2 = rng.randrange(lo, hi + 1, 10)
        cost_kind, amount = _cost(rng, p_free, (20_000, 80_000), (300_000, 1_500_000), 10_000)
        yield DemoRow(ref, n, "seoul-galleries" if private else "seoul-culture", {
            "title": f"{r['문화시설명']} · {kind_en}",
            "description": (f"{kind_en} at {r['문화시설명']} ({r['주제분류']}), available for "
                            "community culture projects when not in use."),
            "owner_kind": "private" if private else "public",
            "lon": r["경도"], "lat": r["위도"], "address": r["주소"],
            "floor_area_m2": m2, "capacity": max(10, int(m2 / 1.8)), "floor_level": floor,
            "accessibility": _access(rng, floor, 0.8, 0.6, 0.5),
            "amenities": _some(rng, ["toilets", "power", "heating_cooling"],
                               {"sound_insulation": 0.5, "internet": 0.6, "storage": 0.4,
                                "water": 0.4, "outdoor_space": 0.15, "kitchen": 0.1}),
            "allowed_uses": uses,
            "weekly_hours": _pick_hours(rng, ["mon 10:00-18:00", "mon-fri 19:00-22:00",
                                              "sat-sun 09:00-12:00", "tue-fri 10:00-13:00",
                                              "sat-sun 10:00-18:00", "tue-thu 10:00-17:00"]),
            "cost_kind": cost_kind, "cost_amount": amount, "currency": "KRW",
            "condition_notes": DEMO_NOTE, "status": "listed",
        })


def read_seoul_senior_centres(path: Path) -> Iterator[DemoRow]:
    """경로당 register: coordinates are EPSG:5174 (Korean 1985 / Modified Central Belt)."""
    rows = list(_rows(path))
    xs = [_float(r["위치정보(X)"]) for _, r in rows]
    ys = [_float(r["위치정보(Y)"]) for _, r in rows]
    have = [i for i, (x, y) in enumerate(zip(xs, ys, strict=True)) if x and y]
    lons, lats = transform_xy([xs[i] for i in have], [ys[i] for i in have], "EPSG:5174")
    lonlat = {i: (float(lo), float(la)) for i, lo, la in zip(have, lons, lats, strict=True)}
    for i, (n, r) in enumerate(rows):
        ref = f"demo:seoul-senior:{r['인허가번호'] or r['번호']}"
        rng = _rng(ref)
        lon, lat = lonlat.get(i, (None, None))
        m2 = rng.randrange(30, 101, 5)
        yield DemoRow(ref, n, "seoul-seniors", {
            "title": r["사업장명"].strip(),
            "description": ("Senior community room (경로당), used by elders in the daytime; "
                            "open to neighbourhood groups at other times. "
                            "어르신 이용 외 시간 개방."),
            "owner_kind": "nonprofit", "lon": lon, "lat": lat,
            "address": (r["도로명전체주소"] or r["소재지전체주소"]).strip(),
            "floor_area_m2": m2, "capacity": max(8, int(m2 / 2.5)),
            "floor_level": rng.choice([0, 0, 0, 1, -1]),
            "accessibility": _access(rng, 0, 0.3, 0.3, 0.2),
            "amenities": _some(rng, ["toilets", "heating_cooling"],
                               {"kitchen": 0.9, "water": 0.9, "internet": 0.4, "storage": 0.3,
                                "outdoor_space": 0.25}),
            "allowed_uses": ["senior_care", "community_kitchen", "meeting_workshop",
                             "counselling_health", "study_library", "childcare", "tool_library",
                             "urban_garden"],
            "weekly_hours": _pick_hours(rng, ["mon-fri 17:30-21:00", "sat-sun 10:00-18:00",
                                              "mon-fri 17:30-21:00; sat 10:00-14:00",
                                              "tue,thu 10:00-15:00"]),
            "cost_kind": "free", "cost_amount": 0, "currency": "KRW",
            "condition_notes": DEMO_NOTE, "status": "listed",
        })


_LATLON = re.compile(r"\(([-\d.]+),\s*([-\d.]+)\)")


def read_baltimore_vacant(path: Path) -> Iterator[DemoRow]:
    for n, r in _rows(path):
        ref = f"demo:baltimore-vacant:{r['blockLot'].strip()}"
        rng = _rng(ref)
        m = _LATLON.search(r.get("Location 1") or "")
        lat, lon = (float(m.group(1)), float(m.group(2))) if m else (None, None)
        public = rng.random() < 0.3
        m2 = rng.randrange(60, 251, 10)
        kind, amount = _cost(rng, 0.35 if public else 0.1, None, (100, 900), 50)
        yield DemoRow(ref, n, "baltimore-city" if public else "baltimore-private", {
            "title": f"Vacant building, {r['fullAddress'].strip().title()}",
            "description": ("Vacant building under a city notice, offered for community use "
                            "while it waits for a long-term plan."),
            "owner_kind": "public" if public else "private", "lon": lon, "lat": lat,
            "address": f"{r['fullAddress'].strip().title()}, Baltimore, MD",
            "floor_area_m2": m2, "capacity": max(5, int(m2 / 3)),
            "floor_level": 0,
            "accessibility": ["step_free"] if rng.random() < 0.4 else [],
            "amenities": _some(rng, [], {"water": 0.5, "power": 0.5, "toilets": 0.4,
                                         "outdoor_space": 0.5, "storage": 0.6,
                                         "heating_cooling": 0.2, "kitchen": 0.2}),
            "allowed_uses": [],
            "weekly_hours": "mon-sun 08:00-20:00",
            "cost_kind": kind, "cost_amount": amount, "currency": "USD",
            "condition_notes": (DEMO_NOTE + " Vacant building notice (Baltimore DHCD, about "
                                "2015): needs an inspection before use."),
            "status": "listed",
        })


# city slug -> [(file under data/demo/<slug>/, reader)]
DEMO_SOURCES = {
    "seoul": [
        ("seoul_public_libraries.csv", read_seoul_libraries),
        ("seoul_cultural_spaces.csv", read_seoul_cultural_spaces),
        ("seoul_senior_centers.csv", read_seoul_senior_centres),
    ],
    "baltimore": [("baltimore_vacant_buildings.csv", read_baltimore_vacant)],
}
