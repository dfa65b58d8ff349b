"""The authorisation matrix: every route of the app, with every method but HEAD and OPTIONS,
asked by each kind of person, answers as the table below says.

A route missing from the table fails the test, so a new route cannot be added without
deciding who may use it; an entry for a route that no longer exists fails it too.

The people: nobody signed in; a community group; the owner of the record the route acts on;
another account of that owner's role; an official; an admin. A route that acts on a record
names it in ``TARGETS`` (a function that finds or makes the record and says which column
holds its owner); the harness makes the "owner of this record" account own it. For a route
with no record, both owners are just accounts of the owner role.

Signed-in people who open the sign-in or sign-up page, or send its form, are sent on (to
``next`` or the home page) and nothing is done: those forms are for people not signed in.
Forms are sent with a valid CSRF token (CSRF itself is tested in test_auth.py), and with
input the form refuses, so that no request changes what the next one sees.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from spacematch.db.models import Area, City, Match, Project, Room, Space, User
from spacematch.extensions import db
from spacematch.services.users import create_user

PERSONAS = ("anonymous", "group", "record owner", "another owner", "official", "admin")
PASSWORD = "a long passphrase"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


# --- what an answer may be ------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    name: str
    check: Callable  # (response, client) -> a problem, or None

    def __repr__(self) -> str:
        return self.name


def _status(code: int):
    return lambda r, _c: None if r.status_code == code else f"answered {r.status_code}"


def _redirect(to: str, prefix: bool = False):
    def check(r, _c):
        where = r.headers.get("Location", "")
        if r.status_code != 302 or not (where.startswith(to) if prefix else where == to):
            return f"answered {r.status_code} {where}".strip()
        return None
    return check


def _signed_out(r, c):
    problem = _redirect("/")(r, c)
    if problem is None and c.get("/account/password").status_code != 302:
        problem = "still signed in afterwards"
    return problem


def _form_refused(r, _c):
    if r.status_code != 400 or 'aria-invalid="true"' not in r.get_data(as_text=True):
        return f"answered {r.status_code} without its form's field errors"
    return None


PAGE = Outcome("page", _status(200))                       # allowed: the page or the JSON
SIGN_IN = Outcome("sign in", _redirect("/sign-in", True))  # denied: needs a session
SENT_ON = Outcome("sent on", _redirect("/"))               # not for signed-in people
FORM = Outcome("form", _form_refused)                      # allowed: the input was judged
SIGNED_OUT = Outcome("signed out", _signed_out)
FORBIDDEN = Outcome("forbidden", _status(403))             # denied: wrong role or not theirs

ROOMS = Outcome("back to the rooms", _redirect("/spaces/", True))  # done or refused there
PLAN = Outcome("back to the plan", _redirect("/plan", True))  # nothing ticked: refused there
BACK = Outcome("back to the page", _redirect("/"))  # the language switch: no next page given
ACCOUNTS = Outcome("back to the accounts", _redirect("/admin/accounts"))

EVERYONE = (PAGE,) * 6


def owners_own(allowed: Outcome) -> tuple:
    """Only the record's owner, and admins; anyone else signed in is forbidden."""
    return (SIGN_IN, FORBIDDEN, allowed, FORBIDDEN, FORBIDDEN, allowed)


def anonymous_only(allowed: Outcome) -> tuple:
    return (allowed, *[SENT_ON] * 5)


def signed_in_only(allowed: Outcome) -> tuple:
    return (SIGN_IN, *[allowed] * 5)


