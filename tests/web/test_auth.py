"""Accounts in the browser: sign up, sign in, sign out, change password, with CSRF on every
form, rate-limited sign-in, safe redirects, hardened cookies and a secret key every worker
shares. CSRF stays on here: each form is sent with the token of the page that showed it."""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from spacematch import create_app
from spacematch.db.models import User
from spacematch.extensions import db
from spacematch.services.users import create_user

GOOD = "a long passphrase"
NEW = "a brand new passphrase"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'
                   r'|name="csrf_token" value="([^"]+)"')


def token(client, path: str = "/sign-in") -> str:
    """The CSRF token of the form on ``path``, as a browser would send it back."""
    found = TOKEN.search(client.get(path).get_data(as_text=True))
    assert found, f"no CSRF token on {path}"
    return found.group(1) or found.group(2)


def sign_up(client, **fields):
    data = {"role": "group", "display_name": "Mapo choir", "organisation": "",
            "email": "choir@example.org", "password": GOOD, "password_again": GOOD, **fields}
    return client.post("/sign-up", data={"csrf_token": token(client, "/sign-up"), **data})


def sign_in(client, email="choir@example.org", password=GOOD, **extra):
    return client.post("/sign-in", data={"csrf_token": token(client), "email": email,
                                         "password": password, **extra})


def signed_in_as(client) -> str | None:
    """The name in the header, or None when the header offers "Sign in"."""
    page = client.get("/projects").get_data(as_text=True)
    if ">Sign out</button>" in page:
        return html.unescape(re.search(r'title="Your account">([^<]*)<', page)[1])
    assert ">Sign in</a>" in page
    return None


def input_tag(page: str, field: str) -> str:
    return re.search(rf'<input[^>]*\bid="{field}"[^>]*>', page)[0]


def field_error(page: str, field: str) -> str:
    """The error shown under ``field``; the field is marked invalid and described by it."""
    found = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert found, f"no error under {field}"
    if field != "role":
        tag = input_tag(page, field)
        assert 'aria-invalid="true"' in tag and f"{field}-error" in tag, tag
    return html.unescape(found[1])


def typed_value(page: str, field: str) -> str | None:
    value = re.search(r'value="([^"]*)"', input_tag(page, field))
    return html.unescape(value[1]) if value else None


# --- the journey --------------------------------------------------------------------------------

def test_sign_up_sign_out_sign_in(backend_app):
    client = backend_app.test_client()
    assert signed_in_as(client) is None
    made = sign_up(client, role="owner", display_name="Jongno <hall>",
                   organisation="Jongno-gu office")
    assert made.status_code == 302 and made.headers["Location"] == "/"
    assert signed_in_as(client) == "Jongno <hall>"  # escaped in the page, shown as typed
    assert client.get("/account/password").status_code == 200
    with backend_app.app_context():
        user = db.session.scalar(select(User).where(User.email == "choir@example.org"))
        assert (user.role, user.organisation) == ("owner", "Jongno-gu office")

    out = client.post("/sign-out", data={"csrf_token": token(client, "/projects")})
    assert out.status_code == 302 and out.headers["Location"] == "/"
    assert signed_in_as(client) is None
    denied = client.get("/account/password")
    assert denied.status_code == 302
    assert denied.headers["Location"] == "/sign-in?next=/account/password"

    back = sign_in(client, email="Choir@Example.org", next="/account/password")
    assert back.status_code == 302 and back.headers["Location"] == "/account/password"
    assert signed_in_as(client) == "Jongno <hall>"


def test_a_wrong_password_is_refused_and_the_email_kept(backend_app):
    with backend_app.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    client = backend_app.test_client()
    answer = sign_in(client, password="a wrong passphrase")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert field_error(page, "password").startswith("e-mail or password is not right")
    assert typed_value(page, "email") == "choir@example.org"
    assert not typed_value(page, "password") and "a wrong passphrase" not in page
    assert signed_in_as(client) is None


