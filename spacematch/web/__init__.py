"""Server-rendered pages for people. Views are thin: parse, one service call, render."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from ..services import catalogue
from .maps import build_city_map

bp = Blueprint("web", __name__)


def _static(path: str) -> str:
    return url_for("static", filename=path)


@bp.get("/")
def home():
    city = catalogue.pick_city(request.args.get("city"),
                               current_app.config.get("SPACEMATCH_DEFAULT_CITY"))
    if city is None:
        return render_template("home.html", city=None, summary=None, cities=[], map=None)
    summary = catalogue.summarise_city(city)
    parts = build_city_map(
        summary.centre,
        catalogue.district_outlines(city),
        catalogue.listed_space_points(city),
        _static,
        current_app.config.get("SPACEMATCH_TILE_URL", ""),
        current_app.config.get("SPACEMATCH_TILE_ATTRIBUTION", ""),
    )
    return render_template("home.html", city=city, summary=summary,
                           cities=catalogue.list_cities(), map=parts)
