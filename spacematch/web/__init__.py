"""Server-rendered pages for people. Views are thin: parse, one service call, render."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from ..domain import vocabulary
from ..domain.activities import load_activities
from ..domain.explain import money
from ..domain.schedule import describe_hours
from ..services import catalogue, matching
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

    return {"label": label, "money": money, "describe_hours": describe_hours}


@bp.get("/")
def home():
    city = catalogue.pick_city(request.args.get("city"),
                               current_app.config.get("SPACEMATCH_DEFAULT_CITY"))
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
    detail = catalogue.space_detail(space_id)
    hosting = matching.could_host(space_id)
    outlines = matching.outlines_near(catalogue.pick_city(detail["city"]), detail["lon"],
                                      detail["lat"], 1500)
    parts = build_point_map(detail["lat"], detail["lon"], _static, *_tiles(), outlines=outlines)
    return render_template("space.html", s=detail, hosting=hosting, map=parts)


@bp.get("/projects")
def projects():
    city = catalogue.pick_city(request.args.get("city"),
                               current_app.config.get("SPACEMATCH_DEFAULT_CITY"))
    return render_template("projects.html", city=city, cities=catalogue.list_cities(),
                           projects=catalogue.list_projects(city) if city else [])


@bp.get("/projects/<int:project_id>")
def project(project_id: int):
    proj, suggestions = matching.suggest_spaces(project_id, k=10)
    point = own_point = matching.project_point(proj)
    outlines, reason = [], None if suggestions else matching.no_match_reason(proj)
    if not point and not suggestions:  # frame the areas the group asked for, or the city
        point = matching.project_area_centre(proj)
    if point:
        outlines = matching.outlines_near(proj.city, point[1], point[0],
                                          (proj.max_distance_m or 2000) * 1.5)
    elif suggestions:  # no location: frame the suggestions themselves
        lat = sum(s.lat for s in suggestions) / len(suggestions)
        lon = sum(s.lon for s in suggestions) / len(suggestions)
        reach = max(((s.lat - lat) ** 2 + (s.lon - lon) ** 2) ** 0.5 for s in suggestions)
        outlines = matching.outlines_near(proj.city, lon, lat, reach * 111_000 + 500)
    parts = build_suggestion_map(point, proj.max_distance_m, [s.__dict__ for s in suggestions],
                                 _static, *_tiles(), outlines=outlines,
                                 mark_point=own_point is not None)
    return render_template("project.html", p=proj, suggestions=suggestions, map=parts,
                           reason=reason)


@bp.get("/plan")
def plan():
    city = catalogue.pick_city(request.args.get("city"),
                               current_app.config.get("SPACEMATCH_DEFAULT_CITY"))
    priority = request.args.get("priority", type=float)
    min_share = request.args.get("min_share", type=float)
    view = matching.plan_city(city, vulnerable_priority=priority, min_share=min_share)
    return render_template("plan.html", city=city, view=view, plan=view.plan,
                           priority=priority, min_share=min_share)
