"""Validation of space listings and project needs, collecting every problem at once.

Input is a plain mapping (from a form, the API, a CSV row or the demo generator); output is
a cleaned dict ready to store. Nothing here touches a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from .activities import check_activity
from .errors import N_, FieldProblem, ValidationError
from .geometry import check_lonlat
from .rooms import (
    MAX_ROOMS,
    ROOM_STATUSES,
    default_room,
    is_divisible,
    offers_nothing,
    room_misfits,
)
from .schedule import parse_weekly_hours
from .scoring import CRITERIA
from .vocabulary import (
    ACCESSIBILITY,
    AMENITIES,
    BENEFICIARIES,
    COST_KINDS,
    OWNER_KINDS,
    PROJECT_STATUSES,
    SPACE_STATUSES,
    Text,
    check_choice,
    check_codes,
)

MAX_FLOOR_AREA_M2 = 100_000
MAX_DIVISIBLE_ROOMS = 1_000
# Below what a Numeric(14, 2) column holds, and beyond any rent or budget.
MAX_AMOUNT = Decimal(10) ** 12


def _blank(value) -> bool:
    """Nothing typed: no value, or text that is only white space.

    >>> _blank(None), _blank("  "), _blank(0), _blank(False)
    (True, True, False, False)
    """
    return value is None or (isinstance(value, str) and not value.strip())


class _Collector:
    """Runs field checks, keeping every problem instead of stopping at the first."""

    def __init__(self, data: dict):
        self.data = data
        self.problems: list[FieldProblem] = []
        self.out: dict = {}

    def take(self, field: str, check, *args, required: bool = False, default=None):
        value = self.data.get(field)
        if _blank(value):
            if required:
                self.problems.append(FieldProblem(field, N_("is required")))
                return None
            self.out[field] = default
            return default
        try:
            self.out[field] = check(field, value, *args)
        except ValidationError as exc:
            self.problems.extend(exc.problems)
            return None
        return self.out[field]

    def finish(self) -> dict:
        if self.problems:
            raise ValidationError(self.problems)
        return self.out


def _text(max_len: int):
    def check(field, value):
        text = str(value).strip()
        if len(text) > max_len:
            raise ValidationError(FieldProblem.of(
                field, N_("is longer than %(max_len)s characters"), max_len=max_len))
        check_characters(field, text)
        return text
    return check


def check_characters(field: str, text: str) -> None:
    """Refuse what no database stores as text: control characters (tabs and line breaks
    aside; PostgreSQL refuses NUL) and lone surrogates (not UTF-8).

    >>> check_characters("name", "Hall" + chr(0))
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: name: must not contain control ...
    """
    if any((ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 for c in text):
        raise ValidationError(FieldProblem(field, N_("must not contain control characters")))
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(FieldProblem(field, N_("is not valid text (UTF-8)"))) from None


def _number(lo: float, hi: float, integer: bool = False):
    def check(field, value):
        # bool is an int to Python, but a checkbox is no floor area.
        if isinstance(value, bool):
            raise ValidationError(FieldProblem.of(field, N_("%(value)s is not a number"),
                                                  value=repr(value)))
        try:
            n = int(value) if integer else float(value)
            whole = not integer or float(value) == n
        except (TypeError, ValueError, OverflowError):
            raise ValidationError(FieldProblem.of(
                field, N_("%(value)s is not a number in %(lo)s..%(hi)s"),
                value=f"{value!r:.40}", lo=f"{lo:g}", hi=f"{hi:g}")) from None
        if not whole:
            raise ValidationError(FieldProblem.of(field, N_("%(value)s is not a whole number"),
                                                  value=repr(value)))
        if not lo <= n <= hi:
            raise ValidationError(FieldProblem.of(field, N_("%(n)s is outside %(lo)s..%(hi)s"),
                                                  n=n, lo=f"{lo:g}", hi=f"{hi:g}"))
        return n
    return check


def _name(max_len: int):
    check_length = _text(max_len)

    def check(field, value):
        text = check_length(field, value)
        if not text:
            raise ValidationError(FieldProblem(field, N_("is required")))
        return text
    return check


def _money(field, value):
    if isinstance(value, bool | list | dict):
        raise ValidationError(FieldProblem.of(field, N_("%(value)s is not an amount"),
                                              value=f"{value!r:.40}"))
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(FieldProblem.of(field, N_("%(value)s is not an amount"),
                                              value=f"{value!r:.40}")) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError(FieldProblem(field, N_("must be zero or more")))
    if amount >= MAX_AMOUNT:
        raise ValidationError(FieldProblem.of(field, N_("must be below %(max)s"),
                                              max=f"{MAX_AMOUNT:,}"))
    return amount.quantize(Decimal("0.01"))


def _date(field, value):
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(FieldProblem.of(
            field, N_("%(value)s is not a date (YYYY-MM-DD)"), value=repr(value))) from None


def _strings(field, value) -> list[str]:
    """A code list as text ("a, b") or a list of strings; anything else is named."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",")]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValidationError(FieldProblem(field, N_("must be a list of codes")))


