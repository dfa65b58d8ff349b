"""One error envelope: JSON for /api, a friendly page for people, from the same exceptions."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, TooManyRequests

from ..domain.errors import SpacematchError

CSRF_MESSAGE = ("This form has expired or did not come from this site. Go back, reload the "
                "page and send it again.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(SpacematchError)
    def _app_error(exc: SpacematchError):
        if wants_json():
            return jsonify(exc.to_dict()), exc.status
        return render_template("error.html", status=exc.status, message=exc.message,
                               problems=getattr(exc, "problems", [])), exc.status

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        if wants_json():
            return jsonify({"error": {"code": "csrf_failed", "message": exc.description}}), 400
        return render_template("error.html", status=400, message=CSRF_MESSAGE,
                               problems=[]), 400

    @app.errorhandler(TooManyRequests)
    def _too_many(exc: TooManyRequests):
        # Flask-Limiter's description is the limit itself, e.g. "5 per 1 minute"
        message = f"Too many attempts (at most {exc.description}). Please wait and try again."
        if wants_json():
            return jsonify({"error": {"code": "too_many_requests", "message": message}}), 429
        return render_template("rate_limited.html", limit=exc.description), 429

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        if wants_json():
            return jsonify({"error": {"code": code, "message": exc.description}}), exc.code
        return render_template("error.html", status=exc.code, message=exc.description,
                               problems=[]), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error")
        err = SpacematchError()
        if wants_json():
            return jsonify(err.to_dict()), 500
        return render_template("error.html", status=500, message=err.message, problems=[]), 500
