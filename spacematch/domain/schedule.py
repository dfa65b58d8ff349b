"""Weekly opening hours: parse, normalise, and measure overlap.

A schedule is stored as a dict from day code to a list of ``"HH:MM-HH:MM"`` ranges, e.g.
``{"tue": ["18:00-21:00"], "thu": ["18:00-21:00"]}``. Internally a schedule is a sorted list
of ``(start, end)`` minutes from Monday 00:00, which makes overlap arithmetic trivial.
"""

from __future__ import annotations

import re

import numpy as np

from .errors import N_, FieldProblem, ValidationError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
MINUTES_PER_DAY = 24 * 60


def _parse_range(field: str, text: str) -> tuple[int, int]:
    m = _RANGE.match(text)
    if not m:
        raise ValidationError(FieldProblem.of(
            field, N_("%(value)s is not a time range like 09:00-18:00"), value=repr(text)))
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59 or end > MINUTES_PER_DAY:
        raise ValidationError(FieldProblem.of(field, N_("%(value)s is not a valid time of day"),
                                              value=repr(text)))
    if end <= start:
        raise ValidationError(FieldProblem.of(field, N_("%(value)s ends before it starts"),
                                              value=repr(text)))
    return start, end


def _expand_days(field: str, spec: str) -> list[str]:
    spec = spec.strip().lower()
    if "," in spec:
        return [d for part in spec.split(",") if part.strip() for d in _expand_days(field, part)]
    if "-" in spec:
        first, last = (s.strip() for s in spec.split("-", 1))
        if first not in DAYS or last not in DAYS:
            raise ValidationError(FieldProblem.of(
                field, N_("%(value)s is not a day range like mon-fri"), value=repr(spec)))
        i, j = DAYS.index(first), DAYS.index(last)
        return list(DAYS[i : j + 1]) if i <= j else list(DAYS[i:] + DAYS[: j + 1])
    if spec not in DAYS:
        raise ValidationError(FieldProblem.of(field, N_("%(value)s is not a day (%(days)s)"),
                                              value=repr(spec), days=", ".join(DAYS)))
    return [spec]


def parse_weekly_hours(value, field: str = "weekly_hours") -> dict[str, list[str]]:
    """Normalise weekly hours given as a dict or as text; raise naming ``field`` if invalid.

    Overlapping or touching ranges on one day are merged.

    >>> parse_weekly_hours("mon-wed 09:00-12:00; tue 11:00-14:00")
    {'mon': ['09:00-12:00'], 'tue': ['09:00-14:00'], 'wed': ['09:00-12:00']}
    >>> parse_weekly_hours({"sat": ["10:00-16:00"]})
    {'sat': ['10:00-16:00']}
    >>> parse_weekly_hours("fri 18:00-17:00")
    Traceback (most recent call last):
    ...
    spacematch.domain.errors.ValidationError: Invalid input: weekly_hours: '18:00-17:00' ...
    """
    if value in (None, "", {}):
        return {}
    per_day: dict[str, list[tuple[int, int]]] = {}
    if isinstance(value, str):
        for part in (p for p in re.split(r"[;\n]", value) if p.strip()):
            bits = part.strip().split(None, 1)
            if len(bits) != 2:
                raise ValidationError(
                    FieldProblem.of(field, N_("%(value)s should look like 'mon-fri 09:00-18:00'"),
                                    value=repr(part.strip()))
                )
            for day in _expand_days(field, bits[0]):
                for rng in bits[1].split(","):
                    per_day.setdefault(day, []).append(_parse_range(field, rng))
    elif isinstance(value, dict):
        for day, ranges in value.items():
            if day not in DAYS:
                raise ValidationError(FieldProblem.of(field, N_("%(value)s is not a day code"),
                                                  value=repr(day)))
            if isinstance(ranges, str):
                ranges = [ranges]
            for rng in ranges:
                per_day.setdefault(day, []).append(_parse_range(field, rng))
    else:
        raise ValidationError(FieldProblem(field, N_("must be a mapping of days to time ranges")))
    return {day: [_format(a, b) for a, b in _merge(per_day[day])] for day in DAYS if day in per_day}


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _format(start: int, end: int) -> str:
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def to_week_intervals(hours: dict[str, list[str]]) -> list[tuple[int, int]]:
    """Minutes from Monday 00:00 for each range of a normalised schedule.

    >>> to_week_intervals({"tue": ["18:00-21:00"]})
    [(2520, 2700)]
    """
    out = []
    for day, ranges in hours.items():
        base = DAYS.index(day) * MINUTES_PER_DAY
        for rng in ranges:
            start, end = _parse_range("weekly_hours", rng)
            out.append((base + start, base + end))
    return sorted(out)


def overlap_minutes(a: dict[str, list[str]], b: dict[str, list[str]]) -> int:
    """Minutes per week that two normalised schedules share.

    >>> overlap_minutes({"tue": ["18:00-21:00"]}, {"tue": ["19:00-22:00"], "wed": ["18:00-21:00"]})
    120
    """
    xs, ys = to_week_intervals(a), to_week_intervals(b)
    i = j = total = 0
    while i < len(xs) and j < len(ys):
        lo, hi = max(xs[i][0], ys[j][0]), min(xs[i][1], ys[j][1])
        total += max(0, hi - lo)
        if xs[i][1] < ys[j][1]:
            i += 1
        else:
            j += 1
    return total


