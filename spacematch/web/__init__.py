"""Server-rendered pages for people. Views are thin: parse, one service call, render."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _

from ..config import OSM_ATTRIBUTION, OSM_TILES
from ..domain import vocabulary
from ..domain.activities import load_activities
from ..domain.explain import money
from ..domain.rooms import room_label
from ..domain.schedule import describe_hours
from ..services import catalogue, matching, places, plans
from ..services import projects as projects_service
from ..services.plan_options import K, parse_number, parse_plan_options
from . import cities
from .auth import actor
from .i18n import language, pick
from .maps import build_city_map, build_point_map, build_suggestion_map

bp = Blueprint("web", __name__)
bp.after_app_request(cities.remember)
bp.app_context_processor(cities.context)
PAGE_STEP = 10  # suggestions a project's page shows at first, and how many more each time


def _static(path: str) -> str:
    return url_for("static", filename=path)


def _tiles() -> tuple[str, str]:
    """The basemap's tile URL and attribution; none when ``SPACEMATCH_TILE_URL`` is "none"
    (or empty): the maps then read by their outlines and labels alone."""
    url = (current_app.config.get("SPACEMATCH_TILE_URL") or "").strip()
    if url.lower() in ("", "none"):
        return "", ""
    attribution = current_app.config.get("SPACEMATCH_TILE_ATTRIBUTION") or ""
    if not attribution and url == OSM_TILES:
        attribution = OSM_ATTRIBUTION
    return url, attribution


@bp.app_context_processor
def _helpers():
    vocabularies = {"access": vocabulary.ACCESSIBILITY, "amenity": vocabulary.AMENITIES,
                    "owner": vocabulary.OWNER_KINDS, "cost": vocabulary.COST_KINDS,
                    "beneficiary": vocabulary.BENEFICIARIES, "role": vocabulary.ROLE_LABELS}

    def label(code: str, kind: str) -> str:
        """A code's name in the page's language."""
        if kind == "criterion":
            return pick(vocabulary.CRITERION_NAMES.get(code, (code, code)))
        if kind == "activity":
            act = load_activities().get(code)
            if act is None:
                return code
            return act.name_ko if language() == "ko" else act.name_en
        return pick(vocabularies[kind].get(code, (code, code)))

    def free_hours(hours: dict) -> str:
        # a space is shown free only for the whole half hours matching credits it with
        return describe_hours(hours, outward=False, lang=language())

    def room_name(name) -> str:
        """A room's name in the page's language where spacematch named it itself (the
        whole-space room, a division); an owner's own name as it is."""
        return pick(room_label(name)) if isinstance(name, str) else pick(name)

    return {"label": label, "money": money, "describe_hours": describe_hours,
            "free_hours": free_hours, "room_name": room_name}


@bp.get("/")
def home():
    city = _city()
    if city is None:
        return render_template("home.html", city=None, summary=None, map=None)
    summary = catalogue.summarise_city(city)
    parts = build_city_map(summary.centre, catalogue.district_outlines(city),
                           catalogue.listed_space_points(city), _static, *_tiles(),
                           space_url=url_for("web.space", space_id=0),
                           area_url=url_for("overview.area", area_id=0))
    return render_template("home.html", city=city, summary=summary,
                           map=parts)


@bp.get("/spaces/<int:space_id>")
def space(space_id: int):
    page = places.place_page(space_id)
    detail = page.place
    city = cities.page_city(detail["city"])
    outlines = matching.outlines_near(city, detail["lon"], detail["lat"], 1500)
    stops = matching.nearest_stops(city, detail["lon"], detail["lat"])
    parts = build_point_map(detail["lat"], detail["lon"], _static, *_tiles(), outlines=outlines,
                            stops=stops, title=detail["title"])
    return render_template("space.html", s=detail, page=page, map=parts, stops=stops)


@bp.get("/projects")
def projects():
    city = _city()
    return render_template("projects.html", city=city,
                           projects=catalogue.list_projects(city) if city else [])


@bp.get("/projects/<int:project_id>")
def project(project_id: int):
    projects_service.require_visible(actor(), matching.project_view(project_id))
    k = parse_number(request.args, "k", PAGE_STEP, *K, integer=True)  # "show more" asks more
    page = matching.project_page(project_id, k=k)
    p = page.project
    cities.page_city(p.city)  # the header's links lead on in the project's city
    parts = build_suggestion_map(
        page.centre, p.max_distance_m, [s.__dict__ for s in page.suggestions], _static,
        *_tiles(), outlines=page.outlines, mark_point=p.point is not None, others=page.others,
        why_url=url_for("api.project_space", project_id=p.id, space_id=0),
        space_url=url_for("web.space", space_id=0), words=why_not_words())
    return render_template("project.html", p=p, suggestions=page.suggestions, map=parts,
                           reason=page.reason, shortfall=page.shortfall, k=k,
                           more=page.more and k < K[1], next_k=min(k + PAGE_STEP, K[1]),
                           has_others=bool(page.others), can_request=_may_request(p))


def why_not_words() -> dict:
    """What the map's "why not this one?" popups say, in the page's language."""
    return {"fits": _("This space fits: overall fit %(score)s"),
            "why_not": _("Why not this one?"), "loading": _("Checking this space…"),
            "failed": _("Could not check this space."),
            "criteria": {code: pick(names) for code, names in
                         vocabulary.CRITERION_NAMES.items()},
            "lang": language()}


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
    return cities.page_city()
