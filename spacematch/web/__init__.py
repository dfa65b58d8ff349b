"""Server-rendered pages for people. Views are thin: parse, one service call, render."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, render_template, request, url_for

from ..domain import vocabulary
from ..domain.activities import load_activities
from ..domain.explain import money
from ..domain.schedule import describe_hours
from ..services import catalogue, matching, places, plans
from ..services import projects as projects_service
from ..services.plan_options import parse_plan_options
from .auth import actor
from .maps import build_city_map, build_point_map, build_suggestion_map

bp = Blueprint("web", __name__)


def _static(path: str) -> str:
    return url_for("static", filename=path)


def _tiles() -> tuple[str, str]:
    return (current_app.config.get("SPACEMATCH_TILE_URL", ""),
            current_app.config.get("SPACEMATCH_TILE_ATTRIBUTION", ""))


@bp.app_context_processor
def _helpers():
    vocabularies = {"access": vocabulary.ACCESSIBILITY, "amenity": vocabulary.AMENITIES,
                    "owner": vocabulary.OWNER_KINDS, "cost": vocabulary.COST_KINDS,
                    "beneficiary": vocabulary.BENEFICIARIES}

    def label(code: str, kind: str) -> str:
        if kind == "activity":
            act = load_activities().get(code)
            return f"{act.name_en} · {act.name_ko}" if act else code
        en, ko = vocabularies[kind].get(code, (code, code))
        return f"{en} · {ko}"

    def free_hours(hours: dict) -> str:
        # a space is shown free only for the whole half hours matching credits it with
        return describe_hours(hours, outward=False)

    return {"label": label, "money": money, "describe_hours": describe_hours,
            "free_hours": free_hours}


@bp.get("/")
def home():
    city = _city()
    if city is None:
        return render_template("home.html", city=None, summary=None, cities=[], map=None)
    summary = catalogue.summarise_city(city)
    parts = build_city_map(summary.centre, catalogue.district_outlines(city),
                           catalogue.listed_space_points(city), _static, *_tiles(),
                           space_url=url_for("web.space", space_id=0))
    return render_template("home.html", city=city, summary=summary,
                           cities=catalogue.list_cities(), map=parts)


@bp.get("/spaces/<int:space_id>")
def space(space_id: int):
    page = places.place_page(space_id)
    detail = page.place
    outlines = matching.outlines_near(catalogue.pick_city(detail["city"]), detail["lon"],
                                      detail["lat"], 1500)
    parts = build_point_map(detail["lat"], detail["lon"], _static, *_tiles(), outlines=outlines)
    return render_template("space.html", s=detail, page=page, map=parts)


@bp.get("/projects")
def projects():
    city = _city()
    return render_template("projects.html", city=city, cities=catalogue.list_cities(),
                           projects=catalogue.list_projects(city) if city else [])


@bp.get("/projects/<int:project_id>")
def project(project_id: int):
    projects_service.require_visible(actor(), matching.project_view(project_id))
    page = matching.project_page(project_id, k=10)
    p = page.project
    parts = build_suggestion_map(page.centre, p.max_distance_m,
                                 [s.__dict__ for s in page.suggestions], _static, *_tiles(),
                                 outlines=page.outlines, mark_point=p.point is not None)
    return render_template("project.html", p=p, suggestions=page.suggestions, map=parts,
                           reason=page.reason, can_request=_may_request(p))


def _may_request(p) -> bool:
    """The "ask for this space" buttons: for the project's group (and admins) only; the
    service checks again on every request."""
    who = actor()
    return who is not None and (who.role == "admin" or (who.role == "group"
                                                        and who.id == p.group_id))


@bp.get("/plan")
def plan():
    options = parse_plan_options(request.args)  # bad values: a 400 page naming the field
    city = _city()
    if city is None:
        return render_template("plan.html", city=None, view=None, plan=None, options=options)
    view = plans.plan_city(city, **asdict(options))
    return render_template("plan.html", city=city, view=view, plan=view.plan, options=options)


def _city():
    return catalogue.pick_city(request.args.get("city"),
                               current_app.config.get("SPACEMATCH_DEFAULT_CITY"))
