"""What a space could host: the activities it fits, ranked, each with its reason.

This is what a listing shows first — the use, before the building's facts.
"""

from __future__ import annotations

from dataclasses import dataclass

from .activities import Activity, load_activities
from .vocabulary import AMENITIES


@dataclass(frozen=True)
class HostingFit:
    activity: str
    name_en: str
    name_ko: str
    fits: bool
    score: float  # 0..1, for ranking the fits
    people: int  # how many participants the room suits for this activity
    en: str
    ko: str


def _label(codes, lang: int) -> str:
    return ", ".join(AMENITIES[c][lang] for c in codes)


def assess(space: dict, act: Activity) -> HostingFit:
    """How well ``space`` suits ``act``, with the reason in English and Korean.

    >>> room = {"floor_area_m2": 60, "capacity": 30, "floor_level": 0, "accessibility": [],
    ...         "amenities": ["kitchen", "water", "toilets"], "allowed_uses": []}
    >>> fit = assess(room, load_activities()["community_kitchen"])
    >>> fit.fits, fit.people, fit.en
    (True, 24, 'room for 24 people; has kitchen, running water, toilets; ground floor')
    """
    amen = set(space.get("amenities") or [])
    allowed = space.get("allowed_uses") or []
    m2 = float(space["floor_area_m2"])
    people = int(min(space["capacity"], m2 // act.m2_per_person))
    reachable = space.get("floor_level", 0) == 0 or "lift" in (space.get("accessibility") or [])
    missing = [a for a in act.required if a not in amen]
    problems_en, problems_ko = [], []
    if allowed and act.code not in allowed:
        problems_en.append("the owner does not allow this use")
        problems_ko.append("소유자가 허용하지 않는 용도")
    if missing:
        problems_en.append(f"needs {_label(missing, 0).lower()}")
        problems_ko.append(f"{_label(missing, 1)} 필요")
    if m2 < act.min_m2:
        problems_en.append(f"{m2:,.0f} m² is under the {act.min_m2:,.0f} m² it needs")
        problems_ko.append(f"{m2:,.0f} m², 최소 {act.min_m2:,.0f} m² 필요")
    if act.access == "ground_or_lift" and not reachable:
        problems_en.append("needs a ground floor or a lift")
        problems_ko.append("1층 또는 엘리베이터 필요")
    if act.outdoor == "required" and "outdoor_space" not in amen:
        problems_en.append("needs outdoor space")
        problems_ko.append("야외 공간 필요")
    if problems_en:
        return HostingFit(act.code, act.name_en, act.name_ko, False, 0.0, people,
                          "; ".join(problems_en), "; ".join(problems_ko))
    helpful = [a for a in act.helpful if a in amen]
    score = 0.5 + 0.3 * (len(helpful) / len(act.helpful) if act.helpful else 1.0)
    score += 0.2 * min(people / 20, 1.0)
    if act.sound == "loud" and "sound_insulation" not in amen:
        score -= 0.1
    have = [a for a in (*act.required, *helpful)]
    en = f"room for {people} people" + (f"; has {_label(have, 0).lower()}" if have else "")
    ko = f"{people}명 이용 가능" + (f"; {_label(have, 1)} 있음" if have else "")
    if act.access == "ground_or_lift":
        en += "; ground floor" if space.get("floor_level", 0) == 0 else "; lift"
        ko += "; 1층" if space.get("floor_level", 0) == 0 else "; 엘리베이터"
    return HostingFit(act.code, act.name_en, act.name_ko, True, round(max(score, 0.0), 3),
                      people, en, ko)


def could_host(space: dict, include_misfits: bool = False) -> list[HostingFit]:
    """Activities the space fits, best first (ties by activity code); misfits last if asked."""
    fits = [assess(space, act) for act in load_activities().values()]
    ranked = sorted((f for f in fits if f.fits), key=lambda f: (-f.score, f.activity))
    if include_misfits:
        ranked += sorted((f for f in fits if not f.fits), key=lambda f: f.activity)
    return ranked
