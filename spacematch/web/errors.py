"""One error envelope: JSON for /api, a friendly page for people, from the same exceptions."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..domain.errors import SpacematchError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(SpacematchError)
    def _app_error(exc: SpacematchError):
        if _wants_json():
            return jsonify(exc.to_dict()), exc.status
        return render_template("error.html", status=exc.status, message=exc.message,
                               problems=getattr(exc, "problems", [])), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code = (exc.name or "error").lower().replace(" ", "_")
        if _wants_json():
            return jsonify({"error": {"code": code, "message": exc.description}}), exc.code
        return render_template("error.html", status=exc.code, message=exc.description,
                               problems=[]), exc.code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Unhandled error")
        err = SpacematchError()
        if _wants_json():
            return jsonify(err.to_dict()), 500
        return render_template("error.html", status=500, message=err.message, problems=[]), 500