def weekly_minutes(hours: dict[str, list[str]]) -> int:
    """Total minutes per week of a normalised schedule.

    >>> weekly_minutes({"mon": ["09:00-12:00"], "fri": ["13:00-14:30"]})
    270
    """
    return sum(end - start for start, end in to_week_intervals(hours))


SLOT_MINUTES = 30
SLOTS_PER_WEEK = 7 * MINUTES_PER_DAY // SLOT_MINUTES  # 336
SLOT_WORDS = (SLOTS_PER_WEEK + 63) // 64  # 6 uint64 words per schedule


def to_slot_mask(hours: dict[str, list[str]], *, outward: bool) -> np.ndarray:
    """A week as 336 half-hour slots packed into 6 uint64 words.

    ``outward=True`` (a project's needs) marks every slot the hours touch; ``outward=False``
    (a space's availability) marks only slots wholly inside them. So a space is never
    credited with time it does not offer.

    >>> m = to_slot_mask({"mon": ["00:00-01:15"]}, outward=False)
    >>> int(m[0]), int(to_slot_mask({"mon": ["00:00-01:15"]}, outward=True)[0])
    (3, 7)
    """
    bits = np.zeros(SLOT_WORDS * 64, dtype=bool)
    for start, end in to_week_intervals(hours):
        if outward:
            a, b = start // SLOT_MINUTES, -(-end // SLOT_MINUTES)
        else:
            a, b = -(-start // SLOT_MINUTES), end // SLOT_MINUTES
        bits[a:b] = True
    return np.packbits(bits.reshape(SLOT_WORDS, 64)[:, ::-1], axis=1).view(">u8").astype(
        np.uint64).ravel()


def slot_count(masks: np.ndarray) -> np.ndarray:
    """Number of slots set, per row of masks (shape ``(..., SLOT_WORDS)``)."""
    return np.bitwise_count(masks).sum(axis=-1, dtype=np.int64)


DAY_NAMES = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
             "ko": ("월", "화", "수", "목", "금", "토", "일")}


def describe_slots(mask: np.ndarray, lang: str = "en") -> str:
    """Compact text for a slot mask, e.g. ``Tue/Thu 18:00–21:00``, with weekdays in
    ``lang`` ("en" or "ko").

    >>> mask = to_slot_mask(parse_weekly_hours("tue,thu 18:00-21:00"), outward=True)
    >>> describe_slots(mask), describe_slots(mask, "ko")
    ('Tue/Thu 18:00–21:00', '화/목 18:00–21:00')
    """
    words = np.asarray(mask, dtype=np.uint64)
    bits = np.unpackbits(words.astype(">u8").view(np.uint8).reshape(-1, 8), axis=1)[:, ::-1]
    bits = bits.reshape(-1)[:SLOTS_PER_WEEK].astype(bool)
    per_day: dict[str, list[str]] = {}
    for d, day in enumerate(DAYS):
        day_bits = bits[d * 48:(d + 1) * 48]
        ranges, i = [], 0
        while i < 48:
            if day_bits[i]:
                j = i
                while j < 48 and day_bits[j]:
                    j += 1
                ranges.append(f"{i // 2:02d}:{i % 2 * 30:02d}–{j // 2:02d}:{j % 2 * 30:02d}")
                i = j
            else:
                i += 1
        if ranges:
            per_day[day] = ranges
    groups: dict[str, list[str]] = {}
    for day, ranges in per_day.items():
        groups.setdefault(", ".join(ranges), []).append(day)
    names = DAY_NAMES.get(lang, DAY_NAMES["en"])
    return "; ".join(f"{_day_span(days, names)} {ranges}"
                     for ranges, days in groups.items()) or "—"


def _day_span(days: list[str], names: tuple[str, ...]) -> str:
    """``['mon', 'tue', 'wed', 'fri']`` → ``Mon–Wed/Fri`` (runs of three or more days joined)."""
    idx = [DAYS.index(d) for d in days]
    runs: list[list[int]] = []
    for i in idx:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            parts += [names[i] for i in run]
    return "/".join(parts)


def describe_hours(hours: dict[str, list[str]], *, outward: bool = True,
                   lang: str = "en") -> str:
    """Compact text for a normalised schedule, in the half-hour slots matching uses.

    ``outward=True`` describes a project's needs (every slot its hours touch);
    ``outward=False`` a space's availability (only slots wholly inside its hours), so a
    space is never shown as free for time it does not give. Hours that hold no whole half
    hour read "—".

    >>> describe_hours(parse_weekly_hours("mon-fri 14:00-18:00; sat 10:00-12:00"))
    'Mon–Fri 14:00–18:00; Sat 10:00–12:00'
    >>> describe_hours({"mon": ["09:10-10:50"]}, outward=False)
    'Mon 09:30–10:30'
    >>> describe_hours({"mon": ["09:10-09:50"]}, outward=False)
    '—'
    >>> describe_hours(parse_weekly_hours("mon-fri 14:00-18:00"), lang="ko")
    '월–금 14:00–18:00'
    """
    return describe_slots(to_slot_mask(hours, outward=outward), lang)