def _codes(field, value, vocabulary):
    return check_codes(field, [c for c in _strings(field, value) if c], vocabulary)


def _activities(field, value):
    return sorted({check_activity(field, c.strip()) for c in _strings(field, value) if c})


def _hours(field, value):
    shaped = isinstance(value, str) or (isinstance(value, dict) and all(
        isinstance(r, list | tuple) and all(isinstance(x, str) for x in r)
        for r in value.values()))
    if not shaped:
        raise ValidationError(FieldProblem(field, N_("must be text like 'mon-fri 09:00-18:00' "
                                                     "or map days to lists of ranges")))
    return parse_weekly_hours(value, field)


def _currency(field, value):
    code = str(value).strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise ValidationError(FieldProblem.of(
            field, N_("%(value)s is not a 3-letter currency code"), value=repr(value)))
    return code


def _choice(field, value, choices):
    if not isinstance(value, str):
        raise ValidationError(FieldProblem.of(field, N_("must be one of %(choices)s"),
                                              choices=", ".join(choices)))
    return check_choice(field, value, choices)


def _cost_required(kind: str) -> FieldProblem:
    """An amount is needed for a monthly or hourly cost (the kind named in each language)."""
    return FieldProblem.of("cost_amount", N_("is required for %(kind)s cost"),
                           kind=Text(kind, COST_KINDS[kind][1]))


def _date_order(c: _Collector, first: str, last: str) -> None:
    a, b = c.out.get(first), c.out.get(last)
    if a and b and b < a:
        c.problems.append(FieldProblem.of(last, N_("%(value)s is before %(field)s %(start)s"),
                                          value=str(b), field=first, start=str(a)))


def clean_space(data: dict, default_currency: str = "KRW") -> dict:
    """Check a space listing; return cleaned values or raise with every problem.

    >>> s = clean_space({"title": "Community room", "owner_kind": "public", "lon": 126.97,
    ...     "lat": 37.57, "floor_area_m2": "85", "capacity": 30, "amenities": "kitchen,water"})
    >>> s["floor_area_m2"], s["amenities"], s["cost_kind"], s["currency"]
    (85.0, ['kitchen', 'water'], 'free', 'KRW')
    >>> clean_space({"title": "", "owner_kind": "public", "lon": 1, "lat": 2,
    ...     "floor_area_m2": -5, "capacity": 10})
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: title: is required; floor_area_m2: ...
    """
    c = _Collector(data)
    c.take("title", _text(200), required=True)
    c.take("description", _text(5000), default="")
    c.take("owner_kind", _choice, OWNER_KINDS, required=True)
    if _blank(data.get("lon")) or _blank(data.get("lat")):
        c.problems.append(FieldProblem("location", N_("longitude and latitude are required")))
    else:
        try:
            c.out["lon"], c.out["lat"] = check_lonlat(data["lon"], data["lat"])
        except ValidationError as exc:
            c.problems.extend(exc.problems)
    c.take("address", _text(300), default="")
    c.take("floor_area_m2", _number(1, MAX_FLOOR_AREA_M2), required=True)
    c.take("divisible_room_m2", _number(1, MAX_FLOOR_AREA_M2))
    c.take("divisible_rooms", _number(2, MAX_DIVISIBLE_ROOMS, integer=True))
    _divisions(c)
    c.take("capacity", _number(1, 100_000, integer=True), required=True)
    c.take("floor_level", _number(-10, 200, integer=True), default=0)
    c.take("accessibility", _codes, ACCESSIBILITY, default=[])
    c.take("amenities", _codes, AMENITIES, default=[])
    c.take("allowed_uses", _activities, default=[])
    c.take("available_from", _date)
    c.take("available_to", _date)
    _date_order(c, "available_from", "available_to")
    c.take("weekly_hours", _hours, default={})
    kind = c.take("cost_kind", _choice, COST_KINDS, default="free")
    amount = c.take("cost_amount", _money, default=Decimal("0.00"))
    if kind == "free" and amount:
        c.problems.append(FieldProblem("cost_amount", N_("must be 0 for a free space")))
    if kind in ("monthly", "hourly") and amount == 0:
        c.problems.append(_cost_required(kind))
    c.take("currency", _currency, default=default_currency)
    c.take("condition_notes", _text(5000), default="")
    c.take("status", _choice, SPACE_STATUSES, default="draft")
    return c.finish()


