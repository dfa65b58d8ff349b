"""One language at a time: which one a page is written in, the header's switch, and the
filters that pick one language out of the domain's (English, Korean) pairs.

The choice, in order: what the person chose with the switch (a cookie, kept a year), else
the best of their browser's Accept-Language, else the language of the city the page is
about (Korean for Korean cities), else English.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, request, url_for
from flask_babel import get_locale, gettext

from ..domain.vocabulary import LANGUAGES
from ..services import catalogue
from .cities import remembered_slug
from .links import safe_next

COOKIE = "spacematch_lang"
NAMES = {"ko": "한국어", "en": "English"}

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return chosen
    if request.accept_languages:
        best = request.accept_languages.best_match(LANGUAGES)
        if best:
            return best
    if g.get("page_city") is not None:  # a place's or project's own city, once known
        return g.page_city.language
    if "city_language" not in g:
        g.city_language = catalogue.city_language(
            remembered_slug(), current_app.config.get("SPACEMATCH_DEFAULT_CITY"))
    return g.city_language


def language() -> str:
    """The language of this page: "ko" or "en"."""
    return str(get_locale() or "en")


@bp.get("/language/<code>")
def choose(code: str):
    """Remember the language chosen in the header and go back to the page it was chosen on."""
    back = _local(request.args.get("next"))
    response = redirect(back)
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax",
                            httponly=True, secure=bool(
                                current_app.config.get("SESSION_COOKIE_SECURE")
                                or request.is_secure))
    return response


def _local(target: str | None) -> str:
    return safe_next(target) or url_for("web.home")


def pick(value, lang: str | None = None):
    """One language out of a pair: an (English, Korean) tuple, a mapping or object with
    ``en`` and ``ko``, or anything else as it is."""
    lang = lang or language()
    if isinstance(value, tuple) and len(value) == 2:
        en, ko = value
    elif isinstance(value, dict) and "en" in value:
        en, ko = value.get("en"), value.get("ko")
    elif hasattr(value, "en") and hasattr(value, "ko"):
        en, ko = value.en, value.ko
    else:
        return value
    return (ko or en) if lang == "ko" else (en or ko)


def named(record, lang: str | None = None) -> str:
    """A city's, area's or station's name in the page's language where the data has both:
    ``name`` is the local name, ``name_en`` the English one."""
    get = record.get if isinstance(record, dict) else lambda k: getattr(record, k, None)
    local, english = get("name"), get("name_en")
    lang = lang or language()
    if english is None and hasattr(local, "ko"):  # a name carrying both (vocabulary.Text)
        return pick(local, lang)
    if lang == "en":
        return english or local or ""
    return local or english or ""


def _values(params: dict | None) -> dict:
    # values carrying both languages (statuses, hours, names) in the page's language
    return {k: pick(v) for k, v in (params or {}).items()}


def problem_text(problem) -> str:
    """A service's field problem in the page's language, its values put back in."""
    return gettext(problem.template or problem.problem, **_values(problem.params))


def error_text(exc) -> str:
    """A service's error message in the page's language."""
    template = getattr(exc, "template", None)
    if template is None:
        return str(getattr(exc, "message", exc))
    return gettext(template, **_values(exc.params))


def switch() -> dict:
    """The header's link to the other language, back to this very page."""
    here = language()
    other = "en" if here == "ko" else "ko"
    back = request.full_path.rstrip("?") if request.query_string else request.path
    return {"code": other, "name": NAMES[other],
            "url": url_for("i18n.choose", code=other, next=back)}


def _vary(response):
    """Pages differ by the reader's language: a cache must keep one copy per language."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def register(app) -> None:
    app.after_request(_vary)
    # {% trans %} blocks are read with their white space folded, as the extractor reads them
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.add_template_filter(problem_text, "problem_text")
    app.add_template_filter(pick, "l10n")
    app.add_template_filter(named, "named")
    app.context_processor(lambda: {"lang": language(), "language_switch": switch})
    app.register_blueprint(bp)

