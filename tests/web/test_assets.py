"""Pages and files travel compressed; static files have content-hashed URLs kept a year; the
API's spaces carry an ETag of the catalogue version."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli
from sqlalchemy import select

from spacematch.db.models import Space, User
from spacematch.extensions import db
from spacematch.services.spaces import update_space

STATIC = Path(__file__).resolve().parents[2] / "spacematch" / "static"


def test_pages_and_files_are_compressed_for_browsers_that_read_it(client):
    page = client.get("/", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br" and "Accept-Encoding" in page.headers["Vary"]
    html = brotli.decompress(page.data).decode()
    assert "<html" in html and len(page.data) < len(html.encode()) / 3
    css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.css\?v=\w+)"', html)[1]
    # files are sent as they are read (streamed): brotli, as browsers ask
    sent = client.get(css, headers={"Accept-Encoding": "gzip, br"})
    assert sent.headers["Content-Encoding"] == "br"
    plain = (STATIC / "vendor/bootstrap/bootstrap.min.css").read_bytes()
    assert brotli.decompress(sent.data) == plain and len(sent.data) < len(plain) / 3
    api = client.get("/api/cities/seoul/spaces", headers={"Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip" and gzip.decompress(api.data).startswith(
        b'{"features"')
    assert "Content-Encoding" not in client.get("/").headers  # a client that did not ask


def test_static_urls_name_their_content_and_are_kept_a_year(client):
    html = client.get("/").get_data(as_text=True)
    urls = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', html))
    assert len(urls) >= 4  # the layout's and the map's files
    for url in urls:
        path, version = re.fullmatch(r"/static/([^?]+)\?v=(\w{12})", url).groups()
        assert version == hashlib.sha256((STATIC / path).read_bytes()).hexdigest()[:12]
        answer = client.get(url)
        assert answer.status_code == 200, url
        cache = answer.headers["Cache-Control"]
        assert "max-age=31536000" in cache and "immutable" in cache, (url, cache)
    stale = client.get("/static/app.css?v=000000000000")
    assert stale.status_code == 200 and "no-cache" in stale.headers["Cache-Control"]
    assert "immutable" not in client.get("/static/app.css").headers["Cache-Control"]


def test_the_spaces_geojson_is_revalidated_with_the_catalogue_version(demo_sqlite_app):
    client = demo_sqlite_app.test_client()
    for coding in ("", "br"):
        first = client.get("/api/cities/seoul/spaces", headers={"Accept-Encoding": coding})
        assert first.status_code == 200 and first.mimetype == "application/geo+json"
        tag = first.headers["ETag"]
        assert "no-cache" in first.headers["Cache-Control"]
        again = client.get("/api/cities/seoul/spaces",
                           headers={"If-None-Match": tag, "Accept-Encoding": coding})
        assert again.status_code == 304 and again.data == b""
    # a 304 says nothing the 200 did not: it is no page that varies by language
    assert "Accept-Language" not in again.headers.get("Vary", "")
    with demo_sqlite_app.app_context():
        place = db.session.scalars(select(Space).where(Space.status == "listed")
                                   .order_by(Space.id)).first()
        owner, place_id = db.session.get(User, place.owner_id), place.id
        update_space(owner, place_id, {"title": "새 이름"})
        db.session.remove()
    changed = client.get("/api/cities/seoul/spaces", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    titles = {f["id"]: f["properties"]["title"] for f in changed.get_json()["features"]}
    assert titles[place_id] == "새 이름"
