"""Accounts: sign-up, sign-in, password changes, accounts made by an admin, and the role checks
every write path uses.

Groups and owners sign themselves up; officials and admins are made by an admin
(``create_user(..., actor=admin)``) or on the server (``spacematch create-user``). Every
function hands out a ``UserView``, never the ORM row.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..db.models import User
from ..domain.errors import (
    N_,
    Conflict,
    FieldProblem,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from ..domain.vocabulary import ROLES, Text
from ..extensions import db
from . import passwords
from .audit import record

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = passwords.MIN_LENGTH
SELF_SERVICE_ROLES = ("group", "owner")
# the column sizes of user_account: longer text would be a database error, not a field problem
_LENGTHS = {"email": 254, "display_name": 120, "organisation": 200, "contact": 200}
_TAKEN = N_("an account with this e-mail address already exists")
_CONTROL = N_("must not contain control characters")
# roles and records in Korean, for the sentences that name them
ROLE_NAMES = {"group": "지역 활동 단체", "owner": "소유자", "official": "담당 공무원",
              "admin": "관리자"}
RECORD_NAMES = {"project": "프로젝트", "place": "공간", "space": "공간", "room": "방",
                "pairing": "매칭"}


def _role(role: str) -> Text:
    return Text(role, ROLE_NAMES.get(role, role))


def _roles(roles, sep: str, ko_sep: str) -> Text:
    return Text.joined(sep, (_role(r) for r in roles), ko_sep)


class Actor(Protocol):
    """Who is acting: a ``UserView``, or anything else with these attributes."""

    id: int
    email: str
    role: str
    is_active: bool


@dataclass(frozen=True)
class UserView:
    id: int
    email: str
    role: str
    display_name: str
    organisation: str | None
    contact: str | None
    is_active: bool
    # Changes whenever the password does. The web layer keeps it in the session, so a
    # password change ends every session that was signed in with the old password.
    session_token: str


def _view(user: User) -> UserView:
    return UserView(id=user.id, email=user.email, role=user.role,
                    display_name=user.display_name, organisation=user.organisation,
                    contact=user.contact, is_active=user.is_active,
                    session_token=hashlib.sha256(user.password_hash.encode()).hexdigest()[:20])


def account_view(user: User) -> UserView:
    """The plain view of a stored account."""
    return _view(user)


def require_role(actor: Actor | None, *roles: str) -> Actor:
    """Return ``actor`` if signed in with one of ``roles`` (admins may do anything)."""
    if actor is None or not actor.is_active:
        raise PermissionDenied(N_("Please sign in first."))
    if actor.role != "admin" and actor.role not in roles:
        raise PermissionDenied(N_("This needs the role %(roles)s; you are %(role)s."),
                               roles=_roles(roles, " or ", " 또는 "), role=_role(actor.role))
    return actor


def require_record_owner(actor: Actor | None, role: str, model, record_id: int,
                         owner_attr: str, what: str):
    """The record ``record_id`` of ``model``, if ``actor`` (of ``role``) owns it or is an admin."""
    require_role(actor, role)
    obj = db.session.get(model, record_id)
    what_text = Text(what, RECORD_NAMES.get(what, what))
    if obj is None:
        raise NotFound(N_("No %(what)s %(id)s."), what=what_text, id=record_id)
    if actor.role != "admin" and getattr(obj, owner_attr) != actor.id:
        raise PermissionDenied(N_("Only the %(what)s's %(role)s may change it."),
                               what=what_text, role=_role(role))
    return obj


def create_user(*, email: str, password: str, role: str, display_name: str,
                organisation: str | None = None, contact: str | None = None,
                actor: Actor | None = None, system: bool = False) -> UserView:
    """Create an account of any role. Only admins may, except ``system`` (the CLI, run on the
    server)."""
    if not system:
        require_role(actor, "admin")
    fields = _clean(email=email, password=password, role=role, display_name=display_name,
                    organisation=organisation, contact=contact, roles=ROLES)
    user = None if _email_taken(fields["email"]) else _insert(fields, password)
    if user is None:
        raise Conflict(N_("An account for %(email)s already exists."), email=fields["email"])
    record(actor, "create", user, after={"email": user.email, "role": user.role},
           label="command line" if system else None)
    db.session.commit()
    return _view(user)


def check_sign_up(*, email: str, password: str, role: str, display_name: str,
                  organisation: str | None = None) -> dict:
    """The cleaned fields of a sign-up, or a ValidationError naming every bad one (the e-mail
    too when it is taken). Writes nothing: a form can show these problems together with its
    own."""
    return _clean(email=email, password=password, role=role, display_name=display_name,
                  organisation=organisation, contact=None, roles=SELF_SERVICE_ROLES,
                  taken_is_a_problem=True)


def sign_up(*, email: str, password: str, role: str, display_name: str,
            organisation: str | None = None) -> UserView:
    """A group or an owner makes their own account; it is active at once."""
    fields = check_sign_up(email=email, password=password, role=role,
                           display_name=display_name, organisation=organisation)
    user = _insert(fields, password)
    if user is None:
        raise ValidationError(FieldProblem("email", _TAKEN))
    view = _view(user)
    record(view, "sign_up", user, after={"email": user.email, "role": user.role})
    db.session.commit()
    return view


def authenticate(email: str, password: str) -> UserView | None:
    """The account whose e-mail and password these are, or ``None`` (whichever is wrong).

    An unknown e-mail costs one hash comparison like a known one. A werkzeug hash, or an
    argon2 hash with older parameters, is replaced by a new argon2 hash.
    """
    address = (email or "").strip().lower()
    user = (db.session.scalar(select(User).where(User.email == address))
            if _could_be_an_account(address) else None)
    if user is None or not user.is_active:
        passwords.verify(None, password)
        return None
    stored = user.password_hash
    ok, new_hash = passwords.verify(stored, password)
    if not ok:
        return None
    if new_hash:
        # Compare and set: a password changed since ``stored`` was read (another request)
        # stays changed, and this sign-in, made with the password before, fails.
        upgraded = db.session.execute(
            update(User).where(User.id == user.id, User.password_hash == stored)
            .values(password_hash=new_hash).execution_options(synchronize_session=False))
        db.session.commit()
        if upgraded.rowcount != 1:
            return None
    return _view(user)


def _could_be_an_account(address: str) -> bool:
    """Whether ``address`` could be a stored e-mail: one no account can have is not looked up
    (PostgreSQL refuses a NUL even in a query)."""
    return (bool(_EMAIL.match(address)) and len(address) <= _LENGTHS["email"]
            and not passwords.CONTROL_CHARACTERS.search(address) and _is_utf8(address))


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def change_password(actor: Actor | None, current_password: str,
                    new_password: str) -> UserView:
    """Set a new password for ``actor``, who must give the current one. Returns the account
    with its new session token."""
    user = _password_change(actor, current_password, new_password)
    user.password_hash = passwords.hash_password(new_password)
    record(actor, "change_password", user)
    db.session.commit()
    return _view(user)


def check_password_change(actor: Actor | None, current_password: str,
                          new_password: str) -> None:
    """A ValidationError naming what is wrong with this change, if anything. Writes nothing."""
    _password_change(actor, current_password, new_password)


def _password_change(actor, current_password, new_password) -> User:
    require_role(actor, *ROLES)
    user = db.session.get(User, actor.id)
    if user is None or not user.is_active:
        raise PermissionDenied(N_("Please sign in first."))
    problems = []
    ok, _ = passwords.verify(user.password_hash, current_password)
    if not ok:
        problems.append(FieldProblem("current_password", _CONTROL if _has_control(
            current_password) else N_("is not your current password")))
    weak = passwords.password_rule(new_password, email=user.email, name=user.display_name)
    if weak:
        problems.append(FieldProblem.of("new_password", weak[0], **weak[1]))
    elif ok and new_password == current_password:
        problems.append(FieldProblem("new_password",
                                     N_("must differ from the current password")))
    if problems:
        raise ValidationError(problems)
    return user


def session_user(user_id: int, session_token: str) -> UserView | None:
    """The active account ``user_id``, if ``session_token`` is still its token."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_active:
        return None
    view = _view(user)
    return view if view.session_token == session_token else None


