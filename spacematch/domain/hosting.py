"""What a place could host: the activities each room fits, ranked, each with its reason, and
what the place could host at once.

This is what a listing shows first — the use, before the building's facts. A place holds
rooms (domain.rooms); each room is judged on its own facts, the place by its rooms: every
activity some room fits (with the room that fits it best), and the most different activities
distinct rooms could host at the same time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from .activities import Activity, load_activities
from .rooms import WHOLE_SPACE
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


def _problems(space: Mapping, act: Activity) -> tuple[list[str], list[str]]:
    """Why ``space`` cannot host ``act``, in English and Korean; empty lists if it can."""
    amen = set(space.get("amenities") or [])
    allowed = space.get("allowed_uses") or []
    m2 = float(space["floor_area_m2"])
    reachable = space.get("floor_level", 0) == 0 or "lift" in (space.get("accessibility") or [])
    missing = [a for a in act.required if a not in amen]
    en, ko = [], []
    if allowed and act.code not in allowed:
        en.append("the owner does not allow this use")
        ko.append("소유자가 허용하지 않는 용도")
    if missing:
        en.append(f"needs {_label(missing, 0).lower()}")
        ko.append(f"{_label(missing, 1)} 필요")
    if m2 < act.min_m2:
        en.append(f"{m2:,.0f} m² is under the {act.min_m2:,.0f} m² it needs")
        ko.append(f"{m2:,.0f} m², 최소 {act.min_m2:,.0f} m² 필요")
    if act.access == "ground_or_lift" and not reachable:
        en.append("needs a ground floor or a lift")
        ko.append("1층 또는 엘리베이터 필요")
    # an activity that requires outdoor space among its amenities is already told so above
    if act.outdoor == "required" and "outdoor_space" not in amen and "outdoor_space" not in missing:
        en.append("needs outdoor space")
        ko.append("야외 공간 필요")
    return en, ko


def assess(space: Mapping, act: Activity) -> HostingFit:
    """How well ``space`` suits ``act``, with the reason in English and Korean.

    >>> room = {"floor_area_m2": 60, "capacity": 30, "floor_level": 0, "accessibility": [],
    ...         "amenities": ["kitchen", "water", "toilets"], "allowed_uses": []}
    >>> fit = assess(room, load_activities()["community_kitchen"])
    >>> fit.fits, fit.people, fit.en
    (True, 24, 'room for 24 people; has kitchen, running water, toilets; ground floor')
    """
    amen = set(space.get("amenities") or [])
    m2 = float(space["floor_area_m2"])
    people = int(min(space["capacity"], m2 // act.m2_per_person))
    problems_en, problems_ko = _problems(space, act)
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


def could_host(space: Mapping, include_misfits: bool = False) -> list[HostingFit]:
    """Activities the space fits, best first (ties by activity code); misfits last if asked."""
    fits = [assess(space, act) for act in load_activities().values()]
    ranked = sorted((f for f in fits if f.fits), key=_rank)
    if include_misfits:
        ranked += sorted((f for f in fits if not f.fits), key=lambda f: f.activity)
    return ranked


def _rank(fit: HostingFit) -> tuple[float, str]:
    return -fit.score, fit.activity


# --- a place: its rooms, the whole place, several activities at once ---------------------------

@dataclass(frozen=True)
class RoomHosting:
    """What one room of a place could host."""

    index: int  # the room's place in the list given to could_host_place
    name: str
    fits: tuple[HostingFit, ...]  # best first, ties by activity code
    misfits: tuple[HostingFit, ...]  # by activity code


@dataclass(frozen=True)
class PlaceFit:
    """An activity for the place, as one of its rooms answers it."""

    fit: HostingFit  # the room's answer: its score, people and reason
    room: str  # that room's name
    room_index: int
    rooms: int  # how many of the place's rooms fit the activity (0 for a misfit)


@dataclass(frozen=True)
class Together:
    """The most different activities distinct rooms could host at the same time."""

    activities: tuple[PlaceFit, ...]  # each in a room of its own, best first
    score: float  # the sum of their fit scores, the highest of any set that large
    en: str
    ko: str


@dataclass(frozen=True)
class PlaceHosting:
    rooms: tuple[RoomHosting, ...]
    place: tuple[PlaceFit, ...]  # activities some room fits, each with its best room; best first
    misfits: tuple[PlaceFit, ...]  # activities no room fits, with the closest room's reason
    together: Together


def could_host_place(place: Mapping, rooms: Sequence[Mapping]) -> PlaceHosting:
    """What ``place`` could host through its ``rooms`` (effective rooms: domain.rooms).

    A divisible place's divisions are so many rooms. A place given no rooms is judged whole,
    as its one room.

    >>> place = {"floor_area_m2": 200, "capacity": 100, "floor_level": 0}
    >>> kitchen = {"name": "Kitchen", "floor_area_m2": 40, "capacity": 20, "floor_level": 0,
    ...            "amenities": ["kitchen", "water", "toilets"]}
    >>> hall = {"name": "Hall", "floor_area_m2": 120, "capacity": 60, "floor_level": 0,
    ...         "amenities": ["power", "storage", "toilets"]}
    >>> h = could_host_place(place, [kitchen, hall])
    >>> [(p.fit.activity, p.room) for p in h.together.activities]
    [('tool_library', 'Hall'), ('community_kitchen', 'Kitchen')]
    >>> print(h.together.en)
    This place could host a tool library and a community kitchen at the same time,
    in different rooms.
    >>> print(could_host_place(place, [hall]).together.en)
    This place could host a tool library, a pop-up shop, an arts studio or 3 other
    activities, one at a time.
    """
    if not rooms:
        rooms = [{**place, "name": WHOLE_SPACE}]
    acts = list(load_activities().values())
    # Equal rooms (a divisible place's divisions) are judged once.
    keys = [_facts(room) for room in rooms]
    judged: dict[tuple, list[HostingFit]] = {}
    for room, key in zip(rooms, keys, strict=True):
        if key not in judged:
            judged[key] = [assess(room, act) for act in acts]
    per_room = [judged[key] for key in keys]

    room_views = tuple(
        RoomHosting(i, str(room["name"]),
                    tuple(sorted((f for f in fits if f.fits), key=_rank)),
                    tuple(sorted((f for f in fits if not f.fits), key=lambda f: f.activity)))
        for i, (room, fits) in enumerate(zip(rooms, per_room, strict=True)))

    place_fits, misfits = [], []
    for a, act in enumerate(acts):
        answers = [(fits[a], i) for i, fits in enumerate(per_room)]
        fitting = [(f, i) for f, i in answers if f.fits]
        if fitting:
            fit, i = min(fitting, key=lambda x: (-x[0].score, x[1]))
            place_fits.append(PlaceFit(fit, room_views[i].name, i, len(fitting)))
        else:
            # the room that comes closest: fewest problems, then the largest, then the first
            fit, i = min(answers, key=lambda x: (len(_problems(rooms[x[1]], act)[0]),
                                                 -float(rooms[x[1]]["floor_area_m2"]), x[1]))
            misfits.append(PlaceFit(fit, room_views[i].name, i, 0))
    place_fits.sort(key=lambda p: _rank(p.fit))
    misfits.sort(key=lambda p: p.fit.activity)
    return PlaceHosting(room_views, tuple(place_fits), tuple(misfits),
                        _together(room_views, keys, place_fits))


def _facts(room: Mapping) -> tuple:
    """What ``assess`` reads of a room, as a key: rooms with equal keys are judged alike."""
    def codes(field):
        return tuple(sorted(room.get(field) or ()))

    return (float(room["floor_area_m2"]), int(room["capacity"]), room.get("floor_level", 0),
            codes("accessibility"), codes("amenities"), codes("allowed_uses"))


def _together(rooms: tuple[RoomHosting, ...], keys: list[tuple],
              place_fits: list[PlaceFit]) -> Together:
    """The largest set of different activities in distinct rooms, with the highest score sum.

    A maximum-weight assignment of rooms to activities: each fitting pair weighs more than
    any sum of scores can, so more activities always win; then the scores decide. Scores are
    multiples of 0.001, and two tiny terms, each summing to less than the one above it, break
    ties in a fixed order: earlier rooms first, then activities earlier in the place's list.
    """
    if not place_fits:
        return Together((), 0.0, *_sentence([], []))
    codes = [p.fit.activity for p in place_fits]
    column = {code: c for c, code in enumerate(codes)}
    # Of equal rooms, only as many as there are activities can be used; keep the first ones.
    seen: dict[tuple, int] = {}
    candidates = []
    for room, key in zip(rooms, keys, strict=True):
        if seen.get(key, 0) < len(codes) and room.fits:
            seen[key] = seen.get(key, 0) + 1
            candidates.append(room.index)
    n_rooms, n_acts = len(candidates), len(codes)
    k = min(n_rooms, n_acts)
    big = k + 1.0
    room_step = 0.0004 / (k * n_rooms)
    act_step = room_step / (k * n_acts)
    weights = np.zeros((n_rooms, n_acts))
    for r, index in enumerate(candidates):
        for fit in rooms[index].fits:
            c = column[fit.activity]
            weights[r, c] = big + fit.score - r * room_step - c * act_step
    chosen_rooms, chosen_acts = linear_sum_assignment(weights, maximize=True)
    pairs = []
    for r, c in zip(chosen_rooms, chosen_acts, strict=True):
        if weights[r, c] <= 0:
            continue  # not a fit: the assignment pairs every row it can
        index = candidates[r]
        fit = next(f for f in rooms[index].fits if f.activity == codes[c])
        pairs.append(PlaceFit(fit, rooms[index].name, index, place_fits[c].rooms))
    pairs.sort(key=lambda p: (*_rank(p.fit), p.room_index))
    total = round(sum(p.fit.score for p in pairs), 3)
    return Together(tuple(pairs), total, *_sentence(pairs, place_fits))


# Short words for sentences; the catalogue's names are for lists ("Community kitchen / shared
# meals") and read badly inside one. Without "and", "or" or commas, so lists of them stay clear.
_PHRASES = {
    "community_kitchen": ("a community kitchen", "공유부엌"),
    "senior_care": ("a senior care room", "어르신 사랑방"),
    "childcare": ("after-school childcare", "방과후 돌봄"),
    "youth_jobs": ("a youth job club", "청년 취업 동아리"),
    "coworking": ("a co-working office", "공유 오피스"),
    "maker_repair": ("a repair café", "수리 카페"),
    "arts_studio": ("an arts studio", "예술 작업실"),
    "exhibition_performance": ("an exhibition space", "전시·공연장"),
    "study_library": ("a study room", "공부방"),
    "meeting_workshop": ("a meeting room", "회의실"),
    "urban_garden": ("an urban garden", "도시 텃밭"),
    "popup_shop": ("a pop-up shop", "팝업 매장"),
    "tool_library": ("a tool library", "공구 도서관"),
    "counselling_health": ("a counselling room", "상담실"),
    "sport_dance": ("an exercise class", "생활체육"),
}
_SHOWN = 4  # names in a sentence; a longer list shows three and counts the rest


def sentence_phrases() -> dict[str, tuple[str, str]]:
    """The words each activity of the catalogue has in a sentence (English, Korean)."""
    return {code: _phrase(act) for code, act in load_activities().items()}


def _phrase(act: Activity) -> tuple[str, str]:
    if act.code in _PHRASES:
        return _PHRASES[act.code]
    return f"a {act.name_en.lower()}", act.name_ko


def _names(fits: list[HostingFit], word: str) -> tuple[str, str]:
    """``a, b and c`` / ``a, b, c and 5 other activities`` in English; Korean alike."""
    acts = load_activities()
    phrases = [_phrase(acts[f.activity]) if f.activity in acts
               else (f.name_en.lower(), f.name_ko) for f in fits]
    en = [p[0] for p in phrases]
    ko = [p[1] for p in phrases]
    if len(phrases) > _SHOWN:
        rest = len(phrases) - (_SHOWN - 1)
        return (f"{', '.join(en[:_SHOWN - 1])} {word} {rest} other activities",
                f"{', '.join(ko[:_SHOWN - 1])} 외 {rest}개")
    head = ", ".join(en[:-1])
    return (f"{head} {word} {en[-1]}" if head else en[-1]), ", ".join(ko)


def _sentence(pairs: list[PlaceFit], place_fits: list[PlaceFit]) -> tuple[str, str]:
    if not pairs:
        return ("No activity in the catalogue fits this place as listed.",
                "등록된 정보로는 이 장소에 맞는 활동이 없습니다.")
    if len(pairs) > 1:
        en, ko = _names([p.fit for p in pairs], "and")
        return (f"This place could host {en} at the same time, in different rooms.",
                f"이 장소는 {ko} 활동을 서로 다른 방에서 동시에 열 수 있습니다.")
    if len(place_fits) == 1:
        en, ko = _names([pairs[0].fit], "and")
        return f"This place could host {en}.", f"이 장소는 {ko} 활동을 열 수 있습니다."
    # One room fits everything the place could host, so it hosts one thing at a time.
    en, ko = _names([p.fit for p in place_fits], "or")
    return (f"This place could host {en}, one at a time.",
            f"이 장소는 {ko} 활동을 한 번에 하나씩 열 수 있습니다.")