def test_an_unknown_email_gets_the_same_answer(backend_app):
    client = backend_app.test_client()
    answer = sign_in(client, email="nobody@example.org")
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "password").startswith(
        "e-mail or password is not right")
    assert signed_in_as(client) is None


def test_a_taken_email_is_named_on_its_field_and_what_was_typed_is_kept(backend_app):
    first = backend_app.test_client()
    assert sign_up(first).status_code == 302
    second = backend_app.test_client()
    answer = sign_up(second, email="CHOIR@example.org", display_name="Another choir",
                     organisation="Mapo arts")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert field_error(page, "email") == "an account with this e-mail address already exists"
    assert typed_value(page, "display_name") == "Another choir"
    assert typed_value(page, "organisation") == "Mapo arts"
    assert typed_value(page, "email") == "CHOIR@example.org"
    assert not typed_value(page, "password") and GOOD not in page
    assert "checked" in input_tag(page, "role-0")  # the group choice, kept
    assert signed_in_as(second) is None


def test_a_weak_password_and_a_mismatch_are_named(app):
    client = app.test_client()
    page = sign_up(client, password="Password123", password_again="Password123").get_data(
        as_text=True)
    assert field_error(page, "password") == "is one of the most used passwords; choose another"
    page = sign_up(client, password=GOOD, password_again="a long passphrasf").get_data(
        as_text=True)
    assert field_error(page, "password_again") == "must match the password"
    assert signed_in_as(client) is None


def test_every_problem_is_shown_at_once(app):
    client = app.test_client()
    page = sign_up(client, role="", display_name=" ", email="choir at example.org",
                   password="short", password_again="shorter").get_data(as_text=True)
    assert field_error(page, "role") == "choose one: group or owner"
    assert field_error(page, "display_name") == "is required"
    assert field_error(page, "email") == "'choir at example.org' is not an e-mail address"
    assert field_error(page, "password") == "must have at least 10 characters"
    assert field_error(page, "password_again") == "must match the password"
    # and listed above the form, each linked to its field
    assert page.count('class="alert-link" href="#') == 5


def test_only_groups_and_owners_sign_up(app):
    client = app.test_client()
    answer = sign_up(client, role="admin")
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "role") == (
        "must be one of group, owner; officials and administrators are made by an "
        "administrator")
    with app.app_context():
        assert db.session.scalar(select(User.id)) is None


def test_change_password_needs_the_current_one_and_ends_other_sessions(backend_app):
    here, elsewhere = backend_app.test_client(), backend_app.test_client()
    assert sign_up(here).status_code == 302
    assert sign_in(elsewhere).status_code == 302
    form = {"current_password": "not my password", "new_password": NEW,
            "new_password_again": NEW}
    answer = here.post("/account/password",
                       data={"csrf_token": token(here, "/account/password"), **form})
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "current_password") == \
        "is not your current password"

    form["current_password"] = GOOD
    answer = here.post("/account/password",
                       data={"csrf_token": token(here, "/account/password"), **form})
    assert answer.status_code == 302 and answer.headers["Location"] == "/account/password"
    assert "Password changed" in here.get("/account/password").get_data(as_text=True)
    assert signed_in_as(here) == "Mapo choir"
    assert signed_in_as(elsewhere) is None  # signed in with the old password: ended

    fresh = backend_app.test_client()
    assert sign_in(fresh).status_code == 400
    assert sign_in(fresh, password=NEW).status_code == 302


def test_a_werkzeug_hash_is_upgraded_at_sign_in(backend_app):
    with backend_app.app_context():
        db.session.add(User(email="old@example.org", password_hash=generate_password_hash(GOOD),
                            role="owner", display_name="Old account"))
        db.session.commit()
    client = backend_app.test_client()
    assert sign_in(client, email="old@example.org").status_code == 302
    assert signed_in_as(client) == "Old account"
    with backend_app.app_context():
        stored = db.session.scalar(select(User.password_hash)
                                   .where(User.email == "old@example.org"))
    assert stored.startswith("$argon2id$")
    # the upgrade ends sessions made with the old hash, but not this one
    assert signed_in_as(client) == "Old account"