def _clean(*, email, password, role, display_name, organisation, contact,
           roles: tuple[str, ...], taken_is_a_problem: bool = False) -> dict:
    """The fields, trimmed, or a ValidationError naming every bad one (with
    ``taken_is_a_problem``, an e-mail that has an account already is one)."""
    fields = {"email": (email or "").strip().lower(), "role": role,
              "display_name": (display_name or "").strip(),
              "organisation": (organisation or "").strip() or None,
              "contact": (contact or "").strip() or None}
    problems = []
    # What no column stores as text (PostgreSQL refuses NUL; UTF-8 has no lone surrogates),
    # and line breaks or tabs, which no one-line field holds: each a problem of its field.
    bad_text = {name: problem for name in _LENGTHS
                if (problem := _text_problem(fields[name]))}
    problems += [FieldProblem(name, problem) for name, problem in bad_text.items()]
    if "email" in bad_text:
        pass  # named already
    elif not _EMAIL.match(fields["email"]):
        problems.append(FieldProblem.of("email", N_("%(email)s is not an e-mail address"),
                                        email=repr(fields["email"])))
    elif taken_is_a_problem and _email_taken(fields["email"]):
        problems.append(FieldProblem("email", _TAKEN))
    if not role:
        problems.append(FieldProblem.of("role", N_("choose one: %(roles)s"),
                                        roles=_roles(roles, " or ", " 또는 ")))
    elif role not in roles:
        problems.append(FieldProblem.of(
            "role", N_("must be one of %(roles)s") if roles == ROLES else
            N_("must be one of %(roles)s; officials and administrators are made by an "
               "administrator"), roles=_roles(roles, ", ", ", ")))
    weak = passwords.password_rule(password, email=fields["email"],
                                   name=fields["display_name"])
    if weak:
        problems.append(FieldProblem.of("password", weak[0], **weak[1]))
    if not fields["display_name"]:
        problems.append(FieldProblem("display_name", N_("is required")))
    for name, limit in _LENGTHS.items():
        if fields[name] and len(fields[name]) > limit and name not in bad_text:
            problems.append(FieldProblem.of(name, N_("must have at most %(limit)s characters"),
                                            limit=limit))
    if problems:
        raise ValidationError(problems)
    return fields


def _has_control(text: str | None) -> bool:
    return bool(text) and passwords.CONTROL_CHARACTERS.search(text) is not None


def _text_problem(text: str | None) -> str | None:
    if _has_control(text):
        return _CONTROL
    if text and not _is_utf8(text):
        return N_("is not valid text (UTF-8)")
    return None


def _email_taken(email: str) -> bool:
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def _insert(fields: dict, password: str) -> User | None:
    """The new account, or ``None`` if a concurrent request took its e-mail first."""
    user = User(password_hash=passwords.hash_password(password), **fields)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    return user
