"""Owners list a space in the browser's form: a preview of what it could host before it is
saved, problems beside their fields, then draft → listed → paused → archived; only the
owner edits it."""

import html
import re

from sqlalchemy import func, select

from spacematch.db.models import Room, Space
from spacematch.extensions import db
from spacematch.services.users import create_user

from .test_auth import GOOD, field_error, sign_in, token, typed_value

FORM = {"title": "<i>사직동</i> 주민센터", "owner_kind": "public", "address": "사직로 1",
        "lat": "37.5759", "lon": "126.9687", "floor_area_m2": "150", "capacity": "60",
        "floor_level": "0", "accessibility": ["step_free"], "amenities": ["kitchen", "water",
                                                                         "toilets"],
        "hours_tue-opens": "09:00", "hours_tue-closes": "21:00", "cost_kind": "free",
        "cost_amount": "", "status": "listed"}


def _owner(app, email="centre@example.org", address="10.6.0.1"):
    with app.app_context():
        create_user(email=email, password=GOOD, role="owner", display_name="Centre",
                    system=True)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    assert sign_in(client, email).status_code == 302
    return client


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": token(client, path), **data})


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Space.id)))


def test_an_owner_previews_lists_and_edits_a_space(seoul_app):
    app = seoul_app
    client = _owner(app)
    answer = _post(client, "/spaces/new?city=seoul", **{**FORM, "preview": "1"})
    page = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 200 and 'data-testid="preview"' in page
    assert "In Sajik-dong, Jongno-gu." in page
    assert "Community kitchen" in page  # kitchen, water and toilets at 150 m²
    assert _count(app) == 0  # a preview stores nothing

    answer = _post(client, "/spaces/new?city=seoul", **{
        **FORM, "title": "", "capacity": "many", "cost_kind": "hourly"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert field_error(page, "title") == "is required"
    assert "number" in field_error(page, "capacity")
    assert field_error(page, "cost_amount") == "is required for hourly cost"
    assert typed_value(page, "capacity") == "many"
    answer = _post(client, "/spaces/new?city=seoul", **{**FORM, "lat": "10"})
    assert answer.status_code == 400
    assert "is outside every area" in field_error(answer.get_data(as_text=True), "lat")
    assert _count(app) == 0

    answer = _post(client, "/spaces/new?city=seoul", **FORM)
    assert answer.status_code == 302 and answer.headers["Location"] == "/my/places"
    with app.app_context():
        space = db.session.scalar(select(Space))
        assert (space.title, space.status, space.floor_area_m2, sorted(space.amenities),
                space.weekly_hours) == ("<i>사직동</i> 주민센터", "listed", 150,
                                        ["kitchen", "toilets", "water"],
                                        {"tue": ["09:00-21:00"]})
        assert db.session.scalar(select(Room.name).where(Room.space_id == space.id)) == \
            "Whole space"
        space_id = space.id
    listing = client.get("/my/places").get_data(as_text=True)
    assert f'href="/spaces/{space_id}/edit"' in listing
    assert "&lt;i&gt;사직동&lt;/i&gt;" in listing

    edit = f"/spaces/{space_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert typed_value(page, "floor_area_m2") == "150" and typed_value(page, "lat") == \
        "37.575900"
    for status in ("paused", "archived"):
        answer = _post(client, edit, **{**FORM, "status": status, "capacity": "80"})
        assert answer.status_code == 302
        with app.app_context():
            space = db.session.get(Space, space_id)
            assert (space.status, space.capacity) == (status, 80)


def test_only_owners_list_and_only_their_own_spaces(seoul_app):
    app = seoul_app
    mine = _owner(app)
    _post(mine, "/spaces/new?city=seoul", **FORM)
    with app.app_context():
        space_id = db.session.scalar(select(Space.id))
    other = _owner(app, "other-owner@example.org", "10.6.0.2")
    assert other.get(f"/spaces/{space_id}/edit").status_code == 403
    assert _post(other, f"/spaces/{space_id}/edit", **{**FORM, "title": "Mine now"}
                 ).status_code == 403
    with app.app_context():
        create_user(email="group@example.org", password=GOOD, role="group",
                    display_name="Group", system=True)
        assert db.session.get(Space, space_id).title == FORM["title"]
    group = app.test_client()
    group.environ_base["REMOTE_ADDR"] = "10.6.0.3"
    assert sign_in(group, "group@example.org").status_code == 302
    assert group.get("/spaces/new?city=seoul").status_code == 403
    # a JSON body or a NUL: named, never a 500, nothing stored
    assert mine.post("/spaces/new?city=seoul", json=FORM).status_code == 400
    answer = _post(mine, "/spaces/new?city=seoul", **{**FORM, "title": "a\x00b"})
    assert answer.status_code == 400
    assert re.search("control characters", answer.get_data(as_text=True))
    assert _count(app) == 1
