"""Weekly hours in forms: one opens/closes row a day, each row a field of its own
(``hours_mon-opens`` …), so a day left empty is simply a day without hours.

A time input cannot say 24:00, so 23:59 stands for "until midnight" both ways.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form as SubForm
from wtforms import FormField, StringField

from ..domain.schedule import DAYS

DAY_NAMES = {"mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"),
             "thu": _l("Thursday"), "fri": _l("Friday"), "sat": _l("Saturday"),
             "sun": _l("Sunday")}


class DayHours(SubForm):
    opens = StringField(_l("Opens"), render_kw={"type": "time"})
    closes = StringField(_l("Closes"), render_kw={"type": "time"})


def add_day_rows(form_class) -> None:
    """Give ``form_class`` a row per day (``form.hours_mon`` …)."""
    for day in DAYS:
        setattr(form_class, f"hours_{day}", FormField(DayHours))


def day_rows(form) -> list:
    return [form[f"hours_{day}"].form for day in DAYS]


def label_day_rows(form, opens: str, closes: str) -> None:
    """Label each row's two fields with its weekday, in the page's language: call it while
    a request is read (``opens`` and ``closes`` already translated)."""
    for day, row in zip(DAYS, day_rows(form), strict=True):
        row.opens.label.text = f"{DAY_NAMES[day]}: {opens}"
        row.closes.label.text = f"{DAY_NAMES[day]}: {closes}"


def read_day_rows(form, stored: dict | None = None) -> dict:
    """The rows as weekly hours (``{"tue": ["18:00-22:00"]}``); checking is the service's.

    The rows show one range a day, so a day of ``stored`` (the hours the form showed) with
    several ranges comes back as it was unless its row was changed.
    """
    return merge_shown(_rows(form), stored)


def merge_shown(hours: dict, stored: dict | None) -> dict:
    """``hours`` as read from the rows, with each day whose row still shows ``stored``'s
    ranges widened given back those ranges.

    >>> stored = {"sat": ["10:00-12:00", "14:00-16:00"], "mon": ["08:00-12:00"]}
    >>> merge_shown({"sat": ["10:00-16:00"], "mon": ["09:00-12:00"]}, stored)
    {'sat': ['10:00-12:00', '14:00-16:00'], 'mon': ['09:00-12:00']}
    """
    if not stored:
        return hours
    shown = widened(stored)
    return {day: (stored[day] if shown.get(day) == ranges else ranges)
            for day, ranges in hours.items()}


def widened(hours: dict) -> dict:
    """Each day's ranges as the one range the rows show (first opening to last close, read
    back as the form reads it: 23:59 is midnight).

    >>> widened({"sat": ["10:00-12:00", "14:00-16:00"], "fri": ["20:00-23:59"]})
    {'sat': ['10:00-16:00'], 'fri': ['20:00-24:00']}
    """
    out = {}
    for day, ranges in hours.items():
        if ranges:
            closes = ranges[-1].split("-")[1]
            out[day] = [f"{ranges[0].split('-')[0]}-{'24:00' if closes == '23:59' else closes}"]
    return out


def _rows(form) -> dict:
    hours = {}
    for day, row in zip(DAYS, day_rows(form), strict=True):
        opens, closes = row.opens.data, row.closes.data
        if opens or closes:
            hours[day] = [f"{opens or ''}-{'24:00' if closes == '23:59' else closes or ''}"]
    return hours


def fill_day_rows(form, hours: dict | None) -> None:
    """Show ``hours``; the rows hold one range a day: its first opening to its last close."""
    for day, row in zip(DAYS, day_rows(form), strict=True):
        ranges = (hours or {}).get(day) or []
        if ranges:
            opens, closes = ranges[0].split("-")[0], ranges[-1].split("-")[1]
            row.opens.data, row.closes.data = opens, "23:59" if closes == "24:00" else closes
