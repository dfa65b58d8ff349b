"""The activity catalogue (``activities.toml``): what projects do and what each needs."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import N_, FieldProblem, ValidationError
from .schedule import parse_weekly_hours
from .vocabulary import AMENITIES

CATALOGUE = Path(__file__).with_name("activities.toml")


@dataclass(frozen=True)
class Activity:
    code: str
    name_en: str
    name_ko: str
    m2_per_person: float
    min_m2: float
    required: tuple[str, ...]
    helpful: tuple[str, ...]
    access: str
    sound: str
    outdoor: str
    typical_hours: dict[str, list[str]]


@cache
def load_activities(path: Path = CATALOGUE) -> dict[str, Activity]:
    """Every activity by code, checked against the amenity vocabulary.

    >>> acts = load_activities()
    >>> len(acts) >= 15, acts["community_kitchen"].required
    (True, ('kitchen', 'water', 'toilets'))
    """
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    out = {}
    for code, spec in raw.items():
        for amenity in (*spec["required"], *spec["helpful"]):
            if amenity not in AMENITIES:
                raise ValueError(f"{path.name} [{code}]: unknown amenity {amenity!r}")
        out[code] = Activity(
            code=code, name_en=spec["name_en"], name_ko=spec["name_ko"],
            m2_per_person=float(spec["m2_per_person"]), min_m2=float(spec["min_m2"]),
            required=tuple(spec["required"]), helpful=tuple(spec["helpful"]),
            access=spec["access"], sound=spec["sound"], outdoor=spec["outdoor"],
            typical_hours=parse_weekly_hours(spec["typical_hours"]),
        )
    return out


def check_activity(field: str, code: str) -> str:
    """``code`` if it names an activity, else raise naming ``field``.

    >>> check_activity("activity", "repair")
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: activity: unknown activity 'repair' ...
    """
    if code not in load_activities():
        known = ", ".join(load_activities())
        raise ValidationError(FieldProblem.of(
            field, N_("unknown activity %(code)s (known: %(known)s)"), code=repr(code),
            known=known))
    return code
