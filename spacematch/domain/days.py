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

import logging
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from .errors import N_, FieldProblem, ValidationError

log = logging.getLogger(__name__)
# names the database knows that say nothing of a place: the server's own zone, a placeholder
NOT_PLACES = {"localtime", "Factory"}


def check_timezone(name: str, field: str = "timezone") -> str:
    """``name`` when it is an IANA time zone of a place, else a ValidationError naming
    ``field``."""
    if not isinstance(name, str) or name in NOT_PLACES or name not in available_timezones():
        raise ValidationError(FieldProblem.of(
            field, N_("%(value)s is not a known time zone (such as Asia/Seoul)"),
            value=repr(name)))
    return name


def zone(name: str | None) -> tzinfo:
    """The time zone called ``name``; UTC when none is named or it cannot be found."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # stored before zones were checked, or a machine without the zone database
        log.warning("unknown time zone %r: reckoning in UTC", name)
        return UTC


def now() -> datetime:
    """The moment, in UTC: the one clock every "today" reads (tests move it)."""
    return datetime.now(UTC)


def today_in(timezone: str | None, at: datetime | None = None) -> date:
    """The date in ``timezone`` (UTC when none or unknown) at ``at`` (else ``now()``)."""
    return (at or now()).astimezone(zone(timezone)).date()


def local(moment: datetime, timezone: str | None) -> datetime:
    """``moment`` on the clocks of ``timezone``; a moment with no zone is UTC (SQLite
    gives them so).

    >>> local(datetime(2026, 12, 4, 15, 30), "Asia/Seoul").strftime("%Y-%m-%d %H:%M %Z")
    '2026-12-05 00:30 KST'
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(timezone))