def _divisions(c: _Collector) -> None:
    """Room size and count of a divisible space come together and fit in the space."""
    given = {f: not _blank(c.data.get(f)) for f in ("divisible_room_m2", "divisible_rooms")}
    if given["divisible_room_m2"] != given["divisible_rooms"]:
        missing, present = (("divisible_rooms", "divisible_room_m2")
                            if given["divisible_room_m2"] else
                            ("divisible_room_m2", "divisible_rooms"))
        c.problems.append(FieldProblem.of(missing, N_("is required with %(field)s"),
                                          field=present))
        return
    m2, n, area = (c.out.get(f) for f in ("divisible_room_m2", "divisible_rooms",
                                          "floor_area_m2"))
    if m2 and n and area and m2 * n > area:
        c.problems.append(FieldProblem.of(
            "divisible_rooms", N_("%(n)s rooms of %(m2)s m² need %(need)s m²; the space has "
                                  "%(area)s m²"),
            n=n, m2=f"{m2:g}", need=f"{m2 * n:g}", area=f"{area:g}"))


def clean_room(data: Mapping, *, floor_level_default: int = 0) -> dict:
    """Check one room of a place; return cleaned values or raise with every problem.

    Accessibility, amenities, allowed uses, weekly hours and cost left out (``None`` or
    ``""``) are the place's; an empty list is the room's own ("no amenities here"). A cost
    comes whole: a kind, with its amount (0 if free) and optionally its currency.

    >>> r = clean_room({"name": "Hall", "floor_area_m2": "150", "capacity": 80})
    >>> r["floor_area_m2"], r["capacity"], r["amenities"], r["cost_kind"], r["status"]
    (150.0, 80, None, None, 'listed')
    """
    c = _Collector(dict(data))
    c.take("name", _name(120), required=True)
    c.take("position", _number(0, 10_000, integer=True))
    c.take("floor_area_m2", _number(1, MAX_FLOOR_AREA_M2), required=True)
    c.take("capacity", _number(1, 100_000, integer=True), required=True)
    c.take("floor_level", _number(-10, 200, integer=True), default=floor_level_default)
    c.take("accessibility", _codes, ACCESSIBILITY)
    c.take("amenities", _codes, AMENITIES)
    c.take("allowed_uses", _activities)
    c.take("weekly_hours", _hours)
    kind = c.take("cost_kind", _choice, COST_KINDS)
    amount = c.take("cost_amount", _money)
    c.take("currency", _currency)
    c.take("status", _choice, ROOM_STATUSES, default="listed")
    given = {f: not _blank(c.data.get(f)) for f in ("cost_kind", "cost_amount", "currency")}
    if not given["cost_kind"]:
        if given["cost_amount"]:
            c.problems.append(FieldProblem("cost_kind", N_("is required with the room's own "
                                                           "cost_amount")))
        if given["currency"]:
            c.problems.append(FieldProblem("currency", N_("goes only with the room's own "
                                                          "cost_kind")))
    elif kind is not None:
        if amount is None and not given["cost_amount"]:
            amount = c.out["cost_amount"] = Decimal("0.00")
        if kind == "free" and amount:
            c.problems.append(FieldProblem("cost_amount", N_("must be 0 for a free room")))
        if kind in ("monthly", "hourly") and amount == 0:
            c.problems.append(_cost_required(kind))
    return c.finish()


def clean_rooms(values, *, floor_level_default: int = 0, field: str = "rooms") -> list[dict]:
    """Check a list of rooms; each problem names its room, as in ``rooms[1].capacity``.

    A room without a position takes its place in the list.
    """
    if not isinstance(values, list | tuple):
        raise ValidationError(FieldProblem(field, N_("must be a list of rooms")))
    if len(values) > MAX_ROOMS:
        raise ValidationError(FieldProblem.of(field, N_("a place has at most %(max)s rooms"),
                                              max=MAX_ROOMS))
    rooms, problems = [], []
    for i, value in enumerate(values):
        if not isinstance(value, Mapping):
            problems.append(FieldProblem(f"{field}[{i}]", N_("must be a room (name, "
                                                             "floor_area_m2, capacity, …)")))
            continue
        try:
            room = clean_room(value, floor_level_default=floor_level_default)
        except ValidationError as exc:
            problems += [FieldProblem(f"{field}[{i}].{p.field}", p.problem, p.template,
                                      p.params) for p in exc.problems]
            continue
        if room["position"] is None:
            room["position"] = i
        rooms.append(room)
    if problems:
        raise ValidationError(problems)
    return rooms