def test_a_signed_in_person_is_sent_on_from_the_sign_in_and_sign_up_pages(app):
    client = app.test_client()
    assert sign_up(client).status_code == 302
    for path in ("/sign-in", "/sign-up"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/"
    answer = client.get("/sign-in?next=/projects")
    assert answer.headers["Location"] == "/projects"


# --- CSRF ---------------------------------------------------------------------------------------

def test_a_form_without_its_csrf_token_is_refused(app):
    with app.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    client = app.test_client()
    client.get("/sign-in")
    answer = client.post("/sign-in", data={"email": "choir@example.org", "password": GOOD})
    assert answer.status_code == 400
    assert "This form has expired or did not come from this site" in answer.get_data(
        as_text=True)
    assert signed_in_as(client) is None
    forged = client.post("/sign-in", data={"email": "choir@example.org", "password": GOOD,
                                           "csrf_token": "forged"})
    assert forged.status_code == 400 and signed_in_as(client) is None

    assert sign_in(client).status_code == 302
    assert client.post("/sign-out").status_code == 400
    assert signed_in_as(client) == "Choir"  # a page elsewhere cannot sign anyone out
    assert client.post("/sign-up", data={"email": "x@example.org"}).status_code == 400
    assert client.post("/account/password", data={
        "current_password": GOOD, "new_password": NEW, "new_password_again": NEW,
    }).status_code == 400
    assert sign_in(app.test_client()).status_code == 302  # the password did not change


def test_the_json_api_still_answers_gets(client):
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/cities").get_json()["cities"]


# --- what a form may be sent as ---------------------------------------------------------------

FORM_PAGES = ["/sign-in", "/sign-up", "/account/password"]
NOT_FORMS = [[1, 2], "x", {"email": 5, "password": GOOD}, {"email": "choir@example.org",
             "password": GOOD, "password_again": GOOD, "role": "group", "display_name": "C",
             "current_password": GOOD, "new_password": NEW, "new_password_again": NEW}]


def _signed_in_client(app):
    with app.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


@pytest.mark.parametrize("body", NOT_FORMS, ids=["list", "string", "number", "object"])
def test_a_json_body_is_refused_with_415(app, body):
    app.logger.disabled = True  # a 500 would be logged: its absence is asserted below
    signed_in = _signed_in_client(app)
    for path in FORM_PAGES:
        client = signed_in if path == "/account/password" else app.test_client()
        csrf = token(client, path)
        page = client.post(path, json=body, headers={"X-CSRFToken": csrf})
        assert page.status_code == 415, (path, page.status_code)
        assert "web form" in page.get_data(as_text=True)
        answer = client.post(path, json=body, headers={"X-CSRFToken": csrf,
                                                       "Accept": "application/json"})
        assert answer.status_code == 415
        assert answer.get_json()["error"]["code"] == "unsupported_media_type"
    assert signed_in_as(app.test_client()) is None
    with app.app_context():  # nobody was signed up, no password changed
        assert db.session.scalars(select(User.email)).all() == ["choir@example.org"]
    assert sign_in(app.test_client()).status_code == 302


def test_a_file_where_text_belongs_is_no_input(app):
    signed_in = _signed_in_client(app)
    client = app.test_client()
    answer = client.post("/sign-in", content_type="multipart/form-data", data={
        "csrf_token": token(client), "email": (io.BytesIO(b"choir@example.org"), "e.txt"),
        "password": GOOD})
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "email") == "is required"
    answer = client.post("/sign-in", content_type="multipart/form-data", data={
        "csrf_token": token(client), "email": "choir@example.org",
        "password": (io.BytesIO(GOOD.encode()), "p.txt")})
    assert answer.status_code == 400 and signed_in_as(client) is None
    # a form sent as multipart is still a form
    answer = client.post("/sign-in", content_type="multipart/form-data", data={
        "csrf_token": token(client), "email": "choir@example.org", "password": GOOD})
    assert answer.status_code == 302

    client = app.test_client()
    answer = client.post("/sign-up", content_type="multipart/form-data", data={
        "csrf_token": token(client, "/sign-up"), "role": "group", "display_name": "Choir 2",
        "email": (io.BytesIO(b"two@example.org"), "e.txt"), "password": GOOD,
        "password_again": (io.BytesIO(GOOD.encode()), "p.txt")})
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "email") == "'' is not an e-mail address"

    answer = signed_in.post("/account/password", content_type="multipart/form-data", data={
        "csrf_token": token(signed_in, "/account/password"),
        "current_password": (io.BytesIO(GOOD.encode()), "p.txt"), "new_password": NEW,
        "new_password_again": NEW})
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "current_password") == \
        "is not your current password"


