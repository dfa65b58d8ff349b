"""JSON API. Errors use the one envelope of ``spacematch.web.errors``."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, jsonify
from sqlalchemy import text

from ..extensions import db
from ..services import catalogue

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
