"""Controlled vocabularies shared by models, forms, loaders and the matching engine.

Stored values are the English codes; labels are for people, in English and Korean.
"""

from __future__ import annotations

from .errors import N_, FieldProblem, ValidationError


class Text(str):
    """Text for people in English and Korean: ``Text(en, ko)``.

    It *is* its English (a ``str``), so f-strings, ``==`` against English, sorting, joining,
    JSON and the database all see the English as before; a page shows ``.ko`` or ``.en``
    (``|l10n`` in templates, ``pick()`` in Python).

    >>> t = Text("Room 1 of 12", "12개 중 1번 방")
    >>> t == "Room 1 of 12", str(t), t.en, t.ko, f"{t}!", hash(t) == hash("Room 1 of 12")
    (True, 'Room 1 of 12', 'Room 1 of 12', '12개 중 1번 방', 'Room 1 of 12!', True)
    >>> import json; json.dumps({"room": t})
    '{"room": "Room 1 of 12"}'
    """

    ko: str

    def __new__(cls, en: str, ko: str | None = None):
        self = super().__new__(cls, en)
        object.__setattr__(self, "ko", str(en) if ko is None else str(ko))
        return self

    @property
    def en(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return str.__str__(self)

    def __setattr__(self, name, value):
        raise AttributeError("Text is immutable")

    def __delattr__(self, name):
        raise AttributeError("Text is immutable")

    def __reduce__(self):  # copy, deepcopy (dataclasses.asdict) and pickle keep the Korean
        return (Text, (str.__str__(self), self.ko))

    def __add__(self, other):  # "— " + Text, Text + " …": a Text, each language its own
        if not isinstance(other, str):
            return NotImplemented
        return Text(self.en + str(other), self.ko + getattr(other, "ko", str(other)))

    def __radd__(self, other):
        if not isinstance(other, str):
            return NotImplemented
        return Text(str(other) + self.en, getattr(other, "ko", str(other)) + self.ko)

    @staticmethod
    def joined(sep: str, parts, ko_sep: str | None = None) -> Text:
        """``sep`` (in Korean ``ko_sep``, else ``sep``) between ``parts`` (Texts or plain
        strings), in each language.

        >>> Text.joined(" or ", [Text("a", "가"), "b"], " 또는 ").ko
        '가 또는 b'
        """
        parts = list(parts)
        return Text(sep.join(str(p) for p in parts),
                    (sep if ko_sep is None else ko_sep).join(getattr(p, "ko", str(p))
                                                             for p in parts))

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
        raise ValidationError(FieldProblem.of(
            field, N_("unknown value %(value)s (allowed: %(allowed)s)"),
            value=repr(unknown[0]), allowed=allowed))
    return sorted(set(values))


def check_choice(field: str, value, choices) -> str:
    """Return ``value`` if it is one of ``choices``, else raise naming the field.

    >>> check_choice("status", "listed", SPACE_STATUSES)
    'listed'
    """
    if value not in choices:
        allowed = ", ".join(choices)
        raise ValidationError(FieldProblem.of(
            field, N_("must be one of %(allowed)s, not %(value)s"), allowed=allowed,
            value=repr(value)))
    return value


LANGUAGES = ("ko", "en")  # the languages pages are written in; English where unsure
_COUNTRY_LANGUAGE = {"KR": "ko"}


def language_of_country(country: str | None) -> str:
    """What a city's people read first.

    >>> language_of_country("KR"), language_of_country("US"), language_of_country(None)
    ('ko', 'en', 'en')
    """
    return _COUNTRY_LANGUAGE.get((country or "").upper(), "en")


# What each scored criterion and hard constraint is called on a page (English, Korean)
CRITERION_NAMES = {
    "area": ("area", "면적"), "distance": ("distance", "거리"), "transit": ("transit", "대중교통"),
    "availability": ("availability", "이용 시간"), "cost": ("cost", "비용"),
    "amenities": ("amenities", "편의 시설"), "need": ("need", "지역 수요"),
    "accessibility": ("accessibility", "접근성"), "floor_area": ("floor area", "면적"),
    "capacity": ("capacity", "수용 인원"), "preferred_areas": ("preferred areas", "희망 지역"),
    "dates": ("dates", "기간"), "weekly_hours": ("weekly hours", "이용 시간"),
    "allowed_use": ("allowed use", "허용 용도"),
}

# statuses in Korean, for the sentences that name them
PROJECT_STATUS_KO = {"draft": "임시 저장", "open": "모집 중", "matched": "매칭됨", "closed": "종료"}
SPACE_STATUS_KO = {"draft": "임시 저장", "listed": "공개", "paused": "일시 중지",
                   "archived": "보관"}

# the roles as a page names them (English, Korean)
ROLE_LABELS = {"group": ("Community group", "지역 활동 단체"),
               "owner": ("Space owner", "공간 소유자"),
               "official": ("Local official", "담당 공무원"),
               "admin": ("Administrator", "관리자")}
