"""Which day it is where a place is.

A pairing starts on its first day and stops holding hours after its last *in its city*: at
00:30 in Seoul it is already the next day there while the server's clock, in UTC, still says
yesterday. Every "today" the service reasons about comes from here, in the city's time zone.

>>> from datetime import datetime, UTC
>>> late = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)  # 00:30 on the 5th in Seoul
>>> today_in("Asia/Seoul", late).isoformat(), today_in("America/New_York", late).isoformat()
('2026-12-05', '2026-12-04')
>>> check_timezone("Mars/Olympus")
Traceback (most recent call last):
...
spacematch.domain.errors.ValidationError: Invalid input: timezone: 'Mars/Olympus' is not a known
time zone (such as Asia/Seoul)
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import N_, FieldProblem, ValidationError


def check_timezone(name: str, field: str = "timezone") -> str:
    """``name`` when it is an IANA time zone, else a ValidationError naming ``field``."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError(FieldProblem.of(
            field, N_("%(value)s is not a known time zone (such as Asia/Seoul)"),
            value=repr(name))) from None
    return name


def now() -> datetime:
    """The moment, in UTC: the one clock every "today" reads (tests move it)."""
    return datetime.now(UTC)


def today_in(timezone: str | None, at: datetime | None = None) -> date:
    """The date in ``timezone`` (UTC when none or unknown) at ``at`` (else ``now()``)."""
    at = at or now()
    try:
        zone = ZoneInfo(timezone) if timezone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC  # stored before time zones were checked; the load refuses them now
    return at.astimezone(zone).date()
