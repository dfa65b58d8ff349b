"""Owners list a space in the browser: where (a click on the map, the address as text), how
big, how accessible, what it is equipped for, when it is free, on what terms; a preview of
what it could host before it is published; then draft → listed → paused → archived.
``services.spaces`` checks every value; problems are shown under their fields.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField

from ..domain.activities import load_activities
from ..domain.errors import ValidationError
from ..domain.vocabulary import ACCESSIBILITY, AMENITIES, COST_KINDS, OWNER_KINDS
from ..services import catalogue, matching, spaces
from . import _static, _tiles
from .auth import actor
from .cities import page_city
from .forms import Checkboxes, plain_number, show_problems
from .i18n import pick
from .maps import build_picker_map
from .weekly import add_day_rows, day_rows, fill_day_rows, label_day_rows, read_day_rows

bp = Blueprint("space_forms", __name__)
STATUS_CHOICES = {
    "draft": _l("Draft: only I see it"),
    "listed": _l("Listed: groups find it and may ask for it"),
    "paused": _l("Paused: not offered for now"),
    "archived": _l("Archived: no longer offered"),
}
STATUS_NAMES = {"draft": _l("draft"), "listed": _l("listed"), "paused": _l("paused"),
                "archived": _l("archived")}


def _choices(vocabulary: dict) -> list:
    """A vocabulary's choices in the page's language (call it while a request is read)."""
    return [SelectChoice(code, pick(pair)) for code, pair in vocabulary.items()]


class SpaceForm(FlaskForm):
    """Read while a request is: its choices are in the page's language."""

    title = StringField(_l("Name of the space"), render_kw={"maxlength": 200})
    owner_kind = RadioField(_l("Who owns it"), choices=[], default="public",
                            validate_choice=False)
    description = TextAreaField(_l("About the space"),
                                render_kw={"rows": 3, "maxlength": 5000})
    address = StringField(_l("Address"), render_kw={"maxlength": 300})
    # text keypads: phones' number pads have no minus sign (basements, western longitudes)
    lat = StringField(_l("Latitude"))
    lon = StringField(_l("Longitude"))
    floor_area_m2 = StringField(_l("Floor area (m²)"), render_kw={"inputmode": "decimal"})
    capacity = StringField(_l("People it holds at once"),
                           render_kw={"inputmode": "numeric"})
    floor_level = StringField(_l("Floor"))
    divisible_room_m2 = StringField(_l("Or: rooms of about (m²)"),
                                    render_kw={"inputmode": "decimal"})
    divisible_rooms = StringField(_l("How many such rooms"),
                                  render_kw={"inputmode": "numeric"})
    accessibility = Checkboxes(_l("Access"), choices=[], validate_choice=False)
    amenities = Checkboxes(_l("Equipped with"), choices=[], validate_choice=False)
    allowed_uses = Checkboxes(_l("Uses allowed (none ticked: any)"), choices=[],
                              validate_choice=False)
    available_from = StringField(_l("Available from"), render_kw={"type": "date"})
    available_to = StringField(_l("Available until"), render_kw={"type": "date"})
    cost_kind = RadioField(_l("Cost"), choices=[], default="free", validate_choice=False)
    cost_amount = StringField(_l("Amount"), render_kw={"inputmode": "decimal"})
    condition_notes = TextAreaField(_l("Condition and terms"),
                                    render_kw={"rows": 2, "maxlength": 5000})
    status = RadioField(_l("Status"), choices=[SelectChoice(c, t) for c, t in
                                               STATUS_CHOICES.items()],
                        default="draft", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner_kind.choices = _choices(OWNER_KINDS)
        self.accessibility.choices = _choices(ACCESSIBILITY)
        self.amenities.choices = _choices(AMENITIES)
        self.cost_kind.choices = _choices(COST_KINDS)
        self.allowed_uses.choices = [SelectChoice(a.code, pick((a.name_en, a.name_ko)))
                                     for a in load_activities().values()]
        label_day_rows(self, _("opens"), _("closes"))

    def day_rows(self) -> list:
        return day_rows(self)


add_day_rows(SpaceForm)
TEXT = ("title", "owner_kind", "description", "address", "lat", "lon", "floor_area_m2",
        "capacity", "floor_level", "divisible_room_m2", "divisible_rooms", "available_from",
        "available_to", "cost_kind", "cost_amount", "condition_notes", "status")


def _values(form: SpaceForm, stored: dict | None) -> dict:
    """The form as the values ``services.spaces`` checks; a new place takes the currency
    of the city its location falls in, an edited one keeps its own."""
    values = {name: (getattr(form, name).data or None) for name in TEXT}
    values.update(accessibility=form.accessibility.data or [],
                  amenities=form.amenities.data or [],
                  allowed_uses=form.allowed_uses.data or [],
                  weekly_hours=read_day_rows(form, (stored or {}).get("weekly_hours")),
                  currency=stored["currency"] if stored else None,
                  title=form.title.data, description=form.description.data or "",
                  address=form.address.data or "",
                  condition_notes=form.condition_notes.data or "")
    return values


def _fill(form: SpaceForm, v: dict) -> None:
    for name in ("title", "owner_kind", "description", "address", "cost_kind",
                 "condition_notes", "status"):
        getattr(form, name).data = v.get(name) or ""
    form.lat.data, form.lon.data = f"{v['lat']:.6f}", f"{v['lon']:.6f}"
    for name in ("floor_area_m2", "divisible_room_m2"):
        getattr(form, name).data = "" if v[name] is None else plain_number(v[name])
    for name in ("capacity", "floor_level", "divisible_rooms"):
        getattr(form, name).data = "" if v[name] is None else str(v[name])
    for name in ("available_from", "available_to"):
        getattr(form, name).data = v[name].isoformat() if v[name] else ""
    form.cost_amount.data = plain_number(v["cost_amount"])
    for name in ("accessibility", "amenities", "allowed_uses"):
        getattr(form, name).data = list(v[name] or [])
    fill_day_rows(form, v["weekly_hours"])


ALIASES = {"location": "lat", "rooms": "floor_area_m2", "currency": "cost_amount"}


@bp.route("/spaces/new", methods=["GET", "POST"])
@login_required
def new():
    spaces.may_list(actor())  # owners (and admins) only, before the form is shown
    city = page_city(request.values.get("city") or "")
    if city is None:
        return render_template("error.html", status=404, message=_("No city is loaded yet."),
                               problems=[]), 404
    return _form(city, None, lambda v: spaces.create_space(actor(), v))


@bp.route("/spaces/<int:space_id>/edit", methods=["GET", "POST"])
@login_required
def edit(space_id: int):
    values = spaces.space_values(actor(), space_id)  # only its owner
    city = catalogue.pick_city(values["city"])
    return _form(city, values, lambda v: spaces.update_space(actor(), space_id, v))


def _form(city, values: dict | None, save):
    form = SpaceForm(formdata=request.form if request.method == "POST" else None)
    preview = None
    if values is not None and not form.is_submitted():
        _fill(form, values)
    elif form.validate_on_submit():
        data = _values(form, values)
        try:
            if request.form.get("preview"):
                preview = spaces.preview_place(actor(), data)
            else:
                saved = save(data)
                flash(_("Saved: %(title)s (%(status)s)", title=saved.title,
                        status=STATUS_NAMES.get(saved.status, saved.status)), "success")
                return redirect(url_for("rooms.my_places"))
        except ValidationError as exc:
            show_problems(form, exc, aliases=ALIASES)
    status = 400 if form.is_submitted() and preview is None else 200
    centre = (values["lat"], values["lon"]) if values else (city.centre_lat, city.centre_lon)
    parts = build_picker_map(centre, _static, *_tiles(),
                             outlines=matching.outlines_near(city, centre[1], centre[0],
                                                             30_000))
    return render_template("space_form.html", form=form, city=city, editing=values,
                           preview=preview, map=parts), status
