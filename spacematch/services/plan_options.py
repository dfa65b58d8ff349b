"""Query parameters, checked in one place for the pages and the API.

``/plan`` and ``/api/cities/<slug>/plan`` read the same parameters with ``parse_plan_options``,
so both refuse the same values with the same words, naming each field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ..domain.errors import N_, FieldProblem, ValidationError
from ..domain.vocabulary import Text

MAX_ID = 2**31 - 1  # the largest id either database stores
PRIORITY = (1.0, 5.0)  # below 1 would hold vulnerable groups back instead of forward
SHARE = (0.0, 1.0)
K = (1, 100)


@dataclass(frozen=True)
class PlanOptions:
    """The keyword arguments of ``plans.plan_city``, checked."""

    district_id: int | None = None
    k: int = 20
    vulnerable_priority: float | None = None
    min_share: float | None = None


def parse_plan_options(args: Mapping[str, str]) -> PlanOptions:
    """Read ``district``, ``k``, ``priority`` and ``min_share``; raise naming every bad one.

    >>> parse_plan_options({"priority": "1.5", "min_share": ""})
    PlanOptions(district_id=None, k=20, vulnerable_priority=1.5, min_share=None)
    >>> parse_plan_options({"priority": "nan", "min_share": "5"})
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: priority: 'nan' is not a number; ...
    """
    problems: list[FieldProblem] = []
    values = {}
    for key, name, default, (lo, hi), integer, meaning in (
        ("district_id", "district", None, (1, MAX_ID), True,
         Text("the id of a district", "구의 ID")),
        ("k", "k", 20, K, True, Text("candidate spaces per project", "프로젝트당 후보 공간 수")),
        ("vulnerable_priority", "priority", None, PRIORITY, False,
         Text("how much more a project serving vulnerable people counts",
              "취약 계층을 위한 프로젝트에 주는 가중치")),
        ("min_share", "min_share", None, SHARE, False,
         Text("a share of each district's projects", "각 구 프로젝트 중 매칭할 비율")),
    ):
        try:
            values[key] = parse_number(args, name, default, lo, hi, integer=integer,
                                       meaning=meaning)
        except ValidationError as exc:
            problems += exc.problems
    if problems:
        raise ValidationError(problems)
    return PlanOptions(**values)


def parse_number(args: Mapping[str, str], name: str, default, lo: float, hi: float, *,
                 integer: bool = False, meaning: str = ""):
    """``args[name]`` as a finite number in [lo, hi]; ``default`` when absent or empty.

    >>> parse_number({"k": "many"}, "k", 20, 1, 100, integer=True)
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: k: 'many' is not a number
    """
    raw = args.get(name)
    if raw is None or not str(raw).strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValidationError(FieldProblem.of(name, N_("%(value)s is not a number"),
                                              value=repr(raw))) from None
    if not math.isfinite(value):  # float() accepts "nan" and "inf"; no parameter does
        raise ValidationError(FieldProblem.of(name, N_("%(value)s is not a number"),
                                              value=repr(raw)))
    if integer and not value.is_integer():
        raise ValidationError(FieldProblem.of(name, N_("%(value)s is not a whole number"),
                                              value=repr(raw)))
    if not lo <= value <= hi:
        if meaning:
            raise ValidationError(FieldProblem.of(
                name, N_("must be between %(lo)s and %(hi)s (%(meaning)s)"), lo=f"{lo:g}",
                hi=f"{hi:g}", meaning=meaning))
        raise ValidationError(FieldProblem.of(name, N_("must be between %(lo)s and %(hi)s"),
                                              lo=f"{lo:g}", hi=f"{hi:g}"))
    return int(value) if integer else value