# --- what each route acts on ------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Values for a route's URL variables, and the record whose owner is "the record owner"
    (model, id, owner column), owned by an account of ``owner_role``."""

    params: dict = field(default_factory=dict)
    owner_role: str = "owner"
    record: tuple | None = None
    query: str = ""  # for routes that need one to answer at all


def _listed_space(w) -> int:
    return db.session.scalar(select(Space.id).join(City).where(
        City.slug == "seoul", Space.status == "listed").order_by(Space.id))


def _open_project(w) -> int:
    return db.session.scalar(select(Project.id).join(City).where(
        City.slug == "seoul", Project.status == "open").order_by(Project.id))


def a_space(w) -> Target:
    space = _listed_space(w)
    return Target({"space_id": space}, "owner", (Space, space, "owner_id"))


def a_room(w) -> Target:
    space = _listed_space(w)
    room = db.session.scalar(select(Room.id).where(Room.space_id == space).order_by(Room.id))
    return Target({"room_id": room}, "owner", (Space, space, "owner_id"))


def a_project(w) -> Target:
    project = _open_project(w)
    return Target({"project_id": project}, "group", (Project, project, "group_id"))


def a_project_and_a_space(w) -> Target:
    project = _open_project(w)
    return Target({"project_id": project, "space_id": _listed_space(w)}, "group",
                  (Project, project, "group_id"))


def _bystander(w) -> int:
    """An account no persona uses, whose role the admin "changes" to the one it has."""
    found = db.session.scalar(select(User.id).where(User.email == "bystander@example.org"))
    return found or create_user(email="bystander@example.org", password=PASSWORD,
                                role="group", display_name="Bystander", system=True).id


def a_pairing(w) -> Target:
    """A group's request for the first listed space; "the record owner" owns the space."""
    project, space = _open_project(w), _listed_space(w)
    match = db.session.scalar(select(Match.id).where(Match.project_id == project,
                                                     Match.space_id == space))
    if match is None:
        room = db.session.scalar(select(Room.id).where(Room.space_id == space))
        made = Match(space_id=space, project_id=project, score=0.5, breakdown={},
                     status="requested", origin="request", group_agreed=True,
                     room_id=room, weekly_hours={"sat": ["10:00-12:00"]})
        db.session.add(made)
        db.session.commit()
        match = made.id
    return Target({"match_id": match}, "owner", (Space, space, "owner_id"))


PAIRING_ACTIONS = ("accept", "decline", "withdraw", "approve", "reject", "start", "complete",
                   "cancel")

TARGETS: dict[str, Callable] = {
    "/static/<path:filename>": lambda w: Target({"filename": "app.css"}),
    "/projects/new": lambda w: Target(owner_role="group"),
    "/my/projects": lambda w: Target(owner_role="group"),
    "/spaces/<int:space_id>": a_space,
    "/projects/<int:project_id>": a_project,
    "/api/cities/<slug>/spaces": lambda w: Target({"slug": "seoul"}),
    "/api/cities/<slug>/points": lambda w: Target({"slug": "seoul"},
                                                  query="?bbox=126.7,37.4,127.3,37.7&zoom=11"),
    "/api/cities/<slug>/plan": lambda w: Target({"slug": "seoul"}),
    "/api/projects/<int:project_id>/suggestions": a_project,
    "/api/projects/<int:project_id>/spaces/<int:space_id>": a_project_and_a_space,
    "/api/spaces/<int:space_id>/could-host": a_space,
    "/spaces/<int:space_id>/rooms": a_space,
    "/areas/<int:area_id>": lambda w: Target({"area_id": db.session.scalar(
        select(Area.id).where(Area.name == "종로구"))}),
    "/language/<code>": lambda w: Target({"code": "ko"}),
    "/admin/accounts/<int:user_id>/role": lambda w: Target({"user_id": _bystander(w)}),
    "/spaces/<int:space_id>/rooms/new": a_space,
    "/rooms/<int:room_id>/edit": a_room,
    "/rooms/<int:room_id>/pause": a_room,
    "/rooms/<int:room_id>/resume": a_room,
    "/projects/<int:project_id>/spaces/<int:space_id>/request": a_project_and_a_space,
    "/pairings/<int:match_id>": a_pairing,
    "/projects/<int:project_id>/edit": a_project,
    "/spaces/<int:space_id>/edit": a_space,
    **{f"/pairings/<int:match_id>/{a}": a_pairing for a in PAIRING_ACTIONS},
}

