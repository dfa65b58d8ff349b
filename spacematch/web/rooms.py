"""Owners manage the rooms of their places in the browser: add, edit, pause and resume.

Views are thin: the form is read into the plain values ``services.rooms`` checks, and the
service's problems are shown under their fields. Only the place's owner (or an admin) gets
past the service; everyone else gets its PermissionDenied, a 403 page.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    StringField,
)

from ..domain.activities import load_activities
from ..domain.errors import ValidationError
from ..domain.vocabulary import ACCESSIBILITY, AMENITIES
from ..services import rooms, spaces
from .auth import actor
from .forms import Checkboxes, plain_number, show_problems
from .i18n import language, pick, problem_text
from .weekly import add_day_rows, day_rows, fill_day_rows, label_day_rows, read_day_rows

bp = Blueprint("rooms", __name__)

SAME = _l("Same as the place")


class RoomForm(FlaskForm):
    name = StringField(_l("Name"), render_kw={"maxlength": 120})
    floor_area_m2 = StringField(_l("Floor area (m²)"), render_kw={"inputmode": "decimal"})
    capacity = StringField(_l("Capacity (people)"), render_kw={"inputmode": "numeric"})
    floor_level = StringField(_l("Floor (0 = ground, −1 = basement)"),
                              render_kw={"inputmode": "numeric"})
    same_accessibility = BooleanField(SAME, default=True)
    # the vocabularies' choices are named in the page's language when a form is made
    accessibility = Checkboxes(_l("Access"), choices=[], validate_choice=False)
    same_amenities = BooleanField(SAME, default=True)
    amenities = Checkboxes(_l("Equipped with"), choices=[], validate_choice=False)
    same_allowed_uses = BooleanField(SAME, default=True)
    allowed_uses = Checkboxes(_l("Uses allowed (none ticked: any)"),
                              choices=[], validate_choice=False)
    same_weekly_hours = BooleanField(SAME, default=True)
    cost_kind = RadioField(_l("Cost"), choices=[
        SelectChoice("", SAME), SelectChoice("free", _l("Free")),
        SelectChoice("hourly", _l("By the hour")),
        SelectChoice("monthly", _l("By the month"))], default="", validate_choice=False)
    cost_amount = StringField(_l("Amount"), render_kw={"inputmode": "decimal"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.accessibility.choices = [SelectChoice(c, pick(names))
                                      for c, names in ACCESSIBILITY.items()]
        self.amenities.choices = [SelectChoice(c, pick(names)) for c, names in AMENITIES.items()]
        korean = language() == "ko"
        self.allowed_uses.choices = [SelectChoice(a.code, a.name_ko if korean else a.name_en)
                                     for a in load_activities().values()]
        label_day_rows(self, _("opens"), _("closes"))

    def day_rows(self) -> list:
        return day_rows(self)


add_day_rows(RoomForm)


def _values(form: RoomForm, room: rooms.RoomView | None = None) -> dict:
    """The form as the values ``services.rooms`` checks; a fact left "same" is None."""
    hours = read_day_rows(form, room.weekly_hours if room is not None else None)
    own_cost = bool(form.cost_kind.data)
    return {
        "name": form.name.data, "floor_area_m2": form.floor_area_m2.data,
        "capacity": form.capacity.data, "floor_level": form.floor_level.data or None,
        "accessibility": None if form.same_accessibility.data else form.accessibility.data,
        "amenities": None if form.same_amenities.data else form.amenities.data,
        "allowed_uses": None if form.same_allowed_uses.data else form.allowed_uses.data,
        "weekly_hours": None if form.same_weekly_hours.data else hours,
        "cost_kind": form.cost_kind.data or None,
        "cost_amount": (form.cost_amount.data or None) if own_cost else None,
    }


def _fill(form: RoomForm, room: rooms.RoomView) -> None:
    """An edit form showing the room as stored."""
    form.name.data, form.floor_area_m2.data = room.name, plain_number(room.floor_area_m2)
    form.capacity.data, form.floor_level.data = str(room.capacity), str(room.floor_level)
    for field in ("accessibility", "amenities", "allowed_uses"):
        value = getattr(room, field)
        getattr(form, f"same_{field}").data = value is None
        getattr(form, field).data = list(value or [])
    form.same_weekly_hours.data = room.weekly_hours is None
    fill_day_rows(form, room.weekly_hours)
    form.cost_kind.data = room.cost_kind or ""
    form.cost_amount.data = "" if room.cost_amount is None else plain_number(room.cost_amount)


@bp.get("/my/places")
@login_required
def my_places():
    return render_template("my_places.html", places=spaces.places_of(actor()))


@bp.get("/spaces/<int:space_id>/rooms")
@login_required
def manage(space_id: int):
    place = rooms.rooms_to_manage(actor(), space_id)
    return render_template("rooms.html", place=place)


@bp.route("/spaces/<int:space_id>/rooms/new", methods=["GET", "POST"])
@login_required
def add(space_id: int):
    place = rooms.rooms_to_manage(actor(), space_id)  # only its owner sees the form
    return _room_form(place, None, lambda values: rooms.add_room(actor(), space_id, values),
                      _("Room added: %(name)s"))


@bp.route("/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@login_required
def edit(room_id: int):
    room, place = rooms.room_to_edit(actor(), room_id)
    return _room_form(place, room, lambda values: rooms.update_room(actor(), room_id, values),
                      _("Room saved: %(name)s"))


def _room_form(place: rooms.ManagedPlace, room: rooms.RoomView | None, save, done: str):
    """Show the form (an edit shows the room as stored); on a valid send, save and go back
    to the rooms; else the form again with its problems (400). ``done`` is the message,
    translated, with a ``%(name)s`` for the room's name."""
    # the form reads form fields only: a JSON body or a file where text belongs is no input
    form = RoomForm(formdata=request.form if request.method == "POST" else None)
    if room is not None and not form.is_submitted():
        _fill(form, room)
    elif form.validate_on_submit():
        try:
            saved = save(_values(form, room))
        except ValidationError as exc:
            show_problems(form, exc, aliases={"weekly_hours": "same_weekly_hours"})
        else:
            flash(done % {"name": saved.name}, "success")
            return redirect(url_for("rooms.manage", space_id=place.id))
    status = 400 if form.is_submitted() else 200
    return render_template("room_form.html", form=form, place=place, room=room), status


class StatusForm(FlaskForm):
    """Pause and resume are forms of their own: a CSRF token and nothing else."""


@bp.post("/rooms/<int:room_id>/pause")
@login_required
def pause(room_id: int):
    return _set_status(room_id, rooms.pause_room, _("Room paused: %(name)s"))


@bp.post("/rooms/<int:room_id>/resume")
@login_required
def resume(room_id: int):
    return _set_status(room_id, rooms.resume_room, _("Room listed again: %(name)s"))


def _set_status(room_id: int, change, done: str):
    StatusForm().validate_on_submit()  # CSRFProtect has already refused a missing token
    _, place = rooms.room_to_edit(actor(), room_id)
    try:
        room = change(actor(), room_id)
    except ValidationError as exc:
        flash("; ".join(problem_text(p) for p in exc.problems), "danger")
    else:
        flash(done % {"name": room.name}, "success")
    return redirect(url_for("rooms.manage", space_id=place.id))