# --- text no database stores --------------------------------------------------------------------

def test_control_characters_are_a_field_problem_and_nothing_is_stored(backend_app):
    client = backend_app.test_client()
    page = sign_up(client, display_name="nul\x00name", organisation="tab\there",
                   email="a\x00b@example.org", password="bell\x07passphrase",
                   password_again="bell\x07passphrase").get_data(as_text=True)
    for field in ("display_name", "organisation", "email", "password"):
        assert field_error(page, field) == "must not contain control characters"
    answer = sign_up(client, display_name="line\nbreak")
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "display_name") == \
        "must not contain control characters"
    with backend_app.app_context():
        assert db.session.scalar(select(User.id)) is None

    assert sign_up(client).status_code == 302
    answer = client.post("/account/password", data={
        "csrf_token": token(client, "/account/password"), "current_password": GOOD,
        "new_password": "del\x7fpassphrase", "new_password_again": "del\x7fpassphrase"})
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "new_password") == \
        "must not contain control characters"

    stranger = backend_app.test_client()
    answer = sign_in(stranger, email="choir\x00@example.org")
    assert answer.status_code == 400
    assert field_error(answer.get_data(as_text=True), "password").startswith(
        "e-mail or password is not right")


# --- redirects ----------------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "javascript:alert(1)", "evil.example", "http:/evil.example",
])
def test_sign_in_never_redirects_off_site(app, target):
    with app.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    client = app.test_client()
    page = client.get("/sign-in", query_string={"next": target}).get_data(as_text=True)
    assert typed_value(page, "next") in (None, "")
    answer = sign_in(client, next=target)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


def test_sign_in_goes_back_to_the_page_it_came_from(app):
    with app.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    client = app.test_client()
    page = client.get("/projects?city=seoul").get_data(as_text=True)
    assert 'href="/sign-in?next=/projects?city%3Dseoul"' in page
    answer = sign_in(client, next="/projects?city=seoul")
    assert answer.headers["Location"] == "/projects?city=seoul"


# --- rate limits --------------------------------------------------------------------------------

def _attempt(client, email, address):
    client.environ_base["REMOTE_ADDR"] = address
    return sign_in(client, email=email, password="a wrong passphrase")


def test_wrong_passwords_from_one_address_cannot_keep_the_owner_out(backend_app):
    """Five wrong passwords for one account from one address close that address to that
    account for the minute; the right password from anywhere else still signs in."""
    with backend_app.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    client = backend_app.test_client()
    spellings = ["choir@example.org", "CHOIR@example.org", " choir@example.org",
                 "Choir@Example.org", "choir@EXAMPLE.ORG"]
    for email in spellings:
        assert _attempt(client, email, "10.0.0.1").status_code == 400
    refused = _attempt(client, "choir@example.org", "10.0.0.1")
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert sign_in(client).status_code == 429  # this address, even with the right password
    assert _attempt(client, "someone.else@example.org", "10.0.0.1").status_code == 400

    owner = backend_app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert sign_in(owner).status_code == 302
    assert signed_in_as(owner) == "Choir"