# What a POST sends (the CSRF token is added): input each form refuses. "{who}" is the
# person's name, so that sign-in attempts do not add up on one account's rate limit.
FORMS: dict[tuple[str, str], dict] = {
    ("/sign-in", "POST"): {"email": "nobody-{who}@example.org",
                           "password": "a wrong passphrase"},
    ("/sign-up", "POST"): {"email": "not an address", "password": "short"},
    ("/sign-out", "POST"): {},
    ("/account/password", "POST"): {"current_password": "not the password",
                                    "new_password": "a brand new passphrase",
                                    "new_password_again": "a brand new passphrase"},
    ("/spaces/<int:space_id>/rooms/new", "POST"): {"name": "", "capacity": "many"},
    ("/rooms/<int:room_id>/edit", "POST"): {"name": "", "capacity": "many"},
    # the place's only listed room cannot be paused (refused); resuming a listed room
    # changes nothing
    ("/rooms/<int:room_id>/pause", "POST"): {},
    ("/rooms/<int:room_id>/resume", "POST"): {},
    # no room chosen among several, and a message no database stores
    ("/projects/<int:project_id>/spaces/<int:space_id>/request", "POST"): {
        "room": "", "message": "a\x00b"},
    ("/plan/proposals", "POST"): {"city": "seoul"},  # nothing ticked
    ("/admin/accounts/<int:user_id>/role", "POST"): {"role": "group"},
    ("/projects/new", "POST"): {"city": "seoul", "title": "", "participants": "many"},
    ("/projects/<int:project_id>/edit", "POST"): {"title": "", "participants": "many"},
    ("/spaces/new", "POST"): {"city": "seoul", "title": "", "capacity": "many"},
    ("/spaces/<int:space_id>/edit", "POST"): {"title": "", "capacity": "many"},
    # a message no database stores: refused by field once the person may take the step
    **{(f"/pairings/<int:match_id>/{a}", "POST"): {"message": "a\x00b"}
       for a in PAIRING_ACTIONS},
}

