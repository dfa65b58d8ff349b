"""Controlled vocabularies shared by models, forms, loaders and the matching engine.

Stored values are the English codes; labels are for people, in English and Korean.
"""

from __future__ import annotations

from .errors import FieldProblem, ValidationError

ROLES = ("group", "owner", "official", "admin")

OWNER_KINDS = {
    "public": ("Public agency", "공공기관"),
    "private": ("Private owner", "민간 소유자"),
    "nonprofit": ("Non-profit", "비영리 단체"),
}

ACCESSIBILITY = {
    "step_free": ("Step-free entrance", "무단차 출입구"),
    "lift": ("Lift", "엘리베이터"),
    "accessible_toilet": ("Accessible toilet", "장애인 화장실"),
    "disabled_parking": ("Disabled parking", "장애인 주차구역"),
}

AMENITIES = {
    "kitchen": ("Kitchen", "주방"),
    "water": ("Running water", "급수 시설"),
    "toilets": ("Toilets", "화장실"),
    "heating_cooling": ("Heating and cooling", "냉난방"),
    "internet": ("Internet", "인터넷"),
    "power": ("Power for equipment", "전력 설비"),
    "sound_insulation": ("Sound insulation", "방음"),
    "outdoor_space": ("Outdoor space", "야외 공간"),
    "storage": ("Storage", "보관 공간"),
}

COST_KINDS = {
    "free": ("Free", "무료"),
    "monthly": ("Per month", "월 단위"),
    "hourly": ("Per hour", "시간 단위"),
}

# "What matters most" in a project's own words, as the criterion weights it sets (the rest
# keep their defaults; domain.scoring.Weights).
PRIORITIES = {
    "balanced": ("A good fit overall", "전체적으로 잘 맞는 곳", {}),
    "near": ("Close to where we are", "가까운 곳", {"distance": 0.4, "transit": 0.2}),
    "cheap": ("Costs as little as possible", "비용이 적게 드는 곳", {"cost": 0.4}),
    "hours": ("Free at all our hours", "우리 시간에 모두 비어 있는 곳", {"availability": 0.35}),
    "size": ("The right size for us", "우리 인원에 맞는 크기", {"area": 0.35}),
    "equipped": ("Well equipped for our activity", "활동에 필요한 시설", {"amenities": 0.3}),
}

SPACE_STATUSES = ("draft", "listed", "paused", "archived")
PROJECT_STATUSES = ("draft", "open", "matched", "closed")

BENEFICIARIES = {
    "elders": ("Elders", "어르신"),
    "youth": ("Youth", "청년·청소년"),
    "children": ("Children", "아동"),
    "people_with_disabilities": ("People with disabilities", "장애인"),
    "migrants": ("Migrants", "이주민"),
    "families": ("Families", "가족"),
    "low_income": ("Low-income households", "저소득층"),
    "residents": ("All residents", "지역 주민"),
}


def check_codes(field: str, values, vocabulary) -> list[str]:
    """Return ``values`` as a sorted list of unique codes, or raise naming the field.

    >>> check_codes("amenities", ["water", "kitchen", "water"], AMENITIES)
    ['kitchen', 'water']
    >>> check_codes("amenities", ["jacuzzi"], AMENITIES)
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: amenities: unknown value 'jacuzzi' ...
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in (s.strip() for s in values.split(",")) if v]
    unknown = [v for v in values if v not in vocabulary]
    if unknown:
        allowed = ", ".join(vocabulary)
        raise ValidationError(
            FieldProblem(field, f"unknown value {unknown[0]!r} (allowed: {allowed})")
        )
    return sorted(set(values))


def check_choice(field: str, value, choices) -> str:
    """Return ``value`` if it is one of ``choices``, else raise naming the field.

    >>> check_choice("status", "listed", SPACE_STATUSES)
    'listed'
    """
    if value not in choices:
        allowed = ", ".join(choices)
        raise ValidationError(FieldProblem(field, f"must be one of {allowed}, not {value!r}"))
    return value
