"""Admins' work on accounts: who has which role. Officials and admins are made here (or
with ``spacematch create-user``); people sign up only as groups or owners."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from ..db.models import User
from ..domain.errors import N_, Conflict, FieldProblem, NotFound, ValidationError
from ..domain.vocabulary import ROLES
from ..extensions import db
from .audit import record
from .users import UserView, account_view, require_role

MAX_LISTED = 200


def list_accounts(actor, query: str | None = None) -> list[UserView]:
    """Accounts, newest first, whose e-mail or name holds ``query`` (at most 200)."""
    require_role(actor, "admin")
    stmt = select(User).order_by(User.id.desc()).limit(MAX_LISTED)
    text = (query or "").strip()
    if text:
        like = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") \
            + "%"
        stmt = stmt.where(or_(func.lower(User.email).like(like, escape="\\"),
                              func.lower(User.display_name).like(like, escape="\\")))
    return [account_view(u) for u in db.session.scalars(stmt)]


def set_role(actor, user_id: int, role: str) -> UserView:
    """Give account ``user_id`` the role ``role``, with an audit event. An admin cannot
    change their own role, so there is always one left who can."""
    require_role(actor, "admin")
    if role not in ROLES:
        raise ValidationError(FieldProblem.of("role", N_("must be one of %(roles)s"),
                                              roles=", ".join(ROLES)))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(N_("No account %(id)s."), id=user_id)
    if user.id == actor.id:
        raise Conflict(N_("You cannot change your own role: ask another admin."))
    before = user.role
    if before != role:
        user.role = role
        record(actor, "user.role", user, before={"role": before}, after={"role": role})
        db.session.commit()
    return account_view(user)
