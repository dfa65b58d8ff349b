"""One error envelope: JSON for /api, a friendly page for people, from the same exceptions.

JSON answers stay English (programs read them); the pages are in the reader's language."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, TooManyRequests

from ..domain.errors import SpacematchError
from .i18n import error_text


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _limit_text(exc: TooManyRequests) -> str:
    """The limit that was hit, as Flask-Limiter words it ("5 per 1 minute"), in the page's
    language; a limit with a message of its own, or none known, as it is."""
    limit = getattr(exc, "limit", None)
    item = getattr(limit, "limit", None)
    if item is None or getattr(limit, "error_message", None) or exc.description != str(item):
        return exc.description
    values = {"amount": item.amount, "multiples": item.multiples}
    unit = item.GRANULARITY.name
    if unit == "second":
        return _("%(amount)d per %(multiples)d second", **values)
    if unit == "minute":
        return _("%(amount)d per %(multiples)d minute", **values)
    if unit == "hour":
        return _("%(amount)d per %(multiples)d hour", **values)
    if unit == "day":
        return _("%(amount)d per %(multiples)d day", **values)
    return exc.description


def _http_text(exc: HTTPException) -> str:
    """Werkzeug's own descriptions are English: the common ones in the page's language."""
    texts = {
        400: _("The request could not be read. Go back and try again."),
        404: _("There is no page at this address. Check it, or start from the map."),
        405: _("This page cannot be used that way."),
        413: _("What was sent is too large."),
        415: _("Send this as a web form, as the page's form does."),
    }
    if exc.code not in texts:
        return exc.description
    # werkzeug's stock description, or our one 415 (web/auth.py): said in the page's language;
    # any other description of its own is kept
    if exc.code == 415 or exc.description in (type(exc).description, None):
        return texts[exc.code]
    return exc.description


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(SpacematchError)
    def _app_error(exc: SpacematchError):
        if wants_json():
            return jsonify(exc.to_dict()), exc.status
        return render_template("error.html", status=exc.status, message=error_text(exc),
                               problems=getattr(exc, "problems", [])), exc.status

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        if wants_json():
            return jsonify({"error": {"code": "csrf_failed", "message": exc.description}}), 400
        message = _("This form has expired or did not come from this site. Go back, reload "
                    "the page and send it again.")
        return render_template("error.html", status=400, message=message, problems=[]), 400

    @app.errorhandler(TooManyRequests)
    def _too_many(exc: TooManyRequests):
        if wants_json():
            # Flask-Limiter's description is the limit itself, e.g. "5 per 1 minute"
            message = (f"Too many attempts (at most {exc.description}). "
                       "Please wait and try again.")
            return jsonify({"error": {"code": "too_many_requests", "message": message}}), 429
        return render_template("rate_limited.html", limit=_limit_text(exc)), 429

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        if wants_json():
            return jsonify({"error": {"code": code, "message": exc.description}}), exc.code
        return render_template("error.html", status=exc.code, message=_http_text(exc),
                               problems=[]), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error")
        err = SpacematchError()
        if wants_json():
            return jsonify(err.to_dict()), 500
        return render_template("error.html", status=500, message=error_text(err),
                               problems=[]), 500
