"""JSON API. Errors use the one envelope of ``spacematch.web.errors``."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db
from ..services import catalogue, matching, places, plans, points, projects, versioning
from ..services.plan_options import K, parse_number, parse_plan_options

bp = Blueprint("api", __name__)
# in the ETags of answers that follow the catalogue: a release that changes what they hold
# changes it, so no client keeps an answer of the old shape
FORMAT = "f1"


def _actor():
    return current_user.view if current_user.is_authenticated else None


@bp.get("/health")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify({"status": "ok", "database": db.engine.dialect.name})


@bp.get("/cities")
def cities():
    summaries = [asdict(catalogue.summarise_city(c)) for c in catalogue.list_cities()]
    return jsonify({"cities": summaries})


@bp.get("/cities/<slug>/spaces")
def city_spaces(slug: str):
    """The city's listed spaces as GeoJSON, with an ETag of the catalogue version: a client
    asking again with it gets a 304 until a place changes."""
    city = catalogue.pick_city(slug)
    tag = f"{city.slug}-{versioning.current()}-{FORMAT}"
    if _unchanged(tag):
        return _revalidate(Response(status=304, mimetype="application/geo+json"), tag)
    features = [
        {"type": "Feature", "id": s["id"],
         "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
         "properties": {k: v for k, v in s.items() if k not in ("lon", "lat")}}
        for s in catalogue.listed_space_points(city)
    ]
    answer = jsonify({"type": "FeatureCollection", "features": features})
    answer.mimetype = "application/geo+json"
    return _revalidate(answer, tag)


@bp.get("/cities/<slug>/points")
def city_points(slug: str):
    """The listed spaces a map view draws: counts per screen cell, or each space up close
    (``services.points``). ``bbox=west,south,east,north`` and ``zoom`` are required."""
    city = catalogue.pick_city(slug)
    bbox, zoom = points.parse_view(request.args)
    tag = f"{city.slug}-{versioning.current()}-{FORMAT}"
    if _unchanged(tag):
        return _revalidate(Response(status=304, mimetype="application/json"), tag)
    return _revalidate(jsonify(points.view_points(city, bbox, zoom)), tag)


def _unchanged(tag: str) -> bool:
    """Whether the client holds the answer tagged ``tag``; compressed answers carry the tag
    with the coding after it ("seoul-12:br")."""
    return any(t == tag or t.startswith(tag + ":")
               for t in request.if_none_match.as_set(include_weak=True))


def _revalidate(response: Response, tag: str) -> Response:
    """Cacheable, but asked again each time (the answer changes with the catalogue)."""
    response.set_etag(tag)
    response.cache_control.public = True
    response.cache_control.no_cache = True
    return response


@bp.get("/projects/<int:project_id>/suggestions")
def project_suggestions(project_id: int):
    k = parse_number(request.args, "k", 20, *K, integer=True)
    projects.require_visible(_actor(), matching.project_view(project_id))
    project, suggestions = matching.suggest_spaces(project_id, k)
    return jsonify({"project": {"id": project.id, "title": project.title,
                                "title_en": project.title_en, "activity": project.activity},
                    "suggestions": [asdict(s) for s in suggestions]})


@bp.get("/projects/<int:project_id>/spaces/<int:space_id>")
def project_space(project_id: int, space_id: int):
    projects.require_visible(_actor(), matching.project_view(project_id))
    return jsonify(matching.explain_pair(project_id, space_id))


@bp.get("/spaces/<int:space_id>/could-host")
def space_could_host(space_id: int):
    """Per room (a divisible place's divisions as one row), for the whole place, and what
    distinct rooms could host at once; ``activities`` is the whole place's list, misfits
    last, as clients before rooms read it."""
    page = places.place_page(space_id)
    return jsonify({"space_id": space_id, "rooms": [asdict(r) for r in page.rooms],
                    "place": page.could_host,
                    "together": page.together,
                    "activities": [*page.could_host, *page.could_not_host]})


@bp.get("/cities/<slug>/plan")
def city_plan(slug: str):
    options = parse_plan_options(request.args)
    view = plans.plan_city(catalogue.pick_city(slug), **asdict(options))
    return jsonify({
        "status": view.plan.status, "total_score": view.plan.total,
        "fairness_cost": view.plan.fairness_cost, "warnings": view.plan.warnings,
        "pairings": view.pairings,
        "shared_spaces": {str(k): v for k, v in view.plan.shared_spaces.items()},
        "unmatched": view.unmatched, "places": view.places,
    })