def test_only_failed_sign_ins_count_towards_the_account_limits(app):
    with app.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    client = app.test_client()
    for _ in range(4):
        assert _attempt(client, "choir@example.org", "10.0.1.1").status_code == 400
    for _ in range(3):  # signing in (in three browsers) is no failure
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = "10.0.1.1"
        assert sign_in(browser).status_code == 302
    assert _attempt(client, "choir@example.org", "10.0.1.1").status_code == 400  # the 5th
    assert _attempt(client, "choir@example.org", "10.0.1.1").status_code == 429


def test_failed_sign_ins_are_limited_per_account_from_any_address(app):
    with app.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    client = app.test_client()
    for i in range(20):  # four from each of five addresses: under the per-address limits
        assert _attempt(client, "choir@example.org", f"10.0.2.{i // 4}").status_code == 400
    assert _attempt(client, "choir@example.org", "10.0.2.99").status_code == 429
    client.environ_base["REMOTE_ADDR"] = "10.0.2.100"
    assert sign_in(client).status_code == 429  # a guesser with many addresses is slowed
    assert _attempt(client, "someone.else@example.org", "10.0.2.100").status_code == 400


def test_sign_in_is_limited_per_address_whatever_the_account(app):
    client = app.test_client()
    for i in range(10):
        assert _attempt(client, f"person{i}@example.org", "10.1.1.1").status_code == 400
    assert _attempt(client, "person10@example.org", "10.1.1.1").status_code == 429
    assert _attempt(client, "person10@example.org", "10.1.1.2").status_code == 400
    # the page for people, and the one envelope for programs
    client.environ_base["REMOTE_ADDR"] = "10.1.1.1"
    answer = client.post("/sign-in", headers={"Accept": "application/json"},
                         data={"csrf_token": token(client), "email": "x@example.org",
                               "password": GOOD})
    assert answer.status_code == 429
    error = answer.get_json()["error"]
    assert error["code"] == "too_many_requests" and "10 per 1 minute" in error["message"]


def test_only_posts_count_towards_the_limit(app):
    client = app.test_client()
    for _ in range(12):
        assert client.get("/sign-in").status_code == 200


WORKER = r"""
import re, sys
from spacematch import create_app
url, redis_url, email, address = sys.argv[1:5]
app = create_app({"SPACEMATCH_DATABASE_URL": url, "SECRET_KEY": "test",
                  "SPACEMATCH_REDIS_URL": redis_url})
client = app.test_client()
client.environ_base["REMOTE_ADDR"] = address
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                  client.get("/sign-in").get_data(as_text=True))[1]
print(client.post("/sign-in", data={"csrf_token": token, "email": email,
                                    "password": "a wrong passphrase"}).status_code)
"""


