"""How pages and their files travel: compressed, and static files under content-hashed URLs
that browsers keep a year.

``url_for("static", filename=...)`` adds ``?v=<hash of the file>``: a file that changes gets
a new URL, so a browser never runs last week's script, and a URL that names the file as it
is now may be kept for good (``immutable``). A request with an old or no hash is answered
too, but must be checked again each time.
"""

from __future__ import annotations

import hashlib
import os

from flask import Flask, request

from ..extensions import compress

YEAR = 365 * 24 * 3600
# Flask-Compress's own list, and GeoJSON (the API's spaces)
EXTRA_MIMETYPES = ["application/geo+json"]


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)
    app.config["COMPRESS_MIMETYPES"] = [*app.config["COMPRESS_MIMETYPES"], *EXTRA_MIMETYPES]
    compress.compress_mimetypes_set = set(app.config["COMPRESS_MIMETYPES"])
    hashes: dict[tuple[str, float, int], str] = {}

    def content_hash(filename: str) -> str | None:
        path = os.path.join(app.static_folder, filename)
        try:
            stat = os.stat(path)
        except OSError:
            return None  # no such file: the URL stays as asked, and answers 404
        key = (filename, stat.st_mtime, stat.st_size)
        if key not in hashes:
            with open(path, "rb") as f:
                hashes[key] = hashlib.sha256(f.read()).hexdigest()[:12]
        return hashes[key]

    @app.url_defaults
    def _hashed(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            digest = content_hash(values["filename"])
            if digest:
                values["v"] = digest

    @app.after_request
    def _cache_static(response):
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        current = content_hash((request.view_args or {}).get("filename", ""))
        if current and request.args.get("v") == current:
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
            response.cache_control.no_cache = None
        else:
            response.cache_control.no_cache = True
            response.cache_control.max_age = None
        return response
