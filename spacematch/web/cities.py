"""The city a page is about, kept from page to page.

``?city=`` chooses it (a 404 when no such city is loaded), a cookie remembers the last one
chosen for the pages that name none, the header's links carry it, and every city page has
the switch that changes it (``templates/_city.html``).
"""

from __future__ import annotations

from flask import current_app, g, request

from ..domain.errors import NotFound
from ..services import catalogue
from ..services.catalogue import CityInfo

COOKIE = "spacematch_city"
YEAR = 365 * 24 * 3600


def page_city(asked: str | None = None) -> CityInfo | None:
    """The city ``asked`` for (else ``?city=``): NotFound when none such is loaded; without
    one, the city last chosen while it is still loaded, else the configured default, else
    the first loaded; None when no city is."""
    asked = asked if asked is not None else request.args.get("city")
    if asked:
        city = catalogue.pick_city(asked)
    else:
        city = None
        remembered = request.cookies.get(COOKIE)
        if remembered:
            try:
                city = catalogue.pick_city(remembered)
            except NotFound:  # no longer loaded: the cookie goes
                g.forget_city = True
        city = city or catalogue.pick_city(None, current_app.config.get("SPACEMATCH_DEFAULT_CITY"))
    g.page_city = city
    return city


def remembered_slug() -> str | None:
    """The slug a page's city would come from before it is looked up: for the language of a
    page about it (``web.i18n``)."""
    return request.args.get("city") or request.cookies.get(COOKIE) or None


def remember(response):
    """A city chosen by name on a page that showed it is the one the next pages show."""
    city = g.get("page_city")
    if (city is not None and response.status_code == 200
            and request.args.get("city") == city.slug
            and request.cookies.get(COOKIE) != city.slug):
        response.set_cookie(COOKIE, city.slug, max_age=YEAR, httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")
                                        or request.is_secure))
    elif g.get("forget_city"):
        response.delete_cookie(COOKIE, httponly=True, samesite="Lax")
    return response


def context() -> dict:
    """For the header's links (``nav_city``: the page's city, when it is about one) and the
    city switch (``loaded_cities``, read only by pages that draw it)."""
    city = g.get("page_city")
    return {"nav_city": city.slug if city is not None else None,
            "loaded_cities": catalogue.list_cities}
