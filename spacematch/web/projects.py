"""Groups describe their projects in the browser: activity first, then people, where, when,
budget and what matters most; saved, then edited. ``services.projects`` checks every value
and says which field is wrong; the form shows each problem under its field and keeps what
was typed.
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
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from ..domain.activities import load_activities
from ..domain.errors import ValidationError
from ..domain.vocabulary import BENEFICIARIES, COST_KINDS, PRIORITIES
from ..services import catalogue, matching, projects
from . import _static, _tiles
from .auth import actor
from .cities import page_city
from .forms import Checkboxes, plain_number, show_problems
from .i18n import language, pick
from .maps import build_picker_map
from .weekly import add_day_rows, day_rows, fill_day_rows, label_day_rows, read_day_rows

bp = Blueprint("project_forms", __name__)
DISTANCES = ("", "500", "1000", "2000", "3000", "5000", "10000")
OWN = "own"  # the priority choice that keeps weights set elsewhere (the API, an import)


def _preset(weights: dict) -> str | None:
    return next((code for code, (_, _, w) in PRIORITIES.items() if w == weights), None)


class ProjectForm(FlaskForm):
    """Read while a request is: its choices are in the page's language."""

    activity = RadioField(_l("What do you want to do?"), choices=[], validate_choice=False)
    title = StringField(_l("Name of the project"), render_kw={"maxlength": 200})
    title_en = StringField(_l("Name in English (optional)"), render_kw={"maxlength": 200})
    description = TextAreaField(_l("What happens, for whom"),
                                render_kw={"rows": 3, "maxlength": 5000})
    participants = StringField(_l("How many people come at once"),
                               render_kw={"inputmode": "numeric"})
    lat = StringField(_l("Latitude"))  # a text keypad: phones' number pads lack a minus
    lon = StringField(_l("Longitude"))
    max_distance_m = RadioField(_l("How far may the space be from there"),
                                choices=[], validate_choice=False, default="")
    preferred_area_ids = SelectMultipleField(
        _l("Or: districts and neighbourhoods where it may be"),
        choices=[], validate_choice=False)
    starts_on = StringField(_l("First day"), render_kw={"type": "date"})
    ends_on = StringField(_l("Last day"), render_kw={"type": "date"})
    budget_kind = RadioField(_l("Budget"), choices=[], default="monthly",
                             validate_choice=False)
    budget_amount = StringField(_l("Amount"), render_kw={"inputmode": "decimal"})
    beneficiaries = Checkboxes(_l("Who it is for"), choices=[], validate_choice=False)
    priority = RadioField(_l("What matters most"), choices=[], default="balanced",
                          validate_choice=False)
    publish = BooleanField(_l("Publish it now: owners and officials see it, and it gets "
                              "suggestions"), default=True)

    def __init__(self, *args, areas=(), stored: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity.choices = [SelectChoice(a.code, pick((a.name_en, a.name_ko)))
                                 for a in load_activities().values()]
        self.budget_kind.choices = [SelectChoice(code, pick(pair))
                                    for code, pair in COST_KINDS.items()]
        self.beneficiaries.choices = [SelectChoice(code, pick(pair))
                                      for code, pair in BENEFICIARIES.items()]
        self.priority.choices = [SelectChoice(code, pick((en, ko)))
                                 for code, (en, ko, _w) in PRIORITIES.items()]
        distances = list(DISTANCES)
        own = (stored or {}).get("max_distance_m")
        if own and plain_number(own) not in distances:  # set elsewhere: stays a choice
            distances.append(plain_number(own))
        self.max_distance_m.choices = [
            SelectChoice(d, f"{float(d) / 1000:g} km" if d else _("Any distance"))
            for d in distances]
        if stored is not None and _preset(stored.get("weights") or {}) is None:
            self.priority.choices = [*self.priority.choices, SelectChoice(
                OWN, _("Keep the priorities set for it"))]
        self.preferred_area_ids.choices = [
            SelectChoice(str(a["id"]), ("— " * a["depth"]) + pick(a["label"])) for a in areas]
        label_day_rows(self, _("from"), _("to"))

    def day_rows(self) -> list:
        return day_rows(self)


add_day_rows(ProjectForm)


def _values(form: ProjectForm, stored: dict | None) -> dict:
    """The form as the values ``services.projects`` checks. Publishing moves a project
    between draft and open only: matched and closed are the workflow's to set."""
    values = {
        "activity": form.activity.data or "", "title": form.title.data,
        "title_en": form.title_en.data or None, "description": form.description.data or "",
        "participants": form.participants.data, "lat": form.lat.data or None,
        "lon": form.lon.data or None, "max_distance_m": form.max_distance_m.data or None,
        "preferred_area_ids": form.preferred_area_ids.data or [],
        "weekly_hours": read_day_rows(form, (stored or {}).get("weekly_hours")),
        "starts_on": form.starts_on.data or None,
        "ends_on": form.ends_on.data or None, "budget_kind": form.budget_kind.data,
        "budget_amount": form.budget_amount.data or 0,
        "beneficiaries": form.beneficiaries.data or [],
    }
    if form.priority.data != OWN:  # else the weights stay as they are
        values["weights"] = PRIORITIES.get(form.priority.data, PRIORITIES["balanced"])[2]
    if stored is None or stored["status"] in ("draft", "open"):
        values["status"] = "open" if form.publish.data else "draft"
    return values


def _fill(form: ProjectForm, v: dict) -> None:
    for name in ("activity", "title", "title_en", "description", "budget_kind"):
        getattr(form, name).data = v.get(name) or ""
    form.participants.data = str(v["participants"])
    form.lat.data = "" if v["lat"] is None else f"{v['lat']:.6f}"
    form.lon.data = "" if v["lon"] is None else f"{v['lon']:.6f}"
    distance = v["max_distance_m"]
    form.max_distance_m.data = plain_number(distance) if distance else ""
    form.preferred_area_ids.data = [str(i) for i in v["preferred_area_ids"] or []]
    fill_day_rows(form, v["weekly_hours"])
    form.starts_on.data = v["starts_on"].isoformat() if v["starts_on"] else ""
    form.ends_on.data = v["ends_on"].isoformat() if v["ends_on"] else ""
    form.budget_amount.data = plain_number(v["budget_amount"])
    form.beneficiaries.data = list(v["beneficiaries"] or [])
    form.priority.data = _preset(v["weights"] or {}) or OWN
    form.publish.data = v["status"] != "draft"


FIELD_OF = {"preferred_location": "lat", "weights": "priority", "currency": "budget_amount",
            "status": "publish"}


@bp.get("/my/projects")
@login_required
def my_projects():
    return render_template("my_projects.html", projects=projects.my_projects(actor()))


@bp.route("/projects/new", methods=["GET", "POST"])
@login_required
def new():
    city = page_city(request.values.get("city") or "")
    if city is None:
        return render_template("error.html", status=404, message=_("No city is loaded yet."),
                               problems=[]), 404
    projects.may_describe(actor())  # groups (and admins) only, before the form is shown
    return _form(city, None, lambda v: projects.create_project(actor(), city.slug, v))


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    values = projects.project_values(actor(), project_id)  # only its group
    city = catalogue.pick_city(values["city"])
    return _form(city, values, lambda v: projects.update_project(actor(), project_id, v))


def _form(city, values: dict | None, save):
    form = ProjectForm(formdata=request.form if request.method == "POST" else None,
                       areas=projects.areas_to_choose(city.slug, language()),
                       stored=values)
    if values is not None and not form.is_submitted():
        _fill(form, values)
    elif form.validate_on_submit():
        try:
            saved = save(_values(form, values))
        except ValidationError as exc:
            show_problems(form, exc, aliases=FIELD_OF)
        else:
            flash(_("Project saved: %(title)s", title=saved.title), "success")
            return redirect(url_for("web.project", project_id=saved.id))
    status = 400 if form.is_submitted() else 200
    parts = build_picker_map((city.centre_lat, city.centre_lon), _static, *_tiles(),
                             outlines=matching.outlines_near(city, city.centre_lon,
                                                             city.centre_lat, 30_000))
    return render_template("project_form.html", form=form, city=city, editing=values,
                           map=parts, activities=load_activities()), status