# --- the table -----------------------------------------------------------------------------------
#                                                  anonymous, group, record owner, another owner,
#                                                  official, admin
EXPECTED: dict[tuple[str, str], tuple[Outcome, ...]] = {
    ("/static/<path:filename>", "GET"): EVERYONE,
    ("/", "GET"): EVERYONE,
    ("/spaces/<int:space_id>", "GET"): EVERYONE,
    ("/projects", "GET"): EVERYONE,
    ("/projects/<int:project_id>", "GET"): EVERYONE,
    ("/plan", "GET"): EVERYONE,
    ("/overview", "GET"): EVERYONE,
    ("/areas/<int:area_id>", "GET"): EVERYONE,
    ("/language/<code>", "GET"): (BACK,) * 6,
    ("/admin/accounts", "GET"): (SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, PAGE),
    ("/admin/accounts/<int:user_id>/role", "POST"): (SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
                                                      FORBIDDEN, ACCOUNTS),
    ("/sign-in", "GET"): anonymous_only(PAGE),
    ("/sign-in", "POST"): anonymous_only(FORM),
    ("/sign-up", "GET"): anonymous_only(PAGE),
    ("/sign-up", "POST"): anonymous_only(FORM),
    ("/sign-out", "POST"): signed_in_only(SIGNED_OUT),
    ("/account/password", "GET"): signed_in_only(PAGE),
    ("/account/password", "POST"): signed_in_only(FORM),
    ("/api/health", "GET"): EVERYONE,
    ("/api/cities", "GET"): EVERYONE,
    ("/api/cities/<slug>/spaces", "GET"): EVERYONE,
    ("/api/cities/<slug>/points", "GET"): EVERYONE,
    ("/api/cities/<slug>/plan", "GET"): EVERYONE,
    ("/api/projects/<int:project_id>/suggestions", "GET"): EVERYONE,
    ("/api/projects/<int:project_id>/spaces/<int:space_id>", "GET"): EVERYONE,
    ("/api/spaces/<int:space_id>/could-host", "GET"): EVERYONE,
    ("/my/places", "GET"): (SIGN_IN, FORBIDDEN, PAGE, PAGE, FORBIDDEN, PAGE),
    ("/spaces/<int:space_id>/rooms", "GET"): owners_own(PAGE),
    ("/spaces/<int:space_id>/rooms/new", "GET"): owners_own(PAGE),
    ("/spaces/<int:space_id>/rooms/new", "POST"): owners_own(FORM),
    ("/rooms/<int:room_id>/edit", "GET"): owners_own(PAGE),
    ("/rooms/<int:room_id>/edit", "POST"): owners_own(FORM),
    ("/rooms/<int:room_id>/pause", "POST"): owners_own(ROOMS),
    ("/rooms/<int:room_id>/resume", "POST"): owners_own(ROOMS),
    # the record owner of a request form is the project's group
    ("/projects/<int:project_id>/spaces/<int:space_id>/request", "GET"): owners_own(PAGE),
    ("/projects/<int:project_id>/spaces/<int:space_id>/request", "POST"): owners_own(FORM),
    ("/pairings", "GET"): signed_in_only(PAGE),
    ("/my/projects", "GET"): (SIGN_IN, PAGE, PAGE, PAGE, FORBIDDEN, PAGE),
    # no record: "record owner" and "another owner" are both groups here
    ("/projects/new", "GET"): (SIGN_IN, PAGE, PAGE, PAGE, FORBIDDEN, PAGE),
    ("/projects/new", "POST"): (SIGN_IN, FORM, FORM, FORM, FORBIDDEN, FORM),
    ("/projects/<int:project_id>/edit", "GET"): owners_own(PAGE),
    ("/projects/<int:project_id>/edit", "POST"): owners_own(FORM),
    # no record: both owners are just accounts of the owner role
    ("/spaces/new", "GET"): (SIGN_IN, FORBIDDEN, PAGE, PAGE, FORBIDDEN, PAGE),
    ("/spaces/new", "POST"): (SIGN_IN, FORBIDDEN, FORM, FORM, FORBIDDEN, FORM),
    ("/spaces/<int:space_id>/edit", "GET"): owners_own(PAGE),
    ("/spaces/<int:space_id>/edit", "POST"): owners_own(FORM),
    ("/plan/proposals", "POST"): (SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, PLAN, PLAN),
    ("/review", "GET"): (SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, PAGE, PAGE),
    ("/decisions", "GET"): (SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN, PAGE, PAGE),
    # a pairing's record owner is the place's owner; the project's group is tested in
    # test_pairing_pages.py and tests/services/test_pairings.py
    ("/pairings/<int:match_id>", "GET"): (SIGN_IN, FORBIDDEN, PAGE, FORBIDDEN, PAGE, PAGE),
    **{(f"/pairings/<int:match_id>/{a}", "POST"): owners_own(FORM)
       for a in ("accept", "decline", "withdraw")},
    **{(f"/pairings/<int:match_id>/{a}", "POST"): (SIGN_IN, FORBIDDEN, FORBIDDEN, FORBIDDEN,
                                                   FORM, FORM)
       for a in ("approve", "reject")},
    **{(f"/pairings/<int:match_id>/{a}", "POST"): (SIGN_IN, FORBIDDEN, FORM, FORBIDDEN, FORM,
                                                   FORM)
       for a in ("start", "complete", "cancel")},
}


# --- the harness ---------------------------------------------------------------------------------

