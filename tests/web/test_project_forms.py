"""Groups describe a project in the browser's form, then edit it: activity first, where by a
point or by areas chosen by name, weekly hours by day, what matters most; problems beside
their fields, typed values kept, nothing stored until all is right."""

import html
import re

from sqlalchemy import func, select

from spacematch.db.models import Area, Project
from spacematch.extensions import db
from spacematch.services import matching
from spacematch.services.users import create_user

from .test_auth import GOOD, field_error, sign_in, token, typed_value

FORM = {"activity": "maker_repair", "title": "<b>수리</b> 카페", "title_en": "Repair café",
        "description": "Fix radios and bikes together.", "participants": "12",
        "lat": "37.5762", "lon": "126.9690", "max_distance_m": "2000",
        "hours_sat-opens": "10:00", "hours_sat-closes": "16:00", "starts_on": "",
        "ends_on": "", "budget_kind": "hourly", "budget_amount": "20000",
        "beneficiaries": ["youth"], "priority": "near", "publish": "y"}


def _group(app, email="repair@example.org"):
    with app.app_context():
        create_user(email=email, password=GOOD, role="group", display_name="Repair circle",
                    system=True)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.7.0.{len(email)}"
    assert sign_in(client, email).status_code == 302
    return client


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": token(client, path), **data})


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Project.id)))


def test_a_group_describes_a_project_then_edits_it(seoul_app):
    app = seoul_app
    client = _group(app)
    form = client.get("/projects/new?city=seoul").get_data(as_text=True)
    assert form.count('name="activity"') == 15  # every activity, first
    assert ">Jongno-gu<" in form and "— Sajik-dong" in html.unescape(form)
    korean = html.unescape(client.get("/projects/new?city=seoul",
                                      headers={"Accept-Language": "ko"}).get_data(as_text=True))
    assert ">종로구<" in korean and "— 사직동" in korean and "Sajik-dong" not in korean

    answer = _post(client, "/projects/new?city=seoul", **{
        **FORM, "title": "", "participants": "lots", "lat": "137.5",
        "hours_sat-closes": "09:00"})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert field_error(page, "title") == "is required"
    assert "number" in field_error(page, "participants")
    assert "latitude" in field_error(page, "lat")
    assert "Weekly hours" in html.unescape(page)
    assert typed_value(page, "participants") == "lots"
    assert _count(app) == 0

    answer = _post(client, "/projects/new?city=seoul", **FORM)
    assert answer.status_code == 302
    project_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        p = db.session.get(Project, project_id)
        assert (p.activity, p.participants, p.weekly_hours, p.budget_kind, p.status,
                p.beneficiaries, p.weights) == (
            "maker_repair", 12, {"sat": ["10:00-16:00"]}, "hourly", "open", ["youth"],
            {"distance": 0.4, "transit": 0.2})
        assert p.title == "<b>수리</b> 카페" and p.max_distance_m == 2000
        _, suggestions = matching.suggest_spaces(project_id, 5)
    page = client.get(f"/projects/{project_id}").get_data(as_text=True)
    assert "&lt;b&gt;수리&lt;/b&gt; 카페" in page and "<b>수리</b>" not in page

    # edit: the form shows it as stored; now by areas chosen by name, no point
    edit = f"/projects/{project_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert typed_value(page, "lat") == "37.576200"
    assert re.search(r'<input checked[^>]*value="near"', page)
    with app.app_context():
        sajik = db.session.scalar(select(Area.id).where(Area.name_en == "Sajik-dong"))
    answer = _post(client, edit, **{**FORM, "lat": "", "lon": "", "max_distance_m": "",
                                    "preferred_area_ids": [str(sajik)], "priority": "cheap",
                                    "publish": ""})
    assert answer.status_code == 302
    with app.app_context():
        p = db.session.get(Project, project_id)
        assert (p.preferred_location, p.preferred_area_ids, p.weights, p.status) == (
            None, [sajik], {"cost": 0.4}, "draft")
    listing = client.get("/my/projects").get_data(as_text=True)
    assert re.search(rf'href="/projects/{project_id}/edit"', listing)