def test_with_redis_the_counts_are_shared_by_every_worker(app):
    redis_url = os.environ.get("SPACEMATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    import redis

    server = redis.Redis.from_url(redis_url)
    try:
        server.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {redis_url}")
    url = app.config["SPACEMATCH_DATABASE_URL"]
    here = create_app({"SPACEMATCH_DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "test",
                       "SPACEMATCH_REDIS_URL": redis_url})
    run = uuid.uuid4().hex  # counters outlive a test run by a minute: use new ones
    email = f"choir-{run}@example.org"
    try:
        client = here.test_client()
        address = f"10.3.{int(run[:2], 16)}.{int(run[2:4], 16)}"
        for _ in range(5):
            assert _attempt(client, email, address).status_code == 400
        # a second process, as a second worker would be, sees the same counts
        worker = subprocess.run([sys.executable, "-c", WORKER, url, redis_url, email,
                                 address], capture_output=True, text=True, timeout=120)
        assert worker.returncode == 0, worker.stderr[-2000:]
        assert worker.stdout.split()[-1] == "429"
    finally:
        account = hashlib.sha256(email.encode()).hexdigest()
        for key in server.scan_iter(f"*{account}*"):
            server.delete(key)


# --- cookies ------------------------------------------------------------------------------------

def _session_cookie(answer) -> str:
    cookies = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie set"
    return cookies[-1]


def test_the_session_cookie_is_http_only_same_site_lax_and_secure_over_https(app):
    with app.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    plain = app.test_client()
    signed = sign_in(plain)
    cookie = _session_cookie(signed)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie

    https = app.test_client()
    page = https.get("/sign-in", base_url="https://localhost")
    assert "Secure" in _session_cookie(page)
    found = TOKEN.search(page.get_data(as_text=True))
    signed = https.post("/sign-in", base_url="https://localhost",
                        headers={"Referer": "https://localhost/sign-in"},
                        data={"csrf_token": found.group(1), "email": "choir@example.org",
                              "password": GOOD})
    assert signed.status_code == 302
    cookie = _session_cookie(signed)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookies_always_and_behind_a_proxy(app):
    url = app.config["SPACEMATCH_DATABASE_URL"]
    always = create_app({"SPACEMATCH_DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "t",
                         "SPACEMATCH_SECURE_COOKIES": "always"})
    assert "Secure" in _session_cookie(always.test_client().get("/sign-in"))
    assert always.config["PREFERRED_URL_SCHEME"] == "https"

    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    trusted = create_app({"SPACEMATCH_DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "t",
                          "SPACEMATCH_PROXY_COUNT": "1"})
    assert "Secure" in _session_cookie(trusted.test_client().get("/sign-in", headers=headers))
    # without a proxy to trust, the header is anybody's and means nothing
    assert "Secure" not in _session_cookie(app.test_client().get("/sign-in", headers=headers))

    with pytest.raises(ValueError, match="SPACEMATCH_SECURE_COOKIES"):
        create_app({"SPACEMATCH_DATABASE_URL": url, "SECRET_KEY": "t",
                    "SPACEMATCH_SECURE_COOKIES": "sometimes"})


# --- the secret key -----------------------------------------------------------------------------

def _keyless_app(instance: Path, url: str):
    return create_app({"SPACEMATCH_DATABASE_URL": url, "TESTING": True},
                      instance_path=str(instance))


def test_the_secret_key_is_made_once_in_the_instance_folder(app, tmp_path, monkeypatch):
    monkeypatch.delenv("SPACEMATCH_SECRET_KEY", raising=False)
    url = app.config["SPACEMATCH_DATABASE_URL"]
    instance = tmp_path / "instance"
    first = _keyless_app(instance, url)
    key_file = instance / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.secret_key == key_file.read_text().strip() and len(first.secret_key) >= 32
    assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no temporary file left
    second = _keyless_app(instance, url)
    assert second.secret_key == first.secret_key

    # so a session made by one worker is good in the other
    with first.app_context():
        create_user(email="choir@example.org", password=GOOD, role="group",
                    display_name="Choir", system=True)
    one, two = first.test_client(), second.test_client()
    assert sign_in(one).status_code == 302
    two.set_cookie("session", one.get_cookie("session").value)
    assert signed_in_as(two) == "Choir"

    from_env = "from the environment, long enough"
    monkeypatch.setenv("SPACEMATCH_SECRET_KEY", from_env)
    assert _keyless_app(instance, url).secret_key == from_env


STARTERS = r"""
import sys
from spacematch.config import instance_secret_key
print(instance_secret_key(sys.argv[1]))
"""


def test_workers_starting_together_share_one_key(tmp_path):
    instance = tmp_path / "instance"
    workers = [subprocess.Popen([sys.executable, "-c", STARTERS, str(instance)],
                                stdout=subprocess.PIPE, text=True) for _ in range(8)]
    keys = {w.communicate(timeout=60)[0].strip() for w in workers}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert sorted(p.name for p in instance.iterdir()) == ["secret_key"]


def test_an_empty_key_file_is_an_error_naming_it(tmp_path):
    from spacematch.config import instance_secret_key

    (tmp_path / "secret_key").write_text("\n")
    with pytest.raises(RuntimeError, match="secret_key holds no usable secret key"):
        instance_secret_key(tmp_path)
