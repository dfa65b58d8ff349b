"""Human explanations of scores and of removed spaces, in English and Korean, with numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activities import load_activities
from .schedule import SLOT_MINUTES, describe_slots, slot_count
from .scoring import (
    CONSTRAINTS,
    CRITERIA,
    FAIL_ACCESS,
    FAIL_AMENITY,
    FAIL_AREA,
    FAIL_AREAS,
    FAIL_CAPACITY,
    FAIL_COST,
    FAIL_DATES,
    FAIL_DISTANCE,
    FAIL_HOURS,
    FAIL_USE,
    Evaluation,
    Needs,
)
from .spacetable import ACCESS_BIT, AMENITY_BIT, AreaTable, SpaceTable
from .vocabulary import ACCESSIBILITY, AMENITIES

SYMBOL = {"KRW": "₩", "USD": "$", "EUR": "€", "JPY": "¥", "GBP": "£"}


@dataclass(frozen=True)
class Line:
    """One explained criterion or constraint."""

    key: str
    score: float | None  # None for a failed hard constraint or a criterion left out
    weight: float | None
    en: str
    ko: str

    def as_dict(self) -> dict:
        return {"criterion": self.key, "score": self.score, "weight": self.weight,
                "en": self.en, "ko": self.ko}


def money(amount: float, currency: str) -> str:
    """Format an amount with its currency symbol.

    >>> money(15000, "KRW"), money(450.6, "USD")
    ('₩15,000', '$451')
    """
    return f"{SYMBOL.get(currency, currency + ' ')}{amount:,.0f}"


def distance(m: float) -> str:
    """
    >>> distance(350.4), distance(1234)
    ('350 m', '1.2 km')
    """
    return f"{m:,.0f} m" if m < 1000 else f"{m / 1000:.1f} km"


def _codes(bits: int, table: dict[str, int]) -> list[str]:
    return [c for c, b in table.items() if bits & b]


def _labels(codes, vocabulary, lang: int) -> str:
    return ", ".join(vocabulary[c][lang] for c in codes) or ("—" if lang else "none")


def left_out(key: str, needs: Needs) -> tuple[str, str]:
    """Why a criterion does not apply to this project (English, Korean)."""
    if key == "distance":
        return "no preferred location given", "희망 위치 없음"
    if key == "transit":
        return "no transit stops known in this city", "이 도시의 대중교통 정류장 정보 없음"
    if key == "amenities":
        return ("the activity has no helpful amenities to look for",
                "이 활동에 도움이 되는 편의시설 목록 없음")
    if needs.need_kind is None:
        return ("the project serves neither elders nor children",
                "어르신·아동 대상 사업 아님")
    return "no age figures for this city's areas", "이 도시 지역별 연령 통계 없음"


def explain(t: SpaceTable, ev: Evaluation, pos: int, needs: Needs, areas: AreaTable) -> list[Line]:
    """Every soft criterion of row ``pos`` of ``ev`` explained, in CRITERIA order.

    A criterion that does not apply to the project has score None and weight 0 and says
    why it is left out; the other lines' weights sum to 1 and their score × weight sum to
    the total.
    """
    lines = _lines(t, ev, pos, needs, areas)
    out = []
    for i, (key, en, ko) in enumerate(lines):
        if ev.applies[i]:
            out.append(Line(key, float(ev.criteria[pos, i]), float(ev.weights[i]), en, ko))
        else:
            why_en, why_ko = left_out(key, needs)
            out.append(Line(key, None, 0.0, f"left out: {why_en}", f"제외: {why_ko}"))
    assert [ln.key for ln in out] == list(CRITERIA)
    return out


def _lines(t: SpaceTable, ev: Evaluation, pos: int, needs: Needs,
           areas: AreaTable) -> list[tuple[str, str, str]]:
    """(criterion, English, Korean) for every criterion, whether it applies or not."""
    row = int(ev.rows[pos])
    cur = needs.currency
    lines = []
    m2 = float(t.floor_m2[row])
    rng = f"{needs.area_min:,.0f}–{needs.area_max:,.0f} m²"
    if needs.area_min <= m2 <= needs.area_max:
        en, ko = f"{m2:,.0f} m² fits {rng}", f"{m2:,.0f} m², 희망 {rng}에 맞음"
    elif m2 < needs.area_min:
        en = f"{m2:,.0f} m² is a little small for {rng}"
        ko = f"{m2:,.0f} m², 희망 {rng}보다 조금 작음"
    else:
        # bigger than needed costs score, not the match: say so, and where "no" begins
        hard = f"{needs.area_edges[1]:,.0f} m²"
        en = f"{m2:,.0f} m² is bigger than the {rng} it needs (scores lower; too big above {hard})"
        ko = f"{m2:,.0f} m², 필요한 {rng}보다 넓음 (점수 감점; {hard} 초과 시 제외)"
    cap = int(t.capacity[row])
    lines.append(("area", f"{en}; holds {cap} (you expect {needs.participants})",
                  f"{ko}; 수용 {cap}명 (예상 {needs.participants}명)"))
    if needs.x is None:
        lines.append(("distance", *left_out("distance", needs)))
    else:
        d = float(ev.distance_m[pos])
        limit = (f" (limit {distance(needs.max_distance_m)})" if needs.max_distance_m else "")
        limit_ko = (f" (최대 {distance(needs.max_distance_m)})" if needs.max_distance_m else "")
        lines.append(("distance", f"{distance(d)} from your location{limit}",
                      f"희망 위치에서 {distance(d)}{limit_ko}"))
    sub, bus = float(t.subway_m[row]), float(t.bus_m[row])
    if np.isfinite(sub) and t.subway_stop[row] >= 0 and t.subway_names:
        name = t.subway_names[t.subway_stop[row]]
        en = f"{distance(sub)} walk to {name} station"
        ko = f"{name}역까지 도보 {distance(sub)}"
    else:
        en, ko = "no subway station known nearby", "가까운 지하철역 정보 없음"
    if np.isfinite(bus):
        en += f"; bus stop {distance(bus)}"
        ko += f"; 버스 정류장 {distance(bus)}"
    lines.append(("transit", en, ko))
    common = t.slots[row] & needs.slots
    free, free_ko = describe_slots(common), describe_slots(common, "ko")
    got, wanted = int(ev.overlap_slots[pos]), int(slot_count(needs.slots))
    if got >= wanted:
        en, ko = f"free {free}, covers your hours", f"{free_ko} 이용 가능, 희망 시간 모두 충족"
    else:
        h, hw = got * SLOT_MINUTES / 60, wanted * SLOT_MINUTES / 60
        en = f"free {free}: covers {h:g} of your {hw:g} hours a week"
        ko = f"{free_ko} 이용 가능: 주 {hw:g}시간 중 {h:g}시간 충족"
    lines.append(("availability", en, ko))
    cost = float(ev.monthly_cost[pos])
    budget = money(needs.budget_monthly, cur)
    if cost == 0:
        en, ko = "free of charge", "무료"
    else:
        en = f"about {money(cost, cur)} a month for your hours (budget {budget})"
        ko = f"희망 시간 기준 월 약 {money(cost, cur)} (예산 {budget})"
    lines.append(("cost", en, ko))
    amen = int(t.amenities[row])
    has = _codes(amen & needs.helpful_bits, AMENITY_BIT)
    lacks = _codes(needs.helpful_bits & ~amen, AMENITY_BIT)
    en = f"has {_labels(has, AMENITIES, 0).lower()}" + (
        f"; lacks {_labels(lacks, AMENITIES, 0).lower()}" if lacks else "")
    ko = f"{_labels(has, AMENITIES, 1)} 있음" + (f"; {_labels(lacks, AMENITIES, 1)} 없음"
                                                if lacks else "")
    access = _codes(int(t.access[row]), ACCESS_BIT)
    if access:
        en += f"; {_labels(access, ACCESSIBILITY, 0).lower()}"
        ko += f"; {_labels(access, ACCESSIBILITY, 1)}"
    lines.append(("amenities", en, ko))
    a = int(t.area[row])
    place = areas.names[a] if a >= 0 else "unknown area"
    local = areas.local_names[a] if a >= 0 else "알 수 없는 지역"
    if needs.need_kind == "elders" and a >= 0 and np.isfinite(areas.share_65plus[a]):
        share = areas.share_65plus[a]
        en, ko = (f"{share:.0%} of residents of {place} are 65+",
                  f"{local} 주민 중 65세 이상 {share:.0%}")
    elif needs.need_kind == "children" and a >= 0 and np.isfinite(areas.share_under15[a]):
        share = areas.share_under15[a]
        en, ko = (f"{share:.0%} of residents of {place} are under 15",
                  f"{local} 주민 중 15세 미만 {share:.0%}")
    else:
        en, ko = f"in {place}", f"{local} 소재"
    lines.append(("need", en, ko))
    return lines


def why_not(t: SpaceTable, ev: Evaluation, pos: int, needs: Needs,
            areas: AreaTable) -> list[Line]:
    """Every hard constraint that row ``pos`` fails, explained with its numbers."""
    row, bits = int(ev.rows[pos]), int(ev.failed[pos])
    cur = needs.currency
    out = []
    if bits & FAIL_ACCESS:
        missing = _codes(needs.access_bits & ~int(t.access[row]), ACCESS_BIT)
        en = (f"missing {_labels(missing, ACCESSIBILITY, 0).lower()}" if missing else
              f"on floor {int(t.floor_level[row])} with no lift")
        ko = (f"{_labels(missing, ACCESSIBILITY, 1)} 없음" if missing else
              f"{int(t.floor_level[row])}층, 엘리베이터 없음")
        out.append(Line(CONSTRAINTS[FAIL_ACCESS], None, None, en, ko))
    if bits & FAIL_AREA:
        m2 = float(t.floor_m2[row])
        lo_edge, hi_edge = needs.area_edges
        rng = f"{needs.area_min:,.0f}–{needs.area_max:,.0f} m²"
        if m2 < lo_edge:
            en = (f"{m2:,.0f} m² is too small: it needs {rng}, at least {lo_edge:,.0f} m² "
                  f"for {needs.participants} people")
            ko = (f"{m2:,.0f} m², 너무 좁음: 필요한 면적 {rng}, {needs.participants}명 기준 "
                  f"최소 {lo_edge:,.0f} m²")
        elif needs.area_hard_max is None:  # a maximum the group set itself
            en = (f"{m2:,.0f} m² is above the most you asked for: {rng}, at most "
                  f"{hi_edge:,.0f} m² with the tolerance")
            ko = f"{m2:,.0f} m², 희망 최대 면적 초과: {rng}, 허용 범위 포함 최대 {hi_edge:,.0f} m²"
        else:
            en = (f"{m2:,.0f} m² is far too big: it needs {rng}, and above {hi_edge:,.0f} m² "
                  f"a room is too big for {needs.participants} people")
            ko = (f"{m2:,.0f} m², 너무 넓음: 필요한 면적 {rng}, {needs.participants}명에게 "
                  f"{hi_edge:,.0f} m² 초과는 과함")
        out.append(Line(CONSTRAINTS[FAIL_AREA], None, None, en, ko))
    if bits & FAIL_CAPACITY:
        out.append(Line(CONSTRAINTS[FAIL_CAPACITY], None, None,
                        f"holds {int(t.capacity[row])}, you expect {needs.participants}",
                        f"수용 {int(t.capacity[row])}명, 예상 인원 {needs.participants}명"))
    if bits & FAIL_DISTANCE:
        d, lim = float(ev.distance_m[pos]), distance(needs.max_distance_m or 0)
        out.append(Line(CONSTRAINTS[FAIL_DISTANCE], None, None,
                        f"{distance(d)} away, beyond your {lim}",
                        f"{distance(d)} 거리, 최대 {lim} 초과"))
    if bits & FAIL_AREAS:
        a = int(t.area[row])
        place = areas.names[a] if a >= 0 else "an unknown area"
        local = areas.local_names[a] if a >= 0 else "알 수 없는 지역"
        out.append(Line(CONSTRAINTS[FAIL_AREAS], None, None,
                        f"in {place}, outside your chosen areas",
                        f"{local} 소재, 희망 지역 밖"))
    if bits & FAIL_DATES:
        out.append(Line(CONSTRAINTS[FAIL_DATES], None, None,
                        "not available on any of your project's dates",
                        "사업 기간 중 이용 가능한 날짜 없음"))
    if bits & FAIL_HOURS:
        free, wanted = describe_slots(t.slots[row]), describe_slots(needs.slots)
        free_ko, wanted_ko = describe_slots(t.slots[row], "ko"), describe_slots(needs.slots, "ko")
        if slot_count(t.slots[row]) == 0:
            # its hours hold no whole half hour: say so rather than show a time it lacks
            en = f"its hours hold no whole half hour, so none of your hours ({wanted})"
            ko = f"온전한 30분 단위 이용 시간 없음: 희망 시간({wanted_ko})과 겹치지 않음"
        else:
            en = f"free {free}: none of your hours ({wanted})"
            ko = f"{free_ko} 이용 가능: 희망 시간({wanted_ko})과 겹치지 않음"
        out.append(Line(CONSTRAINTS[FAIL_HOURS], None, None, en, ko))
    if bits & FAIL_COST:
        cost = float(ev.monthly_cost[pos])
        out.append(Line(CONSTRAINTS[FAIL_COST], None, None,
                        f"about {money(cost, cur)} a month, over your budget of "
                        f"{money(needs.budget_monthly, cur)}",
                        f"월 약 {money(cost, cur)}, 예산 {money(needs.budget_monthly, cur)} 초과"))
    if bits & FAIL_USE:
        act = load_activities()[needs.activity]
        out.append(Line(CONSTRAINTS[FAIL_USE], None, None,
                        f"the owner does not allow {act.name_en.lower()}",
                        f"소유자가 '{act.name_ko}' 용도를 허용하지 않음"))
    if bits & FAIL_AMENITY:
        missing = _codes(needs.amenity_bits & ~int(t.amenities[row]), AMENITY_BIT)
        out.append(Line(CONSTRAINTS[FAIL_AMENITY], None, None,
                        f"no {_labels(missing, AMENITIES, 0).lower()}",
                        f"{_labels(missing, AMENITIES, 1)} 없음"))
    return out