def test_only_groups_describe_and_only_their_own_projects(seoul_app):
    app = seoul_app
    mine = _group(app)
    answer = _post(mine, "/projects/new?city=seoul", **FORM)
    project_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    other = _group(app, "another-group@example.org")
    assert other.get(f"/projects/{project_id}/edit").status_code == 403
    assert _post(other, f"/projects/{project_id}/edit", **FORM).status_code == 403
    with app.app_context():
        create_user(email="owner@example.org", password=GOOD, role="owner",
                    display_name="Owner", system=True)
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "10.7.1.1"
    assert sign_in(owner, "owner@example.org").status_code == 302
    assert owner.get("/projects/new?city=seoul").status_code == 403
    # a JSON body, a file, or a NUL: named, never a 500, nothing stored
    assert mine.post("/projects/new?city=seoul", json=FORM).status_code == 400
    answer = _post(mine, "/projects/new?city=seoul", **{**FORM, "title": "a\x00b"})
    assert answer.status_code == 400 and "control characters" in answer.get_data(as_text=True)
    assert _count(app) == 1


def test_an_edit_keeps_a_matched_project_matched_and_every_digit_of_its_budget(seoul_app):
    app = seoul_app
    client = _group(app)
    answer = _post(client, "/projects/new?city=seoul", **{**FORM, "budget_kind": "monthly",
                                                         "budget_amount": "1234567"})
    project_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        db.session.get(Project, project_id).status = "matched"  # as an approval makes it
        db.session.commit()
    edit = f"/projects/{project_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert typed_value(page, "budget_amount") == "1234567"
    assert 'data-testid="project-status"' in page and 'name="publish"' not in page
    answer = _post(client, edit, **{**FORM, "budget_kind": "monthly",
                                    "budget_amount": "1234567", "description": "New words"})
    assert answer.status_code == 302
    with app.app_context():
        p = db.session.get(Project, project_id)
        assert (p.status, float(p.budget_amount), p.description) == (
            "matched", 1234567.0, "New words")


def test_a_draft_is_its_groups_alone_and_an_edit_keeps_what_the_form_cannot_show(seoul_app):
    app = seoul_app
    client = _group(app)
    answer = _post(client, "/projects/new?city=seoul", **{**FORM, "publish": ""})
    project_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/projects/{project_id}").status_code == 200
    stranger = app.test_client()
    assert stranger.get(f"/projects/{project_id}").status_code == 404
    assert stranger.get(f"/api/projects/{project_id}/suggestions").status_code == 404
    # weights and a distance set elsewhere (the API, an import) survive an edit
    with app.app_context():
        p = db.session.get(Project, project_id)
        p.weights, p.max_distance_m = {"cost": 0.3, "transit": 0.05}, 1500
        db.session.commit()
    edit = f"/projects/{project_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="own"', page)
    assert re.search(r'<input checked[^>]*name="max_distance_m"[^>]*value="1500"', page)
    answer = _post(client, edit, **{**FORM, "priority": "own", "max_distance_m": "1500",
                                    "title": "   ", "publish": ""})
    assert answer.status_code == 400 and field_error(answer.get_data(as_text=True),
                                                     "title") == "is required"
    answer = _post(client, edit, **{**FORM, "priority": "own", "max_distance_m": "1500",
                                    "publish": ""})
    assert answer.status_code == 302
    with app.app_context():
        p = db.session.get(Project, project_id)
        assert (p.weights, p.max_distance_m, p.status) == (
            {"cost": 0.3, "transit": 0.05}, 1500, "draft")


def test_an_edit_keeps_two_ranges_a_day_unless_the_row_is_changed(seoul_app):
    app = seoul_app
    client = _group(app)
    answer = _post(client, "/projects/new?city=seoul", **FORM)
    project_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        db.session.get(Project, project_id).weekly_hours = {
            "sat": ["10:00-12:00", "14:00-16:00"]}
        db.session.commit()
    edit = f"/projects/{project_id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert typed_value(page, "hours_sat-opens") == "10:00"
    assert typed_value(page, "hours_sat-closes") == "16:00"
    assert _post(client, edit, **FORM).status_code == 302  # the rows as shown
    with app.app_context():
        assert db.session.get(Project, project_id).weekly_hours == {
            "sat": ["10:00-12:00", "14:00-16:00"]}
    # another day changed: Saturday keeps its two ranges all the same
    assert _post(client, edit, **{**FORM, "hours_mon-opens": "18:00",
                                  "hours_mon-closes": "23:59"}).status_code == 302
    with app.app_context():
        assert db.session.get(Project, project_id).weekly_hours == {
            "mon": ["18:00-24:00"], "sat": ["10:00-12:00", "14:00-16:00"]}
    assert _post(client, edit, **{**FORM, "hours_sat-closes": "17:00"}).status_code == 302
    with app.app_context():
        assert db.session.get(Project, project_id).weekly_hours == {"sat": ["10:00-17:00"]}
