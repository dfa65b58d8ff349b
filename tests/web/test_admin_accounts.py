"""Admins make officials in the browser: every account with its role, a change with an
audit event; no one else may, and an admin cannot change their own role."""

from __future__ import annotations

from sqlalchemy import select

from spacematch.db.models import AuditEvent, User
from spacematch.extensions import db
from spacematch.services.users import create_user

from .test_auth import GOOD, sign_in, token

HOSTILE = '<img src=x onerror="alert(1)">Kim'


def _people(app):
    with app.app_context():
        admin = create_user(email="admin@example.org", password=GOOD, role="admin",
                            display_name="Admin", system=True)
        kim = create_user(email="kim@seoul.go.kr", password=GOOD, role="group",
                          display_name=HOSTILE, system=True)
        return admin.id, kim.id


def _role(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).role


def test_an_admin_makes_an_official(backend_app):
    app = backend_app
    admin, kim = _people(app)
    client = app.test_client()
    sign_in(client, "admin@example.org")
    page = client.get("/admin/accounts").get_data(as_text=True)
    assert f'data-account="{kim}"' in page and HOSTILE not in page and "&lt;img src=x" in page
    assert 'data-testid="own-role">Administrator<' in page  # one's own role: not a form
    assert f'action="/admin/accounts/{admin}/role"' not in page
    found = client.get("/admin/accounts?q=SEOUL.GO").get_data(as_text=True)
    assert f'data-account="{kim}"' in found and f'data-account="{admin}"' not in found
    for wildcard in ("%25", "_"):  # LIKE's wildcards are matched as themselves
        assert 'data-account' not in client.get(f"/admin/accounts?q={wildcard}").get_data(
            as_text=True)

    answer = client.post(f"/admin/accounts/{kim}/role", data={
        "role": "official", "csrf_token": token(client, "/admin/accounts")})
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/accounts"
    assert _role(app, kim) == "official"
    flashed = client.get("/admin/accounts").get_data(as_text=True)
    assert "is now: Local official" in flashed
    with app.app_context():
        audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.role")
                                   ).one()
        assert (audit.actor_id, audit.entity_id, audit.before, audit.after) == (
            admin, kim, {"role": "group"}, {"role": "official"})

    official = app.test_client()
    sign_in(official, "kim@seoul.go.kr")
    assert official.get("/review").status_code == 200  # an official's page now


def test_bad_roles_and_ones_own_role_are_refused_and_nothing_changes(app):
    admin, kim = _people(app)
    client = app.test_client()
    sign_in(client, "admin@example.org")
    csrf = token(client, "/admin/accounts")
    answer = client.post(f"/admin/accounts/{kim}/role", data={"role": "king", "csrf_token": csrf})
    assert answer.status_code == 302
    page = client.get("/admin/accounts").get_data(as_text=True)
    assert "must be one of group, owner, official, admin" in page
    assert _role(app, kim) == "group"
    client.post(f"/admin/accounts/{admin}/role", data={"role": "group", "csrf_token": csrf})
    assert "You cannot change your own role" in client.get("/admin/accounts").get_data(
        as_text=True)
    assert _role(app, admin) == "admin"
    assert client.post("/admin/accounts/999999/role", data={
        "role": "official", "csrf_token": csrf}).status_code == 404


def test_no_one_but_an_admin_may_see_or_change_roles(app):
    _, kim = _people(app)
    anonymous = app.test_client()
    assert anonymous.get("/admin/accounts").status_code == 302
    group = app.test_client()
    sign_in(group, "kim@seoul.go.kr")
    assert group.get("/admin/accounts").status_code == 403
    answer = group.post(f"/admin/accounts/{kim}/role", data={
        "role": "admin", "csrf_token": token(group, "/account/password")})
    assert answer.status_code == 403 and _role(app, kim) == "group"
    assert 'href="/admin/accounts"' not in group.get("/").get_data(as_text=True)


def test_an_owner_with_places_keeps_a_role_that_can_answer_for_them(seoul_app):
    from spacematch.services.spaces import create_space

    app = seoul_app
    _people(app)
    with app.app_context():
        owner = create_user(email="owner@example.org", password=GOOD, role="owner",
                            display_name="Owner", system=True)
        create_space(owner, {"title": "빈 교실", "owner_kind": "public", "lon": 126.9687,
                             "lat": 37.5759, "floor_area_m2": 80, "capacity": 30,
                             "status": "listed", "weekly_hours": "mon 09:00-18:00"})
    client = app.test_client()
    sign_in(client, "admin@example.org")
    client.post(f"/admin/accounts/{owner.id}/role", data={
        "role": "group", "csrf_token": token(client, "/admin/accounts")})
    assert "This account owns 1 places" in client.get("/admin/accounts").get_data(as_text=True)
    assert _role(app, owner.id) == "owner"


def test_accounts_come_a_page_at_a_time_with_how_many_there_are(app, monkeypatch):
    from spacematch.services import accounts
    monkeypatch.setattr(accounts, "PER_PAGE", 2)
    admin, kim = _people(app)
    with app.app_context():
        lee = create_user(email="lee@example.org", password=GOOD, role="owner",
                          display_name="Lee", system=True).id
    client = app.test_client()
    sign_in(client, "admin@example.org")
    first = client.get("/admin/accounts").get_data(as_text=True)
    assert "3 accounts · page 1 of 2" in first
    assert f'data-account="{lee}"' in first and f'data-account="{kim}"' in first
    assert f'data-account="{admin}"' not in first and 'href="/admin/accounts?page=2"' in first
    second = client.get("/admin/accounts?page=2").get_data(as_text=True)
    assert f'data-account="{admin}"' in second and f'data-account="{lee}"' not in second
    assert client.get("/admin/accounts?page=99").get_data(as_text=True).count("data-account=") == 1
    assert "1 account<" in client.get("/admin/accounts?q=lee@").get_data(as_text=True)
    answer = client.post(f"/admin/accounts/{lee}/role", data={
        "role": "group", "page": "2", "csrf_token": token(client, "/admin/accounts")})
    assert answer.headers["Location"] == "/admin/accounts?page=2"  # back where one was
