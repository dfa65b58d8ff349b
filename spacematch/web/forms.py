"""What the web forms share: checkbox lists, and a service's problems shown under their
fields (anything with no field of its own goes to the list at the top of the form)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

from ..domain.errors import ValidationError
from .i18n import problem_text


class Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def show_problems(form: FlaskForm, error: ValidationError, *, aliases: dict | None = None,
                  hours_label: str | None = None) -> None:
    """Each problem of ``error`` under its field, in the page's language. ``aliases`` names
    the form field of a service field (``{"preferred_location": "lat"}``); a
    ``weekly_hours`` problem without an alias goes to the top, labelled (``hours_label``,
    "Weekly hours" unless told), as the hours are rows of fields."""
    aliases = aliases or {}
    hours_label = hours_label or _("Weekly hours")
    for problem in error.problems:
        name = problem.field.split(".")[0].split("[")[0]
        name = aliases.get(name, name)
        field = form._fields.get(name)
        text = problem_text(problem)
        if name == "weekly_hours":
            form.form_errors.append(_("%(field)s: %(problem)s", field=hours_label,
                                      problem=text))
        elif field is None or name == "csrf_token":
            label = field.label.text if field is not None else problem.field
            form.form_errors.append(_("%(field)s: %(problem)s", field=label, problem=text))
        else:
            field.errors = [*field.errors, text]


def plain_number(value) -> str:
    """A stored number as it was typed: every digit, no exponent, no trailing zeros.

    >>> plain_number(1234567.0), plain_number(120.125), plain_number(0)
    ('1234567', '120.125', '0')
    """
    text = format(Decimal(str(value)).normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
