"""JSON API. Errors use the one envelope of ``spacematch.web.errors``."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, jsonify, request
from sqlalchemy import text

from ..extensions import db
from ..services import catalogue, matching

bp = Blueprint("api", __name__)


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
    city = catalogue.pick_city(slug)
    features = [
        {"type": "Feature", "id": s["id"],
         "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
         "properties": {k: v for k, v in s.items() if k not in ("lon", "lat")}}
        for s in catalogue.listed_space_points(city)
    ]
    return jsonify({"type": "FeatureCollection", "features": features})


def _int_arg(name: str, default, lo, hi, cast=int):
    from ..domain.errors import FieldProblem, ValidationError

    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = cast(raw)
    except ValueError:
        raise ValidationError(FieldProblem(name, f"{raw!r} is not a number")) from None
    if not lo <= value <= hi:
        raise ValidationError(FieldProblem(name, f"must be between {lo} and {hi}"))
    return value


@bp.get("/projects/<int:project_id>/suggestions")
def project_suggestions(project_id: int):
    project, suggestions = matching.suggest_spaces(project_id, _int_arg("k", 20, 1, 100))
    return jsonify({"project": {"id": project.id, "title": project.title,
                                "title_en": project.title_en, "activity": project.activity},
                    "suggestions": [asdict(s) for s in suggestions]})


@bp.get("/projects/<int:project_id>/spaces/<int:space_id>")
def project_space(project_id: int, space_id: int):
    return jsonify(matching.explain_pair(project_id, space_id))


@bp.get("/spaces/<int:space_id>/could-host")
def space_could_host(space_id: int):
    return jsonify({"space_id": space_id, "activities": matching.could_host(space_id)})


@bp.get("/cities/<slug>/plan")
def city_plan(slug: str):
    city = catalogue.pick_city(slug)
    view = matching.plan_city(
        city, district_id=_int_arg("district", None, 1, 2**31),
        k=_int_arg("k", 20, 1, 100),
        vulnerable_priority=_int_arg("priority", None, 1.0, 5.0, float),
        min_share=_int_arg("min_share", None, 0.0, 1.0, float))
    return jsonify({
        "status": view.plan.status, "total_score": view.plan.total,
        "fairness_cost": view.plan.fairness_cost, "pairings": view.pairings,
        "shared_spaces": {str(k): v for k, v in view.plan.shared_spaces.items()},
        "unmatched": view.unmatched,
    })
