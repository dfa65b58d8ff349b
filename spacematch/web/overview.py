"""The city from above (a choropleth with the same figures in a sortable table) and each
area's own page."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ..domain.classes import quantile_breaks
from ..services import overview as service
from . import _static, _tiles
from .choropleth import MISSING, build_area_map, build_overview_map, colour_of
from .cities import page_city
from .i18n import language, named

bp = Blueprint("overview", __name__)

MEASURES = {
    "floor_per_1000": _l("Listed floor area per 1,000 residents"),
    "open_projects": _l("Open projects"),
    "without_candidate": _l("Projects without any candidate"),
    "approved_pairings": _l("Approved pairings"),
}
LEVELS = {"city": _l("Cities"), "district": _l("Districts"),
          "neighbourhood": _l("Neighbourhoods")}
LEVEL = {"city": _l("City"), "district": _l("District"), "neighbourhood": _l("Neighbourhood")}


def value_text(measure: str, value) -> str:
    if value is None:
        return _("no residents recorded")
    if measure == "floor_per_1000":
        m2 = f"{value:,.1f}"
        return _("%(m2)s m² per 1,000 residents", m2=m2)
    return ngettext("%(num)d project", "%(num)d projects", value) \
        if measure != "approved_pairings" else \
        ngettext("%(num)d pairing", "%(num)d pairings", value)


def legend(measure: str, breaks: list[float], has_missing: bool) -> list[dict]:
    """One entry per colour: its range of values as text."""
    out, lower = [], None
    whole = measure != "floor_per_1000"
    fmt = (lambda v: f"{v:,.0f}") if whole else (lambda v: f"{v:,.1f}")
    for upper in breaks:
        # classes hold (lower, upper]: counts start at the next whole number
        if lower is None:
            text = f"≤ {fmt(upper)}" if not whole or upper > 0 else fmt(upper)
        elif whole and upper - lower <= 1:
            text = fmt(upper)
        elif whole:
            text = f"{fmt(lower + 1)} – {fmt(upper)}"
        else:
            text = f"{fmt(lower)} – {fmt(upper)}"
        out.append({"colour": colour_of(upper, breaks), "text": text})
        lower = upper
    if has_missing:
        out.append({"colour": MISSING, "text": _("no residents recorded")})
    return out


@bp.get("/overview")
def overview():
    city = page_city()
    if city is None:
        return render_template("overview.html", city=None)
    measure = service.check_choice("measure", request.args.get("measure"), tuple(MEASURES),
                                   "floor_per_1000")
    order = service.check_choice("order", request.args.get("order"), ("desc", "asc"), "desc")
    sort = service.check_choice("sort", request.args.get("sort"), service.SORTS, measure)
    view = service.city_overview(city, request.args.get("level"), sort, order == "desc",
                                 language())
    values = [getattr(a, measure) for a in view.areas]
    breaks = quantile_breaks(values, 5, whole=measure != "floor_per_1000")
    rows = [{**a.as_dict(), "label": named(a.as_dict()),
             "url": url_for("overview.area", area_id=a.id),
             "colour": colour_of(getattr(a, measure), breaks),
             "value_text": value_text(measure, getattr(a, measure))} for a in view.areas]
    parts = build_overview_map(
        [{"geometry": view.shapes.get(r["id"]), "label": r["label"], "value": r[measure],
          "value_text": r["value_text"], "url": r["url"]} for r in rows],
        breaks, _static, *_tiles())
    return render_template(
        "overview.html", city=city, view=view, rows=rows, measure=measure, measures=MEASURES,
        levels={lv: LEVELS.get(lv, lv) for lv in city.levels}, sort=sort, order=order,
        legend=legend(measure, breaks, any(v is None for v in values)), map=parts)


@bp.get("/areas/<int:area_id>")
def area(area_id: int):
    page = service.area_page(area_id, language())
    parts = build_area_map(page["outline"], page["spaces"], _static, *_tiles())
    return render_template("area.html", page=page, measures=MEASURES, map=parts,
                           level_name=LEVEL.get(page["area"]["level"], page["area"]["level"]))
