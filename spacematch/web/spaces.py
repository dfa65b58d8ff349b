"""Owners list a space in the browser: where (a click on the map, the address as text), how
big, how accessible, what it is equipped for, when it is free, on what terms; a preview of
what it could host before it is published; then draft → listed → paused → archived.
``services.spaces`` checks every value; problems are shown under their fields.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, TextAreaField

from ..domain.activities import load_activities
from ..domain.errors import ValidationError
from ..domain.vocabulary import ACCESSIBILITY, AMENITIES, COST_KINDS, OWNER_KINDS
from ..services import catalogue, matching, spaces
from . import _static, _tiles
from .auth import actor
from .forms import Checkboxes, plain_number, show_problems
from .maps import build_picker_map
from .weekly import add_day_rows, day_rows, fill_day_rows, label_day_rows, read_day_rows

bp = Blueprint("space_forms", __name__)
STATUS_CHOICES = {
    "draft": "Draft: only I see it · 임시 저장",
    "listed": "Listed: groups find it and may ask for it · 공개",
    "paused": "Paused: not offered for now · 일시 중지",
    "archived": "Archived: no longer offered · 보관",
}


def _choices(vocabulary: dict) -> list:
    return [SelectChoice(code, f"{en} · {ko}") for code, (en, ko) in vocabulary.items()]


class SpaceForm(FlaskForm):
    title = StringField("Name of the space · 공간 이름", render_kw={"maxlength": 200})
    owner_kind = RadioField("Who owns it · 소유 형태", choices=_choices(OWNER_KINDS),
                            default="public", validate_choice=False)
    description = TextAreaField("About the space · 공간 소개",
                                render_kw={"rows": 3, "maxlength": 5000})
    address = StringField("Address · 주소", render_kw={"maxlength": 300})
    # text keypads: phones' number pads have no minus sign (basements, western longitudes)
    lat = StringField("Latitude · 위도")
    lon = StringField("Longitude · 경도")
    floor_area_m2 = StringField("Floor area (m²) · 면적", render_kw={"inputmode": "decimal"})
    capacity = StringField("People it holds at once · 수용 인원",
                           render_kw={"inputmode": "numeric"})
    floor_level = StringField("Floor · 층")
    divisible_room_m2 = StringField("Or: rooms of about (m²) · 방 크기",
                                    render_kw={"inputmode": "decimal"})
    divisible_rooms = StringField("How many such rooms · 방 개수",
                                  render_kw={"inputmode": "numeric"})
    accessibility = Checkboxes("Access · 접근성", choices=_choices(ACCESSIBILITY),
                               validate_choice=False)
    amenities = Checkboxes("Equipped with · 시설", choices=_choices(AMENITIES),
                           validate_choice=False)
    allowed_uses = Checkboxes("Uses allowed (none ticked: any) · 허용 용도", choices=[],
                              validate_choice=False)
    available_from = StringField("Available from · 이용 가능 시작일", render_kw={"type": "date"})
    available_to = StringField("Available until · 이용 가능 종료일", render_kw={"type": "date"})
    cost_kind = RadioField("Cost · 이용료", choices=_choices(COST_KINDS), default="free",
                           validate_choice=False)
    cost_amount = StringField("Amount · 금액", render_kw={"inputmode": "decimal"})
    condition_notes = TextAreaField("Condition and terms · 상태와 이용 조건",
                                    render_kw={"rows": 2, "maxlength": 5000})
    status = RadioField("Status · 상태", choices=[SelectChoice(c, t) for c, t in
                                                  STATUS_CHOICES.items()],
                        default="draft", validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed_uses.choices = [SelectChoice(a.code, f"{a.name_en} · {a.name_ko}")
                                     for a in load_activities().values()]
        label_day_rows(self, "opens · 시작", "closes · 종료")

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
    city = catalogue.pick_city(request.values.get("city"),
                               current_app.config.get("SPACEMATCH_DEFAULT_CITY"))
    if city is None:
        return render_template("error.html", status=404, message="No city is loaded yet.",
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
                flash(f"Saved · 저장했습니다: {saved.title} ({saved.status})", "success")
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
