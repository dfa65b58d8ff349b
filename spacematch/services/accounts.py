"""Admins' work on accounts: who has which role. Officials and admins are made here (or
with ``spacematch create-user``); people sign up only as groups or owners."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..db.models import Project, Space, User
from ..domain.errors import N_, Conflict, FieldProblem, NotFound, PermissionDenied, ValidationError
from ..domain.vocabulary import ROLES
from ..extensions import db
from . import versioning
from .audit import record
from .decisions import escape_like
from .users import UserView, account_view, require_role

PER_PAGE = 100


@dataclass(frozen=True)
class AccountList:
    accounts: list[UserView]
    total: int  # accounts that match, on every page
    page: int  # 1 is the newest
    pages: int


def list_accounts(actor, query: str | None = None, page: int = 1) -> AccountList:
    """One page of the accounts, newest first, whose e-mail or name holds ``query``; a page
    past the last is the last."""
    require_role(actor, "admin")
    where = []
    text = (query or "").strip()
    if text:
        like = "%" + escape_like(text.lower()) + "%"
        where.append(or_(func.lower(User.email).like(like, escape="\\"),
                         func.lower(User.display_name).like(like, escape="\\")))
    total = db.session.scalar(select(func.count(User.id)).where(*where))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    stmt = (select(User).where(*where).order_by(User.id.desc())
            .offset((page - 1) * PER_PAGE).limit(PER_PAGE))
    return AccountList([account_view(u) for u in db.session.scalars(stmt)], total, page, pages)


def set_role(actor, user_id: int, role: str) -> UserView:
    """Give account ``user_id`` the role ``role``, with an audit event. An admin cannot
    change their own role, so there is always one left who can."""
    require_role(actor, "admin")
    if role not in ROLES:
        raise ValidationError(FieldProblem.of("role", N_("must be one of %(roles)s"),
                                              roles=", ".join(ROLES)))
    if user_id == actor.id:
        raise Conflict(N_("You cannot change your own role: ask another admin."))
    # under the write lock, so two admins demoting each other at once cannot both succeed
    with versioning.locked_write():
        me = db.session.get(User, actor.id, populate_existing=True)
        if me is None or me.role != "admin" or not me.is_active:
            raise PermissionDenied(N_("Only an admin may change roles."))
        user = db.session.get(User, user_id, populate_existing=True)
        if user is None:
            raise NotFound(N_("No account %(id)s."), id=user_id)
        _keeps_its_records(user, role)
        before = user.role
        if before != role:
            user.role = role
            record(actor, "user.role", user, before={"role": before}, after={"role": role})
    return account_view(user)


def _keeps_its_records(user: User, role: str) -> None:
    """An owner's places need an owner (or admin) to answer for them, a group's projects a
    group: a role change that would leave them with no one is refused, with how many."""
    if role == "admin":
        return
    places = db.session.scalar(select(func.count(Space.id)).where(
        Space.owner_id == user.id, Space.status != "archived"))
    projects = db.session.scalar(select(func.count(Project.id)).where(
        Project.group_id == user.id, Project.status != "closed"))
    if places and role != "owner":
        raise Conflict(N_("This account owns %(num)s places: archive them or give them to "
                          "another owner first."), num=places)
    if projects and role != "group":
        raise Conflict(N_("This account describes %(num)s projects: close them first."),
                       num=projects)