class World:
    """The demo app, with one signed-in browser session per person, made on first use."""

    def __init__(self, app):
        self.app = app
        self.sessions: dict[str, tuple[str, str | None, str]] = {}
        self.accounts: dict[str, object] = {}

    def account(self, persona: str, owner_role: str):
        key = persona if persona not in ("record owner", "another owner") else \
            f"{persona} ({owner_role})"
        if key not in self.accounts:
            role = {"group": "group", "official": "official", "admin": "admin"}.get(
                persona, owner_role)
            slug = re.sub(r"\W+", "-", key).strip("-")
            with self.app.app_context():
                self.accounts[key] = create_user(email=f"{slug}@example.org",
                                                 password=PASSWORD, role=role,
                                                 display_name=key, system=True)
        return key, self.accounts[key]

    def client(self, persona: str, owner_role: str):
        """A fresh client carrying ``persona``'s session, and its CSRF token."""
        key = "anonymous"
        if persona != "anonymous":
            key, user = self.account(persona, owner_role)
        if key not in self.sessions:
            self.sessions[key] = self._start(key, None if key == "anonymous" else user)
        address, cookie, token = self.sessions[key]
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        if cookie:
            client.set_cookie("session", cookie)
        return client, token

    def _start(self, key: str, user):
        # each person at an address of their own, as the sign-in limits are per address
        address = f"10.8.0.{len(self.sessions) + 1}"
        client = self.app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        form = client.get("/sign-in").get_data(as_text=True)
        token = TOKEN.search(form)[1]
        if user is not None:
            answer = client.post("/sign-in", data={"csrf_token": token, "email": user.email,
                                                   "password": PASSWORD})
            assert answer.status_code == 302, f"{key} could not sign in"
            token = TOKEN.search(client.get("/account/password").get_data(as_text=True))[1]
        cookie = client.get_cookie("session")
        return address, cookie.value if cookie else None, token

    def target(self, rule: str) -> Target:
        """What ``rule`` acts on, owned by the record owner."""
        with self.app.app_context():
            target = TARGETS.get(rule, lambda w: Target())(self)
        if target.record is not None:
            model, record_id, column = target.record
            _, owner = self.account("record owner", target.owner_role)
            with self.app.app_context():
                setattr(db.session.get(model, record_id), column, owner.id)
                db.session.commit()
        return target


def _routes(app) -> set[tuple[str, str]]:
    return {(rule.rule, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def _form(rule: str, method: str, persona: str) -> dict:
    who = re.sub(r"\W+", "-", persona)
    return {k: v.replace("{who}", who) for k, v in FORMS[rule, method].items()}


def _url(rule: str, params: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: str(params[m[1]]), rule)


def test_every_route_has_an_entry(demo_sqlite_app):
    routes = _routes(demo_sqlite_app)
    missing = sorted(routes - EXPECTED.keys())
    assert missing == [], f"routes with no entry in the authorisation matrix: {missing}"
    assert sorted(EXPECTED.keys() - routes) == [], "entries for routes that do not exist"
    variables = {rule for rule, _ in routes if "<" in rule}
    assert sorted(variables - TARGETS.keys()) == [], "routes with URL variables need a target"
    posts = {route for route in routes if route[1] != "GET"}
    assert sorted(posts - FORMS.keys()) == [], "routes that take forms need their input"


def test_every_person_gets_what_the_matrix_says(demo_app):
    world = World(demo_app)
    wrong = []
    # requests outside any app context, as a server makes them: each gets its own
    for (rule, method), outcomes in sorted(EXPECTED.items()):
        if (rule, method) not in _routes(demo_app):
            continue  # reported by test_every_route_has_an_entry
        for persona, expected in zip(PERSONAS, outcomes, strict=True):
            target = world.target(rule)
            client, token = world.client(persona, target.owner_role)
            url = _url(rule, target.params) + target.query
            if method == "GET":
                answer = client.get(url)
            else:
                answer = client.open(url, method=method,
                                     data={"csrf_token": token, **_form(rule, method, persona)})
            problem = expected.check(answer, client)
            if problem:
                wrong.append(f"{method} {url} as {persona}: expected {expected!r}, {problem}")
    assert wrong == [], "the authorisation matrix does not hold:\n" + "\n".join(wrong)