def clean_place(data: Mapping, default_currency: str = "KRW") -> tuple[dict, list[dict]]:
    """Check a new place and its rooms together, reporting every problem of both at once.

    Without ``rooms`` a place gets its whole-space room, unless it is divisible (then its
    divisions are its rooms). A listed place must offer something: a listed room, or
    divisions.
    """
    problems: list[FieldProblem] = []
    place = None
    try:
        place = clean_space(dict(data), default_currency=default_currency)
    except ValidationError as exc:
        problems += exc.problems
    raw = data.get("rooms")
    rooms: list[dict] = []
    if raw is None:
        if place is not None and not is_divisible(place):
            rooms = [default_room(place)]
    else:
        level = place["floor_level"] if place is not None else 0
        try:
            rooms = clean_rooms(raw, floor_level_default=level)
        except ValidationError as exc:
            problems += exc.problems
        if place is not None and not problems:
            for i, room in enumerate(rooms):
                problems += room_misfits(place, room, f"rooms[{i}].")
        if place is not None and not problems:
            if not rooms and not is_divisible(place):
                problems.append(FieldProblem("rooms", N_("a place needs at least one room, or "
                                                         "a divisible size")))
            elif offers_nothing(place["status"], is_divisible(place),
                                (r["status"] for r in rooms)):
                problems.append(FieldProblem("rooms", N_("a listed place needs at least one "
                                                         "listed room")))
    if problems:
        raise ValidationError(problems)
    return place, rooms


def clean_project(data: dict, default_currency: str = "KRW") -> dict:
    """Check a project's needs; return cleaned values or raise with every problem.

    >>> p = clean_project({"title": "Repair café", "activity": "maker_repair",
    ...     "participants": 15, "weekly_hours": "sat 10:00-16:00", "budget_amount": 100000})
    >>> p["weekly_hours"], p["budget_kind"], str(p["budget_amount"])
    ({'sat': ['10:00-16:00']}, 'monthly', '100000.00')
    """
    c = _Collector(data)
    c.take("title", _text(200), required=True)
    c.take("title_en", _text(200))
    c.take("description", _text(5000), default="")
    c.take("activity", lambda f, v: check_activity(f, v), required=True)
    c.take("participants", _number(1, 10_000, integer=True), required=True)
    c.take("area_min_m2", _number(1, MAX_FLOOR_AREA_M2))
    c.take("area_max_m2", _number(1, MAX_FLOOR_AREA_M2))
    lo, hi = c.out.get("area_min_m2"), c.out.get("area_max_m2")
    if lo and hi and hi < lo:
        c.problems.append(FieldProblem.of("area_max_m2", N_("%(hi)s is below area_min_m2 %(lo)s"),
                                          hi=f"{hi:g}", lo=f"{lo:g}"))
    c.take("required_accessibility", _codes, ACCESSIBILITY, default=[])
    c.take("required_amenities", _codes, AMENITIES, default=[])
    has_point = not _blank(data.get("lon")) or not _blank(data.get("lat"))
    if has_point:
        try:
            c.out["lon"], c.out["lat"] = check_lonlat(data.get("lon"), data.get("lat"),
                                                      "preferred_location")
        except ValidationError as exc:
            c.problems.extend(exc.problems)
    c.take("max_distance_m", _number(50, 100_000))
    if c.out.get("max_distance_m") and not has_point:
        c.problems.append(FieldProblem("max_distance_m", N_("needs a preferred location")))
    c.take("starts_on", _date)
    c.take("ends_on", _date)
    _date_order(c, "starts_on", "ends_on")
    c.take("weekly_hours", _hours, default={})
    c.take("budget_kind", _choice, COST_KINDS, default="monthly")
    c.take("budget_amount", _money, default=Decimal("0.00"))
    c.take("currency", _currency, default=default_currency)
    c.take("beneficiaries", _codes, BENEFICIARIES, default=[])
    c.take("weights", _weights, default={})
    c.take("status", _choice, PROJECT_STATUSES, default="draft")
    return c.finish()


def _weights(field, value):
    if not isinstance(value, dict):
        raise ValidationError(FieldProblem(field, N_("must map criteria to numbers")))
    out = {}
    for key, raw in value.items():
        if key not in CRITERIA:
            raise ValidationError(FieldProblem.of(
                field, N_("unknown criterion %(key)s (known: %(known)s)"), key=repr(key),
                known=", ".join(CRITERIA)))
        try:
            w = float(raw)
        except (TypeError, ValueError):
            raise ValidationError(FieldProblem.of(field, N_("%(key)s: %(value)s is not a number"),
                                                  key=key, value=repr(raw))) from None
        if not 0 <= w <= 10:
            raise ValidationError(FieldProblem.of(field, N_("%(key)s: %(value)s is outside 0..10"),
                                                  key=key, value=f"{w:g}"))
        out[key] = w
    if out and not any(out.values()) and len(out) == len(CRITERIA):
        raise ValidationError(FieldProblem(field, N_("at least one weight must be above 0")))
    return out
