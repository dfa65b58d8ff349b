"""Accounts: creation with validation, and the role checks every write path uses."""

from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..db.models import User
from ..domain.errors import Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from ..domain.vocabulary import ROLES
from ..extensions import db
from .audit import record

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10


def require_role(actor: User | None, *roles: str) -> User:
    """Return ``actor`` if signed in with one of ``roles`` (admins may do anything)."""
    if actor is None or not actor.is_active:
        raise PermissionDenied("Please sign in first.")
    if actor.role != "admin" and actor.role not in roles:
        raise PermissionDenied(f"This needs the role {' or '.join(roles)}; you are {actor.role}.")
    return actor


def require_record_owner(actor: User | None, role: str, model, record_id: int, owner_attr: str,
                         what: str):
    """The record ``record_id`` of ``model``, if ``actor`` (of ``role``) owns it or is an admin."""
    require_role(actor, role)
    obj = db.session.get(model, record_id)
    if obj is None:
        raise NotFound(f"No {what} {record_id}.")
    if actor.role != "admin" and getattr(obj, owner_attr) != actor.id:
        raise PermissionDenied(f"Only the {what}'s {role} may change it.")
    return obj


def create_user(*, email: str, password: str, role: str, display_name: str,
                organisation: str | None = None, contact: str | None = None,
                actor: User | None = None, system: bool = False) -> User:
    """Create an account. Only admins may, except ``system`` (the CLI, run on the server)."""
    if not system:
        require_role(actor, "admin")
    problems = []
    email = (email or "").strip().lower()
    if not _EMAIL.match(email):
        problems.append(FieldProblem("email", f"{email!r} is not an e-mail address"))
    if role not in ROLES:
        problems.append(FieldProblem("role", f"must be one of {', '.join(ROLES)}"))
    if len(password or "") < MIN_PASSWORD:
        problems.append(FieldProblem("password", f"must have at least {MIN_PASSWORD} characters"))
    if not (display_name or "").strip():
        problems.append(FieldProblem("display_name", "is required"))
    if problems:
        raise ValidationError(problems)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"An account for {email} already exists.")
    user = User(email=email, password_hash=generate_password_hash(password), role=role,
                display_name=display_name.strip(), organisation=organisation, contact=contact)
    db.session.add(user)
    db.session.flush()
    record(actor, "create", user, after={"email": email, "role": role},
           label="command line" if system else None)
    db.session.commit()
    return user
